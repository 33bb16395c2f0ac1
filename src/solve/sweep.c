/*
** sweep.c -- a design problem solved at a grid of rho0 values: the data of
** the paper's Figure 2 (left), what `deepmad sweep` plots.
*/
#include "internal.h"
#include <math.h>
#include <string.h>

dm_status dm_sweep_grid(double lo, double hi, int32_t n, int32_t log_spaced, double *out,
                        dm_error *err) {
    if (!out) return DM_FAIL(err, DM_ERR_INVALID, "sweep grid: no output array");
    if (!isfinite(lo) || !isfinite(hi) || !(lo > 0))
        return DM_FAIL(err, DM_ERR_INVALID, "rho0 range %g:%g: both ends must be finite and > 0",
                       lo, hi);
    if (!(lo < hi))
        return DM_FAIL(err, DM_ERR_INVALID, "rho0 range %g:%g: the first end must be below the "
                       "second", lo, hi);
    if (n < 2 || n > DM_SWEEP_MAX_POINTS)
        return DM_FAIL(err, DM_ERR_INVALID, "%d sweep points is outside 2..%d", n,
                       DM_SWEEP_MAX_POINTS);
    for (int32_t i = 0; i < n; i++) {
        double t = (double)i / (double)(n - 1);
        out[i] = log_spaced ? exp(log(lo) + t * (log(hi) - log(lo))) : lo + t * (hi - lo);
    }
    out[0] = lo;       /* the ends exactly as given, whatever the rounding */
    out[n - 1] = hi;
    return DM_OK;
}

/* A point from a solution (feasible or not). */
static void point_of(double rho0, const dm_solution *s, dm_sweep_point *pt) {
    memset(pt, 0, sizeof *pt);
    pt->rho0 = rho0;
    pt->stop = s->stop;
    if (s->stop == DM_STOP_INFEASIBLE) {
        pt->binding = s->binding;
        pt->least = s->least;
        return;
    }
    pt->objective = s->objective;
    pt->entropy = s->metrics.entropy;
    pt->rho = s->metrics.rho;
    pt->gap = s->gap;
    pt->params = s->metrics.params;
    pt->macs = s->metrics.macs;
    for (int32_t i = 0; i < s->arch.n_superblocks; i++) pt->depth += s->arch.sb[i].depth;
}

dm_status dm_sweep(const dm_problem *p, const double *rho0, int32_t n, dm_sweep_fn fn,
                   void *user, dm_sweep_point *out, dm_error *err) {
    if (!p || !rho0 || !out) return DM_FAIL(err, DM_ERR_INVALID, "sweep: a NULL argument");
    if (n < 1 || n > DM_SWEEP_MAX_POINTS)
        return DM_FAIL(err, DM_ERR_INVALID, "%d sweep points is outside 1..%d", n,
                       DM_SWEEP_MAX_POINTS);
    dm_problem q = *p;
    for (int32_t i = 0; i < n; i++) {
        q.rho0 = rho0[i];
        dm_solution s;
        dm_error e = {0};
        dm_status st = dm_solve(&q, &s, &e);
        if (st == DM_ERR_INFEASIBLE && s.stop == DM_STOP_INFEASIBLE) st = DM_OK;
        if (st != DM_OK) {
            if (err) *err = e;
            return st;
        }
        point_of(rho0[i], &s, &out[i]);
        if (fn) fn(i + 1, n, &out[i], user);
    }
    return DM_OK;
}
