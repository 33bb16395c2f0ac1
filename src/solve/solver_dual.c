/*
** solver_dual.c -- a Lagrangian bound that keeps what the knapsack bound
** (solver_bound.c) drops: rho <= rho0, the chain of widths between items
** (c_out of one item is c_in of the next, non-decreasing) and the width
** that weights the last stage.  docs/solver.md has the derivation; in short,
** for every feasible design x and any lam_M, lam_P, mu >= 0, L0 > 0:
**
**   f(x) <= f(x) + lam_M (B_M - MACs) + lam_P (B_P - params)
**               + mu (sum_l (log w_l - a) + L0),     a = log(L0/rho0) + 1,
**
** because rho <= rho0 means sum log w >= L log(L/rho0) >= a L - L0 (the
** tangent of a convex function at L0).  With the final width F in a
** range of cells (top F_top), every stage weight A_s is bounded by widths
** known to the item (guideline 3: C_t <= F <= F_top), so the right side
** splits over items and its maximum over a relaxed box is an exact DP
** over items whose state is the width cell between them.  Depths lie in
** the intervals of a dmi_dbox: the Lagrangian is linear in each depth,
** so its maximum is at an interval end.  The value of a box is the
** minimum over multipliers found by a fixed coordinate search (any
** multipliers give a valid bound, so stopping early is safe); the branch
** and bound over boxes is solver_dbb.c.
**
** The stage terms log C_t x (the other items' log widths) are split at a
** level nu, a sixth multiplier (split_level): the other items weight
** log C_t by nu, the stage's closer pays for its width above nu.
**
** The relaxed box: widths in geometric cells (value at the top, costs at
** the bottom, block 0's input cost at the bottom of its input's cell);
** beta Q >= box->pen; layer and peak limits dropped.  Only used with
** guideline 3 on (otherwise C_t <= F fails).
*/
#include "solver.h"
#include "cost.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DUAL_GUARD 1e-9   /* relative margin against rounding */
#define PEN_START 3.0     /* first tangent point of the depth penalty (std 3) */
#define NEG (-HUGE_VAL)

/* fmax without the library call (a third of the solve when it is not
   inlined); no NaN reaches the DP. */
static inline double mx(double a, double b) { return a > b ? a : b; }

/* One (c cell, m cell, k) of a superblock: general variant (expand conv
   present) and, for mbconv, the expand-free variant (m == c). */
typedef struct dent {
    double lw0, lwr, lwf0, lwfr;       /* log-width sums, upper */
    int32_t lay0, layr, layf0, layfr;  /* main-path layers; layf < 0: no free variant */
    double cr[2], cs[2], cf0[2], cfr[2]; /* lower costs: repeated, block 0 same cell, free */
    bool gen;                          /* the general variant exists with c_in in b (gen_cost) */
    double cmin[2];                    /* the least block 0 costs over its input cells (rc) */
    size_t in;                         /* block 0 costs per input cell a < b: rc rows in + a */
    bool by_record;                    /* in_check: sb_step may try the records only */
    int32_t ml, mh, k;                 /* its inner widths' cell and its kernel (dmi_dual_check) */
} dent;

typedef struct sbtab {
    int32_t *off;       /* entries of cell b: [off[b], off[b+1]) */
    dent *e;
    double *rc;         /* [in + a][2]: block 0 costs at input cell a */
} sbtab;

typedef struct dmi_dual dual;
struct dmi_dual {
    dmi_ctx *x;
    int32_t nc, n_items, last;  /* cells, items, last stage */
    int32_t *bot, *top;
    int32_t closer[DM_MAX_STAGES], cap[DM_MAX_STAGES];
    double logr2[DM_MAX_STAGES];
    sbtab sb[DM_MAX_SUPERBLOCKS];
    double *stem_c, stem_lw;   /* [a][2] */
    bool *stem_ok;             /* [a]: the cell meets the stem's range */
    double *head_c;            /* [a * nc + F][2], head conv + classifier */
    double *val;               /* [item * nc + cell]: the DP's value after each item */
    int32_t *rec;              /* the input cells whose value beats every narrower one's */
    double *pu;                /* their prev[a] + om log top(a) (sb_step) */
    double *rk;                /* per entry of a cell: its value before block 0's input cost */
    double budget[2];
    double *logtop;            /* log of each cell's top */
    double *lwm0, *lwmr;       /* [i * nc + b]: the most log width of block 0 / a repeated block
                                  of superblock i at any cell <= b (either variant) */
    dm_arch *arch;             /* the tables' scratch copy of the template (block_cost) */
};

static dm_status nomem(dm_error *err) {
    return DM_FAIL(err, DM_ERR_NOMEM, "out of memory bounding the problem");
}

/* Width cells over the channel grid, widened to every item's range (a
   stem or head may lie outside the superblocks' grid). */
static dm_status make_cells(dual *d, dm_error *err) {
    const dm_problem *p = &d->x->p;
    int32_t g = p->granularity, lo = dmi_grid_lo(p), hi = dmi_grid_hi(p);
    for (int32_t it = 0; it < d->x->n + 2; it++) {
        int32_t a, b;
        if (it == d->x->n + 1 && !p->head) continue;
        dmi_item_range(p, it, &a, &b);
        lo = a < lo ? a : lo;
        hi = b > hi ? b : hi;
    }
    int32_t n = (hi - lo) / g + 1;
    d->bot = dmi_calloc((size_t)n, sizeof(int32_t));
    d->top = dmi_calloc((size_t)n, sizeof(int32_t));
    d->rec = dmi_calloc((size_t)n, sizeof(int32_t));
    d->pu = dmi_calloc((size_t)n, sizeof(double));
    d->logtop = dmi_calloc((size_t)n, sizeof(double));
    if (!d->bot || !d->top || !d->rec || !d->pu || !d->logtop) return nomem(err);
    for (int32_t c = lo; c <= hi; c = d->top[d->nc++] + g) {
        d->bot[d->nc] = c;
        d->top[d->nc] = dmi_cell_end(d->x, c, hi);
        d->logtop[d->nc] = log(d->top[d->nc]);
    }
    return DM_OK;
}

/* A block's tally for the tables (dmi_block_cost_in), its log widths
   only when `logs`. */
static dm_status block_cost(const dual *d, bool logs, int32_t i, int32_t idx, int32_t c, int32_t m,
                            int32_t k, int32_t c_in, dmi_tally *t, dm_error *err) {
    return dmi_block_cost_in(d->x, d->arch, logs, i, idx, c, m, k, c_in, t, err);
}

static void set2(double *to, const dmi_tally *b) { to[0] = (double)b->macs; to[1] = (double)b->params; }

static void min2(double *to, const dmi_tally *b) {
    if (b->macs < to[0]) to[0] = (double)b->macs;
    if (b->params < to[1]) to[1] = (double)b->params;
}

/* Upper value (expand conv forced present) of a block at the top corner.
   Only a torchvision-style mbconv drops its expand conv at m == c_in; a
   paper-style block always has it, so its tally at the corner is already
   the general variant (adding a second expand conv there would add a
   layer that is not in the net, which lowers the rho term). */
static dm_status gen_value(const dual *d, int32_t i, int32_t idx, int32_t ct, int32_t mt, int32_t k,
                           double *lw, int32_t *lay, dm_error *err) {
    dmi_tally t;
    dm_status s = block_cost(d, true, i, idx, ct, mt, k, ct, &t, err);
    *lw = t.logw;
    *lay = t.layers;
    if (d->x->p.family == DM_BLOCK_MBCONV && d->x->p.style == DM_STYLE_TORCHVISION && mt == ct) {
        *lw += log(ct);
        *lay += 1;
    }
    return s;
}

/* The expand-free variant (mbconv, m == c_in == c) when the cells allow it. */
static dm_status free_variant(const dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k,
                              dent *e, dm_error *err) {
    int32_t vlo = ml > d->bot[b] ? ml : d->bot[b], vhi = mh < d->top[b] ? mh : d->top[b];
    dmi_tally t;
    dm_status s = DM_OK;
    e->layf0 = e->layfr = -1;
    if (d->x->p.family != DM_BLOCK_MBCONV || vlo > vhi) return DM_OK;
    for (int32_t idx = 0; idx < 2 && !s; idx++) {
        if ((s = block_cost(d, true, i, idx, vhi, vhi, k, vhi, &t, err))) break;
        *(idx ? &e->lwfr : &e->lwf0) = t.logw;
        *(idx ? &e->layfr : &e->layf0) = t.layers;
        if ((s = block_cost(d, false, i, idx, vlo, vlo, k, vlo, &t, err))) break;
        set2(idx ? e->cfr : e->cf0, &t);
    }
    return s;
}

/* Lower costs of block 0 at the bottom of each input cell a < b (an
   input in b itself is cs, gen_cost). */
static dm_status in_costs(const dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k,
                          double *rc, dm_error *err) {
    bool mb = d->x->p.family == DM_BLOCK_MBCONV;
    dmi_tally t;
    dm_status s = DM_OK;
    for (int32_t a = 0; a < b && !s; a++) {
        if ((s = block_cost(d, false, i, 0, d->bot[b], ml, k, d->bot[a], &t, err))) break;
        set2(rc + 2 * a, &t);
        int32_t v = ml > d->bot[a] ? ml : d->bot[a];  /* an input equal to m drops the expand conv */
        if (mb && v <= d->top[a] && v <= mh && !(s = block_cost(d, false, i, 0, d->bot[b], v, k, v, &t, err)))
            min2(rc + 2 * a, &t);
    }
    return s;
}

static bool le2(const double *u, const double *v) { return u[0] <= v[0] && u[1] <= v[1]; }

/* Whether sb_step may take block 0 from an input cell a < b as in_value
   does and try only the records (dent.by_record): (1) at input top(a)
   block 0 has as many layers as at top(b) and log widths at most lw0 +
   log top(a) - log top(b) (its first conv's width c_in k^2 / groups
   grows as c_in); (2) both its costs rise (weakly) with a, so an input
   below another whose value is as high costs no more.  Both hold in
   both families as the blocks are built today (mbconv's expand conv
   vanishes only at m == c_in, and m >= c_out > c_in below b); the test
   keeps the shortcuts honest if a block style ever breaks that.  Tried
   at the cells' tops, as values are (monotone in c_in within a cell). */
static dm_status in_check(const dual *d, int32_t i, int32_t b, int32_t mh, int32_t k, const double *rc,
                          dent *e, dm_error *err) {
    dmi_tally t;
    e->by_record = true;
    for (int32_t a = 0; a < b && e->by_record; a++) {
        dm_status s = block_cost(d, true, i, 0, d->top[b], mh, k, d->top[a], &t, err);
        if (s) return s;
        double lw = e->lw0 + (d->logtop[a] - d->logtop[b]);
        e->by_record = t.layers == e->lay0 && t.logw <= lw + DUAL_GUARD * (1 + fabs(lw)) &&
                       (a == 0 || le2(rc + 2 * (a - 1), rc + 2 * a));
    }
    return DM_OK;
}

/* Lower costs of block idx with its input in the output's cell (1: a
   repeated block; 0: block 0 from its own cell, input = output) in the
   general variant, expand conv present (lay layers, as gen_value counts
   them): at the cells' bottoms, unless the expand conv vanishes there
   (torchvision mbconv, m == c_in == bot(b)); then at the least points
   that keep it, one grid step up in c (and c_in) or in m, whichever costs
   less (every general block of the entry lies above one of them).  *gen
   is false when the cells hold neither: every block there is
   expand-free, and only the free variant is taken. */
static dm_status gen_cost(const dual *d, int32_t i, int32_t idx, int32_t b, int32_t ml, int32_t mh, int32_t k,
                          int32_t lay, double *c, bool *gen, dm_error *err) {
    int32_t g = d->x->p.granularity, c0 = d->bot[b];
    int32_t pc[2] = {c0 + g, c0}, pm[2] = {ml, ml + g}, ok[2] = {c0 + g <= d->top[b], ml + g <= mh};
    dmi_tally t;
    dm_status s = block_cost(d, false, i, idx, c0, ml, k, c0, &t, err);
    *gen = true;
    if (s || t.layers >= lay) {
        set2(c, &t);
        return s;
    }
    *gen = false;
    c[0] = c[1] = HUGE_VAL;
    for (int j = 0; j < 2 && !s; j++) {
        if (!ok[j] || (s = block_cost(d, false, i, idx, pc[j], pm[j], k, pc[j], &t, err)) || t.layers < lay) continue;
        min2(c, &t);
        *gen = true;
    }
    return s;
}

static dm_status fill_entry(dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k, dent *e,
                            double *rc, dm_error *err) {
    int64_t cl[2] = {0, 0};   /* the classifier, for the last superblock without a head */
    bool last_nohead = i == d->x->n - 1 && !d->x->p.head;
    e->ml = ml, e->mh = mh, e->k = k;
    dm_status s = gen_value(d, i, 0, d->top[b], mh, k, &e->lw0, &e->lay0, err);
    if (!s) s = gen_value(d, i, 1, d->top[b], mh, k, &e->lwr, &e->layr, err);
    bool gen0 = true;
    if (!s) s = gen_cost(d, i, 1, b, ml, mh, k, e->layr, e->cr, &e->gen, err);
    if (!s) s = gen_cost(d, i, 0, b, ml, mh, k, e->lay0, e->cs, &gen0, err);
    e->gen = e->gen && gen0;
    if (!s) s = free_variant(d, i, b, ml, mh, k, e, err);
    if (!s) s = in_costs(d, i, b, ml, mh, k, rc, err);
    if (!s && last_nohead) s = dmi_classifier_cost(d->x, d->bot[b], cl, err);
    for (int r = 0; r < 2; r++) {
        e->cs[r] += (double)cl[r];
        e->cf0[r] += (double)cl[r];
        e->cmin[r] = HUGE_VAL;
        for (int32_t a = 0; a < b; a++) {
            rc[2 * a + r] += (double)cl[r];
            if (rc[2 * a + r] < e->cmin[r]) e->cmin[r] = rc[2 * a + r];
        }
    }
    if (!s) s = in_check(d, i, b, mh, k, rc, e, err);
    return s;
}

/* Count a superblock's entries (pass 0) or fill them (pass 1). */
static dm_status sb_pass(dual *d, int32_t i, int pass, size_t *ne, size_t *nr, dm_error *err) {
    const dm_problem *p = &d->x->p;
    sbtab *t = &d->sb[i];
    int32_t g = p->granularity, tmp, ml, mh;
    *ne = *nr = 0;
    for (int32_t b = 0; b < d->nc; b++) {
        if (pass) t->off[b] = (int32_t)*ne;
        if (d->bot[b] > dmi_grid_hi(p) || d->top[b] < dmi_grid_lo(p)) continue; /* no superblock width */
        dmi_inner_range(p, d->bot[b], &ml, &tmp);
        dmi_inner_range(p, d->top[b], &tmp, &mh);
        for (int32_t mlo = ml, mhi; mlo <= mh; mlo = mhi + g) {
            mhi = dmi_cell_end(d->x, mlo, mh);
            for (int32_t k = 0; k < p->n_kernels; k++) {
                if (pass) {
                    dent *e = &t->e[*ne];
                    e->in = *nr;
                    dm_status s = fill_entry(d, i, b, mlo, mhi, p->kernels[k], e, t->rc + 2 * *nr, err);
                    if (s) return s;
                }
                ++*ne;
                *nr += (size_t)b;
            }
        }
    }
    if (pass) t->off[d->nc] = (int32_t)*ne;
    return DM_OK;
}

static dm_status sb_table(dual *d, int32_t i, dm_error *err) {
    size_t ne, nr;
    sbtab *t = &d->sb[i];
    sb_pass(d, i, 0, &ne, &nr, err);
    t->off = dmi_calloc((size_t)d->nc + 1, sizeof *t->off);
    t->e = dmi_calloc(ne, sizeof *t->e);
    t->rc = dmi_calloc(2 * nr, sizeof *t->rc);
    if (!t->off || !t->e || !t->rc) return nomem(err);
    return sb_pass(d, i, 1, &ne, &nr, err);
}

/* Stem costs per cell; head conv + classifier per (input cell, head cell). */
static dm_status end_tables(dual *d, dm_error *err) {
    const dmi_ctx *x = d->x;
    size_t nc = (size_t)d->nc;
    dm_layer l;
    dm_status s = DM_OK;
    d->stem_c = dmi_calloc(2 * nc, sizeof(double));
    d->stem_ok = dmi_calloc(nc, 1);
    d->head_c = x->p.head ? dmi_calloc(2 * nc * nc, sizeof(double)) : NULL;
    if (!d->stem_c || !d->stem_ok || (x->p.head && !d->head_c)) return nomem(err);
    int32_t slo, shi;
    dmi_item_range(&x->p, 0, &slo, &shi);
    for (size_t a = 0; a < nc && !s; a++) {
        d->stem_ok[a] = d->top[a] >= slo && d->bot[a] <= shi; /* the cell meets the stem range */
        s = dmi_stem_layer(x, d->bot[a], &l, err);
        d->stem_c[2 * a] = (double)l.macs;
        d->stem_c[2 * a + 1] = (double)l.params;
        d->stem_lw = log(dmi_layer_width(&l));
    }
    for (size_t a = 0; a < nc && !s && x->p.head; a++)
        for (size_t f = a; f < nc && !s; f++) {
            int64_t cl[2] = {0, 0};
            double *h = d->head_c + 2 * (a * nc + f);
            s = dmi_head_layer(x, d->bot[a], d->bot[f], &l, err);
            if (!s) s = dmi_classifier_cost(x, d->bot[f], cl, err);
            h[0] = (double)l.macs + (double)cl[0];
            h[1] = (double)l.params + (double)cl[1];
        }
    return s;
}

static void layout(dual *d) {
    const dmi_ctx *x = d->x;
    d->n_items = x->n + 2;
    static const dm_constraint res[2] = DMI_RESOURCES;
    d->last = x->lay.n_stages - 1;
    dmi_closers(x, d->closer);
    for (int32_t t = 0; t <= d->last; t++) d->logr2[t] = 2 * log(x->lay.stage_r[t]);
    for (int r = 0; r < 2; r++) d->budget[r] = (double)dmi_constraint_count_limit(&x->p, res[r]);
}

/* Per superblock and cell, the most log width a block can have at that
   cell or below (upper values, either variant): the sums a stage's
   McCormick term needs (weight). */
static dm_status lw_tables(dual *d, dm_error *err) {
    size_t nn = (size_t)d->nc * (size_t)(d->x->n > 0 ? d->x->n : 1);
    d->lwm0 = dmi_calloc(nn, sizeof(double));
    d->lwmr = dmi_calloc(nn, sizeof(double));
    if (!d->lwm0 || !d->lwmr) return nomem(err);
    for (int32_t i = 0; i < d->x->n; i++) {
        const sbtab *t = &d->sb[i];
        double m0 = 0, mr = 0;
        for (int32_t b = 0; b < d->nc; b++) {
            for (int32_t k = t->off[b]; k < t->off[b + 1]; k++) {
                const dent *e = &t->e[k];
                m0 = mx(m0, e->lw0), mr = mx(mr, e->lwr);
                if (e->layf0 >= 0) m0 = mx(m0, e->lwf0);
                if (e->layfr >= 0) mr = mx(mr, e->lwfr);
            }
            d->lwm0[(size_t)i * d->nc + b] = m0;
            d->lwmr[(size_t)i * d->nc + b] = mr;
        }
    }
    return DM_OK;
}

static void dual_free(dual *d) {
    free(d->bot), free(d->top), free(d->rec), free(d->pu);
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++) free(d->sb[i].off), free(d->sb[i].e), free(d->sb[i].rc);
    free(d->stem_c), free(d->stem_ok), free(d->head_c), free(d->val), free(d->rk), free(d->logtop);
    free(d->lwm0), free(d->lwmr), free(d->arch);
}

static dm_status dual_build(dual *d, const dmi_bound *bd, dm_error *err) {
    layout(d);
    d->arch = dmi_calloc(1, sizeof *d->arch);
    if (!d->arch) return nomem(err);
    *d->arch = d->x->tmpl;
    dm_status s = make_cells(d, err);
    for (int32_t t = 0; t <= d->last; t++) d->cap[t] = dmi_bound_cmax(bd, d->closer[t]);
    for (int32_t i = 0; i < d->x->n && !s; i++) s = sb_table(d, i, err);
    if (!s) s = end_tables(d, err);
    if (s) return s;
    d->val = dmi_calloc((size_t)d->nc * (size_t)d->n_items, sizeof(double));
    int32_t most = 1;   /* entries in one cell, at most */
    for (int32_t i = 0; i < d->x->n; i++)
        for (int32_t b = 0; b < d->nc; b++)
            if (d->sb[i].off[b + 1] - d->sb[i].off[b] > most) most = d->sb[i].off[b + 1] - d->sb[i].off[b];
    d->rk = dmi_calloc((size_t)most, sizeof(double));
    if (!d->val || !d->rk) return nomem(err);
    return lw_tables(d, err);
}

/* ------------------------------------------------------------ evaluation */

typedef struct lag {   /* the multipliers of one evaluation, decoded, and the box */
    double lam[2], mu, a, L0;
    double P, sig, pconst;  /* depth penalty: -P d^2 + P sig d per penalised superblock, - pconst */
    double inv2p;           /* 1 / (2 P) */
    int32_t skip;           /* superblocks before it are not penalised */
    const dmi_dbox *box;
    double nu;                  /* the level of split_level */
    double lc[DM_MAX_STAGES];   /* the weight of log C_t for items not closing t */
    double lcu[DM_MAX_STAGES];  /* log of the upper limit of C_t in the box */
    double own[DM_MAX_STAGES];  /* 1/2 alpha_t Omax_t: the closer's bonus per log C_t above nu */
    int32_t lo[DM_MAX_SUPERBLOCKS + 2], hi[DM_MAX_SUPERBLOCKS + 2];  /* cells per item */
} lag;

/* 1/2 A_s for a layer of `item` whose own output is in width cell `cell`. */
static double weight(const dual *d, int32_t item, int32_t cell, const lag *g) {
    const dmi_ctx *x = d->x;
    int32_t s = dmi_item_stage(x, item);
    double a = 0;
    for (int32_t t = s; t <= d->last; t++)
        a += x->alpha[t] * (d->logr2[t] + (d->closer[t] == item ? d->logtop[cell] : g->lc[t]));
    return 0.5 * a;
}

/* The most log-width sum of the items before `closer` (the stem's one
   layer, each superblock's block 0 and repeated blocks at their largest
   upper values with widths <= cell b), the depths within the box's
   intervals and the penalised ones' sum at most box->shi (the other
   penalised superblocks keep at least their lower depths): a fractional
   knapsack, filled greedily, is >= every integer choice. */
static double prefix_lwmax(const dual *d, const lag *g, int32_t closer, int32_t b) {
    const dmi_dbox *bx = g->box;
    int32_t n = d->x->n, skip = g->skip;
    double v = d->stem_lw, r[DM_MAX_SUPERBLOCKS];
    if (closer == 0) return 0.0;   /* the stem closes the stage: nothing before it */
    int64_t room = bx->shi;
    for (int32_t i = skip; i < n; i++) room -= bx->dlo[i];
    int32_t last = closer - 1 < n ? closer - 1 : n;   /* superblocks 0..last-1 are before the closer */
    for (int32_t i = 0; i < last; i++) {
        int32_t c = g->hi[i + 1] < b ? g->hi[i + 1] : b;
        size_t k = (size_t)i * d->nc + (size_t)c;
        r[i] = d->lwmr[k];
        v += d->lwm0[k] + (bx->dlo[i] - 1) * r[i];
        if (i < skip) v += (bx->dhi[i] - bx->dlo[i]) * r[i], r[i] = -1;
    }
    for (;;) {   /* the largest repeated value first */
        int32_t j = -1;
        for (int32_t i = skip; i < last; i++)
            if (r[i] > 0 && (j < 0 || r[i] > r[j])) j = i;
        if (j < 0 || room <= 0) break;
        int64_t take = bx->dhi[j] - bx->dlo[j] < room ? bx->dhi[j] - bx->dlo[j] : room;
        v += (double)take * r[j];
        room -= take;
        r[j] = -1;
    }
    return v;
}

/* The stage terms' split at a level nu (g->nu, any real).  The
   objective's stage t term is 1/2 alpha_t log C_t P_t with P_t the
   log-width sum of the layers in stages <= t; write P_t = E_t + O_t, E_t
   the closer's own layers (which see their own cell) and 0 <= O_t <=
   Omax_t the others.  With x_t = min(log top of the closer's cell,
   lcu_t) >= log C_t (lcu_t: the box's and the budget's limit) and any
   nu_t <= lcu_t, log C_t O_t <= nu_t O_t + (x_t - nu_t)^+ Omax_t.  So the
   other items weight log C_t by nu_t (g->lc) and the closer adds
   own_t (x_t - nu_t)^+ (bonus).  nu_t = lcu_t is the plain bound.  Omax_t
   sums item_lwmax over the items in stages <= t (widths <= C_t's upper
   cell, guideline 3).  The last stage keeps lcu (its closer sets the
   final width, a box's own range).  A level below 0 is never better
   (it adds -nu_t (Omax_t - O_t) >= 0) and would weight log widths by
   less than 0, where the DP's values at the cells' tops need >= 0: it
   is taken as 0. */
static void split_level(const dual *d, lag *g) {
    const dmi_dbox *bx = g->box;
    const dmi_ctx *x = d->x;
    double nu = g->nu > 0 ? g->nu : 0;
    for (int32_t t = 0; t <= d->last; t++) {
        g->lcu[t] = g->lc[t];
        g->own[t] = 0;
        if (t == d->last || nu >= g->lc[t]) continue;
        double om = prefix_lwmax(d, g, d->closer[t], bx->chi[t]);
        g->lc[t] = nu;
        g->own[t] = 0.5 * x->alpha[t] * om;
    }
}

/* The closer's part of split_level for its own cell (0 unless it closes a stage). */
static double bonus(const dual *d, int32_t item, int32_t cell, const lag *g) {
    double v = 0;
    for (int32_t t = dmi_item_stage(d->x, item); t <= d->last; t++)
        if (d->closer[t] == item && g->own[t] > 0) {
            double xt = fmin(d->logtop[cell], g->lcu[t]);
            if (xt > g->lc[t]) v += g->own[t] * (xt - g->lc[t]);
        }
    return v;
}

/* What the box allows, per evaluation: C_t <= the top of its range's
   upper cell and the budget limit; an item's own cell within its stage's
   range if it closes one, and never above a later stage's (widths are
   non-decreasing). */
static void box_limits(const dual *d, lag *g) {
    const dmi_dbox *bx = g->box;
    int32_t n_items = d->x->n + 2, t = d->last;
    for (int32_t u = 0; u <= d->last; u++) g->lc[u] = log(fmin(d->top[bx->chi[u]], d->cap[u]));
    for (int32_t it = n_items - 1; it >= 0; it--) {
        while (t > 0 && d->closer[t - 1] >= it) t--;   /* t: the first stage closed at or after it */
        g->hi[it] = d->closer[t] >= it ? bx->chi[t] : d->nc - 1;
        g->lo[it] = 0;
    }
    for (int32_t u = 0; u <= d->last; u++) g->lo[d->closer[u]] = bx->clo[u];
    split_level(d, g);
    /* head <= head_ratio_max c_n: the last superblock is at least the
       head's least width in the box over the ratio */
    const dm_problem *p = &d->x->p;
    if (p->head && p->head_ratio_max > 0) {
        int32_t gr = p->granularity;
        int32_t a = dmi_dual_cell(d, (int32_t)ceil(d->bot[bx->clo[d->last]] / p->head_ratio_max / gr - 1e-9) * gr);
        if (a > g->lo[d->x->n]) g->lo[d->x->n] = a;
    }
}

static double lcost(const double *lam, const double *c) { return lam[0] * c[0] + lam[1] * c[1]; }

/* What one superblock's entries see of one evaluation, copied out of the
   lag: sb_step's stores to d->rk may alias a lag's doubles, so the
   compiler would load each of them again for every entry (measured: 7%
   of evaluate's instructions, open 50m). */
typedef struct eterms {
    double lam[2], ma;      /* the budgets' multipliers (lcost); mu a per layer */
    double P, sig, inv2p;   /* the depth penalty (pen_terms) */
    double flat_pen;        /* the penalty depth_part takes off at an end (0 but at a single depth) */
    int32_t lo, hi;         /* the box's depth interval */
    bool flat;              /* unpenalised, P 0 or one depth: depth_part takes an end */
} eterms;

static eterms eterms_of(int32_t i, const lag *g) {
    eterms q = {.lam = {g->lam[0], g->lam[1]}, .ma = g->mu * g->a, .P = g->P, .sig = g->sig,
                .inv2p = g->inv2p, .lo = g->box->dlo[i], .hi = g->box->dhi[i]};
    q.flat = i < g->skip || g->P <= 0 || q.lo == q.hi;
    q.flat_pen = i < g->skip ? 0.0 : g->P * ((double)q.hi * q.hi - g->sig * q.hi) * (q.lo == q.hi);
    return q;
}

/* The best depth of a superblock in the box when each repeated block
   adds rr: max over d of (d - 1) rr - P (d^2 - sig d), concave in d
   (linear when P is 0: an end of the interval).  *dd gets d - 1. */
static inline double depth_part(double rr, const eterms *q, int32_t *dd) {
    if (q->flat) {
        *dd = (rr > 0 || q->lo == q->hi ? q->hi : q->lo) - 1;
        return *dd * rr - q->flat_pen;
    }
    double P = q->P, t = rr * q->inv2p + 0.5 * q->sig;   /* the vertex */
    int32_t c = t <= q->lo ? q->lo : t >= q->hi ? q->hi : (int32_t)t;
    double v = (c - 1) * rr - P * ((double)c * c - q->sig * c);
    *dd = c - 1;
    if (c < q->hi) {
        double w = c * rr - P * ((double)(c + 1) * (c + 1) - q->sig * (c + 1));
        if (w > v) v = w, *dd = c;
    }
    return v;
}

/* Best Lagrangian of one entry given its weight, with the best depth of
   the box's interval (depth_part); *same gets the value when block 0's
   input shares the output's cell. */
static inline double entry_value(const dent *e, double om, const eterms *q, double *same) {
    double ma = q->ma;
    double rr = e->gen ? om * e->lwr - ma * e->layr - lcost(q->lam, e->cr) : NEG;
    if (e->layfr >= 0) rr = mx(rr, om * e->lwfr - ma * e->layfr - lcost(q->lam, e->cfr));
    int32_t ddi;
    double dr = depth_part(rr, q, &ddi);
    double r = dr + om * e->lw0 - ma * e->lay0;
    *same = e->gen ? r - lcost(q->lam, e->cs) : NEG;
    if (e->layf0 >= 0) *same = mx(*same, dr + om * e->lwf0 - ma * e->layf0 - lcost(q->lam, e->cf0));
    return r;
}

/* The value of input cell a < b before block 0 of an entry that is
   by_record: prev[a] and block 0's log widths at c_in = top(a) instead of
   top(b) (in_check; om >= 0 weights them), as (prev[a] + om log top(a))
   - om log top(b), the grouping records and from_below use. */
static double in_value(const dual *d, const double *prev, int32_t a, int32_t b, double om) {
    return (prev[a] + om * d->logtop[a]) - om * d->logtop[b];
}

/* The inputs of sb_step: the cells a < upto whose prev[a] + om log top(a)
   beats every narrower cell's (the records), narrowest first. */
typedef struct inrec {
    int32_t n, upto;
    double om, raw;   /* raw: the most prev[a], a < upto */
} inrec;

/* Extend the records to the cells a < b (from scratch when om differs:
   only a stage's closer has a weight that depends on its cell). */
static void records(dual *d, const double *prev, int32_t b, double om, inrec *r) {
    if (r->upto == 0 || om != r->om) *r = (inrec){.n = 0, .upto = 0, .om = om, .raw = NEG};
    for (int32_t a = r->upto; a < b; a++) {
        double u = prev[a] + om * d->logtop[a];
        r->raw = mx(r->raw, prev[a]);
        if (u > (r->n ? d->pu[r->n - 1] : NEG)) d->rec[r->n] = a, d->pu[r->n++] = u;
    }
    if (b > r->upto) r->upto = b;
}

/* Block 0 of entry e from the input cells a < b (records r, r->n > 0;
   sh = om log top(b)): the best of its input's value + v - its cost.
   When e->by_record, an input that is not a record is beaten by the
   record below it (as high a value, no more cost), so only the records
   are tried, widest first, stopping once even the least cost (cmin)
   cannot beat best, as every narrower one has less value; both shortcuts
   are exact in floating point too, every step being monotone.
   Otherwise every input, valued as prev (block 0 at c_in = top(b)). */
static double from_below(const dual *d, const sbtab *t, const dent *e, const double *prev, const inrec *r,
                         int32_t b, double sh, double v, const eterms *q, double best) {
    const double *rc = t->rc + 2 * e->in;
    if (!e->by_record) {
        for (int32_t a = d->rec[0]; a < b; a++) best = mx(best, prev[a] + (v - lcost(q->lam, rc + 2 * a)));
        return best;
    }
    double vmin = v - lcost(q->lam, e->cmin);
    for (int32_t j = r->n - 1; j >= 0; j--) {
        if ((d->pu[j] - sh) + vmin <= best) break;
        best = mx(best, (d->pu[j] - sh) + (v - lcost(q->lam, rc + 2 * d->rec[j])));
    }
    return best;
}

/* One superblock step of the DP: V(i+1)[b] from V(i)[a <= b], b within
   the box's cells for the item. */
static void sb_step(dual *d, int32_t i, const lag *g) {
    const sbtab *t = &d->sb[i];
    const double *prev = d->val + (size_t)i * d->nc;
    double *cur = d->val + (size_t)(i + 1) * d->nc;
    const eterms q = eterms_of(i, g);
    inrec in = {0};
    for (int32_t b = 0; b < d->nc; b++) {
        cur[b] = NEG;
        if (b > g->hi[i + 1] || b < g->lo[i + 1]) continue;
        double om = weight(d, i + 1, b, g) + g->mu, ms = NEG, sh = om * d->logtop[b];
        records(d, prev, b, om, &in);
        if (in.n == 0 && prev[b] == NEG) continue;
        for (int32_t k = t->off[b]; k < t->off[b + 1]; k++) {
            double same;
            d->rk[k - t->off[b]] = entry_value(&t->e[k], om, &q, &same);
            ms = mx(ms, same);
        }
        double best = prev[b] + ms;
        /* an entry's costs are at least cmin (the multipliers are >= 0):
           its inputs below b are skipped when even that cannot beat best */
        for (int32_t k = t->off[b]; k < t->off[b + 1] && in.n > 0; k++) {
            const dent *e = &t->e[k];
            double v = d->rk[k - t->off[b]], pmax = e->by_record ? d->pu[in.n - 1] - sh : in.raw;
            if (pmax + (v - lcost(q.lam, e->cmin)) <= best) continue;   /* grouped as below: exact */
            best = from_below(d, t, e, prev, &in, b, sh, v, &q, best);
        }
        cur[b] = best + bonus(d, i + 1, b, g);
    }
}

/* The head closes the network: input cell a, own cell F in the box's
   range and >= a; its cost is least at the smallest such F. */
static double head_step(const dual *d, const lag *g) {
    int32_t h = d->x->n + 1, flo = g->lo[h], fhi = g->hi[h];
    const double *prev = d->val + (size_t)d->x->n * d->nc;
    double om = weight(d, h, fhi, g) + g->mu, ma = g->mu * g->a, best = NEG;
    for (int32_t a = 0; a <= fhi; a++) {
        int32_t f = a > flo ? a : flo;
        best = mx(best, prev[a] + om * d->logtop[a] - ma - lcost(g->lam, d->head_c + 2 * ((size_t)a * d->nc + f)));
    }
    return best + bonus(d, h, fhi, g);
}

/* ------------------------------------------------------------ argmax */

/* One choice of the maximiser: its log widths, layers and lower costs as
   the DP counted them, by stage. */
static void arg_add(const dual *d, dmi_dual_arg *o, int32_t item, double lw, double lay, const double *c) {
    int32_t s = dmi_item_stage(d->x, item);
    o->logw[s] += lw;
    o->layers[s] += lay;
    o->cost[0] += c[0];
    o->cost[1] += c[1];
}

/* Superblock i with output cell b: re-run its DP cell and take the best
   (input cell, entry, variants, depth); returns the input cell. */
static int32_t sb_back(const dual *d, int32_t i, int32_t b, const lag *g, dmi_dual_arg *o) {
    const sbtab *t = &d->sb[i];
    const double *prev = d->val + (size_t)i * d->nc;
    const eterms q = eterms_of(i, g);
    double om = weight(d, i + 1, b, g) + g->mu, ma = q.ma, best = NEG;
    double lw = 0, lay = 0, c[2] = {0, 0};
    int32_t from = b, depth = 1;
    for (int32_t k = t->off[b]; k < t->off[b + 1]; k++) {
        const dent *e = &t->e[k];
        /* the repeated block: general or expand-free, as entry_value */
        double rg = e->gen ? om * e->lwr - ma * e->layr - lcost(q.lam, e->cr) : NEG, rr = rg;
        int fr = e->layfr >= 0 && om * e->lwfr - ma * e->layfr - lcost(q.lam, e->cfr) > rg;
        if (fr) rr = om * e->lwfr - ma * e->layfr - lcost(q.lam, e->cfr);
        int32_t dd;
        double dr = depth_part(rr, &q, &dd);
        double rlw = dd * (fr ? e->lwfr : e->lwr), rlay = dd * (fr ? e->layfr : e->layr);
        double rc[2] = {dd * (fr ? e->cfr : e->cr)[0], dd * (fr ? e->cfr : e->cr)[1]};
        double v0 = om * e->lw0 - ma * e->lay0 + dr;
        for (int32_t a = 0; a <= b; a++) {
            if (prev[a] == NEG) continue;
            int free0 = 0;
            const double *c0 = a == b ? e->cs : t->rc + 2 * (e->in + (size_t)a);
            bool shift = a < b && e->by_record;   /* as from_below valued it */
            double v = a == b && !e->gen ? NEG : (shift ? in_value(d, prev, a, b, om) : prev[a]) + v0 - lcost(q.lam, c0);
            if (a == b && e->layf0 >= 0) {
                double vf = prev[a] + dr + om * e->lwf0 - ma * e->layf0 - lcost(q.lam, e->cf0);
                if (vf > v) v = vf, free0 = 1, c0 = e->cf0;
            }
            if (v > best) {
                best = v, from = a, depth = dd + 1;
                lw = (free0 ? e->lwf0 : e->lw0) + rlw + (shift ? d->logtop[a] - d->logtop[b] : 0);
                lay = (free0 ? e->layf0 : e->lay0) + rlay;
                c[0] = c0[0] + rc[0], c[1] = c0[1] + rc[1];
            }
        }
    }
    o->cell[i + 1] = b;
    o->depth[i] = depth;
    arg_add(d, o, i + 1, lw, lay, c);
    return from;
}

/* The maximiser of the last evaluation, backtracked through the DP. */
static void backtrack(const dual *d, const lag *g, dmi_dual_arg *o) {
    const dmi_ctx *x = d->x;
    memset(o, 0, sizeof *o);
    const double *last = d->val + (size_t)x->n * d->nc;
    int32_t b = 0;
    if (x->p.head) {
        int32_t h = x->n + 1, flo = g->lo[h], fhi = g->hi[h];
        double om = weight(d, h, fhi, g) + g->mu, ma = g->mu * g->a, best = NEG;
        for (int32_t a = 0; a <= fhi; a++) {
            int32_t f = a > flo ? a : flo;
            double v = last[a] + om * d->logtop[a] - ma - lcost(g->lam, d->head_c + 2 * ((size_t)a * d->nc + f));
            if (v > best) best = v, b = a, o->cell[h] = f;
        }
        int32_t f = o->cell[h];
        arg_add(d, o, h, d->logtop[b], 1, d->head_c + 2 * ((size_t)b * d->nc + f));
    } else
        for (int32_t a = 0; a < d->nc; a++)
            if (last[a] > last[b]) b = a;
    for (int32_t i = x->n - 1; i >= 0; i--) b = sb_back(d, i, b, g, o);
    o->cell[0] = b;
    arg_add(d, o, 0, d->stem_lw, 1, d->stem_c + 2 * b);
}

/* The Lagrangian's maximum over the box, plus its constants. */
static double evaluate(dual *d, const lag *g) {
    const dmi_ctx *x = d->x;
    double ma = g->mu * g->a;
    for (int32_t a = 0; a < d->nc; a++)
        d->val[a] = a > g->hi[0] || a < g->lo[0] || !d->stem_ok[a] ? NEG
                                 : (weight(d, 0, a, g) + g->mu) * d->stem_lw - ma -
                                       lcost(g->lam, d->stem_c + 2 * a) + bonus(d, 0, a, g);
    for (int32_t i = 0; i < x->n; i++) sb_step(d, i, g);
    double best = NEG;
    if (x->p.head) best = head_step(d, g);
    else
        for (int32_t b = 0; b < d->nc; b++) best = mx(best, d->val[(size_t)x->n * d->nc + b]);
    return best + g->lam[0] * d->budget[0] + g->lam[1] * d->budget[1] + g->mu * g->L0 - g->pconst;
}

/* The depth penalty over the box.  beta Q >= box->pen always; and with
   Q = phi(var) (phi = exp(sqrt) or exp), any line l(v) = p0 + p1 v,
   p1 >= 0, below phi for v >= box->vmin gives beta Q >= beta (p0 + p1
   var).  With the mean M of the penalised depths in [Ml, Mh] (their sum
   in the box's range), M^2 <= (Ml + Mh) M - Ml Mh (a chord of a convex
   function), so var = (1/n) sum d^2 - M^2 >= (1/n) sum d^2 - (Ml + Mh) M
   + Ml Mh: separable in the depths.  The line is phi's tangent at v0
   (std: sqrt(v0) = t >= 1, below the convex part v >= 1, and checked at
   vmin when vmin < 1; variance: v0 = t >= 0, phi convex), else p1 = 0. */
static void pen_terms(const dual *d, double t, lag *g) {
    const dmi_ctx *x = d->x;
    const dmi_dbox *bx = g->box;
    double beta = x->sp.beta, p0 = 0, p1 = 0, vm = bx->vmin;
    bool std = x->sp.penalty != DM_PENALTY_VAR;
    int32_t skip = dmi_dual_pen_first(d), n = x->n - skip;
    g->skip = skip;
    g->P = g->sig = 0;
    g->pconst = bx->pen;
    if (beta <= 0 || n <= 0 || !(t >= (std ? 1.0 : 0.0)) || t > 30) return;
    if (std) {
        p1 = exp(t) / (2 * t);
        p0 = exp(t) * (1 - t / 2);
        if (vm < 1 && p0 + p1 * vm > exp(sqrt(vm))) return;
    } else {
        p1 = exp(t);
        p0 = exp(t) * (1 - t);
    }
    p1 *= 1 - 1e-12, p0 = p0 > 0 ? p0 * (1 - 1e-12) : p0 * (1 + 1e-12);
    double ml = (double)bx->slo / n, mh = (double)bx->shi / n;
    g->P = beta * p1 / n;
    g->inv2p = 1 / (2 * g->P);
    g->sig = ml + mh;
    g->pconst = beta * (p0 + p1 * ml * mh);
    g->pconst += DUAL_GUARD * (1 + fabs(g->pconst));   /* rounding in the DP's sums */
}

int32_t dmi_dual_pen_first(const dual *d) {
    int32_t skip = d->x->sp.penalty_skip;
    return skip < 0 ? 0 : skip > d->x->n ? d->x->n : skip;
}

static double eval_mult(dual *d, const dmi_mult *m, const dmi_dbox *box, dmi_dual_arg *arg) {
    lag g = {.box = box};
    for (int r = 0; r < 2; r++) g.lam[r] = d->budget[r] > 0 ? exp(m->v[r]) : 0.0;
    g.mu = exp(m->v[2]);
    g.L0 = exp(m->v[3]);
    g.a = log(g.L0 / d->x->p.rho0) + 1;
    pen_terms(d, m->v[4], &g);
    g.nu = m->v[5];
    box_limits(d, &g);
    double v = evaluate(d, &g);
    if (arg) backtrack(d, &g, arg);
    /* a box whose relaxation is exact (every depth and width cell a
       point) lands within ~1e-10 relative of the design's objective as
       dm_net_metrics sums it, on either side: keep the bound above */
    return v + DUAL_GUARD * (1 + fabs(v));
}

double dmi_dual_eval(dual *d, const dmi_dbox *box, const dmi_mult *m, dmi_dual_arg *arg) {
    return eval_mult(d, m, box, arg);
}

/* Whether coordinate c is searched: a budget's multiplier only when the
   budget is set; the level of split_level (v[5]) only without a head
   (measured at --effort 20: it lowered the bottleneck presets' bounds by
   0.2-0.5%, but raised the headed mbconv presets' by 0.1-0.5%, its
   evaluations missing from the branch and bound). */
static bool searched(const dual *d, int c) {
    if (c < 2) return d->budget[c] > 0;
    return c != 5 || !d->x->p.head;
}

/* Coordinate search in log space with a step per coordinate (st[4], in
   and out) that, when `grow`, doubles after a move (a child box's
   multipliers can lie far from its parent's; from a good start doubling
   slows the search down); after a sweep with no move every step halves;
   at most max_evals evaluations; stops once the value is at or below
   `enough`. */
double dmi_dual_min(dual *d, const dmi_dbox *box, dmi_mult *m, double *st, int grow, int max_evals,
                    double enough, int64_t *evals) {
    double v = eval_mult(d, m, box, NULL);
    int n = 1;
    while (!dmi_dual_converged(d, st) && n < max_evals && v > enough) {
        bool any = false;
        for (int c = 0; c < DMI_MULT_N && v > enough && n < max_evals; c++) {
            if (!searched(d, c) || st[c] < DMI_DUAL_STEP_MIN) continue;
            for (int sgn = -1; sgn <= 1 && n < max_evals; sgn += 2) {
                dmi_mult t = *m;
                t.v[c] += sgn * st[c];
                double w = eval_mult(d, &t, box, NULL);
                n++;
                if (w < v - 1e-12) {
                    *m = t, v = w, any = true;
                    if (grow) st[c] = fmin(2 * st[c], 4.0);
                    break;
                }
            }
        }
        if (!any && n < max_evals)
            for (int c = 0; c < DMI_MULT_N; c++) st[c] *= 0.5;
    }
    *evals += n;
    return v;
}

int dmi_dual_converged(const dual *d, const double *st) {
    for (int c = 0; c < DMI_MULT_N; c++)
        if (searched(d, c) && st[c] >= DMI_DUAL_STEP_MIN) return 0;
    return 1;
}

/* ------------------------------------------------------------ check */

/* Real block t (its costs plus the classifier's cl) against one side of
   an entry: the general variant (lay layers, log widths <= lw, costs >=
   c, present only when gen) or the expand-free one (layf >= 0). */
static bool block_ok(const dmi_tally *t, const int64_t *cl, int32_t lay, double lw, const double *c, bool gen,
                     int32_t layf, double lwf, const double *cf, int64_t *seen) {
    bool general = t->layers == lay;
    if (!general && (layf < 0 || t->layers != layf)) return false;
    double w = general ? lw : lwf, m = (double)t->macs + (double)cl[0], p = (double)t->params + (double)cl[1];
    const double *lo = general ? c : cf;
    seen[!general]++;
    return (!general || gen) && t->logw <= w + DUAL_GUARD * (1 + fabs(w)) && lo[0] <= m && lo[1] <= p;
}

static dm_status check_fail(const dual *d, int32_t i, int32_t b, const dent *e, const char *what, int32_t c,
                            int32_t m, int32_t c_in, dm_error *err) {
    return DM_FAIL(err, DM_ERR_INTERNAL, "dual table of superblock %d, cell %d..%d, inner %d..%d, kernel %d: "
                   "%s (c %d, m %d, input %d) is not bounded by its entry", (int)i + 1, (int)d->bot[b],
                   (int)d->top[b], (int)e->ml, (int)e->mh, (int)e->k, what, (int)c, (int)m, (int)c_in);
}

/* Every block that entry e of superblock i's cell b stands for: each c of the
   cell in the superblock's range, each m of the entry's inner cell in
   c's inner range, as a repeated block, as block 0 from an input in b
   (<= c) and from every input cell a < b. */
static dm_status check_entry(const dual *d, int32_t i, int32_t b, const dent *e, const double *rc,
                             int64_t *seen, dm_error *err) {
    const dm_problem *p = &d->x->p;
    int32_t g = p->granularity, clo, chi, ilo, ihi, mlo, mhi;
    dmi_item_range(p, i + 1, &clo, &chi);
    dmi_item_range(p, i, &ilo, &ihi);   /* the input's: the stem or superblock i - 1 */
    int64_t none[2] = {0, 0}, cl[2] = {0, 0};
    dmi_tally t;
    dm_status s = DM_OK;
    for (int32_t c = d->bot[b] > clo ? d->bot[b] : clo; c <= d->top[b] && c <= chi && !s; c += g) {
        if (i == d->x->n - 1 && !p->head && (s = dmi_classifier_cost(d->x, c, cl, err))) return s;
        dmi_inner_range(p, c, &mlo, &mhi);
        for (int32_t m = e->ml > mlo ? e->ml : mlo; m <= e->mh && m <= mhi; m += g) {
            if ((s = dmi_block_cost(d->x, i, 1, c, m, e->k, c, &t, err))) return s;
            if (!block_ok(&t, none, e->layr, e->lwr, e->cr, e->gen, e->layfr, e->lwfr, e->cfr, seen))
                return check_fail(d, i, b, e, "a repeated block", c, m, c, err);
            for (int32_t in = ilo; in <= ihi && in <= c; in += g) {
                int32_t a = dmi_dual_cell(d, in);
                if ((s = dmi_block_cost(d->x, i, 0, c, m, e->k, in, &t, err))) return s;
                if (a == b && !block_ok(&t, cl, e->lay0, e->lw0, e->cs, e->gen, e->layf0, e->lwf0, e->cf0, seen))
                    return check_fail(d, i, b, e, "block 0 from its own cell", c, m, in, err);
                double lw = e->by_record ? e->lw0 + (d->logtop[a] - d->logtop[b]) : e->lw0;
                if (a < b && !block_ok(&t, cl, e->lay0, lw, rc + 2 * a, true, -1, 0, NULL, seen))
                    return check_fail(d, i, b, e, "block 0 from a narrower cell", c, m, in, err);
            }
        }
    }
    return s;
}

dm_status dmi_dual_check(const dual *d, int64_t seen[2], dm_error *err) {
    seen[0] = seen[1] = 0;
    for (int32_t i = 0; i < d->x->n; i++)
        for (int32_t b = 0; b < d->nc; b++)
            for (int32_t k = d->sb[i].off[b]; k < d->sb[i].off[b + 1]; k++) {
                const dent *e = &d->sb[i].e[k];
                dm_status s = check_entry(d, i, b, e, d->sb[i].rc + 2 * e->in, seen, err);
                if (s) return s;
            }
    return DM_OK;
}

int32_t dmi_dual_cell(const dual *d, int32_t c) {
    int32_t a = 0;
    while (a + 1 < d->nc && d->bot[a + 1] <= c) a++;
    return a;
}

/* The sum of the penalised depths within [sum of lo, sum of hi], and each
   interval within what the sum's range leaves it; 0 when empty. */
static int tidy_depths(const dual *d, dmi_dbox *box) {
    int32_t n = d->x->n, k = dmi_dual_pen_first(d);
    int64_t lo = 0, hi = 0;
    for (int32_t i = k; i < n; i++) lo += box->dlo[i], hi += box->dhi[i];
    if (box->slo < lo) box->slo = (int32_t)lo;
    if (box->shi > hi) box->shi = (int32_t)hi;
    if (box->slo > box->shi) return 0;
    for (int32_t i = k; i < n; i++) {
        int64_t a = box->slo - (hi - box->dhi[i]), b = box->shi - (lo - box->dlo[i]);
        if (a > box->dlo[i]) box->dlo[i] = (int32_t)a;
        if (b < box->dhi[i]) box->dhi[i] = (int32_t)b;
        if (box->dlo[i] > box->dhi[i]) return 0;
    }
    return 1;
}

int dmi_dual_tidy(const dual *d, dmi_dbox *box) {
    for (int32_t t = d->last; t > 0; t--)
        if (box->chi[t - 1] > box->chi[t]) box->chi[t - 1] = box->chi[t];
    for (int32_t t = 1; t <= d->last; t++)
        if (box->clo[t] < box->clo[t - 1]) box->clo[t] = box->clo[t - 1];
    for (int32_t it = 0; it < d->x->n + 2; it++) box->wmin[it] = 0, box->wmax[it] = INT32_MAX;
    int ok = tidy_depths(d, box);
    for (int32_t t = 0; t <= d->last; t++) {
        ok &= box->clo[t] <= box->chi[t];
        box->wmin[d->closer[t]] = d->bot[box->clo[t]];
        box->wmax[d->closer[t]] = d->top[box->chi[t]];
    }
    return ok;
}

void dmi_dual_root(const dual *d, dmi_dbox *box) {
    const dm_problem *p = &d->x->p;
    memset(box, 0, sizeof *box);
    for (int32_t i = 0; i < d->x->n; i++) box->dlo[i] = p->depth_min[i], box->dhi[i] = p->depth_max[i];
    for (int32_t t = 0; t <= d->last; t++) box->clo[t] = 0, box->chi[t] = dmi_dual_cell(d, d->cap[t]);
    box->slo = 0, box->shi = INT32_MAX;
    dmi_dual_tidy(d, box);
}

void dmi_dual_start(const dual *d, const dmi_eval *ie, dmi_mult *m) {
    double obj = fmax(ie->objective, 1.0);
    *m = (dmi_mult){{log(obj / fmax(d->budget[0], 1)), log(obj / fmax(d->budget[1], 1)), log(30.0),
                     log(fmax(ie->value[DM_CONSTRAINT_LAYERS], 1)), PEN_START, d->logtop[d->nc - 1]}};
}

dm_status dmi_dual_create(dmi_ctx *x, const dmi_bound *bd, dual **out, dm_error *err) {
    dual *d = dmi_calloc(1, sizeof *d);
    *out = NULL;
    if (!d) return nomem(err);
    d->x = x;
    dm_status s = dual_build(d, bd, err);
    if (s) { dmi_dual_free(d); return s; }
    *out = d;
    return DM_OK;
}

void dmi_dual_free(dual *d) {
    if (!d) return;
    dual_free(d);
    free(d);
}
