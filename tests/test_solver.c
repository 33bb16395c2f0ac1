/*
** test_solver.c -- dm_solve against independent truth: a brute-force
** enumeration of tiny design problems (each network built and scored by
** dm_net_create + dm_net_metrics), random feasible sampling under the
** reported bound, the paper's published structures re-scored under each
** preset, infeasibility messages, determinism, and count parsing.
*/
#include "deepmad.h"
#include "harness.h"
#include "brute.h"
#include "solver.h"
#include "../fuzz/design_check.h"
#include <stdlib.h>

/* The best feasible design's objective and metrics. */
typedef struct best_of { double best; int feasible; dm_metrics best_m; } best_of;

static void keep_best(const dm_arch *a, const dm_metrics *m, void *user) {
    best_of *o = user;
    (void)a;
    if (!o->feasible || m->objective > o->best) o->best = m->objective, o->best_m = *m;
    o->feasible = 1;
}

static int brute_force_m(const dm_problem *p, double *best, dm_metrics *best_m) {
    best_of o = {0};
    brute_enumerate(p, keep_best, &o);
    *best = o.best;
    if (best_m) *best_m = o.best_m;
    return o.feasible;
}

static int brute_force(const dm_problem *p, double *best) { return brute_force_m(p, best, NULL); }

static void tiny(dm_problem *p, dm_block_kind kind) {
    dm_problem_default(p, kind);
    p->input_size = 32;
    p->classes = 10;
    p->n_superblocks = 2;
    p->stride[0] = 2;
    p->stride[1] = 2;
    p->min_channels = 8;
    p->max_channels = 24;
    p->inner_min = kind == DM_BLOCK_MBCONV ? 1.0 : 0.34;
    p->inner_max = kind == DM_BLOCK_MBCONV ? 2.0 : 1.0;
    for (int i = 0; i < 2; i++) p->depth_min[i] = 1, p->depth_max[i] = 2;
    p->n_kernels = 1;
    p->kernels[0] = 3;
    p->rho0 = 1.0;
}

/* Metrics of the largest design of a problem, to place budgets inside. */
static void largest(const dm_problem *p, int64_t *macs, int64_t *params) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = p->in_channels, a.input_size = p->input_size, a.classes = p->classes;
    a.stem = (dm_stem){.out = p->max_channels, .kernel = p->stem_kernel, .stride = p->stem_stride};
    a.n_superblocks = p->n_superblocks;
    for (int i = 0; i < p->n_superblocks; i++)
        a.sb[i] = (dm_superblock){.kind = p->family, .out = p->max_channels, .depth = p->depth_max[i],
                                  .kernel = p->kernels[p->n_kernels - 1], .stride = p->stride[i],
                                  .inner = (int32_t)(p->inner_max * p->max_channels) / 8 * 8, .se = p->se};
    a.head = p->head ? p->max_channels : 0;
    dm_net *net;
    dm_metrics m;
    dm_net_create(&a, &net, NULL);
    dm_net_metrics(net, NULL, &m, NULL);
    dm_net_free(net);
    *macs = m.macs, *params = m.params;
}

/* The relaxations on their own, not hidden behind the incumbent that
   dm_solve's reported bound is the larger of: the knapsack bound of the
   root, and the Lagrangian over the whole domain at a few multipliers
   (any multipliers give a valid bound), must be >= the optimum, at the
   problem's own cells and at coarser ones (the ratio grows for problems
   too wide to tabulate, dmi_cell_ratio). */
static void check_relaxations(const dm_problem *p, double truth, const char *what) {
    static const double ratios[] = {0, 1.3, 2.0, 4.0};   /* 0: the problem's own */
    for (int q = 0; q < COUNTOF(ratios); q++) {
        dmi_ctx *x = calloc(1, sizeof *x);
        dmi_bound *b = NULL;
        dmi_dual *d = NULL;
        CHECK(x && dmi_ctx_init(x, p, NULL) == DM_OK);
        if (!x) return;
        if (ratios[q] > 0) x->cell_ratio = ratios[q];
        CHECK(dmi_bound_build(x, &b, NULL) == DM_OK);
        double root = dmi_bound_root(b);
        CHECK(root >= truth - 1e-9);
        if (root < truth - 1e-9)
            printf("  %s: knapsack bound %.6f < optimum %.6f (cells %g)\n", what, root, truth, x->cell_ratio);
        if (!p->drop_monotone && dmi_dual_create(x, b, &d, NULL) == DM_OK) {
            dmi_dbox box;
            dmi_dual_root(d, &box);
            box.pen = x->sp.beta;   /* Q >= 1 */
            for (int t = 0; t < 3; t++) {
                dmi_mult m = {{-4.0 - 3 * t, -2.0 - 3 * t, -1.0 + t, 1.0 + t}};
                double st[DMI_MULT_N] = {0.5, 0.5, 0.5, 0.5, 0.5};
                int64_t evals = 0;
                double v = dmi_dual_min(d, &box, &m, st, 1, 200, -HUGE_VAL, &evals);
                CHECK(v >= truth - 1e-9);
                if (v < truth - 1e-9)
                    printf("  %s: Lagrangian bound %.6f < optimum %.6f (cells %g)\n", what, v, truth,
                           x->cell_ratio);
            }
        }
        dmi_dual_free(d);
        dmi_bound_free(b);
        free(x);
    }
}

static void check_exact(dm_problem *p, const char *what) {
    double truth;
    dm_solution s;
    dm_error err;
    int feasible = brute_force(p, &truth);
    dm_status st = dm_solve(p, &s, &err);
    if (!feasible) { CHECK(st == DM_ERR_INFEASIBLE); return; }
    CHECK(st == DM_OK);
    if (st) { printf("  %s: %s\n", what, err.msg); return; }
    CHECK_NEAR(s.objective, truth, 1e-9);
    CHECK(s.stop == DM_STOP_OPTIMAL);
    CHECK(s.bound >= truth - 1e-9);
    if (fabs(s.objective - truth) > 1e-9) printf("  (%s)\n", what);
    check_relaxations(p, truth, what);
    /* With one node the tree is not exhausted and the reported bound is
       the relaxations' (knapsack and Lagrangian): still >= the optimum. */
    dm_problem q = *p;
    q.node_limit = 1;
    CHECK(dm_solve(&q, &s, &err) == DM_OK);
    CHECK(s.bound >= truth - 1e-9);
    CHECK(s.bound >= s.objective);
    if (s.bound < truth - 1e-9) printf("  %s: relaxed bound %.6f < optimum %.6f\n", what, s.bound, truth);
}

static void test_brute_force(void) {
    dm_problem p;
    int64_t macs, params;
    static const dm_block_kind kinds[3] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_BASIC, DM_BLOCK_MBCONV};
    for (int k = 0; k < 3; k++)
        for (int variant = 0; variant < 5; variant++) {
            tiny(&p, kinds[k]);
            largest(&p, &macs, &params);
            if (variant >= 1) p.max_macs = macs * 2 / 5;
            if (variant >= 2) { p.max_params = params / 3; p.n_kernels = 2; p.kernels[1] = 5; }
            if (variant == 3) { p.drop_monotone = 1; p.rho0 = 0.6; }
            if (variant == 4) { p.drop_depth_penalty = 1; p.drop_multiscale = 1; p.max_layers = 9; }
            check_exact(&p, dm_block_kind_name(kinds[k]));
        }
    /* Guideline 2 off with depths so uneven that exp(variance) is
       infinite: beta 0 means no penalty, never 0 x inf (issue #12 item 9,
       in the certificate's boxes too). */
    for (int k = 0; k < 3; k++) {
        tiny(&p, kinds[k]);
        p.drop_depth_penalty = 1;
        p.score.penalty = DM_PENALTY_VAR;
        p.depth_min[1] = p.depth_max[1] = 60;
        p.rho0 = 10;
        check_exact(&p, "beta 0, exp(variance) infinite");
    }
}

/* The paper space and style (dm_problem_set_space), shrunk to tiny
   sizes: stem range, head cap and head ratios, nearest rounding of the
   inner width and the paper's blocks, which cost more than torchvision's.
   The optimum must equal brute force and every bound (the exhausted
   tree's, and the relaxations' at node limit 1) must be >= it. */
static void test_paper_space_brute_force(void) {
    static const dm_block_kind kinds[2] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    for (int k = 0; k < 2; k++)
        for (int variant = 0; variant < 5; variant++) {
            dm_problem p;
            int64_t macs, params;
            tiny(&p, kinds[k]);
            CHECK(dm_problem_set_space(&p, DM_SPACE_PAPER, NULL) == DM_OK);
            CHECK(p.style == DM_STYLE_PAPER && p.inner_round == 1 && p.stem_min == 16);
            p.max_channels = 24;
            p.stem_max = 24;
            p.n_kernels = 2;
            p.rho0 = 1.0;
            if (kinds[k] == DM_BLOCK_MBCONV) p.inner_max = 3, p.head_max = 48;
            else p.head = variant >= 3, p.head_max = 64;
            largest(&p, &macs, &params);
            if (variant >= 1) p.max_macs = macs * 2 / 5;
            if (variant >= 2) p.max_params = params / 3;
            if (variant == 3) p.head_ratio_max = 1.5, p.rho0 = 0.8;
            if (variant == 4) p.head_ratio_min = 2, p.stem_min = 24, p.drop_depth_penalty = 1;
            check_exact(&p, kinds[k] == DM_BLOCK_MBCONV ? "paper mbconv" : "paper bottleneck");
        }
    /* The paper style with the open space's domains (--family mbconv
       --style paper): inner == c is allowed, where a torchvision-style
       block would drop its expand conv but a paper-style block keeps it. */
    for (int variant = 0; variant < 4; variant++) {
        dm_problem p;
        int64_t macs, params;
        tiny(&p, DM_BLOCK_MBCONV);
        p.style = DM_STYLE_PAPER;
        p.n_kernels = 2;
        p.kernels[1] = 5;
        largest(&p, &macs, &params);
        p.max_macs = macs * (variant + 1) / 6;
        p.max_params = params * (variant + 1) / 5;
        p.rho0 = 0.3 + 0.15 * variant;
        check_exact(&p, "paper style, open domains, mbconv");
    }
}

/* The paper space's domains, one by one (deepmad.h, docs/spaces.md). */
static void test_set_space(void) {
    dm_problem p, d;
    dm_error err;
    dm_problem_default(&d, DM_BLOCK_MBCONV);
    p = d;
    CHECK(dm_problem_set_space(&p, DM_SPACE_PAPER, &err) == DM_OK);
    CHECK(p.style == DM_STYLE_PAPER && p.act == DM_ACT_SILU && p.se == 1);
    CHECK(p.inner_min == 1.5 && p.inner_max == 6.0 && p.n_kernels == 3 && p.kernels[2] == 7);
    CHECK(p.max_channels == 1280 && p.head_max == 7680 && p.stem_min == 16 && p.stem_max == 64);
    CHECK(p.head_ratio_min == 1.0 && p.head_ratio_max == 6.0);
    CHECK(dm_problem_validate(&p, &err) == DM_OK);
    CHECK(dm_problem_set_space(&p, DM_SPACE_OPEN, &err) == DM_OK);
    CHECK(memcmp(&p, &d, sizeof p) == 0);   /* the open space is the defaults' */
    dm_problem_default(&p, DM_BLOCK_BOTTLENECK);
    CHECK(dm_problem_set_space(&p, DM_SPACE_PAPER, &err) == DM_OK);
    CHECK(p.act == DM_ACT_RELU && p.inner_min == 0.1 && p.inner_max == 1.0 && p.n_kernels == 2);
    CHECK(p.max_channels == 2048 && p.head == 0);
    dm_problem_default(&p, DM_BLOCK_BASIC);
    CHECK(dm_problem_set_space(&p, DM_SPACE_PAPER, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "basic") != NULL);
    p.style = DM_STYLE_PAPER;  /* basic blocks in the paper style, set by hand */
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    /* validation of the new fields */
    dm_problem_default(&p, DM_BLOCK_MBCONV);
    p.stem_min = 40, p.stem_max = 20;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    p.stem_min = 17, p.stem_max = 23;   /* no multiple of 8 */
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    p.stem_min = 0, p.stem_max = 0, p.head_ratio_min = -1;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    p.head_ratio_min = 3, p.head_ratio_max = 2;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    p.head_ratio_min = 0, p.head_ratio_max = 0, p.head_max = 4;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    p.head_max = 0, p.inner_round = 2;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    p.inner_round = 0, p.style = DM_STYLE_PAPER, p.se = 0;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    /* the presets are in the paper space, their budgets unchanged */
    CHECK(dm_problem_preset("29m", &p, &err) == DM_OK);
    CHECK(p.style == DM_STYLE_PAPER && p.max_channels == 1280 && p.max_params == 29000000);
}

/* Small problems where rho and both budgets bind, so the relaxed bound
   that dm_solve reports under a node limit of 1 is the Lagrangian one
   (solver_dual.c; checked by hand to be below the knapsack bound here):
   it must still be >= the brute-force optimum. */
static void test_relaxed_bound_vs_brute_force(void) {
    static const dm_block_kind kinds[3] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_BASIC, DM_BLOCK_MBCONV};
    for (int k = 0; k < 3; k++) {
        dm_problem p;
        dm_solution s;
        dm_error err;
        double truth;
        tiny(&p, kinds[k]);
        p.max_channels = kinds[k] == DM_BLOCK_MBCONV ? 40 : 64;
        for (int i = 0; i < 2; i++) p.depth_max[i] = 4;
        p.rho0 = 0.45;
        p.max_macs = 1500000;
        p.max_params = 60000;
        p.node_limit = 1;
        CHECK(brute_force(&p, &truth));
        CHECK(dm_solve(&p, &s, &err) == DM_OK);
        CHECK(s.objective <= truth + 1e-9);
        CHECK(s.bound >= truth - 1e-9);
        if (getenv("DM_TEST_VERBOSE"))
            printf("  %s: optimum %.4f, found %.4f, bound %.4f\n", dm_block_kind_name(kinds[k]), truth,
                   s.objective, s.bound);
    }
}

/* mbconv with a head, params and rho binding at several rho0: the
   relaxed bound reported with node_limit 1 (knapsack and Lagrangian,
   after the kick search) must still be >= the brute-force optimum.
   (In these tiny problems the whole network's prefix is the one that
   binds; a case binding at an intermediate prefix is still wanted.) */
static void test_bound_intermediate_rho(void) {
    static const double rho0s[] = {0.5, 0.45, 0.4, 0.35};
    for (int r = 0; r < 4; r++) {
        dm_problem p;
        dm_solution s;
        dm_error err;
        dm_metrics m;
        double truth;
        tiny(&p, DM_BLOCK_MBCONV);
        p.max_channels = 40;
        for (int i = 0; i < 2; i++) p.depth_max[i] = 3;
        p.rho0 = rho0s[r];
        p.max_params = 40000;
        p.node_limit = 1;
        CHECK(p.head == 1);
        CHECK(brute_force_m(&p, &truth, &m));
        int binding = m.n_stages - 1;
        for (int i = 0; i < m.n_stages; i++)
            if (m.stage[i].rho > m.stage[binding].rho) binding = i;
        CHECK(dm_solve(&p, &s, &err) == DM_OK);
        /* The certificate's branch and bound may close every box (then
           the design is proven optimal and must be the optimum). */
        if (s.stop == DM_STOP_OPTIMAL) CHECK_NEAR(s.objective, truth, 1e-9);
        CHECK(s.objective <= truth + 1e-9);
        CHECK(s.bound >= truth - 1e-9);
        if (getenv("DM_TEST_VERBOSE"))
            printf("  rho0 %.2f: binding prefix %d rho %.4f (whole %.4f), optimum %.4f, found %.4f, "
                   "bound %.4f\n", p.rho0, binding, m.stage[binding].rho, m.rho, truth, s.objective, s.bound);
    }
}

/* The certificate's branch and bound alone (node_limit 1, so the exact
   tree search gives up at once), with a generous effort, on small
   problems with two budgets and rho binding: it must close the gap,
   i.e. the bound equals the brute-force optimum, and at default effort
   the bound must still be >= it. */
static void test_certificate_closes(void) {
    static const dm_block_kind kinds[2] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    for (int k = 0; k < 2; k++)
        for (int variant = 0; variant < 2; variant++) {
            dm_problem p;
            dm_solution s;
            dm_error err;
            double truth;
            tiny(&p, kinds[k]);
            p.max_channels = kinds[k] == DM_BLOCK_MBCONV ? 40 : 48;
            for (int i = 0; i < 2; i++) p.depth_max[i] = 3 + variant;
            p.rho0 = kinds[k] == DM_BLOCK_MBCONV ? 0.45 : 0.5;
            p.max_macs = 1500000;
            p.max_params = kinds[k] == DM_BLOCK_MBCONV ? 40000 : 60000;
            if (variant) { p.n_kernels = 2; p.kernels[1] = 5; }
            p.node_limit = 1;
            CHECK(brute_force(&p, &truth));
            CHECK(dm_solve(&p, &s, &err) == DM_OK);
            CHECK(s.bound >= truth - 1e-9);
            p.effort = 1000;
            CHECK(dm_solve(&p, &s, &err) == DM_OK);
            CHECK(s.bound_boxes > 1);
            CHECK_NEAR(s.objective, truth, 1e-9);
            CHECK_NEAR(s.bound, truth, 1e-9);
            CHECK(s.stop == DM_STOP_OPTIMAL);
            if (getenv("DM_TEST_VERBOSE"))
                printf("  %s/%d: optimum %.4f, bound %.4f, %lld boxes\n", dm_block_kind_name(kinds[k]), variant,
                       truth, s.bound, (long long)s.bound_boxes);
        }
    dm_problem p;
    dm_problem_default(&p, DM_BLOCK_BOTTLENECK);
    p.effort = -1;
    CHECK(dm_solve(&p, &(dm_solution){0}, NULL) == DM_ERR_INVALID);
}

static uint64_t rng = 88172645463325252ull;
static int32_t rnd(int32_t n) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (int32_t)(rng % (uint64_t)n);
}

/* Random designs of p (non-decreasing widths, each width 70..110% of
   the start's, the stem and head kept in their ranges); returns how many were
   feasible, and fails a check for any that beats the bound. */
/* Samples scale each width of the design by SAMPLE_LO..SAMPLE_LO +
   SAMPLE_SPAN - 1 percent and change a third of its kernels and depths:
   designs near a good one, which is where a bound too low would show,
   and near enough that budgets and rho, which bind there from both
   sides, still leave some of them feasible. */
#define SAMPLE_LO 88
#define SAMPLE_SPAN 15
static int sample_under_bound(const dm_problem *p, const dm_arch *start, double bound, int n) {
    brute b;
    brute_init(&b, p);
    int feasible = 0;
    for (int t = 0; t < n; t++) {
        b.a = *start;
        int32_t prev = 0;
        int32_t slo, shi;   /* samples stay in the space's stem and head ranges */
        stem_values(p, &slo, &shi);
        b.a.stem.out = (b.a.stem.out * (SAMPLE_LO + rnd(SAMPLE_SPAN)) / 100) / 8 * 8;
        if (b.a.stem.out < slo) b.a.stem.out = slo;
        if (b.a.stem.out > shi) b.a.stem.out = shi;
        prev = b.a.stem.out;
        for (int i = 0; i < b.a.n_superblocks; i++) {
            dm_superblock *s = &b.a.sb[i];
            s->out = (s->out * (SAMPLE_LO + rnd(SAMPLE_SPAN)) / 100) / 8 * 8;
            if (s->out < prev) s->out = prev;
            prev = s->out;
            int32_t ms[600], nm = inner_values(p, s->out, ms);
            int32_t want = s->inner * (SAMPLE_LO + rnd(SAMPLE_SPAN)) / 100, mi = 0;
            while (mi + 1 < nm && ms[mi] < want) mi++;
            s->inner = ms[mi];
            if (rnd(3) == 0) s->kernel = p->kernels[rnd(p->n_kernels)];   /* a third of the time */
            int dd = rnd(6);
            s->depth += dd == 0 ? -1 : dd == 1 ? 1 : 0;
            if (s->depth < p->depth_min[i]) s->depth = p->depth_min[i];
            if (s->depth > p->depth_max[i]) s->depth = p->depth_max[i];
        }
        if (b.a.head) b.a.head = (b.a.head * (SAMPLE_LO + rnd(SAMPLE_SPAN)) / 100) / 8 * 8;
        if (b.a.head && b.a.head < prev) b.a.head = prev;
        if (b.a.head && p->head_ratio_max > 0 && b.a.head > p->head_ratio_max * prev)
            b.a.head = (int32_t)(p->head_ratio_max * prev) / 8 * 8;
        dm_metrics m;
        if (!brute_feasible(&b, &m)) continue;
        feasible++;
        CHECK(m.objective <= bound + 1e-9);
    }
    if (getenv("DM_TEST_VERBOSE")) printf("  %d of %d samples feasible\n", feasible, n);
    return feasible;
}

static void test_bound_vs_sampling(void) {
    dm_problem p;
    dm_solution s;
    dm_error err;
    dm_problem_default(&p, DM_BLOCK_BOTTLENECK);
    p.input_size = 64;
    p.n_superblocks = 3;
    p.max_channels = 256;
    for (int i = 0; i < 3; i++) p.depth_max[i] = 4;
    p.max_macs = 60000000;
    p.max_params = 1500000;
    p.rho0 = 0.5;
    CHECK(dm_solve(&p, &s, &err) == DM_OK);
    CHECK(sample_under_bound(&p, &s.arch, s.bound, 3000) > 100);
    /* In the paper space rho binds harder (its blocks have more layers) and
       fewer samples land inside every limit: 29m keeps about 14 of 6000. */
    static const char *const names[] = {"r18", "b0", "r50", "29m"};
    for (int sp = 0; sp < 2; sp++)
        for (int i = 0; i < 4; i++) {
            CHECK(dm_problem_preset(names[i], &p, &err) == DM_OK);
            CHECK(dm_problem_set_space(&p, sp ? DM_SPACE_PAPER : DM_SPACE_OPEN, &err) == DM_OK);
            CHECK(dm_solve(&p, &s, &err) == DM_OK);
            CHECK(sample_under_bound(&p, &s.arch, s.bound, 6000) > (sp ? 10 : 60));
        }
}

static void check_design_constraints(const dm_problem *p, const dm_solution *s) {
    brute b;
    dm_metrics m;
    brute_init(&b, p);
    b.a = s->arch;
    CHECK(brute_feasible(&b, &m));
    CHECK_NEAR(m.objective, s->objective, 1e-9);
    CHECK(s->arch.stem.out % 8 == 0 && s->arch.head % 8 == 0);
    for (int i = 0; i < s->arch.n_superblocks; i++)
        CHECK(s->arch.sb[i].out % 8 == 0 && s->arch.sb[i].inner % 8 == 0);
    CHECK(s->bound >= s->objective);
}

static void test_presets(void) {
    for (int32_t i = 0; i < dm_preset_count(); i++) {
        const char *name = dm_preset_name(i), *pub = dm_preset_published(name);
        dm_problem p;
        dm_solution s;
        dm_error err;
        CHECK(dm_problem_preset(name, &p, &err) == DM_OK);
        CHECK(p.max_macs > 0 && p.max_params > 0);
        dm_status st = dm_solve(&p, &s, &err);
        CHECK(st == DM_OK);
        if (st) { printf("  preset %s: %s\n", name, err.msg); continue; }
        check_design_constraints(&p, &s);
        char why[256];   /* the shared independent judge, paper-space rules included */
        const char *bad = dc_check_solution(&p, &s, why, sizeof why);
        CHECK(bad == NULL);
        if (bad) printf("  preset %s: %s\n", name, bad);
        if (!pub) continue;
        dm_arch a;
        dm_net *net = NULL;
        dm_metrics m;
        dm_score_params sp;
        dm_problem_score(&p, &sp);
        CHECK(dm_zoo_arch(pub, &a, &err) == DM_OK && dm_net_create(&a, &net, &err) == DM_OK &&
              dm_net_metrics(net, &sp, &m, &err) == DM_OK);
        dm_net_free(net);
        CHECK(s.objective > m.objective);
        if (!(s.objective > m.objective)) printf("  %s: %.2f vs published %.2f\n", name, s.objective, m.objective);
    }
    dm_problem p;
    CHECK(dm_problem_preset("r19", &p, NULL) == DM_ERR_INVALID);
    CHECK_EQ_I64(dm_problem_preset("r18", &p, NULL), DM_OK);
    CHECK_EQ_I64(p.max_params, 11689512); /* torchvision ResNet-18 (SPEC section 6) */
}

static void test_infeasible(void) {
    dm_problem p;
    dm_solution s;
    dm_error err;
    dm_problem_preset("r18", &p, &err);
    p.max_macs = 1000000;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "MACs budget 1000000") != NULL);
    dm_problem_preset("r18", &p, &err);
    p.max_params = 5000;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "params budget 5000") != NULL);
    dm_problem_preset("b0", &p, &err);
    p.rho0 = 0.01;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "rho") != NULL);
    p.rho0 = -1;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INVALID);
}

static void test_determinism(void) {
    dm_problem p;
    dm_solution *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    dm_problem_preset("29m", &p, NULL);
    CHECK(dm_solve(&p, a, NULL) == DM_OK && dm_solve(&p, b, NULL) == DM_OK);
    CHECK(memcmp(&a->arch, &b->arch, sizeof a->arch) == 0);
    CHECK(a->bound == b->bound && a->objective == b->objective);
    free(a);
    free(b);
}

static void test_parse_count(void) {
    int64_t v = 0;
    CHECK(dm_parse_count("1.8G", &v, NULL) == DM_OK && v == 1800000000);
    CHECK(dm_parse_count("11.7M", &v, NULL) == DM_OK && v == 11700000);
    CHECK(dm_parse_count("500K", &v, NULL) == DM_OK && v == 500000);
    CHECK(dm_parse_count("1e9", &v, NULL) == DM_OK && v == 1000000000);
    CHECK(dm_parse_count("9223372036854775807", &v, NULL) == DM_OK && v == INT64_MAX);
    CHECK(dm_parse_count("9223372036854775808", &v, NULL) == DM_ERR_RANGE);
    CHECK(dm_parse_count("1e30", &v, NULL) == DM_ERR_RANGE);
    CHECK(dm_parse_count("-5", &v, NULL) == DM_ERR_INVALID);
    CHECK(dm_parse_count("nan", &v, NULL) == DM_ERR_INVALID);
    CHECK(dm_parse_count("12Q", &v, NULL) == DM_ERR_INVALID);
    CHECK(dm_parse_count("", &v, NULL) == DM_ERR_INVALID);
    CHECK(dm_parse_count("1.8GG", &v, NULL) == DM_ERR_INVALID);
}

/* `test_solver` runs the quick checks (ctest label fast: the exact optimum
   on tiny problems, the relaxed bounds, infeasibility); `test_solver
   --slow` the sweeps (label slow: sampling under the bound, the
   certificate, every preset, determinism).  Both run in the full suite. */
int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--slow") == 0) {
        test_bound_vs_sampling();
        test_certificate_closes();
        test_presets();
        test_determinism();
    } else {
        test_parse_count();
        test_brute_force();
        test_set_space();
        test_paper_space_brute_force();
        test_relaxed_bound_vs_brute_force();
        test_bound_intermediate_rho();
        test_infeasible();
    }
    return TEST_REPORT();
}
