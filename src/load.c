/*
** load.c -- text in and out for the readers and writers: reading a
** description file whole and picking its reader, the sticky output buffer
** the writers append to, and locale-proof printing of doubles.
*/
#include "io.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* The output buffer                                                      */
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

void dmi_buf_double(dmi_buf *b, double v) {
    char raw[48], out[48];
    snprintf(raw, sizeof raw, "%.15g", v);
    if (strtod(raw, NULL) != v) snprintf(raw, sizeof raw, "%.17g", v);
    /* snprintf and strtod agree on the locale's decimal point, whatever its
       bytes; the text we hand out always says '.'. */
    size_t j = 0;
    for (size_t i = 0; raw[i];) {
        if (is_number_char(raw[i])) { out[j++] = raw[i++]; continue; }
        out[j++] = '.';
        while (raw[i] && !is_number_char(raw[i])) i++;
    }
    out[j] = '\0';
    dmi_buf_printf(b, "%s", out);
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

/* ---------------------------------------------------------------------- */
/* Reading a file                                                         */
/* ---------------------------------------------------------------------- */

/* Read at most DM_MAX_FILE_BYTES; one byte more means the file is too big.
   Reads in chunks rather than trusting a size from fseek, so pipes and
   files that grow while read are handled too. */
static dm_status read_stream(FILE *f, const char *path, char **text, size_t *len, dm_error *err) {
    size_t cap = 0, n = 0;
    char *p = NULL;
    for (;;) {
        if (n == cap) {
            if (cap > DM_MAX_FILE_BYTES) break;
            size_t grown = cap ? cap * 2 : 65536;
            if (grown > (size_t)DM_MAX_FILE_BYTES + 1) grown = (size_t)DM_MAX_FILE_BYTES + 1;
            char *q = dmi_realloc(p, grown);
            if (!q) { dm_free(p); return DM_FAIL(err, DM_ERR_NOMEM, "out of memory reading '%.150s'", path); }
            p = q;
            cap = grown;
        }
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        int e = errno;
        dm_free(p);
        return DM_FAIL(err, DM_ERR_IO, "cannot read '%.150s': %s", path, strerror(e));
    }
    if (n > DM_MAX_FILE_BYTES) {
        dm_free(p);
        return DM_FAIL(err, DM_ERR_RANGE, "'%.150s' is larger than %d bytes; not a description",
                       path, DM_MAX_FILE_BYTES);
    }
    *text = p;
    *len = n;
    return DM_OK;
}

/* Does text[0..len) contain `word`?  (memmem is not C11.) */
static int contains(const char *text, size_t len, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if (memcmp(text + i, word, w) == 0) return 1;
    return 0;
}

dm_status dmi_read_file(const char *path, char **text, size_t *len, dm_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return DM_FAIL(err, DM_ERR_IO, "cannot open '%.150s': %s", path, strerror(errno));
    dm_status s = read_stream(f, path, text, len, err);
    fclose(f);
    return s;
}

dm_status dm_arch_load(const char *path, dm_arch *out, dm_error *err) {
    if (!path || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_load needs a path and an output");
    char *text = NULL;
    size_t len = 0;
    dm_status s = dmi_read_file(path, &text, &len, err);
    if (s) return s;
    if (contains(text, len, "best_structures"))
        s = dm_arch_from_tinynas(text, len, out, err);
    else
        s = dm_arch_from_json(text, len, out, err);
    dm_free(text);
    if (s) return dmi_error_prefix(err, s, "%.100s", path);
    return DM_OK;
}
