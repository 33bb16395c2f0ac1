/*
** solver_search.c -- the incumbent: a deterministic greedy-and-repair
** local search over the integer variables, then restarts of a simulated
** annealing walk.
**
** Growth: from the smallest design, repeatedly take the single upward
** step (one variable up by one grid step or by ~1/16 of its value, a
** larger kernel, one more block) with the best objective gain per unit of
** budget used, keeping every constraint; while rho is still too high,
** take the step that lowers the excess most.  Repair ("ruin and regrow"):
** move one variable down, regrow with that variable frozen, and keep the
** result when the objective rises: this trades budget between
** superblocks, which single upward steps cannot do.  Restarts: ruin and
** regrow stops in a basin whose depth vector is wrong (moving depth
** between superblocks needs every width re-balanced at once), so
** simulated annealing walks, on the objective less a penalty per unit of
** constraint excess (so through infeasible designs), cross between
** basins; most of their steps trade one variable down against another
** up, which keeps them near the binding budgets, and some move a run of
** equal widths together (an mbconv block without its expand conv keeps
** its inner width at its input's).  Each walk starts from
** the local optimum or, every other one, from the best design so far,
** and ends with a polish (budget exchanges, pair moves, ridge steps that
** move many widths at once along the objective's gradient projected off
** the binding budgets).  Depth walks follow: one block more, fewer or
** moved between superblocks, each moved design re-balanced and searched
** by a cooler walk over every other variable, short walks ranking the
** moves and long ones for the best; a last polish ends the search, with
** cube steps: every combination of small moves of the groups of equal
** widths, predicted from each move alone, the best predicted evaluated;
** then skeleton steps: each inner width one step up or down, the budgets
** repaired by cube steps of the other widths, and a last polish of each;
** then basin walks: every depth move of the answer and of the best other
** restarts' designs repaired the same way, and the best few depth
** vectors walked over their widths and polished.
** Every step is counted, never timed, and the walks' random numbers come
** from a fixed seed, so the answer is the same on every run.
*/
#include "solver.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>

#define MAX_EVALS_LOCAL 400000   /* evaluation budget of growth and repair */

/* Variable ids: 0 stem, 1 head, then 4 per superblock (c, m, k, d). */
enum { V_STEM, V_HEAD, V_SB };
#define VAR_COUNT(n) (V_SB + 4 * (n))

static int is_depth(int var) { return var >= V_SB && (var - V_SB) % 4 == 3; }
/* The stem, the head, a superblock's c or m (not a kernel or depth). */
static int is_width(int var) { return var < V_SB || (var - V_SB) % 4 < 2; }

static int32_t gstep(int32_t g, int32_t v, int big) {
    if (!big) return g;
    int32_t s = (v / 16) / g * g;
    return s > g ? s : 2 * g;
}

/* v within item `item`'s width range (dmi_item_range). */
static int32_t clamp_ch(const dmi_ctx *x, int32_t item, int32_t v) {
    int32_t lo, hi;
    dmi_item_range(&x->p, item, &lo, &hi);
    return v < lo ? lo : v > hi ? hi : v;
}

/* The stem and head back in their ranges after a move (the head's
   depends on the last superblock's width); what cannot be mended there
   (a stem above the first superblock) the evaluation finds infeasible. */
static void mend_ends(const dmi_ctx *x, dmi_cand *c) {
    c->stem = clamp_ch(x, 0, c->stem);
    if (!x->p.head) return;
    int32_t lo, hi;
    dmi_head_range(&x->p, c->sb[x->n - 1].c, &lo, &hi);
    if (c->head > hi) c->head = hi;
    if (c->head < lo) c->head = lo;
}

/* Keep m in its range and, with guideline 3, widths non-decreasing:
   after setting variable `var`, push the others out of its way. */
static void repair(const dmi_ctx *x, dmi_cand *c, int var, int up) {
    int32_t n = x->n;
    if (!x->p.drop_monotone) {
        int32_t i = var == V_STEM ? -1 : var == V_HEAD ? n : (var - V_SB) / 4;
        int32_t v = i < 0 ? c->stem : i >= n ? c->head : c->sb[i].c;
        if (up)
            for (int32_t j = i + 1; j <= n; j++) {
                int32_t *w = j < n ? &c->sb[j].c : (x->p.head ? &c->head : NULL);
                if (w && *w < v) *w = v;
            }
        else
            for (int32_t j = i - 1; j >= -1; j--) {
                int32_t *w = j >= 0 ? &c->sb[j].c : &c->stem;
                if (*w > v) *w = v;
            }
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t lo, hi;
        dmi_inner_range(&x->p, c->sb[i].c, &lo, &hi);
        if (c->sb[i].m < lo) c->sb[i].m = lo;
        if (c->sb[i].m > hi) c->sb[i].m = hi;
    }
    mend_ends(x, c);
}

/* The value of width variable `var` (stem, head, a superblock's c or m). */
static int32_t width_of(const dmi_cand *c, int var) {
    if (var == V_STEM) return c->stem;
    if (var == V_HEAD) return c->head;
    const dmi_sbvar *sb = &c->sb[(var - V_SB) / 4];
    return (var - V_SB) % 4 ? sb->m : sb->c;
}

static int kernel_index(const dm_problem *p, int32_t k) {
    for (int i = 0; i < p->n_kernels; i++)
        if (p->kernels[i] == k) return i;
    return 0;
}

/* Width variable `var` (stem, head, a superblock's c or m) set to v,
   clamped to its range, others pushed out of its way (repair); 0 when
   it did not change or `var` is not a width. */
static int set_width(const dmi_ctx *x, dmi_cand *c, int var, int32_t v) {
    int32_t *w, lo, hi, item;
    if (var == V_STEM) w = &c->stem, item = 0;
    else if (var == V_HEAD) {
        if (!x->p.head) return 0;
        w = &c->head, item = x->n + 1;
    } else if ((var - V_SB) % 4 == 1) {   /* inner width: its range follows c */
        dmi_sbvar *sb = &c->sb[(var - V_SB) / 4];
        int32_t old = sb->m;
        dmi_inner_range(&x->p, sb->c, &lo, &hi);
        sb->m = v < lo ? lo : v > hi ? hi : v;
        return sb->m != old;
    } else if ((var - V_SB) % 4 == 0) w = &c->sb[(var - V_SB) / 4].c, item = (var - V_SB) / 4 + 1;
    else return 0;
    int32_t old = *w;
    *w = clamp_ch(x, item, v);
    if (*w == old) return 0;
    repair(x, c, var, *w > old);
    return 1;
}

/* *c from *from with, for each group g, every width equal to variable
   rep[g]'s moved together by step[g] grid steps (the stem, the head, each
   superblock's c and m, each clamped to its range), then repaired
   pushing the others up (`up`) or down: widths that are equal stay
   equal.  A torchvision mbconv block whose inner width is its input's
   has no expand conv, so moving such a run of widths one at a time
   passes through designs that pay for an expand conv; this move does
   not. */
static void move_tied(const dmi_ctx *x, const dmi_cand *from, const int *rep, const int32_t *step,
                      int ng, int up, dmi_cand *c) {
    *c = *from;
    for (int g = 0; g < ng; g++) {
        int32_t v = width_of(from, rep[g]), to = v + step[g] * x->p.granularity;
        if (from->stem == v) c->stem = clamp_ch(x, 0, to);
        for (int32_t i = 0; i < x->n; i++) {
            if (from->sb[i].c == v) c->sb[i].c = clamp_ch(x, i + 1, to);
            if (from->sb[i].m == v) c->sb[i].m = to;   /* repair clamps it */
        }
        if (x->p.head && from->head == v) c->head = to;
    }
    repair(x, c, V_STEM, up);
    for (int32_t i = 0; i < x->n; i++) repair(x, c, V_SB + 4 * i, up);
}

/* Width variable `var` moved by `delta` grid steps with every width
   equal to it (move_tied); 0 when nothing changed or `var` is no width. */
static int tie_move(const dmi_ctx *x, dmi_cand *c, int var, int32_t delta) {
    if (!is_width(var)) return 0;
    dmi_cand old = *c;
    move_tied(x, &old, &var, &delta, 1, delta > 0, c);
    return memcmp(&old, c, sizeof old) != 0;
}

/* Move variable `var` by `delta` units (grid steps for widths, positions
   for kernels, blocks for depths), clamped to its range.  Returns 0 when
   nothing changed. */
static int move_by(const dmi_ctx *x, dmi_cand *c, int var, int32_t delta) {
    const dm_problem *p = &x->p;
    if (is_width(var)) return set_width(x, c, var, width_of(c, var) + delta * p->granularity);
    int32_t i = (var - V_SB) / 4, old;
    dmi_sbvar *s = &c->sb[i];
    if (!is_depth(var)) {   /* the kernel */
        int ki = kernel_index(p, s->k) + delta;
        old = s->k;
        s->k = p->kernels[ki < 0 ? 0 : ki >= p->n_kernels ? p->n_kernels - 1 : ki];
        return s->k != old;
    }
    old = s->d;
    s->d += delta;
    if (s->d < p->depth_min[i]) s->d = p->depth_min[i];
    if (s->d > p->depth_max[i]) s->d = p->depth_max[i];
    return s->d != old;
}

/* Move variable `var` up (dir > 0) or down by a small step (one unit) or
   a big one (widths ~1/16 of their value, depths 2; kernels have none).
   Returns 0 when the variable is already at its limit. */
static int move(const dmi_ctx *x, dmi_cand *c, int var, int dir, int big) {
    int32_t u = 1;
    if (big && !is_width(var) && !is_depth(var)) return 0;   /* a kernel */
    if (big && is_depth(var)) u = 2;
    else if (big) u = gstep(x->p.granularity, width_of(c, var), 1) / x->p.granularity;
    return move_by(x, c, var, dir * u);
}

/* The largest share of a priced budget (constraint table) the step uses. */
static double budget_use(const dm_problem *p, const dmi_eval *a, const dmi_eval *b) {
    double u = 0;
    for (int c = 0; c < DM_CONSTRAINT_COUNT; c++) {
        double limit = dm_constraint_limit(p, (dm_constraint)c);
        if (dmi_constraint_priced((dm_constraint)c) && limit > 0)
            u = fmax(u, (b->value[c] - a->value[c]) / limit);
    }
    return fmax(u, 1e-12);
}

/* Is `e` (reached from `cur`) a better next step than the best so far? */
static double step_score(const dm_problem *p, const dmi_eval *cur, const dmi_eval *e) {
    if (cur->excess > 0) /* still infeasible: lower the excess */
        return e->excess < cur->excess ? 1e12 * (cur->excess - e->excess) + e->objective * 1e-6 : -1;
    if (e->excess > 0 || e->objective <= cur->objective + 1e-12) return -1;
    return (e->objective - cur->objective) / budget_use(p, cur, e);
}

/* Greedy growth from *c; `frozen` is a variable that may not move (-1 none). */
static dm_status grow(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int frozen, int64_t limit,
                      dm_error *err) {
    int nv = VAR_COUNT(x->n);
    for (;;) {
        double best = -1;
        dmi_cand bc = *c;
        dmi_eval be = *ce;
        for (int var = 0; var < nv && x->evals < limit; var++) {
            if (var == frozen) continue;
            for (int big = 0; big < 2; big++) {
                dmi_cand t = *c;
                dmi_eval te;
                if (!move(x, &t, var, +1, big)) continue;
                dm_status s = dmi_cand_eval(x, &t, &te, err);
                if (s) return s;
                double sc = step_score(&x->p, ce, &te);
                if (sc > best) { best = sc; bc = t; be = te; }
            }
        }
        if (best < 0) return DM_OK;
        *c = bc;
        *ce = be;
    }
}

void dmi_cand_smallest(const dmi_ctx *x, dmi_cand *c, int kernel_top) {
    int32_t lo, hi;
    memset(c, 0, sizeof *c);
    c->stem = clamp_ch(x, 0, 0);
    for (int32_t i = 0; i < x->n; i++) {
        c->sb[i].c = x->p.drop_monotone ? dmi_grid_lo(&x->p) : c->stem;
        dmi_inner_range(&x->p, c->sb[i].c, &lo, &hi);
        c->sb[i].m = lo;
        c->sb[i].k = x->p.kernels[kernel_top ? x->p.n_kernels - 1 : 0];
        c->sb[i].d = x->p.depth_min[i];
    }
    dmi_head_range(&x->p, c->sb[x->n - 1].c, &lo, &hi);
    c->head = x->p.head ? lo : 0;
}

/* One round of ruin-and-regrow over every variable; 1 if it improved. */
static dm_status refine_round(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int64_t limit, int *improved,
                              dm_error *err) {
    int nv = VAR_COUNT(x->n);
    *improved = 0;
    for (int var = 0; var < nv && x->evals < limit; var++)
        for (int big = 0; big < 2; big++) {
            dmi_cand t = *c;
            dmi_eval te;
            if (!move(x, &t, var, -1, big)) continue;
            dm_status s = dmi_cand_eval(x, &t, &te, err);
            if (!s) s = grow(x, &t, &te, var, limit, err);
            if (s) return s;
            if (te.excess == 0 && te.objective > ce->objective + 1e-9) {
                *c = t;
                *ce = te;
                *improved = 1;
            }
        }
    return DM_OK;
}

/* xorshift64: the walk is pseudo-random but the same on every run. */
static int32_t next_rand(uint64_t *st, int32_t n) {
    *st ^= *st << 13, *st ^= *st >> 7, *st ^= *st << 17;
    return (int32_t)(*st % (uint64_t)n);
}

/* The restarts (measured on the presets of both spaces against the best
   known, bench/README.md "Restarts"). */
#define RESTARTS 5            /* walks at the default effort ... */
#define RESTART_EVALS 100000  /* ... of this many steps each */
#define WALK_T0 0.01          /* a restart's first temperature, as a share of the best
                                 objective; even restarts start from the local optimum */
#define WALK_T_REHEAT 0.002   /* ... odd ones from the best design so far, cooler */
#define WALK_T_END 1e-5       /* the last temperature, reached geometrically: most steps
                                 are taken cool, where a walk settles a basin */
#define WALK_PENALTY 1.0      /* objective lost per unit of excess, as a multiple of the
                                 best objective: a 1% overrun costs 1% (3 was 2.6x worse) */
#define P_EXCHANGE 0.6        /* share of steps that move one variable down, another up:
                                 they keep the walk near the binding budgets */
#define P_SNAP 0.03           /* share of steps that set an inner width to an end of its
                                 range or to its input's width (the expand conv vanishes) */
#define POLISH_EVALS 30000    /* exchange and pair moves after each restart */
#define P_TIE 0.2             /* share of the steps on a width that move every width equal
                                 to it along (tie_move): 0.2 and 0.3 measured best of
                                 0.05-0.6 (bench/README.md "Tied widths") */
#define RAND_RES 1000000      /* resolution of the acceptance draw */
/* The depth walks after the restarts (depth_walks). */
#define DEPTH_EVALS 60000        /* all depth walks together */
#define DEPTH_SCREEN_EVALS 3000  /* the short walk that ranks one depth move */
#define DEPTH_WALK_TOP 3         /* the best-ranked moves of a pass ... */
#define DEPTH_WALK_EVALS 30000   /* ... get a walk this long */
#define DEPTH_WALK_T0 WALK_T_REHEAT   /* their first temperature: they refine one basin */
#define DEPTH_IDLE_PASSES 2      /* passes in a row without a better design end them */
/* More effort (dm_problem.effort > 1) buys more restarts: effort E runs
   (E - 1) / EFFORT_PER_RESTART more, at most MAX_RESTARTS in all, and
   depth walks after them. */
#define EFFORT_PER_RESTART 1
#define MAX_RESTARTS 64

static double unit_rand(uint64_t *st) { return (next_rand(st, RAND_RES) + 0.5) / RAND_RES; }

/* A random step for variable `var`, in its units: a width mostly one
   grid step, sometimes up to an eighth or a half of its value; a depth
   1..3; a kernel one position. */
static int32_t rand_step(const dmi_ctx *x, uint64_t *st, const dmi_cand *c, int var) {
    if (!is_width(var)) return is_depth(var) && unit_rand(st) < 0.25 ? 2 + next_rand(st, 2) : 1;
    double u = unit_rand(st);
    if (u < 0.5) return 1;
    return 1 + next_rand(st, width_of(c, var) / x->p.granularity / (u < 0.9 ? 8 : 2) + 1);
}

/* A random variable, never a depth unless `depths`. */
static int rand_var(const dmi_ctx *x, uint64_t *st, int depths) {
    int var;
    do var = next_rand(st, VAR_COUNT(x->n));
    while (!depths && is_depth(var));
    return var;
}

/* One random neighbour of *c: an inner width snapped (P_SNAP), a width
   moved with every width equal to it (P_TIE), an exchange (P_EXCHANGE),
   or one variable up or down; 0 when nothing changed. */
static int propose(const dmi_ctx *x, uint64_t *st, dmi_cand *c, int depths) {
    if (unit_rand(st) < P_SNAP) {
        int32_t i = next_rand(st, x->n), which = next_rand(st, 3);   /* set_width clamps to the range */
        int32_t v = which == 0 ? 0 : which == 1 ? INT32_MAX : i ? c->sb[i - 1].c : c->stem;
        return set_width(x, c, V_SB + 4 * i + 1, v);
    }
    int a = rand_var(x, st, depths);
    if (is_width(a) && unit_rand(st) < P_TIE)
        return tie_move(x, c, a, unit_rand(st) < 0.5 ? -rand_step(x, st, c, a) : rand_step(x, st, c, a));
    if (unit_rand(st) < P_EXCHANGE) {
        int b;
        do b = rand_var(x, st, depths);
        while (b == a);
        int ch = move_by(x, c, a, -rand_step(x, st, c, a));
        return move_by(x, c, b, rand_step(x, st, c, b)) | ch;
    }
    return move_by(x, c, a, unit_rand(st) < 0.5 ? -rand_step(x, st, c, a) : rand_step(x, st, c, a));
}

static double penalised(const dmi_eval *e, double pen) { return e->objective - pen * e->excess; }

/* *best becomes c when c is feasible and better than *be, or *be is not
   (be->excess > 0: none yet); 1 when it did. */
static int take_better(dmi_cand *best, dmi_eval *be, const dmi_cand *c, const dmi_eval *e) {
    if (e->excess > 0 || (be->excess == 0 && e->objective <= be->objective + 1e-9)) return 0;
    *best = *c;
    *be = *e;
    return 1;
}

/* A simulated annealing walk of `len` steps from *from (evaluated as
   *fe): the objective less WALK_PENALTY x `scale` per unit of excess
   (so it crosses infeasible designs), the temperature falling
   geometrically from t0 x `scale` to WALK_T_END x `scale`; the depths
   move only when `depths`.  *best keeps the best feasible design seen
   when it beats *be (take_better). */
static dm_status walk(dmi_ctx *x, uint64_t *st, const dmi_cand *from, const dmi_eval *fe,
                      int64_t len, double t0, int depths, double scale, dmi_cand *best,
                      dmi_eval *be, dm_error *err) {
    double pen = WALK_PENALTY * scale, temp = t0 * scale, cool = pow(WALK_T_END / t0, 1.0 / (double)len);
    dmi_cand cur = *from;
    dmi_eval ce = *fe;
    take_better(best, be, &cur, &ce);
    for (int64_t it = 0; it < len; it++, temp *= cool) {
        dmi_cand t = cur;
        dmi_eval te;
        if (!propose(x, st, &t, depths)) continue;   /* a wasted step counts too */
        dm_status s = dmi_cand_eval(x, &t, &te, err);
        if (s) return s;
        double d = penalised(&te, pen) - penalised(&ce, pen);
        if (d < 0 && unit_rand(st) >= exp(d / temp)) continue;
        cur = t;
        ce = te;
        take_better(best, be, &t, &te);
    }
    return DM_OK;
}

/* One pass of the pair polish: the best feasible design among every
   single move and every pair of single moves (variable, direction, small
   or big step) from *c; 1 when it is better than *c. */
static dm_status pair_pass(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int64_t limit, int *improved,
                           dm_error *err) {
    int nm = 4 * VAR_COUNT(x->n);   /* move a: variable a/4, up when a%4 >= 2, big when odd */
    dmi_cand bc = *c;
    dmi_eval be = *ce;
    *improved = 0;
    for (int a = 0; a < nm && x->evals < limit; a++) {
        dmi_cand t = *c;
        if (!move(x, &t, a / 4, a % 4 >= 2 ? 1 : -1, a % 2)) continue;
        for (int b = a; b < nm; b++) {   /* b == a: the single move */
            dmi_cand u = t;
            dmi_eval ue;
            if (b > a && !move(x, &u, b / 4, b % 4 >= 2 ? 1 : -1, b % 2)) continue;
            dm_status s = dmi_cand_eval(x, &u, &ue, err);
            if (s) return s;
            if (ue.excess == 0 && ue.objective > be.objective + 1e-9) { bc = u; be = ue; *improved = 1; }
        }
    }
    *c = bc;
    *ce = be;
    return DM_OK;
}

/* Width `var` of the feasible *c up as far as the constraints allow:
   double the number of grid steps while feasible, then bisect.  *c and
   *ce become the widest feasible one found (unchanged when none is). */
static dm_status grow_max(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int var, dm_error *err) {
    int32_t g = x->p.granularity;   /* inner widths too are on the channel grid */
    int32_t base = width_of(c, var), ok = 0, bad = -1;
    dmi_cand best = *c;
    dmi_eval be = *ce;
    for (int32_t k = 1; bad < 0; k *= 2) {
        dmi_cand t = *c;
        dmi_eval te;
        if (!set_width(x, &t, var, base + k * g)) break;   /* at the top */
        dm_status s = dmi_cand_eval(x, &t, &te, err);
        if (s) return s;
        if (te.excess > 0) bad = k;
        else { ok = k; best = t; be = te; }
        if (width_of(&t, var) < base + k * g) break;   /* clamped: the top */
    }
    while (bad > ok + 1) {
        int32_t k = ok + (bad - ok) / 2;
        dmi_cand t = *c;
        dmi_eval te;
        set_width(x, &t, var, base + k * g);
        dm_status s = dmi_cand_eval(x, &t, &te, err);
        if (s) return s;
        if (te.excess > 0) bad = k;
        else { ok = k; best = t; be = te; }
    }
    *c = best;
    *ce = be;
    return DM_OK;
}

/* One pass of budget exchanges: every single downward move (any
   variable, small or big step) followed by one width grown as far as
   the constraints allow; the best such design replaces *c when better. */
static dm_status exchange_pass(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int64_t limit, int *improved,
                               dm_error *err) {
    int nv = VAR_COUNT(x->n);
    dmi_cand bc = *c;
    dmi_eval be = *ce;
    *improved = 0;
    for (int a = 0; a < 2 * nv && x->evals < limit; a++) {
        dmi_cand t = *c;
        dmi_eval te;
        if (!move(x, &t, a / 2, -1, a % 2)) continue;
        dm_status s = dmi_cand_eval(x, &t, &te, err);
        if (s) return s;
        if (te.excess > 0) continue;
        for (int var = 0; var < nv; var++) {
            if (!is_width(var)) continue;
            if (var == a / 2) continue;
            dmi_cand u = t;
            dmi_eval ue = te;
            s = grow_max(x, &u, &ue, var, err);
            if (s) return s;
            if (ue.objective > be.objective + 1e-9) { bc = u; be = ue; *improved = 1; }
        }
    }
    *c = bc;
    *ce = be;
    return DM_OK;
}

/* The ridge step (polish): when every budget binds, a better design of
   the same depths and kernels may need four or more widths moved at once
   (open b0's best known differs from the default's answer in seven),
   which no single or pair move finds.  The objective's gradient, taken
   over the groups of equal widths (each moved as move_tied moves it, one
   grid step), is projected off the gradients of the budgets within
   RIDGE_ACTIVE of their limits; the widths move along that direction by
   each of ridge_steps grid steps (its largest component), the design is
   made feasible again (ridge_shed) and grown (grow). */
#define RIDGE_ACTIVE 0.01     /* a budget this close to its limit (share) binds */
#define RIDGE_MAX_BOUND 3     /* binding budgets projected off, at most */
#define RIDGE_SHED 4          /* steps down to feasibility after a ridge move */
#define RIDGE_GROUPS (V_SB + 2 * DM_MAX_SUPERBLOCKS)   /* width variables */
static const int32_t ridge_steps[] = {1, 2, 3, 4, 6, 8, 12};

/* The groups of equal widths of *c: one variable of each in rep. */
static int ridge_groups(const dmi_ctx *x, const dmi_cand *c, int rep[RIDGE_GROUPS]) {
    int ng = 0;
    for (int var = 0; var < VAR_COUNT(x->n); var++) {
        if (!is_width(var) || (var == V_HEAD && !x->p.head)) continue;
        int dup = 0;
        for (int g = 0; g < ng; g++) dup |= width_of(c, rep[g]) == width_of(c, var);
        if (!dup) rep[ng++] = var;
    }
    return ng;
}

/* a z = b for k <= RIDGE_MAX_BOUND unknowns, Gaussian elimination with
   partial pivoting; 0 when a is singular. */
static int ridge_solve(int k, double a[RIDGE_MAX_BOUND][RIDGE_MAX_BOUND], double b[RIDGE_MAX_BOUND],
                       double z[RIDGE_MAX_BOUND]) {
    for (int i = 0; i < k; i++) {
        int piv = i;
        for (int r = i + 1; r < k; r++)
            if (fabs(a[r][i]) > fabs(a[piv][i])) piv = r;
        if (fabs(a[piv][i]) < 1e-18) return 0;
        for (int col = 0; col < k; col++) {
            double t = a[i][col];
            a[i][col] = a[piv][col], a[piv][col] = t;
        }
        double t = b[i];
        b[i] = b[piv], b[piv] = t;
        for (int r = i + 1; r < k; r++) {
            double f = a[r][i] / a[i][i];
            for (int col = i; col < k; col++) a[r][col] -= f * a[i][col];
            b[r] -= f * b[i];
        }
    }
    for (int i = k - 1; i >= 0; i--) {
        z[i] = b[i];
        for (int col = i + 1; col < k; col++) z[i] -= a[i][col] * z[col];
        z[i] /= a[i][i];
    }
    return 1;
}

/* Feasible again: at most `rounds` times, the single width step down
   (one variable, or its group by tie_move) that removes the most excess
   per objective lost; the first feasible one ends it. */
static dm_status ridge_shed(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int rounds, dm_error *err) {
    for (int r = 0; r < rounds && ce->excess > 0; r++) {
        double best = -HUGE_VAL;
        dmi_cand bc = *c;
        dmi_eval be = *ce;
        for (int var = 0; var < VAR_COUNT(x->n); var++) {
            if (!is_width(var)) continue;
            for (int tied = 0; tied < 2; tied++) {
                dmi_cand t = *c;
                dmi_eval te;
                if (!(tied ? tie_move(x, &t, var, -1) : move_by(x, &t, var, -1))) continue;
                dm_status s = dmi_cand_eval(x, &t, &te, err);
                if (s) return s;
                double gain = ce->excess - te.excess;
                if (gain <= 0) continue;
                double sc = te.excess == 0 ? 1e30 + te.objective
                                           : gain / fmax(ce->objective - te.objective, 1e-9);
                if (sc > best) { best = sc; bc = t; be = te; }
            }
        }
        if (best == -HUGE_VAL) break;
        *c = bc;
        *ce = be;
    }
    return DM_OK;
}

/* Gradients (one grid step of each group; down where up cannot move):
   gf of the objective, gb[j] of binding budget bind[j] as a share of
   its limit. */
static dm_status ridge_gradients(dmi_ctx *x, const dmi_cand *c, const dmi_eval *ce, const int *rep,
                                 int ng, const int *bind, int nb, double *gf,
                                 double gb[RIDGE_MAX_BOUND][RIDGE_GROUPS], dm_error *err) {
    for (int g = 0; g < ng; g++) {
        dmi_cand t = *c;
        dmi_eval te;
        double sg = 1;
        gf[g] = 0;
        for (int j = 0; j < nb; j++) gb[j][g] = 0;
        if (!tie_move(x, &t, rep[g], +1)) {
            t = *c, sg = -1;
            if (!tie_move(x, &t, rep[g], -1)) continue;
        }
        dm_status s = dmi_cand_eval(x, &t, &te, err);
        if (s) return s;
        gf[g] = sg * (te.objective - ce->objective);
        for (int j = 0; j < nb; j++)
            gb[j][g] = sg * (te.value[bind[j]] - ce->value[bind[j]]) /
                       dm_constraint_limit(&x->p, (dm_constraint)bind[j]);
    }
    return DM_OK;
}

/* The direction d of most ascent that no binding budget rises along:
   gf projected off the gradients of each subset of the binding budgets
   (an active set, enumerated: at most 2^RIDGE_MAX_BOUND), the best of
   those that keep every binding budget from rising; 0 when none ascends. */
static int ridge_direction(int ng, const double *gf, int nb, double gb[RIDGE_MAX_BOUND][RIDGE_GROUPS],
                           double *d) {
    double best = 0, t[RIDGE_GROUPS];
    for (int sub = 0; sub < 1 << nb; sub++) {
        int ks[RIDGE_MAX_BOUND], k = 0;
        double a[RIDGE_MAX_BOUND][RIDGE_MAX_BOUND], b[RIDGE_MAX_BOUND], z[RIDGE_MAX_BOUND] = {0};
        for (int j = 0; j < nb; j++)
            if (sub >> j & 1) ks[k++] = j;
        for (int i = 0; i < k; i++) {
            b[i] = 0;
            for (int g = 0; g < ng; g++) b[i] += gb[ks[i]][g] * gf[g];
            for (int j = 0; j < k; j++) {
                a[i][j] = 0;
                for (int g = 0; g < ng; g++) a[i][j] += gb[ks[i]][g] * gb[ks[j]][g];
            }
        }
        if (k && !ridge_solve(k, a, b, z)) continue;
        double v = 0, n2 = 0;
        for (int g = 0; g < ng; g++) {
            t[g] = gf[g];
            for (int i = 0; i < k; i++) t[g] -= z[i] * gb[ks[i]][g];
            v += t[g] * gf[g], n2 += t[g] * t[g];
        }
        int ok = v > best;
        for (int j = 0; j < nb && ok; j++) {
            double rise = 0;
            for (int g = 0; g < ng; g++) rise += gb[j][g] * t[g];
            ok = rise <= 1e-9 * sqrt(n2);
        }
        if (ok) best = v, memcpy(d, t, sizeof(double) * (size_t)ng);
    }
    return best > 0;
}

/* One ridge step from the feasible *c; 1 in *improved when a design
   better than *c replaced it. */
static dm_status ridge_pass(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int64_t limit, int *improved,
                            dm_error *err) {
    int rep[RIDGE_GROUPS], bind[RIDGE_MAX_BOUND], nb = 0, ng = ridge_groups(x, c, rep);
    double gf[RIDGE_GROUPS], gb[RIDGE_MAX_BOUND][RIDGE_GROUPS], d[RIDGE_GROUPS], dmax = 0;
    *improved = 0;
    for (int k = 0; k < DM_CONSTRAINT_COUNT && nb < RIDGE_MAX_BOUND; k++) {
        double lim = dm_constraint_limit(&x->p, (dm_constraint)k);
        if (lim > 0 && ce->value[k] > lim * (1 - RIDGE_ACTIVE)) bind[nb++] = k;
    }
    dm_status s = ridge_gradients(x, c, ce, rep, ng, bind, nb, gf, gb, err);
    if (s || !ridge_direction(ng, gf, nb, gb, d)) return s;
    for (int g = 0; g < ng; g++) dmax = fmax(dmax, fabs(d[g]));
    dmi_cand bc = *c;
    dmi_eval be = *ce;
    for (int i = 0; i < DM_COUNTOF(ridge_steps) && x->evals < limit; i++) {
        int32_t step[RIDGE_GROUPS];
        dmi_cand t;
        dmi_eval te;
        for (int g = 0; g < ng; g++) step[g] = (int32_t)lround(ridge_steps[i] * d[g] / dmax);
        move_tied(x, c, rep, step, ng, 1, &t);
        s = dmi_cand_eval(x, &t, &te, err);
        if (!s && te.excess > 0) s = ridge_shed(x, &t, &te, RIDGE_SHED, err);
        if (!s && te.excess == 0) s = grow(x, &t, &te, -1, limit, err);
        if (s) return s;
        if (te.excess == 0 && te.objective > be.objective + 1e-9) { bc = t; be = te; *improved = 1; }
    }
    *c = bc;
    *ce = be;
    return DM_OK;
}

/* The cube step (the last polish): every combination of moves of the
   groups of equal widths by -CUBE_D..CUBE_D grid steps each (a cube of
   them), its objective and budgets predicted as the sums of each group's
   move alone (a linear model: one evaluation per move); the CUBE_TOP best
   predicted to stay within the limits are evaluated.  With every budget
   binding, a better design may be five single steps away in as many
   groups (open b0: two superblocks' c down and m up, and the head up),
   each step alone infeasible or worse, and too small for the ridge step's
   rounding to take.  A move pair's cross term (c x m of a block, both
   moved) is missing from the prediction, so a combination may be
   predicted over a limit by up to CUBE_SLACK of it.  The enumeration is a
   depth-first search, each group's moves best first, pruned by what the
   groups left can still add to the objective and must add to each budget,
   and stopped after CUBE_NODES nodes (paper 29m-288 would take 2.6
   million).  Measured in bench/README.md, "The cube step". */
#define CUBE_D 2
#define CUBE_MOVES (2 * CUBE_D + 1)   /* move j is j - CUBE_D grid steps */
#define CUBE_TOP 64
#define CUBE_SLACK 3e-4
#define CUBE_NODES (1 << 17)

/* Skeleton steps (skel_pass, issue #14): a repair's penalty per unit of
   relative excess, in objectives (3: the one value measured); its largest
   scale in grid steps; and the evaluations after which no more inner
   width moves start.  Measured in bench/README.md, "Skeleton steps". */
#define SKEL_PEN 3.0
#define SKEL_SCALE 8
#define SKEL_EVALS 60000

typedef struct cube {
    int ng;                                   /* groups (ridge_groups) */
    int can[RIDGE_GROUPS][CUBE_MOVES];        /* the move exists (not 0, within range) */
    double dobj[RIDGE_GROUPS][CUBE_MOVES];    /* objective change of the move alone */
    double dval[RIDGE_GROUPS][CUBE_MOVES][DM_CONSTRAINT_COUNT];   /* ... of each measure */
    int order[RIDGE_GROUPS][CUBE_MOVES];      /* each group's moves, largest dobj first */
    double rest_obj[RIDGE_GROUPS + 1];        /* the most groups g.. can add */
    double rest_val[RIDGE_GROUPS + 1][DM_CONSTRAINT_COUNT];   /* the least they can */
    int nk, ks[DM_CONSTRAINT_COUNT];          /* the limited constraints: only they are summed */
    double limit[DM_CONSTRAINT_COUNT];        /* their limits (a repair's excess) */
    double lim[DM_CONSTRAINT_COUNT];          /* ... CUBE_SLACK over (pruning) */
    int32_t step[RIDGE_GROUPS];               /* the combination being built */
    int64_t nodes;
    int scale;                                /* grid steps per move unit: 1 but in a repair */
    double pen;   /* 0: the budgets prune; > 0 (cube_repair): no pruning by budgets, a combination
                     ranks by its predicted gain less pen per unit of predicted relative excess */
    int nt;                                   /* the best predicted, best first */
    double top_gain[CUBE_TOP];
    int32_t top_step[CUBE_TOP][RIDGE_GROUPS];
} cube;

static double cube_gain(const cube *q, int g, int j) {
    return j == CUBE_D ? 0 : q->can[g][j] ? q->dobj[g][j] : -HUGE_VAL;
}

/* Group g's moves alone from *c, and their order (insertion sort). */
static dm_status cube_group(dmi_ctx *x, const dmi_cand *c, const dmi_eval *ce, int var, int g,
                            cube *q, dm_error *err) {
    for (int j = 0; j < CUBE_MOVES; j++) {
        dmi_cand t = *c;
        dmi_eval te;
        q->can[g][j] = j != CUBE_D && tie_move(x, &t, var, (j - CUBE_D) * q->scale);
        if (!q->can[g][j]) continue;
        dm_status s = dmi_cand_eval(x, &t, &te, err);
        if (s) return s;
        q->dobj[g][j] = te.objective - ce->objective;
        for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) q->dval[g][j][k] = te.value[k] - ce->value[k];
    }
    for (int j = 0; j < CUBE_MOVES; j++) {
        int i = j;
        for (; i > 0 && cube_gain(q, g, q->order[g][i - 1]) < cube_gain(q, g, j); i--)
            q->order[g][i] = q->order[g][i - 1];
        q->order[g][i] = j;
    }
    return DM_OK;
}

/* Every group's moves, the limits and the pruning sums. */
static dm_status cube_init(dmi_ctx *x, const dmi_cand *c, const dmi_eval *ce, const int *rep,
                           cube *q, dm_error *err) {
    q->nk = 0;
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) {
        double l = dm_constraint_limit(&x->p, (dm_constraint)k);
        q->limit[k] = l;
        q->lim[k] = l > 0 ? l * (1 + CUBE_SLACK) : HUGE_VAL;
        q->rest_val[q->ng][k] = 0;
        if (l > 0) q->ks[q->nk++] = k;
    }
    q->rest_obj[q->ng] = 0;
    for (int g = q->ng - 1; g >= 0; g--) {
        dm_status s = cube_group(x, c, ce, rep[g], g, q, err);
        if (s) return s;
        q->rest_obj[g] = q->rest_obj[g + 1];
        for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) q->rest_val[g][k] = q->rest_val[g + 1][k];
        double most = 0, least[DM_CONSTRAINT_COUNT] = {0};   /* no move: 0 */
        for (int j = 0; j < CUBE_MOVES; j++) {
            if (!q->can[g][j]) continue;
            most = fmax(most, q->dobj[g][j]);
            for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) least[k] = fmin(least[k], q->dval[g][j][k]);
        }
        q->rest_obj[g] += most;
        for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) q->rest_val[g][k] += least[k];
    }
    return DM_OK;
}

/* Keep the finished combination q->step (predicted gain `gain`) among
   the CUBE_TOP best. */
static void cube_keep(cube *q, double gain) {
    int i = q->nt < CUBE_TOP ? q->nt++ : CUBE_TOP - 1;
    for (; i > 0 && q->top_gain[i - 1] < gain; i--) {
        q->top_gain[i] = q->top_gain[i - 1];
        memcpy(q->top_step[i], q->top_step[i - 1], sizeof q->step);
    }
    q->top_gain[i] = gain;
    memcpy(q->top_step[i], q->step, sizeof q->step);
}

/* The least relative excess over the limits that groups g.. can leave,
   the measures being at val. */
static double cube_excess(const cube *q, int g, const double *val) {
    double ex = 0;
    for (int i = 0; i < q->nk; i++) {
        int k = q->ks[i];
        ex += dmi_excess_over(val[k] + q->rest_val[g][k], q->limit[k]);
    }
    return ex;
}

/* The moves of groups g.., those before it having added `gain` and taken
   the measures to val. */
static void cube_search(cube *q, int g, double gain, const double *val) {
    double floor = q->nt == CUBE_TOP ? q->top_gain[CUBE_TOP - 1] : q->pen > 0 ? -HUGE_VAL : 0;
    double score = gain;   /* less, in a repair, the least penalty left */
    q->nodes++;
    if (q->pen > 0)
        score -= q->pen * cube_excess(q, g, val);
    else
        for (int i = 0; i < q->nk; i++)
            if (val[q->ks[i]] + q->rest_val[g][q->ks[i]] > q->lim[q->ks[i]]) return;
    if (score + q->rest_obj[g] <= floor + 1e-9) return;
    if (g == q->ng) {
        cube_keep(q, score);
        return;
    }
    for (int o = 0; o < CUBE_MOVES && q->nodes < CUBE_NODES; o++) {
        int j = q->order[g][o];
        double v[DM_CONSTRAINT_COUNT] = {0};   /* the unlimited ones stay 0: never read */
        if (j != CUBE_D && !q->can[g][j]) continue;
        for (int i = 0; i < q->nk; i++) {
            int k = q->ks[i];
            v[k] = val[k] + (j != CUBE_D ? q->dval[g][j][k] : 0);
        }
        q->step[g] = j - CUBE_D;
        cube_search(q, g + 1, gain + (j != CUBE_D ? q->dobj[g][j] : 0), v);
    }
    q->step[g] = 0;
}

/* What a cube step ranks an evaluated design by: its objective if
   feasible (else nothing), or in a repair its objective less pen per unit
   of relative excess. */
static double cube_score(const cube *q, const dmi_eval *e) {
    if (q->pen > 0) return e->objective - q->pen * e->excess;
    return e->excess == 0 ? e->objective : -HUGE_VAL;
}

/* A cube step from *c: the width groups, but those of var's width (none
   if var < 0), move by -CUBE_D..CUBE_D multiples of `scale` grid steps;
   of the CUBE_TOP best predicted, evaluated while fewer than `limit`
   evaluations are spent, the best by cube_score replaces *c if better
   (1 in *improved). */
static dm_status cube_run(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int var, int scale, double pen,
                          int64_t limit, int *improved, dm_error *err) {
    int rep[RIDGE_GROUPS];
    cube *q = dmi_calloc(1, sizeof *q);   /* ~60 KB: off the stack */
    if (!q) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    int ng = ridge_groups(x, c, rep);
    for (int g = 0; g < ng; g++)
        if (var < 0 || width_of(c, rep[g]) != width_of(c, var)) rep[q->ng++] = rep[g];
    q->scale = scale;
    q->pen = pen;
    *improved = 0;
    dm_status s = cube_init(x, c, ce, rep, q, err);
    if (!s) cube_search(q, 0, 0, ce->value);
    dmi_cand bc = *c;
    dmi_eval be = *ce;
    double bs = cube_score(q, &be);
    for (int i = 0; !s && i < q->nt && x->evals < limit; i++) {
        dmi_cand t;
        dmi_eval te;
        int32_t step[RIDGE_GROUPS];
        for (int g = 0; g < q->ng; g++) step[g] = q->top_step[i][g] * scale;
        move_tied(x, c, rep, step, q->ng, 1, &t);
        s = dmi_cand_eval(x, &t, &te, err);
        if (!s && cube_score(q, &te) > bs + 1e-9) {
            bc = t;
            be = te;
            bs = cube_score(q, &be);
            *improved = 1;
        }
    }
    free(q);
    *c = bc;
    *ce = be;
    return s;
}

/* One cube step from the feasible *c; 1 in *improved when a design
   better than *c replaced it. */
static dm_status cube_pass(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int64_t limit, int *improved,
                           dm_error *err) {
    return cube_run(x, c, ce, -1, 1, 0, limit, improved, err);
}

/* Cube steps that repair the budgets of *c, which may break them, at
   SKEL_SCALE, SKEL_SCALE / 2, .. 1 grid steps: at each scale the width
   groups but those equal to var's width (none if var < 0) move by
   multiples of it, ranked with no budget pruning, and *c becomes the
   evaluated design (or *c itself) with the highest objective less
   SKEL_PEN objectives per unit of relative excess, feasible or not. */
static dm_status cube_repair(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int var, dm_error *err) {
    dm_status s = DM_OK;
    for (int scale = SKEL_SCALE, improved; !s && scale >= 1; scale /= 2)
        s = cube_run(x, c, ce, var, scale, SKEL_PEN * fabs(ce->objective), INT64_MAX, &improved,
                     err);
    return s;
}

/* Budget exchanges, pair moves and ridge steps until none improves
   *best or `evals` more evaluations are spent: the walk ends cold, but a
   step that needs two or more variables to move together (one budget
   traded for another) it rarely proposes at the right moment.  The
   `last` polish of the search also takes cube steps: in every polish,
   they would change which basins the restarts go on from, and on the
   presets that was no better on average (bench/README.md). */
static dm_status polish(dmi_ctx *x, dmi_cand *best, dmi_eval *be, int64_t evals, int last,
                        dm_error *err) {
    int64_t limit = x->evals + evals;
    for (int improved = 1; improved && x->evals < limit;) {
        int more = 0;
        dm_status s = exchange_pass(x, best, be, limit, &more, err);
        if (!s) s = pair_pass(x, best, be, limit, &improved, err);
        improved |= more;
        if (!s) s = ridge_pass(x, best, be, limit, &more, err);
        improved |= more;
        if (!s && !improved && last) s = cube_pass(x, best, be, limit, &improved, err);
        if (s) return s;
    }
    return DM_OK;
}

/* A depth-moved design's widths re-balanced before its screen walk:
   made feasible (ridge_shed), grown, then ridge steps while they improve
   (at most REBALANCE_RIDGES); the walk then starts near its basin's
   budgets instead of where the move left it. */
#define REBALANCE_SHED 16
#define REBALANCE_RIDGES 8
static dm_status rebalance(dmi_ctx *x, dmi_cand *c, dmi_eval *ce, int64_t limit, dm_error *err) {
    dm_status s = ce->excess > 0 ? ridge_shed(x, c, ce, REBALANCE_SHED, err) : DM_OK;
    if (!s && ce->excess == 0) s = grow(x, c, ce, -1, limit, err);
    for (int i = 0, more = 1; !s && more && ce->excess == 0 && i < REBALANCE_RIDGES; i++)
        s = ridge_pass(x, c, ce, limit, &more, err);
    return s;
}

/* Keep `c` (feasible, as e) among the `top` best of the ranked list
   r/re of *nr designs, best first. */
static void rank_keep(dmi_cand *r, dmi_eval *re, int *nr, int top, const dmi_cand *c,
                      const dmi_eval *e) {
    int i = *nr;
    if (i == top) {   /* full: the last gives way, or c is not kept */
        if (re[top - 1].objective >= e->objective) return;
        i = top - 1;
    } else
        (*nr)++;
    for (; i > 0 && re[i - 1].objective < e->objective; i--) r[i] = r[i - 1], re[i] = re[i - 1];
    r[i] = *c;
    re[i] = *e;
}

/* Depth move m of *c (m = a * (n + 1) + b: superblock a's depth down, b's
   up; a or b == n: none); 0 when it is no move or a depth is at its limit. */
static int depth_move(const dmi_ctx *x, dmi_cand *c, int32_t m) {
    int32_t n = x->n, a = m / (n + 1), b = m % (n + 1);
    if (a == b && a < n) return 0;
    if (a < n && !move(x, c, V_SB + 4 * a + 3, -1, 0)) return 0;
    if (b < n && !move(x, c, V_SB + 4 * b + 3, +1, 0)) return 0;
    return 1;
}

/* Depth moves, each searched by a walk over the other variables: every
   superblock's depth one up or down, and one block moved from one
   superblock to another (and no move: a walk over the widths alone).
   A restart's walk ends in a basin whose depth vector, or whose widths
   for its depth vector, are not the best known's: moving one depth needs
   every width re-balanced at once, which single and pair moves cannot
   do, and a walk that moves depths too rarely settles the widths
   (docs/solver.md, method step 2).  Each pass re-balances every move
   of *best and walks it for DEPTH_SCREEN_EVALS steps (latest first: no
   move, then a block more at the end), then gives the DEPTH_WALK_TOP
   best of those walks DEPTH_WALK_EVALS more; a better design replaces *best at once.
   Passes repeat (the walks are random, so a pass is never the same)
   until `limit` evaluations or DEPTH_IDLE_PASSES passes in a row without
   a better design. */
static dm_status depth_walks(dmi_ctx *x, dmi_cand *best, dmi_eval *be, int64_t limit,
                             dm_error *err) {
    uint64_t st = 88172645463325252ull;
    int32_t n_moves = (x->n + 1) * (x->n + 1);
    for (int idle = 0; idle < DEPTH_IDLE_PASSES && x->evals < limit;) {
        dmi_cand top[DEPTH_WALK_TOP];
        dmi_eval tope[DEPTH_WALK_TOP];
        int nt = 0, improved = 0;
        double scale = fmax(fabs(be->objective), 1.0);
        for (int32_t m = n_moves - 1; m >= 0 && x->evals < limit; m--) {
            dmi_cand t = *best, w;
            dmi_eval te, we = {.excess = 1};
            if (!depth_move(x, &t, m)) continue;
            dm_status s = dmi_cand_eval(x, &t, &te, err);
            if (!s) s = rebalance(x, &t, &te, limit, err);
            if (!s) s = walk(x, &st, &t, &te, DEPTH_SCREEN_EVALS, DEPTH_WALK_T0, 0, scale, &w, &we, err);
            if (s) return s;
            if (we.excess > 0) continue;
            improved |= take_better(best, be, &w, &we);
            rank_keep(top, tope, &nt, DEPTH_WALK_TOP, &w, &we);
        }
        for (int i = 0; i < nt && x->evals < limit; i++) {
            dmi_cand w;
            dmi_eval we = {.excess = 1};
            dm_status s = walk(x, &st, &top[i], &tope[i], DEPTH_WALK_EVALS, DEPTH_WALK_T0, 0, scale,
                               &w, &we, err);
            if (s) return s;
            improved |= take_better(best, be, &w, &we);
        }
        idle = improved ? 0 : idle + 1;
    }
    return DM_OK;
}

/* Skeleton steps from *best: each superblock's inner width one grid step
   up and one down, the budgets then repaired by cube_repair, and each
   design so made feasible
   polished as the last polish is; *best becomes the best of them.  Why:
   in bottleneck nets an inner width is coarse (one step moves MACs or
   params by 1-7%), so the walks' designs keep the inner widths they
   settled on early, and a better design with another inner width needs
   many other widths moved to pay for it (open r34's best known has 48 in
   superblock 1 where the walks end at 56).  Starts no move after `end`
   evaluations. */
static dm_status skel_pass(dmi_ctx *x, dmi_cand *best, dmi_eval *be, int64_t end, dm_error *err) {
    const dmi_cand start = *best;
    for (int i = 0; i < x->n; i++) {
        int var = V_SB + 4 * i + 1;   /* superblock i's m */
        for (int dir = -1; dir <= 1 && x->evals < end; dir += 2) {
            dmi_cand t = start;
            dmi_eval te;
            if (!move_by(x, &t, var, dir)) continue;
            dm_status s = dmi_cand_eval(x, &t, &te, err);
            if (!s) s = cube_repair(x, &t, &te, var, err);
            if (!s && te.excess == 0) s = polish(x, &t, &te, POLISH_EVALS, 1, err);
            if (s) return s;
            if (te.excess == 0) take_better(best, be, &t, &te);
        }
    }
    return DM_OK;
}

/* Basin walks (after the skeleton steps).  The restarts end in a few
   depth vectors, and the depth walks screen the answer's neighbours by
   walks too short to settle their widths, so a better depth vector one
   block away from the answer, or from another restart's, is often
   missed: open 29m's best known has depths 1,1,8,10,10 where one
   restart ends at 1,1,7,10,10 and the answer at 1,1,7,12,9.  Each
   depth move (one block more, fewer or moved) of the answer and of the
   BASIN_SOURCES best restart results of other depth vectors, and those
   results themselves, is repaired by cube_repair and ranked by its
   objective less SKEL_PEN objectives per unit of relative excess; the
   BASIN_TOP best depth vectors (never the answer's own) get a walk of
   BASIN_WALK_EVALS steps over their widths, kernels and inner widths,
   and a last polish.  A repair costs a few hundred evaluations where a
   screen walk of the depth walks costs 3000 and often ends infeasible
   (9 of open mb's 16 moves), so every move is ranked and the long walks
   go where the repairs point.  Measured in bench/README.md, "Basin
   walks". */
#define BASIN_SOURCES 2       /* other restarts' depth vectors searched from */
#define BASIN_TOP 3           /* depth vectors walked */
#define BASIN_KEEP 4          /* room in a ranking: >= BASIN_TOP, > BASIN_SOURCES */
#define BASIN_WALK_EVALS 60000
#define BASIN_T0 0.005        /* between WALK_T_REHEAT and WALK_T0: the widths
                                 must move far from where the repair left them */

/* Designs of distinct depth vectors, best score first. */
typedef struct basins {
    dmi_cand c[BASIN_KEEP];
    dmi_eval e[BASIN_KEEP];
    double score[BASIN_KEEP];
    int n;
} basins;

static int same_depths(const dmi_ctx *x, const dmi_cand *a, const dmi_cand *b) {
    for (int32_t i = 0; i < x->n; i++)
        if (a->sb[i].d != b->sb[i].d) return 0;
    return 1;
}

/* Keep c (evaluated as e) in r, at most `top` entries, when it scores
   better than r's entry of its depth vector (which it replaces) and
   than r's last when r is full. */
static void basin_keep(const dmi_ctx *x, basins *r, int top, const dmi_cand *c, const dmi_eval *e,
                       double score) {
    int i = 0;
    while (i < r->n && !same_depths(x, &r->c[i], c)) i++;
    if (i < r->n) {   /* its depth vector's entry: better, or out */
        if (r->score[i] >= score) return;
        for (r->n--; i < r->n; i++)
            r->c[i] = r->c[i + 1], r->e[i] = r->e[i + 1], r->score[i] = r->score[i + 1];
    }
    if (r->n == top && r->score[top - 1] >= score) return;
    i = r->n < top ? r->n++ : top - 1;
    for (; i > 0 && r->score[i - 1] < score; i--)
        r->c[i] = r->c[i - 1], r->e[i] = r->e[i - 1], r->score[i] = r->score[i - 1];
    r->c[i] = *c;
    r->e[i] = *e;
    r->score[i] = score;
}

/* The depth vectors to walk: every depth move of each source, and the
   sources but the first (the answer) as they are, repaired and ranked
   into *top. */
static dm_status basin_rank(dmi_ctx *x, const dmi_cand *src, int ns, const dmi_cand *best,
                            basins *top, dm_error *err) {
    int32_t n_moves = (x->n + 1) * (x->n + 1);   /* the last: no move */
    for (int i = 0; i < ns; i++)
        for (int32_t m = n_moves - 1; m >= 0; m--) {
            dmi_cand t = src[i];
            dmi_eval te;
            if (m == n_moves - 1 ? i == 0 : !depth_move(x, &t, m)) continue;
            if (same_depths(x, &t, best)) continue;   /* the depth walks searched it */
            dm_status s = dmi_cand_eval(x, &t, &te, err);
            if (!s) s = cube_repair(x, &t, &te, -1, err);
            if (s) return s;
            basin_keep(x, top, BASIN_TOP, &t, &te, penalised(&te, SKEL_PEN * fabs(te.objective)));
        }
    return DM_OK;
}

/* Basin walks from *best and the restarts' results `found`: *best
   becomes the best design they find when it is better. */
static dm_status basin_walks(dmi_ctx *x, dmi_cand *best, dmi_eval *be, const basins *found,
                             dm_error *err) {
    dmi_cand src[1 + BASIN_SOURCES];
    basins top = {.n = 0};
    int ns = 0;
    src[ns++] = *best;
    for (int i = 0; i < found->n && ns < 1 + BASIN_SOURCES; i++)
        if (!same_depths(x, &found->c[i], best)) src[ns++] = found->c[i];
    dm_status s = basin_rank(x, src, ns, best, &top, err);
    uint64_t st = 88172645463325252ull;
    for (int i = 0; i < top.n && !s; i++) {
        dmi_cand w = top.c[i];
        dmi_eval we = {.excess = 1};
        s = walk(x, &st, &top.c[i], &top.e[i], BASIN_WALK_EVALS, BASIN_T0, 0,
                 fmax(fabs(be->objective), 1.0), &w, &we, err);
        if (!s && we.excess == 0) s = polish(x, &w, &we, POLISH_EVALS, 1, err);
        if (!s) take_better(best, be, &w, &we);
    }
    return s;
}

/* `n` restarts from *start (the local optimum): even ones from it, odd
   ones from the best design so far at a cooler start, each polished;
   *best keeps the best.  The random state runs on, so no two walks are
   the same. */
static dm_status restart_walks(dmi_ctx *x, uint64_t *st, const dmi_cand *start, const dmi_eval *se,
                               int64_t n, dmi_cand *best, dmi_eval *be, basins *found,
                               dm_error *err) {
    dm_status s = DM_OK;
    for (int64_t r = 0; r < n && !s; r++) {
        dmi_cand from = r % 2 ? *best : *start, rb = from;   /* feasible: the walk starts its best */
        dmi_eval fe = r % 2 ? *be : *se, re = fe;
        s = walk(x, st, &from, &fe, RESTART_EVALS, r % 2 ? WALK_T_REHEAT : WALK_T0, 1,
                 fmax(fabs(be->objective), 1.0), &rb, &re, err);
        if (!s) s = polish(x, &rb, &re, POLISH_EVALS, 0, err);
        if (!s && found && re.excess == 0)
            basin_keep(x, found, BASIN_KEEP, &rb, &re, re.objective);
        if (!s) take_better(best, be, &rb, &re);
    }
    return s;
}

/* From the local optimum *best: RESTARTS restarts, then depth walks from
   the best design.  More effort runs more restarts and depth walks after
   those, so that it never ends below the default's design. */
static dm_status restarts(dmi_ctx *x, dmi_cand *best, dmi_eval *be, dm_error *err) {
    uint64_t st = 88172645463325252ull;
    const dmi_cand start = *best;
    const dmi_eval se = *be;
    int64_t more = x->p.effort > 1 ? (x->p.effort - 1) / EFFORT_PER_RESTART : 0;
    if (more > MAX_RESTARTS - RESTARTS) more = MAX_RESTARTS - RESTARTS;
    basins found = {.n = 0};
    dm_status s = restart_walks(x, &st, &start, &se, RESTARTS, best, be, &found, err);
    if (!s) s = depth_walks(x, best, be, x->evals + DEPTH_EVALS, err);
    if (!s) s = polish(x, best, be, POLISH_EVALS, 1, err);   /* the depth walks end unpolished */
    if (!s) s = skel_pass(x, best, be, x->evals + SKEL_EVALS, err);
    if (!s) s = basin_walks(x, best, be, &found, err);
    if (!s && more > 0) s = restart_walks(x, &st, &start, &se, more, best, be, NULL, err);
    if (!s && more > 0) s = depth_walks(x, best, be, x->evals + DEPTH_EVALS, err);
    if (!s && more > 0) s = polish(x, best, be, POLISH_EVALS, 1, err);
    return s;
}

dm_status dmi_search_local(dmi_ctx *x, dmi_cand *best, dmi_eval *be, int *found, dm_error *err) {
    for (int start = 0; start < 2; start++) {
        dmi_cand c;
        dmi_eval e;
        dmi_cand_smallest(x, &c, start);
        dm_status s = dmi_cand_eval(x, &c, &e, err);
        if (!s) s = grow(x, &c, &e, -1, MAX_EVALS_LOCAL, err);
        for (int improved = 1; !s && improved && e.excess == 0 && x->evals < MAX_EVALS_LOCAL;)
            s = refine_round(x, &c, &e, MAX_EVALS_LOCAL, &improved, err);
        if (s) return s;
        if (e.excess == 0 && (!*found || e.objective > be->objective + 1e-9)) {
            *best = c;
            *be = e;
            *found = 1;
        }
    }
    return *found ? restarts(x, best, be, err) : DM_OK;
}
