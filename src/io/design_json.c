/*
** design_json.c -- the "problem" object of an architecture JSON file: the
** problem a design was made for and the solver's outcome
** (dm_design_record, docs/arch-json.md).  One checker for both directions,
** so whatever the writer writes the reader accepts, and a hand-edited bad
** value is refused with its JSON path.
**
** The object is one line, keys in a fixed order:
**   {"family", "se", "space", "input_size", "classes", "rho0",
**    "budgets": {"max_macs", "max_params", "max_layers",
**                "max_peak_activation", "max_latency_ms"},
**    "objective", "bound", "gap", "status"}
** Budgets appear only when set (> 0); every other key always.  Integers
** exactly, doubles in the shortest form that reads back to the same value
** (dmi_buf_double), so reading and writing again gives the same bytes.
*/
#include "io.h"
#include <math.h>
#include <stdio.h>

#define P "problem"
#define SPACE_CUSTOM "custom"   /* space -1: the problem's own domains */
#define EXACT_MAX 9007199254740992LL  /* 2^53: integers a JSON double holds exactly */

/* ---------------------------------------------------------------------- */
/* The rules                                                              */
/* ---------------------------------------------------------------------- */

static dm_status number_check(const char *key, double v, double lo, int open_lo,
                              dm_error *err) {
    if (!isfinite(v)) return DM_FAIL(err, DM_ERR_INVALID, P ".%s is %g; it must be finite", key, v);
    if (open_lo ? !(v > lo) : !(v >= lo))
        return DM_FAIL(err, DM_ERR_INVALID, P ".%s is %g; it must be %s %g", key, v,
                       open_lo ? ">" : ">=", lo);
    return DM_OK;
}

static dm_status count_check(const char *key, int64_t v, int64_t hi, dm_error *err) {
    if (v < 0 || v > hi)
        return DM_FAIL(err, v < 0 ? DM_ERR_INVALID : DM_ERR_RANGE,
                       P ".%s is %lld; it must be between 0 and %lld", key, (long long)v,
                       (long long)hi);
    return DM_OK;
}

dm_status dm_design_record_check(const dm_design_record *r, dm_error *err) {
    if (!r) return DM_FAIL(err, DM_ERR_INVALID, "no design record given");
    if (!r->present) return DM_OK;
    dm_status s;
    if ((int)r->family < 0 || r->family >= DM_BLOCK_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, P ".family: unknown block family %d", (int)r->family);
    if (r->space < -1 || r->space >= DM_SPACE_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, P ".space: unknown search space %d", (int)r->space);
    if (r->se != 0 && r->se != 1)
        return DM_FAIL(err, DM_ERR_INVALID, P ".se is %d; it must be 0 or 1", (int)r->se);
    if (r->optimal != 0 && r->optimal != 1)
        return DM_FAIL(err, DM_ERR_INVALID, P ".optimal is %d; it must be 0 or 1",
                       (int)r->optimal);
    if (r->input_size < 1 || r->input_size > DM_MAX_INPUT_SIZE)
        return DM_FAIL(err, DM_ERR_INVALID, P ".input_size is %d; it must be between 1 and %d",
                       (int)r->input_size, DM_MAX_INPUT_SIZE);
    if ((s = count_check("classes", r->classes, DM_MAX_CLASSES, err))) return s;
    if ((s = count_check("budgets.max_macs", r->max_macs, EXACT_MAX, err))) return s;
    if ((s = count_check("budgets.max_params", r->max_params, EXACT_MAX, err))) return s;
    if ((s = count_check("budgets.max_layers", r->max_layers, INT32_MAX, err))) return s;
    if ((s = count_check("budgets.max_peak_activation", r->max_peak_activation, EXACT_MAX, err)))
        return s;
    if ((s = number_check("rho0", r->rho0, 0, 1, err))) return s;
    if ((s = number_check("budgets.max_latency_ms", r->max_latency_ms, 0, 0, err))) return s;
    if ((s = number_check("objective", r->objective, -HUGE_VAL, 0, err))) return s;
    if ((s = number_check("bound", r->bound, -HUGE_VAL, 0, err))) return s;
    return number_check("gap", r->gap, -HUGE_VAL, 0, err);
}

/* ---------------------------------------------------------------------- */
/* Writing                                                                */
/* ---------------------------------------------------------------------- */

static void put_double(dmi_buf *b, const char *key, double v) {
    dmi_buf_printf(b, ", \"%s\": ", key);
    dmi_buf_double(b, v);
}

void dmi_design_write(dmi_buf *b, const dm_design_record *r) {
    dmi_buf_printf(b, "{\"family\": \"%s\", \"se\": %s, \"space\": \"%s\", \"input_size\": %d, "
                      "\"classes\": %d",
                   dm_block_kind_name(r->family), r->se ? "true" : "false",
                   r->space < 0 ? SPACE_CUSTOM : dm_space_name((dm_space)r->space),
                   (int)r->input_size, (int)r->classes);
    put_double(b, "rho0", r->rho0);
    dmi_buf_printf(b, ", \"budgets\": {");
    const char *sep = "";
    if (r->max_macs) dmi_buf_printf(b, "%s\"max_macs\": %lld", sep, (long long)r->max_macs), sep = ", ";
    if (r->max_params)
        dmi_buf_printf(b, "%s\"max_params\": %lld", sep, (long long)r->max_params), sep = ", ";
    if (r->max_layers) dmi_buf_printf(b, "%s\"max_layers\": %d", sep, (int)r->max_layers), sep = ", ";
    if (r->max_peak_activation)
        dmi_buf_printf(b, "%s\"max_peak_activation\": %lld", sep,
                       (long long)r->max_peak_activation), sep = ", ";
    if (r->max_latency_ms > 0) {
        dmi_buf_printf(b, "%s\"max_latency_ms\": ", sep);
        dmi_buf_double(b, r->max_latency_ms);
    }
    dmi_buf_printf(b, "}");
    put_double(b, "objective", r->objective);
    put_double(b, "bound", r->bound);
    put_double(b, "gap", r->gap);
    dmi_buf_printf(b, ", \"status\": \"%s\"}", r->optimal ? "optimal" : "gap");
}

/* ---------------------------------------------------------------------- */
/* Reading                                                                */
/* ---------------------------------------------------------------------- */

static dm_status read_budgets(const cJSON *o, dm_design_record *r, dm_error *err) {
    static const char *const keys[] = {"max_macs", "max_params", "max_layers",
                                       "max_peak_activation", "max_latency_ms"};
    const char *path = P ".budgets";
    const cJSON *bud;
    dm_status s;
    if ((s = dmi_json_member(o, P, "budgets", 1, &bud, err))) return s;
    if ((s = dmi_json_object(bud, path, err))) return s;
    if ((s = dmi_json_keys(bud, path, keys, DM_COUNTOF(keys), err))) return s;
    int32_t layers = 0;
    if ((s = dmi_json_int64(bud, path, "max_macs", 0, 0, EXACT_MAX, &r->max_macs, err))) return s;
    if ((s = dmi_json_int64(bud, path, "max_params", 0, 0, EXACT_MAX, &r->max_params, err)))
        return s;
    if ((s = dmi_json_int(bud, path, "max_layers", 0, 0, INT32_MAX, &layers, err))) return s;
    r->max_layers = layers;
    if ((s = dmi_json_int64(bud, path, "max_peak_activation", 0, 0, EXACT_MAX,
                            &r->max_peak_activation, err)))
        return s;
    return dmi_json_number(bud, path, "max_latency_ms", 0, &r->max_latency_ms, err);
}

/* A required string member that must be one of two words; *out = which. */
static dm_status read_either(const cJSON *o, const char *key, const char *w0, const char *w1,
                             int *out, dm_error *err) {
    const char *v = NULL;
    dm_status s = dmi_json_string(o, P, key, 1, &v, err);
    if (s) return s;
    if (strcmp(v, w0) && strcmp(v, w1))
        return DM_FAIL(err, DM_ERR_INVALID, P ".%s: '%.40s' (expected %s or %s)", key, v, w0, w1);
    *out = strcmp(v, w0) != 0;
    return DM_OK;
}

static dm_status read_names(const cJSON *o, dm_design_record *r, dm_error *err) {
    const char *v = NULL;
    dm_status s = dmi_json_string(o, P, "family", 1, &v, err);
    if (s) return s;
    if ((s = dm_block_kind_from_name(v, &r->family, err)))
        return dmi_error_prefix(err, s, P ".family");
    if ((s = dmi_json_string(o, P, "space", 1, &v, err))) return s;
    dm_space sp = DM_SPACE_OPEN;
    if (strcmp(v, SPACE_CUSTOM) == 0) r->space = -1;
    else if ((s = dm_space_from_name(v, &sp, err))) return dmi_error_prefix(err, s, P ".space");
    else r->space = (int32_t)sp;
    int not_optimal = 0;
    if ((s = read_either(o, "status", "optimal", "gap", &not_optimal, err))) return s;
    r->optimal = !not_optimal;
    return DM_OK;
}

dm_status dmi_design_read(const cJSON *root, dm_design_record *out, dm_error *err) {
    static const char *const keys[] = {"family", "se", "space", "input_size", "classes", "rho0",
                                       "budgets", "objective", "bound", "gap", "status"};
    dm_design_record r;
    memset(&r, 0, sizeof r);
    const cJSON *o = NULL;
    dm_status s = dmi_json_member(root, "", P, 0, &o, err);
    if (s || !o) { /* none: an older or hand-written file */
        *out = r;
        return s;
    }
    if ((s = dmi_json_object(o, P, err))) return s;
    if ((s = dmi_json_keys(o, P, keys, DM_COUNTOF(keys), err))) return s;
    r.present = 1;
    if ((s = read_names(o, &r, err))) return s;
    if ((s = dmi_json_bool(o, P, "se", 1, &r.se, err))) return s;
    if ((s = dmi_json_int(o, P, "input_size", 1, 1, DM_MAX_INPUT_SIZE, &r.input_size, err)))
        return s;
    if ((s = dmi_json_int(o, P, "classes", 1, 0, DM_MAX_CLASSES, &r.classes, err))) return s;
    if ((s = dmi_json_number(o, P, "rho0", 1, &r.rho0, err))) return s;
    if ((s = read_budgets(o, &r, err))) return s;
    if ((s = dmi_json_number(o, P, "objective", 1, &r.objective, err))) return s;
    if ((s = dmi_json_number(o, P, "bound", 1, &r.bound, err))) return s;
    if ((s = dmi_json_number(o, P, "gap", 1, &r.gap, err))) return s;
    if ((s = dm_design_record_check(&r, err))) return s;
    *out = r;
    return DM_OK;
}
