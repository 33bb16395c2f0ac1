/*
** refine.c -- designing with the answer's own op shapes measured
** (dm_solve_refined, docs/latency.md "Measured designs"): solve, measure
** the shapes the table only estimated, solve again.
**
** Why a loop: a table predicts a shape it lacks from the measured grid
** around it, and the solver, maximising under the prediction, is drawn
** to exactly the shapes that prediction underestimates.  Once every shape
** of the answer is measured, its predicted latency is a sum of measured
** times.  Each round adds at least one shape to the table, and a design
** seen before is then all measured, so the loop ends; DM_REFINE_MAX_SOLVES
** bounds the time it takes.  The answer is always a solve's own, its
** metrics predicted from the table that solve saw: the last solve's
** shapes are not measured after it (they would change its prediction).
*/
#include "profile.h"
#include <string.h>

/* The ops of design `a` into *ops (dm_free), *n. */
static dm_status design_ops(const dm_arch *a, dm_op **ops, int32_t *n, dm_error *err) {
    dm_net *net = NULL;
    dm_status s = dm_net_create(a, &net, err);
    if (!s) s = dm_net_ops(net, ops, n, err);
    dm_net_free(net);
    return s;
}

/* A table measured elsewhere, or with other threads or batch, cannot take
   the times measured here. */
static dm_status same_machine(const dm_latency_table *t, const dm_run_options *o, dm_error *err) {
    char cpu[DM_LATENCY_TEXT], engine[DM_LATENCY_TEXT];
    if (t->n_entries == 0) return DM_OK;
    if (t->threads != o->threads || t->batch != o->batch)
        return DM_FAIL(err, DM_ERR_INVALID, "the latency table was measured with %d threads, "
                       "batch %d, not %d threads, batch %d", t->threads, t->batch, o->threads,
                       o->batch);
    dm_run_machine(cpu, engine);   /* reads /proc/cpuinfo: after the cheap checks */
    if (!strcmp(t->cpu, cpu) && !strcmp(t->engine, engine)) return DM_OK;
    return DM_FAIL(err, DM_ERR_INVALID,
                   "the latency table was measured on '%s' (%s), this machine is '%s' (%s): "
                   "measuring here would mix two machines' times", t->cpu, t->engine, cpu,
                   engine);
}

dm_status dm_solve_refined(const dm_problem *p, dm_latency_table *t, const dm_run_options *o,
                           dm_progress_fn solve_fn, dm_profile_fn measure_fn, void *user,
                           dm_solution *out, dm_refine_info *info, dm_error *err) {
    if (!p || !t || !o || !out || !info)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_solve_refined: NULL argument");
    memset(info, 0, sizeof *info);
    dm_status s = dm_run_options_validate(o, err);
    if (!s) s = same_machine(t, o, err);
    dm_problem q = *p;
    q.latency_table = t;
    while (!s) {
        dm_op *ops = NULL;
        int32_t n = 0, before = t->n_entries;
        s = dm_solve_progress(&q, solve_fn, user, out, err);
        info->solves++;
        if (!s) s = design_ops(&out->arch, &ops, &n, err);
        if (!s) info->estimated = dmi_profile_missing(ops, n, t);
        bool done = s || info->estimated == 0 || info->solves == DM_REFINE_MAX_SOLVES;
        if (!done) s = dm_latency_profile(ops, n, o, measure_fn, user, t, err);
        info->measured += t->n_entries - before;
        dm_free(ops);
        if (done) break;
    }
    return s;
}
