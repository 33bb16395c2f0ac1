/*
** status.c -- status names, the error-filling site, and the allocator.
*/
#include "internal.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
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

void *dmi_malloc(size_t n) { return malloc(n ? n : 1); }
void *dmi_calloc(size_t n, size_t size) { return calloc(n ? n : 1, size ? size : 1); }
void *dmi_realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
void dm_free(void *p) { free(p); }

char *dmi_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = dmi_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int dmi_name_index(const char *const *names, int n, const char *name) {
    if (!name) return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}
