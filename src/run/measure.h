/*
** measure.h -- timing ops and nets on the engine (measure.c).
*/
#ifndef DM_MEASURE_H
#define DM_MEASURE_H
#include "internal.h"

/* Time `op` alone (net NULL) or `net` (op NULL) under options `o`
   (validated here), with o->threads OpenMP threads for the call. */
DM_INTERNAL dm_status dmi_measure(const dm_op *op, const dm_net *net, const dm_run_options *o,
                                  dm_measurement *out, dm_error *err);

/* Sort ms[0..n) (n >= 1) and give its median and half its interquartile
   range (quartiles interpolated linearly between order statistics). */
DM_INTERNAL void dmi_measure_stats(double *ms, int32_t n, double *median, double *spread);

/* Whether `op` is a shape the engine can build: DM_ERR_INVALID naming the
   field that is not (a table file's shapes are untrusted input). */
DM_INTERNAL dm_status dmi_measure_check_op(const dm_op *op, dm_error *err);

#endif
