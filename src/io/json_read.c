/*
** json_read.c -- the strict JSON reader core (json_read.h): the syntax
** check (json_scan.c) judges the text and gives positions, cJSON builds
** the tree; this file adds what a description reader needs on top --
** limits, positions in messages, the NUL rule -- and typed getters that
** name the JSON path.
**
** cJSON's own error pointer is global (not ours, not thread-safe), so it
** is never read; and cJSON's NULL means a syntax error or no memory alike,
** which is why the scanner runs first.
*/
#include "io.h"
#include "json_scan.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ====================================================================== */
/* Parsing                                                                */
/* ====================================================================== */

/* Line and column (1-based, column in bytes) of byte `pos`. */
static void locate(const char *text, size_t pos, int *line, int *col) {
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n') { ++*line; *col = 1; }
        else ++*col;
    }
}

/* Refuse what would reach the caller as a shortened C string: a NUL byte
   anywhere (outside a string it is a syntax error anyway) or \u0000 in a
   string.  Only string state and escapes are tracked; cJSON judges the
   rest. */
static dm_status check_nul(const char *text, size_t len, dm_error *err) {
    int in_string = 0, line, col;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\0') {
            locate(text, i, &line, &col);
            return DM_FAIL(err, DM_ERR_PARSE, "NUL byte at line %d, column %d", line, col);
        }
        if (c == '"') in_string = !in_string;
        else if (in_string && c == '\\' && i + 1 < len) {
            if (text[i + 1] == 'u' && i + 6 <= len && memcmp(text + i + 2, "0000", 4) == 0) {
                locate(text, i, &line, &col);
                return DM_FAIL(err, DM_ERR_PARSE,
                               "\\u0000 (NUL) in a string at line %d, column %d", line, col);
            }
            i++;   /* the escaped character, '"' or '\\' included */
        }
    }
    return DM_OK;
}

/* The scanner's verdict `r` at byte `pos` as one message. */
static dm_status syntax_error(const char *text, size_t len, dmi_jscan_result r, size_t pos,
                              dm_error *err) {
    int line, col;
    locate(text, pos, &line, &col);
    if (r == DMI_JSCAN_TRAILING)
        return DM_FAIL(err, DM_ERR_PARSE,
                       "unexpected text after the JSON value at line %d, column %d", line, col);
    if (r == DMI_JSCAN_DEEP)
        return DM_FAIL(err, DM_ERR_PARSE, "JSON nested deeper than %d levels at line %d, column %d",
                       CJSON_NESTING_LIMIT, line, col);
    return DM_FAIL(err, DM_ERR_PARSE, "JSON syntax error at line %d, column %d%s", line, col,
                   pos >= len ? " (text ends early?)" : "");
}

dm_status dmi_json_parse(const char *text, size_t len, cJSON **root, dm_error *err) {
    *root = NULL;
    if (len > DM_MAX_FILE_BYTES)
        return DM_FAIL(err, DM_ERR_RANGE, "JSON text of %zu bytes; at most %d are read", len,
                       DM_MAX_FILE_BYTES);
    size_t bom = dmi_skip_bom(text, len), pos;
    text += bom;
    len -= bom;
    if (dmi_skip_bom(text, len))   /* cJSON would skip this one too: one rule, one BOM */
        return DM_FAIL(err, DM_ERR_PARSE, "JSON syntax error at line 1, column 1 (a second byte order mark)");
    dm_status s = check_nul(text, len, err);
    if (s) return s;
    dmi_jscan_result r = dmi_jscan_check(text, len, &pos);
    if (r) return syntax_error(text, len, r, pos, err);
    /* The text is valid JSON that cJSON parses (json_scan.h), so NULL here
       can only be an allocation that failed. */
    *root = cJSON_ParseWithLengthOpts(text, len, NULL, 0);
    return *root ? DM_OK : DM_FAIL(err, DM_ERR_NOMEM, "out of memory parsing JSON");
}

/* ====================================================================== */
/* Getters                                                                */
/* ====================================================================== */

void dmi_json_join(char *out, const char *path, const char *key) {
    snprintf(out, DMI_JSON_PATH, "%s%s%s", path, *path ? "." : "", key);
}

/* "path: " before a message about the object at `path`; nothing at the root. */
#define AT(path) (path), *(path) ? ": " : ""

dm_status dmi_json_object(const cJSON *v, const char *path, dm_error *err) {
    if (cJSON_IsObject(v)) return DM_OK;
    if (!*path) return DM_FAIL(err, DM_ERR_PARSE, "the description must be a JSON object");
    return DM_FAIL(err, DM_ERR_PARSE, "%s: expected an object", path);
}

dm_status dmi_json_keys(const cJSON *obj, const char *path, const char *const *allowed,
                        int n_allowed, dm_error *err) {
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (dmi_name_index(allowed, n_allowed, c->string) < 0)
            return DM_FAIL(err, DM_ERR_PARSE, "%s%sunknown key \"%.40s\"", AT(path), c->string);
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                return DM_FAIL(err, DM_ERR_PARSE, "%s%sduplicate key \"%.40s\"", AT(path),
                               c->string);
    }
    return DM_OK;
}

dm_status dmi_json_member(const cJSON *obj, const char *path, const char *key, int required,
                          const cJSON **out, dm_error *err) {
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!*out && required)
        return DM_FAIL(err, DM_ERR_PARSE, "%s%smissing required key \"%s\"", AT(path), key);
    return DM_OK;
}

/* Below lo is invalid, above hi (or past int32) out of range, as
   dm_arch_validate has it. */
dm_status dmi_json_as_int(const cJSON *v, const char *path, int64_t lo, int64_t hi,
                          int32_t *out, dm_error *err) {
    if (!cJSON_IsNumber(v)) return DM_FAIL(err, DM_ERR_PARSE, "%s: expected an integer", path);
    double d = v->valuedouble;
    if (!(d >= INT32_MIN && d <= INT32_MAX))
        return DM_FAIL(err, DM_ERR_RANGE, "%s: %g is outside the 32-bit integer range", path, d);
    if (d != floor(d))
        return DM_FAIL(err, DM_ERR_INVALID, "%s: %g is not an integer", path, d);
    if (d < (double)lo || d > (double)hi)
        return DM_FAIL(err, d < (double)lo ? DM_ERR_INVALID : DM_ERR_RANGE,
                       "%s is %.0f; it must be between %lld and %lld", path, d, (long long)lo,
                       (long long)hi);
    *out = (int32_t)d;
    return DM_OK;
}

/* The member and its full path; *v NULL (and DM_OK) when optional and absent. */
static dm_status lookup(const cJSON *obj, const char *path, const char *key, int required,
                        const cJSON **v, char *full, dm_error *err) {
    dmi_json_join(full, path, key);
    return dmi_json_member(obj, path, key, required, v, err);
}

dm_status dmi_json_int(const cJSON *obj, const char *path, const char *key, int required,
                       int64_t lo, int64_t hi, int32_t *out, dm_error *err) {
    char full[DMI_JSON_PATH];
    const cJSON *v;
    dm_status s = lookup(obj, path, key, required, &v, full, err);
    if (s || !v) return s;
    return dmi_json_as_int(v, full, lo, hi, out, err);
}

dm_status dmi_json_int64(const cJSON *obj, const char *path, const char *key, int required,
                         int64_t lo, int64_t hi, int64_t *out, dm_error *err) {
    char full[DMI_JSON_PATH];
    const cJSON *v;
    dm_status s = lookup(obj, path, key, required, &v, full, err);
    if (s || !v) return s;
    if (!cJSON_IsNumber(v)) return DM_FAIL(err, DM_ERR_PARSE, "%s: expected an integer", full);
    double d = v->valuedouble;
    if (d != floor(d) && isfinite(d))
        return DM_FAIL(err, DM_ERR_INVALID, "%s: %g is not an integer", full, d);
    if (!(d >= (double)lo && d <= (double)hi))
        return DM_FAIL(err, d < (double)lo ? DM_ERR_INVALID : DM_ERR_RANGE,
                       "%s is %g; it must be between %lld and %lld", full, d, (long long)lo,
                       (long long)hi);
    *out = (int64_t)d;
    return DM_OK;
}

dm_status dmi_json_number(const cJSON *obj, const char *path, const char *key, int required,
                          double *out, dm_error *err) {
    char full[DMI_JSON_PATH];
    const cJSON *v;
    dm_status s = lookup(obj, path, key, required, &v, full, err);
    if (s || !v) return s;
    if (!cJSON_IsNumber(v)) return DM_FAIL(err, DM_ERR_PARSE, "%s: expected a number", full);
    *out = v->valuedouble;
    return DM_OK;
}

dm_status dmi_json_bool(const cJSON *obj, const char *path, const char *key, int required,
                        int32_t *out, dm_error *err) {
    char full[DMI_JSON_PATH];
    const cJSON *v;
    dm_status s = lookup(obj, path, key, required, &v, full, err);
    if (s || !v) return s;
    if (!cJSON_IsBool(v)) return DM_FAIL(err, DM_ERR_PARSE, "%s: expected true or false", full);
    *out = cJSON_IsTrue(v) ? 1 : 0;
    return DM_OK;
}

dm_status dmi_json_string(const cJSON *obj, const char *path, const char *key, int required,
                          const char **out, dm_error *err) {
    char full[DMI_JSON_PATH];
    const cJSON *v;
    dm_status s = lookup(obj, path, key, required, &v, full, err);
    if (s || !v) return s;
    if (!cJSON_IsString(v)) return DM_FAIL(err, DM_ERR_PARSE, "%s: expected a string", full);
    *out = v->valuestring;
    return DM_OK;
}

dm_status dmi_json_array(const cJSON *obj, const char *path, const char *key, int required,
                         const cJSON **out, int *n, dm_error *err) {
    char full[DMI_JSON_PATH];
    const cJSON *v;
    dm_status s = lookup(obj, path, key, required, &v, full, err);
    if (s || !v) return s;
    if (!cJSON_IsArray(v)) return DM_FAIL(err, DM_ERR_PARSE, "%s: expected an array", full);
    *out = v;
    *n = cJSON_GetArraySize(v);
    return DM_OK;
}

dm_status dmi_json_header(const cJSON *root, const char *format, dm_error *err) {
    const char *f = NULL;
    int32_t version = 0;
    dm_status s = dmi_json_string(root, "", "format", 1, &f, err);
    if (s == DM_ERR_PARSE && cJSON_GetObjectItemCaseSensitive(root, "format"))
        return DM_FAIL(err, DM_ERR_PARSE, "format: expected \"%s\"", format);
    if (s) return s;
    if (strcmp(f, format) != 0)
        return DM_FAIL(err, DM_ERR_PARSE, "format: expected \"%s\", not \"%.40s\"", format, f);
    if ((s = dmi_json_int(root, "", "version", 1, INT32_MIN, INT32_MAX, &version, err))) return s;
    if (version != 1)
        return DM_FAIL(err, DM_ERR_UNSUPPORTED,
                       "version: %d is not supported (this reader knows version 1)", (int)version);
    return DM_OK;
}
