/*
** alloc.c -- the library's allocator.  Every allocation in the library goes
** through dmi_malloc, dmi_calloc or dmi_realloc and every free through
** dm_free (or free, which it is), so the size-zero rule lives here and a
** test build can make any single allocation fail.
**
** With DM_FAULT_INJECTION (the test variant only, see fault.h) a countdown
** decides whether a call fails; without it the three are plain libc calls
** and this file holds no state.
*/
#include "fault.h"
#include <stdlib.h>
#include <string.h>

#ifdef DM_FAULT_INJECTION
static long fault_at, fault_count, fault_failures;
static int fault_sticky;

void dmi_fault_arm(long n, int sticky) {
    fault_at = n, fault_sticky = sticky, fault_count = 0, fault_failures = 0;
}
long dmi_fault_count(void) { return fault_count; }
long dmi_fault_failures(void) { return fault_failures; }

/* Whether this allocation is to fail. */
static int fault_now(void) {
    fault_count++;
    int fail = fault_at > 0 && (fault_count == fault_at || (fault_sticky && fault_count > fault_at));
    fault_failures += fail;
    return fail;
}
#define FAULT_NOW() fault_now()
#else
#define FAULT_NOW() 0
#endif

void *dmi_malloc(size_t n) { return FAULT_NOW() ? NULL : malloc(n ? n : 1); }
void *dmi_calloc(size_t n, size_t size) {
    return FAULT_NOW() ? NULL : calloc(n ? n : 1, size ? size : 1);
}
void *dmi_realloc(void *p, size_t n) { return FAULT_NOW() ? NULL : realloc(p, n ? n : 1); }
void dm_free(void *p) { free(p); }

char *dmi_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = dmi_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}
