/*
** result_json.c -- a design result as one JSON object (dm_solution_to_json,
** dm_mlp_solution_to_json): what `deepmad design --json` prints.
**
** A design is {"status", "architecture", "metrics", "bound", "gap",
** ["seconds"], "stop", "nodes"}; "status" is "optimal" when the tree was
** exhausted and "gap" when the node limit stopped it (a design, not proven
** optimal).  An infeasible problem is {"status": "infeasible",
** "constraint", "least", "limit", "proven", "message"}.  The text ends in
** a newline, like every other writer's.  "architecture" is the file
** `design -o` writes (dm_solution_arch_to_json): the arch with the
** problem it was designed for (dm_design_record_of) as its "problem", so
** that the object saved alone loads and explains itself.  Bound and gap
** are printed %.17g
** (dmi_buf_double17, not the shorter round-trip form of dmi_buf_double)
** because that is the format these objects have always had.
*/
#include "buf.h"
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------- */

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_string(dmi_buf *b, const char *s) {
    dmi_buf_printf(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') dmi_buf_printf(b, "\\%c", c);
        else if (c < 0x20) dmi_buf_printf(b, "\\u%04x", c);
        else dmi_buf_printf(b, "%c", c);
    }
    dmi_buf_printf(b, "\"");
}

/* The first line of a one-line writer's text (dm_mlp_to_json), so that it
   can be embedded. */
static void put_first_line(dmi_buf *b, const char *text) {
    dmi_buf_printf(b, "%.*s", (int)strcspn(text, "\n"), text);
}

/* ---------------------------------------------------------------------- */

/* The named space whose domains p has: applying it changes nothing; -1
   when options moved p off every named space. */
static int32_t space_of(const dm_problem *p) {
    for (int sp = 0; sp < DM_SPACE_COUNT; sp++) {
        dm_problem q = *p;   /* a byte copy, so padding compares equal too */
        if (dm_problem_set_space(&q, (dm_space)sp, NULL) == DM_OK && !memcmp(&q, p, sizeof q))
            return sp;
    }
    return -1;
}

dm_status dm_design_record_of(const dm_problem *p, const dm_solution *s, dm_design_record *out,
                              dm_error *err) {
    if (!p || !s || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_design_record_of needs a problem, a solution and an output");
    if (s->stop == DM_STOP_INFEASIBLE)
        return DM_FAIL(err, DM_ERR_INVALID, "an infeasible problem has no design to record");
    dm_design_record r = {
        .present = 1, .family = p->family, .se = p->se ? 1 : 0, .space = space_of(p),
        .input_size = p->input_size, .classes = p->classes, .rho0 = p->rho0,
        .max_macs = p->max_macs, .max_params = p->max_params, .max_layers = p->max_layers,
        .max_peak_activation = p->max_peak_activation, .max_latency_ms = p->max_latency_ms,
        .objective = s->objective, .bound = s->bound, .gap = s->gap,
        .optimal = s->stop == DM_STOP_OPTIMAL};
    *out = r;
    return DM_OK;
}

dm_status dm_solution_arch_to_json(const dm_problem *p, const dm_solution *s, char **out_json,
                                   dm_error *err) {
    if (!out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_solution_arch_to_json needs an output");
    *out_json = NULL;
    dm_design_record r;
    dm_status st = dm_design_record_of(p, s, &r, err);
    return st ? st : dm_arch_to_json_record(&s->arch, &r, out_json, err);
}

static const char *status_of(dm_stop stop) {
    return stop == DM_STOP_OPTIMAL ? "optimal" : stop == DM_STOP_INFEASIBLE ? "infeasible" : "gap";
}

static void put_infeasible(dmi_buf *b, dm_constraint c, double least, double limit, int proven,
                           const char *msg) {
    dmi_buf_printf(b, "{\"status\": \"infeasible\", \"constraint\": ");
    put_string(b, dm_constraint_name(c));
    dmi_buf_printf(b, ", \"least\": ");
    dmi_buf_double(b, least);
    dmi_buf_printf(b, ", \"limit\": ");
    dmi_buf_double(b, limit);
    dmi_buf_printf(b, ", \"proven\": %s, \"message\": ", proven ? "true" : "false");
    put_string(b, msg ? msg : "");
    dmi_buf_printf(b, "}\n");
}

/* The fields after architecture and metrics, common to both families. */
static void put_tail(dmi_buf *b, double bound, double gap, double seconds, dm_stop stop,
                     int64_t nodes) {
    dmi_buf_printf(b, ", \"bound\": ");
    dmi_buf_double17(b, bound);
    dmi_buf_printf(b, ", \"gap\": ");
    dmi_buf_double17(b, gap);
    if (seconds >= 0) dmi_buf_printf(b, ", \"seconds\": %.6f", seconds);
    dmi_buf_printf(b, ", \"stop\": \"%s\", \"nodes\": %lld}\n", dm_stop_str(stop),
                   (long long)nodes);
}

static dm_status finish_infeasible(dm_constraint c, double least, double limit,
                                   int proven, const char *msg, char **out, dm_error *err) {
    dmi_buf b = {0};
    put_infeasible(&b, c, least, limit, proven, msg);
    return dmi_buf_finish(&b, out, err);
}

dm_status dm_solution_to_json(const dm_problem *p, const dm_solution *s, double seconds,
                              const char *msg, char **out_json, dm_error *err) {
    if (!p || !s || !out_json) return DM_FAIL(err, DM_ERR_INVALID, "no solution to write");
    if (s->stop == DM_STOP_INFEASIBLE)
        return finish_infeasible(s->binding, s->least, dm_constraint_limit(p, s->binding),
                                 s->proven, msg, out_json, err);
    char *arch = NULL, *met = NULL;
    dm_status st = dm_solution_arch_to_json(p, s, &arch, err);
    if (!st) st = dm_metrics_to_json(&s->metrics, &met, err);
    if (!st) {
        /* Both texts keep their trailing newline: the format always had it
           in front of the next comma. */
        dmi_buf b = {0};
        dmi_buf_printf(&b, "{\"status\": \"%s\", \"architecture\": %s, \"metrics\": %s",
                       status_of(s->stop), arch, met);
        if (p->max_latency_ms > 0) {   /* only then: other results keep their bytes */
            dmi_buf_printf(&b, ", \"latency_budget_ms\": ");
            dmi_buf_double(&b, p->max_latency_ms);
        }
        put_tail(&b, s->bound, s->gap, seconds, s->stop, s->nodes);
        st = dmi_buf_finish(&b, out_json, err);
    }
    dm_free(arch);
    dm_free(met);
    return st;
}

/* ---------------------------------------------------------------------- */

/* The limit the MLP problem puts on `c` (0 = none). */
static double mlp_limit(const dm_mlp_problem *p, dm_constraint c) {
    switch (c) {
    case DM_CONSTRAINT_MACS: return (double)p->max_macs;
    case DM_CONSTRAINT_PARAMS: return (double)p->max_params;
    case DM_CONSTRAINT_RHO: return p->rho0;
    case DM_CONSTRAINT_LAYERS: return (double)p->max_layers;
    default: return 0;
    }
}

dm_status dm_mlp_solution_to_json(const dm_mlp_problem *p, const dm_mlp_solution *s,
                                  double seconds, const char *msg, char **out_json,
                                  dm_error *err) {
    if (!p || !s || !out_json) return DM_FAIL(err, DM_ERR_INVALID, "no solution to write");
    if (s->stop == DM_STOP_INFEASIBLE)
        return finish_infeasible(s->binding, s->least, mlp_limit(p, s->binding), s->proven, msg,
                                 out_json, err);
    char *arch = NULL, *met = NULL;
    dm_status st = dm_mlp_to_json(&s->mlp, &arch, err);
    if (!st) st = dm_mlp_metrics_to_json(&s->metrics, &met, err);
    if (!st) {
        dmi_buf b = {0};
        dmi_buf_printf(&b, "{\"status\": \"%s\", \"architecture\": ", status_of(s->stop));
        put_first_line(&b, arch);
        dmi_buf_printf(&b, ", \"metrics\": %s", met);
        put_tail(&b, s->bound, s->gap, seconds, s->stop, s->nodes);
        st = dmi_buf_finish(&b, out_json, err);
    }
    dm_free(arch);
    dm_free(met);
    return st;
}
