/*
** harness.h -- a test_cond-sized harness (after Redis testhelp.h).
** Each tests/test_<module>.c is one executable; it prints one line per
** failed check and closes with "N passed, N failed".
*/
#ifndef DM_HARNESS_H
#define DM_HARNESS_H
#include <math.h>
#include <stdio.h>
#include <string.h>

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

#define TEST_REPORT() (printf("%d passed, %d failed\n", dm_t_passed,          \
                              dm_t_failed), dm_t_failed ? 1 : 0)

#endif
