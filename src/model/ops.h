/*
** ops.h -- what a network runs as (docs/latency.md, "What runs"): the
** list of ops (dm_op) of a block and of a whole net, with the fusions the
** oneDNN engine (src/run) performs.  The latency prediction and the
** profiler's list of shapes read the same functions, so what is predicted
** is what is measured.
*/
#ifndef DM_OPS_H
#define DM_OPS_H
#include "internal.h"
#include "blocks.h"

/* Most ops one block runs as: shortcut pool, shortcut conv, three main
   convs, SE. */
#define DMI_OPS_PER_BLOCK 6

/* The ops of block `b` whose conv layers (dmi_block_layers) are ls[0..n),
   in execution order: the shortcut first (its avg pool, its 1x1 conv),
   then the main convs, SE after the depthwise conv; the last main conv
   carries the residual add (sum = 1) and the post-add activation.  Each
   op's stage is b->stage.  *n_out gets the count. */
DM_INTERNAL void dmi_ops_block(const dm_block_info *b, const dm_layer *ls, int32_t n,
                               dm_op out[DMI_OPS_PER_BLOCK], int32_t *n_out);

/* A conv op from a conv layer with activation `act` (a dm_act or
   DM_OP_ACT_NONE) and no residual add. */
DM_INTERNAL dm_op dmi_ops_conv(const dm_layer *l, int32_t act);

/* Whether two ops have the same shape: every field but `stage`. */
DM_INTERNAL bool dmi_ops_same_shape(const dm_op *a, const dm_op *b);

#endif
