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
** tangent of a convex function at L0).  With the final width F fixed to a
** cell, every stage weight A_s is bounded by widths that are known to
** the item (guideline 3: C_t <= F), so the right side splits over items
** and its maximum over a relaxed box is an exact DP over items whose
** state is the width cell between them.  The bound is the maximum over F
** cells of the minimum over multipliers found by a fixed coordinate
** search (any multipliers give a valid bound, so stopping early is safe).
**
** The relaxed box: widths in geometric cells (value at the top, costs at
** the bottom); block 0's input cost at a representative input at or below
** the cell (monotone costs); Q >= 1; layer and peak limits dropped.
** Only used with guideline 3 on (otherwise C_t <= F fails).
*/
#include "solver.h"
#include "blocks.h"
#include "cost.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_RATIO 1.05   /* width cells, as in solver_bound.c */
#define REP_RATIO 1.3     /* block 0 input representatives */
#define NEG (-HUGE_VAL)
#define MAX_EVALS 120     /* coordinate-search evaluations per F cell */

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

typedef struct dual {
    dmi_ctx *x;
    int32_t nc, nrep, n_items, last;  /* cells, representatives, items, last stage */
    int32_t *bot, *top, *rep_of, *rep_val;
    int32_t closer[DM_MAX_STAGES], cap[DM_MAX_STAGES];
    double logr2[DM_MAX_STAGES];
    sbtab sb[DM_MAX_SUPERBLOCKS];
    double *stem_c, stem_lw;   /* [a][2] */
    double *head_c;            /* [a * nc + F][2], head conv + classifier */
    double *prev, *cur, *mj;
    double budget[2];
} dual;

typedef struct mult { double v[4]; } mult;  /* log lam_M, log lam_P, log mu, log L0 */

static int32_t cell_end(int32_t lo, int32_t g, int32_t top) {
    int32_t hi = (int32_t)(lo * CELL_RATIO) / g * g;
    if (hi < lo) hi = lo;
    return hi > top ? top : hi;
}

static dm_status nomem(dm_error *err) {
    return DM_FAIL(err, DM_ERR_NOMEM, "out of memory bounding the problem");
}

/* Width cells over the channel grid, and block 0 input representatives. */
static dm_status make_cells(dual *d, dm_error *err) {
    const dm_problem *p = &d->x->p;
    int32_t g = p->granularity, lo = (p->min_channels + g - 1) / g * g, hi = p->max_channels / g * g;
    int32_t n = (hi - lo) / g + 1;
    d->bot = dmi_calloc((size_t)n, sizeof(int32_t));
    d->top = dmi_calloc((size_t)n, sizeof(int32_t));
    d->rep_of = dmi_calloc((size_t)n, sizeof(int32_t));
    d->rep_val = dmi_calloc((size_t)n, sizeof(int32_t));
    if (!d->bot || !d->top || !d->rep_of || !d->rep_val) return nomem(err);
    for (int32_t c = lo; c <= hi; c = d->top[d->nc++] + g) {
        d->bot[d->nc] = c;
        d->top[d->nc] = cell_end(c, g, hi);
    }
    for (int32_t a = 0; a < d->nc; a++) {
        if (a == 0 || d->bot[a] >= d->rep_val[d->nrep - 1] * REP_RATIO) d->rep_val[d->nrep++] = d->bot[a];
        d->rep_of[a] = d->nrep - 1;
    }
    return DM_OK;
}

static int32_t cell_of(const dual *d, int32_t c) {
    int32_t a = 0;
    while (a + 1 < d->nc && d->bot[a + 1] <= c) a++;
    return a;
}

static dm_status bcost(const dual *d, int32_t i, int32_t idx, int32_t c, int32_t m, int32_t k,
                       int32_t cin, dmi_blockcost *o, dm_error *err) {
    dmi_sbvar v = {.c = c, .m = m, .k = k, .d = 2};
    return dmi_block_cost(d->x, i, idx, &v, cin, o, err);
}

static void set2(double *to, const dmi_blockcost *b) { to[0] = (double)b->macs; to[1] = (double)b->params; }

static void min2(double *to, const dmi_blockcost *b) {
    if (b->macs < to[0]) to[0] = (double)b->macs;
    if (b->params < to[1]) to[1] = (double)b->params;
}

/* Classifier costs on c inputs (net.c's shape), for the last superblock
   of a problem without a head. */
static dm_status classifier(const dmi_ctx *x, int32_t c, double *out, dm_error *err) {
    dm_layer l;
    out[0] = out[1] = 0;
    if (x->p.classes <= 0) return DM_OK;
    memset(&l, 0, sizeof l);
    l.role = DM_ROLE_CLASSIFIER;
    l.c_in = c;
    l.c_out = x->p.classes;
    l.kernel = l.stride = l.groups = 1;
    l.r_in = l.r_out = 1;
    l.bias = 1;
    dm_status s = dmi_layer_cost(&l, err);
    out[0] = (double)l.macs;
    out[1] = (double)l.params;
    return s;
}

/* Upper value (expand conv forced present) of a block at the top corner. */
static dm_status gen_value(const dual *d, int32_t i, int32_t idx, int32_t ct, int32_t mt, int32_t k,
                           double *lw, int32_t *lay, dm_error *err) {
    dmi_blockcost t;
    dm_status s = bcost(d, i, idx, ct, mt, k, ct, &t, err);
    *lw = t.logw;
    *lay = t.layers;
    if (d->x->p.family == DM_BLOCK_MBCONV && mt == ct) { *lw += log(ct); *lay += 1; }
    return s;
}

/* The expand-free variant (mbconv, m == c_in == c) when the cells allow it. */
static dm_status free_variant(const dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k,
                              dent *e, dm_error *err) {
    int32_t vlo = ml > d->bot[b] ? ml : d->bot[b], vhi = mh < d->top[b] ? mh : d->top[b];
    dmi_blockcost t;
    dm_status s = DM_OK;
    e->layf0 = e->layfr = -1;
    if (d->x->p.family != DM_BLOCK_MBCONV || vlo > vhi) return DM_OK;
    for (int32_t idx = 0; idx < 2 && !s; idx++) {
        if ((s = bcost(d, i, idx, vhi, vhi, k, vhi, &t, err))) break;
        *(idx ? &e->lwfr : &e->lwf0) = t.logw;
        *(idx ? &e->layfr : &e->layf0) = t.layers;
        if ((s = bcost(d, i, idx, vlo, vlo, k, vlo, &t, err))) break;
        set2(idx ? e->cfr : e->cf0, &t);
    }
    return s;
}

/* Lower costs of block 0 at each input representative below cell b. */
static dm_status rep_costs(const dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k,
                           double *rc, dm_error *err) {
    bool mb = d->x->p.family == DM_BLOCK_MBCONV;
    dmi_blockcost t;
    dm_status s = DM_OK;
    for (int32_t j = 0; j <= d->rep_of[b] && !s; j++) {
        int32_t r = d->rep_val[j], rnext = j < d->nrep - 1 ? d->rep_val[j + 1] : INT32_MAX;
        if ((s = bcost(d, i, 0, d->bot[b], ml, k, r, &t, err))) break;
        set2(rc + 2 * j, &t);
        int32_t v = ml > r ? ml : r;  /* an input equal to m drops the expand conv */
        if (mb && v < rnext && v <= mh && !(s = bcost(d, i, 0, d->bot[b], v, k, v, &t, err))) min2(rc + 2 * j, &t);
    }
    return s;
}

static dm_status fill_entry(dual *d, int32_t i, int32_t b, int32_t ml, int32_t mh, int32_t k, dent *e,
                            double *rc, dm_error *err) {
    dmi_blockcost t;
    double cl[2] = {0, 0};
    t = (dmi_blockcost){0};
    bool last_nohead = i == d->x->n - 1 && !d->x->p.head;
    dm_status s = gen_value(d, i, 0, d->top[b], mh, k, &e->lw0, &e->lay0, err);
    if (!s) s = gen_value(d, i, 1, d->top[b], mh, k, &e->lwr, &e->layr, err);
    if (!s) s = bcost(d, i, 1, d->bot[b], ml, k, d->bot[b], &t, err);
    if (!s) set2(e->cr, &t);
    if (!s) s = bcost(d, i, 0, d->bot[b], ml, k, d->bot[b], &t, err);
    if (!s) set2(e->cs, &t);
    if (!s) s = free_variant(d, i, b, ml, mh, k, e, err);
    if (!s) s = rep_costs(d, i, b, ml, mh, k, rc, err);
    if (!s && last_nohead) s = classifier(d->x, d->bot[b], cl, err);
    for (int r = 0; r < 2; r++) {
        e->cs[r] += cl[r];
        e->cf0[r] += cl[r];
        for (int32_t j = 0; j <= d->rep_of[b]; j++) rc[2 * j + r] += cl[r];
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
        dmi_inner_range(p, d->bot[b], &ml, &tmp);
        dmi_inner_range(p, d->top[b], &tmp, &mh);
        for (int32_t mlo = ml, mhi; mlo <= mh; mlo = mhi + g) {
            mhi = cell_end(mlo, g, mh);
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
    d->head_c = x->p.head ? dmi_calloc(2 * nc * nc, sizeof(double)) : NULL;
    if (!d->stem_c || (x->p.head && !d->head_c)) return nomem(err);
    for (size_t a = 0; a < nc && !s; a++) {
        s = dmi_conv(&l, DM_ROLE_STEM, x->p.in_channels, d->bot[a], x->p.stem_kernel, x->p.stem_stride, 1,
                     x->p.input_size, err);
        d->stem_c[2 * a] = (double)l.macs;
        d->stem_c[2 * a + 1] = (double)l.params;
        d->stem_lw = log(dmi_layer_width(&l));
    }
    int32_t r = x->sb_rin[x->n - 1] / x->p.stride[x->n - 1];
    for (size_t a = 0; a < nc && !s && x->p.head; a++)
        for (size_t f = a; f < nc && !s; f++) {
            double cl[2] = {0, 0}, *h = d->head_c + 2 * (a * nc + f);
            s = dmi_conv(&l, DM_ROLE_HEAD, d->bot[a], d->bot[f], 1, 1, 1, r, err);
            if (!s) s = classifier(x, d->bot[f], cl, err);
            h[0] = (double)l.macs + cl[0];
            h[1] = (double)l.params + cl[1];
        }
    return s;
}

static void layout(dual *d) {
    const dmi_ctx *x = d->x;
    d->n_items = x->n + 2;
    d->last = x->n_stages - 1;
    for (int32_t t = 0; t < x->n_stages; t++) d->closer[t] = 0;
    for (int32_t i = 0; i < x->n; i++) d->closer[x->sb_stage[i]] = i + 1;
    if (x->p.head) d->closer[d->last] = x->n + 1;
    for (int32_t t = 0; t < x->n_stages; t++) {
        int32_t r = x->stem_r;
        for (int32_t i = 0; i < x->n; i++)
            if (x->sb_stage[i] <= t) r = x->sb_rin[i] / x->p.stride[i];
        d->logr2[t] = 2 * log(r);
    }
    d->budget[0] = (double)x->p.max_macs;
    d->budget[1] = (double)x->p.max_params;
}

static void dual_free(dual *d) {
    free(d->bot), free(d->top), free(d->rep_of), free(d->rep_val);
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++) free(d->sb[i].off), free(d->sb[i].e), free(d->sb[i].rc);
    free(d->stem_c), free(d->head_c), free(d->prev), free(d->cur), free(d->mj);
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
    return d->prev && d->cur && d->mj ? DM_OK : nomem(err);
}

/* ------------------------------------------------------------ evaluation */

typedef struct lag {   /* the multipliers of one evaluation, decoded */
    double lam[2], mu, a, L0;
    int32_t f;         /* final width cell */
} lag;

/* 1/2 A_s for a layer of `item` whose own output tops at ctop. */
static double weight(const dual *d, int32_t item, int32_t ctop, const lag *g) {
    const dmi_ctx *x = d->x;
    int32_t s = item == 0 ? 0 : item <= x->n ? x->sb_stage[item - 1] : d->last;
    double ftop = d->top[g->f], a = 0;
    for (int32_t t = s; t <= d->last; t++) {
        double c = d->closer[t] == item ? ctop : t == d->last ? ftop : fmin(ftop, d->cap[t]);
        a += x->alpha[t] * (d->logr2[t] + log(c));
    }
    return 0.5 * a;
}

static double lcost(const lag *g, const double *c) { return g->lam[0] * c[0] + g->lam[1] * c[1]; }

/* Best Lagrangian of one entry given its weight; *same gets the value
   when block 0's input shares the output's cell (costs cs / cf0). */
static double entry_value(const dual *d, int32_t i, const dent *e, double om, const lag *g,
                          double *same) {
    const dm_problem *p = &d->x->p;
    double ma = g->mu * g->a;
    double rr = om * e->lwr - ma * e->layr - lcost(g, e->cr);
    if (e->layfr >= 0) rr = fmax(rr, om * e->lwfr - ma * e->layfr - lcost(g, e->cfr));
    double dd = rr > 0 ? p->depth_max[i] - 1 : p->depth_min[i] - 1;
    double r = dd * rr + om * e->lw0 - ma * e->lay0;
    *same = r - lcost(g, e->cs);
    if (e->layf0 >= 0) *same = fmax(*same, dd * rr + om * e->lwf0 - ma * e->layf0 - lcost(g, e->cf0));
    return r;
}

/* One superblock step of the DP: cur[b] from prev[a <= b]. */
static void sb_step(dual *d, int32_t i, const lag *g) {
    const sbtab *t = &d->sb[i];
    bool only_f = i == d->x->n - 1 && !d->x->p.head;
    for (int32_t b = 0; b < d->nc; b++) {
        d->cur[b] = NEG;
        if (b > g->f || (only_f && b != g->f)) continue;
        double om = weight(d, i + 1, d->top[b], g) + g->mu, ms = NEG;
        int32_t jb = d->rep_of[b];
        for (int32_t j = 0; j <= jb; j++) d->mj[j] = NEG;
        for (int32_t k = t->off[b]; k < t->off[b + 1]; k++) {
            const dent *e = &t->e[k];
            const double *rc = t->rc + 2 * e->rep;
            double same, r = entry_value(d, i, e, om, g, &same);
            ms = fmax(ms, same);
            for (int32_t j = 0; j <= jb; j++) d->mj[j] = fmax(d->mj[j], r - lcost(g, rc + 2 * j));
        }
        double best = d->prev[b] + ms;
        for (int32_t a = 0; a < b; a++) best = fmax(best, d->prev[a] + d->mj[d->rep_of[a]]);
        d->cur[b] = best;
    }
    double *sw = d->prev;
    d->prev = d->cur;
    d->cur = sw;
}

/* The Lagrangian's maximum over the relaxed box, plus its constants. */
static double evaluate(dual *d, const lag *g) {
    const dmi_ctx *x = d->x;
    double ma = g->mu * g->a;
    for (int32_t a = 0; a < d->nc; a++)
        d->prev[a] = a > g->f ? NEG
                              : (weight(d, 0, d->top[a], g) + g->mu) * d->stem_lw - ma -
                                    lcost(g, d->stem_c + 2 * a);
    for (int32_t i = 0; i < x->n; i++) sb_step(d, i, g);
    double best = NEG;
    if (!x->p.head) best = d->prev[g->f];
    else {
        double om = weight(d, x->n + 1, d->top[g->f], g) + g->mu;
        for (int32_t a = 0; a <= g->f; a++)
            best = fmax(best, d->prev[a] + om * log(d->top[a]) - ma -
                                  lcost(g, d->head_c + 2 * ((size_t)a * d->nc + g->f)));
    }
    return best + g->lam[0] * d->budget[0] + g->lam[1] * d->budget[1] + g->mu * g->L0 - x->sp.beta;
}

static double eval_mult(dual *d, const mult *m, int32_t f) {
    lag g = {.f = f};
    for (int r = 0; r < 2; r++) g.lam[r] = d->budget[r] > 0 ? exp(m->v[r]) : 0.0;
    g.mu = exp(m->v[2]);
    g.L0 = exp(m->v[3]);
    g.a = log(g.L0 / d->x->p.rho0) + 1;
    return evaluate(d, &g);
}

/* Coordinate search in log space, fixed budget; stops early once the
   value is at or below `enough` (it then cannot raise the maximum). */
static double minimise(dual *d, mult *m, int32_t f, double enough) {
    double v = eval_mult(d, m, f), step = 1.5;
    int evals = 1;
    while (step > 0.01 && evals < MAX_EVALS && v > enough) {
        bool moved = false;
        for (int c = 0; c < 4 && v > enough; c++) {
            if (c < 2 && d->budget[c] <= 0) continue;
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                mult t = *m;
                t.v[c] += sgn * step;
                double w = eval_mult(d, &t, f);
                evals++;
                if (w < v - 1e-12) { *m = t; v = w; moved = true; break; }
            }
        }
        if (!moved) step *= 0.5;
    }
    return v;
}

dm_status dmi_dual_bound(dmi_ctx *x, const dmi_bound *bd, const dmi_cand *inc, const dmi_eval *ie,
                         double *out, dm_error *err) {
    dual d;
    memset(&d, 0, sizeof d);
    d.x = x;
    *out = HUGE_VAL;
    if (x->p.drop_monotone) return DM_OK;   /* C_t <= F needs guideline 3 */
    dm_status s = dual_build(&d, bd, err);
    if (s) { dual_free(&d); return s; }
    int32_t f0 = cell_of(&d, x->p.head ? inc->head : inc->sb[x->n - 1].c);
    double obj = fmax(ie->objective, 1.0);
    mult m0 = {{log(obj / fmax(d.budget[0], 1)), log(obj / fmax(d.budget[1], 1)), log(30.0),
                log(ie->layers > 0 ? ie->layers : 1)}};
    double best = minimise(&d, &m0, f0, NEG);
    int32_t ftop = cell_of(&d, d.cap[d.last]);  /* the final item is never wider */
    for (int32_t f = 0; f <= ftop; f++) {
        if (f == f0) continue;
        mult m = m0;
        best = fmax(best, minimise(&d, &m, f, best));
    }
    *out = best;
    dual_free(&d);
    return DM_OK;
}
