/*
** indep_search.h -- an independent search for the best design of a
** dm_problem: the measuring stick of issue #14 item 4 ("best known").
**
** Independent of the solver by construction: it reads only the public
** problem fields, builds every candidate as a dm_arch the way
** include/deepmad.h documents the domains (channel grid, inner range and
** rounding, kernels, depth ranges, stem range, head cap and ratios,
** guideline 3), and scores it with dm_net_create + dm_net_metrics +
** dm_constraint_met, the path `deepmad analyze` takes.  Nothing of
** src/solve is called, so a solver bug cannot hide in both.
**
** Method (bench/README.md): simulated annealing on a penalised objective
** (infeasible candidates cost their relative excess over each limit, so
** the walk can cross the budget boundary where the optimum sits), with
** single-variable and pair "exchange" moves, then exhaustive local
** descent: every single-variable step and every exchange (shrink one
** variable, grow another as far as the freed budget allows).  Seeded
** xorshift; work is counted in evaluations, never time, so a run is
** reproducible to the byte.
*/
#ifndef INDEP_SEARCH_H
#define INDEP_SEARCH_H
#include "deepmad.h"
#include <stdint.h>

#define IND_EVALS_LONG  10000000 /* the long run of bench/README.md (~50-70 s CPU) */
#define IND_EVALS_SHORT   200000 /* bench_presets' default: about 1-2 s a problem */
#define IND_SEED 20261202u       /* the default seed */

typedef struct ind_options {
    uint64_t seed;       /* xorshift seed (0 is replaced by IND_SEED) */
    int64_t max_evals;   /* candidate evaluations in all (dm_net_create calls) */
    int32_t restarts;    /* annealing runs sharing the budget; 0 = one per 125000
                            evaluations, at least 8 */
} ind_options;

void ind_options_default(ind_options *o);

typedef struct ind_result {
    int32_t found;       /* 1 when some feasible design was met */
    dm_arch arch;        /* the best feasible design */
    dm_metrics metrics;  /* its dm_net_metrics under dm_problem_score */
    double objective;    /* metrics.objective */
    int64_t evals;       /* evaluations spent */
    int64_t feasible;    /* of them feasible */
} ind_result;

/* Search p's design space.  DM_OK with found = 0 when nothing feasible was
   met; an error only for an invalid problem or no memory. */
dm_status ind_search(const dm_problem *p, const ind_options *o, ind_result *r, dm_error *err);

/* Re-check a design against p from scratch: rebuild, re-measure, every
   constraint met, every variable in the documented domain (and in the
   library's own dm_space_limits view: no variable outside).  Returns NULL
   when fine, else a reason written into why. */
const char *ind_recheck(const dm_problem *p, const dm_arch *a, double objective, char *why,
                        size_t n);

/* The hold-out problems: further problems not in issue #14's table
   (families, budgets, input sizes 32..320, rho0, layouts, kernels, with
   and without a head), defined here so that anyone can reproduce them. */
int32_t ind_holdout_count(void);
const char *ind_holdout_name(int32_t i);           /* NULL past the end */
const char *ind_holdout_about(int32_t i);          /* one line: what it varies */
dm_status ind_holdout_problem(int32_t i, dm_problem *p, dm_error *err);

#endif
