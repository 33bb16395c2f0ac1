/*
** test_mlp_result.c -- the MLP in the common pipeline: its scores (now in
** score.c), its metrics as library JSON (dm_mlp_metrics_to_json), and the
** solver's unified result (objective; stop, binding, least and proven for
** an infeasible problem).  Truth: values derived by hand in the comments,
** and the format the CLI has always printed (`deepmad analyze --json`
** on an MLP: printf with %lld and %.17g).
*/
#include "harness.h"
#include "deepmad.h"
#include "score.h"
#include <stdlib.h>

static dm_mlp small_mlp(void) {
    dm_mlp m;
    dm_mlp_init(&m);   /* 4 -> 8 -> 2, ReLU, bias */
    m.in_features = 4;
    m.n_layers = 2;
    m.hidden[0] = 8;
    m.out_features = 2;
    return m;
}

/* 4 -> 8 -> 2 with bias: params 4*8+8 + 8*2+2 = 58, MACs 32+16 = 48,
   S = log 4 + log 8 = log 32, mean width sqrt(32), rho = 2/sqrt(32) =
   1/(2 sqrt 2), H = 2 log 32 = log 1024. */
static void test_scores(void) {
    dm_mlp m = small_mlp();
    dm_mlp_metrics x;
    dm_error err;
    CHECK(dm_mlp_metrics_of(&m, &x, &err) == DM_OK);
    CHECK_EQ_I64(x.params, 58);
    CHECK_EQ_I64(x.macs, 48);
    CHECK_EQ_I64(x.layers, 2);
    CHECK_NEAR(x.log_width_sum, log(32.0), 1e-15);
    CHECK_NEAR(x.mean_width, sqrt(32.0), 1e-14);
    CHECK_NEAR(x.rho, 1 / (2 * sqrt(2.0)), 1e-15);
    CHECK_NEAR(x.entropy, log(1024.0), 1e-14);

    dm_mlp_metrics y;
    memset(&y, 0, sizeof y);
    dmi_mlp_score(3, 3 * log(10.0), 7, &y);   /* three widths of 10 */
    CHECK_EQ_I64(y.layers, 3);
    CHECK_NEAR(y.mean_width, 10.0, 1e-12);
    CHECK_NEAR(y.rho, 0.3, 1e-15);
    CHECK_NEAR(y.entropy, 21 * log(10.0), 1e-12);
    /* the floor is rho's formula solved for S: at S = floor, rho = rho0 */
    double f = dmi_mlp_rho_floor(3, 0.3);
    CHECK_NEAR(f, 3 * log(10.0), 1e-12);
    CHECK_NEAR(dmi_mlp_rho_floor(1, 1.0 / 784), log(784.0), 1e-12);
}

static void test_metrics_json(void) {
    dm_mlp m = small_mlp();
    dm_mlp_metrics x;
    dm_error err;
    char *js = NULL;
    CHECK(dm_mlp_metrics_of(&m, &x, &err) == DM_OK);
    CHECK(dm_mlp_metrics_to_json(&x, &js, &err) == DM_OK && js);
    if (!js) return;
    /* byte for byte what the CLI printed by hand */
    char want[512];
    snprintf(want, sizeof want,
             "{\"params\": %lld, \"macs\": %lld, \"layers\": %d, \"log_width_sum\": %.17g, "
             "\"mean_width\": %.17g, \"rho\": %.17g, \"entropy\": %.17g}",
             (long long)x.params, (long long)x.macs, (int)x.layers, x.log_width_sum,
             x.mean_width, x.rho, x.entropy);
    if (strcmp(js, want) != 0) printf("got  %s\nwant %s\n", js, want);
    CHECK(strcmp(js, want) == 0);
    const char *head = "{\"params\": 58, \"macs\": 48, \"layers\": 2, \"log_width_sum\": 3.46573590279972";
    CHECK(strncmp(js, head, strlen(head)) == 0);   /* log 32 = 3.4657359027997265... */
    /* the doubles read back exactly */
    const char *at = strstr(js, "\"rho\": ");
    CHECK(at && strtod(at + 7, NULL) == x.rho);
    dm_free(js);

    x.rho = NAN;
    js = NULL;
    CHECK(dm_mlp_metrics_to_json(&x, &js, &err) == DM_ERR_INVALID && !js);
    CHECK(strstr(err.msg, "rho") != NULL);
    CHECK(dm_mlp_metrics_to_json(NULL, &js, &err) == DM_ERR_INVALID);
}

static void test_solution_shape(void) {
    dm_mlp_problem p;
    dm_mlp_solution s;
    dm_error err;
    /* feasible: the one-layer 784 -> 10 net has 7850 params; H = 10 log 784 */
    dm_mlp_problem_init(&p);
    p.in_features = 784, p.out_min = p.out_max = 10, p.max_params = 7850, p.max_layers = 1;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_OK);
    CHECK(s.stop == DM_STOP_OPTIMAL && s.mlp.n_layers == 1);
    CHECK_NEAR(s.objective, 10 * log(784.0), 1e-12);
    CHECK(s.objective == s.metrics.entropy && s.gap >= 0 && s.bound >= s.objective);

    /* one param short: params bind, and the least is that net's 7850 */
    p.max_params = 7849;
    memset(&s, 0x5a, sizeof s);
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "budget is too small") != NULL);
    CHECK(s.stop == DM_STOP_INFEASIBLE && s.binding == DM_CONSTRAINT_PARAMS && s.proven == 1);
    CHECK_NEAR(s.least, 7850, 0);

    /* MACs only: 784 * 10 = 7840 MACs */
    p.max_params = 0, p.max_macs = 7839;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(s.stop == DM_STOP_INFEASIBLE && s.binding == DM_CONSTRAINT_MACS);
    CHECK_NEAR(s.least, 7840, 0);

    /* rho: any one-layer net has rho = 1/784 > 0.001, and deeper ones
       within 100000 params are wider than that allows; the least is a
       lower bound on every design's rho, so <= 1/784 (the one-layer net's) */
    p.max_macs = 0, p.max_params = 100000, p.rho0 = 0.001, p.max_layers = 4;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "rho") != NULL);
    CHECK(s.stop == DM_STOP_INFEASIBLE && s.binding == DM_CONSTRAINT_RHO && s.proven == 1);
    CHECK(s.least > 0 && s.least <= 1.0 / 784 * (1 + 1e-9));

    /* At least two layers, hidden widths >= 512, 8000 params: no hidden
       width fits at all.  The smallest such MLP is 784 -> 512 -> 10:
       784*512 + 512 + 512*10 + 10 = 407050 params, 406528 MACs.  (Before,
       the one-layer net's 7850 was taken as the least, and the message
       blamed rho.) */
    dm_mlp_problem_init(&p);
    p.in_features = 784, p.out_min = p.out_max = 10, p.max_params = 8000;
    p.min_layers = 2, p.min_width = 512;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "407050 params and 406528 MACs") != NULL);
    CHECK(s.binding == DM_CONSTRAINT_PARAMS);
    CHECK_NEAR(s.least, 407050, 0);
}

int main(void) {
    test_scores();
    test_metrics_json();
    test_solution_shape();
    return TEST_REPORT();
}
