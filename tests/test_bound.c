/*
** test_bound.c -- the certificate's relaxations on their own, against
** brute force: every box of depths (and of the depths' sum) that the
** certificate's branch and bound can make is bounded, at any multipliers
** and any tangent point of the depth penalty, by at least the best
** feasible design in that box, found by building every network with
** dm_net_create.  Also: the DP's backtracked maximiser is a subgradient
** (its slack matches the dual's one-sided derivatives), and dm_solve's
** bound with only the certificate (node_limit 1) is >= the optimum and
** closes at a large effort, on problems where the depth penalty binds.
** `--slow` adds a larger problem.
*/
#include "deepmad.h"
#include "harness.h"
#include "brute.h"
#include "solver.h"

#define MAX_DESIGNS 200000
#define NSB 3

typedef struct design { int32_t d[NSB], w[NSB + 2]; double obj; } design;  /* w: stem, superblocks, head */

/* Every feasible design, up to MAX_DESIGNS. */
typedef struct designs { design *out; int32_t n; } designs;

static void record(const dm_arch *a, const dm_metrics *m, void *user) {
    designs *ds = user;
    if (ds->n >= MAX_DESIGNS) return;
    design *d = &ds->out[ds->n++];
    for (int i = 0; i < NSB; i++) d->d[i] = a->sb[i].depth, d->w[i + 1] = a->sb[i].out;
    d->w[0] = a->stem.out, d->w[NSB + 1] = a->head;
    d->obj = m->objective;
}

/* Every feasible design of p (brute.h). */
static int32_t brute_force(const dm_problem *p, design *out) {
    designs ds = {.out = out};
    brute_enumerate(p, record, &ds);
    return ds.n;
}

/* Three superblocks, depths 1..4, widths 8..24; budgets and rho binding. */
static void tiny(dm_problem *p, dm_block_kind kind, int variant) {
    dm_problem_default(p, kind);
    p->input_size = 32;
    p->classes = 10;
    p->n_superblocks = NSB;
    for (int i = 0; i < NSB; i++) p->stride[i] = i ? 2 : 1, p->depth_min[i] = 1, p->depth_max[i] = 4;
    p->min_channels = 8;
    p->max_channels = 24;
    p->inner_min = kind == DM_BLOCK_MBCONV ? 1.0 : 0.34;
    p->inner_max = kind == DM_BLOCK_MBCONV ? 2.0 : 1.0;
    p->n_kernels = 1;
    p->kernels[0] = 3;
    p->rho0 = kind == DM_BLOCK_MBCONV ? 0.5 : 0.45;
    p->max_macs = kind == DM_BLOCK_MBCONV ? 1500000 : 3000000;
    p->max_params = kind == DM_BLOCK_MBCONV ? 30000 : 60000;
    p->score.beta = variant == 2 ? 3.0 : 30.0;   /* the penalty must matter against the entropy */
    if (variant == 1) p->score.penalty = DM_PENALTY_VAR;
    if (variant == 2) p->score.penalty_skip = 1;
    if (variant == 3) {   /* cells of two widths (granularity 1): an mbconv cell holds m == c and m != c */
        p->granularity = 1;
        p->min_channels = p->stem_min = p->stem_max = 20;
        p->max_channels = 23;
        p->inner_min = 1.0;
        p->inner_max = 1.1;
        p->head = 0;
        p->max_macs = 6000000;
        p->max_params = 20000;
        p->rho0 = 1.0;
    }
}

static double phi(const dm_problem *p, double v) { return p->score.penalty == DM_PENALTY_VAR ? exp(v) : exp(sqrt(v)); }

static int in_box(const dmi_dbox *bx, const design *d, int skip) {
    int32_t s = 0;
    for (int i = 0; i < NSB; i++) {
        if (d->d[i] < bx->dlo[i] || d->d[i] > bx->dhi[i]) return 0;
        if (i >= skip) s += d->d[i];
    }
    return s >= bx->slo && s <= bx->shi;
}

/* The least variance (population, of the penalised depths) of the
   integer depth vectors in the box: the tightest vmin the box can carry. */
static double box_vmin(const dmi_dbox *bx, int skip) {
    double best = HUGE_VAL;
    int32_t d[NSB];
    for (d[0] = bx->dlo[0]; d[0] <= bx->dhi[0]; d[0]++)
        for (d[1] = bx->dlo[1]; d[1] <= bx->dhi[1]; d[1]++)
            for (d[2] = bx->dlo[2]; d[2] <= bx->dhi[2]; d[2]++) {
                int32_t s = 0, n = NSB - skip;
                for (int i = skip; i < NSB; i++) s += d[i];
                if (s < bx->slo || s > bx->shi) continue;
                double mean = (double)s / n, v = 0;
                for (int i = skip; i < NSB; i++) v += (d[i] - mean) * (d[i] - mean);
                best = fmin(best, v / n);
            }
    return best;
}

typedef struct ctxs { dmi_ctx *x; dmi_bound *b; dmi_dual *d; } ctxs;

static int open_ctx(const dm_problem *p, ctxs *c) {
    c->x = calloc(1, sizeof *c->x);
    c->b = NULL, c->d = NULL;
    return c->x && !dmi_ctx_init(c->x, p, NULL) && !dmi_bound_build(c->x, &c->b, NULL) &&
           !dmi_dual_create(c->x, c->b, &c->d, NULL);
}

static void close_ctx(ctxs *c) { dmi_dual_free(c->d), dmi_bound_free(c->b), free(c->x); }

/* A box and the best design in it; 0 when it holds none. */
static int make_box(const dm_problem *p, const ctxs *c, const design *ds, int32_t nd, const int32_t *dlo,
                    const int32_t *dhi, int32_t slo, int32_t shi, dmi_dbox *bx, double *truth) {
    int skip = p->score.penalty_skip;
    dmi_dual_root(c->d, bx);
    for (int i = 0; i < NSB; i++) bx->dlo[i] = dlo[i], bx->dhi[i] = dhi[i];
    bx->slo = slo, bx->shi = shi;
    if (!dmi_dual_tidy(c->d, bx)) return 0;
    double vmin = box_vmin(bx, skip);
    if (vmin == HUGE_VAL) return 0;
    /* the solver's least variance and penalty of the box: never above
       the least over its integer depth vectors */
    dmi_dbox_pen(c->x, bx);
    CHECK(bx->vmin <= vmin + 1e-12);
    CHECK(bx->pen <= p->score.beta * phi(p, vmin));
    if (bx->vmin > vmin + 1e-12) printf("  box vmin %.6f > least variance %.6f\n", bx->vmin, vmin);
    *truth = -HUGE_VAL;
    for (int32_t k = 0; k < nd; k++)
        if (in_box(bx, &ds[k], skip)) *truth = fmax(*truth, ds[k].obj);
    return *truth > -HUGE_VAL;
}

/* Every box: its dual at a grid of multipliers and tangent points, and
   after a multiplier search, >= its best design.  Counts the boxes where
   some tangent point lowered the value below the constant penalty's at
   the same multipliers (the new relaxation does something). */
static void check_boxes(const dm_problem *p, const ctxs *c, const design *ds, int32_t nd, const design *opt,
                        int *tangent_helped, int *level_helped, int *boxes) {
    static const double tstd[] = {0.0, 1.0, 1.3, 1.6, 2.5, 4.0}, tvar[] = {-1.0, 0.0, 0.5, 1.5, 3.0, 6.0};
    const double *ts = p->score.penalty == DM_PENALTY_VAR ? tvar : tstd;
    int32_t n = NSB - p->score.penalty_skip, dmin = 1, dmax = 4;
    dmi_eval ie = {.objective = opt->obj};
    ie.value[DM_CONSTRAINT_LAYERS] = 20;
    dmi_mult m0;
    dmi_dual_start(c->d, &ie, &m0);
    for (int32_t slo = n * dmin; slo <= n * dmax; slo++)
        for (int32_t shi = slo; shi <= n * dmax; shi++)
            for (int shape = 0; shape < 3; shape++) {
                int32_t lo[NSB] = {1, 1, 1}, hi[NSB] = {4, 4, 4};
                if (shape == 1) lo[0] = hi[0] = opt->d[0];          /* one depth fixed */
                if (shape == 2) lo[2] = 3, hi[1] = 2;                /* two intervals cut */
                dmi_dbox bx;
                double truth;
                if (!make_box(p, c, ds, nd, lo, hi, slo, shi, &bx, &truth)) continue;
                ++*boxes;
                int helped = 0;
                for (int a = -1; a <= 1; a++)
                    for (int mu = -1; mu <= 1; mu++) {
                        double flat = HUGE_VAL;
                        for (int t = 0; t < 6; t++) {
                            dmi_mult m = m0;
                            m.v[0] += 2 * a, m.v[1] -= 2 * a, m.v[2] += 2.5 * mu, m.v[4] = ts[t];
                            double v = dmi_dual_eval(c->d, &bx, &m, NULL);
                            CHECK(v >= truth - 1e-9);
                            if (v < truth - 1e-9)
                                printf("  box sum %d..%d shape %d t %.1f: dual %.6f < best %.6f\n", slo, shi, shape,
                                       ts[t], v, truth);
                            if (t == 0) flat = v;
                            else if (v < flat - 1e-6) helped = 1;
                        }
                    }
                /* the level of the stage terms' split (v[5]) at heights
                   across the problems' log widths (2.1..3.2) */
                static const double nus[] = {-1.0, 1.0, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.5};
                dmi_mult mp = m0;
                mp.v[4] = ts[3];
                double plain = dmi_dual_eval(c->d, &bx, &mp, NULL), lowest = plain;
                for (int q = 0; q < 9; q++) {
                    dmi_mult m = mp;
                    m.v[5] = nus[q];
                    double v = dmi_dual_eval(c->d, &bx, &m, NULL);
                    CHECK(v >= truth - 1e-9);
                    if (v < truth - 1e-9)
                        printf("  box sum %d..%d shape %d nu %.1f: dual %.6f < best %.6f\n", slo, shi, shape, nus[q],
                               v, truth);
                    lowest = fmin(lowest, v);
                }
                *level_helped += lowest < plain - 1e-6;
                double st[DMI_MULT_N] = {1, 1, 1, 1, 1, 1};
                dmi_mult m = m0;
                int64_t ev = 0;
                double v = dmi_dual_min(c->d, &bx, &m, st, 1, 300, -HUGE_VAL, &ev);
                CHECK(v >= truth - 1e-9);
                if (v < truth - 1e-9) {
                    printf("  box sum %d..%d shape %d depths %d-%d %d-%d %d-%d vmin %g pen %g: searched dual %.6f < best %.6f (by %.3g) at", slo, shi, shape, bx.dlo[0], bx.dhi[0], bx.dlo[1], bx.dhi[1], bx.dlo[2], bx.dhi[2], bx.vmin, bx.pen, v, truth, truth - v);
                    for (int q = 0; q < DMI_MULT_N; q++) printf(" %.4f", m.v[q]);
                    dmi_dual_arg ar;
                    dmi_dual_eval(c->d, &bx, &m, &ar);
                    printf(" argmax depths %d %d %d\n", ar.depth[0], ar.depth[1], ar.depth[2]);
                    for (int32_t q = 0; q < nd; q++) if (in_box(&bx, &ds[q], p->score.penalty_skip) && ds[q].obj > truth - 1e-6) printf("   best design depths %d %d %d\n", ds[q].d[0], ds[q].d[1], ds[q].d[2]);
                }
                *tangent_helped += helped;
            }
}

/* The backtracked maximiser's slack in each budget lies between the
   dual's one-sided derivatives in that multiplier (log space). */
static void check_argmax(const dm_problem *p, const ctxs *c, const design *opt) {
    dmi_dbox bx;
    dmi_dual_root(c->d, &bx);
    bx.pen = p->score.beta, bx.vmin = 0;
    dmi_eval ie = {.objective = opt->obj};
    ie.value[DM_CONSTRAINT_LAYERS] = 20;
    dmi_mult m;
    dmi_dual_start(c->d, &ie, &m);
    double budget[2] = {(double)p->max_macs, (double)p->max_params}, h = 1e-6;
    for (int k = 0; k < 4; k++) {
        m.v[0] += 0.7 * (k - 1.5), m.v[2] -= 0.5 * k;
        dmi_dual_arg ar;
        double v = dmi_dual_eval(c->d, &bx, &m, &ar);
        for (int r = 0; r < 2; r++) {
            dmi_mult up = m, dn = m;
            up.v[r] += h, dn.v[r] -= h;
            double right = (dmi_dual_eval(c->d, &bx, &up, NULL) - v) / h;
            double left = (v - dmi_dual_eval(c->d, &bx, &dn, NULL)) / h;
            double pred = exp(m.v[r]) * (budget[r] - ar.cost[r]), tol = 1e-4 * (1 + fabs(pred));
            CHECK(pred >= left - tol && pred <= right + tol);
            if (!(pred >= left - tol && pred <= right + tol))
                printf("  argmax slack %g outside [%g, %g]\n", pred, left, right);
        }
        int32_t layers = 0;
        for (int32_t t = 0; t < c->x->lay.n_stages; t++) layers += (int32_t)ar.layers[t];
        CHECK(layers >= 2 + NSB);
    }
}

/* The budget's width cap of each item given a box's least depths and
   widths is never below the width of a feasible design in that box (the
   design's own depths and widths as the box's least). */
static void check_caps(const dm_problem *p, const ctxs *c, const design *ds, int32_t nd) {
    int bad = 0;
    for (int32_t k = 0; k < nd; k++) {
        int32_t wlo[NSB + 2], zero[NSB + 2] = {0};
        for (int j = 0; j < NSB + 2; j++) wlo[j] = ds[k].w[j];
        for (int32_t it = 0; it < NSB + 1 + p->head; it++) {
            bad += dmi_bound_box_cap(c->b, it, ds[k].d, wlo) < ds[k].w[it];
            bad += dmi_bound_box_cap(c->b, it, ds[k].d, zero) < ds[k].w[it];
        }
    }
    CHECK(bad == 0);
    if (bad) printf("  %d width caps below a feasible design's width\n", bad);
}

/* A head-ratio problem (head <= 2 c_n): each box of one final-width cell
   is bounded by at least its best design (the ratio's lower limit on c_n
   is in the DP, solver_dual.c box_limits). */
static void test_head_ratio(void) {
    design *ds = malloc(MAX_DESIGNS * sizeof *ds);
    dm_problem p;
    tiny(&p, DM_BLOCK_MBCONV, 0);
    p.max_channels = 40;
    p.head_ratio_max = 2.0;
    p.max_params = 60000;
    int32_t nd = brute_force(&p, ds), checked = 0, cut = 0;
    ctxs c;
    CHECK(nd > 0 && open_ctx(&p, &c));
    int32_t last = c.x->lay.n_stages - 1, closer[DM_MAX_STAGES];
    dmi_closers(c.x, closer);
    /* boxes of every design's depths and stage-end cells: tight enough
       that a wrong limit on c_n shows */
    for (int32_t q = 0; q < nd; q += 29) {
        dmi_dbox bx;
        dmi_dual_root(c.d, &bx);
        for (int i = 0; i < NSB; i++) bx.dlo[i] = bx.dhi[i] = ds[q].d[i];
        for (int32_t t = 0; t <= last; t++) bx.clo[t] = bx.chi[t] = dmi_dual_cell(c.d, ds[q].w[closer[t]]);
        if (!dmi_dual_tidy(c.d, &bx)) continue;
        dmi_dbox_pen(c.x, &bx);
        double truth = -HUGE_VAL;
        for (int32_t k = 0; k < nd; k++) {
            int in = 1;
            for (int i = 0; i < NSB; i++) in &= ds[k].d[i] == ds[q].d[i];
            for (int32_t t = 0; t <= last; t++) in &= dmi_dual_cell(c.d, ds[k].w[closer[t]]) == bx.clo[t];
            if (in) truth = fmax(truth, ds[k].obj);
        }
        dmi_eval ie = {.objective = truth};
        ie.value[DM_CONSTRAINT_LAYERS] = 20;
        dmi_mult m;
        dmi_dual_start(c.d, &ie, &m);
        double st[DMI_MULT_N] = {1, 1, 1, 1, 1};
        int64_t ev = 0;
        double v = dmi_dual_min(c.d, &bx, &m, st, 1, 100, -HUGE_VAL, &ev);
        CHECK(v >= truth - 1e-9);
        if (v < truth - 1e-9) printf("  design %d's box: dual %.6f < best %.6f\n", q, v, truth);
        checked++;
        /* the same multipliers without the ratio's limit: never lower */
        c.x->p.head_ratio_max = 0;
        double free_v = dmi_dual_eval(c.d, &bx, &m, NULL);
        c.x->p.head_ratio_max = p.head_ratio_max;
        CHECK(free_v >= v - 1e-9);
        cut += free_v > v + 1e-6;
    }
    CHECK(checked >= 3);
    if (getenv("DM_TEST_VERBOSE")) printf("  head ratio: %d boxes, the limit lowered %d\n", checked, cut);
    close_ctx(&c);
    free(ds);
}

static void test_boxes_vs_brute_force(void) {
    static const dm_block_kind kinds[2] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    design *ds = malloc(MAX_DESIGNS * sizeof *ds);
    int helped = 0, level = 0, boxes = 0;
    for (int k = 0; k < 2; k++)
        for (int variant = 0; variant < (kinds[k] == DM_BLOCK_MBCONV ? 4 : 3); variant++) {
            dm_problem p;
            tiny(&p, kinds[k], variant);
            int32_t nd = brute_force(&p, ds);
            CHECK(nd > 0 && nd < MAX_DESIGNS);
            if (nd <= 0) continue;
            design opt = ds[0];
            for (int32_t i = 1; i < nd; i++)
                if (ds[i].obj > opt.obj) opt = ds[i];
            ctxs c;
            CHECK(open_ctx(&p, &c));
            check_boxes(&p, &c, ds, nd, &opt, &helped, &level, &boxes);
            check_argmax(&p, &c, &opt);
            check_caps(&p, &c, ds, nd);
            close_ctx(&c);
            if (getenv("DM_TEST_VERBOSE"))
                printf("  %s/%d: %d designs, optimum %.4f depths %d %d %d\n", dm_block_kind_name(kinds[k]), variant,
                       nd, opt.obj, opt.d[0], opt.d[1], opt.d[2]);
        }
    if (getenv("DM_TEST_VERBOSE"))
        printf("  %d boxes, the tangent lowered %d, the split level %d\n", boxes, helped, level);
    CHECK(helped > boxes / 4);
    CHECK(level > boxes / 4);
    free(ds);
}

/* The certificate's tables of p against the blocks each entry stands
   for, enumerated (dmi_dual_check); need_free: expand-free blocks must
   be among them. */
static void check_tables(const dm_problem *p, const char *what, int need_free) {
    ctxs c;
    dm_error err = {0};
    int64_t seen[2] = {0, 0};
    CHECK(open_ctx(p, &c));
    if (!c.d) {
        close_ctx(&c);
        return;
    }
    dm_status s = dmi_dual_check(c.d, seen, &err);
    CHECK(s == DM_OK);
    if (s) printf("  %s: %s\n", what, err.msg);
    CHECK(seen[0] > 0 && (!need_free || seen[1] > 0));
    if (getenv("DM_TEST_VERBOSE"))
        printf("  tables %s: %lld general and %lld expand-free blocks\n", what, (long long)seen[0],
               (long long)seen[1]);
    close_ctx(&c);
}

/* Every table entry against its blocks: the tiny problems, and larger
   ones whose cells hold several widths (granularity 8, the cells' ratio
   1.05: two widths a cell from 168 up) and whose inner cells cross the
   block's own width (an mbconv m == c_in drops its expand conv). */
static void test_tables(void) {
    static const dm_block_kind kinds[2] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    for (int k = 0; k < 2; k++) {
        for (int variant = 0; variant < (kinds[k] == DM_BLOCK_MBCONV ? 4 : 3); variant++) {
            dm_problem p;
            char what[64];
            tiny(&p, kinds[k], variant);
            snprintf(what, sizeof what, "%s/%d", dm_block_kind_name(kinds[k]), variant);
            check_tables(&p, what, kinds[k] == DM_BLOCK_MBCONV);
        }
        dm_problem p;
        dm_problem_default(&p, kinds[k]);
        p.input_size = 32;
        p.classes = 10;
        p.n_superblocks = 2;
        p.stride[0] = 1, p.stride[1] = 2;
        p.min_channels = p.stem_min = 144;
        p.stem_max = 200;
        p.max_channels = 360;
        p.n_kernels = 2, p.kernels[0] = 3, p.kernels[1] = 5;
        p.inner_min = kinds[k] == DM_BLOCK_MBCONV ? 1.0 : 0.25;
        p.inner_max = kinds[k] == DM_BLOCK_MBCONV ? 1.6 : 1.0;
        check_tables(&p, kinds[k] == DM_BLOCK_MBCONV ? "mbconv, 144..360" : "bottleneck, 144..360",
                     kinds[k] == DM_BLOCK_MBCONV);
    }
}

/* dm_solve with only the certificate: bound >= the optimum at small
   efforts, and equal to it (proven optimal) at a large one. */
static void test_certificate(int slow) {
    static const dm_block_kind kinds[2] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    design *ds = malloc(MAX_DESIGNS * sizeof *ds);
    for (int k = 0; k < 2; k++)
        for (int variant = 0; variant < 3; variant++) {
            dm_problem p;
            dm_solution s;
            dm_error err;
            tiny(&p, kinds[k], variant);
            if (slow) p.max_channels = 32;
            int32_t nd = brute_force(&p, ds);
            double truth = -HUGE_VAL;
            for (int32_t i = 0; i < nd; i++) truth = fmax(truth, ds[i].obj);
            p.node_limit = 1;
            static const int efforts[3] = {1, 3, 1000};
            for (int e = 0; e < 3; e++) {
                p.effort = efforts[e];
                CHECK(dm_solve(&p, &s, &err) == DM_OK);
                CHECK(s.bound >= truth - 1e-9);
                CHECK(s.objective <= truth + 1e-9);
                if (e == 2) CHECK_NEAR(s.bound, truth, 1e-9);
                if (getenv("DM_TEST_VERBOSE"))
                    printf("  %s/%d effort %d: optimum %.4f found %.4f bound %.4f boxes %lld\n",
                           dm_block_kind_name(kinds[k]), variant, p.effort, truth, s.objective, s.bound,
                           (long long)s.bound_boxes);
            }
        }
    free(ds);
}

int main(int argc, char **argv) {
    int slow = argc > 1 && !strcmp(argv[1], "--slow");
    test_boxes_vs_brute_force();
    test_tables();
    test_head_ratio();
    test_certificate(slow);
    printf("%d passed, %d failed\n", dm_t_passed, dm_t_failed);
    return dm_t_failed ? 1 : 0;
}
