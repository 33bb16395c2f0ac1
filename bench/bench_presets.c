/*
** bench_presets.c -- solve every design preset and print one table:
** objective, bound, gap, seconds (CPU) and peak memory of each solve, and
** beside it the paper's published structure for that preset re-scored
** with the same objective, with the constraints it breaks.
**
** Run: build/bench/bench_presets   (one process per preset with --one
** NAME keeps each preset's peak memory separate; --space open for the
** open space, --effort N for more work on the bound).  The presets are in
** the paper space (docs/spaces.md) by default; the published structure is
** re-scored in its own (paper) style under the same scoring either way.
**
** "best" is the independent search's best objective (bench/indep_search.h:
** annealing plus exhaustive local moves, public API only, seeded) with
** --best-evals N evaluations (default IND_EVALS_SHORT; 0 leaves the
** columns out), "short%" how far the design is below it (negative: the
** design is ahead), and "BOUND!" marks a best above the solver's bound.
** --holdouts runs the hold-out problems of indep_search.c instead of the
** presets.  The long-run best known values are in bench/README.md.
*/
#include "deepmad.h"
#include "indep_search.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

static long peak_kb(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss; /* kilobytes on Linux */
}

/* What the published structure breaks under the preset's constraints. */
static void violations(const dm_problem *p, const dm_arch *a, const dm_metrics *m, char *out,
                       size_t n) {
    size_t k = 0;
    out[0] = 0;
#define ADD(...) k += (size_t)snprintf(out + k, k < n ? n - k : 0, __VA_ARGS__)
    if (m->macs > p->max_macs) ADD("MACs %.3gG>%.3gG ", m->macs / 1e9, p->max_macs / 1e9);
    if (m->params > p->max_params) ADD("params %.2fM>%.2fM ", m->params / 1e6, p->max_params / 1e6);
    if (m->rho > p->rho0) ADD("rho %.3f>%.2f ", m->rho, p->rho0);
    int gran = a->stem.out % p->granularity == 0 && a->head % p->granularity == 0, mono = 1;
    int32_t prev = a->stem.out;
    for (int i = 0; i < a->n_superblocks; i++) {
        gran &= a->sb[i].out % p->granularity == 0 && a->sb[i].inner % p->granularity == 0;
        mono &= a->sb[i].out >= prev;
        prev = a->sb[i].out;
    }
    if (!gran) ADD("granularity ");
    if (!mono) ADD("decreasing-widths ");
    /* the space's own rules (docs/spaces.md) */
    int32_t g = p->granularity, cap = 0, inner = 1, kern = 1;
    if ((p->stem_min && a->stem.out < p->stem_min) || (p->stem_max && a->stem.out > p->stem_max))
        ADD("stem ");
    for (int i = 0; i < a->n_superblocks; i++) {
        const dm_superblock *b = &a->sb[i];
        double lo = p->inner_min * b->out / g;
        lo = (p->inner_round ? rint(lo) : ceil(lo - 1e-9)) * g;
        cap |= b->out > p->max_channels;
        inner &= b->inner >= (lo < g ? g : lo) && b->inner <= p->inner_max * b->out + 1e-9;
        int k_ok = 0;
        for (int j = 0; j < p->n_kernels; j++) k_ok |= p->kernels[j] == b->kernel;
        kern &= k_ok;
    }
    int32_t last = a->sb[a->n_superblocks - 1].out;
    if (cap) ADD("channel-cap ");
    if (!inner) ADD("inner-range ");
    if (!kern) ADD("kernels ");
    if (a->head && ((p->head_max && a->head > p->head_max) ||
                    (p->head_ratio_max > 0 && a->head > p->head_ratio_max * last)))
        ADD("head ");
    if (k == 0) ADD("none");
#undef ADD
}

static int effort = 0;   /* --effort N: dm_problem.effort of every solve */
static int64_t best_evals = IND_EVALS_SHORT;  /* --best-evals N: the independent search's work */
static int name_w = 8;   /* the name column: hold-out names are longer */
static dm_space space = DM_SPACE_PAPER;  /* --space open|paper */

/* The independent search's best for p, re-checked: "best" and "short%"
   (and a flag when it passes the bound). */
static void best_known(const dm_problem *p, const dm_solution *s, char *best, char *shortp, size_t n) {
    ind_options o;
    ind_result *r = malloc(sizeof *r);
    dm_error err;
    char why[256];
    snprintf(best, n, "-");
    snprintf(shortp, n, "-");
    ind_options_default(&o);
    o.max_evals = best_evals;
    if (!r || ind_search(p, &o, r, &err) || !r->found) { free(r); return; }
    if (ind_recheck(p, &r->arch, r->objective, why, sizeof why)) snprintf(best, n, "RECHECK!");
    else snprintf(best, n, "%.2f%s", r->objective, r->objective > s->bound ? " BOUND!" : "");
    snprintf(shortp, n, "%+.2f", 100 * (r->objective - s->objective) / fabs(r->objective));
    free(r);
}

static int one(const char *name, dm_problem *pp, int header) {
    dm_problem p = *pp;
    dm_error err;
    dm_solution *s = malloc(sizeof *s);
    if (!s) return 1;
    p.effort = effort;
    double t0 = cpu_seconds();
    dm_status st = dm_solve(&p, s, &err);
    double secs = cpu_seconds() - t0;
    if (st) { fprintf(stderr, "%s: %s\n", name, err.msg); free(s); return 1; }
    long kb = peak_kb(); /* before the independent search adds its own */
    if (header)
        printf("%-*s %10s %10s %7s %7s %6s %7s %6s | %10s %7s | %10s %7s  %s\n", name_w, "problem", "objective",
               "bound", "gap%", "sec", "MB", "status", "boxes", "best", "short%", "published",
               "ahead%", "published violates");
    char pub[32] = "-", ahead[32] = "-", why[200] = "", best[48] = "-", shortp[48] = "-";
    if (best_evals > 0) best_known(&p, s, best, shortp, sizeof best);
    const char *pn = dm_preset_published(name);
    if (pn) {
        dm_arch a;
        dm_net *net = NULL;
        dm_metrics m;
        dm_score_params sp;
        dm_problem_score(&p, &sp);
        if (!dm_zoo_arch(pn, &a, &err) && !dm_net_create(&a, &net, &err) &&
            !dm_net_metrics(net, &sp, &m, &err)) {
            snprintf(pub, sizeof pub, "%.2f", m.objective);
            snprintf(ahead, sizeof ahead, "%+.2f", 100 * (s->objective - m.objective) / m.objective);
            violations(&p, &a, &m, why, sizeof why);
        }
        dm_net_free(net);
    }
    printf("%-*s %10.2f %10.2f %6.2f%% %7.3f %6.1f %7s %6lld | %10s %7s | %10s %7s  %s\n", name_w, name,
           s->objective, s->bound, 100 * s->gap / s->bound, secs, kb / 1024.0,
           s->stop == DM_STOP_OPTIMAL ? "optimal" : "gap", (long long)s->bound_boxes, best, shortp,
           pub, ahead, why);
    fflush(stdout);
    free(s);
    return 0;
}

static int preset(const char *name, int header) {
    dm_problem p;
    dm_error err;
    if (dm_problem_preset(name, &p, &err) || dm_problem_set_space(&p, space, &err)) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return 1;
    }
    return one(name, &p, header);
}

/* The hold-out problems, each in its own space (--space does not apply). */
static int holdouts(void) {
    int rc = 0;
    name_w = 21;
    for (int32_t i = 0; i < ind_holdout_count(); i++) {
        dm_problem p;
        dm_error err;
        if (ind_holdout_problem(i, &p, &err)) {
            fprintf(stderr, "%s: %s\n", ind_holdout_name(i), err.msg);
            rc = 1;
            continue;
        }
        rc |= one(ind_holdout_name(i), &p, i == 0);
    }
    return rc;
}

static int usage(const char *bad) {
    fprintf(stderr, "bench_presets: unknown or incomplete option '%s'\n"
            "usage: bench_presets [--space open|paper] [--effort N] [--best-evals N]\n"
            "                     [--one PRESET | --header | --holdouts]\n", bad);
    return 2;
}

int main(int argc, char **argv) {
    const char *one_name = NULL;
    int mode = 0;   /* 0 every preset, 1 --one, 2 --header, 3 --holdouts */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--header")) mode = 2;
        else if (!strcmp(a, "--holdouts")) mode = 3;
        else if (!v) return usage(a);
        else if (!strcmp(a, "--effort")) effort = atoi(v), i++;
        else if (!strcmp(a, "--best-evals")) best_evals = atoll(v), i++;
        else if (!strcmp(a, "--one")) mode = 1, one_name = v, i++;
        else if (!strcmp(a, "--space")) {
            if (dm_space_from_name(v, &space, NULL)) { fprintf(stderr, "--space open|paper\n"); return 2; }
            i++;
        } else return usage(a);
    }
    if (mode == 1) return preset(one_name, 0);
    if (mode == 2) return preset(dm_preset_name(0), 1);
    if (mode == 3) return holdouts();
    int rc = 0;
    for (int32_t i = 0; i < dm_preset_count(); i++) rc |= preset(dm_preset_name(i), i == 0);
    return rc;
}
