/*
** buf.c -- the sticky output buffer every writer appends to, locale-proof
** printing of doubles, and putting context in front of an error message.
*/
#include "buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */

/* Make room for `extra` more bytes plus the NUL; sticky failure. */
static int buf_reserve(dmi_buf *b, size_t extra) {
    if (b->failed) return 0;
    if (b->len + extra < b->cap) return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + extra) {
        if (cap > SIZE_MAX / 2) { b->failed = 1; return 0; }
        cap *= 2;
    }
    char *p = dmi_realloc(b->p, cap);
    if (!p) { b->failed = 1; return 0; }
    b->p = p;
    b->cap = cap;
    return 1;
}

void dmi_buf_printf(dmi_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) { b->failed = 1; return; }
    if (!buf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static int is_number_char(char c) { return c && strchr("0123456789+-eE", c) != NULL; }

/* Append a number printed by snprintf with '.' for the locale's decimal
   point.  snprintf and strtod agree on the locale's decimal point,
   whatever its bytes; the text we hand out always says '.'. */
static void put_number(dmi_buf *b, const char *raw) {
    char out[48];
    size_t j = 0;
    for (size_t i = 0; raw[i];) {
        if (is_number_char(raw[i])) { out[j++] = raw[i++]; continue; }
        out[j++] = '.';
        while (raw[i] && !is_number_char(raw[i])) i++;
    }
    out[j] = '\0';
    dmi_buf_printf(b, "%s", out);
}

void dmi_buf_double(dmi_buf *b, double v) {
    char raw[48];
    snprintf(raw, sizeof raw, "%.15g", v);
    if (strtod(raw, NULL) != v) snprintf(raw, sizeof raw, "%.17g", v);
    put_number(b, raw);
}

void dmi_buf_double_sig(dmi_buf *b, double v, int digits) {
    char raw[48];
    snprintf(raw, sizeof raw, "%.*g", digits < 1 ? 1 : digits > 17 ? 17 : digits, v);
    put_number(b, raw);
}

void dmi_buf_double17(dmi_buf *b, double v) {
    char raw[48];
    snprintf(raw, sizeof raw, "%.17g", v);
    put_number(b, raw);
}

dm_status dmi_buf_finish(dmi_buf *b, char **out, dm_error *err) {
    if (!b->failed && buf_reserve(b, 0)) {
        b->p[b->len] = '\0';
        *out = b->p;
        b->p = NULL;
        return DM_OK;
    }
    dmi_buf_free(b);
    return DM_FAIL(err, DM_ERR_NOMEM, "out of memory while writing a description");
}

void dmi_buf_free(dmi_buf *b) {
    dm_free(b->p);
    *b = (dmi_buf){0};
}

dm_status dmi_error_prefix(dm_error *err, dm_status s, const char *fmt, ...) {
    if (!err) return s;
    char prefix[128], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    return DM_FAIL(err, s, "%s: %s", prefix, old);
}

