/*
** bench_stress.c -- the solver stress run of issue #5: 1,000 random design
** problems (fuzz/design_check.h: random family, MACs budgets 1e6..1e11,
** params budgets to match, rho0 0.05..3, input 32..512, random layouts),
** each either solved with a design the independent judge accepts (rebuilt
** with dm_net_create + dm_net_metrics, every constraint checked) or refused
** as infeasible with a message.  Prints one line per failure and a summary
** table: solved, infeasible, failures, over 5 s, max and median CPU time.
**
** Run: build/bench/bench_stress [N [SEED]]   (default 1000, the seed of
** tests/test_stress.c, whose 40 problems are this run's first 40).
** Exit status 1 when any problem failed or took over 5 s.
*/
#include "../fuzz/design_check.h"
#include <stdlib.h>
#include <time.h>

#define LIMIT_SECONDS 5.0

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct tally {
    int solved, infeasible, failed, slow;
    int32_t slowest;
} tally;

static void one(uint64_t seed, int32_t i, dm_solution *sol, double *secs, tally *t) {
    dm_problem p;
    dm_error err = {0};
    char why[256];
    const char *bad;
    dc_random_problem(seed, i, &p);
    clock_t c0 = clock();
    dm_status s = dm_solve(&p, sol, &err);
    *secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (s == DM_OK) bad = dc_check_solution(&p, sol, why, sizeof why), t->solved += !bad;
    else if (s == DM_ERR_INFEASIBLE) bad = dc_check_error(s, &err, why, sizeof why), t->infeasible += !bad;
    else bad = err.msg;
    if (*secs > LIMIT_SECONDS) t->slow++;
    if (bad || *secs > LIMIT_SECONDS) {
        t->failed += bad != NULL;
        printf("problem %d (%s, %d px, %lld MACs, %lld params, rho0 %.3g): %.2f s %s\n", i,
               dm_block_kind_name(p.family), p.input_size, (long long)p.max_macs,
               (long long)p.max_params, p.rho0, *secs, bad ? bad : "(slow)");
    }
}

int main(int argc, char **argv) {
    int32_t n = argc > 1 ? atoi(argv[1]) : 1000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 20230605u;
    if (n < 1) n = 1;
    double *secs = malloc((size_t)n * sizeof *secs);
    dm_solution *sol = malloc(sizeof *sol);
    if (!secs || !sol) return 2;
    tally t = {0};
    double total = 0;
    for (int32_t i = 0; i < n; i++) {
        one(seed, i, sol, &secs[i], &t);
        if (i == 0 || secs[i] > secs[t.slowest]) t.slowest = i;
        total += secs[i];
    }
    double max = secs[t.slowest];
    qsort(secs, (size_t)n, sizeof *secs, by_value);
    double median = n % 2 ? secs[n / 2] : (secs[n / 2 - 1] + secs[n / 2]) / 2;
    printf("\n%-10s %8s %10s %7s %9s %10s %10s %10s\n", "problems", "solved", "infeasible",
           "failed", "over 5 s", "median s", "max s", "total s");
    printf("%-10d %8d %10d %7d %9d %10.3f %10.3f %10.1f\n", n, t.solved, t.infeasible, t.failed,
           t.slow, median, max, total);
    printf("slowest: problem %d (seed %llu)\n", t.slowest, (unsigned long long)seed);
    free(secs);
    free(sol);
    return t.failed || t.slow ? 1 : 0;
}
