/*
** internal.h -- what the library's modules share and the API does not show:
** the visibility mark, the one error-filling site, checked arithmetic and
** the allocator.  No module logic lives here.
*/
#ifndef DM_INTERNAL_H
#define DM_INTERNAL_H

#include "deepmad.h"
#include <stdbool.h>
#include <stdarg.h>

/* Shared between the library's files, never exported. */
#if defined(__GNUC__)
#define DM_INTERNAL __attribute__((visibility("hidden")))
#define DM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DM_INTERNAL
#define DM_PRINTF(f, a)
#endif

#define DM_COUNTOF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Fill `err` (if not NULL) and return `code`.  The single place every
   library error starts: put a breakpoint here. */
DM_INTERNAL dm_status dmi_fail(dm_error *err, dm_status code, const char *fmt, ...)
    DM_PRINTF(3, 4);
#define DM_FAIL(err, code, ...) dmi_fail((err), (code), __VA_ARGS__)

/* Checked int64 arithmetic: return false (and leave *r unspecified) on
   overflow. */
static inline bool dmi_add64(int64_t a, int64_t b, int64_t *r) {
    return !__builtin_add_overflow(a, b, r);
}
static inline bool dmi_mul64(int64_t a, int64_t b, int64_t *r) {
    return !__builtin_mul_overflow(a, b, r);
}

/* Every allocation in the library goes through these (alloc.c); memory is
   released with dm_free, which is free().  The normal library is plain
   malloc underneath.  The test variant built for tests/test_fault.c
   compiles alloc.c with DM_FAULT_INJECTION: a countdown (fault.h) fails
   the N-th call, and that test drives it over every public entry point,
   with cJSON's parser routed here through cJSON_InitHooks by the test
   (the library never installs global hooks).  protobuf-c needs no
   routing: packing into our own buffer does not allocate. */
DM_INTERNAL void *dmi_malloc(size_t n);
DM_INTERNAL void *dmi_calloc(size_t n, size_t size);
DM_INTERNAL void *dmi_realloc(void *p, size_t n);
DM_INTERNAL char *dmi_strdup(const char *s);
/* dm_free is the public free. */

/* Look `name` up in a NULL-free table of `n` names; -1 when absent. */
DM_INTERNAL int dmi_name_index(const char *const *names, int n, const char *name);

#endif
