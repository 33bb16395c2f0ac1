/*
** fault.h -- allocation fault injection, for tests only.
**
** Exists only in the test variant of the library, whose src/base is
** compiled with -DDM_FAULT_INJECTION (tests/CMakeLists.txt builds it for
** tests/test_fault.c).  There dmi_malloc, dmi_calloc and dmi_realloc
** (alloc.c) count their calls and fail the armed one by returning NULL;
** nothing else changes.  The normal library has none of this, and so no
** global mutable state.  The countdown is process-global and not
** thread-safe: the test that uses it is single-threaded.
*/
#ifndef DM_FAULT_H
#define DM_FAULT_H
#include "internal.h"

#ifdef DM_FAULT_INJECTION
/* Count allocations from zero and fail the n-th from now (n >= 1); with
   `sticky`, fail every one after it too.  n == 0 disarms (nothing fails,
   the count still runs). */
DM_INTERNAL void dmi_fault_arm(long n, int sticky);
/* Allocation calls since the last dmi_fault_arm, failed ones included. */
DM_INTERNAL long dmi_fault_count(void);
/* How many allocations the armed fault has failed so far. */
DM_INTERNAL long dmi_fault_failures(void);
#endif

#endif
