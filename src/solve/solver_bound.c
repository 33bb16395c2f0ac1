/*
** solver_bound.c -- an upper bound on the objective of every feasible
** design: a relaxation solved exactly by a knapsack over discretised
** budgets.  Why it is valid (docs/solver.md has the long form):
**
**  1. The objective is sum_j 1/2 A_s(j) log w_j - beta Q with
**     A_s = sum_{t>=s} alpha_t log(r_t^2 C_t) >= 0 and Q >= 1.  Replace
**     every C_t by an upper limit Cmax (except a superblock's own stage
**     end, which is its own c) and Q by 1: the value then splits into a
**     sum over items (stem, superblocks, head), each depending only on
**     its own variables and its input width.
**  2. Relax each item's input width: value at the largest input it can
**     have, cost at the cheapest (smallest input, or the input at which
**     an expand conv or a projection disappears).
**  3. Group each item's (c, m) into small geometric cells; a cell's value
**     is taken at its top corner and its cost at its bottom corner (value
**     and cost are non-decreasing in c, m, k and d).
**  4. Costs are counted in units of delta = ceil(B / K), rounded down, so
**     the units of any feasible design sum to at most B / delta.  A
**     knapsack over the items gives the best relaxed value per unit
**     budget, once for MACs and once for params; the bound is the
**     smaller.  rho, layer and peak-activation limits and guideline 3
**     between items are dropped (relaxing only loosens).
*/
#include "solver.h"
#include "cost.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define K_UNITS 1024        /* budget resolution of the knapsack */
#define NEG (-HUGE_VAL)

struct dmi_bound {
    dmi_ctx *x;
    int32_t n_items;                 /* n + 2: stem, superblocks, head */
    int32_t cmax[DM_MAX_SUPERBLOCKS + 2];
    int32_t closer[DM_MAX_STAGES];   /* item whose output ends stage s */
    int64_t budget[2], delta[2];     /* per resource: MACs, params */
    int32_t units[2];                /* budget / delta */
    int32_t base, ng, g;             /* the grid of lf/lr: width base + k g, k < ng */
    int32_t ilo[DM_MAX_SUPERBLOCKS + 2], ihi[DM_MAX_SUPERBLOCKS + 2];   /* item ranges */
    dmi_tally *lf, *lr;              /* [item * ng + k]: least block 0 (whole item) and repeated costs */
    double *table[2];                /* [item][u]: best value with cost units <= u */
    double *suffix[2];               /* [item][u]: best over items >= item */
};

#define AT(b, r, arr, i, u) ((b)->arr[r][(size_t)(i) * (K_UNITS + 1) + (u)])

/* A_s for a layer of `item` in stage s, the item's own output being c. */
static double weight(const dmi_bound *b, int32_t item, int32_t c) {
    const dmi_ctx *x = b->x;
    double a = 0;
    for (int32_t t = dmi_item_stage(x, item); t < x->lay.n_stages; t++) {
        double alpha = x->alpha[t];
        int32_t ct = b->closer[t] == item ? c : b->cmax[b->closer[t]];
        double r = x->lay.stage_r[t];
        a += alpha * log(r * r * ct);
    }
    return a;
}

typedef struct costpair { int64_t c[2]; } costpair;   /* MACs, params */

static void cost_min(dmi_tally *a, const dmi_tally *b) {
    if (b->macs < a->macs) a->macs = b->macs;
    if (b->params < a->params) a->params = b->params;
}

/* A superblock cell: block 0 (f) and a repeated block (r), each with its
   lower costs and upper log-width sum (step 2 of the file comment), so
   the repeat rule gives a superblock's at any depth. */
typedef struct cell { dmi_tally f, r; } cell;

static dmi_tally cell_depth(const cell *e, int32_t d) {
    dmi_tally t = {0};
    dmi_space_repeat(&t, &e->f, &e->r, d);
    return t;
}

static dm_status sb_cell(const dmi_bound *b, int32_t item, int32_t clo, int32_t chi, int32_t mlo,
                         int32_t mhi, int32_t k, cell *o, dm_error *err) {
    const dmi_ctx *x = b->x;
    int32_t i = item - 1, cin_lo, cin_hi = b->cmax[item - 1], unused;
    dmi_item_range(&x->p, item - 1, &cin_lo, &unused);
    bool mb = x->p.family == DM_BLOCK_MBCONV;
    /* only a torchvision-style mbconv drops its expand conv (m == c_in):
       then the top corner's value adds the conv it may have elsewhere */
    bool drops = mb && x->p.style == DM_STYLE_TORCHVISION;
    if (!x->p.drop_monotone && chi < cin_hi) cin_hi = chi;
    if (cin_hi < cin_lo) cin_hi = cin_lo;
    int32_t ins[3] = {cin_lo}, n_in = 1;
    if (clo <= cin_hi) ins[n_in++] = clo;                      /* identity shortcut */
    if (mb && mlo <= cin_hi && mlo >= cin_lo) ins[n_in++] = mlo; /* no expand conv */
    dmi_tally t;
    dm_status s = DM_OK;
    o->f = (dmi_tally){.macs = INT64_MAX, .params = INT64_MAX};
    for (int j = 0; j < n_in && !s; j++)
        if (!(s = dmi_block_cost(x, i, 0, clo, mlo, k, ins[j], &t, err))) cost_min(&o->f, &t);
    if (!s) s = dmi_block_cost(x, i, 1, clo, mlo, k, clo, &o->r, err);
    int32_t same = clo > mlo ? clo : mlo;
    if (!s && mb && same <= (chi < mhi ? chi : mhi) &&
        !(s = dmi_block_cost(x, i, 1, same, same, k, same, &t, err)))
        cost_min(&o->r, &t);
    if (!s) s = dmi_block_cost(x, i, 0, chi, mhi, k, cin_hi, &t, err);
    o->f.logw = t.logw + (drops && cin_hi == mhi ? log(cin_hi) : 0); /* the expand conv's width c_in */
    if (!s) s = dmi_block_cost(x, i, 1, chi, mhi, k, chi, &t, err);
    o->r.logw = t.logw + (drops && chi == mhi ? log(chi) : 0);
    if (!s && item == x->n && !x->p.head) {
        int64_t cl[2];
        s = dmi_classifier_cost(x, clo, cl, err);
        o->f.macs += cl[0];
        o->f.params += cl[1];
    }
    return s;
}

/* Stem (item 0) or head (item n+1) with output c: lower cost, and the
   upper log width of its one layer. */
static dm_status end_item(const dmi_bound *b, int32_t item, int32_t c, costpair *cost, double *logw,
                          dm_error *err) {
    const dmi_ctx *x = b->x;
    dm_layer l;
    dm_status s;
    if (item == 0) {
        s = dmi_stem_layer(x, c, &l, err);
        *cost = (costpair){{l.macs, l.params}};
        *logw = log(dmi_layer_width(&l));
        return s;
    }
    int32_t cin_hi = b->cmax[x->n];
    if (!x->p.drop_monotone && c < cin_hi) cin_hi = c;
    costpair cl = {{0, 0}};
    s = dmi_head_layer(x, dmi_grid_lo(&x->p), c, &l, err);
    if (!s) s = dmi_classifier_cost(x, c, cl.c, err);
    *cost = (costpair){{l.macs + cl.c[0], l.params + cl.c[1]}};
    if (!s) s = dmi_head_layer(x, cin_hi, c, &l, err);
    *logw = log(dmi_layer_width(&l));
    return s;
}

/* Least cost of an item with output c (for the channel limits), and the
   least costs of its block 0 (or the whole stem / head) and of a repeated
   block, so that any depth's least cost follows (dmi_bound_box_cap). */
static dm_status least(const dmi_bound *b, int32_t item, int32_t c, costpair *o, dmi_tally *f, dmi_tally *r,
                       dm_error *err) {
    const dmi_ctx *x = b->x;
    double lw;
    *r = (dmi_tally){0};
    if (item == 0 || item == x->n + 1) {
        dm_status s = DM_OK;
        *o = (costpair){{0, 0}};
        if (!(item == x->n + 1 && !x->p.head)) s = end_item(b, item, c, o, &lw, err);
        *f = (dmi_tally){.macs = o->c[0], .params = o->c[1]};
        return s;
    }
    int32_t lo, hi, d = x->p.depth_min[item - 1];
    dmi_inner_range(&x->p, c, &lo, &hi);
    cell e;
    dm_status s = sb_cell(b, item, c, c, lo, lo, x->p.kernels[0], &e, err);
    dmi_tally t = cell_depth(&e, d);
    *o = (costpair){{t.macs, t.params}};
    *f = e.f, *r = e.r;
    return s;
}

/* Channel limits: the largest c an item can have when every other item
   costs its least (with guideline 3, later items at least c wide), each
   item within its own range (dmi_item_range).  Widths are indexed on one
   grid from the lowest item's low end. */
static dm_status channel_limits(dmi_bound *b, dm_error *err) {
    const dmi_ctx *x = b->x;
    int32_t ni = b->n_items, g = x->p.granularity, ilo[DM_MAX_SUPERBLOCKS + 2], ihi[DM_MAX_SUPERBLOCKS + 2];
    int32_t base = INT32_MAX, top = 0;
    for (int32_t it = 0; it < ni; it++) {
        dmi_item_range(&x->p, it, &ilo[it], &ihi[it]);
        if (ihi[it] < ilo[it]) ihi[it] = ilo[it];
        base = ilo[it] < base ? ilo[it] : base;
        top = ihi[it] > top ? ihi[it] : top;
    }
    int32_t ng = (top - base) / g + 1;
    costpair *mc = dmi_calloc((size_t)ni * (size_t)ng, sizeof *mc);
    b->lf = dmi_calloc((size_t)ni * (size_t)ng, sizeof *b->lf);
    b->lr = dmi_calloc((size_t)ni * (size_t)ng, sizeof *b->lr);
    if (!mc || !b->lf || !b->lr) { free(mc); return DM_FAIL(err, DM_ERR_NOMEM, "out of memory bounding the problem"); }
    b->base = base, b->ng = ng, b->g = g;
    memcpy(b->ilo, ilo, sizeof ilo), memcpy(b->ihi, ihi, sizeof ihi);
    dm_status s = DM_OK;
    for (int32_t it = 0; it < ni; it++) b->cmax[it] = ihi[it];
    for (int32_t it = 0; it < ni && !s; it++)
        for (int32_t c = ilo[it]; c <= ihi[it] && !s; c += g) {
            size_t k = (size_t)it * ng + (c - base) / g;
            s = least(b, it, c, &mc[k], &b->lf[k], &b->lr[k], err);
        }
    for (int32_t it = 0; it < ni && !s; it++) {
        int32_t k = (ihi[it] - base) / g, klo = (ilo[it] - base) / g;
        for (; k > klo; k--) {
            bool ok = true;
            for (int r = 0; r < 2 && ok; r++) {
                double tot = 0;
                for (int32_t j = 0; j < ni && ok; j++) {
                    int32_t kj = (ilo[j] - base) / g;
                    if (j == it || (j > it && !x->p.drop_monotone && k > kj)) kj = k;
                    if (kj > (ihi[j] - base) / g) ok = false; /* a later item cannot be that wide */
                    else tot += (double)mc[(size_t)j * ng + kj].c[r];
                }
                if (b->budget[r] && tot > (double)b->budget[r]) ok = false;
            }
            if (ok) break;
        }
        b->cmax[it] = base + k * g;
    }
    free(mc);
    return s;
}

static int32_t unit_of(const dmi_bound *b, int r, int64_t cost) {
    if (!b->budget[r]) return 0;
    int64_t u = cost / b->delta[r];
    return u > b->units[r] ? -1 : (int32_t)u;
}

/* Record (cost, value) as an option of `item` in the tables of the
   resources `mask` names (bit r); returns the resources whose budget the
   cost is past (they stay past it for anything costlier). */
static int put_some(dmi_bound *b, int32_t item, costpair c, double v, int mask) {
    int over = 0;
    for (int r = 0; r < 2; r++) {
        if (!(mask >> r & 1)) continue;
        int32_t u = unit_of(b, r, c.c[r]);
        if (u < 0) { over |= 1 << r; continue; }
        double *t = &AT(b, r, table, item, u);
        if (v > *t) *t = v;
    }
    return over;
}

static void put(dmi_bound *b, int32_t item, costpair c, double v) { put_some(b, item, c, v, 3); }

/* A superblock cell at every depth.  Cost and value grow with the depth,
   so a resource's table is done once a depth is past its budget, and a
   resource without a budget (all costs in unit 0) needs only the deepest:
   the work is what the budgets allow, not the depth range. */
static void put_depths(dmi_bound *b, int32_t item, const cell *e, double w) {
    const dm_problem *p = &b->x->p;
    int32_t i = item - 1, dmax = p->depth_max[i];
    int open = (b->budget[0] ? 1 : 0) | (b->budget[1] ? 2 : 0);
    for (int32_t d = p->depth_min[i]; d <= dmax && open; d++) {
        dmi_tally sum = cell_depth(e, d);
        open &= ~put_some(b, item, (costpair){{sum.macs, sum.params}}, w * sum.logw, open);
    }
    dmi_tally top = cell_depth(e, dmax);
    put_some(b, item, (costpair){{top.macs, top.params}}, w * top.logw,
             (b->budget[0] ? 0 : 1) | (b->budget[1] ? 0 : 2));
}

static dm_status fill_end(dmi_bound *b, int32_t item, dm_error *err) {
    const dmi_ctx *x = b->x;
    int32_t g = x->p.granularity;
    int32_t lo, hi;
    if (item == x->n + 1 && !x->p.head) { put(b, item, (costpair){{0, 0}}, 0.0); return DM_OK; }
    dmi_item_range(&x->p, item, &lo, &hi);
    for (int32_t c = lo; c <= b->cmax[item]; c += g) {
        costpair cost;
        double lw;
        dm_status s = end_item(b, item, c, &cost, &lw, err);
        if (s) return s;
        put(b, item, cost, 0.5 * weight(b, item, c) * lw);
    }
    return DM_OK;
}

static dm_status fill_sb(dmi_bound *b, int32_t item, dm_error *err) {
    const dmi_ctx *x = b->x;
    const dm_problem *p = &x->p;
    int32_t g = p->granularity;
    for (int32_t clo = dmi_grid_lo(&x->p), chi; clo <= b->cmax[item]; clo = chi + g) {
        chi = dmi_cell_end(x, clo, b->cmax[item]);
        int32_t ml, mh, t;
        dmi_inner_range(p, clo, &ml, &t);
        dmi_inner_range(p, chi, &t, &mh);
        for (int32_t mlo = ml, mhi; mlo <= mh; mlo = mhi + g) {
            mhi = dmi_cell_end(x, mlo, mh);
            for (int32_t ki = 0; ki < p->n_kernels; ki++) {
                cell e;
                dm_status s = sb_cell(b, item, clo, chi, mlo, mhi, p->kernels[ki], &e, err);
                if (s) return s;
                put_depths(b, item, &e, 0.5 * weight(b, item, chi));
            }
        }
    }
    return DM_OK;
}

/* Prefix maxima per item, then the suffix knapsack over items. */
static void knapsack(dmi_bound *b) {
    int32_t ni = b->n_items;
    for (int r = 0; r < 2; r++) {
        int32_t K = b->units[r];
        for (int32_t it = 0; it < ni; it++)
            for (int32_t u = 1; u <= K; u++)
                if (AT(b, r, table, it - 0, u - 1) > AT(b, r, table, it, u))
                    AT(b, r, table, it, u) = AT(b, r, table, it, u - 1);
        for (int32_t u = 0; u <= K; u++) AT(b, r, suffix, ni, u) = 0;
        for (int32_t it = ni - 1; it >= 0; it--)
            for (int32_t u = 0; u <= K; u++) {
                double best = NEG;
                for (int32_t a = 0; a <= u; a++) {
                    double v = AT(b, r, table, it, a) + AT(b, r, suffix, it + 1, u - a);
                    if (v > best) best = v;
                }
                AT(b, r, suffix, it, u) = best;
            }
    }
}

dm_status dmi_bound_build(dmi_ctx *x, dmi_bound **out, dm_error *err) {
    dmi_bound *b = dmi_calloc(1, sizeof *b);
    *out = b;
    if (!b) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory bounding the problem");
    b->x = x;
    b->n_items = x->n + 2;
    static const dm_constraint res[2] = DMI_RESOURCES;
    for (int r = 0; r < 2; r++) b->budget[r] = dmi_constraint_count_limit(&x->p, res[r]);
    size_t cells = (size_t)(b->n_items + 1) * (K_UNITS + 1);
    for (int r = 0; r < 2; r++) {
        /* ceil(budget / K_UNITS), written so a budget near INT64_MAX cannot overflow */
        b->delta[r] = b->budget[r] ? b->budget[r] / K_UNITS + (b->budget[r] % K_UNITS != 0) : 1;
        b->units[r] = b->budget[r] ? (int32_t)(b->budget[r] / b->delta[r]) : 0;
        b->table[r] = dmi_malloc(cells * sizeof(double));
        b->suffix[r] = dmi_malloc(cells * sizeof(double));
        if (!b->table[r] || !b->suffix[r])
            return DM_FAIL(err, DM_ERR_NOMEM, "out of memory bounding the problem");
        for (size_t j = 0; j < cells; j++) b->table[r][j] = NEG;
    }
    dmi_closers(x, b->closer);
    dm_status s = channel_limits(b, err);
    for (int32_t it = 0; it < b->n_items && !s; it++)
        s = (it == 0 || it == x->n + 1) ? fill_end(b, it, err) : fill_sb(b, it, err);
    if (!s) knapsack(b);
    return s;
}

void dmi_bound_free(dmi_bound *b) {
    if (!b) return;
    for (int r = 0; r < 2; r++) { free(b->table[r]); free(b->suffix[r]); }
    free(b->lf), free(b->lr);
    free(b);
}

/* Q >= 1, so the penalty takes at least beta off (step 1). */
static double penalty_floor(const dmi_bound *b) { return b->x->sp.beta; }

double dmi_bound_suffix(const dmi_bound *b, int32_t item, int64_t spent_macs, int64_t spent_params) {
    double v = HUGE_VAL;
    int64_t spent[2] = {spent_macs, spent_params};
    for (int r = 0; r < 2; r++) {
        int64_t left = b->budget[r] ? b->budget[r] - spent[r] : 0;
        if (left < 0) return NEG;
        int32_t u = b->budget[r] ? (int32_t)(left / b->delta[r]) : 0;
        if (u > b->units[r]) u = b->units[r];
        double s = AT(b, r, suffix, item, u);
        if (s < v) v = s;
    }
    return v;
}

double dmi_bound_root(const dmi_bound *b) { return dmi_bound_suffix(b, 0, 0, 0) - penalty_floor(b); }

int32_t dmi_bound_cmax(const dmi_bound *b, int32_t item) { return b->cmax[item]; }

/* Least cost of item j at grid index k and depth at least d (resource r). */
static double least_at(const dmi_bound *b, int32_t j, int32_t k, int32_t d, int r) {
    const dmi_tally *f = &b->lf[(size_t)j * b->ng + k], *rp = &b->lr[(size_t)j * b->ng + k];
    dmi_tally t = {0};
    if (j == 0 || j == b->x->n + 1) t = *f;
    else dmi_space_repeat(&t, f, rp, d);
    return (double)(r ? t.params : t.macs);
}

/* Whether item `item` at grid index k leaves room in both budgets when
   every other item costs its least (later items at least index k). */
static bool cap_fits(const dmi_bound *b, int32_t item, int32_t k, const int32_t *low, const int32_t *dlo) {
    const dmi_ctx *x = b->x;
    for (int r = 0; r < 2; r++) {
        double tot = 0;
        for (int32_t j = 0; j < b->n_items; j++) {
            int32_t kj = low[j];
            if (j == item || (j > item && !x->p.drop_monotone && k > kj)) kj = k;
            if (kj > (b->ihi[j] - b->base) / b->g) return false;   /* a later item cannot be that wide */
            tot += least_at(b, j, kj, j >= 1 && j <= x->n ? dlo[j - 1] : 1, r);
        }
        if (b->budget[r] && tot > (double)b->budget[r]) return false;
    }
    return true;
}

int32_t dmi_bound_box_cap(const dmi_bound *b, int32_t item, const int32_t *dlo, const int32_t *wlo) {
    int32_t g = b->g, hi = (b->cmax[item] - b->base) / g, lo = (b->ilo[item] - b->base) / g;
    int32_t low[DM_MAX_SUPERBLOCKS + 2];
    for (int32_t j = 0; j < b->n_items; j++) {   /* each item's least grid index in the box */
        int32_t w = wlo[j] > b->ilo[j] ? wlo[j] : b->ilo[j];
        low[j] = (w - b->base + g - 1) / g;
    }
    if (lo < low[item]) lo = low[item];
    if (lo >= hi) return b->base + (lo < hi ? lo : hi) * g;
    /* costs grow with the width, so the indices that fit are a prefix:
       the largest by bisection (lo when none fits, as channel_limits) */
    if (cap_fits(b, item, hi, low, dlo)) return b->base + hi * g;
    while (hi - lo > 1) {
        int32_t mid = lo + (hi - lo) / 2;
        if (cap_fits(b, item, mid, low, dlo)) lo = mid;
        else hi = mid;
    }
    return b->base + lo * g;
}

double dmi_bound_item_value(const dmi_bound *b, const dmi_cand *c, int32_t item, double logw) {
    const dmi_ctx *x = b->x;
    if (item == x->n + 1 && !x->p.head) return 0.0;
    int32_t w = item == 0 ? c->stem : item <= x->n ? c->sb[item - 1].c : c->head;
    return 0.5 * weight(b, item, w) * logw;
}
