/*
** cmd_sweep.c -- `deepmad sweep --rho LO:HI[:N] [problem options] -o FILE`:
** one design problem solved at N values of rho0 (dm_sweep), plotted
** (dm_draw_sweep) and/or printed as JSON.  The problem options are
** design's own, read through its table (cli_design_problem).
*/
#include "cli.h"
#include <stdlib.h>
#include <string.h>

#define DEFAULT_POINTS 12

typedef struct sweep_opts {
    const char *rho, *out, *format, *title;
    int32_t linear, json;
} sweep_opts;

#define AT(field) .at = offsetof(sweep_opts, field)

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--rho", .kind = CLI_TEXT, .family = CLI_ALL, .value = "LO:HI[:N]", AT(rho),
     .help = "the rho0 values (required): N from LO to HI, both included, 0 < LO < HI; "
             "N 2..1000", .def = "N 12"},
    {"--linear", .kind = CLI_FLAG, .family = CLI_ALL, AT(linear), .lo = 1,
     .help = "space the rho0 values evenly (default: evenly in log rho0, and a log axis)"},
    {"--output", .alias = "-o", .kind = CLI_OUTPUT, .family = CLI_ALL, .value = "FILE",
     AT(out), .help = "the plot to write, .svg or .png ('-': standard output, with --format)"},
    {"--format", .kind = CLI_TEXT, .family = CLI_ALL, .value = "svg|png", AT(format),
     .help = "the plot's format, whatever the extension"},
    {"--title", .kind = CLI_TEXT, .family = CLI_ALL, .value = "TEXT", AT(title),
     .help = "the plot's first line", .def = "the problem options"},
    {"--json", .kind = CLI_FLAG, .family = CLI_ALL, AT(json), .lo = 1,
     .help = "print the points as one JSON object: {\"points\": [{rho0, status (optimal | "
             "gap | infeasible), objective, entropy, depth, params, macs, rho, gap}, or "
             "{rho0, status, constraint, least} when infeasible]}"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "sweep",
    .intro =
        "usage: deepmad sweep --rho LO:HI[:N] [--preset NAME | --family F]\n"
        "                     [problem options] -o FILE.svg|FILE.png [--json]\n"
        "\n"
        "Solve one design problem at N values of its effectiveness limit rho0 and\n"
        "plot, against rho0, the objective, entropy, depth (blocks) and params of\n"
        "the best design at each (the left half of the paper's Figure 2;\n"
        "docs/pictures.md).  Each point is exactly `deepmad design ... --rho R`.\n"
        "A point with no feasible design is marked on the plot (a red cross) and\n"
        "in the JSON, and the sweep goes on.\n"
        "\n"
        "The problem: --preset NAME or --family F and any of design's problem\n"
        "options (--space, --macs, --params, --strides, --depth, --kernels, ...:\n"
        "see deepmad design --help), read exactly as design reads them.  A preset\n"
        "takes about a second a point.  A progress line shows on a terminal.\n"
        "At least one of -o and --json is needed.\n"
        "\n",
    .outro =
        "\n"
        "exit status: 0 swept (infeasible points included); 1 failure (solver, I/O);\n"
        "2 bad usage.  The -o path is checked before solving.\n"
        "\n"
        "examples:\n"
        "  deepmad sweep --rho 0.1:2.0 --preset r18 -o sweep-r18.svg\n"
        "  deepmad sweep --rho 0.1:1.0:10 --linear --preset b0 -o sweep-b0.png\n"
        "  deepmad sweep --rho 0.05:0.8:6 --family bottleneck --macs 300M --params 3M \\\n"
        "                --json > points.json\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .positional = NULL,
    .see = "deepmad sweep --help",
    .scope = "",
};

/* Split argv as profile does: sweep's own options stay for cli_parse,
   design's problem options go to pargv (argv[0] first). */
static int split_args(int *argc, char **argv, char **pargv, int *pargc) {
    int k = 1;
    *pargc = 1;
    pargv[0] = argv[0];
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        int own = cli_arity(&spec, CLI_ALL, a), design = cli_design_arity(a);
        if (a[0] == '-' && a[1] && own < 0 && design >= 0) {
            pargv[(*pargc)++] = argv[i];
            if (design && i + 1 < *argc) pargv[(*pargc)++] = argv[++i];
        } else {   /* sweep's own, unknown, or a stray word: cli_parse says */
            argv[k++] = argv[i];
            if (own > 0 && i + 1 < *argc) argv[k++] = argv[++i];
        }
    }
    *argc = k;
    return CLI_OK;
}

/* --rho LO:HI[:N] into the grid. */
static int parse_rho(const char *text, int32_t log_spaced, double **grid, int32_t *n) {
    char buf[128];
    if (strlen(text) >= sizeof buf) return cli_error(CLI_USAGE, "--rho '%s' is too long", text);
    strcpy(buf, text);
    char *hi = strchr(buf, ':'), *count = hi ? strchr(hi + 1, ':') : NULL;
    if (!hi) return cli_error(CLI_USAGE, "--rho needs LO:HI or LO:HI:N, got '%s'", text);
    *hi++ = 0;
    if (count) *count++ = 0;
    double lo_v, hi_v;
    *n = DEFAULT_POINTS;
    int rc = cli_double("--rho", buf, 1e-6, 1e6, &lo_v);
    if (!rc) rc = cli_double("--rho", hi, 1e-6, 1e6, &hi_v);
    if (!rc && count) rc = cli_int("--rho", count, 2, DM_SWEEP_MAX_POINTS, n);
    if (rc) return rc;
    *grid = malloc((size_t)*n * sizeof **grid);
    if (!*grid) return cli_error(CLI_FAIL, "out of memory");
    dm_error err = {0};
    if (dm_sweep_grid(lo_v, hi_v, *n, log_spaced, *grid, &err)) {
        free(*grid);
        *grid = NULL;
        return cli_error(CLI_USAGE, "--rho: %s", err.msg);
    }
    return CLI_OK;
}

/* The plot's default title: the problem options as given. */
static void default_title(int pargc, char **pargv, char *buf, size_t n) {
    size_t k = (size_t)snprintf(buf, n, "rho0 sweep:");
    for (int i = 1; i < pargc && k < n; i++) k += (size_t)snprintf(buf + k, n - k, " %s", pargv[i]);
}

typedef struct progress { int tty, shown; } progress;

static void on_point(int32_t done, int32_t total, const dm_sweep_point *last, void *user) {
    progress *pg = user;
    if (!pg->tty) return;
    fprintf(stderr, "\r\033[Ksweep %d/%d: rho0 %.4g %s", done, total, last->rho0,
            last->stop == DM_STOP_INFEASIBLE ? "infeasible" : "solved");
    fflush(stderr);
    pg->shown = 1;
}

static void print_json(const dm_sweep_point *pts, int32_t n) {
    printf("{\"points\": [");
    for (int32_t i = 0; i < n; i++) {
        const dm_sweep_point *p = &pts[i];
        printf("%s\n  {\"rho0\": ", i ? "," : "");
        cli_json_double(stdout, p->rho0);
        if (p->stop == DM_STOP_INFEASIBLE) {
            printf(", \"status\": \"infeasible\", \"constraint\": \"%s\", \"least\": ",
                   dm_constraint_name(p->binding));
            cli_json_double(stdout, p->least);
            printf("}");
            continue;
        }
        printf(", \"status\": \"%s\", \"objective\": ",
               p->stop == DM_STOP_OPTIMAL ? "optimal" : "gap");
        cli_json_double(stdout, p->objective);
        printf(", \"entropy\": ");
        cli_json_double(stdout, p->entropy);
        printf(", \"depth\": %d, \"params\": %lld, \"macs\": %lld, \"rho\": ", p->depth,
               (long long)p->params, (long long)p->macs);
        cli_json_double(stdout, p->rho);
        printf(", \"gap\": ");
        cli_json_double(stdout, p->gap);
        printf("}");
    }
    printf("\n]}\n");
}

/* One line for a person: the best point and where the plot went. */
static void summary(const char *out, const dm_sweep_point *pts, int32_t n) {
    FILE *f = strcmp(out, "-") ? stdout : stderr;   /* stdout may carry the plot */
    int32_t best = -1, infeasible = 0;
    for (int32_t i = 0; i < n; i++) {
        if (pts[i].stop == DM_STOP_INFEASIBLE) infeasible++;
        else if (best < 0 || pts[i].objective > pts[best].objective) best = i;
    }
    fprintf(f, "sweep: %d points, %d infeasible", n, infeasible);
    if (best >= 0)
        fprintf(f, "; best objective %.4f at rho0 %.4g (%d blocks, %lld params)",
                pts[best].objective, pts[best].rho0, pts[best].depth, (long long)pts[best].params);
    fprintf(f, "\n  wrote %s\n", out);
}

static int run(const sweep_opts *o, const dm_problem *p, const double *grid, int32_t n,
               const char *title) {
    dm_error err = {0};
    dm_picture_format f = DM_PICTURE_SVG;
    int rc = o->out ? cli_picture_format(o->out, o->format, &f) : CLI_OK;
    if (rc) return rc;
    if (o->out && strcmp(o->out, "-") && dm_write_check(o->out, &err)) return cli_fail(&err);
    dm_problem q = *p;
    for (int i = 0; i < 2; i++) {   /* every other field is the same at each point */
        q.rho0 = i ? grid[n - 1] : grid[0];
        if (dm_problem_validate(&q, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    }
    dm_sweep_point *pts = calloc((size_t)n, sizeof *pts);
    if (!pts) return cli_error(CLI_FAIL, "out of memory");
    progress pg = {.tty = cli_stderr_tty()};
    if (pg.tty) {   /* the first solve takes a while too */
        fprintf(stderr, "sweep 0/%d: solving ...", n);
        fflush(stderr);
        pg.shown = 1;
    }
    dm_status st = dm_sweep(p, grid, n, on_point, &pg, pts, &err);
    if (pg.shown) fputs("\r\033[K", stderr);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (st) rc = cli_fail(&err);
    else if (o->out && dm_draw_sweep(pts, n, title, !o->linear, f, &bytes, &len, &err))
        rc = cli_fail(&err);
    else if (o->out) rc = cli_write_picture(o->out, bytes, len);
    if (!rc && o->json) print_json(pts, n);
    else if (!rc) summary(o->out, pts, n);
    dm_free(bytes);
    free(pts);
    return rc;
}

int cmd_sweep(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    sweep_opts o;
    memset(&o, 0, sizeof o);
    char **pargv = malloc(((size_t)argc + 1) * sizeof *pargv);
    if (!pargv) return cli_error(CLI_FAIL, "out of memory reading the arguments");
    int pargc = 0, rc = split_args(&argc, argv, pargv, &pargc);
    if (!rc) rc = cli_parse(&spec, CLI_ALL, argc, argv, &o, NULL);
    dm_problem p;
    if (!rc) rc = cli_design_problem(pargc, pargv, &p);
    if (!rc && !o.rho) rc = cli_error(CLI_USAGE, "sweep needs --rho LO:HI[:N] (see %s)", spec.see);
    if (!rc && !o.out && !o.json)
        rc = cli_error(CLI_USAGE, "sweep needs -o FILE.svg|FILE.png or --json (see %s)", spec.see);
    if (!rc && o.json && o.out && !strcmp(o.out, "-"))
        rc = cli_error(CLI_USAGE, "--json and -o - would both write to standard output");
    double *grid = NULL;
    int32_t n = 0;
    if (!rc) rc = parse_rho(o.rho, !o.linear, &grid, &n);
    char title[512];
    if (!rc) {
        default_title(pargc, pargv, title, sizeof title);
        rc = run(&o, &p, grid, n, o.title ? o.title : title);
    }
    free(grid);
    free(pargv);
    return rc;
}
