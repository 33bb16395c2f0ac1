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

/* Relative excess of `value` over the problem's limit on `c`: 0 when met
   or unlimited, else (value - limit) / limit. */
DM_INTERNAL double dmi_constraint_excess(const dm_problem *p, dm_constraint c, double value);

#endif
