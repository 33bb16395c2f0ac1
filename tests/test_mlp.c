/*
** test_mlp.c -- MLP descriptions, metrics, JSON and the design solver.
** Truth: hand-derived counts and scores; an exhaustive enumeration of
** small design spaces (written here from the problem's definition, not
** from the solver); random and perturbed feasible designs against the
** solver's bound.
*/
#include "deepmad.h"
#include "harness.h"
#include "mlp.h"
#include <stdint.h>
#include <stdlib.h>


static dm_mlp make(int32_t in, const int32_t *hidden, int32_t n_hidden, int32_t out, int32_t bias) {
    dm_mlp m;
    dm_mlp_init(&m);
    m.in_features = in;
    m.n_layers = n_hidden + 1;
    for (int32_t i = 0; i < n_hidden; i++) m.hidden[i] = hidden[i];
    m.out_features = out;
    m.bias = bias;
    return m;
}

static void test_metrics(void) {
    const int32_t h[] = {512, 256};
    dm_mlp m = make(784, h, 2, 10, 1);
    dm_mlp_metrics x;
    CHECK(dm_mlp_metrics_of(&m, &x, NULL) == DM_OK);
    /* 784*512+512 + 512*256+256 + 256*10+10 */
    CHECK_EQ_I64(x.params, 401920 + 131328 + 2570);
    CHECK_EQ_I64(x.macs, 401408 + 131072 + 2560);
    CHECK_EQ_I64(x.layers, 3);
    CHECK_NEAR(x.log_width_sum, log(784.0) + 9 * log(2.0) + 8 * log(2.0), 1e-12);
    CHECK_NEAR(x.entropy, 10 * (log(784.0) + 17 * log(2.0)), 1e-9);
    CHECK_NEAR(x.rho, 3 / cbrt(784.0 * 512 * 256), 1e-12);
    m.bias = 0;
    CHECK(dm_mlp_metrics_of(&m, &x, NULL) == DM_OK);
    CHECK_EQ_I64(x.params, 401408 + 131072 + 2560);
    /* one layer: H = out * log in, rho = 1 / in */
    dm_mlp one = make(100, NULL, 0, 7, 1);
    CHECK(dm_mlp_metrics_of(&one, &x, NULL) == DM_OK);
    CHECK_EQ_I64(x.params, 707);
    CHECK_NEAR(x.entropy, 7 * log(100.0), 1e-12);
    CHECK_NEAR(x.rho, 0.01, 1e-15);
    /* the solver's fast cost is cost.c's */
    for (int32_t a = 1; a < 3000; a += 97)
        for (int32_t b = 1; b < 3000; b += 89)
            for (int32_t bias = 0; bias < 2; bias++) {
                int64_t p, mac;
                CHECK(dmi_mlp_linear_cost(a, b, bias, &p, &mac, NULL) == DM_OK);
                if (p != dmi_mlp_params_fast(a, b, bias) || mac != dmi_mlp_macs_fast(a, b))
                    CHECK(!"fast cost differs");
            }
}

static void test_bad_inputs(void) {
    dm_error err;
    const int32_t h[] = {16, 0};
    dm_mlp m = make(8, h, 2, 4, 1);
    dm_mlp_metrics x;
    CHECK(dm_mlp_metrics_of(&m, &x, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "hidden[1]") != NULL);
    m.hidden[1] = DM_MLP_MAX_WIDTH + 1;
    CHECK(dm_mlp_validate(&m, &err) == DM_ERR_RANGE);
    m = make(8, NULL, 0, 4, 1);
    m.n_layers = 0;
    CHECK(dm_mlp_validate(&m, &err) == DM_ERR_INVALID);
    m.n_layers = DM_MLP_MAX_LAYERS + 1;
    CHECK(dm_mlp_validate(&m, &err) == DM_ERR_RANGE);
    m = make(0, NULL, 0, 4, 1);
    CHECK(dm_mlp_validate(&m, &err) == DM_ERR_INVALID);
    m = make(8, NULL, 0, 4, 2);
    CHECK(dm_mlp_validate(&m, &err) == DM_ERR_INVALID);
    m = make(8, NULL, 0, 4, 1);
    m.act = DM_ACT_COUNT;
    CHECK(dm_mlp_validate(&m, &err) == DM_ERR_INVALID);

    dm_mlp_problem p;
    dm_mlp_solution s;
    dm_mlp_problem_init(&p);
    p.in_features = 784;
    p.out_min = p.out_max = 10;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INVALID); /* no budget */
    p.max_params = 1000000;
    p.rho0 = NAN;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INVALID);
    p.rho0 = 0;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INVALID);
    p.rho0 = 0.5;
    p.min_layers = 5, p.max_layers = 4;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INVALID);
    p.min_layers = 1, p.max_layers = DM_MLP_MAX_LAYERS + 1;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_RANGE);
    p.max_layers = 8;
    p.out_max = 5;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INVALID);
    p.out_max = 10;
    p.granularity = 64, p.min_width = 70, p.max_width = 100;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INVALID);
    /* infeasible answers: a budget below the one-layer net, an unreachable rho */
    dm_mlp_problem_init(&p);
    p.in_features = 784, p.out_min = p.out_max = 10, p.max_params = 7849, p.max_layers = 1;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    p.max_params = 7850;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_OK && s.mlp.n_layers == 1);
    p.max_params = 100000, p.rho0 = 0.001, p.max_layers = 4; /* rho >= 1/784 */
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK(strstr(err.msg, "rho") != NULL);
}

/* ---------------------------------------------------------------------- */
/* Brute force over the problem's definition                              */
/* ---------------------------------------------------------------------- */

typedef struct brute {
    const dm_mlp_problem *p;
    dm_mlp cur;
    double best;            /* -1 = none feasible */
} brute;

static int feasible(const dm_mlp_problem *p, const dm_mlp *m, dm_mlp_metrics *x) {
    if (dm_mlp_metrics_of(m, x, NULL)) return 0;
    return (!p->max_params || x->params <= p->max_params) && (!p->max_macs || x->macs <= p->max_macs)
        && x->rho <= p->rho0;
}

static void brute_hidden(brute *b, int32_t i) {
    const dm_mlp_problem *p = b->p;
    dm_mlp_metrics x;
    if (i == b->cur.n_layers - 1) {
        if (feasible(p, &b->cur, &x) && x.entropy > b->best) b->best = x.entropy;
        return;
    }
    for (int32_t w = p->granularity; w <= p->max_width; w += p->granularity)
        if (w >= p->min_width) {
            b->cur.hidden[i] = w;
            brute_hidden(b, i + 1);
        }
}

static double brute_best(const dm_mlp_problem *p) {
    brute b = {p, {0}, -1};
    dm_mlp_init(&b.cur);
    b.cur.in_features = p->in_features;
    b.cur.bias = p->bias;
    for (int32_t L = p->min_layers; L <= p->max_layers; L++)
        for (int32_t k = p->out_min; k <= p->out_max; k++) {
            if (p->out_min != p->out_max && k % p->granularity) continue;
            b.cur.n_layers = L;
            b.cur.out_features = k;
            brute_hidden(&b, 0);
        }
    return b.best;
}

static uint64_t rng = 88172645463325252ull;
static int32_t rnd(int32_t lo, int32_t hi) { /* xorshift64, inclusive range */
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return lo + (int32_t)(rng % (uint64_t)(hi - lo + 1));
}

static void random_problem(dm_mlp_problem *p) {
    static const int32_t gs[] = {1, 2, 4};
    dm_mlp_problem_init(p);
    p->in_features = rnd(2, 60);
    p->granularity = gs[rnd(0, 2)];
    p->min_width = rnd(1, 6);
    p->max_width = p->granularity * rnd(3, p->granularity == 1 ? 14 : 8);
    if (p->max_width < p->min_width) p->max_width = p->min_width + p->granularity;
    p->min_layers = rnd(1, 2);
    p->max_layers = rnd(p->min_layers, 4);
    p->out_min = rnd(1, 12);
    p->out_max = rnd(0, 2) ? p->out_min : p->out_min + p->granularity * rnd(1, 3);
    p->bias = rnd(0, 1);
    int32_t scale = p->in_features * p->max_width;
    if (rnd(0, 2)) p->max_params = rnd(scale / 4, 2 * scale + 50);
    if (!p->max_params || rnd(0, 2) == 0) p->max_macs = rnd(scale / 4, 2 * scale + 50);
    p->rho0 = rnd(1, 200) / 100.0;
}

static void test_brute_force(void) {
    int32_t solved = 0, infeasible = 0;
    for (int trial = 0; trial < 400; trial++) {
        dm_mlp_problem p;
        dm_mlp_solution s;
        dm_mlp_metrics x;
        dm_error err;
        random_problem(&p);
        double truth = brute_best(&p);
        dm_status st = dm_mlp_solve(&p, &s, &err);
        if (truth < 0) {
            infeasible++;
            if (st != DM_ERR_INFEASIBLE) printf("trial %d: %s\n", trial, err.msg);
            CHECK(st == DM_ERR_INFEASIBLE);
            continue;
        }
        solved++;
        if (st != DM_OK) { printf("trial %d: %s\n", trial, err.msg); CHECK(st == DM_OK); continue; }
        CHECK(s.stop == DM_STOP_OPTIMAL);
        CHECK_NEAR(s.metrics.entropy, truth, 1e-9 * truth);
        CHECK(feasible(&p, &s.mlp, &x) && x.entropy == s.metrics.entropy);
        CHECK(s.bound >= truth - 1e-9 && s.gap >= 0);
        for (int32_t i = 0; i < s.mlp.n_layers - 1; i++)
            CHECK(s.mlp.hidden[i] % p.granularity == 0 && s.mlp.hidden[i] >= p.min_width
                  && s.mlp.hidden[i] <= p.max_width);
        CHECK(s.mlp.n_layers >= p.min_layers && s.mlp.n_layers <= p.max_layers);
        CHECK(s.mlp.out_features >= p.out_min && s.mlp.out_features <= p.out_max);
    }
    CHECK(solved > 200 && infeasible > 20); /* both outcomes were exercised */
    printf("brute force: %d solved, %d infeasible\n", solved, infeasible);
}

/* A node-limited solve of a large problem: its bound must hold over
   feasible designs near its answer (one or two widths moved) and over
   random ones scaled into the budget. */
static void test_bound_vs_samples(void) {
    dm_mlp_problem p;
    dm_mlp_solution s, full;
    dm_error err;
    dm_mlp_problem_init(&p);
    p.in_features = 784, p.out_min = p.out_max = 10, p.max_params = 1000000, p.rho0 = 0.5;
    p.node_limit = 500;
    CHECK(dm_mlp_solve(&p, &s, &err) == DM_OK);
    CHECK(s.stop == DM_STOP_NODE_LIMIT && s.gap > 0 && s.bound >= s.metrics.entropy);
    p.node_limit = 0; /* default */
    CHECK(dm_mlp_solve(&p, &full, &err) == DM_OK);
    CHECK(full.metrics.entropy >= s.metrics.entropy && full.metrics.entropy <= s.bound);
    CHECK(full.bound <= s.bound + 1e-6 && full.metrics.params <= p.max_params);
    int32_t checked = 0;
    for (int trial = 0; trial < 20000; trial++) {
        dm_mlp m = full.mlp;
        dm_mlp_metrics x;
        for (int moves = rnd(1, 2); moves > 0 && m.n_layers > 1; moves--) {
            int32_t i = rnd(0, m.n_layers - 2);
            m.hidden[i] += 8 * rnd(-3, 3);
            if (m.hidden[i] < 8) m.hidden[i] = 8;
        }
        if (trial % 2) { /* a random design instead */
            m.n_layers = rnd(1, 120);
            for (int32_t i = 0; i < m.n_layers - 1; i++) m.hidden[i] = 8 * rnd(1, 200);
        }
        if (!feasible(&p, &m, &x)) continue;
        checked++;
        CHECK(x.entropy <= s.bound);
        CHECK(x.entropy <= full.bound);
    }
    CHECK(checked > 500);
}

static void test_json(void) {
    const int32_t h[] = {512, 256};
    dm_mlp m = make(784, h, 2, 10, 0), back;
    m.act = DM_ACT_SILU;
    char *js = NULL;
    dm_error err;
    CHECK(dm_mlp_to_json(&m, &js, &err) == DM_OK);
    CHECK(js && strcmp(js, "{\"format\": \"deepmad-mlp\", \"version\": 1, \"in_features\": 784, "
                           "\"hidden\": [512, 256], \"out_features\": 10, \"act\": \"silu\", "
                           "\"bias\": false}\n") == 0);
    CHECK(dm_mlp_json_detect(js, strlen(js)) == 1);
    CHECK(dm_mlp_from_json(js, strlen(js), &back, &err) == DM_OK);
    CHECK(memcmp(&back, &m, sizeof m) == 0);
    dm_free(js);
    const char *min = "{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":[],"
                      "\"out_features\":2}";
    CHECK(dm_mlp_from_json(min, strlen(min), &back, &err) == DM_OK);
    CHECK(back.n_layers == 1 && back.bias == 1 && back.act == DM_ACT_RELU);
    static const struct { const char *text; dm_status want; const char *says; } bad[] = {
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":[4],\"out_features\":2,\"x\":1}", DM_ERR_PARSE, "unknown key"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"in_features\":3,\"hidden\":[],\"out_features\":2}", DM_ERR_PARSE, "duplicate"},
        {"{\"format\":\"deepmad-mlp\",\"version\":2,\"in_features\":3,\"hidden\":[],\"out_features\":2}", DM_ERR_UNSUPPORTED, "version"},
        {"{\"format\":\"cnn\",\"version\":1,\"in_features\":3,\"hidden\":[],\"out_features\":2}", DM_ERR_PARSE, "format"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3.5,\"hidden\":[],\"out_features\":2}", DM_ERR_INVALID, "in_features: 3.5 is not an integer"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":[4,0],\"out_features\":2}", DM_ERR_INVALID, "hidden[1]"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":[4],\"out_features\":2e9}", DM_ERR_RANGE, "out_features"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":4,\"out_features\":2}", DM_ERR_PARSE, "array"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":[],\"out_features\":2,\"act\":\"tanh\"}", DM_ERR_INVALID, "tanh"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"in_features\":3,\"hidden\":[],\"out_features\":2,\"bias\":1}", DM_ERR_PARSE, "bias"},
        {"{\"format\":\"deepmad-mlp\",\"version\":1,\"hidden\":[],\"out_features\":2}", DM_ERR_PARSE, "in_features"},
        {"[1,2]", DM_ERR_PARSE, "object"},
        {"{\"format\":\"deepmad-mlp\"", DM_ERR_PARSE, "JSON"},
    };
    for (int i = 0; i < DM_COUNTOF(bad); i++) {
        dm_status st = dm_mlp_from_json(bad[i].text, strlen(bad[i].text), &back, &err);
        if (st != bad[i].want || !strstr(err.msg, bad[i].says))
            printf("bad[%d]: got %s: %s\n", i, dm_status_str(st), err.msg);
        CHECK(st == bad[i].want && strstr(err.msg, bad[i].says));
    }
    CHECK(dm_mlp_json_detect("{\"superblocks\":[]}", 18) == 0);
    CHECK(dm_mlp_json_detect("not json", 8) == 0);
}

int main(void) {
    test_metrics();
    test_bad_inputs();
    test_brute_force();
    test_bound_vs_samples();
    test_json();
    return TEST_REPORT();
}
