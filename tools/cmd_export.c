/*
** cmd_export.c -- `deepmad export MODEL --format F -o FILE`: write a network
** as PyTorch source, an ONNX model, the JSON schema or the paper's
** reference format.  The network is built (and so validated) first, and
** the file is replaced atomically, so a failed export leaves FILE as it
** was.
*/
#include "cli.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *export_help =
    "usage: deepmad export MODEL --format torch|onnx|json|tinynas -o FILE [options]\n"
    "\n"
    "Write MODEL (a zoo name, see `deepmad zoo`, or a JSON / reference-format\n"
    "file, e.g. the output of `deepmad design`) as:\n"
    "  torch    one Python file that needs only torch: an nn.Module with the\n"
    "           design's metrics in its docstring\n"
    "  onnx     an ONNX model (opset 13), float32 NCHW input \"input\" with a\n"
    "           dynamic batch, output \"logits\"; initializer names equal the\n"
    "           PyTorch module's state_dict keys; seeded-random weights\n"
    "  json     the architecture schema (docs/arch-json.md)\n"
    "  tinynas  the paper's reference structure format\n"
    "Without --format the format follows FILE's extension (.py .onnx .json .txt).\n"
    "FILE '-' writes to standard output.  See docs/export.md.\n"
    "\n"
    "options:\n"
    "  --input-size N   export at N x N input pixels (every stride must divide)\n"
    "  --classes N      classifier outputs (0 = no classifier: pooled features)\n"
    "  --seed N         ONNX weight seed, 0..2^64-1 (default 0)\n"
    "  --no-weights     ONNX without weights: they become graph inputs\n"
    "  --opset N        ONNX opset, 13..17 (default 13)\n"
    "  --class-name ID  Python class name (default DeepMADNet)\n"
    "  --note TEXT      add TEXT (e.g. the design's budgets) to the Python docstring\n"
    "  -h, --help       this text\n"
    "\n"
    "examples:\n"
    "  deepmad export resnet50 --format onnx -o resnet50.onnx\n"
    "  deepmad export design.json --format torch -o design_net.py\n";

typedef enum { FMT_TORCH, FMT_ONNX, FMT_JSON, FMT_TINYNAS, FMT_COUNT } export_format;
static const char *const format_names[FMT_COUNT] = {"torch", "onnx", "json", "tinynas"};
static const char *const format_ext[FMT_COUNT] = {".py", ".onnx", ".json", ".txt"};

typedef struct export_opts {
    const char *model, *out;
    int format;                  /* -1 = from the extension */
    int32_t input_size, classes; /* -1 = keep the model's */
    dm_onnx_options onnx;
    dm_torch_options torch;
} export_opts;

static int parse_format(const char *v, int *out) {
    for (int i = 0; i < FMT_COUNT; i++)
        if (!strcmp(v, format_names[i])) { *out = i; return CLI_OK; }
    return cli_error(CLI_USAGE, "unknown format '%s' (expected torch, onnx, json or tinynas)", v);
}

static int format_from_ext(const char *path, int *out) {
    size_t n = strlen(path);
    for (int i = 0; i < FMT_COUNT; i++) {
        size_t m = strlen(format_ext[i]);
        if (n > m && !strcmp(path + n - m, format_ext[i])) { *out = i; return CLI_OK; }
    }
    return cli_error(CLI_USAGE, "no --format given and '%s' has no known extension "
                                "(.py .onnx .json .txt)", path);
}

static int parse_seed(const char *v, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long s = strtoull(v, &end, 10);
    if (!*v || *v == '-' || *end || errno)
        return cli_error(CLI_USAGE, "--seed needs an integer between 0 and 2^64-1, got '%s'", v);
    *out = (uint64_t)s;
    return CLI_OK;
}

static int parse_value(const char *a, const char *v, export_opts *o) {
    if (!strcmp(a, "--format")) return parse_format(v, &o->format);
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) { o->out = v; return CLI_OK; }
    if (!strcmp(a, "--input-size")) return cli_int(a, v, 1, DM_MAX_INPUT_SIZE, &o->input_size);
    if (!strcmp(a, "--classes")) return cli_int(a, v, 0, DM_MAX_CLASSES, &o->classes);
    if (!strcmp(a, "--seed")) return parse_seed(v, &o->onnx.seed);
    if (!strcmp(a, "--opset"))
        return cli_int(a, v, DM_ONNX_OPSET_MIN, DM_ONNX_OPSET_MAX, &o->onnx.opset);
    if (!strcmp(a, "--class-name")) { o->torch.class_name = v; return CLI_OK; }
    if (!strcmp(a, "--note")) { o->torch.notes = v; return CLI_OK; }
    return cli_error(CLI_USAGE, "unknown option '%s' (see deepmad export --help)", a);
}

static int parse_args(int argc, char **argv, export_opts *o) {
    memset(o, 0, sizeof *o);
    o->format = -1;
    o->input_size = o->classes = -1;
    dm_onnx_options_default(&o->onnx);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--no-weights")) { o->onnx.with_weights = 0; continue; }
        if (a[0] != '-' || !a[1]) {
            if (o->model) return cli_error(CLI_USAGE, "export takes one MODEL (got '%s' too)", a);
            o->model = a;
            continue;
        }
        if (i + 1 >= argc) return cli_error(CLI_USAGE, "%s needs a value", a);
        int rc = parse_value(a, argv[++i], o);
        if (rc) return rc;
    }
    if (!o->model) return cli_error(CLI_USAGE, "export needs a MODEL (see deepmad export --help)");
    if (!o->out) return cli_error(CLI_USAGE, "export needs -o FILE ('-' for standard output)");
    if (o->format < 0) return format_from_ext(o->out, &o->format);
    return CLI_OK;
}

/* The file's bytes in *data (freed with dm_free). */
static dm_status render(const export_opts *o, const dm_net *net, void **data, size_t *len,
                        dm_error *err) {
    char *text = NULL;
    dm_status s;
    dm_metrics m;
    switch (o->format) {
    case FMT_ONNX: return dm_export_onnx(net, &o->onnx, (uint8_t **)data, len, err);
    case FMT_TORCH:
        s = dm_net_metrics(net, NULL, &m, err);
        if (!s) s = dm_export_torch(net, &m, &o->torch, &text, err);
        break;
    case FMT_JSON: s = dm_arch_to_json(dm_net_arch(net), &text, err); break;
    default: s = dm_arch_to_tinynas(dm_net_arch(net), &text, err); break;
    }
    *data = text;
    *len = text ? strlen(text) : 0;
    return s;
}

static int write_out(const char *path, const void *data, size_t len) {
    dm_error err = {0};
    if (strcmp(path, "-") != 0)
        return dm_write_file_atomic(path, data, len, &err) ? cli_fail(&err) : CLI_OK;
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
        return cli_error(CLI_FAIL, "cannot write to standard output: %s", strerror(errno));
    return CLI_OK;
}

int cmd_export(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) { fputs(export_help, stdout); return CLI_OK; }
    export_opts o;
    dm_arch a;
    int rc = parse_args(argc, argv, &o);
    if (!rc && cli_mlp_file(o.model)) return cmd_export_mlp(argc, argv); /* cmd_export_mlp.c */
    if (!rc) rc = cli_load_model(o.model, &a);
    if (rc) return rc;
    if (o.input_size >= 0) a.input_size = o.input_size;
    if (o.classes >= 0) a.classes = o.classes;
    o.torch.source = o.model;
    dm_error err = {0};
    dm_net *net = NULL;
    void *data = NULL;
    size_t len = 0;
    if (dm_net_create(&a, &net, &err) || render(&o, net, &data, &len, &err)) {
        dm_net_free(net);
        return cli_fail(&err);
    }
    rc = write_out(o.out, data, len);
    dm_free(data);
    dm_net_free(net);
    return rc;
}
