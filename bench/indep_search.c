/*
** indep_search.c -- the independent "best known" search (indep_search.h).
**
** The domain rules below restate include/deepmad.h's "Design problems"
** comment on purpose: this file is the second opinion on the solver, so
** it must not share the solver's code (src/solve) for them.  Candidates are
** built as dm_arch values and measured only with dm_net_create +
** dm_net_metrics; a candidate meets the problem when dm_constraint_met
** holds for every constraint.
*/
#include "indep_search.h"
#include "../fuzz/design_check.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* a reason into why[0..n), returned (design_check.h undefines its own) */
#define BAD(...) (snprintf(why, n, __VA_ARGS__), why)

#ifndef IND_RESTARTS
#define IND_RESTARTS   8     /* annealing runs at least; odd ones reheat the best so far */
#endif
#ifndef EVALS_PER_RESTART
#define EVALS_PER_RESTART 125000  /* a longer budget gets more restarts, not longer ones:
                                     at 1M evaluations 8 restarts found as much as 10M did */
#endif
#define FIRST_SHARE    0.05  /* budget share of the first descent from the smallest design */
#define END_SHARE      100   /* stop restarting with 1/END_SHARE of the budget left */
#ifndef ANNEAL_SHARE
#define ANNEAL_SHARE   0.75  /* of a restart's share; the rest descends from the run's best */
#endif
#ifndef T_HOT
#define T_HOT          0.01  /* start temperature, x the objective's scale */
#endif
#ifndef T_REHEAT
#define T_REHEAT       0.002 /* start temperature of a reheat of the best */
#endif
#ifndef KICKS
#define KICKS 1
#endif
#define T_COLD         1e-5  /* end temperature, x scale */
#ifndef PENALTY
#define PENALTY        1.0   /* x the objective per unit of relative excess over a limit */
#endif
#ifndef P_EXCHANGE
#define P_EXCHANGE     0.6   /* share of annealing moves that shrink one variable, grow another */
#endif
#define P_SNAP         0.03  /* share of annealing moves that snap an inner width (snap_inner) */
#define KICK_ANNEAL    20000 /* evaluations settling the widths after a depth kick */
#define T_KICK         1e-4  /* its start temperature, x scale */
#define IMPROVE_EPS    1e-9  /* an objective must rise by more to count as better */
#define SLACK          1e-9  /* keeps exact ratio products exact on the grid */
#define N_WIDTH_STEPS  6     /* descent tries width steps of 1, 2, 4, ... grid units */
#define N_SHRINK_STEPS 4     /* exchange moves shrink a width by 1, 2, 4, 8 units */
#define N_DEPTH_STEPS  4     /* descent tries depth steps of 1..4 */

/* A design as its variables: widths in channels, kernels as an index
   into p->kernels, depths in blocks. */
typedef struct pt {
    int32_t stem, head;
    int32_t c[DM_MAX_SUPERBLOCKS], m[DM_MAX_SUPERBLOCKS];
    int32_t k[DM_MAX_SUPERBLOCKS], d[DM_MAX_SUPERBLOCKS];
} pt;

enum { VAR_C, VAR_M, VAR_K, VAR_D };  /* the four variables of a superblock */

typedef struct ctx {
    const dm_problem *p;
    dm_score_params sp;
    dm_arch base;           /* the fixed layout; variables are filled in per candidate */
    int32_t n, nv, g;       /* superblocks, variables, granularity */
    uint64_t rng;
    int64_t evals, feasible;
    double scale;           /* objective magnitude: temperatures and penalty scale with it */
    int found, run_found;
    pt best, run_best;      /* best feasible overall and in the current restart */
    double best_obj, run_obj;
} ctx;

typedef struct ev {
    int valid, feasible;
    double obj, excess;     /* excess: sum over limits of value / limit - 1 where over */
} ev;

/* ------------------------------------------------------------ randomness */

static uint64_t rnd(ctx *c) {   /* xorshift64* */
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return c->rng * 2685821657736338717ULL;
}
static double unit(ctx *c) { return (double)(rnd(c) >> 11) * 0x1.0p-53; }
static int32_t below(ctx *c, int32_t n) { return n <= 1 ? 0 : (int32_t)(unit(c) * n); }

/* ------------------------------------------------------ domains (deepmad.h) */

static int32_t ceil_g(double v, int32_t g) { return (int32_t)fmin(ceil(v / g - SLACK) * g, DM_MAX_CHANNELS); }
static int32_t floor_g(double v, int32_t g) { return (int32_t)fmin(floor(v / g + SLACK) * g, DM_MAX_CHANNELS); }

/* Superblock widths: multiples of g in [min_channels, max_channels]. */
static void chan_range(const ctx *c, int32_t *lo, int32_t *hi) {
    *lo = ceil_g(c->p->min_channels, c->g);
    *hi = floor_g(c->p->max_channels, c->g);
}

/* The stem: its own range when set, else the channel range. */
static void stem_range(const ctx *c, int32_t *lo, int32_t *hi) {
    chan_range(c, lo, hi);
    if (c->p->stem_min > 0) *lo = ceil_g(c->p->stem_min, c->g);
    if (c->p->stem_max > 0) *hi = floor_g(c->p->stem_max, c->g);
}

/* The head given the last superblock's width: the channel grid up to its
   own cap, at least c_last (guideline 3), within the ratio range. */
static void head_range(const ctx *c, int32_t c_last, int32_t *lo, int32_t *hi) {
    const dm_problem *p = c->p;
    chan_range(c, lo, hi);
    if (p->head_max > 0) *hi = floor_g(p->head_max, c->g);
    if (!p->drop_monotone && c_last > *lo) *lo = c_last;
    if (p->head_ratio_min > 0 && ceil_g(p->head_ratio_min * c_last, c->g) > *lo)
        *lo = ceil_g(p->head_ratio_min * c_last, c->g);
    if (p->head_ratio_max > 0 && floor_g(p->head_ratio_max * c_last, c->g) < *hi)
        *hi = floor_g(p->head_ratio_max * c_last, c->g);
}

/* Python's round (ties to even), the tie taken as exact within SLACK. */
static double round_even(double v) {
    double f = floor(v), d = v - f;
    if (fabs(d - 0.5) < SLACK) return fmod(f, 2) == 0 ? f : f + 1;
    return d < 0.5 ? f : f + 1;
}

/* Inner width of width w: multiples of g in [inner_min w, inner_max w],
   the lower end rounded up (or to the nearest when inner_round), at least
   g; that lower end alone when the range is empty. */
static void inner_range(const ctx *c, int32_t w, int32_t *lo, int32_t *hi) {
    const dm_problem *p = c->p;
    double a = p->inner_round ? round_even(p->inner_min * w / c->g) : ceil(p->inner_min * w / c->g - SLACK);
    *lo = (int32_t)fmin(fmax(a, 1) * c->g, DM_MAX_CHANNELS / c->g * c->g);
    *hi = floor_g(p->inner_max * w, c->g);
    if (*hi < *lo) *hi = *lo;
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Every variable in its domain, widths non-decreasing (guideline 3). */
static int valid(const ctx *c, const pt *x) {
    int32_t lo, hi, prev = x->stem;
    stem_range(c, &lo, &hi);
    if (x->stem < lo || x->stem > hi) return 0;
    chan_range(c, &lo, &hi);
    for (int32_t i = 0; i < c->n; i++) {
        if (x->c[i] < lo || x->c[i] > hi || (!c->p->drop_monotone && x->c[i] < prev)) return 0;
        prev = x->c[i];
    }
    if (!c->p->head) return 1;
    head_range(c, x->c[c->n - 1], &lo, &hi);
    return lo <= hi && x->head >= lo && x->head <= hi;
}

/* ------------------------------------------------------------- evaluation */

static void to_arch(const ctx *c, const pt *x, dm_arch *a) {
    *a = c->base;
    a->stem.out = x->stem;
    for (int32_t i = 0; i < c->n; i++) {
        a->sb[i].out = x->c[i];
        a->sb[i].inner = x->m[i];
        a->sb[i].kernel = c->p->kernels[x->k[i]];
        a->sb[i].depth = x->d[i];
    }
    a->head = c->p->head ? x->head : 0;
}

/* The fixed part of every candidate: layout, style, activations. */
static void base_arch(const dm_problem *p, dm_arch *a) {
    dm_act end = p->style == DM_STYLE_PAPER ? DM_ACT_RELU : p->act;
    dm_arch_init(a);
    a->style = p->style;
    a->in_channels = p->in_channels;
    a->input_size = p->input_size;
    a->classes = p->classes;
    a->stem = (dm_stem){.kernel = p->stem_kernel, .stride = p->stem_stride, .act = end};
    a->head_act = end;
    a->n_superblocks = p->n_superblocks;
    for (int32_t i = 0; i < p->n_superblocks; i++)
        a->sb[i] = (dm_superblock){.kind = p->family, .stride = p->stride[i], .se = p->se,
                                   .act = p->act, .shortcut = DM_SHORTCUT_CONV, .expand = 1.0};
}

/* Sum of relative excesses over the limits the problem sets. */
static double excess_of(const dm_problem *p, const dm_metrics *m) {
    double ex = 0;
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) {
        double lim = dm_constraint_limit(p, (dm_constraint)k);
        double v = dm_constraint_value(m, (dm_constraint)k);
        if (lim > 0 && v > lim) ex += v / lim - 1;
    }
    return ex;
}

static int meets_all(const dm_problem *p, const dm_metrics *m) {
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++)
        if (!dm_constraint_met(p, m, (dm_constraint)k)) return 0;
    return 1;
}

/* Build and measure x: one evaluation, whatever the outcome.  A feasible
   x is remembered when it beats the run's or the overall best. */
static ev evaluate(ctx *c, const pt *x) {
    ev e = {0};
    dm_arch a;
    dm_net *net = NULL;
    dm_metrics m;
    c->evals++;
    if (!valid(c, x)) return e;
    to_arch(c, x, &a);
    if (dm_net_create(&a, &net, NULL) || dm_net_metrics(net, &c->sp, &m, NULL)) {
        dm_net_free(net);
        return e;
    }
    dm_net_free(net);
    e.valid = 1;
    e.obj = m.objective;
    e.excess = excess_of(c->p, &m);
    e.feasible = meets_all(c->p, &m);
    if (!e.feasible) return e;
    c->feasible++;
    if (!c->run_found || e.obj > c->run_obj) c->run_found = 1, c->run_best = *x, c->run_obj = e.obj;
    if (!c->found || e.obj > c->best_obj) c->found = 1, c->best = *x, c->best_obj = e.obj;
    return e;
}

/* The annealing's score: the objective less PENALTY x its own size per
   unit of relative excess, so that no growth past a budget pays,
   whatever the objective's scale (a fixed scale taken from a small
   design let huge infeasible nets win). */
static double penalised(const ctx *c, const ev *e) {
    if (!e->valid) return -HUGE_VAL;
    return e->obj - PENALTY * fmax(fabs(e->obj), c->scale) * e->excess;
}

/* ------------------------------------------------------------------ moves */

static int n_vars(const dm_problem *p) { return 1 + 4 * p->n_superblocks + (p->head ? 1 : 0); }

/* Variable v: 0 the stem, 1 + 4 i + VAR_* superblock i's, last the head. */
static int is_width(const ctx *c, int v) {
    return v == 0 || v == 1 + 4 * c->n || (v - 1) % 4 == VAR_C || (v - 1) % 4 == VAR_M;
}

/* Guideline 3 after width item `item` (0 stem, 1..n superblocks, n+1
   head) became w: push later widths up or earlier ones down to it; then
   every inner width and the head back into their ranges. */
static void mend(const ctx *c, pt *x, int32_t item, int32_t w, int up) {
    int32_t lo, hi;
    if (!c->p->drop_monotone) {
        for (int32_t j = up ? item + 1 : item - 1; j >= 0 && j <= c->n; j += up ? 1 : -1) {
            int32_t *v = j == 0 ? &x->stem : &x->c[j - 1];
            if (up ? *v < w : *v > w) *v = w;
        }
        if (up && c->p->head && x->head < w) x->head = w;
    }
    for (int32_t i = 0; i < c->n; i++) {
        inner_range(c, x->c[i], &lo, &hi);
        x->m[i] = clamp(x->m[i], lo, hi);
    }
    if (c->p->head) {
        head_range(c, x->c[c->n - 1], &lo, &hi);
        if (lo <= hi) x->head = clamp(x->head, lo, hi);
    }
}

/* Change variable v by `delta` units (grid steps for widths, positions
   for kernels, blocks for depths), clamped to its domain.  0 when
   nothing changed. */
static int move(const ctx *c, pt *x, int v, int32_t delta) {
    const dm_problem *p = c->p;
    int32_t lo, hi, old, *w, item;
    if (v == 0) stem_range(c, &lo, &hi), w = &x->stem, item = 0;
    else if (v == 1 + 4 * c->n) head_range(c, x->c[c->n - 1], &lo, &hi), w = &x->head, item = c->n + 1;
    else {
        int32_t i = (v - 1) / 4;
        switch ((v - 1) % 4) {
        case VAR_C: chan_range(c, &lo, &hi), w = &x->c[i], item = i + 1; break;
        case VAR_M:
            inner_range(c, x->c[i], &lo, &hi);
            old = x->m[i];
            x->m[i] = clamp(x->m[i] + delta * c->g, lo, hi);
            return x->m[i] != old;
        case VAR_K:
            old = x->k[i];
            x->k[i] = clamp(x->k[i] + delta, 0, p->n_kernels - 1);
            return x->k[i] != old;
        default:
            old = x->d[i];
            x->d[i] = clamp(x->d[i] + delta, p->depth_min[i], p->depth_max[i]);
            return x->d[i] != old;
        }
    }
    old = *w;
    if (lo > hi) return 0;
    *w = clamp(*w + delta * c->g, lo, hi);
    if (*w == old) return 0;
    mend(c, x, item, *w, *w > old);
    return 1;
}

/* The smallest design: every variable at its lower end. */
static void smallest(const ctx *c, pt *x) {
    int32_t lo, hi;
    memset(x, 0, sizeof *x);
    stem_range(c, &x->stem, &hi);
    chan_range(c, &lo, &hi);
    for (int32_t i = 0; i < c->n; i++) {
        x->c[i] = c->p->drop_monotone || lo > x->stem ? lo : x->stem;
        inner_range(c, x->c[i], &x->m[i], &hi);
        x->d[i] = c->p->depth_min[i];
    }
    if (c->p->head) head_range(c, x->c[c->n - 1], &x->head, &hi);
}

/* Set superblock i's inner width to a special value: `which` 0 its
   lower end, 1 its upper end, 2 the superblock's input width (block 0
   of a torchvision mbconv then has no expand conv, a jump in cost that
   small steps cross only by luck), clamped to its range.  0 when nothing
   changed. */
static int snap_inner(const ctx *c, pt *x, int32_t i, int which) {
    int32_t lo, hi, old = x->m[i];
    inner_range(c, x->c[i], &lo, &hi);
    x->m[i] = which == 0 ? lo : which == 1 ? hi : clamp(i ? x->c[i - 1] : x->stem, lo, hi);
    return x->m[i] != old;
}

/* ------------------------------------------------------ simulated annealing */

/* A random step size: widths mostly one grid step, sometimes up to an
   eighth or a half of the value; depths 1..3; kernels one position. */
static int32_t rand_step(ctx *c, const pt *x, int v) {
    if (!is_width(c, v)) return (v - 1) % 4 == VAR_D && unit(c) < 0.25 ? 2 + below(c, 2) : 1;
    int32_t w = v == 0 ? x->stem : v == 1 + 4 * c->n ? x->head
              : (v - 1) % 4 == VAR_C ? x->c[(v - 1) / 4] : x->m[(v - 1) / 4];
    double u = unit(c);
    int32_t units = w / c->g;
    if (u < 0.5) return 1;
    return 1 + below(c, units / (u < 0.9 ? 8 : 2) + 1);
}

/* One random neighbour: a single-variable move, or an exchange (one
   variable down, another up) that keeps the walk near a binding budget. */
static int propose(ctx *c, pt *x) {
    if (unit(c) < P_SNAP) return snap_inner(c, x, below(c, c->n), below(c, 3));
    int a = below(c, c->nv);
    if (unit(c) < P_EXCHANGE) {
        int b = below(c, c->nv - 1);
        b += b >= a;
        int ch = move(c, x, a, -rand_step(c, x, a));
        return move(c, x, b, rand_step(c, x, b)) | ch;
    }
    return move(c, x, a, unit(c) < 0.5 ? -rand_step(c, x, a) : rand_step(c, x, a));
}

/* Anneal from x for `budget` evaluations, temperature t0 -> T_COLD
   (x scale) geometrically in the work done. */
static void anneal(ctx *c, pt x, int64_t budget, double t0) {
    ev e = evaluate(c, &x);
    double f = penalised(c, &e);
    int64_t start = c->evals;
    while (c->evals - start < budget) {
        double frac = (double)(c->evals - start) / (double)budget;
        double t = c->scale * t0 * pow(T_COLD / t0, frac);
        pt y = x;
        if (!propose(c, &y)) { c->evals++; continue; }  /* a wasted proposal is work too */
        ev ey = evaluate(c, &y);
        double fy = penalised(c, &ey);
        if (!ey.valid) continue;
        if (fy >= f || unit(c) < exp((fy - f) / t)) x = y, f = fy;
    }
}

/* ---------------------------------------------------------- local descent */

/* Take y if it is feasible and better than x (objective *fx). */
static int take(ctx *c, pt *x, double *fx, const pt *y) {
    ev e = evaluate(c, y);
    if (!e.feasible || e.obj <= *fx + IMPROVE_EPS) return 0;
    *x = *y;
    *fx = e.obj;
    return 1;
}

/* Step size number s of variable v: 1, 2, 4, ... for widths; 1, 2, ...
   for depths and kernels.  0 past the last. */
static int32_t step_of(const ctx *c, int v, int s) {
    if (is_width(c, v)) return s < N_WIDTH_STEPS ? 1 << s : 0;
    if ((v - 1) % 4 == VAR_K) return s < c->p->n_kernels - 1 ? s + 1 : 0;
    return s < N_DEPTH_STEPS ? s + 1 : 0;
}

/* Every single-variable step and inner-width snap; the first that
   improves is taken. */
static int single_sweep(ctx *c, pt *x, double *fx, int64_t end) {
    for (int32_t i = 0; i < c->n; i++)
        for (int which = 0; which < 3; which++) {
            pt y = *x;
            if (snap_inner(c, &y, i, which) && take(c, x, fx, &y)) return 1;
        }
    for (int v = 0; v < c->nv && c->evals < end; v++)
        for (int s = 0; step_of(c, v, s); s++)
            for (int dir = -1; dir <= 1; dir += 2) {
                pt y = *x;
                if (move(c, &y, v, dir * step_of(c, v, s)) && take(c, x, fx, &y)) return 1;
            }
    return 0;
}

/* Grow variable b of y as far as the budget allows: doubling steps, then
   bisection between the last feasible and the first infeasible step.
   The best feasible point met goes to x if it beats *fx. */
static int grow_max(ctx *c, pt *x, double *fx, const pt *y, int b) {
    int32_t ok = 0, bad = 0;
    int improved = 0;
    pt prev = *y;
    for (int32_t t = 1; t <= DM_MAX_CHANNELS; t *= 2) {
        pt z = *y;
        if (!move(c, &z, b, t) || memcmp(&z, &prev, sizeof z) == 0) break;  /* at its end */
        prev = z;
        ev e = evaluate(c, &z);
        if (!e.feasible) { bad = t; break; }
        ok = t;
        if (e.obj > *fx + IMPROVE_EPS) *x = z, *fx = e.obj, improved = 1;
    }
    while (bad && bad - ok > 1) {
        int32_t mid = ok + (bad - ok) / 2;
        pt z = *y;
        move(c, &z, b, mid);
        ev e = evaluate(c, &z);
        if (e.feasible) {
            ok = mid;
            if (e.obj > *fx + IMPROVE_EPS) *x = z, *fx = e.obj, improved = 1;
        } else bad = mid;
    }
    return improved;
}

/* Exchange moves: shrink variable a by a step, then grow every other
   variable b as far as the freed budget allows.  Scanned from a cursor
   that stays where the last improvement was found. */
static int exchange_sweep(ctx *c, pt *x, double *fx, int64_t end, int64_t *cursor) {
    int64_t total = (int64_t)c->nv * N_SHRINK_STEPS * c->nv;
    for (int64_t n = 0; n < total && c->evals < end; n++) {
        int64_t idx = (*cursor + n) % total;
        int a = (int)(idx / ((int64_t)N_SHRINK_STEPS * c->nv));
        int s = (int)(idx / c->nv % N_SHRINK_STEPS), b = (int)(idx % c->nv);
        int32_t step = is_width(c, a) ? 1 << s : s + 1;
        pt y = *x;
        if (a == b || (!is_width(c, a) && s > 0) || !move(c, &y, a, -step)) continue;
        if (grow_max(c, x, fx, &y, b)) { *cursor = idx; return 1; }
    }
    return 0;
}

/* Exhaustive local descent from x (feasible) until no single or exchange
   move improves, or the budget is spent. */
static void descend(ctx *c, pt x, int64_t budget) {
    int64_t end = c->evals + budget, cursor = 0;
    ev e = evaluate(c, &x);
    if (!e.feasible) return;
    double fx = e.obj;
    while (c->evals < end)
        if (!single_sweep(c, &x, &fx, end) && !exchange_sweep(c, &x, &fx, end, &cursor)) break;
}

/* Iterated local search around the best: move one or two blocks of
   depth from one superblock to another (the depth vector is where runs
   part ways: widths must re-balance together with it), let a short cool
   anneal settle the widths back under the budgets, and descend. */
static void kick_best(ctx *c, int64_t budget) {
    int64_t end = c->evals + budget;
    while (c->evals < end && c->n > 1) {
        pt x = c->best;
        int32_t i = below(c, c->n), j = below(c, c->n - 1), step = 1 + below(c, 2);
        j += j >= i;
        if (!(move(c, &x, 1 + 4 * i + VAR_D, -step) | move(c, &x, 1 + 4 * j + VAR_D, step))) {
            c->evals++;
            continue;
        }
        c->run_found = 0;
        anneal(c, x, KICK_ANNEAL, T_KICK);
        if (c->run_found) descend(c, c->run_best, end - c->evals);
    }
}

/* ------------------------------------------------------------------- API */

void ind_options_default(ind_options *o) {
    o->seed = IND_SEED;
    o->max_evals = IND_EVALS_LONG;
    o->restarts = 0;   /* by the budget */
}

static void result_of(ctx *c, ind_result *r) {
    dm_net *net = NULL;
    memset(r, 0, sizeof *r);
    r->evals = c->evals;
    r->feasible = c->feasible;
    if (!c->found) return;
    to_arch(c, &c->best, &r->arch);
    if (dm_net_create(&r->arch, &net, NULL) || dm_net_metrics(net, &c->sp, &r->metrics, NULL)) {
        dm_net_free(net);
        return;
    }
    dm_net_free(net);
    r->found = 1;
    r->objective = r->metrics.objective;
}

/* Restarts: even ones anneal hot from the smallest design, odd ones
   reheat the best so far gently; each ends with a descent from its own
   best.  The leftover of one restart's share passes to the next. */
dm_status ind_search(const dm_problem *p, const ind_options *o, ind_result *r, dm_error *err) {
    dm_status s = dm_problem_validate(p, err);
    if (s) return s;
    ctx *c = calloc(1, sizeof *c);
    if (!c) return DM_ERR_NOMEM;
    c->p = p;
    c->n = p->n_superblocks, c->nv = n_vars(p), c->g = p->granularity;
    c->rng = o->seed ? o->seed : IND_SEED;
    dm_problem_score(p, &c->sp);
    base_arch(p, &c->base);
    int64_t many = o->max_evals / EVALS_PER_RESTART;
    int32_t restarts = o->restarts > 0 ? o->restarts : many > IND_RESTARTS ? (int32_t)many : IND_RESTARTS;
    pt x0;
    smallest(c, &x0);
    ev e0 = evaluate(c, &x0);
    c->scale = fmax(1.0, fabs(e0.obj));
    if (e0.feasible) descend(c, x0, (int64_t)(FIRST_SHARE * o->max_evals));
    else {   /* the smallest design breaks a limit (rho, say): anneal into feasibility first */
        anneal(c, x0, (int64_t)(FIRST_SHARE * o->max_evals), T_HOT);
        if (c->found) descend(c, c->best, (int64_t)(FIRST_SHARE * o->max_evals));
    }
    /* past `restarts`, descents that stop early leave budget: more reheats use it */
    for (int32_t i = 0; o->max_evals - c->evals > o->max_evals / END_SHARE; i++) {
        if (c->found) c->scale = fmax(1.0, fabs(c->best_obj));
        int64_t share = (o->max_evals - c->evals) / (i < restarts ? restarts - i : 1);
        c->run_found = 0;
        if (i % 2 == 0 || !c->found) {
            anneal(c, x0, (int64_t)(ANNEAL_SHARE * share), T_HOT);
            if (c->run_found) descend(c, c->run_best, o->max_evals - c->evals);
        } else if (KICKS) kick_best(c, share);
        else {
            anneal(c, c->best, (int64_t)(ANNEAL_SHARE * share), T_REHEAT);
            if (c->run_found) descend(c, c->run_best, o->max_evals - c->evals);
        }
    }
    if (c->found && c->evals < o->max_evals) descend(c, c->best, o->max_evals - c->evals);
    result_of(c, r);
    free(c);
    return DM_OK;
}

const char *ind_recheck(const dm_problem *p, const dm_arch *a, double objective, char *why,
                        size_t n) {
    dm_score_params sp;
    dm_net *net = NULL;
    dm_metrics m;
    dm_limits lim;
    const char *bad = dc_layout(p, a, why, n);
    if (!bad) bad = dc_domains(p, a, why, n);
    if (!bad) bad = dc_roundtrip(a, why, n);
    if (bad) return bad;
    dm_problem_score(p, &sp);
    if (dm_net_create(a, &net, NULL) || dm_net_metrics(net, &sp, &m, NULL) ||
        dm_space_limits(p, net, &lim, NULL)) {
        dm_net_free(net);
        return BAD("the design does not build");
    }
    dm_net_free(net);
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++)
        if (!dm_constraint_met(p, &m, (dm_constraint)k))
            return BAD("%s %g over %g", dm_constraint_name((dm_constraint)k),
                          dm_constraint_value(&m, (dm_constraint)k),
                          dm_constraint_limit(p, (dm_constraint)k));
    for (int32_t i = 0; i < lim.n; i++)
        if (lim.hit[i].outside)
            return BAD("%s outside the space (dm_space_limits)", dm_limit_var_name(lim.hit[i].var));
    if (fabs(m.objective - objective) > 1e-9 * fmax(1.0, fabs(objective)))
        return BAD("objective %.6f on rebuild, %.6f reported", m.objective, objective);
    return NULL;
}

/* -------------------------------------------------------------- hold-outs */

/* A further problem: a family in a space, with what differs from its
   defaults.  Zero fields keep the default (kernels, depth cap, classes). */
typedef struct holdout {
    const char *name, *about;
    dm_block_kind family;
    dm_space space;
    int32_t head;              /* -1 = the family's default */
    int32_t input_size, stem_stride, n_sb;
    int32_t stride[8];
    int32_t depth_max, classes, granularity, max_layers;
    int32_t kernels[4];        /* 0-terminated; none = the space's */
    double macs, params, rho0;
    double peak;               /* max_peak_activation, 0 = none */
} holdout;

static const holdout holdouts[] = {
    {"ho-basic-c32", "basic, open, CIFAR-like 32 px, 3 superblocks, 10 classes",
     DM_BLOCK_BASIC, DM_SPACE_OPEN, -1, 32, 1, 3, {1, 2, 2}, 8, 10, 0, 0, {0}, 150e6, 1.5e6, 0.5, 0},
    {"ho-btn-160-k357", "bottleneck, open, 160 px, kernels 3/5/7",
     DM_BLOCK_BOTTLENECK, DM_SPACE_OPEN, -1, 160, 2, 5, {2, 2, 2, 1, 2}, 0, 0, 0, 0, {3, 5, 7},
     1.0e9, 8e6, 0.3, 0},
    {"ho-mb-paper-192", "mbconv+SE, paper space, 192 px, head",
     DM_BLOCK_MBCONV, DM_SPACE_PAPER, -1, 192, 2, 5, {1, 2, 2, 2, 2}, 0, 0, 0, 0, {0},
     300e6, 4e6, 0.5, 0},
    {"ho-mb-nohead-96", "mbconv+SE, open, 96 px, no head, 4 superblocks, rho0 1.0",
     DM_BLOCK_MBCONV, DM_SPACE_OPEN, 0, 96, 2, 4, {2, 2, 2, 2}, 0, 0, 0, 0, {3, 5, 7},
     40e6, 1e6, 1.0, 0},
    {"ho-btn-paper-320-head", "bottleneck, paper space, 320 px, with a head, rho0 0.2",
     DM_BLOCK_BOTTLENECK, DM_SPACE_PAPER, 1, 320, 2, 5, {2, 2, 2, 1, 2}, 0, 0, 0, 0, {0},
     4e9, 25e6, 0.2, 0},
    {"ho-basic-64-6sb", "basic, open, 64 px, 6 superblocks, params budget only, depth <= 6",
     DM_BLOCK_BASIC, DM_SPACE_OPEN, -1, 64, 1, 6, {1, 2, 1, 2, 2, 1}, 6, 100, 0, 0, {0},
     0, 5e6, 0.8, 0},
    {"ho-mb-open-256-caps", "mbconv+SE, open, 256 px, granularity 16, <= 80 layers, peak cap",
     DM_BLOCK_MBCONV, DM_SPACE_OPEN, -1, 256, 2, 5, {1, 2, 2, 2, 2}, 10, 0, 16, 80, {0},
     600e6, 6e6, 0.5, 2.5e6},
    {"ho-btn-open-128-rho", "bottleneck, open, 128 px, head, tight rho0 0.15, MACs budget only",
     DM_BLOCK_BOTTLENECK, DM_SPACE_OPEN, 1, 128, 2, 4, {2, 2, 2, 2}, 0, 0, 0, 0, {0},
     500e6, 0, 0.15, 0},
};

#define N_HOLDOUTS ((int32_t)(sizeof holdouts / sizeof holdouts[0]))

int32_t ind_holdout_count(void) { return N_HOLDOUTS; }
const char *ind_holdout_name(int32_t i) { return i >= 0 && i < N_HOLDOUTS ? holdouts[i].name : NULL; }
const char *ind_holdout_about(int32_t i) { return i >= 0 && i < N_HOLDOUTS ? holdouts[i].about : NULL; }

dm_status ind_holdout_problem(int32_t i, dm_problem *p, dm_error *err) {
    if (i < 0 || i >= N_HOLDOUTS) {
        if (err) err->code = DM_ERR_INVALID, snprintf(err->msg, sizeof err->msg, "no hold-out %d", i);
        return DM_ERR_INVALID;
    }
    const holdout *h = &holdouts[i];
    dm_problem_default(p, h->family);
    dm_status s = dm_problem_set_space(p, h->space, err);
    if (s) return s;
    if (h->head >= 0) p->head = h->head;
    p->input_size = h->input_size;
    p->stem_stride = h->stem_stride;
    p->n_superblocks = h->n_sb;
    for (int32_t j = 0; j < h->n_sb; j++) {
        p->stride[j] = h->stride[j];
        if (h->depth_max) p->depth_max[j] = h->depth_max;
    }
    if (h->classes) p->classes = h->classes;
    if (h->granularity) p->granularity = h->granularity;
    p->max_layers = h->max_layers;
    if (h->kernels[0]) {
        for (p->n_kernels = 0; p->n_kernels < 4 && h->kernels[p->n_kernels]; p->n_kernels++)
            p->kernels[p->n_kernels] = h->kernels[p->n_kernels];
    }
    p->max_macs = (int64_t)h->macs;
    p->max_params = (int64_t)h->params;
    p->max_peak_activation = (int64_t)h->peak;
    p->rho0 = h->rho0;
    return dm_problem_validate(p, err);
}
