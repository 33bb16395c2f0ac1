/*
** json_read.h -- the one strict JSON reader: every JSON description
** (architecture JSON in json_io.c, MLP JSON in mlp_json.c, the format
** dispatch in load.c) is parsed and read through these functions, so the
** rules below hold for every format alike.
**
** dmi_json_parse turns text into a cJSON tree:
**   - at most DM_MAX_FILE_BYTES bytes (else DM_ERR_RANGE);
**   - one leading UTF-8 byte order mark is skipped (io.h: dmi_skip_bom,
**     the rule every reader shares); line and column count from after it;
**   - a NUL byte, or the escape \u0000 inside a string, is refused: a C
**     string would silently end there ("format\u0000junk" read as
**     "format");
**   - a syntax error (RFC 8259, as json_scan.h checks it), nesting past
**     1000 levels, or any text but white space after the one value, is
**     DM_ERR_PARSE giving the line and column (1-based, column in bytes)
**     of the first byte that cannot continue a valid text;
**   - an allocation that fails while cJSON builds the tree is
**     DM_ERR_NOMEM (never a syntax error: the text was checked first).
**
** The getters read one member or value and name its JSON path in every
** message ("superblocks[2].depth"; a path "" is the root).  Their codes
** follow dm_arch_from_json's contract: wrong types, unknown or duplicate
** keys and missing required keys are DM_ERR_PARSE; a number past an upper
** limit DM_ERR_RANGE; any other bad value DM_ERR_INVALID.  An optional
** member that is absent leaves *out untouched and returns DM_OK.
*/
#ifndef DM_JSON_READ_H
#define DM_JSON_READ_H
#include "internal.h"
#include <cjson/cJSON.h>

#define DMI_JSON_PATH 96   /* room for any path the schemas produce */

/* Parse `len` bytes (no NUL needed) under the rules above.  On DM_OK
   *root owns a tree freed with cJSON_Delete; on failure it is NULL. */
DM_INTERNAL dm_status dmi_json_parse(const char *text, size_t len, cJSON **root, dm_error *err);

/* out = "path.key", or "key" when path is "" (truncated to
   DMI_JSON_PATH). */
DM_INTERNAL void dmi_json_join(char *out, const char *path, const char *key);

/* `v` (at `path`) must be an object. */
DM_INTERNAL dm_status dmi_json_object(const cJSON *v, const char *path, dm_error *err);

/* Every key of object `obj` is one of `allowed` and appears once. */
DM_INTERNAL dm_status dmi_json_keys(const cJSON *obj, const char *path,
                                    const char *const *allowed, int n_allowed, dm_error *err);

/* obj[key] into *out (NULL when absent); absent and required is an error. */
DM_INTERNAL dm_status dmi_json_member(const cJSON *obj, const char *path, const char *key,
                                      int required, const cJSON **out, dm_error *err);

/* Value getters: `v` is the value, `path` its full path. */
DM_INTERNAL dm_status dmi_json_as_int(const cJSON *v, const char *path, int64_t lo, int64_t hi,
                                      int32_t *out, dm_error *err);

/* Member getters: obj[key] under `path`.  Integers must be integral and
   in [lo, hi]; numbers any JSON number; bools true or false; strings a
   borrowed pointer valid while the tree lives. */
DM_INTERNAL dm_status dmi_json_int(const cJSON *obj, const char *path, const char *key,
                                   int required, int64_t lo, int64_t hi, int32_t *out,
                                   dm_error *err);
/* A count (budgets): an integral number in [lo, hi], hi at most 2^53 (what
   a JSON number holds exactly). */
DM_INTERNAL dm_status dmi_json_int64(const cJSON *obj, const char *path, const char *key,
                                     int required, int64_t lo, int64_t hi, int64_t *out,
                                     dm_error *err);
DM_INTERNAL dm_status dmi_json_number(const cJSON *obj, const char *path, const char *key,
                                      int required, double *out, dm_error *err);
DM_INTERNAL dm_status dmi_json_bool(const cJSON *obj, const char *path, const char *key,
                                    int required, int32_t *out, dm_error *err);
DM_INTERNAL dm_status dmi_json_string(const cJSON *obj, const char *path, const char *key,
                                      int required, const char **out, dm_error *err);
/* An array member: *out the array node, *n its length. */
DM_INTERNAL dm_status dmi_json_array(const cJSON *obj, const char *path, const char *key,
                                     int required, const cJSON **out, int *n, dm_error *err);

/* The header every deepmad JSON file opens with: "format" must be the
   string `format` (DM_ERR_PARSE) and "version" the integer 1
   (DM_ERR_UNSUPPORTED for another version). */
DM_INTERNAL dm_status dmi_json_header(const cJSON *root, const char *format, dm_error *err);

#endif
