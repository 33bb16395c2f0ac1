/*
** report_json.c -- the JSON objects `deepmad analyze --json` and `deepmad
** design --json` print, composed in one place so that the CLI and the
** Python package (python/deepmad) give the same bytes: a net's metrics or a
** design result, with the plausibility report (docs/plausibility.md) as
** the last key.  Which space a net is judged against when no design
** problem is given is decided here too (dm_net_space).
*/
#include "internal.h"
#include <stdlib.h>
#include <string.h>

dm_status dm_net_space(const dm_arch *a, dm_problem *out, dm_error *err) {
    if (!a || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_net_space needs an arch and an output");
    dm_status s = DM_OK;
    dm_problem_default(out, a->sb[0].kind);
    if (a->style == DM_STYLE_PAPER) s = dm_problem_set_space(out, DM_SPACE_PAPER, err);
    out->n_superblocks = a->n_superblocks;
    /* A space sets no depth (the layouts do): depth is not judged. */
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++) {
        out->depth_min[i] = 1;
        out->depth_max[i] = DM_MAX_DEPTH;
        out->stride[i] = i < a->n_superblocks ? a->sb[i].stride : 1;
    }
    out->input_size = a->input_size;
    out->in_channels = a->in_channels;
    out->stem_stride = a->stem.stride;
    out->stem_kernel = a->stem.kernel;
    out->head = a->head > 0;
    out->classes = a->classes;
    return s;
}

/* Insert `, "plausibility": <obj>` after the last value of the object in
   *json: just before its closing brace and the whitespace ahead of it. */
static dm_status splice(char **json, const char *obj, dm_error *err) {
    char *close = strrchr(*json, '}');
    if (!close) return DM_FAIL(err, DM_ERR_INTERNAL, "no JSON object to add plausibility to");
    size_t at = (size_t)(close - *json);
    while (at > 0 && strchr(" \n\t\r", (*json)[at - 1])) at--;
    /* A multi-line object (analyze's metrics) gets the key on a line of its own. */
    const char *key = memchr(*json + at, '\n', (size_t)(close - *json) - at)
                          ? ",\n  \"plausibility\": " : ", \"plausibility\": ";
    size_t len = strlen(*json), klen = strlen(key), olen = strlen(obj);
    char *t = dmi_malloc(len + klen + olen + 1);
    if (!t) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory adding plausibility to a JSON object");
    memcpy(t, *json, at);
    memcpy(t + at, key, klen);
    memcpy(t + at + klen, obj, olen);
    memcpy(t + at + klen + olen, *json + at, len - at + 1);
    dm_free(*json);
    *json = t;
    return DM_OK;
}

dm_status dm_json_add_plausibility(const dm_net *net, const dm_problem *p, char **json,
                                   dm_error *err) {
    if (!net || !json || !*json)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_json_add_plausibility needs a net and a JSON object");
    dm_plausibility pl;
    dm_problem own;
    dm_error lerr = {0};
    const char *name = "problem";
    char *obj = NULL;
    dm_limits *lim = dmi_malloc(sizeof *lim);
    if (!lim) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory for the plausibility report");
    if (!p) {
        const dm_arch *a = dm_net_arch(net);
        name = a->style == DM_STYLE_PAPER ? "paper" : "open";
        dm_net_space(a, &own, &lerr);
        p = &own;
    }
    dm_status s = dm_net_plausibility(net, &pl, err);
    /* Limits that cannot be checked leave "space" and "at_limit" out (the
       text says "not checked"): the report never fails the command. */
    int checked = !lerr.code && !dm_space_limits(p, net, lim, &lerr);
    if (!s) s = dm_plausibility_to_json(&pl, checked ? lim : NULL, name, &obj, err);
    if (!s) s = splice(json, obj, err);
    dm_free(obj);
    dm_free(lim);
    return s;
}

dm_status dm_analysis_to_json(const dm_net *net, const dm_metrics *m, char **out_json,
                              dm_error *err) {
    if (!out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_analysis_to_json needs an output");
    *out_json = NULL;
    if (!net || !m) return DM_FAIL(err, DM_ERR_INVALID, "dm_analysis_to_json needs a net and its metrics");
    dm_status s = dm_metrics_to_json(m, out_json, err);
    if (!s) s = dm_json_add_plausibility(net, NULL, out_json, err);
    if (s) {
        dm_free(*out_json);
        *out_json = NULL;
    }
    return s;
}

dm_status dm_design_to_json(const dm_problem *p, const dm_solution *sol, double seconds,
                            char **out_json, dm_error *err) {
    if (!out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_design_to_json needs an output");
    *out_json = NULL;
    if (!p || !sol) return DM_FAIL(err, DM_ERR_INVALID, "dm_design_to_json needs a problem and a solution");
    if (sol->stop == DM_STOP_INFEASIBLE)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_design_to_json needs a design, not an infeasible "
                                            "result (dm_solution_to_json writes that)");
    dm_net *net = NULL;
    dm_status s = dm_solution_to_json(p, sol, seconds, NULL, out_json, err);
    if (!s) s = dm_net_create(&sol->arch, &net, err);
    if (!s) s = dm_json_add_plausibility(net, p, out_json, err);
    dm_net_free(net);
    if (s) {
        dm_free(*out_json);
        *out_json = NULL;
    }
    return s;
}
