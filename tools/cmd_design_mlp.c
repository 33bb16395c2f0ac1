/*
** cmd_design_mlp.c -- `deepmad design --family mlp`: the paper's section 3
** design problem for multilayer perceptrons (dm_mlp_solve).  cmd_design.c
** hands over when it sees --family mlp.  Output follows the CNN designs:
** a summary or one JSON object with the architecture, metrics, bound, gap
** and seconds.
*/
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static const char mlp_usage[] =
    "usage: deepmad design --family mlp --in-features N --out-features K --params B\n"
    "                      [options]\n"
    "\n"
    "Design an L-layer MLP (docs/mlp.md) that maximises the paper's entropy\n"
    "H = w_{L+1} * sum_{i=1..L} log w_i  (w_1 = in-features, w_{L+1} = output width)\n"
    "subject to params / MACs budgets and rho = L / (geometric mean of w_1..w_L)\n"
    "<= rho0, exactly (Lagrangian branch and bound), with an upper bound on H.\n"
    "\n"
    "problem:\n"
    "  --in-features N      input width w_1 (required)\n"
    "  --out-features K     fixed output width, or MIN,MAX to design it too\n"
    "                       (multiples of the granularity in that range)\n"
    "  --params N           params budget: 1M, 1000000 (0 = no limit)\n"
    "  --macs N             MACs budget (at least one budget is required)\n"
    "  --rho R              effectiveness limit rho0 (default 0.5)\n"
    "  --layers MIN,MAX     number of Linear layers L (default 1,256)\n"
    "  --granularity G      hidden widths are multiples of G (default 8)\n"
    "  --widths MIN,MAX     range of hidden widths (default 8,1048576)\n"
    "  --act A              relu | relu6 | silu (default relu)\n"
    "  --no-bias            Linear layers without bias\n"
    "  --nodes N            branch-and-bound node budget (default 200000)\n"
    "output:\n"
    "  -o FILE              write the MLP JSON (deepmad analyze / export read it)\n"
    "  --json               print one object: architecture, metrics, bound, gap,\n"
    "                       seconds, stop, nodes\n"
    "\n"
    "exit status: 0 solved; 1 infeasible or I/O failure; 2 bad usage.\n"
    "\n"
    "example:\n"
    "  deepmad design --family mlp --in-features 784 --out-features 10 --params 1M --rho 0.5\n";

static int int_pair(const char *opt, const char *val, int32_t *a, int32_t *b) {
    char buf[64];
    const char *comma = strchr(val, ',');
    if (!comma) {
        int rc = cli_int(opt, val, 1, DM_MLP_MAX_WIDTH, a);
        *b = *a;
        return rc;
    }
    if ((size_t)(comma - val) >= sizeof buf) return cli_error(CLI_USAGE, "%s: value too long", opt);
    memcpy(buf, val, (size_t)(comma - val));
    buf[comma - val] = '\0';
    int rc = cli_int(opt, buf, 1, DM_MLP_MAX_WIDTH, a);
    return rc ? rc : cli_int(opt, comma + 1, 1, DM_MLP_MAX_WIDTH, b);
}

static int count(const char *opt, const char *val, int64_t *out) {
    dm_error err = {0};
    if (dm_parse_count(val, out, &err)) return cli_error(CLI_USAGE, "%s: %s", opt, err.msg);
    return CLI_OK;
}

typedef struct mlp_opts {
    dm_mlp_problem p;
    const char *out_path;
    int json;
} mlp_opts;

static int valued(mlp_opts *o, const char *a, const char *v) {
    dm_mlp_problem *p = &o->p;
    dm_error err = {0};
    if (!strcmp(a, "--family")) return strcmp(v, "mlp") ? cli_error(CLI_USAGE, "--family mlp expected") : 0;
    if (!strcmp(a, "--in-features")) return cli_int(a, v, 1, DM_MLP_MAX_WIDTH, &p->in_features);
    if (!strcmp(a, "--out-features")) return int_pair(a, v, &p->out_min, &p->out_max);
    if (!strcmp(a, "--params")) return count(a, v, &p->max_params);
    if (!strcmp(a, "--macs")) return count(a, v, &p->max_macs);
    if (!strcmp(a, "--rho")) return cli_double(a, v, 1e-9, 1e9, &p->rho0);
    if (!strcmp(a, "--layers")) return int_pair(a, v, &p->min_layers, &p->max_layers);
    if (!strcmp(a, "--granularity")) return cli_int(a, v, 1, DM_MLP_MAX_WIDTH, &p->granularity);
    if (!strcmp(a, "--widths")) return int_pair(a, v, &p->min_width, &p->max_width);
    if (!strcmp(a, "--nodes")) return count(a, v, &p->node_limit);
    if (!strcmp(a, "-o")) { o->out_path = v; return CLI_OK; }
    if (!strcmp(a, "--act"))
        return dm_act_from_name(v, &p->act, &err) ? cli_error(CLI_USAGE, "%s", err.msg) : CLI_OK;
    return cli_error(CLI_USAGE, "unknown option '%s' for --family mlp (see --family mlp --help)", a);
}

static int parse(int argc, char **argv, mlp_opts *o) {
    memset(o, 0, sizeof *o);
    dm_mlp_problem_init(&o->p);
    int widths_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) { o->json = 1; continue; }
        if (!strcmp(a, "--no-bias")) { o->p.bias = 0; continue; }
        if (i + 1 >= argc) return cli_error(CLI_USAGE, "'%s' needs a value (or is unknown)", a);
        if (!strcmp(a, "--widths")) widths_set = 1;
        int rc = valued(o, a, argv[++i]);
        if (rc) return rc;
    }
    if (!widths_set) o->p.min_width = o->p.granularity; /* default range follows G */
    if (!o->p.in_features || !o->p.out_min)
        return cli_error(CLI_USAGE, "--family mlp needs --in-features and --out-features");
    return CLI_OK;
}

static void budget(const char *name, int64_t v, int64_t limit) {
    if (limit) printf("  %-8s %14lld  (budget %lld)\n", name, (long long)v, (long long)limit);
    else printf("  %-8s %14lld  (no budget)\n", name, (long long)v);
}

static void summary(const dm_mlp_problem *p, const dm_mlp_solution *s, double secs) {
    const dm_mlp_metrics *m = &s->metrics;
    printf("design: mlp, %d layers (%s%s)\n\n", s->mlp.n_layers, dm_act_name(s->mlp.act),
           s->mlp.bias ? ", bias" : ", no bias");
    cli_mlp_print_widths(&s->mlp);
    printf("\n");
    budget("params", m->params, p->max_params);
    budget("MACs", m->macs, p->max_macs);
    printf("  rho      %14.4f  (limit %g)\n", m->rho, p->rho0);
    printf("  mean width %12.2f  (geometric, w_1..w_L)\n", m->mean_width);
    printf("\nentropy    %.4f\nbound      %.4f\ngap        %.4f (%.4f%% of the bound)\n",
           m->entropy, s->bound, s->gap, s->bound ? 100.0 * s->gap / s->bound : 0.0);
    printf("status     %s\n", s->stop == DM_STOP_OPTIMAL
                                  ? "optimal: the search tree was exhausted"
                                  : "node limit reached: best found, no design can beat the bound");
    printf("time       %.3f s (%lld nodes)\n", secs, (long long)s->nodes);
}

static int print_json(const dm_mlp_solution *s, double secs) {
    dm_error err = {0};
    char *arch = NULL;
    if (dm_mlp_to_json(&s->mlp, &arch, &err)) return cli_fail(&err);
    arch[strcspn(arch, "\n")] = '\0';
    printf("{\"architecture\": %s, \"metrics\": ", arch);
    cli_mlp_metrics_json(&s->metrics);
    printf(", \"bound\": %.17g, \"gap\": %.17g, \"seconds\": %.6f, \"stop\": \"%s\", "
           "\"nodes\": %lld}\n", s->bound, s->gap, secs, dm_stop_str(s->stop),
           (long long)s->nodes);
    dm_free(arch);
    return CLI_OK;
}

static int write_mlp(const char *path, const dm_mlp *m) {
    dm_error err = {0};
    char *text = NULL;
    dm_status s = dm_mlp_to_json(m, &text, &err);
    if (!s) s = dm_write_file_atomic(path, text, strlen(text), &err);
    dm_free(text);
    return s ? cli_fail(&err) : CLI_OK;
}

int cmd_design_is_mlp(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--family") && !strcmp(argv[i + 1], "mlp")) return 1;
    return 0;
}

int cmd_design_mlp(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) { fputs(mlp_usage, stdout); return CLI_OK; }
    mlp_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    dm_error err = {0};
    if (dm_mlp_problem_validate(&o.p, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    dm_mlp_solution *sol = malloc(sizeof *sol);
    if (!sol) return cli_error(CLI_FAIL, "out of memory");
    double t0 = cli_now();
    dm_status st = dm_mlp_solve(&o.p, sol, &err);
    double secs = cli_now() - t0;
    if (st) rc = cli_fail(&err);
    if (!rc && o.out_path) rc = write_mlp(o.out_path, &sol->mlp);
    if (!rc) {
        if (o.json) rc = print_json(sol, secs);
        else summary(&o.p, sol, secs);
    }
    free(sol);
    return rc;
}
