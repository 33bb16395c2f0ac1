/*
** test_stress.c -- a fixed-seed sample of the random design problems of
** issue #5 (fuzz/design_check.h: random family, MACs budgets 1e6..1e11,
** params budgets to match, rho0 0.05..3, input 32..512, random layouts).
** Each must either be solved with a design that an independent rebuild
** (dm_net_create + dm_net_metrics, as `deepmad analyze` does) shows to meet
** every constraint of the problem, or be refused as DM_ERR_INFEASIBLE
** with a one-line message; nothing else is acceptable.  The full 1,000,
** with timings, is bench/bench_stress.c.
*/
#include "harness.h"
#include "../fuzz/design_check.h"
#include <stdlib.h>

#define STRESS_SEED 20230605u  /* same as bench_stress: the sample is its prefix */
#define STRESS_SAMPLE 40

int main(void) {
    int solved = 0, infeasible = 0;
    dm_solution *sol = malloc(sizeof *sol);
    if (!sol) return 1;
    for (int32_t i = 0; i < STRESS_SAMPLE; i++) {
        dm_problem p;
        dm_error err = {0};
        char why[256];
        const char *bad;
        dc_random_problem(STRESS_SEED, i, &p);
        CHECK(dm_problem_validate(&p, &err) == DM_OK); /* the generator makes valid problems */
        dm_status s = dm_solve(&p, sol, &err);
        if (s == DM_OK) bad = dc_check_solution(&p, sol, why, sizeof why), solved++;
        else if (s == DM_ERR_INFEASIBLE) bad = dc_check_error(s, &err, why, sizeof why), infeasible++;
        else bad = err.msg;
        CHECK(bad == NULL);
        if (bad) printf("  problem %d (%s, %lld MACs, %lld params, rho0 %g): %s\n", i,
                        dm_block_kind_name(p.family), (long long)p.max_macs,
                        (long long)p.max_params, p.rho0, bad);
    }
    /* A sample that is all one outcome would test half the contract. */
    CHECK(solved > 0);
    CHECK(infeasible > 0);
    printf("%d solved, %d infeasible of %d\n", solved, infeasible, STRESS_SAMPLE);
    free(sol);
    return TEST_REPORT();
}
