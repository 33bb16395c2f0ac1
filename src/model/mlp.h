/*
** mlp.h -- what the MLP files share (mlp.c, mlp_solve.c, mlp_json.c, the
** MLP exporters): the cost of one Linear layer, through cost.c.
*/
#ifndef DM_MLP_H
#define DM_MLP_H
#include "internal.h"

/* Exact params and MACs of Linear(a -> b) with or without bias: a 1x1
   conv at 1 px without BN is a Linear layer, so cost.c's formula is used
   (a*b weights [+ b bias]; a*b MACs).  DM_ERR_RANGE on overflow. */
DM_INTERNAL dm_status dmi_mlp_linear_cost(int32_t a, int32_t b, int32_t bias, int64_t *params,
                                          int64_t *macs, dm_error *err);

/* w_i of the paper's numbering, i = 1..L+1. */
DM_INTERNAL int32_t dmi_mlp_width(const dm_mlp *m, int32_t i);

/* dmi_mlp_linear_cost without the overflow check, for the solver's inner
   loops, where widths <= DM_MLP_MAX_WIDTH (2^20) and L <= 256 keep every
   sum below 2^49.  tests/test_mlp.c checks the two agree. */
static inline int64_t dmi_mlp_params_fast(int64_t a, int64_t b, int32_t bias) {
    return a * b + (bias ? b : 0);
}
static inline int64_t dmi_mlp_macs_fast(int64_t a, int64_t b) { return a * b; }

#endif
