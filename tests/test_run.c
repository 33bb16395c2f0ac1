/*
** test_run.c -- running and timing on this CPU (src/run): structure only,
** never absolute times (the machines running the tests are shared and
** noisy).  A measured op has a positive median, a spread >= 0 and the runs
** asked for; a conv with 4x the MACs of another measures slower (by a
** generous margin); whole nets run with 1 and 2 threads and batch 2
** without layout conversions between ops; the profile measures each shape
** once; bad options and shapes are clear errors.  The statistics are
** checked against hand-computed quartiles.
*/
#include "deepmad.h"
#include "harness.h"
#include "latency.h"
#include "measure.h"

static dm_run_options quick(int32_t threads, int32_t batch, int32_t runs) {
    dm_run_options o;
    dm_run_options_default(&o);
    o.threads = threads;
    o.batch = batch;
    o.warmup = 1;
    o.runs = runs;
    return o;
}

static dm_op conv_op(int32_t c, int32_t r, int32_t k, int32_t sum) {
    dm_op o = {DM_OP_CONV, c, c, k, 1, 1, r, r, DM_ACT_RELU, sum, 3};
    return o;
}

/* Hand-computed: {5,1,3,2,4} sorts to 1..5: median 3, quartiles at
   positions 1 and 3: 2 and 4, spread 1.  {4,1,3,2}: median 2.5, Q1 at
   position 0.75: 1.75, Q3 at 2.25: 3.25, spread 0.75.  One value: spread 0. */
static void stats(void) {
    double a[] = {5, 1, 3, 2, 4}, b[] = {4, 1, 3, 2}, c[] = {7}, med, spr;
    dmi_measure_stats(a, 5, &med, &spr);
    CHECK_NEAR(med, 3, 1e-12);
    CHECK_NEAR(spr, 1, 1e-12);
    dmi_measure_stats(b, 4, &med, &spr);
    CHECK_NEAR(med, 2.5, 1e-12);
    CHECK_NEAR(spr, 0.75, 1e-12);
    dmi_measure_stats(c, 1, &med, &spr);
    CHECK_NEAR(med, 7, 1e-12);
    CHECK_NEAR(spr, 0, 1e-12);
}

static void one_op(void) {
    dm_run_options o = quick(1, 1, 5);
    dm_op op = conv_op(32, 28, 3, 1);
    dm_latency_entry e;
    dm_error err = {0};
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_OK);
    if (err.msg[0]) printf("  error: %s\n", err.msg);
    CHECK(e.median_ms > 0);
    CHECK(e.spread_ms >= 0);
    CHECK_EQ_I64(e.runs, 5);
    CHECK_EQ_I64(e.op.stage, -1);
    CHECK(e.op.c_in == 32 && e.op.kernel == 3 && e.op.sum == 1);
    /* Every other kind runs too. */
    dm_op others[] = {
        {DM_OP_POOL, 64, 64, 3, 2, 1, 56, 28, DM_OP_ACT_NONE, 0, 0},
        {DM_OP_POOL, 64, 64, 2, 2, 1, 56, 28, DM_OP_ACT_NONE, 0, 0},
        {DM_OP_GAP, 96, 96, 1, 1, 1, 14, 1, DM_OP_ACT_NONE, 0, 0},
        {DM_OP_SE, 96, 24, 1, 1, 1, 14, 14, DM_ACT_SILU, 0, 0},
        {DM_OP_LINEAR, 96, 10, 1, 1, 1, 1, 1, DM_OP_ACT_NONE, 0, 0},
        {DM_OP_CONV, 48, 48, 5, 2, 48, 28, 14, DM_ACT_RELU6, 0, 0},
    };
    for (int i = 0; i < COUNTOF(others); i++) {
        dm_latency_entry x;
        CHECK(dm_op_measure(&others[i], &o, &x, &err) == DM_OK);
        if (err.msg[0]) printf("  op %d: %s\n", i, err.msg);
        CHECK(x.median_ms > 0 && x.spread_ms >= 0 && x.runs == 5);
        err.msg[0] = 0;
    }
}

/* A time limit stops the timed runs early, never below DM_RUN_MIN_RUNS;
   a large one leaves all of them. */
static void time_limit(void) {
    dm_run_options o = quick(1, 1, 40);
    dm_op op = conv_op(16, 8, 3, 0);
    dm_latency_entry e;
    dm_error err = {0};
    o.time_limit_ms = 1e-6;
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_OK);
    CHECK_EQ_I64(e.runs, DM_RUN_MIN_RUNS);
    o.time_limit_ms = 1e6;
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_OK);
    CHECK_EQ_I64(e.runs, 40);
    o.time_limit_ms = -1;
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "time limit") != NULL);
}

/* 4x the MACs (twice the channels in and out, same resolution): at least
   1.5x the time, a margin wide enough for a noisy machine. */
static void bigger_is_slower(void) {
    dm_run_options o = quick(1, 1, 15);
    dm_op small = conv_op(64, 28, 3, 0), big = conv_op(128, 28, 3, 0);
    dm_latency_entry es, eb;
    dm_error err = {0};
    CHECK(dm_op_measure(&small, &o, &es, &err) == DM_OK);
    CHECK(dm_op_measure(&big, &o, &eb, &err) == DM_OK);
    CHECK(eb.median_ms > 1.5 * es.median_ms);
    if (!(eb.median_ms > 1.5 * es.median_ms))
        printf("  small %.4f ms, big %.4f ms\n", es.median_ms, eb.median_ms);
}

/* resnet18 and efficientnet_b0 at 64 px (the same ops, smaller), with 1
   and 2 threads and batch 2: every layout the engine picks carries over
   from op to op, so no reorder runs between them. */
static void nets(void) {
    const char *names[] = {"resnet18", "efficientnet_b0"};
    dm_run_options opts[] = {quick(1, 1, 3), quick(2, 1, 3), quick(1, 2, 3)};
    for (int i = 0; i < COUNTOF(names); i++) {
        dm_arch a;
        dm_net *net = NULL;
        dm_error err = {0};
        CHECK(dm_zoo_arch(names[i], &a, &err) == DM_OK);
        a.input_size = 64;
        CHECK(dm_net_create(&a, &net, &err) == DM_OK);
        for (int j = 0; net && j < COUNTOF(opts); j++) {
            dm_measurement m = {0};
            CHECK(dm_net_measure(net, &opts[j], &m, &err) == DM_OK);
            if (err.msg[0]) printf("  %s: %s\n", names[i], err.msg);
            CHECK(m.median_ms > 0 && m.spread_ms >= 0 && m.runs == 3);
            /* Between ops none; the plain NCHW image may be reordered once
               into the stem conv's layout, as the engine picks it for this CPU
               (0 on the 2026-12-01 host, 1 on the 2026-12-02 one). */
            CHECK(m.reorders == 0 || m.reorders == 1);
        }
        dm_net_free(net);
    }
}

/* The distinct shapes among ops[0..n), by brute force over the struct's
   bytes (every field but the stage). */
static int32_t distinct(const dm_op *ops, int32_t n) {
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++) {
        int seen = 0;
        for (int32_t j = 0; j < i && !seen; j++) {
            dm_op a = ops[i], b = ops[j];
            a.stage = b.stage = 0;
            seen = memcmp(&a, &b, sizeof a) == 0;
        }
        k += !seen;
    }
    return k;
}

typedef struct calls {
    int32_t n, last_done, last_total;
} calls;

static void on_progress(int32_t done, int32_t total, const dm_op *op, void *user) {
    calls *c = user;
    c->n++;
    c->last_done = done;
    c->last_total = total;
    (void)op;
}

static void profile(void) {
    dm_arch a;
    dm_net *net = NULL;
    dm_op *ops = NULL;
    int32_t n = 0;
    dm_error err = {0};
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    a.input_size = 32;
    CHECK(dm_net_create(&a, &net, &err) == DM_OK);
    CHECK(dm_net_ops(net, &ops, &n, &err) == DM_OK);
    dm_net_free(net);
    dm_latency_table t;
    memset(&t, 0, sizeof t);
    dm_run_options o = quick(1, 1, 2);
    calls c = {0, 0, 0};
    CHECK(dm_latency_profile(ops, n, &o, on_progress, &c, &t, &err) == DM_OK);
    int32_t want = distinct(ops, n);
    CHECK(want < n);
    CHECK_EQ_I64(t.n_entries, want);
    CHECK_EQ_I64(c.n, want + 1);          /* before each shape, then once at the end */
    CHECK_EQ_I64(c.last_done, want);
    CHECK_EQ_I64(c.last_total, want);
    CHECK(strncmp(t.engine, "oneDNN ", 7) == 0);
    CHECK(t.cpu[0] != 0);
    CHECK(t.threads == 1 && t.batch == 1);
    for (int32_t i = 0; i < t.n_entries; i++)
        CHECK(t.entries[i].op.stage == -1 && t.entries[i].median_ms > 0 && t.entries[i].runs == 2);
    /* Again: nothing left to measure. */
    c = (calls){0, 0, 0};
    CHECK(dm_latency_profile(ops, n, &o, on_progress, &c, &t, &err) == DM_OK);
    CHECK_EQ_I64(t.n_entries, want);
    CHECK(c.n == 1 && c.last_total == 0);
    /* Another thread count is another table. */
    o.threads = 2;
    CHECK(dm_latency_profile(ops, n, &o, NULL, NULL, &t, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "1 threads") != NULL);
    dm_free(t.entries);
    dm_free(ops);
}

/* A tiny problem whose widths fall between the profile's grid points
   (8, 16, 32, 48: 24 and 40 are estimated). */
static void tiny(dm_problem *p) {
    dm_problem_default(p, DM_BLOCK_BOTTLENECK);
    p->input_size = 32;
    p->classes = 10;
    p->n_superblocks = 3;
    for (int i = 0; i < 3; i++) p->stride[i] = i ? 2 : 1, p->depth_min[i] = 1, p->depth_max[i] = 2;
    p->min_channels = 8;
    p->max_channels = 48;
    p->inner_min = 0.5;
    p->inner_max = 1.0;
    p->n_kernels = 1;
    p->kernels[0] = 3;
    p->max_macs = 20000000;
}

/* The table's entry for op's shape, or NULL. */
static const dm_latency_entry *entry_of(const dm_latency_table *t, const dm_op *op) {
    for (int32_t i = 0; i < t->n_entries; i++) {
        dm_op a = t->entries[i].op, b = *op;
        a.stage = b.stage = 0;
        if (!memcmp(&a, &b, sizeof a)) return &t->entries[i];
    }
    return NULL;
}

/* dm_solve_refined: the answer's shapes are all measured, its latency is
   their medians' sum (1 ns rounding per op) within the budget, and the
   table grew by what was measured; a table from another machine and NULL
   arguments are refused. */
static void refine(void) {
    dm_problem p;
    dm_error err = {0};
    dm_op *ops = NULL;
    int32_t n = 0;
    tiny(&p);
    CHECK(dm_latency_shapes(&p, &ops, &n, &err) == DM_OK);
    dm_latency_table t;
    dm_latency_table_init(&t);
    dm_run_options o = quick(1, 1, 3);
    CHECK(dm_latency_profile(ops, n, &o, NULL, NULL, &t, &err) == DM_OK);
    dm_free(ops);
    /* Times that do not depend on the machine (1 ns a MAC, plus 2 us), so
       that the first answer, and so the shapes the first round measures,
       are the same on every run (measured ones would move it). */
    for (int32_t i = 0; i < t.n_entries; i++)
        t.entries[i].median_ms = 1e-6 * (double)dmi_latency_op_macs(&t.entries[i].op) + 0.002;
    dm_solution free_sol, sol;
    p.latency_table = &t;
    CHECK(dm_solve(&p, &free_sol, &err) == DM_OK);
    p.max_latency_ms = 0.9 * free_sol.metrics.latency_ms;   /* binding */
    int32_t before = t.n_entries;
    dm_refine_info ri;
    dm_status s = dm_solve_refined(&p, &t, &o, NULL, NULL, NULL, &sol, &ri, &err);
    if (s) printf("  dm_solve_refined: %s\n", err.msg);
    CHECK(s == DM_OK);
    CHECK(ri.solves >= 1 && ri.solves <= DM_REFINE_MAX_SOLVES);
    CHECK_EQ_I64(ri.measured, t.n_entries - before);
    CHECK(ri.measured > 0 && ri.solves > 1); /* the first answer has off-grid widths (24, 40) */
    CHECK(ri.estimated == 0 || ri.solves == DM_REFINE_MAX_SOLVES);
    dm_net *net = NULL;
    CHECK(dm_net_create(&sol.arch, &net, &err) == DM_OK);
    CHECK(dm_net_ops(net, &ops, &n, &err) == DM_OK);
    dm_net_free(net);
    double sum = 0;
    int32_t lacking = 0;
    for (int32_t i = 0; i < n; i++) {
        const dm_latency_entry *e = entry_of(&t, &ops[i]);
        if (e) sum += e->median_ms;
        else lacking++;
    }
    dm_free(ops);
    if (ri.estimated == 0) {
        CHECK_EQ_I64(lacking, 0);
        CHECK_NEAR(sol.metrics.latency_ms, sum, 1e-6 * n);
    }
    CHECK(sol.metrics.latency_ms <= p.max_latency_ms);
    /* Another machine's table: refused, naming it. */
    snprintf(t.cpu, sizeof t.cpu, "Another CPU 9000");
    CHECK(dm_solve_refined(&p, &t, &o, NULL, NULL, NULL, &sol, &ri, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "Another CPU 9000") != NULL);
    dm_run_options two = quick(2, 1, 3);   /* another thread count: refused before solving */
    CHECK(dm_solve_refined(&p, &t, &two, NULL, NULL, NULL, &sol, &ri, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "1 threads") != NULL && ri.solves == 0);
    CHECK(dm_solve_refined(NULL, &t, &o, NULL, NULL, NULL, &sol, &ri, &err) == DM_ERR_INVALID);
    CHECK(dm_solve_refined(&p, &t, &o, NULL, NULL, NULL, &sol, NULL, &err) == DM_ERR_INVALID);
    dm_latency_table_free(&t);
}

static void bad_input(void) {
    dm_op op = conv_op(16, 8, 3, 0);
    dm_latency_entry e;
    dm_error err = {0};
    dm_run_options o = quick(0, 1, 3);
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "threads 0") != NULL);
    o = quick(1, 0, 3);
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "batch 0") != NULL);
    o = quick(1, 1, 0);
    CHECK(dm_op_measure(&op, &o, &e, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "runs 0") != NULL);
    o = quick(1, 1, 1);
    dm_op even = conv_op(16, 8, 4, 0);
    CHECK(dm_op_measure(&even, &o, &e, &err) == DM_ERR_INVALID);
    dm_op groups = {DM_OP_CONV, 16, 16, 3, 1, 3, 8, 8, DM_OP_ACT_NONE, 0, 0};
    CHECK(dm_op_measure(&groups, &o, &e, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "groups 3") != NULL);
    dm_op shape = {DM_OP_CONV, 16, 16, 3, 2, 1, 8, 8, DM_OP_ACT_NONE, 0, 0};
    CHECK(dm_op_measure(&shape, &o, &e, &err) == DM_ERR_INVALID);
    dm_op add = {DM_OP_ADD, 16, 16, 1, 1, 1, 8, 8, DM_ACT_RELU, 0, 0};
    CHECK(dm_op_measure(&add, &o, &e, &err) == DM_ERR_UNSUPPORTED);
    CHECK(dm_net_measure(NULL, &o, NULL, &err) == DM_ERR_INVALID);
}

static void machine(void) {
    char cpu[DM_LATENCY_TEXT], engine[DM_LATENCY_TEXT];
    dm_run_machine(cpu, engine);
    CHECK(cpu[0] != 0 && strchr(cpu, '\n') == NULL);
    CHECK(strncmp(engine, "oneDNN 2.", 9) == 0 || strncmp(engine, "oneDNN 3.", 9) == 0);
}

int main(void) {
    stats();
    machine();
    bad_input();
    one_op();
    time_limit();
    bigger_is_slower();
    nets();
    profile();
    refine();
    printf("%d passed, %d failed\n", dm_t_passed, dm_t_failed);
    return dm_t_failed ? 1 : 0;
}
