/*
** blocks.h -- the shape rules of the three block families: inner widths,
** which convs a block has, its residual form, and its layers in forward
** order.  Nets, the solver and the exporters all get shapes from here.
*/
#ifndef DM_BLOCKS_H
#define DM_BLOCKS_H
#include "internal.h"

/* Most conv/linear layers one block can have (mbconv with SE and a
   projection would be 6; 6 leaves room). */
#define DMI_BLOCK_MAX_LAYERS 6

/* Inner width m of a block with input channels c_in: sb->inner when set,
   else round(sb->expand * c_in).  DM_ERR_RANGE past DM_MAX_CHANNELS. */
DM_INTERNAL dm_status dmi_inner_width(const dm_superblock *sb, int32_t c_in, int32_t *m,
                                      dm_error *err);

/* Resolve block `index` of superblock `sbi` given its input channels and
   resolution.  The arch must have passed dm_arch_validate. */
DM_INTERNAL dm_status dmi_block_resolve(const dm_arch *a, int32_t sbi, int32_t index,
                                        int32_t c_in, int32_t r_in, int32_t stage,
                                        dm_block_info *out, dm_error *err);

/* The block's conv layers in forward order (main path, SE, projection
   shortcut), with params and MACs filled.  *n gets the count. */
DM_INTERNAL dm_status dmi_block_layers(const dm_block_info *b, dm_layer out[DMI_BLOCK_MAX_LAYERS],
                                       int32_t *n, dm_error *err);

/* Fill a conv layer's shape and cost. */
DM_INTERNAL dm_status dmi_conv(dm_layer *l, dm_role role, int32_t c_in, int32_t c_out,
                               int32_t k, int32_t stride, int32_t groups, int32_t r_in,
                               dm_error *err);

/* Fill the linear classifier c_in -> classes (weights + bias) and its
   cost; the one place a classifier layer is shaped. */
DM_INTERNAL dm_status dmi_classifier(dm_layer *l, int32_t c_in, int32_t classes, dm_error *err);

#endif
