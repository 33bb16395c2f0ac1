/*
** cmd_analyze.c -- `deepmad analyze MODEL`: exact costs and DeepMAD scores
** of a zoo network or a description file, as a table or one JSON object.
** MLP files (docs/mlp.md) get their own metrics: params, MACs, layers,
** mean width, rho and the MLP entropy.
*/
#include "cli.h"
#include "report.h"
#include <inttypes.h>
#include <string.h>

typedef struct analyze_opts {
    int32_t input_size, classes;   /* -1 = keep the model's */
    dm_style style;                /* DM_STYLE_COUNT = keep the model's */
    int32_t json;
    dm_score_params sp;
    const char *latency_table;     /* --latency-table FILE, or NULL */
} analyze_opts;

#define AT(field) .at = offsetof(analyze_opts, field)

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--input-size", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(input_size),
     .lo = 1, .hi = DM_MAX_INPUT_SIZE,
     .help = "analyse at N x N input pixels (every stride must divide)"},
    {"--classes", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(classes),
     .lo = 0, .hi = DM_MAX_CLASSES, .help = "classifier outputs (0 = no classifier)"},
    {"--style", .kind = CLI_CALL, .family = CLI_CNN, .value = "torchvision|paper", AT(style),
     .set = cli_set_style,
     .help = "build the blocks as torchvision does or as the paper's code does (docs/styles.md; "
             "default: the model's own: torchvision for the zoo's torchvision nets and JSON "
             "without \"style\", paper for the published DeepMAD nets and reference files)"},
    {"--alpha", .kind = CLI_DOUBLES, .family = CLI_CNN, .value = "A,B,...", AT(sp.alpha),
     .at2 = offsetof(analyze_opts, sp.n_alpha), .lo = 0, .hi = 1e6, .max = DM_MAX_STAGES,
     .help = "stage weights, one per stage", .def = "1,...,1,8"},
    {"--beta", .kind = CLI_DOUBLE, .family = CLI_CNN, .value = "B", AT(sp.beta), .lo = 0,
     .hi = 1e6, .help = "depth-penalty weight", .def = "10"},
    {"--penalty", .kind = CLI_CALL, .family = CLI_CNN, .value = "std|var", AT(sp.penalty),
     .set = cli_set_penalty, .help = "Q = exp(std) or exp(variance) of depths", .def = "std"},
    {"--penalty-skip", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(sp.penalty_skip),
     .lo = 0, .hi = DM_MAX_SUPERBLOCKS,
     .help = "leave the first N superblocks out of the depth list", .def = "0"},
    {"--latency-table", .kind = CLI_TEXT, .family = CLI_CNN, .value = "FILE", AT(latency_table),
     .help = "also predict the latency, per stage and in total, from a table measured by "
             "deepmad profile (docs/latency.md); the table must hold the net's op shapes or "
             "grids around them"},
    {"--json", .kind = CLI_FLAG, .family = CLI_ALL, AT(json), .lo = 1,
     .help = "print one JSON object instead of the table: params, macs, peak_activation, "
             "layers, rho, entropy, depth_penalty, objective, [latency_ms with "
             "--latency-table], stages[{resolution, channels, "
             "layers, log_width_sum, rho, alpha, entropy, [latency_ms]}], plausibility{head_share, head_params, "
             "stem, head, head_ratio, inner_ratio_min/max[_superblock], space, at_limit[{variable, "
             "superblock, end, outside, value, limit}]} (docs/plausibility.md); for an MLP: params, macs, layers, "
             "log_width_sum, mean_width, rho, entropy"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "analyze",
    .intro =
        "usage: deepmad analyze MODEL [options]\n"
        "\n"
        "Report a network's exact params and MACs (SPEC section 6: every conv and\n"
        "linear layer, SE and classifier included), its main-path layers, peak\n"
        "activation memory, per-stage entropy and effectiveness rho, and the DeepMAD\n"
        "objective = sum_i alpha_i H_i - beta * exp(std of superblock depths).\n"
        "\n"
        "MODEL is a zoo name (see `deepmad zoo`) or a file: the JSON architecture\n"
        "schema (docs/arch-json.md), the paper's reference format (tinynas .txt), or\n"
        "an MLP description (docs/mlp.md), which takes only --json.  '-' is standard\n"
        "input.  A zoo name wins over a file of that name (a note says so): write\n"
        "./resnet18 for the file.\n"
        "\n",
    .outro =
        "\n"
        "examples:\n"
        "  deepmad analyze resnet50\n"
        "  deepmad analyze efficientnet_b0 --input-size 256 --json\n"
        "  deepmad analyze my-net.json --alpha 1,1,1,1,8 --penalty var\n"
        "  deepmad analyze my-net.json --latency-table lat.json\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .positional = "MODEL",
    .see = "deepmad analyze --help",
    .scope = "",
};

static void print_count(const char *label, int64_t v) {
    char digits[32], out[48];
    int n = snprintf(digits, sizeof digits, "%" PRId64, v), j = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0 && digits[i - 1] != '-') out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = 0;
    printf("  %-18s %s\n", label, out);
}

static void print_table(const char *model, const dm_arch *a, const dm_metrics *m) {
    printf("%s: %d x %d x %d input, %d classes\n\n", model, a->in_channels, a->input_size,
           a->input_size, a->classes);
    printf("  stage  resolution  channels  layers  S_i (cumul.)  rho (prefix)  alpha  "
           "alpha*H_i\n");
    for (int32_t i = 0; i < m->n_stages; i++) {
        const dm_stage_metrics *s = &m->stage[i];
        printf("  %5d  %10d  %8d  %6d  %12.4f  %12.5f  %5g  %9.3f\n", i + 1, s->resolution,
               s->channels, s->layers, s->log_width_sum, s->rho, s->alpha, s->entropy);
    }
    printf("\n");
    print_count("params", m->params);
    print_count("MACs", m->macs);
    print_count("peak activation", m->peak_activation);
    printf("  %-18s %d\n", "main-path layers", m->layers);
    printf("  %-18s %.6f  (max over stage prefixes)\n", "rho", m->rho);
    char b[CLI_REAL_CAP];
    printf("  %-18s %s\n", "entropy H", cli_real(b, sizeof b, m->entropy, 4));
    printf("  %-18s %s\n", "depth penalty", cli_real(b, sizeof b, m->depth_penalty, 4));
    printf("  %-18s %s\n", "objective", cli_real(b, sizeof b, m->objective, 4));
}

/* The predicted latency block of the text report. */
static void print_latency(const dm_metrics *m, const dm_latency_table *t, const char *path) {
    printf("\n  predicted latency  %.3f ms  (%s: %s, %s, %d thread%s, batch %d)\n", m->latency_ms,
           path, t->cpu[0] ? t->cpu : "unknown CPU", t->engine[0] ? t->engine : "unknown engine",
           t->threads, t->threads == 1 ? "" : "s", t->batch);
    printf("  %-18s", "per stage (ms)");
    for (int32_t i = 0; i < m->n_stages; i++) printf(" %.3f", m->stage[i].latency_ms);
    printf("\n");
}

/* --latency-table: the prediction into m (a table that cannot be read,
   or cannot predict this net, fails the command). */
static int predict(const analyze_opts *o, const dm_net *net, dm_metrics *m, dm_latency_table *t) {
    dm_error err = {0};
    dm_latency dl;
    if (!o->latency_table) return CLI_OK;
    if (dm_latency_table_load(o->latency_table, t, &err) || dm_latency_predict(t, net, &dl, &err))
        return cli_fail(&err);
    m->latency_ms = dl.total_ms;
    for (int32_t i = 0; i < m->n_stages && i < dl.n_stages; i++) m->stage[i].latency_ms = dl.stage_ms[i];
    return CLI_OK;
}

static int analyze_cnn(const char *model, dm_arch *a, const analyze_opts *o) {
    if (o->input_size >= 0) a->input_size = o->input_size;
    if (o->classes >= 0) a->classes = o->classes;
    if (o->style != DM_STYLE_COUNT) a->style = o->style;
    dm_error err = {0};
    dm_net *net = NULL;
    dm_metrics m;
    char *json = NULL;
    dm_latency_table table;
    dm_latency_table_init(&table);
    if (dm_net_create(a, &net, &err) || dm_net_metrics(net, &o->sp, &m, &err)) {
        dm_net_free(net);
        return cli_fail(&err);
    }
    int rc = predict(o, net, &m, &table);
    if (!rc && o->json) {
        /* The library composes the object (metrics + plausibility). */
        if (dm_analysis_to_json(net, &m, &json, &err)) rc = cli_fail(&err);
        else puts(json);
    } else if (!rc) {
        /* The plausibility block judges the net against its own family's
           space: the paper one for a paper-style net, else the open one. */
        report_space sp;
        report_space_of_net(a, &sp);
        print_table(model, a, &m);
        if (o->latency_table) print_latency(&m, &table, o->latency_table);
        rc = report_text(net, &sp);
    }
    dm_latency_table_free(&table);
    dm_free(json);
    dm_net_free(net);
    return rc;
}

static int analyze_mlp(const char *path, const dm_mlp *m, const analyze_opts *o) {
    dm_error err = {0};
    dm_mlp_metrics x;
    char *json = NULL;
    if (dm_mlp_metrics_of(m, &x, &err) || (o->json && dm_mlp_metrics_to_json(&x, &json, &err)))
        return cli_fail(&err);
    if (json) {
        puts(json);
        dm_free(json);
        return CLI_OK;
    }
    printf("%s: MLP, %d layers, %s%s\n\n", path, m->n_layers, dm_act_name(m->act),
           m->bias ? ", bias" : ", no bias");
    cli_print_mlp_widths(m);
    printf("\n  params      %14lld\n  MACs        %14lld\n  layers      %14d\n",
           (long long)x.params, (long long)x.macs, (int)x.layers);
    printf("  mean width  %14.4f  (geometric, w_1..w_L)\n  rho         %14.4f\n"
           "  entropy     %14.4f  (w_{L+1} * sum log w_i)\n", x.mean_width, x.rho, x.entropy);
    return CLI_OK;
}

int cmd_analyze(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    analyze_opts o = {.input_size = -1, .classes = -1, .style = DM_STYLE_COUNT};
    dm_score_params_default(&o.sp);
    const char *model = NULL, *foreign;
    dm_model m;
    int rc = cli_parse(&spec, CLI_ALL, argc, argv, &o, &model);
    if (!rc && !model) rc = cli_error(CLI_USAGE, "analyze needs a MODEL (see %s)", spec.see);
    if (!rc) rc = cli_load_model(model, &m);
    if (rc) return rc;
    if (m.kind == DM_MODEL_MLP) {
        foreign = cli_foreign(&spec, CLI_MLP, argc, argv);
        if (foreign) return cli_error(CLI_USAGE, "'%s': an MLP file takes only --json", foreign);
        return analyze_mlp(model, &m.mlp, &o);
    }
    return analyze_cnn(model, &m.arch, &o);
}
