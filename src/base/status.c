/*
** status.c -- status names and the error-filling site (the allocator is
** alloc.c).
*/
#include "internal.h"
#include <assert.h>
#include <stdio.h>
#include <string.h>

/* ORDER DM_STATUS */
static const char *const status_names[] = {
    "ok", "out of memory", "invalid", "parse error", "i/o error",
    "unsupported", "out of range", "infeasible", "internal error",
};
static_assert(DM_COUNTOF(status_names) == DM_STATUS_COUNT, "ORDER DM_STATUS");

const char *dm_status_str(dm_status s) {
    if ((int)s < 0 || s >= DM_STATUS_COUNT) return "unknown status";
    return status_names[s];
}

dm_status dmi_fail(dm_error *err, dm_status code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* Keep the message one line whatever was formatted into it. */
        for (char *p = err->msg; *p; p++)
            if (*p == '\n' || *p == '\r') *p = ' ';
    }
    return code;
}

int dmi_name_index(const char *const *names, int n, const char *name) {
    if (!name) return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}
