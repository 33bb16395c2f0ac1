/*
** mlp_json.c -- the MLP description as JSON (docs/mlp.md):
**
**   {"format": "deepmad-mlp", "version": 1, "in_features": 784,
**    "hidden": [512, 256], "out_features": 10, "act": "relu", "bias": true}
**
** Strict like json_io.c: unknown or duplicate keys, fractional or
** out-of-range widths, a wrong format tag or version are DM_ERR_PARSE (or
** the validator's code) naming the key.  The writer prints one fixed key
** order, so the same MLP gives the same bytes.  json_io.c's helpers are
** static there, hence the small local ones here.
*/
#include "mlp.h"
#include "io.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const mlp_keys[] = {"format", "version", "in_features", "hidden",
                                       "out_features", "act", "bias"};

static dm_status check_keys(const cJSON *obj, dm_error *err) {
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (dmi_name_index(mlp_keys, DM_COUNTOF(mlp_keys), c->string) < 0)
            return DM_FAIL(err, DM_ERR_PARSE, "unknown key \"%.40s\"", c->string);
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                return DM_FAIL(err, DM_ERR_PARSE, "duplicate key \"%.40s\"", c->string);
    }
    return DM_OK;
}

/* An integral JSON number in [1, DM_MLP_MAX_WIDTH]. */
static dm_status get_width(const cJSON *v, const char *what, int32_t *out, dm_error *err) {
    if (!v) return DM_FAIL(err, DM_ERR_PARSE, "missing required key \"%s\"", what);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble))
        return DM_FAIL(err, DM_ERR_PARSE, "%s: expected an integer", what);
    if (v->valuedouble < 1 || v->valuedouble > DM_MLP_MAX_WIDTH)
        return DM_FAIL(err, v->valuedouble < 1 ? DM_ERR_INVALID : DM_ERR_RANGE,
                       "%s = %.0f is outside 1..%d", what, v->valuedouble, DM_MLP_MAX_WIDTH);
    *out = (int32_t)v->valuedouble;
    return DM_OK;
}

static dm_status read_header(const cJSON *root, dm_error *err) {
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsString(f) || strcmp(f->valuestring, "deepmad-mlp") != 0)
        return DM_FAIL(err, DM_ERR_PARSE, "\"format\" must be \"deepmad-mlp\"");
    if (!cJSON_IsNumber(v) || v->valuedouble != 1)
        return DM_FAIL(err, DM_ERR_PARSE, "\"version\" must be 1 (this reader's version)");
    return DM_OK;
}

static dm_status read_hidden(const cJSON *root, dm_mlp *m, dm_error *err) {
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, "hidden");
    if (!h) return DM_FAIL(err, DM_ERR_PARSE, "missing required key \"hidden\"");
    if (!cJSON_IsArray(h)) return DM_FAIL(err, DM_ERR_PARSE, "hidden: expected an array");
    int n = cJSON_GetArraySize(h);
    if (n >= DM_MLP_MAX_LAYERS)
        return DM_FAIL(err, DM_ERR_RANGE, "hidden: %d widths, at most %d", n,
                       DM_MLP_MAX_LAYERS - 1);
    char what[32];
    int i = 0;
    for (const cJSON *c = h->child; c; c = c->next, i++) {
        snprintf(what, sizeof what, "hidden[%d]", i);
        dm_status s = get_width(c, what, &m->hidden[i], err);
        if (s) return s;
    }
    m->n_layers = n + 1;
    return DM_OK;
}

static dm_status read_options(const cJSON *root, dm_mlp *m, dm_error *err) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "act");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "bias");
    if (a) {
        if (!cJSON_IsString(a)) return DM_FAIL(err, DM_ERR_PARSE, "act: expected a string");
        dm_status s = dm_act_from_name(a->valuestring, &m->act, err);
        if (s) return s;
    }
    if (b) {
        if (!cJSON_IsBool(b)) return DM_FAIL(err, DM_ERR_PARSE, "bias: expected true or false");
        m->bias = cJSON_IsTrue(b) ? 1 : 0;
    }
    return DM_OK;
}

dm_status dm_mlp_from_json(const char *text, size_t len, dm_mlp *out, dm_error *err) {
    if (!text || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_mlp_from_json needs text and an output");
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) return DM_FAIL(err, DM_ERR_PARSE, "not valid JSON");
    dm_mlp m;
    dm_mlp_init(&m);
    dm_status s = cJSON_IsObject(root) ? DM_OK
                : DM_FAIL(err, DM_ERR_PARSE, "expected a JSON object");
    if (!s) s = check_keys(root, err);
    if (!s) s = read_header(root, err);
    if (!s) s = get_width(cJSON_GetObjectItemCaseSensitive(root, "in_features"), "in_features",
                          &m.in_features, err);
    if (!s) s = get_width(cJSON_GetObjectItemCaseSensitive(root, "out_features"), "out_features",
                          &m.out_features, err);
    if (!s) s = read_hidden(root, &m, err);
    if (!s) s = read_options(root, &m, err);
    cJSON_Delete(root);
    if (!s) s = dm_mlp_validate(&m, err);
    if (!s) *out = m;
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

int dm_mlp_json_detect(const char *text, size_t len) {
    if (!text) return 0;
    cJSON *root = cJSON_ParseWithLength(text, len);
    const cJSON *f = root ? cJSON_GetObjectItemCaseSensitive(root, "format") : NULL;
    int yes = cJSON_IsObject(root) && cJSON_IsString(f)
           && strcmp(f->valuestring, "deepmad-mlp") == 0;
    cJSON_Delete(root);
    return yes;
}

dm_status dm_mlp_load(const char *path, dm_mlp *out, dm_error *err) {
    if (!path || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_mlp_load needs a path and an output");
    char *text = NULL;
    size_t len = 0;
    dm_status s = dmi_read_file(path, &text, &len, err);
    if (s) return s;
    s = dm_mlp_from_json(text, len, out, err);
    dm_free(text);
    return s ? dmi_error_prefix(err, s, "%.100s", path) : DM_OK;
}
