/*
** cmd_design.c -- `deepmad design`: set up a design problem from a preset
** and/or options, solve it (dm_solve), print a summary or one JSON
** object, and optionally write the architecture file and a PyTorch module
** whose docstring records the problem it was designed for.
*/
#include "cli.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: deepmad design [--preset NAME | --family FAMILY] [options]\n"
    "\n"
    "Find the network that maximises the DeepMAD objective (multi-scale entropy\n"
    "minus the depth penalty) under MACs, params and rho budgets, and report an\n"
    "upper bound on what any feasible network could score (the optimality gap).\n"
    "The answer is deterministic: the same problem gives the same network.\n"
    "\n"
    "problem:\n"
    "  --preset NAME        r18 r34 r50 b0 mb 29m 29m-288 50m 89m (SPEC section 7;\n"
    "                       budgets of torchvision nets are their exact counts)\n"
    "  --family F           basic | bottleneck | mbconv (default bottleneck);\n"
    "                       mlp designs an MLP: deepmad design --family mlp --help\n"
    "  --se on|off          squeeze-excitation in mbconv blocks (default on)\n"
    "  --act A              relu | relu6 | silu\n"
    "  --macs N             MACs budget, classifier included: 1.8G, 500M, 1e9, 1814073344\n"
    "  --params N           params budget: 11.7M, 11689512 (0 = no limit)\n"
    "  --rho R              effectiveness limit rho0 (default 0.3; mbconv 0.5)\n"
    "  --input-size N       input resolution (default 224)\n"
    "  --in-channels N      input channels (default 3)\n"
    "  --classes N          classifier outputs (default 1000; 0 = none)\n"
    "layout and search space:\n"
    "  --stem-stride S      stem stride (default 2)      --stem-kernel K (default 3)\n"
    "  --strides LIST       one stride per superblock (default 2,2,2,1,2)\n"
    "  --depth MIN,MAX      depth range of every superblock (default 1,16)\n"
    "  --kernels LIST       allowed kernel sizes (default 3,5)\n"
    "  --inner MIN,MAX      inner width m / output channels ratio range\n"
    "                       (default bottleneck 0.0625,1; mbconv 1,6)\n"
    "  --granularity G      channels are multiples of G (default 8)\n"
    "  --channels MIN,MAX   range of every channel count (default 8,4096)\n"
    "  --head on|off        a 1x1 head conv of variable width (default: mbconv on)\n"
    "  --max-layers N       cap on main-path layers\n"
    "  --max-peak N         cap on peak activation elements (e.g. 2M)\n"
    "scoring and guidelines:\n"
    "  --alpha LIST         stage weights (default 1,...,1,8)\n"
    "  --beta B             depth-penalty weight (default 10)\n"
    "  --penalty std|var    Q = exp(std) (default) or exp(variance) of depths\n"
    "  --penalty-skip N     leave the first N superblocks out of the penalty\n"
    "  --no-multiscale      guideline 1 off: only the last stage's entropy counts\n"
    "  --no-depth-penalty   guideline 2 off: beta = 0\n"
    "  --no-monotone        guideline 3 off: widths may decrease\n"
    "  --nodes N            branch-and-bound node budget (default 200000)\n"
    "  --effort N           work on the bound (certificate) when the tree is not\n"
    "                       exhausted: N times the default (1: well under 1 s per\n"
    "                       preset; 50: about 10 s); deterministic, 1..100000\n"
    "output:\n"
    "  -o FILE              write the architecture JSON (deepmad analyze FILE reads it)\n"
    "  --torch FILE         write a self-contained PyTorch module (as deepmad export\n"
    "                       --format torch) whose docstring also records the budgets,\n"
    "                       objective, bound and gap of this design\n"
    "  --json               print one object: architecture, metrics, bound, gap,\n"
    "                       seconds, stop, nodes\n"
    "\n"
    "exit status: 0 solved; 1 infeasible (the message names the binding constraint\n"
    "and the least value that works) or I/O failure; 2 bad usage.\n"
    "\n"
    "examples:\n"
    "  deepmad design --preset r18\n"
    "  deepmad design --preset r50 --rho 0.5 -o r50-rho05.json --torch r50-rho05.py\n"
    "  deepmad design --family mbconv --macs 400M --params 5.3M --json\n"
    "  deepmad design --family bottleneck --macs 1G --params 8M --strides 2,2,2,2 \\\n"
    "                 --kernels 3 --depth 1,8 --no-depth-penalty\n";

typedef struct opts {
    dm_problem p;
    const char *out_path;
    const char *torch_path;
    int json;
} opts;

/* "a,b,c" -> up to `max` ints in [lo, hi]. */
static int int_list(const char *opt, const char *val, long lo, long hi, int32_t *out, int32_t max,
                    int32_t *n) {
    char buf[256];
    if (strlen(val) >= sizeof buf) return cli_error(CLI_USAGE, "%s: list too long", opt);
    strcpy(buf, val);
    *n = 0;
    for (char *t = buf, *comma; t; t = comma ? comma + 1 : NULL) {
        comma = strchr(t, ',');
        if (comma) *comma = 0;
        if (*n == max) return cli_error(CLI_USAGE, "%s takes at most %d values", opt, max);
        int rc = cli_int(opt, t, lo, hi, &out[(*n)++]);
        if (rc) return rc;
    }
    return CLI_OK;
}

static int pair_double(const char *opt, const char *val, double lo, double hi, double *a, double *b) {
    char buf[128];
    const char *comma = strchr(val, ',');
    if (!comma || (size_t)(comma - val) >= sizeof buf)
        return cli_error(CLI_USAGE, "%s needs MIN,MAX, got '%s'", opt, val);
    memcpy(buf, val, (size_t)(comma - val));
    buf[comma - val] = 0;
    int rc = cli_double(opt, buf, lo, hi, a);
    return rc ? rc : cli_double(opt, comma + 1, lo, hi, b);
}

static int on_off(const char *opt, const char *val, int32_t *out) {
    if (!strcmp(val, "on")) *out = 1;
    else if (!strcmp(val, "off")) *out = 0;
    else return cli_error(CLI_USAGE, "%s needs on or off, got '%s'", opt, val);
    return CLI_OK;
}

static int count(const char *opt, const char *val, int64_t *out) {
    dm_error err = {0};
    if (dm_parse_count(val, out, &err)) return cli_error(CLI_USAGE, "%s: %s", opt, err.msg);
    return CLI_OK;
}

static int alpha_list(const char *val, dm_score_params *sp) {
    char buf[512];
    if (strlen(val) >= sizeof buf) return cli_error(CLI_USAGE, "--alpha list is too long");
    strcpy(buf, val);
    sp->n_alpha = 0;
    for (char *t = buf, *comma; t; t = comma ? comma + 1 : NULL) {
        comma = strchr(t, ',');
        if (comma) *comma = 0;
        if (sp->n_alpha == DM_MAX_STAGES) return cli_error(CLI_USAGE, "--alpha: too many weights");
        int rc = cli_double("--alpha", t, 0, 1e6, &sp->alpha[sp->n_alpha++]);
        if (rc) return rc;
    }
    return CLI_OK;
}

/* Options with a value; *used = 1 when `opt` was one of them. */
static int valued(opts *o, const char *opt, const char *val, int *used) {
    dm_problem *p = &o->p;
    dm_error err = {0};
    int32_t n, two[2];
    int rc = CLI_OK;
    *used = 1;
    if (!strcmp(opt, "--se")) rc = on_off(opt, val, &p->se);
    else if (!strcmp(opt, "--head")) rc = on_off(opt, val, &p->head);
    else if (!strcmp(opt, "--act")) rc = dm_act_from_name(val, &p->act, &err) ? cli_error(CLI_USAGE, "%s", err.msg) : 0;
    else if (!strcmp(opt, "--macs")) rc = count(opt, val, &p->max_macs);
    else if (!strcmp(opt, "--params")) rc = count(opt, val, &p->max_params);
    else if (!strcmp(opt, "--max-peak")) rc = count(opt, val, &p->max_peak_activation);
    else if (!strcmp(opt, "--nodes")) rc = count(opt, val, &p->node_limit);
    else if (!strcmp(opt, "--rho")) rc = cli_double(opt, val, 1e-6, 1e6, &p->rho0);
    else if (!strcmp(opt, "--input-size")) rc = cli_int(opt, val, 1, DM_MAX_INPUT_SIZE, &p->input_size);
    else if (!strcmp(opt, "--in-channels")) rc = cli_int(opt, val, 1, DM_MAX_CHANNELS, &p->in_channels);
    else if (!strcmp(opt, "--classes")) rc = cli_int(opt, val, 0, DM_MAX_CLASSES, &p->classes);
    else if (!strcmp(opt, "--stem-stride")) rc = cli_int(opt, val, 1, DM_MAX_STRIDE, &p->stem_stride);
    else if (!strcmp(opt, "--stem-kernel")) rc = cli_int(opt, val, 1, DM_MAX_KERNEL, &p->stem_kernel);
    else if (!strcmp(opt, "--granularity")) rc = cli_int(opt, val, 1, 1024, &p->granularity);
    else if (!strcmp(opt, "--effort")) rc = cli_int(opt, val, 1, 100000, &p->effort);
    else if (!strcmp(opt, "--max-layers")) rc = cli_int(opt, val, 0, 1000000, &p->max_layers);
    else if (!strcmp(opt, "--strides"))
        rc = int_list(opt, val, 1, DM_MAX_STRIDE, p->stride, DM_MAX_SUPERBLOCKS, &p->n_superblocks);
    else if (!strcmp(opt, "--kernels"))
        rc = int_list(opt, val, 1, DM_MAX_KERNEL, p->kernels, DM_PROBLEM_MAX_KERNELS, &p->n_kernels);
    else if (!strcmp(opt, "--depth") || !strcmp(opt, "--channels")) {
        rc = int_list(opt, val, 1, DM_MAX_CHANNELS, two, 2, &n);
        if (!rc && n != 2) rc = cli_error(CLI_USAGE, "%s needs MIN,MAX, got '%s'", opt, val);
        if (!rc && opt[2] == 'd')
            for (int i = 0; i < DM_MAX_SUPERBLOCKS; i++) p->depth_min[i] = two[0], p->depth_max[i] = two[1];
        if (!rc && opt[2] == 'c') p->min_channels = two[0], p->max_channels = two[1];
    } else if (!strcmp(opt, "--inner"))
        rc = pair_double(opt, val, 0, DM_MAX_EXPAND, &p->inner_min, &p->inner_max);
    else if (!strcmp(opt, "--alpha")) rc = alpha_list(val, &p->score);
    else if (!strcmp(opt, "--beta")) rc = cli_double(opt, val, 0, 1e6, &p->score.beta);
    else if (!strcmp(opt, "--penalty"))
        rc = dm_penalty_from_name(val, &p->score.penalty, &err) ? cli_error(CLI_USAGE, "%s", err.msg) : 0;
    else if (!strcmp(opt, "--penalty-skip"))
        rc = cli_int(opt, val, 0, DM_MAX_SUPERBLOCKS, &p->score.penalty_skip);
    else if ((!strcmp(opt, "-o") || !strcmp(opt, "--torch")) && !strcmp(val, "-"))
        rc = cli_error(CLI_USAGE, "%s needs a file: the summary goes to standard output", opt);
    else if (!strcmp(opt, "-o")) o->out_path = val;
    else if (!strcmp(opt, "--torch")) o->torch_path = val;
    else *used = 0;
    return rc;
}

static int flag(opts *o, const char *opt) {
    if (!strcmp(opt, "--json")) o->json = 1;
    else if (!strcmp(opt, "--no-multiscale")) o->p.drop_multiscale = 1;
    else if (!strcmp(opt, "--no-depth-penalty")) o->p.drop_depth_penalty = 1;
    else if (!strcmp(opt, "--no-monotone")) o->p.drop_monotone = 1;
    else return 0;
    return 1;
}

/* First pass: --preset or --family set the defaults everything else edits. */
static int base_problem(int argc, char **argv, dm_problem *p) {
    const char *preset = NULL, *family = NULL;
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--preset")) preset = argv[i + 1];
        if (!strcmp(argv[i], "--family")) family = argv[i + 1];
    }
    dm_error err = {0};
    if (preset && family) return cli_error(CLI_USAGE, "give --preset or --family, not both");
    if (preset) return dm_problem_preset(preset, p, &err) ? cli_error(CLI_USAGE, "%s", err.msg) : 0;
    dm_block_kind k = DM_BLOCK_BOTTLENECK;
    if (family && dm_block_kind_from_name(family, &k, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    dm_problem_default(p, k);
    return CLI_OK;
}

static int parse(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    int rc = base_problem(argc, argv, &o->p);
    for (int i = 1; i < argc && !rc; i++) {
        const char *a = argv[i];
        int used = 0;
        if (flag(o, a)) continue;
        if (a[0] != '-') return cli_error(CLI_USAGE, "unexpected argument '%s' (see --help)", a);
        if (i + 1 >= argc) return cli_error(CLI_USAGE, "%s needs a value (see --help)", a);
        if (!strcmp(a, "--preset") || !strcmp(a, "--family")) { i++; continue; }
        rc = valued(o, a, argv[i + 1], &used);
        if (!rc && !used) return cli_error(CLI_USAGE, "unknown option '%s' (see --help)", a);
        i++;
    }
    return rc;
}

static void budget_line(const char *what, double used, double limit, const char *fmt) {
    printf("  %-10s ", what);
    printf(fmt, used);
    if (limit > 0) {
        printf("  of ");
        printf(fmt, limit);
        printf("  (%5.1f%%)\n", 100.0 * used / limit);
    } else {
        printf("  (no limit)\n");
    }
}

static void summary(const dm_problem *p, const dm_solution *s, double secs) {
    const dm_arch *a = &s->arch;
    const dm_metrics *m = &s->metrics;
    printf("design: %s%s, %d px, %d classes, %d stages\n\n", dm_block_kind_name(p->family),
           p->se ? " + SE" : "", a->input_size, a->classes, m->n_stages);
    printf("  unit   stride  out  inner  kernel  depth\n");
    printf("  stem   %5d %5d      -  %6d      1\n", a->stem.stride, a->stem.out, a->stem.kernel);
    for (int i = 0; i < a->n_superblocks; i++)
        printf("  sb%-3d  %5d %5d %6d  %6d  %5d\n", i + 1, a->sb[i].stride, a->sb[i].out,
               a->sb[i].inner, a->sb[i].kernel, a->sb[i].depth);
    if (a->head) printf("  head   %5d %5d      -  %6d      1\n", 1, a->head, 1);
    printf("\nbudgets:\n");
    budget_line("MACs", (double)m->macs, (double)p->max_macs, "%14.0f");
    budget_line("params", (double)m->params, (double)p->max_params, "%14.0f");
    budget_line("rho", m->rho, p->rho0, "%14.4f");
    budget_line("layers", m->layers, p->max_layers, "%14.0f");
    budget_line("peak act", (double)m->peak_activation, (double)p->max_peak_activation, "%14.0f");
    printf("\nobjective  %.4f  (entropy %.4f - depth penalty %.4f)\n", m->objective, m->entropy,
           m->depth_penalty);
    printf("bound      %.4f\n", s->bound);
    printf("gap        %.4f (%.2f%% of the bound)\n", s->gap,
           s->bound != 0 ? 100.0 * s->gap / s->bound : 0.0);
    if (s->stop == DM_STOP_OPTIMAL)
        printf("status     optimal: the search tree was exhausted\n");
    else
        printf("status     gap not zero: best design found, not proven optimal; no design\n"
               "           can score above the bound (node limit %lld reached)\n",
               (long long)s->nodes);
    printf("time       %.3f s (%lld evaluations, %lld nodes)\n", secs, (long long)s->evaluations,
           (long long)s->nodes);
}

static int print_json(const dm_solution *s, double secs) {
    dm_error err = {0};
    char *arch = NULL, *met = NULL;
    if (dm_arch_to_json(&s->arch, &arch, &err) || dm_metrics_to_json(&s->metrics, &met, &err)) {
        dm_free(arch);
        return cli_fail(&err);
    }
    printf("{\"architecture\": %s, \"metrics\": %s, \"bound\": %.17g, \"gap\": %.17g, "
           "\"seconds\": %.6f, \"stop\": \"%s\", \"nodes\": %lld}\n",
           arch, met, s->bound, s->gap, secs, dm_stop_str(s->stop), (long long)s->nodes);
    dm_free(arch);
    dm_free(met);
    return CLI_OK;
}

static int write_arch(const char *path, const dm_arch *a) {
    dm_error err = {0};
    char *text = NULL;
    dm_status s = dm_arch_to_json(a, &text, &err);
    if (!s) s = dm_write_file_atomic(path, text, strlen(text), &err);
    dm_free(text);
    return s ? cli_fail(&err) : CLI_OK;
}

/* Append printf-style text to buf (size n, *k bytes used); past the end
   it truncates, and later appends do nothing. */
static void append(char *buf, size_t n, size_t *k, const char *fmt, ...) {
    if (*k >= n) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *k, n - *k, fmt, ap);
    va_end(ap);
    *k = w < 0 ? n : *k + (size_t)w;
}

/* The docstring paragraph of --torch: what the design was asked for and how
   close to the optimum it is (an architecture file cannot carry these). */
static void design_note(const dm_problem *p, const dm_solution *s, char *buf, size_t n) {
    size_t k = 0;
    buf[0] = '\0';
    append(buf, n, &k, "Designed by deepmad design (%s%s) under rho <= %g",
           dm_block_kind_name(p->family), p->se ? " + SE" : "", p->rho0);
    if (p->max_macs > 0) append(buf, n, &k, ", MACs <= %lld", (long long)p->max_macs);
    if (p->max_params > 0) append(buf, n, &k, ", params <= %lld", (long long)p->max_params);
    if (p->max_layers > 0) append(buf, n, &k, ", main-path layers <= %d", (int)p->max_layers);
    if (p->max_peak_activation > 0)
        append(buf, n, &k, ", peak activation <= %lld", (long long)p->max_peak_activation);
    append(buf, n, &k, ": objective %.4f, bound %.4f (gap %.2f%% of the bound, %s).",
           s->objective, s->bound, s->bound != 0 ? 100.0 * s->gap / s->bound : 0.0,
           s->stop == DM_STOP_OPTIMAL ? "proven optimal" : "not proven optimal");
}

static int write_torch(const char *path, const dm_problem *p, const dm_solution *s) {
    dm_error err = {0};
    char note[512], *text = NULL;
    dm_net *net = NULL;
    design_note(p, s, note, sizeof note);
    dm_torch_options opt = {.source = "deepmad design", .notes = note};
    dm_status st = dm_net_create(&s->arch, &net, &err);
    if (!st) st = dm_export_torch(net, &s->metrics, &opt, &text, &err);
    if (!st) st = dm_write_file_atomic(path, text, strlen(text), &err);
    dm_free(text);
    dm_net_free(net);
    return st ? cli_fail(&err) : CLI_OK;
}

int cmd_design(int argc, char **argv) {
    if (cmd_design_is_mlp(argc, argv)) return cmd_design_mlp(argc, argv); /* cmd_design_mlp.c */
    if (argc >= 2 && cli_is_help(argv[1])) {
        fputs(usage_text, stdout);
        return CLI_OK;
    }
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    dm_error err = {0};
    if (dm_problem_validate(&o.p, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    dm_solution *sol = malloc(sizeof *sol);
    if (!sol) return cli_error(CLI_FAIL, "out of memory");
    double t0 = cli_now();
    dm_status st = dm_solve(&o.p, sol, &err);
    double secs = cli_now() - t0;
    if (st) rc = cli_fail(&err);
    if (!rc && o.out_path) rc = write_arch(o.out_path, &sol->arch);
    if (!rc && o.torch_path) rc = write_torch(o.torch_path, &o.p, sol);
    if (!rc) {
        if (o.json) rc = print_json(sol, secs);
        else summary(&o.p, sol, secs);
    }
    free(sol);
    return rc;
}
