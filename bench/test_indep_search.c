/*
** test_indep_search.c -- the independent search against brute force.
**
** On small problems (two superblocks, a few widths) every design of the
** domain documented in deepmad.h is enumerated here, by loops of this
** file's own, and measured with dm_net_create + dm_net_metrics; the
** search's best must be exactly the brute-force best, pass ind_recheck,
** and agree with dm_solve when the solver proves optimality.  The same
** seed must give the same design.  ctest label fast (well under 5 s).
*/
#include "indep_search.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_EVALS 100000   /* the search's budget on the small problems */

static int passed, failed;
#define CHECK(c) do { if (c) passed++; else { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); } } while (0)

/* One candidate of the brute force, built as the problem documents. */
static double score(const dm_problem *p, const dm_arch *a) {
    dm_score_params sp;
    dm_net *net = NULL;
    dm_metrics m;
    dm_problem_score(p, &sp);
    if (dm_net_create(a, &net, NULL) || dm_net_metrics(net, &sp, &m, NULL)) {
        dm_net_free(net);
        return -HUGE_VAL;
    }
    dm_net_free(net);
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++)
        if (!dm_constraint_met(p, &m, (dm_constraint)k)) return -HUGE_VAL;
    return m.objective;
}

/* Inner widths of width c: multiples of g in [ceil_g(lo c), floor_g(hi c)]
   (the small problems keep inner_round 0 and non-empty ranges). */
static void inner_ends(const dm_problem *p, int32_t c, int32_t *lo, int32_t *hi) {
    int32_t g = p->granularity;
    *lo = (int32_t)ceil(p->inner_min * c / g - 1e-9) * g;
    *hi = (int32_t)floor(p->inner_max * c / g + 1e-9) * g;
    if (*lo < g) *lo = g;
}

/* The best objective over the whole (two-superblock) domain. */
static dm_arch bf_best;   /* the brute force's best design */

/* On a failure: the two designs, for the reader of the log. */
static void show_both(const dm_arch *found, const dm_arch *truth) {
    char *a = NULL, *b = NULL;
    if (!dm_arch_to_json(found, &a, NULL) && !dm_arch_to_json(truth, &b, NULL))
        printf("search found:\n%s\nbrute force:\n%s\n", a, b);
    dm_free(a);
    dm_free(b);
}

static double brute_force(const dm_problem *p, const dm_arch *base) {
    double best = -HUGE_VAL;
    int32_t g = p->granularity, lo = p->min_channels, hi = p->max_channels;
    dm_arch a = *base;
    for (a.stem.out = lo; a.stem.out <= hi; a.stem.out += g)
    for (a.sb[0].out = a.stem.out; a.sb[0].out <= hi; a.sb[0].out += g)
    for (a.sb[1].out = a.sb[0].out; a.sb[1].out <= hi; a.sb[1].out += g) {
        int32_t l0, h0, l1, h1, hl = a.sb[1].out, hh = p->head ? hi : a.sb[1].out;
        if (p->head && p->head_ratio_max > 0 && hh > p->head_ratio_max * a.sb[1].out)
            hh = (int32_t)(p->head_ratio_max * a.sb[1].out) / g * g;
        inner_ends(p, a.sb[0].out, &l0, &h0);
        inner_ends(p, a.sb[1].out, &l1, &h1);
        for (int32_t head = hl; head <= hh; head += g)
        for (a.sb[0].inner = l0; a.sb[0].inner <= h0; a.sb[0].inner += g)
        for (a.sb[1].inner = l1; a.sb[1].inner <= h1; a.sb[1].inner += g)
        for (int k0 = 0; k0 < p->n_kernels; k0++)
        for (int k1 = 0; k1 < p->n_kernels; k1++)
        for (a.sb[0].depth = p->depth_min[0]; a.sb[0].depth <= p->depth_max[0]; a.sb[0].depth++)
        for (a.sb[1].depth = p->depth_min[1]; a.sb[1].depth <= p->depth_max[1]; a.sb[1].depth++) {
            a.sb[0].kernel = p->kernels[k0];
            a.sb[1].kernel = p->kernels[k1];
            a.head = p->head ? head : 0;
            double v = score(p, &a);
            if (v > best) best = v, bf_best = a;
        }
    }
    return best;
}

/* A small problem: 32 px, 10 classes, two superblocks of stride 2,
   widths 8..max_ch, depths 1..3, kernels 3 and 5; budgets at `frac` of
   the largest design's, so that they bind. */
static void small_problem(dm_problem *p, dm_block_kind family, int32_t max_ch) {
    dm_problem_default(p, family);
    p->input_size = 32;
    p->classes = 10;
    p->stem_stride = 1;
    p->n_superblocks = 2;
    p->stride[0] = p->stride[1] = 2;
    p->depth_max[0] = p->depth_max[1] = 3;
    p->max_channels = max_ch;
    p->inner_max = family == DM_BLOCK_MBCONV ? 2.0 : 1.0;
    p->inner_min = family == DM_BLOCK_MBCONV ? 1.0 : 0.25;
    p->head_ratio_max = family == DM_BLOCK_MBCONV ? 2.0 : 0;
}

/* The layout every candidate of p shares, taken from dm_solve's answer
   to p without budgets: the brute force builds on the solver's layout,
   the search on its own, so a difference between them shows. */
static int unbounded(const dm_problem *p, dm_solution *s) {
    dm_problem q = *p;
    q.max_params = 0;
    q.max_macs = INT64_C(1) << 40;
    return dm_solve(&q, s, NULL) == DM_OK;
}

static void check_small(dm_block_kind family, int32_t max_ch, double frac) {
    dm_problem p;
    dm_arch base;
    dm_solution *s = malloc(sizeof *s);
    ind_result *r = malloc(sizeof *r), *r2 = malloc(sizeof *r2);
    ind_options o;
    char why[256];
    if (!s || !r || !r2) { failed++; free(s); free(r); free(r2); return; }
    small_problem(&p, family, max_ch);
    CHECK(unbounded(&p, s));
    base = s->arch;
    /* budgets that bind: a fraction of the unconstrained optimum's */
    p.max_macs = (int64_t)(frac * (double)s->metrics.macs);
    p.max_params = (int64_t)(frac * 1.1 * (double)s->metrics.params);
    double truth = brute_force(&p, &base);
    ind_options_default(&o);
    o.max_evals = SMALL_EVALS;
    CHECK(ind_search(&p, &o, r, NULL) == DM_OK);
    CHECK(r->found);
    CHECK(ind_recheck(&p, &r->arch, r->objective, why, sizeof why) == NULL);
    CHECK(fabs(r->objective - truth) <= 1e-9 * fabs(truth));
    if (fabs(r->objective - truth) > 1e-9 * fabs(truth)) show_both(&r->arch, &bf_best);
    printf("%s max %d: independent %.6f, brute force %.6f\n", dm_block_kind_name(family), max_ch,
           r->objective, truth);
    /* the solver proves its optimum on problems this small: both agree */
    if (dm_solve(&p, s, NULL) == DM_OK && s->stop == DM_STOP_OPTIMAL)
        CHECK(fabs(s->objective - truth) <= 1e-9 * fabs(truth));
    /* same seed, same design */
    CHECK(ind_search(&p, &o, r2, NULL) == DM_OK);
    CHECK(memcmp(&r->arch, &r2->arch, sizeof r->arch) == 0 && r->evals == r2->evals);
    free(s);
    free(r);
    free(r2);
}

int main(void) {
    check_small(DM_BLOCK_BOTTLENECK, 48, 0.5);
    check_small(DM_BLOCK_BASIC, 40, 0.4);
    check_small(DM_BLOCK_MBCONV, 32, 0.6);   /* a head, capped at 2 x the last width */
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
