/*
** test_latency.c -- latency tables and the prediction (docs/latency.md)
** against independent truth:
**   - the table's JSON: a round trip to the same bytes and values (also
**     through a file), and the reader's refusals, each with its code and
**     where;
**   - the estimator against a known smooth time function (synthetic
**     tables: time = a * MACs + b * bytes + c, written here, not taken
**     from the code): exact shapes give their median, off-grid shapes and
**     whole random designs of the presets' spaces come within a few
**     percent, the estimate is monotone where the table is, and never
**     below ns_per_mac * MACs;
**   - the MACs of a net's ops are its dm_metrics MACs (zoo nets);
**   - the solver's fast sum equals dm_latency_predict to the nanosecond;
**   - a latency budget in dm_solve, against the brute force (brute.h): no
**     feasible design scores above the bound, the best feasible design is
**     found, and the design meets the budget as dm_latency_predict says.
** No time is measured: every table here is synthetic.
*/
#include "harness.h"
#include "deepmad.h"
#include "brute.h"
#include "latency.h"
#include "solver.h"
#include <stdint.h>

#define MAX_INNER 8192   /* inner widths of one superblock (domain.h), 6 x 4096 / 8 at most */

/* ------------------------------------------------------- synthetic time */

/* The truth of the synthetic tables, in ms: 1e-8 ms a MAC (100 GMAC/s),
   5e-10 ms a byte of float32 tensors and weights, 2 us a call. */
static double truth_ms(const dm_op *o) {
    double macs = 0, w = 0;
    double io = (double)o->c_in * o->r_in * o->r_in + (double)o->c_out * o->r_out * o->r_out;
    switch (o->kind) {
    case DM_OP_CONV:
        w = (double)o->c_out * (o->c_in / o->groups) * o->kernel * o->kernel;
        macs = w * o->r_out * o->r_out;
        break;
    case DM_OP_SE: w = 2.0 * o->c_in * o->c_out; macs = w + (double)o->c_in * o->r_in * o->r_in; break;
    case DM_OP_LINEAR: w = (double)o->c_in * o->c_out; macs = w; break;
    default: break;
    }
    return 1e-8 * macs + 5e-10 * 4 * (io + w) + 0.002;
}

/* A table with every op of ops[0..n) at truth_ms. */
static void synth_table(const dm_op *ops, int32_t n, dm_latency_table *t) {
    dm_latency_table_init(t);
    snprintf(t->cpu, sizeof t->cpu, "synthetic");
    snprintf(t->engine, sizeof t->engine, "truth_ms");
    t->threads = t->batch = 1;
    t->entries = calloc((size_t)n + 1, sizeof *t->entries);
    for (int32_t i = 0; i < n; i++)
        t->entries[i] = (dm_latency_entry){ops[i], truth_ms(&ops[i]), 0, 1};
    t->n_entries = n;
}

static void free_synth(dm_latency_table *t) {
    free(t->entries);
    t->entries = NULL;
}

/* The synthetic table of problem p's shapes. */
static int problem_table(const dm_problem *p, dm_latency_table *t) {
    dm_op *ops = NULL;
    int32_t n = 0;
    dm_error err;
    if (dm_latency_shapes(p, &ops, &n, &err)) {
        printf("  dm_latency_shapes: %s\n", err.msg);
        return 0;
    }
    synth_table(ops, n, t);
    dm_free(ops);
    return 1;
}

/* A deterministic random number in [0, n). */
static uint32_t rnd(uint64_t *s, uint32_t n) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((*s >> 33) % n);
}

static int32_t on_grid(uint64_t *s, int32_t lo, int32_t hi, int32_t g) {
    return hi < lo ? lo : lo + g * (int32_t)rnd(s, (uint32_t)((hi - lo) / g + 1));
}

/* A random design of p's space (domains only; budgets not checked). */
static void random_arch_any(const dm_problem *p, uint64_t *s, dm_arch *a) {
    brute b;
    int32_t g = p->granularity, lo = (p->min_channels + g - 1) / g * g, hi = p->max_channels / g * g;
    int32_t slo, shi, ms[MAX_INNER];
    brute_init(&b, p);
    *a = b.a;
    stem_values(p, &slo, &shi);
    a->stem.out = on_grid(s, slo, shi, g);
    for (int i = 0; i < p->n_superblocks; i++) {
        int32_t c = on_grid(s, lo, hi, g), nm = inner_values(p, c, ms);
        a->sb[i].out = c;
        a->sb[i].inner = ms[rnd(s, (uint32_t)nm)];
        a->sb[i].kernel = p->kernels[rnd(s, (uint32_t)p->n_kernels)];
        a->sb[i].depth = p->depth_min[i] + (int32_t)rnd(s, 3);
    }
    int32_t c_last = a->sb[p->n_superblocks - 1].out;
    a->head = p->head ? on_grid(s, c_last, c_last * 4 < head_top(p) ? c_last * 4 : head_top(p), g) : 0;
}

/* MACs and params of a, or -1 when it does not build. */
static int within(const dm_problem *p, const dm_arch *a) {
    dm_net *net = NULL;
    dm_metrics m;
    if (dm_net_create(a, &net, NULL) || dm_net_metrics(net, NULL, &m, NULL)) {
        dm_net_free(net);
        return -1;
    }
    dm_net_free(net);
    return (!p->max_macs || m.macs <= p->max_macs) && (!p->max_params || m.params <= p->max_params);
}

/* A random design of p's space within its MACs and params budgets: a
   random one, its widths halved (on the grid) until it fits. */
static void random_arch(const dm_problem *p, uint64_t *s, dm_arch *a) {
    int32_t g = p->granularity, lo = (p->min_channels + g - 1) / g * g, ms[MAX_INNER];
    random_arch_any(p, s, a);
    for (int k = 0; k < 12 && within(p, a) == 0; k++) {
        for (int i = 0; i < a->n_superblocks; i++) {
            int32_t c = a->sb[i].out / 2 / g * g;
            a->sb[i].out = c < lo ? lo : c;
            int32_t nm = inner_values(p, a->sb[i].out, ms);
            a->sb[i].inner = ms[rnd(s, (uint32_t)nm)];
            if (k > 6) a->sb[i].depth = p->depth_min[i];
        }
        if (a->head) {
            int32_t c_last = a->sb[a->n_superblocks - 1].out, h = a->head / 2 / g * g;
            a->head = h < c_last ? c_last : h;
        }
    }
}

/* -------------------------------------------------------------- the JSON */

static const char *const good_json =
    "{\"format\": \"deepmad-latency-table\", \"version\": 1,\n"
    " \"cpu\": \"Test \\\"CPU\\\"\",\n"
    " \"engine\": \"oneDNN 3.0\",\n"
    " \"threads\": 2, \"batch\": 1,\n"
    " \"entries\": [\n"
    "    {\"op\": \"conv\", \"c_in\": 16, \"c_out\": 32, \"kernel\": 3, \"stride\": 1, \"groups\": 1, "
    "\"r_in\": 56, \"r_out\": 56, \"act\": \"relu\", \"sum\": 1, \"median_ms\": 0.1, "
    "\"spread_ms\": 0.0033333333333333335, \"runs\": 7},\n"
    "    {\"op\": \"conv\", \"c_in\": 32, \"c_out\": 32, \"kernel\": 3, \"stride\": 2, \"groups\": 32, "
    "\"r_in\": 56, \"r_out\": 28, \"act\": null, \"sum\": 0, \"median_ms\": 1.2345678901234567, "
    "\"spread_ms\": 0, \"runs\": 1},\n"
    "    {\"op\": \"se\", \"c_in\": 64, \"c_out\": 16, \"kernel\": 1, \"stride\": 1, \"groups\": 1, "
    "\"r_in\": 14, \"r_out\": 14, \"act\": \"silu\", \"sum\": 0, \"median_ms\": 0.02, "
    "\"spread_ms\": 0.001, \"runs\": 9}\n"
    " ]}\n";

static void json_round_trip(void) {
    dm_latency_table t, u;
    dm_error err;
    char *a = NULL, *b = NULL;
    CHECK(dm_latency_table_from_json(good_json, strlen(good_json), &t, &err) == DM_OK);
    CHECK_EQ_I64(t.n_entries, 3);
    CHECK(strcmp(t.cpu, "Test \"CPU\"") == 0);
    CHECK_EQ_I64(t.threads, 2);
    CHECK_EQ_I64(t.entries[0].op.sum, 1);
    CHECK_EQ_I64(t.entries[0].op.act, DM_ACT_RELU);
    CHECK_EQ_I64(t.entries[1].op.act, DM_OP_ACT_NONE);
    CHECK_EQ_I64(t.entries[1].op.groups, 32);
    CHECK_EQ_I64(t.entries[2].op.kind, DM_OP_SE);
    CHECK_EQ_I64(t.entries[0].op.stage, -1);
    CHECK(t.entries[1].median_ms == 1.2345678901234567);
    CHECK(t.entries[0].spread_ms == 1.0 / 300);
    CHECK(dm_latency_table_to_json(&t, &a, &err) == DM_OK);
    CHECK(a && strcmp(a, good_json) == 0);   /* the writer's own layout, byte for byte */
    if (a && strcmp(a, good_json)) printf("  wrote:\n%s", a);
    CHECK(a && dm_latency_table_from_json(a, strlen(a), &u, &err) == DM_OK);
    CHECK(dm_latency_table_to_json(&u, &b, &err) == DM_OK);
    CHECK(a && b && strcmp(a, b) == 0);
    CHECK(memcmp(t.entries, u.entries, 3 * sizeof *t.entries) == 0);
    dm_free(a);
    dm_free(b);
    dm_latency_table_free(&t);
    dm_latency_table_free(&u);
    dm_latency_table_free(&u);   /* twice is harmless */
}

/* dm_latency_table_save writes what dm_latency_table_to_json gives, and
   dm_latency_table_load reads it back to the same entries; a folder that
   does not exist is an I/O error, NULL arguments are refused. */
static void json_save(void) {
    static const char *const path = "test_latency_save.json";   /* in the test's folder */
    dm_latency_table t, u;
    dm_error err;
    CHECK(dm_latency_table_from_json(good_json, strlen(good_json), &t, &err) == DM_OK);
    CHECK(dm_latency_table_save(&t, path, &err) == DM_OK);
    FILE *f = fopen(path, "rb");
    char bytes[4096] = {0};
    size_t n = f ? fread(bytes, 1, sizeof bytes - 1, f) : 0;
    if (f) fclose(f);
    CHECK(n == strlen(good_json) && strcmp(bytes, good_json) == 0);
    CHECK(dm_latency_table_load(path, &u, &err) == DM_OK);
    CHECK(u.n_entries == t.n_entries && memcmp(t.entries, u.entries, 3 * sizeof *t.entries) == 0);
    dm_latency_table_free(&u);
    remove(path);
    CHECK(dm_latency_table_save(&t, "/nonexistent/lat.json", &err) == DM_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent") != NULL);
    CHECK(dm_latency_table_save(NULL, path, &err) == DM_ERR_INVALID);
    CHECK(dm_latency_table_save(&t, NULL, &err) == DM_ERR_INVALID);
    dm_latency_table_free(&t);
}

typedef struct bad_case { const char *from, *to; dm_status code; const char *says; } bad_case;

/* good_json with the first `from` replaced by `to`. */
static char *edited(const char *from, const char *to) {
    const char *at = strstr(good_json, from);
    if (!at) return NULL;
    size_t n = strlen(good_json) + strlen(to) + 1, k = (size_t)(at - good_json);
    char *s = malloc(n);
    memcpy(s, good_json, k);
    strcpy(s + k, to);
    strcat(s, at + strlen(from));
    return s;
}

static void json_refusals(void) {
    static const bad_case cases[] = {
        {"deepmad-latency-table", "deepmad-arch", DM_ERR_PARSE, "format"},
        {"\"version\": 1", "\"version\": 2", DM_ERR_UNSUPPORTED, "version"},
        {"\"median_ms\": 0.1", "\"median_ms\": -0.1", DM_ERR_INVALID, "entries[0].median_ms"},
        {"\"spread_ms\": 0,", "\"spread_ms\": -1,", DM_ERR_INVALID, "entries[1].spread_ms"},
        {"\"median_ms\": 0.1", "\"median_ms\": 1e300", DM_ERR_RANGE, "entries[0].median_ms"},
        {"\"op\": \"se\"", "\"op\": \"softmax\"", DM_ERR_INVALID, "entries[2].op"},
        {"\"act\": \"silu\"", "\"act\": \"gelu\"", DM_ERR_INVALID, "entries[2].act"},
        {"\"act\": null", "\"act\": 3", DM_ERR_PARSE, "entries[1].act"},
        {"\"c_in\": 16", "\"c_in\": 0", DM_ERR_INVALID, "entries[0].c_in"},
        {"\"c_in\": 16", "\"c_in\": 16.5", DM_ERR_INVALID, "entries[0].c_in"},
        {"\"c_in\": 16", "\"c_in\": 99999999", DM_ERR_RANGE, "entries[0].c_in"},
        {"\"sum\": 1", "\"sum\": 2", DM_ERR_RANGE, "entries[0].sum"},
        {"\"runs\": 7", "\"runs\": 7, \"note\": 1", DM_ERR_PARSE, "note"},
        {", \"runs\": 7", "", DM_ERR_PARSE, "runs"},
        {"\"threads\": 2", "\"threads\": 0", DM_ERR_INVALID, "threads"},
        {"\"groups\": 32", "\"groups\": 5", DM_ERR_INVALID, "groups 5 must divide"},
        {"\"r_out\": 28", "\"r_out\": 112", DM_ERR_INVALID, "larger than r_in"},
        {"\"c_out\": 32, \"kernel\": 3, \"stride\": 2", "\"c_out\": 64, \"kernel\": 3, \"stride\": 2",
         DM_ERR_INVALID, "groups 32"},
        {"\"runs\": 9}", "\"runs\": 9},", DM_ERR_PARSE, "line 9"},
    };
    for (int i = 0; i < COUNTOF(cases); i++) {
        char *text = edited(cases[i].from, cases[i].to);
        dm_latency_table t;
        dm_error err = {0};
        CHECK(text != NULL);
        if (!text) continue;
        dm_status s = dm_latency_table_from_json(text, strlen(text), &t, &err);
        CHECK_EQ_I64(s, cases[i].code);
        CHECK(strstr(err.msg, cases[i].says) != NULL);
        if (s != cases[i].code || !strstr(err.msg, cases[i].says))
            printf("  case %d: %s\n", i, err.msg);
        free(text);
    }
    /* a repeated shape: the second conv entry made a copy of the first */
    const char *dup =
        "{\"format\": \"deepmad-latency-table\", \"version\": 1, \"cpu\": \"\", \"engine\": \"\", "
        "\"threads\": 1, \"batch\": 1, \"entries\": ["
        "{\"op\": \"gap\", \"c_in\": 8, \"c_out\": 8, \"kernel\": 1, \"stride\": 1, \"groups\": 1, "
        "\"r_in\": 7, \"r_out\": 1, \"act\": null, \"sum\": 0, \"median_ms\": 1, \"spread_ms\": 0, "
        "\"runs\": 1},"
        "{\"op\": \"gap\", \"c_in\": 8, \"c_out\": 8, \"kernel\": 1, \"stride\": 1, \"groups\": 1, "
        "\"r_in\": 7, \"r_out\": 1, \"act\": null, \"sum\": 0, \"median_ms\": 2, \"spread_ms\": 0, "
        "\"runs\": 1}]}";
    dm_latency_table t;
    dm_error err = {0};
    CHECK(dm_latency_table_from_json(dup, strlen(dup), &t, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "same shape") != NULL);
    /* a pool whose c_out is not its c_in */
    char *pool = malloc(strlen(dup) + 1);
    strcpy(pool, dup);
    memcpy(strstr(pool, "\"c_out\": 8"), "\"c_out\": 9", 10);
    CHECK(dm_latency_table_from_json(pool, strlen(pool), &t, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "c_out must equal c_in") != NULL);
    free(pool);
    CHECK(dm_latency_table_load("/nonexistent/lat.json", &t, &err) == DM_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/lat.json") != NULL);
}

/* --------------------------------------------------------- the estimator */

/* Every shape of a preset's list is an exact hit: its median, to 1 ns. */
static void exact_hits(const char *preset) {
    dm_problem p;
    dm_latency_table t;
    dmi_latindex *ix = NULL;
    dm_error err;
    CHECK(dm_problem_preset(preset, &p, &err) == DM_OK);
    if (!problem_table(&p, &t)) { CHECK(0); return; }
    CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
    int bad = 0;
    for (int32_t i = 0; i < t.n_entries && ix; i++) {
        int64_t ns = -1;
        int outside = 1;
        dm_status s = dmi_latency_op_ns(ix, &t.entries[i].op, &ns, &outside, &err);
        bad += s || outside || fabs((double)ns - t.entries[i].median_ms * 1e6) > 1;
    }
    CHECK_EQ_I64(bad, 0);
    printf("  %s: %d shapes, all exact hits\n", preset, (int)t.n_entries);
    dmi_latency_index_free(ix);
    free_synth(&t);
}

typedef struct accuracy { double op_max, net_max, net_sum; int ops, nets, outside; } accuracy;

/* Random designs of the preset's space against truth_ms: per op and per
   network, the largest relative error. */
static void off_grid(const char *preset, int designs, accuracy *acc) {
    dm_problem p;
    dm_latency_table t;
    dmi_latindex *ix = NULL;
    dm_error err;
    uint64_t seed = 12345;
    memset(acc, 0, sizeof *acc);
    CHECK(dm_problem_preset(preset, &p, &err) == DM_OK);
    if (!problem_table(&p, &t)) { CHECK(0); return; }
    CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
    for (int d = 0; d < designs && ix; d++) {
        dm_arch a;
        dm_net *net = NULL;
        dm_op *ops = NULL;
        int32_t n = 0;
        random_arch(&p, &seed, &a);
        if (dm_net_create(&a, &net, &err) || dm_net_ops(net, &ops, &n, &err)) {
            printf("  %s\n", err.msg);
            CHECK(0);
            dm_net_free(net);
            continue;
        }
        double truth = 0, est = 0;
        for (int32_t i = 0; i < n; i++) {
            int64_t ns = 0;
            int outside = 0;
            if (dmi_latency_op_ns(ix, &ops[i], &ns, &outside, &err)) { printf("  %s\n", err.msg); CHECK(0); break; }
            double tr = truth_ms(&ops[i]), e = (double)ns / 1e6;
            acc->op_max = fmax(acc->op_max, fabs(e - tr) / tr);
            acc->outside += outside;
            truth += tr;
            est += e;
            acc->ops++;
        }
        dm_latency dl;
        CHECK(dm_latency_predict(&t, net, &dl, &err) == DM_OK);
        CHECK(fabs(dl.total_ms - est) < 1e-9 * est);
        double stages = 0;
        for (int32_t i = 0; i < dl.n_stages; i++) stages += dl.stage_ms[i];
        CHECK(fabs(stages - dl.total_ms) < 1e-9 * est);
        acc->net_max = fmax(acc->net_max, fabs(est - truth) / truth);
        acc->net_sum += fabs(est - truth) / truth;
        acc->nets++;
        dm_free(ops);
        dm_net_free(net);
    }
    printf("  %s: %d random designs, %d ops: op error max %.2f%%, network error max %.2f%% "
           "mean %.3f%%; %d ops outside the grid\n", preset, acc->nets, acc->ops,
           100 * acc->op_max, 100 * acc->net_max, 100 * acc->net_sum / (acc->nets ? acc->nets : 1),
           acc->outside);
    dmi_latency_index_free(ix);
    free_synth(&t);
}

static void estimator_accuracy(void) {
    static const char *const presets[] = {"r18", "b0", "29m-288"};
    for (int i = 0; i < COUNTOF(presets); i++) {
        accuracy acc;
        exact_hits(presets[i]);
        off_grid(presets[i], 60, &acc);
        CHECK_EQ_I64(acc.nets, 60);
        CHECK_EQ_I64(acc.outside, 0);    /* the list covers the space */
        CHECK(acc.op_max < 0.08);        /* one octave of log-log interpolation */
        CHECK(acc.net_max < 0.03);
    }
}

/* One family on a grid of powers of 2: estimates along c_in (c_out off
   the grid) rise with c_in, as truth_ms does, and sit between the grid
   values around them. */
static void monotone(void) {
    dm_op grid[36];
    int32_t n = 0, ch[6] = {16, 32, 64, 128, 256, 512};
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            grid[n++] = (dm_op){DM_OP_CONV, ch[i], ch[j], 3, 1, 1, 28, 28, DM_ACT_RELU, 0, -1};
    dm_latency_table t;
    dmi_latindex *ix = NULL;
    dm_error err;
    synth_table(grid, n, &t);
    CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
    int64_t prev = 0;
    int rising = 1;
    for (int32_t c = 16; c <= 512 && ix; c += 8) {
        dm_op o = {DM_OP_CONV, c, 200, 3, 1, 1, 28, 28, DM_ACT_RELU, 0, 5};
        int64_t ns = 0;
        CHECK(dmi_latency_op_ns(ix, &o, &ns, NULL, &err) == DM_OK);
        rising &= ns >= prev;
        prev = ns;
    }
    CHECK(rising);
    /* a family the table lacks, and one measured at one channel count */
    dm_op other = {DM_OP_CONV, 32, 32, 5, 1, 1, 28, 28, DM_ACT_RELU, 0, 0};
    int64_t ns;
    CHECK(dmi_latency_op_ns(ix, &other, &ns, NULL, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "conv 5x5/1") != NULL);
    dmi_latency_index_free(ix);
    free_synth(&t);
    synth_table(grid, 1, &t);
    CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
    dm_op near = {DM_OP_CONV, 16, 24, 3, 1, 1, 28, 28, DM_ACT_RELU, 0, 0};
    CHECK(ix && dmi_latency_op_ns(ix, &near, &ns, NULL, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "one channel count") != NULL);
    dmi_latency_index_free(ix);
    free_synth(&t);
}

/* Every op's time is at least ns_per_mac * its MACs, far off the grid
   too (extrapolated), where a table falls faster than MACs grow. */
static void floor_holds(void) {
    dm_op grid[4];
    int32_t n = 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            grid[n++] = (dm_op){DM_OP_CONV, 64 << i, 64 << j, 1, 1, 1, 14, 14, DM_OP_ACT_NONE, 0, -1};
    dm_latency_table t;
    dmi_latindex *ix = NULL;
    dm_error err;
    synth_table(grid, n, &t);
    t.entries[3].median_ms = t.entries[0].median_ms;   /* 128x128 as fast as 64x64: falls per MAC */
    CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
    double a = ix ? dmi_latency_ns_per_mac(ix) : 0;
    CHECK_NEAR(a, t.entries[3].median_ms * 1e6 / (128.0 * 128 * 196), 1e-12);
    int ok = 1;
    for (int32_t c = 8; c <= 4096 && ix; c *= 2) {
        dm_op o = {DM_OP_CONV, c, c, 1, 1, 1, 14, 14, DM_OP_ACT_NONE, 0, 0};
        int64_t ns = 0;
        int outside = 0;
        CHECK(dmi_latency_op_ns(ix, &o, &ns, &outside, &err) == DM_OK);
        ok &= (double)ns >= a * (double)dmi_latency_op_macs(&o);
        if (c > 128) CHECK(outside);
    }
    CHECK(ok);
    dmi_latency_index_free(ix);
    free_synth(&t);
}

/* The ops' MACs are the net's MACs (zoo nets, every family and style). */
static void macs_match(void) {
    for (int32_t z = 0; z < dm_zoo_count(); z++) {
        dm_arch a;
        dm_net *net = NULL;
        dm_metrics m;
        dm_op *ops = NULL;
        int32_t n = 0;
        dm_error err;
        CHECK(dm_zoo_arch(dm_zoo_name(z), &a, &err) == DM_OK);
        CHECK(dm_net_create(&a, &net, &err) == DM_OK);
        CHECK(dm_net_metrics(net, NULL, &m, &err) == DM_OK);
        CHECK(dm_net_ops(net, &ops, &n, &err) == DM_OK);
        int64_t macs = 0;
        for (int32_t i = 0; i < n; i++) macs += dmi_latency_op_macs(&ops[i]);
        CHECK_EQ_I64(macs, m.macs);
        dm_free(ops);
        dm_net_free(net);
    }
}

/* The solver's sum (blocks once, the repeat rule, the rest memoised)
   equals the sum over the built net's ops, exactly. */
static void fast_equals_predict(void) {
    static const char *const presets[] = {"r50", "b0"};
    for (int k = 0; k < COUNTOF(presets); k++) {
        dm_problem p;
        dm_latency_table t;
        dmi_latindex *ix = NULL;
        dm_error err;
        uint64_t seed = 99;
        CHECK(dm_problem_preset(presets[k], &p, &err) == DM_OK);
        if (!problem_table(&p, &t)) { CHECK(0); continue; }
        CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
        dmi_latmemo *memo = calloc(1, sizeof *memo);
        int same = 0, tried = 0;
        for (int d = 0; d < 80 && ix; d++) {
            dm_arch a;
            dm_net *net = NULL;
            dmi_layout lay;
            int64_t fast = -1, slow = -2, fast2 = -3;
            random_arch(&p, &seed, &a);
            if (d % 2) a.sb[0].out = a.stem.out;   /* repeat keys across designs */
            dmi_space_layout(&a, &lay);
            if (dm_net_create(&a, &net, &err)) continue;
            tried++;
            CHECK(dmi_latency_arch_ns(ix, &a, &lay, memo, &fast, &err) == DM_OK);
            CHECK(dmi_latency_arch_ns(ix, &a, &lay, NULL, &fast2, &err) == DM_OK);
            CHECK(dmi_latency_net_ns(ix, net, &slow, NULL, &err) == DM_OK);
            same += fast == slow && fast2 == slow;
            dm_net_free(net);
        }
        CHECK(tried > 60);
        CHECK_EQ_I64(same, tried);
        free(memo);
        dmi_latency_index_free(ix);
        free_synth(&t);
    }
}

/* ------------------------------------------------------------ the budget */

/* test_bound.c's tiny problem, bottleneck, with its MACs and params
   budgets loose: the latency budget binds. */
static void tiny(dm_problem *p) {
    dm_problem_default(p, DM_BLOCK_BOTTLENECK);
    p->input_size = 32;
    p->classes = 10;
    p->n_superblocks = 3;
    for (int i = 0; i < 3; i++) p->stride[i] = i ? 2 : 1, p->depth_min[i] = 1, p->depth_max[i] = 3;
    p->min_channels = 8;
    p->max_channels = 24;
    p->inner_min = 0.34;
    p->inner_max = 1.0;
    p->n_kernels = 2;
    p->kernels[0] = 3;
    p->kernels[1] = 5;
    p->rho0 = 0.45;
    p->max_macs = 6000000;
}

typedef struct lat_brute {
    const dm_latency_table *t;
    double limit, best, all_min, all_max;
    dm_arch best_arch;
    int n, feasible;
} lat_brute;

static void visit(const dm_arch *a, const dm_metrics *m, void *user) {
    lat_brute *b = user;
    dm_net *net = NULL;
    dm_latency dl;
    b->n++;
    if (dm_net_create(a, &net, NULL) || dm_latency_predict(b->t, net, &dl, NULL)) {
        CHECK(0);
        dm_net_free(net);
        return;
    }
    dm_net_free(net);
    b->all_min = fmin(b->all_min, dl.total_ms);
    b->all_max = fmax(b->all_max, dl.total_ms);
    if (b->limit > 0 && dl.total_ms > b->limit) return;
    b->feasible++;
    if (m->objective > b->best) { b->best = m->objective; b->best_arch = *a; }
}

static void budget(void) {
    dm_problem p;
    dm_latency_table t;
    dm_error err;
    tiny(&p);
    if (!problem_table(&p, &t)) { CHECK(0); return; }
    lat_brute all = {.t = &t, .best = -HUGE_VAL, .all_min = HUGE_VAL};
    brute_enumerate(&p, visit, &all);
    CHECK(all.n > 1000);
    for (int q = 1; q <= 3; q++) {
        /* budgets a quarter, half and three quarters of the way up */
        lat_brute b = {.t = &t, .limit = all.all_min + q * (all.all_max - all.all_min) / 4,
                       .best = -HUGE_VAL, .all_min = HUGE_VAL};
        brute_enumerate(&p, visit, &b);
        p.max_latency_ms = b.limit;
        p.latency_table = &t;
        dm_solution s;
        CHECK(dm_solve(&p, &s, &err) == DM_OK);
        CHECK(s.bound >= b.best - 1e-9);           /* the bound is valid */
        CHECK(s.objective <= b.best + 1e-9);       /* the design is feasible ... */
        if (s.stop == DM_STOP_OPTIMAL) CHECK_NEAR(s.objective, b.best, 1e-9); /* ... and the best */
        dm_net *net = NULL;
        dm_latency dl;
        CHECK(dm_net_create(&s.arch, &net, &err) == DM_OK);
        CHECK(dm_latency_predict(&t, net, &dl, &err) == DM_OK);
        CHECK(dl.total_ms <= b.limit);
        CHECK(dl.total_ms == s.metrics.latency_ms);
        dm_net_free(net);
        printf("  budget %.4f ms: %d of %d designs feasible, best %.4f, solver %.4f (%s), "
               "bound %.4f, latency %.4f ms\n", b.limit, b.feasible, b.n, b.best, s.objective,
               dm_stop_str(s.stop), s.bound, dl.total_ms);
    }
    /* below every design (1 ns): infeasible, latency binds */
    p.max_latency_ms = 1e-6;
    dm_solution s;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INFEASIBLE);
    CHECK_EQ_I64(s.binding, DM_CONSTRAINT_LATENCY);
    CHECK(strstr(err.msg, "latency budget") != NULL);
    /* a budget without a table; a table for another problem */
    p.latency_table = NULL;
    CHECK(dm_problem_validate(&p, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "latency table") != NULL);
    p.latency_table = &t;
    p.max_channels = 64;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "does not fit this problem") != NULL);
    CHECK(strstr(err.msg, "outside its measured channel counts") != NULL);
    p.input_size = 64;
    CHECK(dm_solve(&p, &s, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "no shape of its kind") != NULL);
    free_synth(&t);
}

/* The implied MACs budget holds for every design within the latency
   budget: latency >= ns_per_mac * MACs. */
static void implied_macs(void) {
    dm_problem p;
    dm_latency_table t;
    dmi_latindex *ix = NULL;
    dm_error err;
    uint64_t seed = 7;
    CHECK(dm_problem_preset("b0", &p, &err) == DM_OK);
    if (!problem_table(&p, &t)) { CHECK(0); return; }
    CHECK(dmi_latency_index_new(&t, &ix, &err) == DM_OK);
    int ok = 1;
    for (int d = 0; d < 40 && ix; d++) {
        dm_arch a;
        dm_net *net = NULL;
        dm_metrics m;
        int64_t ns = 0;
        random_arch(&p, &seed, &a);
        if (dm_net_create(&a, &net, &err)) continue;
        CHECK(dm_net_metrics(net, NULL, &m, &err) == DM_OK);
        CHECK(dmi_latency_net_ns(ix, net, &ns, NULL, &err) == DM_OK);
        ok &= (double)ns >= dmi_latency_ns_per_mac(ix) * (double)m.macs;
        dm_net_free(net);
    }
    CHECK(ok);
    dmi_latency_index_free(ix);
    free_synth(&t);
}

int main(void) {
    json_round_trip();
    json_save();
    json_refusals();
    estimator_accuracy();
    monotone();
    floor_holds();
    macs_match();
    fast_equals_predict();
    implied_macs();
    budget();
    return TEST_REPORT();
}
