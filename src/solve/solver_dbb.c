/*
** solver_dbb.c -- the certificate: a best-first branch and bound over
** boxes of superblock depths and final widths (dmi_dbox).  The Lagrangian
** bound of the whole domain (solver_dual.c) is loose mainly because its
** maximiser takes every depth at an end of its range and mixes them
** through the multipliers; narrowing the depth intervals removes that,
** and lets the depth penalty be bounded below by the least one the box
** allows instead of by beta.
**
** A box's bound is the dual over it, its multipliers searched from its
** parent's; a child's bound is also at most its parent's (its designs are
** the parent's).  Boxes bounded at or below the incumbent are closed.
** The open box with the largest bound is split in two across its widest
** interval (depths, or final-width cells).  A box that cannot be split
** is searched exactly by dmi_search_bb when that takes few nodes (closing
** it, and maybe improving the incumbent), else its multipliers get a
** longer search.  At any stop the largest bound of the open boxes (and
** the incumbent) is >= every feasible objective: every feasible design
** lies in an open box or in a closed one, whose designs score at most the
** incumbent.  Work is counted in dual evaluations, never time.
*/
#include "solver.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NODE_EVALS 40         /* dual evaluations on a box before it is split */
#define ROOT_EVALS 120        /* ... on a first box (one final-width cell) */
#define ROOT_STEP 1.5         /* first multiplier steps (log space) at the root */
#define CHILD_STEP 0.5        /* ... in a child, from its parent's multipliers */
#define LEAF_NODES 20000      /* dmi_search_bb nodes tried on an unsplittable box */
#define LEAF_EVALS 400        /* ... then dual evaluations, growing steps from CHILD_STEP */
#define NODES_PER_EVAL 256    /* search nodes that cost one dual evaluation */
#define MEAN_WEIGHT 2.0       /* split the depths' mean before a depth of the same width */
#define CELL_WEIGHT 0.03      /* a stage-end width cell, in depth steps */
#define FINAL_WEIGHT 1.0      /* ... of the final width (it weights every stage) */
#define FINAL_GROUP 8         /* final-width cells per first box (the incumbent's alone) */

typedef struct dnode {
    dmi_dbox box;
    dmi_mult m;
    double st[DMI_MULT_N];   /* the multiplier search's steps (converged: all tiny) */
    double ub;
    int32_t evals;  /* spent on this box */
    int32_t cap;    /* ... at most, before it is split */
    int grow;       /* search with growing steps (a child) */
    int leafed;     /* an unsplittable box whose tree search did not finish */
} dnode;

typedef struct heap { dnode *a; size_t n, cap; } heap;

/* Max-heap on ub; ties keep the order of the sift (deterministic). */
static int heap_push(heap *h, const dnode *v) {
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        dnode *a = dmi_realloc(h->a, cap * sizeof *a);
        if (!a) return 0;
        h->a = a, h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0 && h->a[(i - 1) / 2].ub < v->ub) h->a[i] = h->a[(i - 1) / 2], i = (i - 1) / 2;
    h->a[i] = *v;
    return 1;
}

static dnode heap_pop(heap *h) {
    dnode top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->a[c + 1].ub > h->a[c].ub) c++;
        if (!(h->a[c].ub > last.ub)) break;
        h->a[i] = h->a[c], i = c;
    }
    if (h->n) h->a[i] = last;
    return top;
}

/* sum_i dist(t, [lo_i, hi_i])^2 */
static double dist2(const int32_t *lo, const int32_t *hi, int32_t n, double t) {
    double s = 0;
    for (int32_t i = 0; i < n; i++) {
        double e = t < lo[i] ? lo[i] - t : t > hi[i] ? t - hi[i] : 0;
        s += e * e;
    }
    return s;
}

/* The least population variance of depths in the box: min over d of
   min_t (1/n) sum (d_i - t)^2 = min_t (1/n) sum dist(t, box_i)^2 (the
   mean minimises over t).  Over real d it is exact and convex in t; on
   each segment between interval ends the sum is one quadratic whose
   minimiser (clamped) is checked.  Integers can only do worse. */
static double least_var(const int32_t *lo, const int32_t *hi, int32_t n, double ml, double mh) {
    if (n <= 0) return 0.0;
    double best = HUGE_VAL, at = ml;
    for (int32_t u = 0; u < 2 * n; u++) {
        double p = u < n ? lo[u] : hi[u - n], q = HUGE_VAL, sum = 0;
        for (int32_t v = 0; v < 2 * n; v++) {
            double r = v < n ? lo[v] : hi[v - n];
            if (r > p && r < q) q = r;
        }
        int32_t cnt = 0;   /* the quadratic on [p, q]: left of hi's <= p, right of lo's >= q */
        for (int32_t i = 0; i < n; i++) {
            if (hi[i] <= p) sum += hi[i], cnt++;
            else if (lo[i] >= q) sum += lo[i], cnt++;
        }
        double t = cnt ? sum / cnt : p;
        if (t < p) t = p;
        if (q < HUGE_VAL && t > q) t = q;
        double v = dist2(lo, hi, n, t);
        if (v < best) best = v, at = t;
    }
    /* the mean lies in [ml, mh]: the convex sum's least there is at the
       nearest point to its overall minimiser */
    at = at < ml ? ml : at > mh ? mh : at;
    return dist2(lo, hi, n, at) / n;
}

/* A lower limit of beta Q over the box (a hair under, for rounding). */
void dmi_dbox_pen(const dmi_ctx *x, dmi_dbox *box) {
    int32_t skip = x->sp.penalty_skip < x->n ? x->sp.penalty_skip : x->n;
    int32_t n = x->n - skip;
    double v = n > 0 ? least_var(box->dlo + skip, box->dhi + skip, n, (double)box->slo / n, (double)box->shi / n)
                     : 0.0;
    box->vmin = v * (1 - 1e-12);
    double e = x->sp.penalty == DM_PENALTY_VAR ? v : sqrt(v);
    /* beta 0 (guideline 2 off) means no penalty, even where exp(e) is
       infinite: 0 x inf would be NaN and poison every comparison. */
    box->pen = x->sp.beta > 0 ? x->sp.beta * exp(e) * (1 - 1e-12) : 0.0;
}

/* Which interval to split: 0..n-1 a depth, n + t stage t's end width,
   n + stages the depths' sum, -1 none.  A width cell (ratio 1.05) counts
   as CELL_WEIGHT depth steps, the sum's range as MEAN_WEIGHT times its mean's. */
static int32_t widest(const dmi_ctx *x, const dmi_dbox *b) {
    int32_t w = -1, np = x->n - (x->sp.penalty_skip < x->n ? x->sp.penalty_skip : x->n);
    double ww = 0;
    if (np > 0 && x->sp.beta > 0 && MEAN_WEIGHT * (b->shi - b->slo) / np > ww)
        ww = MEAN_WEIGHT * (b->shi - b->slo) / np, w = x->n + x->lay.n_stages;
    for (int32_t i = 0; i < x->n; i++)
        if (b->dhi[i] - b->dlo[i] > ww) ww = b->dhi[i] - b->dlo[i], w = i;
    for (int32_t t = 0; t < x->lay.n_stages; t++) {
        double cw = t == x->lay.n_stages - 1 ? FINAL_WEIGHT : CELL_WEIGHT;
        if (cw * (b->chi[t] - b->clo[t]) > ww) ww = cw * (b->chi[t] - b->clo[t]), w = x->n + t;
    }
    return w;
}

/* Split box b across interval w into c[0..1]; returns how many are
   non-empty (moved to the front). */
/* Tidy a box and lower each stage end's upper cell to what the budgets
   leave its item given the box's least depths and widths
   (dmi_bound_box_cap); 0 when the box is empty. */
static int tidy_capped(const dmi_dual *d, const dmi_bound *bd, const dmi_ctx *x, dmi_dbox *b) {
    int32_t closer[DM_MAX_STAGES];
    if (!dmi_dual_tidy(d, b)) return 0;
    dmi_closers(x, closer);
    int cut = 0;
    for (int32_t t = 0; t < x->lay.n_stages; t++) {
        int32_t cap = dmi_dual_cell(d, dmi_bound_box_cap(bd, closer[t], b->dlo, b->wmin));
        if (cap < b->chi[t]) b->chi[t] = cap, cut = 1;
    }
    return !cut || dmi_dual_tidy(d, b);
}

static int split(const dmi_dual *d, const dmi_bound *bd, const dmi_ctx *x, const dmi_dbox *b, int32_t w,
                 dmi_dbox *c) {
    c[0] = c[1] = *b;
    if (w == x->n + x->lay.n_stages) {
        int32_t mid = (int32_t)(((int64_t)b->slo + b->shi) / 2);
        c[0].shi = mid;
        c[1].slo = mid + 1;
    } else if (w < x->n) {
        int32_t mid = (b->dlo[w] + b->dhi[w]) / 2;
        c[0].dhi[w] = mid;
        c[1].dlo[w] = mid + 1;
    } else {
        int32_t t = w - x->n, mid = (b->clo[t] + b->chi[t]) / 2;
        c[0].chi[t] = mid;
        c[1].clo[t] = mid + 1;
    }
    int n = 0;
    for (int k = 0; k < 2; k++)
        if (tidy_capped(d, bd, x, &c[k])) {
            dmi_dbox_pen(x, &c[k]);
            c[n++] = c[k];
        }
    return n;
}

typedef struct dbb {
    dmi_ctx *x;
    const dmi_bound *b;
    dmi_dual *d;
    dmi_cand *best;
    dmi_eval *be;
    heap h;
    int64_t evals, snodes, work, nodes;
    double stuck;    /* largest bound of a polished box (it stays open) */
    dm_error *err;
} dbb;

static int64_t spent(const dbb *t) { return t->evals + t->snodes / NODES_PER_EVAL; }

static dm_status push(dbb *t, const dnode *v) {
    if (v->ub <= t->be->objective) return DM_OK;
    return heap_push(&t->h, v) ? DM_OK : DM_FAIL(t->err, DM_ERR_NOMEM, "out of memory bounding the problem");
}

static double next_top(const dbb *t) { return t->h.n ? t->h.a[0].ub : -HUGE_VAL; }

/* A box that cannot be split, its multipliers converged: search it
   exactly.  If that takes too long, its multipliers get a longer search
   with growing steps (a box can be empty of feasible designs while its
   first search has not found multipliers that show it, and such a box
   is where the tree search spends its nodes without an answer); if that
   ends above the incumbent too, the box stays open (t->stuck). */
static dm_status leaf(dbb *t, dnode *v) {
    if (v->leafed) {
        t->stuck = fmax(t->stuck, v->ub);
        return DM_OK;
    }
    int found = 1, complete = 0;
    int64_t n = 0;
    dm_status s = dmi_search_bb(t->x, t->b, &v->box, LEAF_NODES, t->best, t->be, &found, &n, &complete,
                                t->err);
    t->snodes += n;
    if (s || complete) return s;
    v->leafed = 1;
    v->grow = 1;
    v->cap = v->evals + LEAF_EVALS;
    for (int c = 0; c < DMI_MULT_N; c++) v->st[c] = CHILD_STEP;
    return push(t, v);
}

/* Children start from the parent's multipliers with one evaluation;
   they are refined only if they come to the top. */
static dm_status branch(dbb *t, dnode *v, int32_t w) {
    dmi_dbox c[2];
    int nc = split(t->d, t->b, t->x, &v->box, w, c);
    dm_status s = DM_OK;
    for (int k = 0; k < nc && !s; k++) {
        dnode u = {.box = c[k], .m = v->m, .st = {CHILD_STEP, CHILD_STEP, CHILD_STEP, CHILD_STEP, CHILD_STEP, CHILD_STEP}};
        u.grow = 1;
        u.ub = fmin(v->ub, dmi_dual_min(t->d, &u.box, &u.m, u.st, 1, 1, t->be->objective, &t->evals));
        u.evals = 1;
        u.cap = NODE_EVALS;
        t->nodes++;
        s = push(t, &u);
    }
    return s;
}

/* The top box: lower its bound while it stays on top; once its
   multipliers have converged, split it. */
static dm_status visit(dbb *t, dnode *v) {
    if (!dmi_dual_converged(t->d, v->st) && v->evals < v->cap) {
        double enough = fmax(t->be->objective, next_top(t));
        int64_t e0 = t->evals;
        v->ub = fmin(v->ub, dmi_dual_min(t->d, &v->box, &v->m, v->st, v->grow, v->cap - v->evals, enough,
                                        &t->evals));
        v->evals += (int32_t)(t->evals - e0);
        return push(t, v);
    }
    int32_t w = widest(t->x, &v->box);
    return w < 0 ? leaf(t, v) : branch(t, v, w);
}

/* The incumbent's final-width box is searched a second time with
   growing steps (on some problems one way ends far lower, on others the
   other); the lower value and its multipliers are kept. */
static void first(dbb *t, const dnode *r, dnode *u) {
    dnode w = *r;
    w.box = u->box;
    w.ub = dmi_dual_min(t->d, &w.box, &w.m, w.st, 1, ROOT_EVALS, t->be->objective, &t->evals);
    if (w.ub < u->ub) u->m = w.m, memcpy(u->st, w.st, sizeof u->st);
    u->ub = fmin(u->ub, w.ub);
}

/* The first boxes: the incumbent's cell of the final width alone, its
   multipliers searched at length, then the other cells in groups of
   FINAL_GROUP starting from them (the final width weights every stage,
   so a group is split across it early: FINAL_WEIGHT; most groups of
   small widths close whole). */
static dm_status roots(dbb *t) {
    dmi_dbox all;
    dmi_dual_root(t->d, &all);
    int32_t last = t->x->lay.n_stages - 1, f0 = dmi_dual_cell(t->d, t->best->head ? t->best->head : t->best->sb[t->x->n - 1].c);
    dnode r = {.st = {ROOT_STEP, ROOT_STEP, ROOT_STEP, ROOT_STEP, ROOT_STEP, ROOT_STEP}};
    dmi_dual_start(t->d, t->be, &r.m);
    dm_status s = DM_OK;
    for (int pass = 0; pass < 2 && !s; pass++)
        for (int32_t a = all.clo[last], e; a <= all.chi[last] && !s; a = e + 1) {
            e = a;
            if (a != f0) {   /* a group of cells, never across f0 */
                e = a + FINAL_GROUP - 1;
                if (e > all.chi[last]) e = all.chi[last];
                if (a < f0 && e >= f0) e = f0 - 1;
            }
            if ((a == f0) != (pass == 0)) continue;
            dnode u = r;
            u.box = all;
            u.box.clo[last] = a, u.box.chi[last] = e;
            if (!tidy_capped(t->d, t->b, t->x, &u.box)) continue;
            dmi_dbox_pen(t->x, &u.box);
            int n = pass == 0 ? ROOT_EVALS : 1;
            u.ub = dmi_dual_min(t->d, &u.box, &u.m, u.st, 0, n, t->be->objective, &t->evals);
            if (pass == 0) first(t, &r, &u);
            u.evals = n;
            u.cap = ROOT_EVALS;
            if (pass == 0)
                for (int c = 0; c < DMI_MULT_N; c++) r.m = u.m, r.st[c] = CHILD_STEP;
            t->nodes++;
            s = push(t, &u);
        }
    return s;
}

static dm_status run(dbb *t) {
    dm_status s = roots(t);
    while (!s && t->h.n && spent(t) < t->work && t->stuck < t->h.a[0].ub) {
        dnode v = heap_pop(&t->h);
        double top = fmax(fmax(v.ub, t->stuck), t->be->objective);  /* bounds every open box */
        t->x->prog.bound = fmin(t->x->prog.bound, top);
        dmi_progress_done(t->x, spent(t));
        if (v.ub > t->be->objective) s = visit(t, &v);
    }
    return s;
}

dm_status dmi_dual_bb(dmi_ctx *x, const dmi_bound *b, dmi_cand *best, dmi_eval *be, int64_t work,
                      double *out, int *closed, int64_t *nodes, dm_error *err) {
    *out = HUGE_VAL;
    *closed = 0;
    *nodes = 0;
    if (x->p.drop_monotone) return DM_OK;   /* C_t <= F needs guideline 3 */
    dbb t = {.x = x, .b = b, .best = best, .be = be, .work = work, .stuck = -HUGE_VAL, .err = err};
    dm_status s = dmi_dual_create(x, b, &t.d, err);
    if (!s) s = run(&t);
    if (!s) {
        double top = fmax(t.stuck, be->objective);
        for (size_t i = 0; i < t.h.n; i++) top = fmax(top, t.h.a[i].ub);   /* boxes closed since */
        *out = top;
        *closed = t.h.n == 0 && t.stuck == -HUGE_VAL;
        *nodes = t.nodes;
    }
    free(t.h.a);
    dmi_dual_free(t.d);
    return s;
}
