/*
** measure.h -- timing ops and nets on the engine (measure.c).
*/
#ifndef DM_MEASURE_H
#define DM_MEASURE_H
#include "internal.h"

/* Time `op` alone (net NULL) or `net` (op NULL) under options `o`
   (validated here), with o->threads OpenMP threads for the call.  An op
   is timed with cold weights (dmi_engine_chill) using `evict`, a
   DM_RUN_EVICT_BYTES buffer; NULL: one allocated for the call (a profile
   passes one for all its ops: a fresh 64 MiB per op costs more in page
   faults than the timing itself). */
DM_INTERNAL dm_status dmi_measure(const dm_op *op, const dm_net *net, const dm_run_options *o,
                                  unsigned char *evict, dm_measurement *out, dm_error *err);

/* dm_op_measure with the eviction buffer `evict` (NULL: its own). */
DM_INTERNAL dm_status dmi_op_measure(const dm_op *op, const dm_run_options *o,
                                     unsigned char *evict, dm_latency_entry *out, dm_error *err);

/* Sort ms[0..n) (n >= 1) and give its median and half its interquartile
   range (quartiles interpolated linearly between order statistics). */
DM_INTERNAL void dmi_measure_stats(double *ms, int32_t n, double *median, double *spread);

/* Whether `op` is a shape the engine can build: DM_ERR_INVALID naming the
   field that is not (a table file's shapes are untrusted input). */
DM_INTERNAL dm_status dmi_measure_check_op(const dm_op *op, dm_error *err);

#endif
