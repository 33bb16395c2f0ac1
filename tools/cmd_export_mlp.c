/*
** cmd_export_mlp.c -- `deepmad export FILE` for MLP descriptions, which
** cmd_export.c hands over here: PyTorch source (nn.Linear + activation),
** ONNX (Gemm + activation) or the MLP JSON, through the library's MLP
** exporters and the same atomic file write as CNN exports.
*/
#include "cli.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct mlp_export {
    const char *model, *out, *format;
    dm_onnx_options onnx;
    dm_torch_options torch;
} mlp_export;

static int ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && !strcmp(s + n - t, tail);
}

static int parse(int argc, char **argv, mlp_export *o) {
    static const char *const flags[] = {"--no-weights"};
    memset(o, 0, sizeof *o);
    dm_onnx_options_default(&o->onnx);
    o->model = cli_mlp_model_arg(argc, argv, flags, 1);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a == o->model) continue;
        if (!strcmp(a, "--no-weights")) { o->onnx.with_weights = 0; continue; }
        if (!v) return cli_error(CLI_USAGE, "'%s' needs a value", a);
        i++;
        if (!strcmp(a, "-o")) o->out = v;
        else if (!strcmp(a, "--format")) o->format = v;
        else if (!strcmp(a, "--opset")) { if (cli_int(a, v, 1, 1000, &o->onnx.opset)) return CLI_USAGE; }
        else if (!strcmp(a, "--seed")) {
            char *end;
            errno = 0;
            o->onnx.seed = strtoull(v, &end, 10);
            if (*end || end == v || errno || v[0] == '-')
                return cli_error(CLI_USAGE, "--seed needs an integer 0..2^64-1, got '%s'", v);
        } else if (!strcmp(a, "--class-name")) o->torch.class_name = v;
        else return cli_error(CLI_USAGE, "'%s' does not apply to an MLP file", a);
    }
    if (!o->out) return cli_error(CLI_USAGE, "export needs -o FILE");
    if (!o->format)
        o->format = ends_with(o->out, ".py") ? "torch" : ends_with(o->out, ".onnx") ? "onnx"
                  : ends_with(o->out, ".json") ? "json" : NULL;
    if (!o->format || (strcmp(o->format, "torch") && strcmp(o->format, "onnx") && strcmp(o->format, "json")))
        return cli_error(CLI_USAGE, "an MLP exports as torch, onnx or json (give --format or "
                                    "a .py/.onnx/.json FILE)");
    return CLI_OK;
}

static dm_status render(const mlp_export *o, const dm_mlp *m, void **data, size_t *len,
                        dm_error *err) {
    if (!strcmp(o->format, "onnx")) return dm_export_mlp_onnx(m, &o->onnx, (uint8_t **)data, len, err);
    char *text = NULL;
    dm_status s = !strcmp(o->format, "torch") ? dm_export_mlp_torch(m, &o->torch, &text, err)
                                              : dm_mlp_to_json(m, &text, err);
    *data = text;
    *len = text ? strlen(text) : 0;
    return s;
}

int cmd_export_mlp(int argc, char **argv) {
    mlp_export o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    o.torch.source = o.model;
    dm_error err = {0};
    dm_mlp m;
    void *data = NULL;
    size_t len = 0;
    if (dm_mlp_load(o.model, &m, &err) || render(&o, &m, &data, &len, &err)) return cli_fail(&err);
    if (strcmp(o.out, "-") == 0) {
        rc = fwrite(data, 1, len, stdout) == len && fflush(stdout) == 0
           ? CLI_OK : cli_error(CLI_FAIL, "cannot write to standard output: %s", strerror(errno));
    } else if (dm_write_file_atomic(o.out, data, len, &err)) {
        rc = cli_fail(&err);
    }
    dm_free(data);
    return rc;
}
