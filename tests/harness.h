/*
** harness.h -- a test_cond-sized harness (after Redis testhelp.h).
** Each tests/test_<module>.c is one executable; it prints one line per
** failed check and closes with "N passed, N failed".
*/
#ifndef DM_HARNESS_H
#define DM_HARNESS_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNTOF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int dm_t_passed, dm_t_failed;

#define CHECK(cond) do {                                                     \
    if (cond) dm_t_passed++;                                                 \
    else { dm_t_failed++;                                                    \
           printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); }          \
} while (0)

#define CHECK_EQ_I64(a, b) do {                                              \
    long long dm_a_ = (long long)(a), dm_b_ = (long long)(b);                \
    if (dm_a_ == dm_b_) dm_t_passed++;                                       \
    else { dm_t_failed++;                                                    \
           printf("FAIL %s:%d: %s == %lld, expected %lld\n", __FILE__,       \
                  __LINE__, #a, dm_a_, dm_b_); }                             \
} while (0)

#define CHECK_NEAR(a, b, tol) do {                                           \
    double dm_a_ = (a), dm_b_ = (b);                                         \
    if (fabs(dm_a_ - dm_b_) <= (tol)) dm_t_passed++;                         \
    else { dm_t_failed++;                                                    \
           printf("FAIL %s:%d: %s == %.10g, expected %.10g\n", __FILE__,     \
                  __LINE__, #a, dm_a_, dm_b_); }                             \
} while (0)

/* The whole of $DM_SOURCE_DIR/rel (or ./rel), NUL-terminated, in a buffer
   the caller frees; its length in *len.  NULL, with a line saying why, if
   it cannot be read: a test that needs the file then fails, not skips. */
static inline char *dm_t_slurp(const char *rel, size_t *len) {
    const char *dir = getenv("DM_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) { printf("cannot open %s\n", path); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger) { free(buf); buf = NULL; }
        else buf = bigger;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) { printf("cannot read %s\n", path); free(buf); return NULL; }
    buf[n] = '\0';   /* n < cap: the loop stops only with room left */
    *len = n;
    return buf;
}

#define TEST_REPORT() (printf("%d passed, %d failed\n", dm_t_passed,          \
                              dm_t_failed), dm_t_failed ? 1 : 0)

#endif
