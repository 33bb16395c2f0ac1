/*
** test_constraint.c -- the constraint table (src/solve/constraint.c) and
** infeasibility as an answer of dm_solve, against hand-computed values.
*/
#include "harness.h"
#include "deepmad.h"
#include "constraint.h"

static void table(void) {
    static const char *const names[] = {"macs", "params", "rho", "layers", "peak_activation",
                                        "latency"};
    static const char *const words[] = {"MACs", "params", "rho", "layer", "peak-activation",
                                        "latency"};
    CHECK_EQ_I64(DM_CONSTRAINT_COUNT, COUNTOF(names));
    for (int c = 0; c < DM_CONSTRAINT_COUNT; c++) {
        CHECK(strcmp(dm_constraint_name((dm_constraint)c), names[c]) == 0);
        CHECK(strcmp(dmi_constraint_word((dm_constraint)c), words[c]) == 0);
        CHECK_EQ_I64(dmi_constraint_monotone((dm_constraint)c),
                     c != DM_CONSTRAINT_RHO && c != DM_CONSTRAINT_LATENCY);
    }
    CHECK(strcmp(dm_constraint_name(DM_CONSTRAINT_COUNT), "unknown") == 0);
    dm_problem p;
    dm_problem_default(&p, DM_BLOCK_BASIC);
    p.max_macs = 3000000000LL;
    p.max_layers = 40;
    CHECK_NEAR(dm_constraint_limit(&p, DM_CONSTRAINT_MACS), 3e9, 0);
    CHECK_NEAR(dm_constraint_limit(&p, DM_CONSTRAINT_RHO), 0.3, 0);
    CHECK_EQ_I64(dmi_constraint_count_limit(&p, DM_CONSTRAINT_LAYERS), 40);
    CHECK_EQ_I64(dmi_constraint_count_limit(&p, DM_CONSTRAINT_PARAMS), 0);
    dm_metrics m;
    memset(&m, 0, sizeof m);
    m.macs = 4000000000LL;
    m.layers = 40;
    m.rho = 0.2;
    CHECK(!dm_constraint_met(&p, &m, DM_CONSTRAINT_MACS));
    CHECK(dm_constraint_met(&p, &m, DM_CONSTRAINT_LAYERS));
    CHECK(dm_constraint_met(&p, &m, DM_CONSTRAINT_PARAMS));   /* unlimited */
    CHECK(dm_constraint_met(&p, &m, DM_CONSTRAINT_RHO));
    CHECK_NEAR(dmi_constraint_excess(&p, DM_CONSTRAINT_MACS, 4e9), 1.0 / 3, 1e-15);
    CHECK_NEAR(dmi_constraint_excess(&p, DM_CONSTRAINT_PARAMS, 4e9), 0, 0);
}

/* Input 32, 3x3/2 stem, one basic superblock of stride 2, no head, 10
   classes; channels 8..64 on a grid of 8, depth 1..2, kernel 3.  The
   smallest design (stem 8, c 8, m 8, depth 1), by hand:
     stem 3->8 3x3/2 at 32 -> 16 px:    55296 MACs, 232 params
     block conv1 8->8 3x3/2 -> 8 px:    36864 MACs, 592 params
     block conv2 8->8 3x3 at 8 px:      36864 MACs, 592 params
     projection 1x1/2 8->8:              4096 MACs,  80 params
     classifier 8->10:                     80 MACs,  90 params
   = 133200 MACs, 1586 params, 3 main-path layers. */
static void tiny(dm_problem *p) {
    dm_problem_default(p, DM_BLOCK_BASIC);
    p->input_size = 32;
    p->classes = 10;
    p->n_superblocks = 1;
    p->stride[0] = 2;
    p->depth_max[0] = 2;
    p->n_kernels = 1;
    p->max_channels = 64;
    p->max_macs = 100000000;
}

static void expect(const dm_problem *p, dm_constraint binding, double least, const char *msg) {
    dm_solution s;
    dm_error err;
    CHECK(dm_solve(p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK_EQ_I64(s.stop, DM_STOP_INFEASIBLE);
    CHECK_EQ_I64(s.binding, binding);
    CHECK_NEAR(s.least, least, 0);
    CHECK_EQ_I64(s.proven, 1);
    if (msg && strcmp(err.msg, msg) != 0) printf("  got: %s\n", err.msg);
    if (msg) CHECK(strcmp(err.msg, msg) == 0);
}

static void infeasible(void) {
    dm_problem p;
    tiny(&p);
    p.max_macs = 133199;
    expect(&p, DM_CONSTRAINT_MACS, 133200,
           "MACs budget 133199 is below the least any basic network of this layout can have "
           "at 32 px: 133200");
    tiny(&p);
    p.max_params = 1585;
    expect(&p, DM_CONSTRAINT_PARAMS, 1586, NULL);
    tiny(&p);
    p.max_layers = 2;
    expect(&p, DM_CONSTRAINT_LAYERS, 3, NULL);
    /* At exactly the least values the problem is feasible. */
    tiny(&p);
    p.max_macs = 133200;
    p.max_params = 1586;
    p.max_layers = 3;
    dm_solution s;
    CHECK(dm_solve(&p, &s, NULL) == DM_OK);
    CHECK_EQ_I64(s.stop, DM_STOP_OPTIMAL);
    CHECK_EQ_I64(s.metrics.macs, 133200);
}

/* rho: the stem alone is stage 0, a prefix of one layer of width 27
   (3 x 3x3), so every design has rho >= 1/27 > 0.01.  The space is small,
   so the search is exhaustive (proven), and the least rho it saw lies
   between 1/27 and the smallest design's rho. */
static void infeasible_rho(void) {
    dm_problem p;
    dm_solution s;
    dm_error err;
    tiny(&p);
    p.rho0 = 0.01;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK_EQ_I64(s.stop, DM_STOP_INFEASIBLE);
    CHECK_EQ_I64(s.binding, DM_CONSTRAINT_RHO);
    CHECK_EQ_I64(s.proven, 1);
    double smallest = 3 / exp((log(27) + 2 * log(72)) / 3);  /* stem, conv1, conv2 */
    CHECK(s.least >= 1.0 / 27 - 1e-12 && s.least <= smallest + 1e-12);
    char want[160];
    snprintf(want, sizeof want, "no basic network of this layout within the budgets reaches "
                                "rho <= 0.01 (the least seen is %.3f)", s.least);
    CHECK(strstr(err.msg, want) == err.msg);
}

int main(void) {
    table();
    infeasible();
    infeasible_rho();
    return TEST_REPORT();
}
