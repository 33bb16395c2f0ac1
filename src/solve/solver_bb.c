/*
** solver_bb.c -- depth-first branch and bound over the items in network
** order (stem, superblocks, head), each item's variables enumerated on
** their exact grids.  A node is cut when the exact costs spent so far
** leave no room, or when the relaxed value of the fixed items plus the
** knapsack bound of the rest (solver_bound.c) cannot beat the incumbent.
** When the tree is exhausted within node_limit the incumbent is optimal.
** Restricted to a box of depths and final widths (solver_dbb.c), the
** same search closes one box of the certificate's branch and bound.
*/
#include "solver.h"
#include "cost.h"
#include <math.h>
#include <string.h>

typedef struct bb {
    dmi_ctx *x;
    const dmi_bound *b;
    const dmi_dbox *box;   /* NULL: the whole domain */
    dmi_cand cur, *best;
    dm_arch arch;          /* scratch copy of the template for the block tallies */
    dmi_eval *be;
    int *found;
    int64_t nodes, limit;
    int stopped;
    dm_error *err;
} bb;

static int64_t add_sat(int64_t a, int64_t b) {
    int64_t r;
    return dmi_add64(a, b, &r) ? r : INT64_MAX;
}

/* Item `it` of the current candidate: its exact costs (saturated: costs
   are >= 0, so an overflowing sum is past every budget) and log widths;
   the head's and classifier's costs are checked at the leaf. */
static dm_status item_tally(bb *t, int32_t it, dmi_tally *out) {
    dmi_ctx *x = t->x;
    const dmi_cand *c = &t->cur;
    dm_layer l;
    dm_status s = DM_OK;
    memset(out, 0, sizeof *out);
    if (it == 0 || it == x->n + 1) {
        if (it == x->n + 1 && !x->p.head) return DM_OK;
        s = it == 0 ? dmi_stem_layer(x, c->stem, &l, t->err)
                    : dmi_head_layer(x, c->sb[x->n - 1].c, c->head, &l, t->err);
        if (s) return s;
        out->logw = log(dmi_layer_width(&l));
        if (it == 0) out->macs = l.macs, out->params = l.params;
        return DM_OK;
    }
    const dmi_sbvar *v = &c->sb[it - 1];
    dmi_tally f, r = {0};
    int32_t c_in = it == 1 ? c->stem : c->sb[it - 2].c;
    s = dmi_block_cost_in(x, &t->arch, true, it - 1, 0, v->c, v->m, v->k, c_in, &f, t->err);
    if (!s && v->d > 1) s = dmi_block_cost_in(x, &t->arch, true, it - 1, 1, v->c, v->m, v->k, v->c, &r, t->err);
    dmi_space_repeat(out, &f, &r, v->d);
    return s;
}

static dm_status leaf(bb *t) {
    dmi_eval e;
    dm_status s = dmi_cand_eval(t->x, &t->cur, &e, t->err);
    if (!s && e.excess == 0 && (!*t->found || e.objective > t->be->objective + 1e-9)) {
        *t->best = t->cur;
        *t->be = e;
        *t->found = 1;
    }
    return s;
}

static dm_status dive(bb *t, int32_t it, int64_t macs, int64_t params, double value);

/* The current item's variables are set: cut or go on. */
static dm_status node(bb *t, int32_t it, int64_t macs, int64_t params, double value) {
    if (++t->nodes > t->limit) { t->stopped = 1; return DM_OK; }
    if (t->nodes % DM_PROGRESS_EVERY == 0 && t->x->prog.phase == DM_PHASE_TREE)
        dmi_progress_done(t->x, t->nodes);
    dmi_tally tl;
    dm_status s = item_tally(t, it, &tl);
    if (s) return s;
    macs = add_sat(macs, tl.macs);
    params = add_sat(params, tl.params);
    value += dmi_bound_item_value(t->b, &t->cur, it, tl.logw);
    double ub = value + dmi_bound_suffix(t->b, it + 1, macs, params) - t->x->sp.beta;
    if (ub == -HUGE_VAL || (*t->found && ub <= t->be->objective + 1e-9)) return DM_OK;
    return it == t->x->n + 1 ? leaf(t) : dive(t, it + 1, macs, params, value);
}

/* Item it's width range within the box. */
static void box_range(const bb *t, int32_t it, int32_t *lo, int32_t *top) {
    if (!t->box) return;
    if (t->box->wmin[it] > *lo) *lo = t->box->wmin[it];
    if (t->box->wmax[it] < *top) *top = t->box->wmax[it];
}

static dm_status dive_sb(bb *t, int32_t it, int64_t macs, int64_t params, double value) {
    dmi_ctx *x = t->x;
    const dm_problem *p = &x->p;
    int32_t i = it - 1, g = p->granularity, prev = it == 1 ? t->cur.stem : t->cur.sb[i - 1].c;
    int32_t lo = dmi_grid_lo(p), top = dmi_bound_cmax(t->b, it);
    if (!p->drop_monotone && prev > lo) lo = prev;
    box_range(t, it, &lo, &top);
    int32_t dlo = t->box ? t->box->dlo[i] : p->depth_min[i], dhi = t->box ? t->box->dhi[i] : p->depth_max[i];
    dmi_sbvar *v = &t->cur.sb[i];
    dm_status s = DM_OK;
    for (v->c = top; v->c >= lo && !s && !t->stopped; v->c -= g) {
        int32_t mlo, mhi;
        dmi_inner_range(p, v->c, &mlo, &mhi);
        for (v->m = mhi; v->m >= mlo && !s && !t->stopped; v->m -= g)
            for (int32_t k = p->n_kernels - 1; k >= 0 && !s && !t->stopped; k--)
                for (v->d = dhi; v->d >= dlo && !s && !t->stopped; v->d--) {
                    v->k = p->kernels[k];
                    s = node(t, it, macs, params, value);
                }
    }
    return s;
}

static dm_status dive(bb *t, int32_t it, int64_t macs, int64_t params, double value) {
    dmi_ctx *x = t->x;
    if (it >= 1 && it <= x->n) return dive_sb(t, it, macs, params, value);
    int32_t g = x->p.granularity, lo, hi;
    if (it == x->n + 1 && !x->p.head) { t->cur.head = 0; return node(t, it, macs, params, value); }
    if (it == 0) dmi_item_range(&x->p, 0, &lo, &hi);
    else dmi_head_range(&x->p, t->cur.sb[x->n - 1].c, &lo, &hi); /* guideline 3, ratios, cap */
    int32_t top = dmi_bound_cmax(t->b, it);
    if (hi < top) top = hi;
    box_range(t, it, &lo, &top);
    int32_t *v = it == 0 ? &t->cur.stem : &t->cur.head;
    dm_status s = DM_OK;
    for (*v = top; *v >= lo && !s && !t->stopped; *v -= g) s = node(t, it, macs, params, value);
    return s;
}

dm_status dmi_search_bb(dmi_ctx *x, const dmi_bound *b, const dmi_dbox *box, int64_t limit,
                        dmi_cand *best, dmi_eval *be, int *found, int64_t *nodes, int *complete,
                        dm_error *err) {
    bb t = {.x = x, .b = b, .box = box, .best = best, .be = be, .found = found, .limit = limit,
            .err = err};
    memset(&t.cur, 0, sizeof t.cur);
    t.arch = x->tmpl;
    dm_status s = dive(&t, 0, 0, 0, 0.0);
    *nodes = t.nodes > t.limit ? t.limit : t.nodes;
    *complete = !s && !t.stopped;
    return s;
}
