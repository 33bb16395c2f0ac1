/*
** cmd_draw.c -- `deepmad draw MODEL -o net.svg|net.png`: a picture of a
** network, drawn to scale (dm_draw_net), written atomically.
*/
#include "cli.h"
#include <string.h>

typedef struct draw_opts {
    const char *out, *format, *title;
    int32_t input_size, classes;   /* -1 = keep the model's */
} draw_opts;

#define AT(field) .at = offsetof(draw_opts, field)

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--output", .alias = "-o", .kind = CLI_OUTPUT, .family = CLI_ALL, .value = "FILE", AT(out),
     .help = "the picture to write (required); its format from the extension, .svg or .png; "
             "'-' is standard output (with --format)"},
    {"--format", .kind = CLI_TEXT, .family = CLI_ALL, .value = "svg|png", AT(format),
     .help = "the format, whatever the extension"},
    {"--title", .kind = CLI_TEXT, .family = CLI_ALL, .value = "TEXT", AT(title),
     .help = "the caption's first line", .def = "the MODEL"},
    {"--input-size", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(input_size), .lo = 1,
     .hi = DM_MAX_INPUT_SIZE, .help = "draw at N x N input pixels (as analyze --input-size)"},
    {"--classes", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(classes), .lo = 0,
     .hi = DM_MAX_CLASSES, .help = "classifier outputs (0 = no classifier)"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "draw",
    .intro =
        "usage: deepmad draw MODEL -o FILE.svg|FILE.png [options]\n"
        "\n"
        "Draw a CNN to scale (docs/pictures.md): left to right the stem, every\n"
        "superblock as one bar per block -- bar height proportional to the output\n"
        "channels, length to the blocks -- the head and the classifier.  Under it a\n"
        "table: each unit's block kind, channels, depth, kernel, stride and\n"
        "resolution, and each stage's resolution, channels, entropy H_i and rho (of\n"
        "the prefix ending there).  The caption gives params, MACs, rho, entropy\n"
        "and objective, the numbers `deepmad analyze MODEL` prints (default scoring).\n"
        "\n"
        "MODEL is a zoo name, a JSON architecture or design file, or the paper's\n"
        "reference format, as for analyze.  MLP files are refused: draw is for CNNs.\n"
        "The file is written all at once or not at all.\n"
        "\n",
    .outro =
        "\n"
        "exit status: 0 drawn; 1 failure (bad model file, MLP, I/O); 2 bad usage.\n"
        "\n"
        "examples:\n"
        "  deepmad draw resnet50 -o resnet50.svg\n"
        "  deepmad draw deepmad-r18 -o r18.png\n"
        "  deepmad design --preset r18 -o r18.json && deepmad draw r18.json -o r18.svg\n"
        "  deepmad draw my-net.txt --format png -o my-net.img --title \"my net\"\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .positional = "MODEL",
    .see = "deepmad draw --help",
    .scope = "",
};

int cmd_draw(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    draw_opts o = {.input_size = -1, .classes = -1};
    const char *model = NULL;
    dm_picture_format f;
    int rc = cli_parse(&spec, CLI_ALL, argc, argv, &o, &model);
    if (!rc && !model) rc = cli_error(CLI_USAGE, "draw needs a MODEL (see %s)", spec.see);
    if (!rc && !o.out) rc = cli_error(CLI_USAGE, "draw needs -o FILE.svg or FILE.png");
    if (!rc) rc = cli_picture_format(o.out, o.format, &f);
    dm_error err = {0};
    if (!rc && strcmp(o.out, "-") && dm_write_check(o.out, &err)) rc = cli_fail(&err);
    dm_model m;
    if (!rc) rc = cli_load_model(model, &m);
    if (rc) return rc;
    if (m.kind == DM_MODEL_MLP)
        return cli_error(CLI_FAIL, "%s is an MLP: draw pictures CNNs only (analyze prints an "
                         "MLP's widths)", model);
    if (o.input_size > 0) m.arch.input_size = o.input_size;
    if (o.classes >= 0) m.arch.classes = o.classes;
    dm_net *net = NULL;
    dm_metrics met;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (dm_net_create(&m.arch, &net, &err) || dm_net_metrics(net, NULL, &met, &err) ||
        dm_draw_net(net, &met, o.title ? o.title : model, f, &bytes, &len, &err))
        rc = cli_fail(&err);
    else
        rc = cli_write_picture(o.out, bytes, len);
    dm_free(bytes);
    dm_net_free(net);
    return rc;
}

/* The format of the picture at `path`: `format` when given, else from
   the extension. */
int cli_picture_format(const char *path, const char *format, dm_picture_format *f) {
    dm_error err = {0};
    if (format) {
        if (dm_picture_format_from_name(format, f, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
        return CLI_OK;
    }
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash)) {
        if (!strcmp(dot, ".svg") || !strcmp(dot, ".SVG")) { *f = DM_PICTURE_SVG; return CLI_OK; }
        if (!strcmp(dot, ".png") || !strcmp(dot, ".PNG")) { *f = DM_PICTURE_PNG; return CLI_OK; }
    }
    return cli_error(CLI_USAGE, "cannot tell the picture format of '%s': name it .svg or .png, "
                     "or give --format svg|png", path);
}

int cli_write_picture(const char *path, const uint8_t *bytes, size_t len) {
    dm_error err = {0};
    if (strcmp(path, "-")) return dm_write_file_atomic(path, bytes, len, &err) ? cli_fail(&err) : CLI_OK;
    fwrite(bytes, 1, len, stdout);   /* main() checks the flush */
    return CLI_OK;
}
