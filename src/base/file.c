/*
** file.c -- files whole: read one in (at most DM_MAX_FILE_BYTES), or
** replace one all at once or not at all.
**
** The bytes go to a new file beside the target ("PATH.tmp-PID-N", opened
** O_EXCL so nothing existing is ever clobbered), are fsync'd, and the temp
** file is renamed over PATH; rename(2) within one directory is atomic, so
** a reader sees the old file or the new one, never a part.  On any failure
** the temp file is removed and PATH is untouched.  The temp file is created
** with mode 0666 minus the umask, as fopen would, so the result has the
** permissions a plain write would give (an existing file's mode is not
** kept: it is replaced, not rewritten).
*/
#define _POSIX_C_SOURCE 200809L
#include "file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open a fresh temp file next to `path`; its name goes to tmp. */
static dm_status open_temp(const char *path, char *tmp, size_t tmp_size, int *fd,
                           dm_error *err) {
    for (int n = 0; n < 100; n++) {
        int len = snprintf(tmp, tmp_size, "%s.tmp-%ld-%d", path, (long)getpid(), n);
        if (len < 0 || (size_t)len >= tmp_size)
            return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: path too long", path);
        *fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0) return DM_OK;
        if (errno != EEXIST) break;
    }
    return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: %s", path, strerror(errno));
}

static dm_status write_all(int fd, const char *path, const void *data, size_t len,
                           dm_error *err) {
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: %s", path,
                           w < 0 ? strerror(errno) : "no progress");
        p += w;
        len -= (size_t)w;
    }
    if (fsync(fd) != 0)
        return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: fsync: %s", path, strerror(errno));
    return DM_OK;
}

/* Make the rename itself durable; a failure here loses nothing already
   visible, so it is not reported. */
static void sync_dir(const char *path) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

dm_status dm_write_file_atomic(const char *path, const void *data, size_t len, dm_error *err) {
    if (!path || !*path || (!data && len))
        return DM_FAIL(err, DM_ERR_INVALID, "no file name or no data to write");
    char tmp[4096 + 64];
    int fd = -1;
    dm_status s = open_temp(path, tmp, sizeof tmp, &fd, err);
    if (s) return s;
    s = write_all(fd, path, data, len, err);
    if (close(fd) != 0 && !s)
        s = DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: close: %s", path, strerror(errno));
    if (!s && rename(tmp, path) != 0)
        s = DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: %s", path, strerror(errno));
    if (s) {
        unlink(tmp);
        return s;
    }
    sync_dir(path);
    return DM_OK;
}


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

dm_status dmi_read_file(const char *path, char **text, size_t *len, dm_error *err) {
    if (strcmp(path, "-") == 0)   /* read, never closed: the caller's stream */
        return read_stream(stdin, "standard input", text, len, err);
    FILE *f = fopen(path, "rb");
    if (!f) return DM_FAIL(err, DM_ERR_IO, "cannot open '%.150s': %s", path, strerror(errno));
    dm_status s = read_stream(f, path, text, len, err);
    fclose(f);
    return s;
}

