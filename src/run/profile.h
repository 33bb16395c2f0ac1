/*
** profile.h -- measuring op shapes into a latency table (profile.c; the
** public side is dm_latency_profile and dm_run_machine).
*/
#ifndef DM_PROFILE_H
#define DM_PROFILE_H
#include "internal.h"

/* How many distinct shapes of ops[0..n) table `t` lacks (what
   dm_latency_profile would measure). */
DM_INTERNAL int32_t dmi_profile_missing(const dm_op *ops, int32_t n, const dm_latency_table *t);

#endif
