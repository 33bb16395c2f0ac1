/*
** domain.h -- the variable domains of deepmad.h ("Design problems and
** the solver"), written out again for the tests' brute-force
** enumerations: an independent statement of the rules, not the solver's
** dmi_inner_range / dmi_item_range.  The nearest rounding is Python's
** round (ties to even): rint in the default rounding mode.
*/
#ifndef DM_TESTS_DOMAIN_H
#define DM_TESTS_DOMAIN_H
#include "deepmad.h"
#include <math.h>

/* The inner widths m of a superblock with output c, ascending, into out;
   returns how many. */
static inline int inner_values(const dm_problem *p, int32_t c, int32_t *out) {
    int32_t g = p->granularity, n = 0;
    double lo_f = p->inner_round ? rint(p->inner_min * c / g) : ceil(p->inner_min * c / g - 1e-9);
    int32_t lo = (int32_t)lo_f * g, hi = (int32_t)floor(p->inner_max * c / g + 1e-9) * g;
    if (lo < g) lo = g;
    if (hi < lo) hi = lo;
    for (int32_t m = lo; m <= hi; m += g) out[n++] = m;
    return n;
}

/* Width ranges: the stem's (stem_min..stem_max, 0 = the channel range)
   and the head's (up to head_max, 0 = max_channels), on the grid. */
static inline void stem_values(const dm_problem *p, int32_t *lo, int32_t *hi) {
    int32_t g = p->granularity;
    *lo = ((p->stem_min ? p->stem_min : p->min_channels) + g - 1) / g * g;
    *hi = (p->stem_max ? p->stem_max : p->max_channels) / g * g;
}
static inline int32_t head_top(const dm_problem *p) {
    return (p->head_max ? p->head_max : p->max_channels) / p->granularity * p->granularity;
}

#endif
