/*
** block_acts.h -- where a block's activations sit, as dm_block_info's
** `style` field states it in words (include/deepmad.h), for everything
** that must agree on it: export_torch.c and torch_blocks.c pick the block
** class by these, export_onnx.c emits its nodes by them, ops.c fuses the
** activation into the conv that runs before it.
*/
#ifndef DM_BLOCK_ACTS_H
#define DM_BLOCK_ACTS_H
#include "internal.h"

/* Whether the block's activation follows the residual add (or the last
   conv's BN when there is no add): basic and bottleneck always; mbconv only
   in the paper style (the reference's ResK1DWSEK1), not in torchvision's. */
static inline bool dmi_act_after_add(const dm_block_info *b) {
    return b->kind != DM_BLOCK_MBCONV || b->style == DM_STYLE_PAPER;
}

/* The activation between the SE block's two 1x1 convs: the block's own
   (EfficientNet), or SiLU whatever the block's (the reference's SE). */
static inline dm_act dmi_se_act(const dm_block_info *b) {
    return b->style == DM_STYLE_PAPER ? DM_ACT_SILU : b->act;
}

#endif
