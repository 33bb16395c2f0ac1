/*
** cmd_profile.c -- `deepmad profile [MODEL ...] -o TABLE`: measure, on
** this CPU with oneDNN, the latency of every op shape the given networks
** run (dm_net_ops), into a latency table (docs/latency.md) that analyze
** and design read with --latency-table.
**
** Shapes are measured lazily through a per-machine cache: a table in
** $XDG_CACHE_HOME/deepmad (else ~/.cache/deepmad) named after the CPU,
** threads and batch keeps every shape ever measured here, so a second
** profile measures only what is new.  The cache is saved as shapes are
** measured (every few seconds) and at the end, also after a failure.
*/
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)   /* a numeric macro's value as text, for --help */

#define MAX_MODELS 64
#define CACHE_SAVE_EVERY 5.0   /* seconds between cache saves while measuring */

typedef struct profile_opts {
    dm_run_options run;
    const char *out, *cache;
    int32_t no_cache, json;
    const char *models[MAX_MODELS];
    int32_t n_models;
    int32_t has_problem;   /* --preset or --family given: also the problem's shapes */
    int32_t input_size;    /* --input-size given: the MODELs at it; else 0 */
    dm_problem problem;    /* read by design's own parser (cli_design_problem) */
} profile_opts;

#define AT(field) .at = offsetof(profile_opts, field)

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--output", .alias = "-o", .kind = CLI_OUTPUT, .family = CLI_ALL, .value = "FILE", AT(out),
     .help = "the table to write (required): the shapes of the MODELs, measured; '-' is "
             "standard output"},
    {"--threads", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(run.threads), .lo = 1,
     .hi = DM_RUN_MAX_THREADS, .help = "threads the engine runs with", .def = "1"},
    {"--batch", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(run.batch), .lo = 1,
     .hi = DM_RUN_MAX_BATCH, .help = "images per run", .def = "1"},
    {"--runs", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(run.runs), .lo = 1,
     .hi = DM_RUN_MAX_RUNS, .help = "timed runs per shape; the median is recorded", .def = "10"},
    {"--warmup", .kind = CLI_INT, .family = CLI_ALL, .value = "N", AT(run.warmup), .lo = 0,
     .hi = DM_RUN_MAX_RUNS, .help = "untimed runs per shape first", .def = "3"},
    {"--time-limit", .kind = CLI_DOUBLE, .family = CLI_ALL, .value = "MS", AT(run.time_limit_ms),
     .lo = 0, .hi = 1e9, .help = "a shape's timed runs stop once they took MS ms (at least 3 "
     "runs), its warm-up at MS/4 (at least 1): large shapes get fewer runs; 0 = always "
     "--warmup + --runs", .def = TEXT_OF(DM_PROFILE_TIME_LIMIT_MS)},
    {"--cache", .kind = CLI_TEXT, .family = CLI_ALL, .value = "FILE", AT(cache),
     .help = "the cache table to reuse and extend",
     .def = "$XDG_CACHE_HOME/deepmad/latency-CPU-tT-bB.json, else ~/.cache/deepmad/..."},
    {"--no-cache", .kind = CLI_FLAG, .family = CLI_ALL, AT(no_cache), .lo = 1,
     .help = "measure every shape now; read and write no cache"},
    {"--json", .kind = CLI_FLAG, .family = CLI_ALL, AT(json), .lo = 1,
     .help = "print one JSON object: output, shapes, measured, reused, seconds, cache, cpu, "
             "engine, threads, batch"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "profile",
    .intro =
        "usage: deepmad profile [MODEL ...] [--preset NAME | --family F] [problem options]\n"
        "                       -o TABLE [options]\n"
        "\n"
        "Measure on this CPU, with oneDNN, the latency of every op shape the MODELs\n"
        "run (zoo names or files), and with a design problem every shape a design\n"
        "of that problem can run (a preset: about 1500-2200 shapes, a few minutes),\n"
        "and write them as a latency table (docs/latency.md):\n"
        "per shape the median and spread of its timed runs, with the CPU model, the\n"
        "engine version, the threads and the batch.  `deepmad analyze MODEL\n"
        "--latency-table TABLE` predicts a network from it, and `deepmad design\n"
        "--latency MS --latency-table TABLE` designs under a latency budget.\n"
        "\n"
        "An op is what the engine runs as one step: a conv with its BN folded and\n"
        "its activation and residual add fused, a pool, an SE, the classifier\n"
        "(docs/latency.md, \"What runs\").  Measure on the device you deploy to, with\n"
        "the threads and batch you will use: a table is only true there.\n"
        "\n"
        "The design problem: --preset NAME or --family F, and any of design's problem\n"
        "options (--space, --input-size, --strides, --depth, --kernels, --inner,\n"
        "--channels, --head, ...: see deepmad design --help), read exactly as design\n"
        "reads them, so the table covers `deepmad design` with the same options.\n"
        "--input-size alone sets the MODELs' input size.\n"
        "\n"
        "Cache: shapes are measured lazily.  Every shape measured here is kept in a\n"
        "per-machine table, $XDG_CACHE_HOME/deepmad (else ~/.cache/deepmad)\n"
        "/latency-CPU-tTHREADS-bBATCH.json; a shape already there is not measured\n"
        "again, and the cache is saved while measuring, so an interrupted profile\n"
        "resumes.  A cache from another CPU or engine version is ignored.  Delete it\n"
        "to measure afresh (or --no-cache).  A progress bar shows on a terminal.\n"
        "\n",
    .outro =
        "\n"
        "examples:\n"
        "  deepmad profile resnet18 efficientnet_b0 -o lat.json\n"
        "  deepmad profile resnet18 --preset r18 -o lat-r18.json\n"
        "  deepmad profile --family bottleneck --strides 2,2,2,2 --kernels 3 -o lat-b.json\n"
        "  deepmad design --preset r18 --latency 40ms --latency-table lat-r18.json\n"
        "  deepmad profile design.json --threads 4 --batch 8 -o lat-t4-b8.json\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .positional = NULL,
    .see = "deepmad profile --help",
    .scope = "",
};
/* Every row is CLI_ALL: profile has no family-specific options; an MLP
   MODEL is refused as a whole (the engine runs CNNs). */

/* ---------------------------------------------------------------------- */
/* Arguments                                                              */
/* ---------------------------------------------------------------------- */

/* Split argv: profile's own options stay in argv for cli_parse, design's
   problem options go to pargv (argv[0] first) for cli_design_problem, and
   the rest are the MODELs. */
static int split_args(int *argc, char **argv, char **pargv, int *pargc, profile_opts *o) {
    int k = 1;
    *pargc = 1;
    pargv[0] = argv[0];
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        int own = cli_arity(&spec, CLI_ALL, a), design = cli_design_arity(a);
        if (a[0] == '-' && a[1] && own < 0 && design >= 0) {
            pargv[(*pargc)++] = argv[i];
            if (design && i + 1 < *argc) pargv[(*pargc)++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {   /* profile's own, or unknown: cli_parse says */
            argv[k++] = argv[i];
            if (own > 0 && i + 1 < *argc) argv[k++] = argv[++i];
        } else if (o->n_models == MAX_MODELS) {
            return cli_error(CLI_USAGE, "profile takes at most %d MODELs", MAX_MODELS);
        } else {
            o->models[o->n_models++] = a;
        }
    }
    *argc = k;
    return CLI_OK;
}

/* The problem options: with --preset or --family a design problem, else
   at most --input-size (for the MODELs). */
static int parse_problem(int pargc, char **pargv, profile_opts *o) {
    o->has_problem = cli_value_of(pargc, pargv, "--preset") || cli_value_of(pargc, pargv, "--family");
    int rc = cli_design_problem(pargc, pargv, &o->problem);
    if (rc) return rc;
    if (cli_value_of(pargc, pargv, "--input-size")) o->input_size = o->problem.input_size;
    for (int i = 1; !o->has_problem && i < pargc; i++)
        if (strcmp(pargv[i], "--input-size") && pargv[i][0] == '-')
            return cli_error(CLI_USAGE, "%s describes a design problem: give --preset or "
                             "--family too (see %s)", pargv[i], spec.see);
    return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* Ops                                                                    */
/* ---------------------------------------------------------------------- */

static int add_ops(dm_op **all, int32_t *n, const dm_op *ops, int32_t k) {
    dm_op *bigger = realloc(*all, ((size_t)*n + (size_t)k) * sizeof *bigger);
    if (!bigger) return cli_error(CLI_FAIL, "out of memory collecting op shapes");
    memcpy(bigger + *n, ops, (size_t)k * sizeof *ops);
    *all = bigger;
    *n += k;
    return CLI_OK;
}

/* The ops of every MODEL, in order (repeats left in: the profile skips them). */
static int model_ops(const profile_opts *o, dm_op **all, int32_t *n) {
    for (int32_t i = 0; i < o->n_models; i++) {
        dm_model m;
        dm_error err = {0};
        dm_net *net = NULL;
        dm_op *ops = NULL;
        int32_t k = 0;
        int rc = cli_load_model(o->models[i], &m);
        if (rc) return rc;
        if (m.kind == DM_MODEL_MLP)
            return cli_error(CLI_FAIL, "%s is an MLP: profile measures CNNs only", o->models[i]);
        if (o->input_size > 0) m.arch.input_size = o->input_size;
        if (dm_net_create(&m.arch, &net, &err) || dm_net_ops(net, &ops, &k, &err)) {
            dm_net_free(net);
            return cli_fail(&err);
        }
        dm_net_free(net);
        rc = add_ops(all, n, ops, k);
        dm_free(ops);
        if (rc) return rc;
    }
    return CLI_OK;
}

/* Every shape a design of the problem can use (dm_latency_shapes). */
static int problem_ops(const profile_opts *o, dm_op **all, int32_t *n) {
    dm_error err = {0};
    dm_op *ops = NULL;
    int32_t k = 0;
    if (dm_latency_shapes(&o->problem, &ops, &k, &err)) return cli_fail(&err);
    int rc = add_ops(all, n, ops, k);
    dm_free(ops);
    return rc;
}

static int same_shape(const dm_op *a, const dm_op *b) {
    return a->kind == b->kind && a->c_in == b->c_in && a->c_out == b->c_out &&
           a->kernel == b->kernel && a->stride == b->stride && a->groups == b->groups &&
           a->r_in == b->r_in && a->r_out == b->r_out && a->act == b->act && a->sum == b->sum;
}

/* ---------------------------------------------------------------------- */
/* The cache                                                              */
/* ---------------------------------------------------------------------- */

/* "AMD EPYC 7B13" -> "amd-epyc-7b13". */
static void slug(const char *s, char *out, size_t n) {
    size_t k = 0;
    for (; *s && k + 1 < n && k < 60; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum) out[k++] = c;
        else if (k > 0 && out[k - 1] != '-') out[k++] = '-';
    }
    while (k > 0 && out[k - 1] == '-') k--;
    out[k] = 0;
}

/* mkdir -p of the folder part of `path`. */
static void make_folders(const char *path) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        mkdir(buf, 0777);
        *p = '/';
    }
}

/* The default cache path for this machine and options, in buf. */
static int default_cache(const profile_opts *o, const char *cpu, char *buf, size_t n) {
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char s[80];
    slug(cpu, s, sizeof s);
    if (xdg && xdg[0] == '/')
        snprintf(buf, n, "%s/deepmad/latency-%s-t%d-b%d.json", xdg, s, o->run.threads, o->run.batch);
    else if (home && home[0])
        snprintf(buf, n, "%s/.cache/deepmad/latency-%s-t%d-b%d.json", home, s, o->run.threads,
                 o->run.batch);
    else
        return 0;
    return 1;
}

/* Start from the cache when it was measured here, like this; a note says
   why one is not used. */
static void load_cache(const char *path, const profile_opts *o, dm_latency_table *t) {
    dm_error err = {0};
    char cpu[DM_LATENCY_TEXT], engine[DM_LATENCY_TEXT];
    struct stat st;
    dm_latency_table_init(t);
    if (stat(path, &st) != 0) return;
    if (dm_latency_table_load(path, t, &err)) {
        cli_error(CLI_OK, "note: ignoring the cache %s: %s", path, err.msg);
        dm_latency_table_free(t);
        dm_latency_table_init(t);
        return;
    }
    dm_run_machine(cpu, engine);
    if (strcmp(t->cpu, cpu) || strcmp(t->engine, engine) || t->threads != o->run.threads ||
        t->batch != o->run.batch) {
        cli_error(CLI_OK, "note: ignoring the cache %s: measured on %s with %s, %d threads, "
                  "batch %d", path, t->cpu, t->engine, t->threads, t->batch);
        dm_latency_table_free(t);
        dm_latency_table_init(t);
    }
}

/* ---------------------------------------------------------------------- */
/* Progress                                                               */
/* ---------------------------------------------------------------------- */

typedef struct progress {
    int tty, shown;
    double t0, last_draw, last_save;
    const char *cache;           /* NULL: none */
    const dm_latency_table *t;   /* the table being filled */
} progress;

static void draw(const progress *pg, int32_t done, int32_t total, const dm_op *op) {
    enum { WIDTH = 30 };
    int fill = total ? (int)((int64_t)done * WIDTH / total) : WIDTH;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = 0;
    double el = cli_now() - pg->t0, eta = done ? el / done * (total - done) : 0;
    fprintf(stderr, "\r\033[Kprofile [%s] %d/%d shapes, %.0f s", bar, done, total, el);
    if (done) fprintf(stderr, ", about %.0f s left", eta);
    if (op)
        fprintf(stderr, "  %s %d->%d k%d/%d r%d", dm_op_kind_name(op->kind), op->c_in, op->c_out,
                op->kernel, op->stride, op->r_in);
    fflush(stderr);
}

static void on_progress(int32_t done, int32_t total, const dm_op *op, void *user) {
    progress *pg = user;
    double now = cli_now();
    if (pg->cache && now - pg->last_save >= CACHE_SAVE_EVERY && done > 0) {
        cli_write_table(pg->cache, pg->t);   /* a failure shows at the final save */
        pg->last_save = now;
    }
    if (!pg->tty || total == 0 || (op && now - pg->last_draw < 0.1)) return;
    draw(pg, done, total, op);
    pg->last_draw = now;
    pg->shown = 1;
}

/* ---------------------------------------------------------------------- */
/* The command                                                            */
/* ---------------------------------------------------------------------- */

/* The entries of `all` for the shapes of ops[0..n), each once, in order,
   into *out (its entries malloc'd; free them with free). */
static int select_entries(const dm_latency_table *all, const dm_op *ops, int32_t n,
                          dm_latency_table *out) {
    *out = *all;
    out->n_entries = 0;
    out->entries = malloc(((size_t)n + 1) * sizeof *out->entries);
    if (!out->entries) return cli_error(CLI_FAIL, "out of memory selecting the table");
    for (int32_t i = 0; i < n; i++) {
        int seen = 0;
        for (int32_t j = 0; j < out->n_entries && !seen; j++)
            seen = same_shape(&out->entries[j].op, &ops[i]);
        for (int32_t j = 0; j < all->n_entries && !seen; j++)
            if (same_shape(&all->entries[j].op, &ops[i])) {
                out->entries[out->n_entries++] = all->entries[j];
                seen = 1;
            }
    }
    return CLI_OK;
}

static void summary(const profile_opts *o, const dm_latency_table *t, int32_t shapes,
                    int32_t measured, double seconds, const char *cache) {
    if (o->json) {
        printf("{\"output\": ");
        cli_json_string(stdout, o->out);
        printf(", \"shapes\": %d, \"measured\": %d, \"reused\": %d, \"seconds\": ", shapes,
               measured, shapes - measured);
        cli_json_double(stdout, round(seconds * 1e3) / 1e3);
        printf(", \"cache\": ");
        if (cache) cli_json_string(stdout, cache);
        else printf("null");
        printf(", \"cpu\": ");
        cli_json_string(stdout, t->cpu);
        printf(", \"engine\": ");
        cli_json_string(stdout, t->engine);
        printf(", \"threads\": %d, \"batch\": %d}\n", t->threads, t->batch);
        return;
    }
    FILE *f = strcmp(o->out, "-") ? stdout : stderr;  /* stdout may carry the table */
    fprintf(f, "profile: %d shapes (%d measured now, %d from the cache) in %.1f s\n", shapes,
            measured, shapes - measured, seconds);
    fprintf(f, "  %-7s %s\n", "wrote", o->out);
    if (cache) fprintf(f, "  %-7s %s (%d shapes)\n", "cache", cache, t->n_entries);
    fprintf(f, "  %-7s %s, %s, %d thread%s, batch %d\n", "on", t->cpu, t->engine, t->threads,
            t->threads == 1 ? "" : "s", t->batch);
}

static int parse_args(int argc, char **argv, profile_opts *o) {
    memset(o, 0, sizeof *o);
    dm_run_options_default(&o->run);
    o->run.time_limit_ms = DM_PROFILE_TIME_LIMIT_MS;
    char **pargv = malloc(((size_t)argc + 1) * sizeof *pargv);
    if (!pargv) return cli_error(CLI_FAIL, "out of memory reading the arguments");
    int pargc = 0, rc = split_args(&argc, argv, pargv, &pargc, o);
    if (!rc) rc = cli_parse(&spec, CLI_ALL, argc, argv, o, NULL);
    if (!rc) rc = parse_problem(pargc, pargv, o);
    free(pargv);
    if (rc) return rc;
    if (o->n_models == 0 && !o->has_problem)
        return cli_error(CLI_USAGE, "profile needs a MODEL, --preset or --family (see %s)",
                         spec.see);
    if (!o->out) return cli_error(CLI_USAGE, "profile needs -o FILE ('-' for standard output)");
    if (o->json && !strcmp(o->out, "-"))
        return cli_error(CLI_USAGE, "--json and -o - would both write to standard output");
    if (o->cache && o->no_cache) return cli_error(CLI_USAGE, "--cache and --no-cache disagree");
    return CLI_OK;
}

/* Measure what t lacks of ops into t, saving the cache as it goes and at
   the end (also after a failure: what was measured is kept). */
static int measure(const profile_opts *o, const dm_op *ops, int32_t n, const char *cache,
                   dm_latency_table *t) {
    dm_error err = {0};
    progress pg = {.tty = cli_stderr_tty(), .t0 = cli_now(), .cache = cache, .t = t};
    pg.last_save = pg.t0;
    if (cache) make_folders(cache);
    dm_status s = dm_latency_profile(ops, n, &o->run, on_progress, &pg, t, &err);
    if (pg.shown) fputs("\r\033[K", stderr);
    int rc = CLI_OK;
    if (cache && t->n_entries > 0) rc = cli_write_table(cache, t);
    return s ? cli_fail(&err) : rc;
}

int cmd_profile(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    profile_opts o;
    dm_op *ops = NULL;
    int32_t n = 0;
    dm_error err = {0};
    int rc = parse_args(argc, argv, &o);
    if (!rc && strcmp(o.out, "-") && dm_write_check(o.out, &err)) rc = cli_fail(&err);
    if (!rc) rc = model_ops(&o, &ops, &n);
    if (!rc && o.has_problem) rc = problem_ops(&o, &ops, &n);
    if (rc) {
        free(ops);
        return rc;
    }
    char cpu[DM_LATENCY_TEXT], path[1024];
    const char *cache = o.no_cache ? NULL : o.cache;
    dm_run_machine(cpu, NULL);
    if (!o.no_cache && !cache && default_cache(&o, cpu, path, sizeof path)) cache = path;
    dm_latency_table t, sel;
    if (cache) load_cache(cache, &o, &t);
    else dm_latency_table_init(&t);
    int32_t before = t.n_entries;
    double t0 = cli_now();
    rc = measure(&o, ops, n, cache, &t);
    if (!rc) rc = select_entries(&t, ops, n, &sel);
    if (!rc) {
        rc = cli_write_table(o.out, &sel);
        if (!rc) summary(&o, &t, sel.n_entries, t.n_entries - before, cli_now() - t0, cache);
        free(sel.entries);
    }
    dm_latency_table_free(&t);
    free(ops);
    return rc;
}
