/*
** plaus.c -- the net-only part of the plausibility report
** (docs/plausibility.md): the share of params in the head conv and the
** classifier, the smallest and largest inner/out ratio over superblocks,
** and the stem and head widths.  The part that needs a search space
** (which variables sit at a limit) is solve/space_limits.c.
*/
#include "plaus.h"
#include <string.h>

const dm_block_info *dmi_first_block(const dm_net *net, int32_t sb) {
    int32_t n = dm_net_block_count(net);
    for (int32_t i = 0; i < n; i++) {
        const dm_block_info *b = dm_net_block(net, i);
        if (b->sb == sb && b->index == 0) return b;
    }
    return NULL;
}

/* Params of the head conv (its BN included in the layer's count) and of
   the classifier: what a wide head costs beyond the main path's blocks. */
static void count_params(const dm_net *net, int64_t *all, int64_t *head) {
    *all = *head = 0;
    for (int32_t i = 0; i < dm_net_layer_count(net); i++) {
        const dm_layer *l = dm_net_layer(net, i);
        *all += l->params;
        if (l->role == DM_ROLE_HEAD || l->role == DM_ROLE_CLASSIFIER) *head += l->params;
    }
}

/* Min and max of block 0's inner / out over superblocks; ties keep the
   first superblock, so the answer does not depend on float noise order. */
static void inner_ratios(const dm_net *net, dm_plausibility *out) {
    const dm_arch *a = dm_net_arch(net);
    for (int32_t s = 0; s < a->n_superblocks; s++) {
        const dm_block_info *b = dmi_first_block(net, s);
        if (!b || b->c_out <= 0) continue;
        double r = (double)b->inner / b->c_out;
        if (s == 0 || r < out->inner_ratio_min) {
            out->inner_ratio_min = r;
            out->inner_ratio_min_sb = s;
        }
        if (s == 0 || r > out->inner_ratio_max) {
            out->inner_ratio_max = r;
            out->inner_ratio_max_sb = s;
        }
    }
}

dm_status dm_net_plausibility(const dm_net *net, dm_plausibility *out, dm_error *err) {
    if (!net || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_net_plausibility needs a net and an output");
    memset(out, 0, sizeof *out);
    const dm_arch *a = dm_net_arch(net);
    count_params(net, &out->params, &out->head_params);
    out->head_share = out->params > 0 ? (double)out->head_params / (double)out->params : 0.0;
    out->stem = a->stem.out;
    out->head = a->head;
    out->last_out = a->n_superblocks > 0 ? a->sb[a->n_superblocks - 1].out : a->stem.out;
    out->head_ratio = a->head > 0 && out->last_out > 0 ? (double)a->head / out->last_out : 0.0;
    inner_ratios(net, out);
    return DM_OK;
}
