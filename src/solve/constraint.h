/*
** constraint.h -- the constraints of a design problem as one table: each
** row says what the constraint is called, how a network is measured for
** it, and where the problem keeps its limit.  The search's excess, the
** final re-check, the infeasibility answer and the CLI summary all read
** this table, so adding a budget is adding a row (and a dm_problem field).
*/
#ifndef DM_CONSTRAINT_H
#define DM_CONSTRAINT_H
#include "internal.h"

/* Relative excess of `value` over `limit`: 0 when met or unlimited
   (limit <= 0), else (value - limit) / limit.  Inline: the cube steps'
   enumerations (solver_search.c) take it per node. */
static inline double dmi_excess_over(double value, double limit) {
    return limit > 0 && value > limit ? (value - limit) / limit : 0.0;
}

/* dmi_excess_over the problem's limit on `c`. */
DM_INTERNAL double dmi_constraint_excess(const dm_problem *p, dm_constraint c, double value);

/* The exact limit of a count constraint (0 = none; 0 for rho). */
DM_INTERNAL int64_t dmi_constraint_count_limit(const dm_problem *p, dm_constraint c);
/* The word the infeasibility message uses ("MACs", "layer", ...). */
DM_INTERNAL const char *dmi_constraint_word(dm_constraint c);
/* 1 when the measure never falls as any design variable grows (costs,
   layers; not rho): then the smallest design has the least value of all,
   which proves infeasibility when even that breaks the limit. */
DM_INTERNAL int dmi_constraint_monotone(dm_constraint c);
/* 1 when the local search prices a step by its share of this budget. */
DM_INTERNAL int dmi_constraint_priced(dm_constraint c);

#endif
