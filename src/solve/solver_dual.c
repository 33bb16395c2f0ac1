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
** The relaxed box: widths in geometric cells (value at the top, costs at
** the bottom); block 0's input cost at a representative input at or below
** the cell (monotone costs); beta Q >= box->pen; layer and peak limits
** dropped.  Only used with guideline 3 on (otherwise C_t <= F fails).
*/
#include "solver.h"
#include "cost.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REP_RATIO 1.3     /* block 0 input representatives */
#define NEG (-HUGE_VAL)

/* One (c cell, m cell, k) of a superblock: general variant (expand conv
   present) and, for mbconv, the expand-free variant (m == c). */
typedef struct dent {
    double lw0, lwr, lwf0, lwfr;       /* log-width sums, upper */
    int32_t lay0, layr, layf0, layfr;  /* main-path layers; layf < 0: no free variant */
    double cr[2], cs[2], cf0[2], cfr[2]; /* lower costs: repeated, block 0 same cell, free */
    size_t rep;                        /* block 0 costs per input representative */
} dent;

typedef struct sbtab {
    int32_t *off;       /* entries of cell b: [off[b], off[b+1]) */
    dent *e;
    double *rc;         /* [rep + j][2] */
} sbtab;

typedef struct dmi_dual dual;
struct dmi_dual {
    dmi_ctx *x;
    int32_t nc, nrep, n_items, last;  /* cells, representatives, items, last stage */
    int32_t *bot, *top, *rep_of, *rep_val;
    int32_t closer[DM_MAX_STAGES], cap[DM_MAX_STAGES];
    double logr2[DM_MAX_STAGES];
    sbtab sb[DM_MAX_SUPERBLOCKS];
    double *stem_c, stem_lw;   /* [a][2] */
    bool *stem_ok;             /* [a]: the cell meets the stem's range */
    double *head_c;            /* [a * nc + F][2], head conv + classifier */
    double *prev, *cur, *mj;
    double budget[2];
    double *logtop;            /* log of each cell's top */
};

static dm_status nomem(dm_error *err) {
    return DM_FAIL(err, DM_ERR_NOMEM, "out of memory bounding the problem");
}

/* Width cells over the channel grid, widened to every item's range (a
   stem or head may lie outside the superblocks' grid), and block 0 input
   representatives. */
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
    d->rep_of = dmi_calloc((size_t)n, sizeof(int32_t));
    d->rep_val = dmi_calloc((size_t)n, sizeof(int32_t));
    if (!d->bot || !d->top || !d->rep_of || !d->rep_val) return nomem(err);
    for (int32_t c = lo; c <= hi; c = d->top[d->nc++] + g) {
        d->bot[d->nc] = c;
        d->top[d->nc] = dmi_cell_end(d->x, c, hi);
    }
    for (int32_t a = 0; a < d->nc; a++) {
        if (a == 0 || d->bot[a] >= d->rep_val[d->nrep - 1] * REP_RATIO) d->rep_val[d->nrep++] = d->bot[a];
        d->rep_of[a] = d->nrep - 1;
    }
    return DM_OK;
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
    dm_status s = dmi_block_cost(d->x, i, idx, ct, mt, k, ct, &t, err);
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
        if ((s = dmi_block_cost(d->x, i, idx, vhi, vhi, k, vhi, &t, err))) break;
        *(idx ? &e->lwfr : &e->lwf0) = t.logw;
        *(idx ? &e->layfr : &e->layf0) = t.layers;
        if ((s = dmi_block_cost(d->x, i, idx, vlo, vlo, k, vlo, &t, err))) break;
        set2(idx ? e->cfr : e->cf0, &t);
    }
    return s;
}

/* Lower costs of block 0 at each input representative below cell b. */
static dm_status rep_costs(const dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k,
                           double *rc, dm_error *err) {
    bool mb = d->x->p.family == DM_BLOCK_MBCONV;
    dmi_tally t;
    dm_status s = DM_OK;
    for (int32_t j = 0; j <= d->rep_of[b] && !s; j++) {
        int32_t r = d->rep_val[j], rnext = j < d->nrep - 1 ? d->rep_val[j + 1] : INT32_MAX;
        if ((s = dmi_block_cost(d->x, i, 0, d->bot[b], ml, k, r, &t, err))) break;
        set2(rc + 2 * j, &t);
        int32_t v = ml > r ? ml : r;  /* an input equal to m drops the expand conv */
        if (mb && v < rnext && v <= mh && !(s = dmi_block_cost(d->x, i, 0, d->bot[b], v, k, v, &t, err)))
            min2(rc + 2 * j, &t);
    }
    return s;
}

static dm_status fill_entry(dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k, dent *e,
                            double *rc, dm_error *err) {
    dmi_tally t;
    int64_t cl[2] = {0, 0};   /* the classifier, for the last superblock without a head */
    t = (dmi_tally){0};
    bool last_nohead = i == d->x->n - 1 && !d->x->p.head;
    dm_status s = gen_value(d, i, 0, d->top[b], mh, k, &e->lw0, &e->lay0, err);
    if (!s) s = gen_value(d, i, 1, d->top[b], mh, k, &e->lwr, &e->layr, err);
    if (!s) s = dmi_block_cost(d->x, i, 1, d->bot[b], ml, k, d->bot[b], &t, err);
    if (!s) set2(e->cr, &t);
    if (!s) s = dmi_block_cost(d->x, i, 0, d->bot[b], ml, k, d->bot[b], &t, err);
    if (!s) set2(e->cs, &t);
    if (!s) s = free_variant(d, i, b, ml, mh, k, e, err);
    if (!s) s = rep_costs(d, i, b, ml, mh, k, rc, err);
    if (!s && last_nohead) s = dmi_classifier_cost(d->x, d->bot[b], cl, err);
    for (int r = 0; r < 2; r++) {
        e->cs[r] += (double)cl[r];
        e->cf0[r] += (double)cl[r];
        for (int32_t j = 0; j <= d->rep_of[b]; j++) rc[2 * j + r] += (double)cl[r];
    }
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
                    e->rep = *nr;
                    dm_status s = fill_entry(d, i, b, mlo, mhi, p->kernels[k], e, t->rc + 2 * *nr, err);
                    if (s) return s;
                }
                ++*ne;
                *nr += (size_t)d->rep_of[b] + 1;
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

static void dual_free(dual *d) {
    free(d->bot), free(d->top), free(d->rep_of), free(d->rep_val);
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++) free(d->sb[i].off), free(d->sb[i].e), free(d->sb[i].rc);
    free(d->stem_c), free(d->stem_ok), free(d->head_c), free(d->prev), free(d->cur), free(d->mj), free(d->logtop);
}

static dm_status dual_build(dual *d, const dmi_bound *bd, dm_error *err) {
    layout(d);
    dm_status s = make_cells(d, err);
    for (int32_t t = 0; t <= d->last; t++) d->cap[t] = dmi_bound_cmax(bd, d->closer[t]);
    for (int32_t i = 0; i < d->x->n && !s; i++) s = sb_table(d, i, err);
    if (!s) s = end_tables(d, err);
    if (s) return s;
    d->prev = dmi_calloc((size_t)d->nc, sizeof(double));
    d->cur = dmi_calloc((size_t)d->nc, sizeof(double));
    d->mj = dmi_calloc((size_t)d->nrep + 1, sizeof(double));
    d->logtop = dmi_calloc((size_t)d->nc, sizeof(double));
    if (!d->prev || !d->cur || !d->mj || !d->logtop) return nomem(err);
    for (int32_t a = 0; a < d->nc; a++) d->logtop[a] = log(d->top[a]);
    return DM_OK;
}

/* ------------------------------------------------------------ evaluation */

typedef struct lag {   /* the multipliers of one evaluation, decoded, and the box */
    double lam[2], mu, a, L0;
    const dmi_dbox *box;
    double lc[DM_MAX_STAGES];   /* log of the upper limit of C_t for items not closing t */
    int32_t lo[DM_MAX_SUPERBLOCKS + 2], hi[DM_MAX_SUPERBLOCKS + 2];  /* cells per item */
} lag;

/* 1/2 A_s for a layer of `item` whose own output tops at ctop. */
static double weight(const dual *d, int32_t item, int32_t ctop, const lag *g) {
    const dmi_ctx *x = d->x;
    int32_t s = dmi_item_stage(x, item);
    double a = 0;
    for (int32_t t = s; t <= d->last; t++)
        a += x->alpha[t] * (d->logr2[t] + (d->closer[t] == item ? log(ctop) : g->lc[t]));
    return 0.5 * a;
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
}

/* fmax without the library call (a third of the solve when it is not
   inlined); no NaN reaches the DP. */
static inline double mx(double a, double b) { return a > b ? a : b; }

static double lcost(const lag *g, const double *c) { return g->lam[0] * c[0] + g->lam[1] * c[1]; }

/* Best Lagrangian of one entry given its weight, with the depth at the
   end of the box's interval that the (linear) repeated part prefers;
   *same gets the value when block 0's input shares the output's cell. */
static double entry_value(int32_t i, const dent *e, double om, const lag *g, double *same) {
    double ma = g->mu * g->a;
    double rr = om * e->lwr - ma * e->layr - lcost(g, e->cr);
    if (e->layfr >= 0) rr = mx(rr, om * e->lwfr - ma * e->layfr - lcost(g, e->cfr));
    double dd = (rr > 0 ? g->box->dhi[i] : g->box->dlo[i]) - 1;
    double r = dd * rr + om * e->lw0 - ma * e->lay0;
    *same = r - lcost(g, e->cs);
    if (e->layf0 >= 0) *same = mx(*same, dd * rr + om * e->lwf0 - ma * e->layf0 - lcost(g, e->cf0));
    return r;
}

/* One superblock step of the DP: cur[b] from prev[a <= b], b within
   the box's cells for the item. */
static void sb_step(dual *d, int32_t i, const lag *g) {
    const sbtab *t = &d->sb[i];
    for (int32_t b = 0; b < d->nc; b++) {
        d->cur[b] = NEG;
        if (b > g->hi[i + 1] || b < g->lo[i + 1]) continue;
        double om = weight(d, i + 1, d->top[b], g) + g->mu, ms = NEG;
        int32_t jb = d->rep_of[b];
        for (int32_t j = 0; j <= jb; j++) d->mj[j] = NEG;
        for (int32_t k = t->off[b]; k < t->off[b + 1]; k++) {
            const dent *e = &t->e[k];
            const double *rc = t->rc + 2 * e->rep;
            double same, r = entry_value(i, e, om, g, &same);
            ms = mx(ms, same);
            for (int32_t j = 0; j <= jb; j++) d->mj[j] = mx(d->mj[j], r - lcost(g, rc + 2 * j));
        }
        double best = d->prev[b] + ms;
        for (int32_t a = 0; a < b; a++) best = mx(best, d->prev[a] + d->mj[d->rep_of[a]]);
        d->cur[b] = best;
    }
    double *sw = d->prev;
    d->prev = d->cur;
    d->cur = sw;
}

/* The head closes the network: input cell a, own cell F in the box's
   range and >= a; its cost is least at the smallest such F. */
static double head_step(const dual *d, const lag *g) {
    int32_t h = d->x->n + 1, flo = g->lo[h], fhi = g->hi[h];
    double om = weight(d, h, d->top[fhi], g) + g->mu, ma = g->mu * g->a, best = NEG;
    for (int32_t a = 0; a <= fhi; a++) {
        int32_t f = a > flo ? a : flo;
        best = mx(best, d->prev[a] + om * d->logtop[a] - ma - lcost(g, d->head_c + 2 * ((size_t)a * d->nc + f)));
    }
    return best;
}

/* The Lagrangian's maximum over the box, plus its constants. */
static double evaluate(dual *d, const lag *g) {
    const dmi_ctx *x = d->x;
    const dmi_dbox *bx = g->box;
    double ma = g->mu * g->a;
    for (int32_t a = 0; a < d->nc; a++)
        d->prev[a] = a > g->hi[0] || a < g->lo[0] || !d->stem_ok[a] ? NEG
                                 : (weight(d, 0, d->top[a], g) + g->mu) * d->stem_lw - ma -
                                       lcost(g, d->stem_c + 2 * a);
    for (int32_t i = 0; i < x->n; i++) sb_step(d, i, g);
    double best = NEG;
    if (x->p.head) best = head_step(d, g);
    else
        for (int32_t b = 0; b < d->nc; b++) best = mx(best, d->prev[b]);
    return best + g->lam[0] * d->budget[0] + g->lam[1] * d->budget[1] + g->mu * g->L0 - bx->pen;
}

static double eval_mult(dual *d, const dmi_mult *m, const dmi_dbox *box) {
    lag g = {.box = box};
    for (int r = 0; r < 2; r++) g.lam[r] = d->budget[r] > 0 ? exp(m->v[r]) : 0.0;
    g.mu = exp(m->v[2]);
    g.L0 = exp(m->v[3]);
    g.a = log(g.L0 / d->x->p.rho0) + 1;
    box_limits(d, &g);
    return evaluate(d, &g);
}

/* Coordinate search in log space with a step per coordinate (st[4], in
   and out) that, when `grow`, doubles after a move (a child box's
   multipliers can lie far from its parent's; from a good start doubling
   slows the search down); after a sweep with no move every step halves;
   at most max_evals evaluations; stops once the value is at or below
   `enough`. */
double dmi_dual_min(dual *d, const dmi_dbox *box, dmi_mult *m, double *st, int grow, int max_evals,
                    double enough, int64_t *evals) {
    double v = eval_mult(d, m, box);
    int n = 1;
    while (!dmi_dual_converged(d, st) && n < max_evals && v > enough) {
        bool any = false;
        for (int c = 0; c < 4 && v > enough && n < max_evals; c++) {
            if ((c < 2 && d->budget[c] <= 0) || st[c] < DMI_DUAL_STEP_MIN) continue;
            for (int sgn = -1; sgn <= 1 && n < max_evals; sgn += 2) {
                dmi_mult t = *m;
                t.v[c] += sgn * st[c];
                double w = eval_mult(d, &t, box);
                n++;
                if (w < v - 1e-12) {
                    *m = t, v = w, any = true;
                    if (grow) st[c] = fmin(2 * st[c], 4.0);
                    break;
                }
            }
        }
        if (!any && n < max_evals)
            for (int c = 0; c < 4; c++) st[c] *= 0.5;
    }
    *evals += n;
    return v;
}

int dmi_dual_converged(const dual *d, const double *st) {
    for (int c = 0; c < 4; c++)
        if (!(c < 2 && d->budget[c] <= 0) && st[c] >= DMI_DUAL_STEP_MIN) return 0;
    return 1;
}

int32_t dmi_dual_cell(const dual *d, int32_t c) {
    int32_t a = 0;
    while (a + 1 < d->nc && d->bot[a + 1] <= c) a++;
    return a;
}

int dmi_dual_tidy(const dual *d, dmi_dbox *box) {
    for (int32_t t = d->last; t > 0; t--)
        if (box->chi[t - 1] > box->chi[t]) box->chi[t - 1] = box->chi[t];
    for (int32_t t = 1; t <= d->last; t++)
        if (box->clo[t] < box->clo[t - 1]) box->clo[t] = box->clo[t - 1];
    for (int32_t it = 0; it < d->x->n + 2; it++) box->wmin[it] = 0, box->wmax[it] = INT32_MAX;
    int ok = 1;
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
    dmi_dual_tidy(d, box);
}

void dmi_dual_start(const dual *d, const dmi_eval *ie, dmi_mult *m) {
    double obj = fmax(ie->objective, 1.0);
    *m = (dmi_mult){{log(obj / fmax(d->budget[0], 1)), log(obj / fmax(d->budget[1], 1)), log(30.0),
                     log(fmax(ie->value[DM_CONSTRAINT_LAYERS], 1))}};
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
