/*
** cmd_measure.c -- `deepmad measure MODEL`: run a network end to end on
** this CPU with oneDNN (dm_net_measure) and report its latency: the
** median of the timed runs after warm-up, and half their interquartile
** range as the noise.
*/
#include "cli.h"
#include <math.h>
#include <string.h>

typedef struct measure_opts {
    dm_run_options run;
    int32_t input_size;   /* -1 = keep the model's */
    int32_t json;
} measure_opts;

#define AT(field) .at = offsetof(measure_opts, field)

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--threads", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(run.threads), .lo = 1,
     .hi = DM_RUN_MAX_THREADS, .help = "threads the engine runs with", .def = "1"},
    {"--batch", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(run.batch), .lo = 1,
     .hi = DM_RUN_MAX_BATCH, .help = "images per run", .def = "1"},
    {"--runs", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(run.runs), .lo = 1,
     .hi = DM_RUN_MAX_RUNS, .help = "timed runs; the median is reported", .def = "10"},
    {"--warmup", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(run.warmup), .lo = 0,
     .hi = DM_RUN_MAX_RUNS, .help = "untimed runs first (caches, page faults, first-run "
     "set-up)", .def = "3"},
    {"--input-size", .kind = CLI_INT, .family = CLI_CNN, .value = "N", AT(input_size), .lo = 1,
     .hi = DM_MAX_INPUT_SIZE, .help = "run at N x N input pixels (every stride must divide)"},
    {"--json", .kind = CLI_FLAG, .family = CLI_CNN, AT(json), .lo = 1,
     .help = "print one JSON object: model, input_size, measured_ms (the median), spread_ms "
             "(half the interquartile range), runs, warmup, threads, batch, reorders, cpu, "
             "engine"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "measure",
    .intro =
        "usage: deepmad measure MODEL [options]\n"
        "\n"
        "Run MODEL (a zoo name, see `deepmad zoo`, or a JSON / reference-format\n"
        "file) end to end on this CPU with oneDNN and print its latency: the median\n"
        "wall-clock time of --runs runs after --warmup untimed ones, and half their\n"
        "interquartile range (the noise).  The network runs as `deepmad profile`\n"
        "measures its ops (docs/latency.md, \"What runs\"): f32, BN folded into the\n"
        "convs, activations and residual adds fused into them, random weights and a\n"
        "random image; layouts as the engine picks them.  Times depend on the\n"
        "machine and what else it runs: measure on the device you deploy to, with\n"
        "the threads and batch you will use.\n"
        "\n",
    .outro =
        "\n"
        "examples:\n"
        "  deepmad measure resnet18\n"
        "  deepmad measure design.json --threads 4 --batch 8 --json\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .positional = "MODEL",
    .see = "deepmad measure --help",
    .scope = "",
};

static void print_text(const char *model, const dm_arch *a, const measure_opts *o,
                       const dm_measurement *m, const char *cpu, const char *engine) {
    printf("%s: %d x %d x %d input, batch %d, %d thread%s\n\n", model, a->in_channels,
           a->input_size, a->input_size, o->run.batch, o->run.threads,
           o->run.threads == 1 ? "" : "s");
    printf("  %-10s %.3f ms  (median of %d runs after %d warm-up)\n", "measured", m->median_ms,
           m->runs, o->run.warmup);
    printf("  %-10s %.3f ms  (half the interquartile range)\n", "spread", m->spread_ms);
    printf("  %-10s %s\n  %-10s %s\n", "cpu", cpu, "engine", engine);
}

static void print_json(const char *model, const dm_arch *a, const measure_opts *o,
                       const dm_measurement *m, const char *cpu, const char *engine) {
    printf("{\"model\": ");
    cli_json_string(stdout, model);
    printf(", \"input_size\": %d, \"measured_ms\": ", a->input_size);
    cli_json_double(stdout, round(m->median_ms * 1e6) / 1e6);   /* to the nanosecond */
    printf(", \"spread_ms\": ");
    cli_json_double(stdout, round(m->spread_ms * 1e6) / 1e6);
    printf(", \"runs\": %d, \"warmup\": %d, \"threads\": %d, \"batch\": %d, \"reorders\": %d, "
           "\"cpu\": ", m->runs, o->run.warmup, o->run.threads, o->run.batch, m->reorders);
    cli_json_string(stdout, cpu);
    printf(", \"engine\": ");
    cli_json_string(stdout, engine);
    printf("}\n");
}

static int measure_cnn(const char *model, dm_arch *a, const measure_opts *o) {
    if (o->input_size >= 0) a->input_size = o->input_size;
    dm_error err = {0};
    dm_net *net = NULL;
    dm_measurement m;
    char cpu[DM_LATENCY_TEXT], engine[DM_LATENCY_TEXT];
    if (dm_net_create(a, &net, &err) || dm_net_measure(net, &o->run, &m, &err)) {
        dm_net_free(net);
        return cli_fail(&err);
    }
    dm_net_free(net);
    dm_run_machine(cpu, engine);
    if (o->json) print_json(model, a, o, &m, cpu, engine);
    else print_text(model, a, o, &m, cpu, engine);
    return CLI_OK;
}

int cmd_measure(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    measure_opts o = {.input_size = -1};
    dm_run_options_default(&o.run);
    const char *model = NULL, *foreign;
    dm_model m;
    int rc = cli_parse(&spec, CLI_ALL, argc, argv, &o, &model);
    if (!rc && !model) rc = cli_error(CLI_USAGE, "measure needs a MODEL (see %s)", spec.see);
    if (!rc) rc = cli_load_model(model, &m);
    if (rc) return rc;
    if (m.kind == DM_MODEL_MLP) {
        foreign = cli_foreign(&spec, CLI_MLP, argc, argv);
        if (foreign) return cli_error(CLI_USAGE, "'%s': an MLP file cannot be measured", foreign);
        return cli_error(CLI_FAIL, "%s is an MLP: measure runs CNNs only", model);
    }
    return measure_cnn(model, &m.arch, &o);
}
