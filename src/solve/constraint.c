/*
** constraint.c -- the constraint table (constraint.h).  ORDER DM_CONSTRAINT.
*/
#include "constraint.h"
#include <assert.h>
#include <stddef.h>

typedef enum limit_kind { LIMIT_INT64, LIMIT_INT32, LIMIT_DOUBLE } limit_kind;
typedef enum measure { M_MACS, M_PARAMS, M_RHO, M_LAYERS, M_PEAK, M_LATENCY } measure;

typedef struct row {
    const char *name;     /* as files and the CLI spell it */
    const char *word;     /* as the infeasibility message says it */
    size_t limit_at;      /* offset of the limit in dm_problem */
    limit_kind kind;
    measure what;
    int monotone;         /* never falls when a variable grows (constraint.h) */
    int priced;           /* the local search weighs steps by their use of it */
} row;

/* Layers are monotone but not priced: a depth step's objective gain is
   measured against the cost budgets only (as the search always has). */
static const row rows[] = {
    {"macs", "MACs", offsetof(dm_problem, max_macs), LIMIT_INT64, M_MACS, 1, 1},
    {"params", "params", offsetof(dm_problem, max_params), LIMIT_INT64, M_PARAMS, 1, 1},
    {"rho", "rho", offsetof(dm_problem, rho0), LIMIT_DOUBLE, M_RHO, 0, 0},
    {"layers", "layer", offsetof(dm_problem, max_layers), LIMIT_INT32, M_LAYERS, 1, 0},
    {"peak_activation", "peak-activation", offsetof(dm_problem, max_peak_activation),
     LIMIT_INT64, M_PEAK, 1, 1},
    /* Predicted latency is not monotone (a wider layer can hit a faster
       kernel) and not priced; the search and the bounds see it also as the
       MACs budget it implies (solver_eval.c, docs/latency.md). */
    {"latency", "latency", offsetof(dm_problem, max_latency_ms), LIMIT_DOUBLE, M_LATENCY, 0, 0},
};
static_assert(DM_COUNTOF(rows) == DM_CONSTRAINT_COUNT, "ORDER DM_CONSTRAINT");

static const row *row_of(dm_constraint c) {
    return (int)c >= 0 && c < DM_CONSTRAINT_COUNT ? &rows[c] : NULL;
}

const char *dm_constraint_name(dm_constraint c) {
    const row *r = row_of(c);
    return r ? r->name : "unknown";
}

double dm_constraint_limit(const dm_problem *p, dm_constraint c) {
    const row *r = row_of(c);
    if (!r || !p) return 0;
    const char *at = (const char *)p + r->limit_at;
    switch (r->kind) {
    case LIMIT_INT64: return (double)*(const int64_t *)(const void *)at;
    case LIMIT_INT32: return (double)*(const int32_t *)(const void *)at;
    case LIMIT_DOUBLE: return *(const double *)(const void *)at;
    }
    return 0;
}

double dm_constraint_value(const dm_metrics *m, dm_constraint c) {
    const row *r = row_of(c);
    if (!r || !m) return 0;
    switch (r->what) {
    case M_MACS: return (double)m->macs;
    case M_PARAMS: return (double)m->params;
    case M_RHO: return m->rho;
    case M_LAYERS: return (double)m->layers;
    case M_PEAK: return (double)m->peak_activation;
    case M_LATENCY: return m->latency_ms;
    }
    return 0;
}

double dmi_constraint_excess(const dm_problem *p, dm_constraint c, double value) {
    return dmi_excess_over(value, dm_constraint_limit(p, c));
}

/* Exact for the integer constraints: a count past 2^53 must not pass a
   limit by rounding. */
static int64_t count_of(const dm_metrics *m, measure what) {
    switch (what) {
    case M_MACS: return m->macs;
    case M_PARAMS: return m->params;
    case M_LAYERS: return m->layers;
    case M_PEAK: return m->peak_activation;
    case M_RHO:
    case M_LATENCY: break;
    }
    return 0;
}

static int64_t int_limit(const dm_problem *p, const row *r) {
    const char *at = (const char *)p + r->limit_at;
    return r->kind == LIMIT_INT64 ? *(const int64_t *)(const void *)at
                                  : *(const int32_t *)(const void *)at;
}

int64_t dmi_constraint_count_limit(const dm_problem *p, dm_constraint c) {
    const row *r = row_of(c);
    return r && p && r->kind != LIMIT_DOUBLE ? int_limit(p, r) : 0;
}

const char *dmi_constraint_word(dm_constraint c) { return row_of(c) ? row_of(c)->word : "unknown"; }
int dmi_constraint_monotone(dm_constraint c) { return row_of(c) && row_of(c)->monotone; }
int dmi_constraint_priced(dm_constraint c) { return row_of(c) && row_of(c)->priced; }

int dm_constraint_met(const dm_problem *p, const dm_metrics *m, dm_constraint c) {
    const row *r = row_of(c);
    if (!r || !p || !m) return 0;
    if (r->kind == LIMIT_DOUBLE) return dmi_constraint_excess(p, c, dm_constraint_value(m, c)) == 0.0;
    int64_t limit = int_limit(p, r);
    return limit <= 0 || count_of(m, r->what) <= limit;
}
