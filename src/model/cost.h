/*
** cost.h -- exact params and MACs of one conv or linear layer (SPEC
** section 6).  The only place these formulas exist.
*/
#ifndef DM_COST_H
#define DM_COST_H
#include "internal.h"

/* Fill l->params and l->macs from its shape fields (c_in, c_out, kernel,
   groups, r_out, bias, bn; role DM_ROLE_CLASSIFIER means a linear layer).
     conv params = c_out * (c_in/groups) * k^2  [+ c_out bias] [+ 2 c_out BN]
     conv MACs   = r_out^2 * c_out * (c_in/groups) * k^2   (bias adds none)
     linear      = c_in * c_out weights + c_out bias; MACs c_in * c_out
   DM_ERR_RANGE if a count overflows int64. */
DM_INTERNAL dm_status dmi_layer_cost(dm_layer *l, dm_error *err);

/* Width of a main-path layer for entropy: c_in * k^2 / groups. */
DM_INTERNAL double dmi_layer_width(const dm_layer *l);


#endif /* DM_COST_H */
