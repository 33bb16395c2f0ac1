/*
** solver.h -- what the solver's files share: the candidate (one point of
** the integer search space), its fast evaluation through the core
** (blocks.h, cost.h, score.h), the relaxation bound and the searches.
**
** A candidate is evaluated without building a dm_net, through the same
** design-space model (space.h) dm_net_create uses: a superblock's
** repeated blocks all have the same shape, so block 1 is tallied once and
** repeated.  dm_solve re-checks the final answer with dm_net_create +
** dm_net_metrics against the constraint table.
*/
#ifndef DM_SOLVER_H
#define DM_SOLVER_H
#include "internal.h"
#include "score.h"
#include "space.h"
#include "constraint.h"
#include "latency.h"

typedef struct dmi_sbvar { int32_t c, m, k, d; } dmi_sbvar;

typedef struct dmi_cand {
    int32_t stem, head;                 /* head 0 when the problem has none */
    dmi_sbvar sb[DM_MAX_SUPERBLOCKS];
} dmi_cand;

typedef struct dmi_eval {
    double objective;
    double value[DM_CONSTRAINT_COUNT]; /* each constraint's measure (constraint.h) */
    double excess;      /* sum of relative constraint excesses; 0 = feasible */
} dmi_eval;

/* Everything fixed about a problem, derived once. */
typedef struct dmi_ctx {
    dm_problem p;
    dm_score_params sp;   /* effective scoring (dropped guidelines applied) */
    dm_arch tmpl;         /* the arch with every non-variable field set */
    dmi_layout lay;       /* its stages and resolutions (space.h) */
    int32_t n;            /* superblocks */
    double alpha[DM_MAX_STAGES];          /* stage weights as dmi_score applies them */
    /* Per constraint, the least value seen on a design that met every
       other constraint (HUGE_VAL: none yet): the infeasibility answer. */
    double least[DM_CONSTRAINT_COUNT];
    int64_t evals;
    double cell_ratio;    /* of the relaxations' width cells (dmi_cell_end) */
    dmi_memo *memo;       /* block tallies of this problem's template (space.h); NULL = none */
    /* With a latency table (docs/latency.md): its index, the block times of
       this template, and the user's own MACs budget (p.max_macs also holds
       the one the latency budget implies, which the bounds read). */
    dmi_latindex *lat;    /* NULL = no table */
    dmi_latmemo *latmemo;
    int64_t user_max_macs;
    /* Progress reporting (dm_solve_progress): the caller's function, and
       what it is told; prog.objective is the best feasible objective any
       evaluation has seen.  Never read by the search itself. */
    dm_progress_fn progress;
    void *progress_user;
    dm_progress prog;
    int64_t phase_evals;  /* evals when the phase began */
} dmi_ctx;

/* Progress (solver_eval.c, beside the context): a phase begins (its
   total work, 0 when unknown); `done` units of it are done.  Each call
   reports x->prog to the caller's function, if any. */
DM_INTERNAL void dmi_progress_phase(dmi_ctx *x, dm_phase ph, int64_t total);
DM_INTERNAL void dmi_progress_done(dmi_ctx *x, int64_t done);

/* The problem as an arch: every field the variables do not set (solver_problem.c). */
DM_INTERNAL void dmi_problem_arch(const dm_problem *p, dm_arch *a);
/* The channel grid: the lowest and highest multiple of granularity in
   min_channels..max_channels, and the inner-width range of a superblock
   with output channels c (docs in deepmad.h). */
DM_INTERNAL int32_t dmi_grid_lo(const dm_problem *p);
DM_INTERNAL int32_t dmi_grid_hi(const dm_problem *p);
DM_INTERNAL void dmi_inner_range(const dm_problem *p, int32_t c, int32_t *lo, int32_t *hi);
/* The grid range of item `item`'s width (0 stem: stem_min..stem_max;
   1..n superblocks: the channel grid; n+1 head: up to head_max), and the
   head's range given the last superblock's width c_last (also the head
   ratios and, with guideline 3, >= c_last); lo > hi when empty. */
DM_INTERNAL void dmi_item_range(const dm_problem *p, int32_t item, int32_t *lo, int32_t *hi);
DM_INTERNAL void dmi_head_range(const dm_problem *p, int32_t c_last, int32_t *lo, int32_t *hi);
/* The head ratios alone as grid values for c_last: [ceil_g(head_ratio_min
   * c_last), floor_g(head_ratio_max * c_last)], 0 and INT32_MAX for an
   unset end.  The one place a ratio becomes a width. */
DM_INTERNAL void dmi_head_ratio_range(const dm_problem *p, int32_t c_last, int32_t *lo, int32_t *hi);

DM_INTERNAL dm_status dmi_ctx_init(dmi_ctx *x, const dm_problem *p, dm_error *err);
/* Free what dmi_ctx_init allocated (only with a latency table). */
DM_INTERNAL void dmi_ctx_free(dmi_ctx *x);
DM_INTERNAL void dmi_cand_arch(const dmi_ctx *x, const dmi_cand *c, dm_arch *out);
/* Score a candidate; excess > 0 when it breaks a constraint.  Errors only
   for overflow. */
DM_INTERNAL dm_status dmi_cand_eval(dmi_ctx *x, const dmi_cand *c, dmi_eval *e, dm_error *err);
/* The tally (space.h) of block `index` of superblock sbi with output
   channels c, inner width m, kernel k and input channels c_in. */
DM_INTERNAL dm_status dmi_block_cost(const dmi_ctx *x, int32_t sbi, int32_t index, int32_t c,
                                     int32_t m, int32_t k, int32_t c_in, dmi_tally *out,
                                     dm_error *err);
/* The same in *scratch, a copy of x->tmpl that the caller keeps (each call
   changes only sb[sbi]'s widths and kernel), with out->logw left 0 unless
   `logs`: the dual's tables call it millions of times, and the copy of
   the template and the logs were a quarter of their work (open r18:
   2.85 -> 2.11 G instructions). */
DM_INTERNAL dm_status dmi_block_cost_in(const dmi_ctx *x, dm_arch *scratch, bool logs, int32_t sbi,
                                        int32_t index, int32_t c, int32_t m, int32_t k, int32_t c_in,
                                        dmi_tally *out, dm_error *err);
/* The stem with c channels, the head conv c_in -> c, and the classifier's
   {MACs, params} on c_in inputs ({0, 0} without one), as nets build them. */
DM_INTERNAL dm_status dmi_stem_layer(const dmi_ctx *x, int32_t c, dm_layer *l, dm_error *err);
DM_INTERNAL dm_status dmi_head_layer(const dmi_ctx *x, int32_t c_in, int32_t c, dm_layer *l,
                                     dm_error *err);
DM_INTERNAL dm_status dmi_classifier_cost(const dmi_ctx *x, int32_t c_in, int64_t cost[2],
                                          dm_error *err);
/* The stage of item `item` (0 stem, 1..n superblocks, n+1 head), and per
   stage the item whose output ends it. */
DM_INTERNAL int32_t dmi_item_stage(const dmi_ctx *x, int32_t item);
DM_INTERNAL void dmi_closers(const dmi_ctx *x, int32_t closer[DM_MAX_STAGES]);
/* The budgets the relaxations knapsack over, as constraints: MACs, params. */
#define DMI_RESOURCES {DM_CONSTRAINT_MACS, DM_CONSTRAINT_PARAMS}
/* The smallest design: every variable at its lower end (the kernel at its
   upper end when kernel_top).  Costs and layers grow with every variable,
   so it has the least of each that any design has (solver_search.c). */
DM_INTERNAL void dmi_cand_smallest(const dmi_ctx *x, dmi_cand *c, int kernel_top);
/* True when the stem and head lie in their ranges (dmi_item_range,
   dmi_head_range); a candidate outside them is infeasible. */
DM_INTERNAL bool dmi_cand_in_domain(const dmi_ctx *x, const dmi_cand *c);
/* True when every variable lies in its domain: the above, and each
   superblock's c, m, k, d on its grid and range (the answer's re-check). */
DM_INTERNAL bool dmi_cand_on_grid(const dmi_ctx *x, const dmi_cand *c);
/* True when the candidate's widths are non-decreasing (or guideline 3 is off). */
DM_INTERNAL bool dmi_cand_monotone(const dmi_ctx *x, const dmi_cand *c);

/* The relaxation bound (solver_bound.c).  Opaque tables for node bounds. */
typedef struct dmi_bound dmi_bound;
DM_INTERNAL dm_status dmi_bound_build(dmi_ctx *x, dmi_bound **out, dm_error *err);
DM_INTERNAL void dmi_bound_free(dmi_bound *b);
/* Geometric cells of the channel grid that both relaxations use: the
   next cell from lo ends at the largest grid value <= lo * x->cell_ratio
   (at least lo, at most top).  The ratio is 1.05, larger only for
   problems whose cells would not fit the tables' limit
   (dmi_cell_ratio, solver_problem.c). */
DM_INTERNAL int32_t dmi_cell_end(const dmi_ctx *x, int32_t lo, int32_t top);
DM_INTERNAL double dmi_cell_ratio(const dm_problem *p);
/* Upper bound on the objective of every feasible design. */
DM_INTERNAL double dmi_bound_root(const dmi_bound *b);
/* Upper bound over the completions of a candidate whose items before
   `item` are fixed (item 0 = stem, 1..n = superblocks, n+1 = head),
   given their exact spent costs and the relaxed value of the prefix. */
DM_INTERNAL double dmi_bound_suffix(const dmi_bound *b, int32_t item, int64_t spent_macs,
                                    int64_t spent_params);
/* Relaxed value of one fixed item (the prefix part of dmi_bound_suffix)
   whose layers' log widths sum to `logw` (its tally's). */
DM_INTERNAL double dmi_bound_item_value(const dmi_bound *b, const dmi_cand *c, int32_t item,
                                        double logw);
/* The largest channel count the budgets allow superblock / head / stem to have. */
DM_INTERNAL int32_t dmi_bound_cmax(const dmi_bound *b, int32_t item);
/* The same when superblock i's depth is at least dlo[i] and item j's
   width at least wlo[j] (0 stem, 1..n superblocks, n+1 head): every other
   item at its least cost there, later items at least as wide; at most
   dmi_bound_cmax (solver_bound.c). */
DM_INTERNAL int32_t dmi_bound_box_cap(const dmi_bound *b, int32_t item, const int32_t *dlo, const int32_t *wlo);

/* A box of the depth branch and bound (solver_dbb.c): per superblock a
   depth interval, and per stage an interval of the width at its end as
   cells of the dual's width grid (clo..chi); the same as channel ranges
   per item (0 stem, 1..n superblocks, n+1 head; 0..INT32_MAX when free). */
typedef struct dmi_dbox {
    int32_t dlo[DM_MAX_SUPERBLOCKS], dhi[DM_MAX_SUPERBLOCKS];
    int32_t clo[DM_MAX_STAGES], chi[DM_MAX_STAGES];
    int32_t wmin[DM_MAX_SUPERBLOCKS + 2], wmax[DM_MAX_SUPERBLOCKS + 2];
    int32_t slo, shi;  /* the sum of the penalised depths (those dmi_score counts in Q) */
    double pen;   /* <= beta Q of every design in the box */
    double vmin;  /* <= the depths' variance of every design in the box */
} dmi_dbox;

/* Set box->vmin (<= the penalised depths' variance of every design in
   the box: their least over real depths, the mean within the sum's range)
   and box->pen = beta phi(vmin) <= beta Q (solver_dbb.c). */
DM_INTERNAL void dmi_dbox_pen(const dmi_ctx *x, dmi_dbox *box);

/* The Lagrangian bound (solver_dual.c): keeps rho, the width chain and
   the final width that the knapsack bound drops.  For any multipliers,
   dmi_dual_value(box) >= the objective of every feasible design in the
   box.  Only valid with guideline 3 on. */
typedef struct dmi_dual dmi_dual;
/* log lam_M, log lam_P, log mu, log L0, the point where the depth
   penalty's tangent touches (its std, or variance; < 1 for std: none),
   and the level nu at which the stage terms split (solver_dual.c,
   split_level; searched only without a head). */
#define DMI_MULT_N 6
typedef struct dmi_mult { double v[DMI_MULT_N]; } dmi_mult;
DM_INTERNAL dm_status dmi_dual_create(dmi_ctx *x, const dmi_bound *b, dmi_dual **out, dm_error *err);
DM_INTERNAL void dmi_dual_free(dmi_dual *d);
/* The whole domain (depths, final widths up to the budget's limit);
   pen is left to the caller. */
DM_INTERNAL void dmi_dual_root(const dmi_dual *d, dmi_dbox *box);
/* The width cell holding c. */
DM_INTERNAL int32_t dmi_dual_cell(const dmi_dual *d, int32_t c);
/* For tests: every block of every superblock table entry, enumerated
   (each width of its cells, each input), is one of the entry's variants
   by its layers, with costs >= the entry's lower costs and log widths <=
   its upper ones.  seen[0] / seen[1]: general / expand-free blocks met.
   DM_ERR_INTERNAL names the first block that is not. */
DM_INTERNAL dm_status dmi_dual_check(const dmi_dual *d, int64_t seen[2], dm_error *err);
/* Make the stage ranges non-decreasing (widths are) and set wmin/wmax
   from them; 0 when the box is empty. */
DM_INTERNAL int dmi_dual_tidy(const dmi_dual *d, dmi_dbox *box);
/* Multipliers to start from, scaled by a feasible design. */
DM_INTERNAL void dmi_dual_start(const dmi_dual *d, const dmi_eval *ie, dmi_mult *m);
/* Lower the dual value over the box by a coordinate search from *m
   (updated) with steps st[0..DMI_MULT_N-1] (updated, doubled after a move when
   `grow`; the search is over when every
   step is below DMI_DUAL_STEP_MIN: dmi_dual_converged), at most max_evals
   evaluations, stopping once the value is <= enough.  Returns the value
   (a valid bound for the box whatever the search did); *evals counts
   evaluations. */
#define DMI_DUAL_STEP_MIN 0.01
DM_INTERNAL double dmi_dual_min(dmi_dual *d, const dmi_dbox *box, dmi_mult *m, double *st, int grow,
                                int max_evals, double enough, int64_t *evals);
DM_INTERNAL int dmi_dual_converged(const dmi_dual *d, const double *st);
/* The first superblock the depth penalty counts (penalty_skip within 0..n). */
DM_INTERNAL int32_t dmi_dual_pen_first(const dmi_dual *d);
/* The maximiser of the dual over a box at multipliers m, as the DP
   counted it: per stage its (upper) log-width sum and layers, its (lower)
   MACs and params, per item its width cell, per superblock its depth. */
typedef struct dmi_dual_arg {
    double cost[2];
    double logw[DM_MAX_STAGES], layers[DM_MAX_STAGES];
    int32_t cell[DM_MAX_SUPERBLOCKS + 2], depth[DM_MAX_SUPERBLOCKS];
} dmi_dual_arg;
DM_INTERNAL double dmi_dual_eval(dmi_dual *d, const dmi_dbox *box, const dmi_mult *m, dmi_dual_arg *arg);

/* The certificate (solver_dbb.c): a best-first branch and bound over
   boxes of depths and final widths, each bounded by the dual; boxes it
   can no longer split are searched exactly by dmi_search_bb when small.
   *out >= the objective of every feasible design (HUGE_VAL when guideline
   3 is off); *closed = 1 when every box was closed: then *best is optimal.
   *best may improve. */
DM_INTERNAL dm_status dmi_dual_bb(dmi_ctx *x, const dmi_bound *b, dmi_cand *best, dmi_eval *be,
                                  int64_t work, double *out, int *closed, int64_t *nodes,
                                  dm_error *err);

/* Searches (solver_search.c, solver_bb.c): improve *best in place.
   dmi_search_bb enumerates the designs in `box` (NULL: all) with at most
   `limit` nodes. */
DM_INTERNAL dm_status dmi_search_local(dmi_ctx *x, dmi_cand *best, dmi_eval *be, int *found,
                                       dm_error *err);
DM_INTERNAL dm_status dmi_search_bb(dmi_ctx *x, const dmi_bound *b, const dmi_dbox *box,
                                    int64_t limit, dmi_cand *best, dmi_eval *be, int *found,
                                    int64_t *nodes, int *complete, dm_error *err);

#endif
