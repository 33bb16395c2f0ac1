/*
** write.c -- dm_write_file_atomic: put bytes at a path all at once or not
** at all, without ever replacing something that is not a regular file;
** dm_write_files_atomic: several files, all or none; dm_write_check: would
** a write to a path succeed (asked before hours of work, not after).
**
** What is at the path decides how it is written:
**   nothing, or a regular file  the bytes go to a new temp file beside it
**                               (opened O_EXCL, so nothing is clobbered),
**                               are fsync'd, and the temp is renamed over
**                               the path: rename(2) within a directory is
**                               atomic, so a reader sees the old file or the
**                               new one, never a part.
**   a symbolic link             followed (to any depth, dangling too): its
**                               final target is written as above, and the
**                               link stays a link; a link to a device or
**                               FIFO is opened through the link itself
**                               (/dev/stdout into a pipe).
**   a character device, a FIFO  written directly (/dev/null, /dev/stdout, a
**                               pipe someone reads): renaming over it would
**                               replace the device with a regular file.
**   anything else               refused (a directory, a socket, a block
**                               device) with DM_ERR_IO.
** The temp file is "NAME.tmp-PID-N"; when that would pass the directory's
** name-length limit it is ".deepmad-PID-N.tmp" instead, so every name the
** file system accepts can be written.  SIGINT, SIGTERM, SIGHUP and SIGQUIT
** are held (blocked in this thread) from the temp file's creation until it
** is renamed or removed, then delivered as usual: an interrupted program
** leaves the old file or the new one, never a temp file.  The temp file is
** created with mode 0666 minus the umask, as fopen would.
**
** Several files (dm_write_files_atomic) go in three steps: every temp
** file is written and fsync'd, then every device or FIFO is written, then
** the temps are renamed one by one.  A failure in the first two steps
** removes every temp and replaces nothing (a device may have had its bytes
** already).  The renames are the residual window: rename(2) fails only
** when the file system changes under us (the folder removed or made
** read-only, a directory put at the path, an I/O error), and then the
** files renamed before it are new, the rest old.
*/
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_CAP 4096      /* longest path handled (PATH_MAX on Linux) */
#define LINK_DEPTH 40      /* symbolic links followed, as the kernel does (ELOOP) */
#define TEMP_TRIES 100

static dm_status io_fail(dm_error *err, const char *path, const char *what, int e) {
    return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: %s%s%s", path, what ? what : "",
                   what ? ": " : "", strerror(e));
}

/* dir_of("a/b") = "a", dir_of("b") = ".", dir_of("/b") = "/". */
static void dir_of(const char *path, char *dir, size_t cap) {
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, cap, ".");
    else if (slash == path) snprintf(dir, cap, "/");
    else snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* Follow symbolic links from `path` to the final name (which may not
   exist yet) in out[PATH_CAP]. */
static dm_status resolve(const char *path, char *out, dm_error *err) {
    char link[PATH_CAP], dir[PATH_CAP];
    if (snprintf(out, PATH_CAP, "%s", path) >= PATH_CAP)
        return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: path too long", path);
    for (int depth = 0; depth < LINK_DEPTH; depth++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode)) return DM_OK;
        /* A link to a pipe or device is written through the link itself:
           /proc's links (/dev/stdout -> /proc/self/fd/1) read "pipe:[N]",
           which is no path. */
        if (stat(out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return DM_OK;
        ssize_t n = readlink(out, link, sizeof link - 1);
        if (n < 0) return io_fail(err, path, "readlink", errno);
        link[n] = '\0';
        dir_of(out, dir, sizeof dir);
        int len = link[0] == '/' ? snprintf(out, PATH_CAP, "%s", link)
                                 : snprintf(out, PATH_CAP, "%s/%s", dir, link);
        if (len < 0 || len >= PATH_CAP)
            return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: link target too long", path);
    }
    return io_fail(err, path, NULL, ELOOP);
}

static dm_status write_all(int fd, const char *path, const void *data, size_t len,
                           dm_error *err) {
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return io_fail(err, path, NULL, errno);
        if (w == 0) return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: no progress", path);
        p += w;
        len -= (size_t)w;
    }
    return DM_OK;
}

/* A device or FIFO: write in place, no temp file, no fsync (devices may
   not support it, and there is nothing to make durable). */
static dm_status write_direct(const char *target, const char *path, const void *data,
                              size_t len, dm_error *err) {
    int fd = open(target, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return io_fail(err, path, NULL, errno);
    dm_status s = write_all(fd, path, data, len, err);
    if (close(fd) != 0 && !s) s = io_fail(err, path, "close", errno);
    return s;
}

/* Open a fresh temp file beside `target`; its name goes to tmp[PATH_CAP]. */
static dm_status open_temp(const char *target, const char *path, char *tmp, int *fd,
                           dm_error *err) {
    char dir[PATH_CAP];
    const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
    dir_of(target, dir, sizeof dir);
    long name_max = pathconf(dir, _PC_NAME_MAX);
    if (name_max <= 0) name_max = 255;
    for (int n = 0; n < TEMP_TRIES; n++) {
        char suffix[64];
        int k = snprintf(suffix, sizeof suffix, ".tmp-%ld-%d", (long)getpid(), n);
        int len = (long)strlen(base) + k <= name_max
                      ? snprintf(tmp, PATH_CAP, "%s%s", target, suffix)
                      : snprintf(tmp, PATH_CAP, "%s/.deepmad-%ld-%d.tmp", dir, (long)getpid(), n);
        if (len < 0 || len >= PATH_CAP)
            return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: path too long", path);
        *fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0) return DM_OK;
        if (errno != EEXIST) break;
    }
    return io_fail(err, path, NULL, errno);
}

/* Make the rename itself durable; a failure here loses nothing already
   visible, so it is not reported. */
static void sync_dir(const char *target) {
    char dir[PATH_CAP];
    dir_of(target, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* What a resolved target is and so how it is written. */
typedef enum { TARGET_REPLACE, TARGET_DIRECT } target_kind;

/* Nothing or a regular file is replaced, a device or FIFO written in
   place; anything else is refused. */
static dm_status classify(const char *target, const char *path, target_kind *kind,
                          dm_error *err) {
    struct stat st;
    *kind = TARGET_REPLACE;
    if (stat(target, &st) != 0)
        return errno == ENOENT ? DM_OK : io_fail(err, path, NULL, errno);
    if (S_ISREG(st.st_mode)) return DM_OK;
    *kind = TARGET_DIRECT;
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return DM_OK;
    if (S_ISDIR(st.st_mode)) return io_fail(err, path, NULL, EISDIR);
    return DM_FAIL(err, DM_ERR_IO,
                   "cannot write %.200s: not a regular file, character device or FIFO", path);
}

/* One file of a write: where it goes, how, and its temp file once made. */
typedef struct pending {
    const char *path;          /* as the caller gave it, for messages */
    char target[PATH_CAP];     /* symbolic links resolved */
    char tmp[PATH_CAP];        /* the temp file, "" when none exists */
    target_kind kind;
} pending;

/* Write one temp file beside p->target: bytes, fsync, close. */
static dm_status write_temp(pending *p, const void *data, size_t len, dm_error *err) {
    int fd = -1;
    dm_status s = open_temp(p->target, p->path, p->tmp, &fd, err);
    if (s) {
        p->tmp[0] = '\0';
        return s;
    }
    s = write_all(fd, p->path, data, len, err);
    if (!s && fsync(fd) != 0) s = io_fail(err, p->path, "fsync", errno);
    if (close(fd) != 0 && !s) s = io_fail(err, p->path, "close", errno);
    return s;
}

static void remove_temps(pending *ps, int32_t n) {
    for (int32_t i = 0; i < n; i++)
        if (ps[i].tmp[0]) unlink(ps[i].tmp), ps[i].tmp[0] = '\0';
}

/* Resolve and classify every path; refuse a target named twice. */
static dm_status plan(int32_t n, const char *const *paths, pending *ps, dm_error *err) {
    for (int32_t i = 0; i < n; i++) {
        ps[i].path = paths[i];
        dm_status s = resolve(paths[i], ps[i].target, err);
        if (!s) s = classify(ps[i].target, paths[i], &ps[i].kind, err);
        if (s) return s;
        for (int32_t j = 0; j < i; j++)
            if (!strcmp(ps[j].target, ps[i].target))
                return DM_FAIL(err, DM_ERR_INVALID, "%.200s and %.200s are the same file",
                               paths[j], paths[i]);
    }
    return DM_OK;
}

/* The three steps of the header comment. */
static dm_status write_planned(pending *ps, int32_t n, const void *const *datas,
                               const size_t *lens, dm_error *err) {
    dm_status s = DM_OK;
    for (int32_t i = 0; !s && i < n; i++)
        if (ps[i].kind == TARGET_REPLACE) s = write_temp(&ps[i], datas[i], lens[i], err);
    for (int32_t i = 0; !s && i < n; i++)
        if (ps[i].kind == TARGET_DIRECT)
            s = write_direct(ps[i].target, ps[i].path, datas[i], lens[i], err);
    for (int32_t i = 0; !s && i < n; i++) {
        if (ps[i].kind != TARGET_REPLACE) continue;
        if (rename(ps[i].tmp, ps[i].target) != 0) s = io_fail(err, ps[i].path, NULL, errno);
        else ps[i].tmp[0] = '\0', sync_dir(ps[i].target);
    }
    remove_temps(ps, n);
    return s;
}

static dm_status check_args(int32_t n, const char *const *paths, const void *const *datas,
                            const size_t *lens, dm_error *err) {
    if (n < 1 || !paths || !datas || !lens)
        return DM_FAIL(err, DM_ERR_INVALID, "no files to write");
    for (int32_t i = 0; i < n; i++)
        if (!paths[i] || !*paths[i] || (!datas[i] && lens[i]))
            return DM_FAIL(err, DM_ERR_INVALID, "no file name or no data to write");
    return DM_OK;
}

dm_status dm_write_files_atomic(int32_t n, const char *const *paths, const void *const *datas,
                                const size_t *lens, dm_error *err) {
    dm_status s = check_args(n, paths, datas, lens, err);
    if (s) return s;
    pending *ps = dmi_calloc((size_t)n, sizeof *ps);
    if (!ps) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory writing %.200s", paths[0]);
    sigset_t hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigaddset(&hold, SIGQUIT);
    /* On Linux sigprocmask sets the calling thread's mask (as
       pthread_sigmask does) and needs no -pthread; held signals arrive
       when it is restored. */
    int held = sigprocmask(SIG_BLOCK, &hold, &old) == 0;
    s = plan(n, paths, ps, err);
    if (!s) s = write_planned(ps, n, datas, lens, err);
    if (held) sigprocmask(SIG_SETMASK, &old, NULL);
    dm_free(ps);
    return s;
}

dm_status dm_write_file_atomic(const char *path, const void *data, size_t len, dm_error *err) {
    return dm_write_files_atomic(1, &path, &data, &len, err);
}

/* ---------------------------------------------------------------------- */
/* dm_write_check */

/* The folder that will hold a new or replaced `target`: it exists, is a
   folder, and this process may create files in it. */
static dm_status check_folder(const char *target, const char *path, dm_error *err) {
    char dir[PATH_CAP];
    struct stat st;
    dir_of(target, dir, sizeof dir);
    int e = stat(dir, &st) != 0                                   ? errno
            : !S_ISDIR(st.st_mode)                                    ? ENOTDIR
            : faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0 ? errno
                                                                      : 0;
    if (e)
        return DM_FAIL(err, DM_ERR_IO, "cannot write %.200s: folder %.200s: %s", path, dir,
                       strerror(e));
    const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
    long name_max = pathconf(dir, _PC_NAME_MAX);
    if (name_max > 0 && (long)strlen(base) > name_max)
        return io_fail(err, path, NULL, ENAMETOOLONG);
    return DM_OK;
}

dm_status dm_write_check(const char *path, dm_error *err) {
    if (!path || !*path) return DM_FAIL(err, DM_ERR_INVALID, "no file name to write");
    char target[PATH_CAP];
    target_kind kind;
    dm_status s = resolve(path, target, err);
    if (!s) s = classify(target, path, &kind, err);
    if (s) return s;
    if (kind == TARGET_REPLACE) return check_folder(target, path, err);
    if (faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) != 0) return io_fail(err, path, NULL, errno);
    return DM_OK;
}
