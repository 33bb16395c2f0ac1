/*
** latency_json.c -- a latency table as JSON (docs/latency.md, "The table"):
**
**   {"format": "deepmad-latency-table", "version": 1,
**    "cpu": "...", "engine": "oneDNN 3.0.0", "threads": 1, "batch": 1,
**    "entries": [{"op": "conv", "c_in": 3, "c_out": 32, "kernel": 3,
**                 "stride": 2, "groups": 1, "r_in": 224, "r_out": 112,
**                 "act": "relu", "sum": 0,
**                 "median_ms": 0.91, "spread_ms": 0.02, "runs": 7}, ...]}
**
** Read through the strict core (json_read.c): syntax errors with line and
** column, unknown, duplicate or missing keys and wrong types DM_ERR_PARSE
** naming the JSON path, numbers past their limits DM_ERR_RANGE, any other
** bad value (a negative time, a shape no op has, the same shape twice)
** DM_ERR_INVALID.  Every entry is checked as the predictor will read it
** (the index is built once, latency.h).  The writer prints one fixed key
** order and round-trip doubles, so the same table gives the same bytes.
*/
#include "io.h"
#include "latency.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_KERNEL 64        /* no layer of a design is wider */
#define MAX_THREADS 4096
#define MAX_BATCH 65536
#define MAX_RUNS 1000000000
#define MAX_MS 1e9           /* 11 days: past any real measurement */

void dm_latency_table_init(dm_latency_table *t) {
    if (t) memset(t, 0, sizeof *t);
}

void dm_latency_table_free(dm_latency_table *t) {
    if (!t) return;
    dm_free(t->entries);
    t->entries = NULL;
    t->n_entries = 0;
}

/* A text member into a fixed field (DM_ERR_RANGE when it does not fit). */
static dm_status read_text(const cJSON *root, const char *key, char *out, dm_error *err) {
    const char *v = NULL;
    dm_status s = dmi_json_string(root, "", key, 1, &v, err);
    if (s) return s;
    if (strlen(v) >= DM_LATENCY_TEXT)
        return DM_FAIL(err, DM_ERR_RANGE, "%s: %zu characters, at most %d", key, strlen(v),
                       DM_LATENCY_TEXT - 1);
    memcpy(out, v, strlen(v) + 1);
    return DM_OK;
}

/* A time in ms: finite, >= 0, below MAX_MS. */
static dm_status read_ms(const cJSON *e, const char *path, const char *key, double *out,
                         dm_error *err) {
    dm_status s = dmi_json_number(e, path, key, 1, out, err);
    if (s) return s;
    if (*out < 0) return DM_FAIL(err, DM_ERR_INVALID, "%s.%s: %g ms; a time is >= 0", path, key, *out);
    if (!(*out < MAX_MS))
        return DM_FAIL(err, DM_ERR_RANGE, "%s.%s: %g ms, at most %g", path, key, *out, MAX_MS);
    return DM_OK;
}

/* "act": an activation's name, or null for none. */
static dm_status read_act(const cJSON *e, const char *path, int32_t *act, dm_error *err) {
    const cJSON *v;
    char where[DMI_JSON_PATH];
    dm_status s = dmi_json_member(e, path, "act", 1, &v, err);
    if (s) return s;
    *act = DM_OP_ACT_NONE;
    if (cJSON_IsNull(v)) return DM_OK;
    dmi_json_join(where, path, "act");
    if (!cJSON_IsString(v))
        return DM_FAIL(err, DM_ERR_PARSE, "%s: expected an activation name or null", where);
    dm_act a;
    if ((s = dm_act_from_name(v->valuestring, &a, err))) return dmi_error_prefix(err, s, "%s", where);
    *act = (int32_t)a;
    return DM_OK;
}

static dm_status read_kind(const cJSON *e, const char *path, dm_op_kind *kind, dm_error *err) {
    const char *name = NULL;
    char where[DMI_JSON_PATH];
    dm_status s = dmi_json_string(e, path, "op", 1, &name, err);
    if (s) return s;
    dmi_json_join(where, path, "op");
    if ((s = dm_op_kind_from_name(name, kind, err))) return dmi_error_prefix(err, s, "%s", where);
    return DM_OK;
}

/* The shape rules every op obeys, beyond each number's own range. */
static dm_status check_shape(const dm_op *o, const char *path, dm_error *err) {
    if (o->c_in % o->groups || o->c_out % o->groups)
        return DM_FAIL(err, DM_ERR_INVALID, "%s: groups %d must divide c_in %d and c_out %d", path,
                       o->groups, o->c_in, o->c_out);
    if (o->r_out > o->r_in)
        return DM_FAIL(err, DM_ERR_INVALID, "%s: r_out %d is larger than r_in %d", path, o->r_out,
                       o->r_in);
    return DM_OK;
}

static dm_status read_op(const cJSON *e, const char *path, dm_op *o, dm_error *err) {
    dm_status s;
    memset(o, 0, sizeof *o);
    o->stage = -1;
    if ((s = read_kind(e, path, &o->kind, err))) return s;
    if ((s = dmi_json_int(e, path, "c_in", 1, 1, DM_MAX_CHANNELS, &o->c_in, err))) return s;
    if ((s = dmi_json_int(e, path, "c_out", 1, 1, DM_MAX_CHANNELS, &o->c_out, err))) return s;
    if ((s = dmi_json_int(e, path, "kernel", 1, 1, MAX_KERNEL, &o->kernel, err))) return s;
    if ((s = dmi_json_int(e, path, "stride", 1, 1, MAX_KERNEL, &o->stride, err))) return s;
    if ((s = dmi_json_int(e, path, "groups", 1, 1, DM_MAX_CHANNELS, &o->groups, err))) return s;
    if ((s = dmi_json_int(e, path, "r_in", 1, 1, DM_MAX_INPUT_SIZE, &o->r_in, err))) return s;
    if ((s = dmi_json_int(e, path, "r_out", 1, 1, DM_MAX_INPUT_SIZE, &o->r_out, err))) return s;
    if ((s = read_act(e, path, &o->act, err))) return s;
    if ((s = dmi_json_int(e, path, "sum", 1, 0, 1, &o->sum, err))) return s;
    return check_shape(o, path, err);
}

static dm_status read_entry(const cJSON *e, const char *path, dm_latency_entry *out,
                            dm_error *err) {
    static const char *const keys[] = {"op", "c_in", "c_out", "kernel", "stride", "groups",
                                       "r_in", "r_out", "act", "sum", "median_ms", "spread_ms",
                                       "runs"};
    dm_status s;
    if ((s = dmi_json_object(e, path, err))) return s;
    if ((s = dmi_json_keys(e, path, keys, DM_COUNTOF(keys), err))) return s;
    if ((s = read_op(e, path, &out->op, err))) return s;
    if ((s = read_ms(e, path, "median_ms", &out->median_ms, err))) return s;
    if ((s = read_ms(e, path, "spread_ms", &out->spread_ms, err))) return s;
    return dmi_json_int(e, path, "runs", 1, 1, MAX_RUNS, &out->runs, err);
}

static dm_status read_entries(const cJSON *root, dm_latency_table *t, dm_error *err) {
    const cJSON *arr;
    int n = 0;
    dm_status s = dmi_json_array(root, "", "entries", 1, &arr, &n, err);
    if (s) return s;
    t->entries = dmi_calloc((size_t)n + 1, sizeof *t->entries);
    if (!t->entries) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory reading a latency table");
    char path[DMI_JSON_PATH];
    for (const cJSON *e = arr->child; e; e = e->next, t->n_entries++) {
        snprintf(path, sizeof path, "entries[%d]", t->n_entries);
        if ((s = read_entry(e, path, &t->entries[t->n_entries], err))) return s;
    }
    return DM_OK;
}

static dm_status read_root(const cJSON *root, dm_latency_table *t, dm_error *err) {
    static const char *const keys[] = {"format", "version", "cpu", "engine", "threads", "batch",
                                       "entries"};
    dm_status s;
    if ((s = dmi_json_object(root, "", err))) return s;
    if ((s = dmi_json_keys(root, "", keys, DM_COUNTOF(keys), err))) return s;
    if ((s = dmi_json_header(root, "deepmad-latency-table", err))) return s;
    if ((s = read_text(root, "cpu", t->cpu, err))) return s;
    if ((s = read_text(root, "engine", t->engine, err))) return s;
    if ((s = dmi_json_int(root, "", "threads", 1, 1, MAX_THREADS, &t->threads, err))) return s;
    if ((s = dmi_json_int(root, "", "batch", 1, 1, MAX_BATCH, &t->batch, err))) return s;
    return read_entries(root, t, err);
}

/* What the predictor will need of the entries: the index builds. */
static dm_status check_index(const dm_latency_table *t, dm_error *err) {
    dmi_latindex *ix = NULL;
    dm_status s = dmi_latency_index_new(t, &ix, err);
    dmi_latency_index_free(ix);
    return s;
}

dm_status dm_latency_table_from_json(const char *text, size_t len, dm_latency_table *out,
                                     dm_error *err) {
    if (!text || !out)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_table_from_json needs text and an output");
    cJSON *root;
    dm_latency_table t;
    dm_latency_table_init(&t);
    dm_status s = dmi_json_parse(text, len, &root, err);
    if (s) return s;
    s = read_root(root, &t, err);
    cJSON_Delete(root);
    if (!s) s = check_index(&t, err);
    if (s) {
        dm_latency_table_free(&t);
        return s;
    }
    *out = t;
    return DM_OK;
}

/* A JSON string of plain text: quotes, backslashes and control
   characters escaped. */
static void put_string(dmi_buf *b, const char *s) {
    dmi_buf_printf(b, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') dmi_buf_printf(b, "\\%c", *c);
        else if (*c < 0x20) dmi_buf_printf(b, "\\u%04x", *c);
        else dmi_buf_printf(b, "%c", *c);
    }
    dmi_buf_printf(b, "\"");
}

static void put_entry(dmi_buf *b, const dm_latency_entry *e) {
    const dm_op *o = &e->op;
    dmi_buf_printf(b, "    {\"op\": \"%s\", \"c_in\": %d, \"c_out\": %d, \"kernel\": %d, "
                      "\"stride\": %d, \"groups\": %d, \"r_in\": %d, \"r_out\": %d, \"act\": ",
                   dm_op_kind_name(o->kind), o->c_in, o->c_out, o->kernel, o->stride, o->groups,
                   o->r_in, o->r_out);
    if (o->act == DM_OP_ACT_NONE) dmi_buf_printf(b, "null");
    else dmi_buf_printf(b, "\"%s\"", dm_act_name((dm_act)o->act));
    dmi_buf_printf(b, ", \"sum\": %d, \"median_ms\": ", o->sum);
    dmi_buf_double(b, e->median_ms);
    dmi_buf_printf(b, ", \"spread_ms\": ");
    dmi_buf_double(b, e->spread_ms);
    dmi_buf_printf(b, ", \"runs\": %d}", e->runs);
}

/* The writer refuses what the reader would (a table written is a table
   that reads back). */
static dm_status check_table(const dm_latency_table *t, dm_error *err) {
    if (t->threads < 1 || t->threads > MAX_THREADS || t->batch < 1 || t->batch > MAX_BATCH)
        return DM_FAIL(err, DM_ERR_INVALID, "latency table: threads %d and batch %d must be in "
                       "1..%d and 1..%d", t->threads, t->batch, MAX_THREADS, MAX_BATCH);
    if (memchr(t->cpu, 0, sizeof t->cpu) == NULL || memchr(t->engine, 0, sizeof t->engine) == NULL)
        return DM_FAIL(err, DM_ERR_INVALID, "latency table: cpu or engine text is not terminated");
    for (int32_t i = 0; i < t->n_entries; i++) {
        const dm_latency_entry *e = &t->entries[i];
        if (!(e->spread_ms >= 0 && e->spread_ms < MAX_MS) || e->runs < 1 || e->op.sum < 0 ||
            e->op.sum > 1)
            return DM_FAIL(err, DM_ERR_INVALID, "latency table entry %d: spread_ms, runs or sum "
                           "out of range", i);
    }
    return check_index(t, err);
}

dm_status dm_latency_table_to_json(const dm_latency_table *t, char **out_json, dm_error *err) {
    if (!out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_table_to_json needs an output");
    *out_json = NULL;
    if (!t) return DM_FAIL(err, DM_ERR_INVALID, "no latency table given");
    dm_status s = check_table(t, err);
    if (s) return s;
    dmi_buf b = {0};
    dmi_buf_printf(&b, "{\"format\": \"deepmad-latency-table\", \"version\": 1,\n \"cpu\": ");
    put_string(&b, t->cpu);
    dmi_buf_printf(&b, ",\n \"engine\": ");
    put_string(&b, t->engine);
    dmi_buf_printf(&b, ",\n \"threads\": %d, \"batch\": %d,\n \"entries\": [", t->threads, t->batch);
    for (int32_t i = 0; i < t->n_entries; i++) {
        dmi_buf_printf(&b, i ? ",\n" : "\n");
        put_entry(&b, &t->entries[i]);
    }
    dmi_buf_printf(&b, "\n ]}\n");
    return dmi_buf_finish(&b, out_json, err);
}

dm_status dm_latency_table_load(const char *path, dm_latency_table *out, dm_error *err) {
    if (!path || !out)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_table_load needs a path and an output");
    char *text = NULL;
    size_t len = 0;
    dm_status s = dmi_read_file(path, &text, &len, err);
    if (s) return s;
    s = dm_latency_table_from_json(text, len, out, err);
    dm_free(text);
    return s ? dmi_error_prefix(err, s, "%.100s", dmi_file_shown(path))
             : DM_OK;
}

dm_status dm_latency_table_save(const dm_latency_table *t, const char *path, dm_error *err) {
    if (!t || !path)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_table_save needs a table and a path");
    char *json = NULL;
    dm_status s = dm_latency_table_to_json(t, &json, err);
    if (!s) s = dm_write_file_atomic(path, json, strlen(json), err);
    dm_free(json);
    return s;
}
