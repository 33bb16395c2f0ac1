/*
** json_io.c -- the JSON architecture schema (docs/arch-json.md): a strict
** reader on the core of json_read.c and a deterministic writer, plus the
** metrics writers (CNN and MLP).
**
** The reader is strict because descriptions are hand-edited: an unknown or
** misspelt key, a duplicate key or a fractional depth is an error naming
** its JSON path (e.g. "superblocks[2].depth"), never silently ignored.
** The writer prints keys in one fixed order, integers exactly and doubles
** round-trip, so the same arch always gives the same bytes and reading
** them back gives the same arch.
*/
#include "io.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define PATH_MAX_LEN DMI_JSON_PATH

/* ====================================================================== */
/* Reading: enum names through json_read.c's getters                     */
/* ====================================================================== */

/* A string field looked up with one of the dm_*_from_name functions. */
typedef dm_status (*name_fn)(const char *name, int *out, dm_error *err);

static dm_status get_name(const cJSON *obj, const char *path, const char *key, int required,
                          name_fn fn, int *out, dm_error *err) {
    const char *name = NULL;
    dm_status s = dmi_json_string(obj, path, key, required, &name, err);
    if (s || !name) return s;
    if ((s = fn(name, out, err))) {
        char full[DMI_JSON_PATH];
        dmi_json_join(full, path, key);
        return dmi_error_prefix(err, s, "%s", full);
    }
    return DM_OK;
}

/* Adapters from the typed enum lookups to name_fn. */
#define NAME_ADAPTER(fn, type, api)                                                 \
    static dm_status fn(const char *name, int *out, dm_error *err) {               \
        type v;                                                                     \
        dm_status s = api(name, &v, err);                                           \
        if (s == DM_OK) *out = (int)v;                                              \
        return s;                                                                   \
    }
NAME_ADAPTER(kind_by_name, dm_block_kind, dm_block_kind_from_name)
NAME_ADAPTER(act_by_name, dm_act, dm_act_from_name)
NAME_ADAPTER(shortcut_by_name, dm_shortcut, dm_shortcut_from_name)
NAME_ADAPTER(style_by_name, dm_style, dm_style_from_name)

static dm_status get_act(const cJSON *obj, const char *path, dm_act *out, dm_error *err) {
    int v = (int)*out;
    dm_status s = get_name(obj, path, "act", 0, act_by_name, &v, err);
    *out = (dm_act)v;
    return s;
}

/* ====================================================================== */
/* Reading: the schema, one function per object                           */
/* ====================================================================== */

static dm_status read_input(const cJSON *root, dm_arch *a, dm_error *err) {
    static const char *const keys[] = {"channels", "size"};
    const cJSON *o;
    dm_status s;
    if ((s = dmi_json_member(root, "", "input", 1, &o, err))) return s;
    if ((s = dmi_json_object(o, "input", err))) return s;
    if ((s = dmi_json_keys(o, "input", keys, DM_COUNTOF(keys), err))) return s;
    if ((s = dmi_json_int(o, "input", "channels", 1, 1, DM_MAX_CHANNELS, &a->in_channels, err)))
        return s;
    return dmi_json_int(o, "input", "size", 1, 1, DM_MAX_INPUT_SIZE, &a->input_size, err);
}

static dm_status read_stem(const cJSON *root, dm_stem *st, dm_error *err) {
    static const char *const keys[] = {"out", "kernel", "stride", "maxpool", "act"};
    const cJSON *o;
    dm_status s;
    if ((s = dmi_json_member(root, "", "stem", 1, &o, err))) return s;
    if ((s = dmi_json_object(o, "stem", err))) return s;
    if ((s = dmi_json_keys(o, "stem", keys, DM_COUNTOF(keys), err))) return s;
    if ((s = dmi_json_int(o, "stem", "out", 1, 1, DM_MAX_CHANNELS, &st->out, err))) return s;
    if ((s = dmi_json_int(o, "stem", "kernel", 1, 1, DM_MAX_KERNEL, &st->kernel, err))) return s;
    if ((s = dmi_json_int(o, "stem", "stride", 1, 1, DM_MAX_STRIDE, &st->stride, err))) return s;
    if ((s = dmi_json_bool(o, "stem", "maxpool", 0, &st->maxpool, err))) return s;
    return get_act(o, "stem", &st->act, err);
}

/* Exactly one of "inner" (a fixed width) and "expand" (a ratio). */
static dm_status read_inner(const cJSON *o, const char *path, dm_superblock *b, dm_error *err) {
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(o, "inner");
    const cJSON *expand = cJSON_GetObjectItemCaseSensitive(o, "expand");
    if (!inner == !expand)
        return DM_FAIL(err, DM_ERR_PARSE, "%s: give exactly one of \"inner\" and \"expand\"", path);
    if (inner) return dmi_json_int(o, path, "inner", 1, 1, DM_MAX_CHANNELS, &b->inner, err);
    double e = 0;
    dm_status s = dmi_json_number(o, path, "expand", 1, &e, err);
    if (s) return s;
    if (!(e > 0))
        return DM_FAIL(err, DM_ERR_INVALID, "%s.expand is %g; it must be > 0", path, e);
    if (!(e <= DM_MAX_EXPAND))
        return DM_FAIL(err, DM_ERR_RANGE, "%s.expand is %g; it must be at most %g", path, e,
                       DM_MAX_EXPAND);
    b->expand = e;
    return DM_OK;
}

static dm_status read_superblock(const cJSON *o, int i, dm_style style, dm_superblock *b,
                                 dm_error *err) {
    static const char *const keys[] = {"block", "out", "depth", "kernel", "stride", "inner",
                                       "expand", "se", "act", "shortcut"};
    char p[PATH_MAX_LEN];
    snprintf(p, sizeof p, "superblocks[%d]", i);
    dm_status s;
    int v = 0;
    if ((s = dmi_json_object(o, p, err))) return s;
    if ((s = dmi_json_keys(o, p, keys, DM_COUNTOF(keys), err))) return s;
    if ((s = get_name(o, p, "block", 1, kind_by_name, &v, err))) return s;
    b->kind = (dm_block_kind)v;
    if ((s = dmi_json_int(o, p, "out", 1, 1, DM_MAX_CHANNELS, &b->out, err))) return s;
    if ((s = dmi_json_int(o, p, "depth", 1, 1, DM_MAX_DEPTH, &b->depth, err))) return s;
    if ((s = dmi_json_int(o, p, "kernel", 1, 1, DM_MAX_KERNEL, &b->kernel, err))) return s;
    if ((s = dmi_json_int(o, p, "stride", 1, 1, DM_MAX_STRIDE, &b->stride, err))) return s;
    if ((s = read_inner(o, p, b, err))) return s;
    /* Keys another kind uses would be silently meaningless here. */
    int mb = b->kind == DM_BLOCK_MBCONV;
    const char *stray = mb ? "shortcut" : "se";
    if (cJSON_GetObjectItemCaseSensitive(o, stray))
        return DM_FAIL(err, DM_ERR_PARSE, "%s: \"%s\" does not apply to %s blocks", p, stray,
                       dm_block_kind_name(b->kind));
    if ((s = dmi_json_bool(o, p, "se", 0, &b->se, err))) return s;
    if ((s = get_act(o, p, &b->act, err))) return s;
    if (style == DM_STYLE_PAPER && cJSON_GetObjectItemCaseSensitive(o, "shortcut"))
        return DM_FAIL(err, DM_ERR_PARSE,
                       "%s: \"shortcut\" does not apply to paper-style blocks (the paper's "
                       "bottleneck always projects through avg-pool then 1x1 conv)", p);
    v = (int)b->shortcut;
    s = get_name(o, p, "shortcut", 0, shortcut_by_name, &v, err);
    b->shortcut = (dm_shortcut)v;
    return s;
}

static dm_status read_superblocks(const cJSON *root, dm_arch *a, dm_error *err) {
    const cJSON *list;
    dm_status s;
    int n = 0;
    if ((s = dmi_json_array(root, "", "superblocks", 1, &list, &n, err))) return s;
    if (n > DM_MAX_SUPERBLOCKS)
        return DM_FAIL(err, DM_ERR_RANGE, "superblocks: %d given; at most %d", n,
                       DM_MAX_SUPERBLOCKS);
    int i = 0;
    for (const cJSON *o = list->child; o; o = o->next, i++)
        if ((s = read_superblock(o, i, a->style, &a->sb[i], err))) return s;
    a->n_superblocks = n;
    return DM_OK;
}

/* "head": absent or null = no head, else {"out": N, "act": ...}. */
static dm_status read_head(const cJSON *root, dm_arch *a, dm_error *err) {
    static const char *const keys[] = {"out", "act"};
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "head");
    dm_status s;
    if (!o || cJSON_IsNull(o)) return DM_OK;
    if (!cJSON_IsObject(o)) return DM_FAIL(err, DM_ERR_PARSE, "head: expected an object or null");
    if ((s = dmi_json_keys(o, "head", keys, DM_COUNTOF(keys), err))) return s;
    if ((s = dmi_json_int(o, "head", "out", 1, 1, DM_MAX_CHANNELS, &a->head, err))) return s;
    return get_act(o, "head", &a->head_act, err);
}

static dm_status read_root(const cJSON *root, dm_arch *a, dm_error *err) {
    static const char *const keys[] = {"format", "version", "style", "input", "stem",
                                       "superblocks", "head", "classes", "problem"};
    dm_status s;
    int v = (int)a->style;
    if ((s = dmi_json_object(root, "", err))) return s;
    if ((s = dmi_json_keys(root, "", keys, DM_COUNTOF(keys), err))) return s;
    if ((s = dmi_json_header(root, "deepmad-arch", err))) return s;
    if ((s = get_name(root, "", "style", 0, style_by_name, &v, err))) return s;
    a->style = (dm_style)v;
    if ((s = read_input(root, a, err))) return s;
    if ((s = read_stem(root, &a->stem, err))) return s;
    if ((s = read_superblocks(root, a, err))) return s;
    if ((s = read_head(root, a, err))) return s;
    return dmi_json_int(root, "", "classes", 1, 0, DM_MAX_CLASSES, &a->classes, err);
}

/* The record (rec may be NULL: read, checked, dropped) after the arch, so
   a file's own errors come first in the order of its keys. */
dm_status dmi_arch_from_tree(const cJSON *root, dm_arch *out, dm_design_record *rec,
                             dm_error *err) {
    dm_arch a;
    dm_design_record r;
    dm_arch_init(&a);
    dm_status s = read_root(root, &a, err);
    if (s == DM_OK) s = dmi_design_read(root, &r, err);
    if (s == DM_OK) s = dm_arch_validate(&a, err);
    if (s == DM_OK) {
        *out = a;
        if (rec) *rec = r;
    }
    return s;
}

dm_status dm_arch_from_json_record(const char *text, size_t len, dm_arch *out,
                                   dm_design_record *r, dm_error *err) {
    if (!text || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_from_json needs text and an output");
    cJSON *root;
    dm_status s = dmi_json_parse(text, len, &root, err);
    if (s) return s;
    s = dmi_arch_from_tree(root, out, r, err);
    cJSON_Delete(root);
    return s;
}

dm_status dm_arch_from_json(const char *text, size_t len, dm_arch *out, dm_error *err) {
    return dm_arch_from_json_record(text, len, out, NULL, err);
}

/* ====================================================================== */
/* Writing                                                                */
/* ====================================================================== */

static void write_superblock(dmi_buf *b, dm_style style, const dm_superblock *sb) {
    dmi_buf_printf(b, "    {\"block\": \"%s\", \"out\": %d, \"depth\": %d, \"kernel\": %d, \"stride\": %d, ",
                   dm_block_kind_name(sb->kind), (int)sb->out, (int)sb->depth, (int)sb->kernel,
                   (int)sb->stride);
    if (sb->inner > 0) {
        dmi_buf_printf(b, "\"inner\": %d, ", (int)sb->inner);
    } else {
        dmi_buf_printf(b, "\"expand\": ");
        dmi_buf_double(b, sb->expand);
        dmi_buf_printf(b, ", ");
    }
    if (sb->kind == DM_BLOCK_MBCONV) dmi_buf_printf(b, "\"se\": %s, ", sb->se ? "true" : "false");
    dmi_buf_printf(b, "\"act\": \"%s\"", dm_act_name(sb->act));
    if (sb->kind != DM_BLOCK_MBCONV && style != DM_STYLE_PAPER)
        dmi_buf_printf(b, ", \"shortcut\": \"%s\"", dm_shortcut_name(sb->shortcut));
    dmi_buf_printf(b, "}");
}

dm_status dm_arch_to_json_record(const dm_arch *a, const dm_design_record *r, char **out_json,
                                 dm_error *err) {
    if (!out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_to_json needs an output");
    *out_json = NULL;
    dm_status s = dm_arch_validate(a, err);
    if (!s && r) s = dm_design_record_check(r, err);
    if (s) return s;
    dmi_buf b = {0};
    dmi_buf_printf(&b, "{\n  \"format\": \"deepmad-arch\",\n  \"version\": 1,\n");
    if (a->style != DM_STYLE_TORCHVISION) /* the default is not written: older files stay valid */
        dmi_buf_printf(&b, "  \"style\": \"%s\",\n", dm_style_name(a->style));
    dmi_buf_printf(&b, "  \"input\": {\"channels\": %d, \"size\": %d},\n", (int)a->in_channels,
                   (int)a->input_size);
    dmi_buf_printf(&b,
                   "  \"stem\": {\"out\": %d, \"kernel\": %d, \"stride\": %d, \"maxpool\": %s, \"act\": \"%s\"},\n",
                   (int)a->stem.out, (int)a->stem.kernel, (int)a->stem.stride,
                   a->stem.maxpool ? "true" : "false", dm_act_name(a->stem.act));
    dmi_buf_printf(&b, "  \"superblocks\": [%s", a->n_superblocks ? "\n" : "");
    for (int i = 0; i < a->n_superblocks; i++) {
        write_superblock(&b, a->style, &a->sb[i]);
        dmi_buf_printf(&b, "%s\n", i + 1 < a->n_superblocks ? "," : "");
    }
    dmi_buf_printf(&b, "%s],\n", a->n_superblocks ? "  " : "");
    if (a->head)
        dmi_buf_printf(&b, "  \"head\": {\"out\": %d, \"act\": \"%s\"},\n", (int)a->head,
                       dm_act_name(a->head_act));
    else
        dmi_buf_printf(&b, "  \"head\": null,\n");
    dmi_buf_printf(&b, "  \"classes\": %d", (int)a->classes);
    if (r && r->present) { /* last, on its own line: files without it keep their bytes */
        dmi_buf_printf(&b, ",\n  \"problem\": ");
        dmi_design_write(&b, r);
    }
    dmi_buf_printf(&b, "\n}\n");
    return dmi_buf_finish(&b, out_json, err);
}

dm_status dm_arch_to_json(const dm_arch *a, char **out_json, dm_error *err) {
    return dm_arch_to_json_record(a, NULL, out_json, err);
}

/* ---------------------------------------------------------------------- */
/* Metrics                                                                */
/* ---------------------------------------------------------------------- */

/* `"key": value` for a double, refusing what JSON cannot hold. */
static dm_status put_double(dmi_buf *b, const char *sep, const char *key, double v,
                            const char *where, dm_error *err) {
    if (!isfinite(v))
        return DM_FAIL(err, DM_ERR_INVALID, "%s%s is %g; JSON has no NaN or infinity", where,
                       key, v);
    dmi_buf_printf(b, "%s\"%s\": ", sep, key);
    dmi_buf_double(b, v);
    return DM_OK;
}

static dm_status write_stage(dmi_buf *b, const dm_stage_metrics *st, int i, bool latency,
                             dm_error *err) {
    char where[PATH_MAX_LEN];
    snprintf(where, sizeof where, "stages[%d].", i);
    dm_status s;
    dmi_buf_printf(b, "    {\"resolution\": %d, \"channels\": %d, \"layers\": %d", (int)st->resolution,
                   (int)st->channels, (int)st->layers);
    if ((s = put_double(b, ", ", "log_width_sum", st->log_width_sum, where, err))) return s;
    if ((s = put_double(b, ", ", "rho", st->rho, where, err))) return s;
    if ((s = put_double(b, ", ", "alpha", st->alpha, where, err))) return s;
    if ((s = put_double(b, ", ", "entropy", st->entropy, where, err))) return s;
    if (latency && (s = put_double(b, ", ", "latency_ms", st->latency_ms, where, err))) return s;
    dmi_buf_printf(b, "}");
    return DM_OK;
}

static dm_status write_metrics(dmi_buf *b, const dm_metrics *m, dm_error *err) {
    dm_status s;
    dmi_buf_printf(b, "{\n  \"params\": %lld,\n  \"macs\": %lld,\n  \"peak_activation\": %lld,\n"
                      "  \"layers\": %d",
                   (long long)m->params, (long long)m->macs, (long long)m->peak_activation,
                   (int)m->layers);
    if ((s = put_double(b, ",\n  ", "rho", m->rho, "", err))) return s;
    if ((s = put_double(b, ",\n  ", "entropy", m->entropy, "", err))) return s;
    if ((s = put_double(b, ",\n  ", "depth_penalty", m->depth_penalty, "", err))) return s;
    if ((s = put_double(b, ",\n  ", "objective", m->objective, "", err))) return s;
    /* only when predicted (dm_metrics.latency_ms), so outputs without a
       latency table keep their bytes */
    if (m->latency_ms != 0 &&
        (s = put_double(b, ",\n  ", "latency_ms", m->latency_ms, "", err)))
        return s;
    dmi_buf_printf(b, ",\n  \"stages\": [%s", m->n_stages ? "\n" : "");
    for (int i = 0; i < m->n_stages; i++) {
        if ((s = write_stage(b, &m->stage[i], i, m->latency_ms != 0, err))) return s;
        dmi_buf_printf(b, "%s\n", i + 1 < m->n_stages ? "," : "");
    }
    dmi_buf_printf(b, "%s]\n}\n", m->n_stages ? "  " : "");
    return DM_OK;
}

dm_status dm_metrics_to_json(const dm_metrics *m, char **out_json, dm_error *err) {
    if (!m || !out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_metrics_to_json needs metrics and an output");
    *out_json = NULL;
    if (m->n_stages < 0 || m->n_stages > DM_MAX_STAGES)
        return DM_FAIL(err, DM_ERR_INVALID, "metrics with %d stages (at most %d)",
                       (int)m->n_stages, DM_MAX_STAGES);
    dmi_buf b = {0};
    dm_status s = write_metrics(&b, m, err);
    if (s) { dmi_buf_free(&b); return s; }
    return dmi_buf_finish(&b, out_json, err);
}

/* The MLP's metrics, on one line and without a newline so that it nests
   in a larger object.  Doubles are printed with 17 digits (they
   round-trip), the bytes `deepmad analyze --json` has always printed for
   an MLP; key order fixed. */
dm_status dm_mlp_metrics_to_json(const dm_mlp_metrics *m, char **out_json, dm_error *err) {
    if (!m || !out_json)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_mlp_metrics_to_json needs metrics and an output");
    *out_json = NULL;
    const char *const names[] = {"log_width_sum", "mean_width", "rho", "entropy"};
    const double values[] = {m->log_width_sum, m->mean_width, m->rho, m->entropy};
    dmi_buf b = {0};
    dmi_buf_printf(&b, "{\"params\": %lld, \"macs\": %lld, \"layers\": %d", (long long)m->params,
                   (long long)m->macs, (int)m->layers);
    for (int i = 0; i < DM_COUNTOF(names); i++) {
        if (!isfinite(values[i])) {
            dmi_buf_free(&b);
            return DM_FAIL(err, DM_ERR_INVALID, "%s is %g; JSON has no NaN or infinity", names[i],
                           values[i]);
        }
        dmi_buf_printf(&b, ", \"%s\": ", names[i]);
        dmi_buf_double17(&b, values[i]);
    }
    dmi_buf_printf(&b, "}");
    return dmi_buf_finish(&b, out_json, err);
}
