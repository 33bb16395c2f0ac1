/*
** solver.c -- dm_solve: local search for the incumbent, branch and bound
** for the proof, the relaxation bound for the certificate, and the final
** re-check of the answer through dm_net_create + dm_net_metrics.
*/
#include "solver.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DUAL_WORK 1200      /* dual evaluations of the certificate at effort 1 */
#define MAX_EFFORT 100000

static const char *const stop_names[DM_STOP_COUNT] = {"optimal", "node-limit", "infeasible"};

const char *dm_stop_str(dm_stop s) {
    return (int)s >= 0 && s < DM_STOP_COUNT ? stop_names[s] : "unknown";
}

/* ORDER DM_PHASE */
static const char *const phase_names[DM_PHASE_COUNT] = {"search", "tree", "certificate"};

const char *dm_phase_name(dm_phase ph) {
    return (int)ph >= 0 && ph < DM_PHASE_COUNT ? phase_names[ph] : "unknown";
}

/* The infeasibility answer.  A monotone constraint (constraint.h) that
   even the smallest design breaks binds, provably, at the smallest
   design's value; otherwise rho binds at the least rho the search saw on
   a design within the other limits. */
static dm_status infeasible(dmi_ctx *x, int complete, dm_solution *out, dm_error *err) {
    dmi_cand c;
    dmi_eval e;
    dm_problem user = x->p;   /* the budgets as given, without the MACs a latency budget implies */
    const dm_problem *p = &user;
    user.max_macs = x->user_max_macs;
    const char *fam = dm_block_kind_name(p->family);
    dmi_cand_smallest(x, &c, 0);
    dm_status s = dmi_cand_eval(x, &c, &e, err);
    if (s) return s;
    out->stop = DM_STOP_INFEASIBLE;
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) {
        dm_constraint ck = (dm_constraint)k;
        if (!dmi_constraint_monotone(ck) || dmi_constraint_excess(p, ck, e.value[k]) == 0) continue;
        out->binding = ck;
        out->least = e.value[k];
        out->proven = 1;
        return DM_FAIL(err, DM_ERR_INFEASIBLE,
                       "%s budget %lld is below the least any %s network of this layout "
                       "can have at %d px: %lld", dmi_constraint_word(ck),
                       (long long)dmi_constraint_count_limit(p, ck), fam, p->input_size,
                       (long long)e.value[k]);
    }
    if (dmi_constraint_excess(p, DM_CONSTRAINT_LATENCY, e.value[DM_CONSTRAINT_LATENCY]) > 0) {
        out->binding = DM_CONSTRAINT_LATENCY;
        out->least = e.value[DM_CONSTRAINT_LATENCY];
        return DM_FAIL(err, DM_ERR_INFEASIBLE, "latency budget %g ms is below the predicted "
                       "latency of the smallest %s network of this layout at %d px: %g ms",
                       p->max_latency_ms, fam, p->input_size, out->least);
    }
    out->binding = DM_CONSTRAINT_RHO;
    double rho = e.value[DM_CONSTRAINT_RHO];
    out->least = x->least[DM_CONSTRAINT_RHO] < HUGE_VAL ? x->least[DM_CONSTRAINT_RHO] : rho;
    out->proven = complete;
    return DM_FAIL(err, DM_ERR_INFEASIBLE,
                   "%s %s network of this layout within the budgets reaches rho <= %g "
                   "(the least seen is %.3f); raise rho0, the budgets or the depth range",
                   complete ? "no" : "the search found no", fam, p->rho0, out->least);
}

/* Build the answer as a real network, take its metrics from the core and
   check them against every row of the constraint table. */
static dm_status finish(dmi_ctx *x, const dmi_cand *c, dm_solution *out, dm_error *err) {
    dm_net *net = NULL;
    dmi_cand_arch(x, c, &out->arch);
    dm_status s = dm_net_create(&out->arch, &net, err);
    if (!s) s = dm_net_metrics(net, &x->sp, &out->metrics, err);
    if (!s && x->lat) s = dmi_latency_metrics(x->lat, net, &out->metrics, err);
    dm_net_free(net);
    if (s) return s;
    out->objective = out->metrics.objective;
    if (!dmi_cand_on_grid(x, c) || !dmi_cand_monotone(x, c))
        return DM_FAIL(err, DM_ERR_INTERNAL, "the solver's answer breaks a rule of the search space "
                       "on re-check");
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++)
        if (!dm_constraint_met(&x->p, &out->metrics, (dm_constraint)k))
            return DM_FAIL(err, DM_ERR_INTERNAL,
                           "the solver's answer breaks the %s constraint on re-check",
                           dm_constraint_name((dm_constraint)k));
    return DM_OK;
}

dm_status dm_solve(const dm_problem *p, dm_solution *out, dm_error *err) {
    return dm_solve_progress(p, NULL, NULL, out, err);
}

dm_status dm_solve_progress(const dm_problem *p, dm_progress_fn fn, void *user,
                            dm_solution *out, dm_error *err) {
    if (!out) return DM_FAIL(err, DM_ERR_INVALID, "no solution output given");
    if (p && (p->effort < 0 || p->effort > MAX_EFFORT))
        return DM_FAIL(err, DM_ERR_INVALID, "problem: effort is %d; it must be in 0..%d", (int)p->effort,
                       MAX_EFFORT);
    memset(out, 0, sizeof *out);
    dmi_ctx *x = dmi_calloc(1, sizeof *x);
    if (!x) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    dmi_cand best;
    dmi_eval be;
    int found = 0, complete = 0;
    dmi_bound *b = NULL;
    dm_status s = dmi_ctx_init(x, p, err);
    x->memo = dmi_calloc(1, sizeof *x->memo);   /* the block tallies of the search (space.h) */
    if (!s && !x->memo) s = DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    x->progress = fn;
    x->progress_user = user;
    if (!s) dmi_progress_phase(x, DM_PHASE_SEARCH, 0);
    if (!s) s = dmi_search_local(x, &best, &be, &found, err);
    if (!s) s = dmi_bound_build(x, &b, err);
    if (!s) {
        x->prog.bound = dmi_bound_root(b);
        dmi_progress_phase(x, DM_PHASE_TREE, x->p.node_limit);
        s = dmi_search_bb(x, b, NULL, x->p.node_limit, &best, &be, &found, &out->nodes, &complete, err);
    }
    if (!s && !found) s = infeasible(x, complete, out, err);
    double dual = HUGE_VAL;
    int64_t work = DUAL_WORK * (x->p.effort > 1 ? x->p.effort : 1);
    if (!s && found && !complete) {
        dmi_progress_phase(x, DM_PHASE_CERTIFICATE, work);
        s = dmi_dual_bb(x, b, &best, &be, work, &dual, &complete, &out->bound_boxes, err);
    }
    if (!s) s = finish(x, &best, out, err);
    if (!s) {
        double root = fmin(dmi_bound_root(b), dual);   /* both are valid bounds */
        /* A bound no higher than the design proves it optimal, whatever
           stopped the trees. */
        if (root <= out->objective) complete = 1;
        out->stop = complete ? DM_STOP_OPTIMAL : DM_STOP_NODE_LIMIT;
        out->bound = complete ? out->objective : fmax(root, out->objective);
        out->gap = out->bound - out->objective;
        out->evaluations = x->evals;
    }
    dmi_bound_free(b);
    dmi_ctx_free(x);
    free(x->memo);
    free(x);
    return s;
}
