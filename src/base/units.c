/*
** units.c -- counts written the way people write budgets: "11689512",
** "1.8G", "11.7M", "500K", "1e9".  Suffixes are decimal (K = 1e3).
** Plain digits are read exactly up to INT64_MAX; anything else goes
** through a double, so it is refused at 2^53 and past, where a double no
** longer holds every integer (docs/limits.md).
*/
#include "internal.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double suffix_scale(char c) {
    switch (toupper((unsigned char)c)) {
    case 'K': return 1e3;
    case 'M': return 1e6;
    case 'G': return 1e9;
    case 'T': return 1e12;
    default: return 0;
    }
}

dm_status dm_parse_count(const char *text, int64_t *out, dm_error *err) {
    if (!text || !out) return DM_FAIL(err, DM_ERR_INVALID, "no count given");
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    if (!isdigit((unsigned char)*p) && *p != '.') /* refuses '-', '+', "nan", "inf" */
        return DM_FAIL(err, DM_ERR_INVALID, "'%.40s' is not a count (e.g. 1.8G, 11.7M, 1e9)", text);
    char *end;
    errno = 0;
    long long iv = strtoll(p, &end, 10); /* plain integers stay exact past 2^53 */
    if (end != p && (*end == 0 || isspace((unsigned char)*end))) {
        while (isspace((unsigned char)*end)) end++;
        if (*end == 0) {
            if (errno == ERANGE) return DM_FAIL(err, DM_ERR_RANGE, "count '%.40s' is too large", text);
            *out = iv;
            return DM_OK;
        }
    }
    errno = 0;
    double v = strtod(p, &end);
    if (end == p) return DM_FAIL(err, DM_ERR_INVALID, "'%.40s' is not a count", text);
    for (const char *q = p; q < end; q++) /* strtod also reads hex ("0x1p3"): refuse it */
        if (!strchr("0123456789.eE+-", *q))
            return DM_FAIL(err, DM_ERR_INVALID, "'%.40s' is not a decimal count", text);
    int tiny = errno == ERANGE && v < 1; /* underflow: the text is > 0 */
    if (*end && suffix_scale(*end) > 0) v *= suffix_scale(*end++);
    while (isspace((unsigned char)*end)) end++;
    if (*end) return DM_FAIL(err, DM_ERR_INVALID, "'%.40s' is not a count (trailing '%.10s')", text, end);
    /* 0 means "no limit" to a budget: a positive count must not round to it. */
    if (tiny || (v > 0 && nearbyint(v) < 1))
        return DM_FAIL(err, DM_ERR_RANGE, "count '%.40s' rounds to 0 (write 0 for no limit)", text);
    if (errno == ERANGE || !isfinite(v) || nearbyint(v) >= 9223372036854775807.0)
        return DM_FAIL(err, DM_ERR_RANGE, "count '%.40s' is too large", text);
    /* Past 2^53 a double skips integers: only plain digits are exact there. */
    if (v >= 9007199254740992.0)
        return DM_FAIL(err, DM_ERR_RANGE,
                       "count '%.40s' is 2^53 or more: write it as plain digits to be exact", text);
    *out = (int64_t)nearbyint(v);
    return DM_OK;
}
