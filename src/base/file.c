/*
** file.c -- reading a description file whole, bounded by
** DM_MAX_FILE_BYTES.  (Writing files is write.c.)
*/
#define _POSIX_C_SOURCE 200809L
#include "file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

const char *dmi_file_shown(const char *path) {
    return strcmp(path, "-") == 0 ? "standard input" : path;
}

dm_status dmi_read_file(const char *path, char **text, size_t *len, dm_error *err) {
    if (strcmp(path, "-") == 0)   /* read, never closed: the caller's stream */
        return read_stream(stdin, dmi_file_shown(path), text, len, err);
    FILE *f = fopen(path, "rb");
    if (!f) return DM_FAIL(err, DM_ERR_IO, "cannot open '%.150s': %s", path, strerror(errno));
    dm_status s = read_stream(f, path, text, len, err);
    fclose(f);
    return s;
}

