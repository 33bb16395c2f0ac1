/*
** mlp_json.c -- the MLP description as JSON (docs/mlp.md):
**
**   {"format": "deepmad-mlp", "version": 1, "in_features": 784,
**    "hidden": [512, 256], "out_features": 10, "act": "relu", "bias": true}
**
** Read through the same strict core as the architecture JSON
** (json_read.c): the same size limit, syntax errors with line and column,
** trailing text refused, unknown or duplicate keys and wrong types
** DM_ERR_PARSE naming the JSON path, widths past DM_MLP_MAX_WIDTH
** DM_ERR_RANGE.  The writer prints one fixed key order, so the same MLP
** gives the same bytes.
*/
#include "mlp.h"
#include "io.h"
#include <stdio.h>
#include <string.h>

static dm_status read_hidden(const cJSON *root, dm_mlp *m, dm_error *err) {
    const cJSON *h;
    int n = 0;
    dm_status s = dmi_json_array(root, "", "hidden", 1, &h, &n, err);
    if (s) return s;
    if (n >= DM_MLP_MAX_LAYERS)
        return DM_FAIL(err, DM_ERR_RANGE, "hidden: %d widths, at most %d", n,
                       DM_MLP_MAX_LAYERS - 1);
    char what[DMI_JSON_PATH];
    int i = 0;
    for (const cJSON *c = h->child; c; c = c->next, i++) {
        snprintf(what, sizeof what, "hidden[%d]", i);
        if ((s = dmi_json_as_int(c, what, 1, DM_MLP_MAX_WIDTH, &m->hidden[i], err))) return s;
    }
    m->n_layers = n + 1;
    return DM_OK;
}

static dm_status read_act(const cJSON *root, dm_mlp *m, dm_error *err) {
    const char *name = NULL;
    dm_status s = dmi_json_string(root, "", "act", 0, &name, err);
    if (s || !name) return s;
    if ((s = dm_act_from_name(name, &m->act, err))) return dmi_error_prefix(err, s, "act");
    return DM_OK;
}

static dm_status read_root(const cJSON *root, dm_mlp *m, dm_error *err) {
    static const char *const keys[] = {"format", "version", "in_features", "hidden",
                                       "out_features", "act", "bias"};
    dm_status s;
    if ((s = dmi_json_object(root, "", err))) return s;
    if ((s = dmi_json_keys(root, "", keys, DM_COUNTOF(keys), err))) return s;
    if ((s = dmi_json_header(root, "deepmad-mlp", err))) return s;
    if ((s = dmi_json_int(root, "", "in_features", 1, 1, DM_MLP_MAX_WIDTH, &m->in_features, err)))
        return s;
    if ((s = dmi_json_int(root, "", "out_features", 1, 1, DM_MLP_MAX_WIDTH, &m->out_features,
                          err)))
        return s;
    if ((s = read_hidden(root, m, err))) return s;
    if ((s = read_act(root, m, err))) return s;
    return dmi_json_bool(root, "", "bias", 0, &m->bias, err);
}

dm_status dmi_mlp_from_tree(const cJSON *root, dm_mlp *out, dm_error *err) {
    dm_mlp m;
    dm_mlp_init(&m);
    dm_status s = read_root(root, &m, err);
    if (!s) s = dm_mlp_validate(&m, err);
    if (!s) *out = m;
    return s;
}

dm_status dm_mlp_from_json(const char *text, size_t len, dm_mlp *out, dm_error *err) {
    if (!text || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_mlp_from_json needs text and an output");
    cJSON *root;
    dm_status s = dmi_json_parse(text, len, &root, err);
    if (s) return s;
    s = dmi_mlp_from_tree(root, out, err);
    cJSON_Delete(root);
    return s;
}

dm_status dm_mlp_to_json(const dm_mlp *m, char **out_json, dm_error *err) {
    *out_json = NULL;
    dm_status s = dm_mlp_validate(m, err);
    if (s) return s;
    dmi_buf b = {0};
    dmi_buf_printf(&b, "{\"format\": \"deepmad-mlp\", \"version\": 1, \"in_features\": %d, "
                       "\"hidden\": [", m->in_features);
    for (int32_t i = 0; i < m->n_layers - 1; i++)
        dmi_buf_printf(&b, "%s%d", i ? ", " : "", m->hidden[i]);
    dmi_buf_printf(&b, "], \"out_features\": %d, \"act\": \"%s\", \"bias\": %s}\n",
                   m->out_features, dm_act_name(m->act), m->bias ? "true" : "false");
    return dmi_buf_finish(&b, out_json, err);
}

/* Kept for callers that have not moved to dm_model_from_text: strict
   like the reader (trailing text, NUL and the size limit count). */
int dm_mlp_json_detect(const char *text, size_t len) {
    if (!text) return 0;
    cJSON *root = NULL;
    const char *f = NULL;
    int yes = dmi_json_parse(text, len, &root, NULL) == DM_OK && cJSON_IsObject(root)
           && dmi_json_string(root, "", "format", 1, &f, NULL) == DM_OK
           && strcmp(f, "deepmad-mlp") == 0;
    cJSON_Delete(root);
    return yes;
}
