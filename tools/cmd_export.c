/*
** cmd_export.c -- `deepmad export MODEL --format F -o FILE`: write a network
** as PyTorch source, an ONNX model, the JSON schema or the paper's
** reference format; an MLP file as PyTorch (nn.Linear + activation), ONNX
** (Gemm + activation) or its JSON.  A CNN is built (and so validated)
** first, and the file is replaced atomically, so a failed export leaves
** FILE as it was.
*/
#include "cli.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef enum { FMT_TORCH, FMT_ONNX, FMT_JSON, FMT_TINYNAS, FMT_COUNT } export_format;
static const char *const format_names[FMT_COUNT] = {"torch", "onnx", "json", "tinynas"};
static const char *const format_ext[FMT_COUNT] = {".py", ".onnx", ".json", ".txt"};

typedef struct export_opts {
    const char *out;
    int32_t format;              /* -1 = from the extension */
    int32_t input_size, classes; /* -1 = keep the model's */
    dm_onnx_options onnx;
    dm_torch_options torch;
} export_opts;

static int set_format(const cli_option *o, const char *v, void *opts) {
    (void)o;
    for (int i = 0; i < FMT_COUNT; i++)
        if (!strcmp(v, format_names[i])) { ((export_opts *)opts)->format = i; return CLI_OK; }
    return cli_error(CLI_USAGE, "unknown format '%s' (expected torch, onnx, json or tinynas)", v);
}

static int set_seed(const cli_option *o, const char *v, void *opts) {
    return cli_u64(o->name, v, &((export_opts *)opts)->onnx.seed);
}

#define AT(field) .at = offsetof(export_opts, field)

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--output", .alias = "-o", .kind = CLI_OUTPUT, .family = CLI_ALL, .value = "FILE", AT(out),
     .help = "the file to write (required); '-' is standard output"},
    {"--format", .kind = CLI_CALL, .family = CLI_ALL, .value = "F", .set = set_format,
     .help = "torch | onnx | json | tinynas; an MLP torch | onnx | json",
     .def = "from FILE's extension"},
    {"--input-size", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(input_size), .lo = 1,
     .hi = DM_MAX_INPUT_SIZE, .help = "export at N x N input pixels (every stride must divide)"},
    {"--classes", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(classes), .lo = 0,
     .hi = DM_MAX_CLASSES, .help = "classifier outputs (0 = no classifier: pooled features)"},
    {"--seed", .kind = CLI_CALL, .family = CLI_ALL, .value = "N", .set = set_seed,
     .help = "ONNX weight seed, 0..2^64-1", .def = "0"},
    {"--no-weights", .kind = CLI_FLAG, .family = CLI_ALL, AT(onnx.with_weights), .lo = 0,
     .help = "ONNX without weights: they become graph inputs"},
    {"--opset", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(onnx.opset),
     .lo = DM_ONNX_OPSET_MIN, .hi = DM_ONNX_OPSET_MAX, .help = "ONNX opset, 13..17", .def = "13"},
    {"--class-name", .kind = CLI_TEXT, .family = CLI_ALL, .value = "ID", AT(torch.class_name),
     .help = "Python class name", .def = "DeepMADNet; an MLP DeepMADMLP"},
    {"--note", .kind = CLI_TEXT, .family = CLI_CNN, .value = "TEXT", AT(torch.notes),
     .help = "add TEXT to the Python docstring",
     .def = "a design file's problem and outcome"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "export",
    .intro =
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
        "An MLP file (docs/mlp.md) exports as torch, onnx (Gemm + activation, output\n"
        "\"output\") or json, and takes neither --input-size, --classes nor --note.\n"
        "Without --format the format follows FILE's extension (.py .onnx .json .txt).\n"
        "FILE '-' writes to standard output, MODEL '-' reads standard input.  A zoo\n"
        "name wins over a file of that name (a note says so): write ./resnet18 for\n"
        "the file.  See docs/export.md.\n"
        "\n",
    .outro =
        "\n"
        "examples:\n"
        "  deepmad export resnet50 --format onnx -o resnet50.onnx\n"
        "  deepmad export design.json --format torch -o design_net.py\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .positional = "MODEL",
    .see = "deepmad export --help",
    .scope = "",
};

static int format_from_ext(const char *path, int32_t *out) {
    size_t n = strlen(path);
    for (int i = 0; i < FMT_COUNT; i++) {
        size_t m = strlen(format_ext[i]);
        if (n > m && !strcmp(path + n - m, format_ext[i])) { *out = i; return CLI_OK; }
    }
    return cli_error(CLI_USAGE, "no --format given and '%s' has no known extension "
                                "(.py .onnx .json .txt)", path);
}

static int parse_args(int argc, char **argv, export_opts *o, const char **model) {
    memset(o, 0, sizeof *o);
    o->format = -1;
    o->input_size = o->classes = -1;
    dm_onnx_options_default(&o->onnx);
    int rc = cli_parse(&spec, CLI_ALL, argc, argv, o, model);
    if (rc) return rc;
    if (!*model) return cli_error(CLI_USAGE, "export needs a MODEL (see %s)", spec.see);
    if (!o->out) return cli_error(CLI_USAGE, "export needs -o FILE ('-' for standard output)");
    if (o->format < 0) return format_from_ext(o->out, &o->format);
    return CLI_OK;
}

/* The CNN file's bytes in *data (freed with dm_free). */
static dm_status render_cnn(const export_opts *o, const dm_net *net, void **data, size_t *len,
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
    case FMT_JSON: /* a design file's "problem" goes on with it */
        s = dm_arch_to_json_record(dm_net_arch(net), o->onnx.design, &text, err);
        break;
    default: s = dm_arch_to_tinynas(dm_net_arch(net), &text, err); break;
    }
    *data = text;
    *len = text ? strlen(text) : 0;
    return s;
}

/* The MLP file's bytes in *data (freed with dm_free). */
static dm_status render_mlp(const export_opts *o, const dm_mlp *m, void **data, size_t *len,
                            dm_error *err) {
    if (o->format == FMT_ONNX) return dm_export_mlp_onnx(m, &o->onnx, (uint8_t **)data, len, err);
    char *text = NULL;
    dm_status s = o->format == FMT_TORCH ? dm_export_mlp_torch(m, &o->torch, &text, err)
                                         : dm_mlp_to_json(m, &text, err);
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

/* Render `m` as o->format; CLI_USAGE when that is not a format of its kind. */
static int render(const export_opts *o, dm_model *m, void **data, size_t *len) {
    dm_error err = {0};
    dm_net *net = NULL;
    dm_status s;
    if (m->kind == DM_MODEL_MLP) {
        if (o->format == FMT_TINYNAS)
            return cli_error(CLI_USAGE, "an MLP exports as torch, onnx or json (give --format or "
                                        "a .py/.onnx/.json FILE)");
        s = render_mlp(o, &m->mlp, data, len, &err);
    } else {
        if (o->input_size >= 0) m->arch.input_size = o->input_size;
        if (o->classes >= 0) m->arch.classes = o->classes;
        s = dm_net_create(&m->arch, &net, &err);
        if (!s) s = render_cnn(o, net, data, len, &err);
        dm_net_free(net);
    }
    return s ? cli_fail(&err) : CLI_OK;
}

/* What can be refused before the work: a class name the exporter would
   refuse (bad usage), a file that cannot be written. */
static int check_request(const export_opts *o, dm_model_kind kind) {
    dm_error err = {0};
    if (o->torch.class_name && dm_torch_class_name_check(kind, o->torch.class_name, &err))
        return cli_error(CLI_USAGE, "%s", err.msg);
    if (strcmp(o->out, "-") != 0 && dm_write_check(o->out, &err)) return cli_fail(&err);
    return CLI_OK;
}

int cmd_export(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    export_opts o;
    const char *model = NULL, *foreign;
    dm_model m;
    int rc = parse_args(argc, argv, &o, &model);
    if (!rc) rc = cli_load_model(model, &m);
    if (rc) return rc;
    foreign = m.kind == DM_MODEL_MLP ? cli_foreign(&spec, CLI_MLP, argc, argv) : NULL;
    if (foreign) return cli_error(CLI_USAGE, "'%s' does not apply to an MLP file", foreign);
    o.torch.source = model;
    o.onnx.design = &m.design; /* a design file's problem: ONNX metadata, JSON */
    rc = check_request(&o, m.kind);
    if (rc) return rc;
    char *note = NULL; /* ... and the docstring, unless --note says otherwise */
    dm_error err = {0};
    if (m.design.present && !o.torch.notes) {
        if (dm_design_record_note(&m.design, &note, &err)) return cli_fail(&err);
        o.torch.notes = note;
    }
    void *data = NULL;
    size_t len = 0;
    rc = render(&o, &m, &data, &len);
    if (!rc) rc = write_out(o.out, data, len);
    dm_free(data);
    dm_free(note);
    return rc;
}
