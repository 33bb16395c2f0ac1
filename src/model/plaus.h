/*
** plaus.h -- what the plausibility report reads of a built net, shared by
** dm_net_plausibility (model) and dm_space_limits (solve) so that both mean
** the same thing by "a superblock's inner width".
*/
#ifndef DM_PLAUS_H
#define DM_PLAUS_H
#include "internal.h"

/* Block 0 of superblock `sb` (0-based), or NULL when the net has none.
   Its inner width is the superblock's: the fixed `inner` when set, and
   with `expand` the width round(expand * the superblock's input), the one
   the superblock's first (and strided) block builds. */
DM_INTERNAL const dm_block_info *dmi_first_block(const dm_net *net, int32_t sb);

#endif
