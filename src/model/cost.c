/*
** cost.c -- exact int64 params and MACs of a layer, overflow-checked.
** Conventions (SPEC section 6): every conv and linear layer counts, SE
** included; BN contributes its weight and bias (2 per channel) to params
** and nothing to MACs; activations, pooling and additions count nothing.
*/
#include "cost.h"

dm_status dmi_layer_cost(dm_layer *l, dm_error *err) {
    int64_t per_out, w, macs, extra = 0;
    bool ok;
    if (l->role == DM_ROLE_CLASSIFIER) {
        ok = dmi_mul64(l->c_in, l->c_out, &w);
        macs = w;
        extra = l->c_out; /* bias */
    } else {
        ok = dmi_mul64((int64_t)(l->c_in / l->groups), (int64_t)l->kernel * l->kernel, &per_out)
          && dmi_mul64(per_out, l->c_out, &w)
          && dmi_mul64(w, (int64_t)l->r_out * l->r_out, &macs);
        extra = (l->bias ? l->c_out : 0) + (l->bn ? 2 * (int64_t)l->c_out : 0);
    }
    if (!ok || !dmi_add64(w, extra, &l->params))
        return DM_FAIL(err, DM_ERR_RANGE,
                       "a %dx%d layer %d->%d at %dpx overflows 64-bit counters",
                       l->kernel, l->kernel, l->c_in, l->c_out, l->r_out);
    l->macs = macs;
    return DM_OK;
}

double dmi_layer_width(const dm_layer *l) {
    return (double)l->c_in * l->kernel * l->kernel / l->groups;
}
