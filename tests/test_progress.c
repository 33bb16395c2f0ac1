/*
** test_progress.c -- dm_solve_progress: the phases come in order with
** their work inside their totals, the best objective only rises and is
** never above the answer, the reported bound only falls and never below
** the answer, and the answer is the same bytes as dm_solve's (the
** callback cannot change what the solver does).
*/
#include "deepmad.h"
#include "harness.h"
#include <math.h>
#include <string.h>

#define MAX_CALLS 100000

typedef struct record {
    int n, phases_seen[DM_PHASE_COUNT];
    int out_of_order, over_total, objective_fell, bound_rose;
    dm_progress last;
} record;

static void note(const dm_progress *pr, void *user) {
    record *r = user;
    if (r->n > 0) {
        if (pr->phase < r->last.phase) r->out_of_order++;
        if (pr->objective < r->last.objective) r->objective_fell++;
        if (pr->bound > r->last.bound) r->bound_rose++;
    }
    if (pr->total > 0 && (pr->done < 0 || pr->done > pr->total)) r->over_total++;
    if ((int)pr->phase >= 0 && pr->phase < DM_PHASE_COUNT) r->phases_seen[pr->phase]++;
    r->last = *pr;
    if (r->n < MAX_CALLS) r->n++;
}

static void same_answer_and_orderly(const char *preset, int32_t effort) {
    dm_problem p;
    dm_error err = {0};
    CHECK(dm_problem_preset(preset, &p, &err) == DM_OK);
    p.effort = effort;
    dm_solution a, b;
    record r = {0};
    CHECK(dm_solve(&p, &a, &err) == DM_OK);
    CHECK(dm_solve_progress(&p, note, &r, &b, &err) == DM_OK);
    CHECK(memcmp(&a.arch, &b.arch, sizeof a.arch) == 0);
    CHECK(a.objective == b.objective && a.bound == b.bound && a.nodes == b.nodes);
    CHECK(r.n > 3);
    CHECK(r.phases_seen[DM_PHASE_SEARCH] > 0);
    CHECK(r.phases_seen[DM_PHASE_TREE] > 0);
    if (b.stop != DM_STOP_OPTIMAL) CHECK(r.phases_seen[DM_PHASE_CERTIFICATE] > 0);
    CHECK_EQ_I64(r.out_of_order, 0);
    CHECK_EQ_I64(r.over_total, 0);
    CHECK_EQ_I64(r.objective_fell, 0);
    CHECK_EQ_I64(r.bound_rose, 0);
    CHECK(r.last.objective <= b.objective + 1e-9);
    CHECK(r.last.bound >= b.bound - 1e-9 * fabs(b.bound));
}

/* A tiny problem the tree closes: no certificate phase, and a NULL
   function is plain dm_solve. */
static void tiny_and_null(void) {
    dm_problem p;
    dm_error err = {0};
    dm_problem_default(&p, DM_BLOCK_BOTTLENECK);
    p.n_superblocks = 2;
    p.stride[0] = p.stride[1] = 2;
    p.depth_max[0] = p.depth_max[1] = 2;
    p.max_channels = 32;
    p.max_macs = 20000000;
    p.input_size = 32;
    p.classes = 10;
    dm_solution a, b;
    record r = {0};
    CHECK(dm_solve_progress(&p, note, &r, &a, &err) == DM_OK);
    CHECK(a.stop == DM_STOP_OPTIMAL);
    CHECK_EQ_I64(r.phases_seen[DM_PHASE_CERTIFICATE], 0);
    CHECK(r.last.objective <= a.objective + 1e-9);
    CHECK(dm_solve_progress(&p, NULL, NULL, &b, &err) == DM_OK);
    CHECK(memcmp(&a.arch, &b.arch, sizeof a.arch) == 0 && a.objective == b.objective);
}

static void names(void) {
    CHECK(!strcmp(dm_phase_name(DM_PHASE_SEARCH), "search"));
    CHECK(!strcmp(dm_phase_name(DM_PHASE_TREE), "tree"));
    CHECK(!strcmp(dm_phase_name(DM_PHASE_CERTIFICATE), "certificate"));
    CHECK(!strcmp(dm_phase_name(DM_PHASE_COUNT), "unknown"));
    CHECK(!strcmp(dm_phase_name((dm_phase)-1), "unknown"));
}

int main(void) {
    names();
    tiny_and_null();
    same_answer_and_orderly("r18", 1);
    same_answer_and_orderly("b0", 2);
    return TEST_REPORT();
}
