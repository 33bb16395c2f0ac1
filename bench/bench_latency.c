/*
** bench_latency.c -- predicted against measured latency on this CPU
** (issue #15): every zoo net and random designs of the three block
** families (bottleneck, basic, mbconv), at 224 px, batch 1, 1 thread.
**
** 1. Each net's ops are profiled (dm_latency_profile) right before the
**    net is measured, into a table of its own, so that both see the same
**    load of a shared machine (--shared: one table for all nets, profiled
**    first, as a user's cached table would be).
** 2. Each net is predicted from its table (dm_latency_predict) and run end
**    to end (dm_net_measure); error% = (predicted - measured) / measured.
** 3. The share within +-10%, the worst cases, and the noise: each
**    measurement's spread (half its IQR) relative to its median.
** 4. The headline: `design --preset r18` with a latency budget equal to
**    torchvision resnet18's measured latency (median of ROUNDS runs),
**    solved from the profile's table as it is and with --refine
**    (dm_solve_refined: the design's own shapes measured), their
**    objectives and measured latencies next to resnet18's (scored under
**    the preset's objective) and the preset's design without the budget;
**    the four measured in interleaved rounds (ROUNDS), each also as a
**    ratio to resnet18 measured in the same round.
**
** Run: build/bench/bench_latency [--designs N] [--seed S] [--runs N]
**      [--warmup N] [--shared] [--table FILE] [--no-headline]
** --table FILE starts the shared table (and the headline's) from a table
** measured before, e.g. by `deepmad profile --preset r18` on this machine:
** only the shapes it lacks are measured.
** Timings need a quiet machine: the spread column says how quiet it was.
*/
#define _POSIX_C_SOURCE 200809L
#include "deepmad.h"
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NETS 512

typedef struct row {
    char name[48];
    dm_arch arch;
    double gmacs, predicted, measured, spread;
} row;

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what, const dm_error *err) {
    fprintf(stderr, "bench_latency: %s: %s\n", what, err->msg);
    exit(1);
}

/* ---------------------------------------------------------------------- */
/* Random designs (seeded)                                                */
/* ---------------------------------------------------------------------- */

static uint64_t rng_state;
static int32_t pick(int32_t lo, int32_t hi) {  /* uniform in lo..hi */
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (int32_t)((rng_state >> 33) % (uint64_t)(hi - lo + 1));
}
static int32_t round8(double v) { return v < 8 ? 8 : (int32_t)(v / 8 + 0.5) * 8; }

/* A torchvision-style net of `kind`.  ResNet-like (basic, bottleneck):
   stem 3x3 or 7x7 /2 of 32..80 and a max pool, 4 superblocks with strides
   1,2,2,2; mbconv: stem 3x3/2 of 16..48, 6 superblocks with strides
   1,2,2,2,1,2 and a 1x1 head of 4-8x the last width.  Widths grow 1-2.2x
   a superblock (a bottleneck's first 2-4x the stem), at most 2048; depths
   1..4; kernels 3/5 (mbconv 3/5/7); bottleneck inner 1/8..1/2 of out;
   mbconv expansion 2..6 (1 in the first) with SE half the time.  224 px,
   1000 classes. */
static void random_arch(dm_block_kind kind, dm_arch *a) {
    dm_arch_init(a);
    a->in_channels = 3;
    a->input_size = 224;
    a->classes = 1000;
    bool mb = kind == DM_BLOCK_MBCONV;
    a->stem = (dm_stem){.out = 8 * pick(mb ? 2 : 4, mb ? 6 : 10), .kernel = mb ? 3 : pick(0, 1) ? 7 : 3,
                        .stride = 2, .maxpool = !mb, .act = mb ? DM_ACT_SILU : DM_ACT_RELU};
    a->n_superblocks = mb ? 6 : 4;
    static const int32_t s_mb[6] = {1, 2, 2, 2, 1, 2}, s_rn[4] = {1, 2, 2, 2};
    int32_t c = a->stem.out;
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        dm_superblock *sb = &a->sb[i];
        sb->kind = kind;
        sb->stride = mb ? s_mb[i] : s_rn[i];
        if (i == 0 && kind == DM_BLOCK_BOTTLENECK) c = round8(c * pick(2, 4));
        else c = round8(c * (1.0 + pick(0, 12) / 10.0));
        if (c > 2048) c = 2048;
        sb->out = c;
        sb->depth = pick(1, 4);
        sb->act = mb ? DM_ACT_SILU : DM_ACT_RELU;
        if (kind == DM_BLOCK_BOTTLENECK) {
            sb->inner = round8(c / (double)(2 << pick(0, 2)));
            sb->kernel = pick(0, 1) ? 5 : 3;
        } else if (kind == DM_BLOCK_BASIC) {
            sb->inner = c;
            sb->kernel = pick(0, 3) ? 3 : 5;
        } else {
            sb->expand = i == 0 ? 1 : pick(2, 6);
            sb->kernel = 3 + 2 * pick(0, 2);
            sb->se = pick(0, 1);
        }
        c = sb->out;
    }
    if (mb) {
        a->head = round8(c * pick(4, 8));
        a->head_act = DM_ACT_SILU;
    }
}

/* ---------------------------------------------------------------------- */
/* Profiling, prediction, measurement                                     */
/* ---------------------------------------------------------------------- */

static void add_ops(const dm_arch *a, dm_op **all, int32_t *n) {
    dm_error err = {0};
    dm_net *net = NULL;
    dm_op *ops = NULL;
    int32_t k = 0;
    if (dm_net_create(a, &net, &err) || dm_net_ops(net, &ops, &k, &err)) die("ops", &err);
    dm_net_free(net);
    *all = realloc(*all, ((size_t)*n + (size_t)k) * sizeof **all);
    if (!*all) exit(1);
    memcpy(*all + *n, ops, (size_t)k * sizeof *ops);
    *n += k;
    dm_free(ops);
}

static void profile(const dm_op *ops, int32_t n, const dm_run_options *o, dm_latency_table *t,
                    int quiet) {
    dm_error err = {0};
    double t0 = wall();
    int32_t before = t->n_entries;
    if (dm_latency_profile(ops, n, o, NULL, NULL, t, &err)) die("profile", &err);
    if (!quiet)
        printf("profiled %d new shapes (of %d ops) in %.1f s\n", t->n_entries - before, n,
               wall() - t0);
}

/* Profile one net's ops into a fresh table *t. */
static void profile_net(const dm_arch *a, const dm_run_options *o, dm_latency_table *t) {
    dm_op *ops = NULL;
    int32_t n = 0;
    dm_latency_table_init(t);
    add_ops(a, &ops, &n);
    profile(ops, n, o, t, 1);
    free(ops);
}

static void predict_measure(row *r, const dm_latency_table *t, const dm_run_options *o) {
    dm_error err = {0};
    dm_net *net = NULL;
    dm_metrics m;
    dm_latency lat;
    dm_measurement ms;
    if (dm_net_create(&r->arch, &net, &err) || dm_net_metrics(net, NULL, &m, &err) ||
        dm_latency_predict(t, net, &lat, &err) || dm_net_measure(net, o, &ms, &err))
        die(r->name, &err);
    dm_net_free(net);
    r->gmacs = (double)m.macs / 1e9;
    r->predicted = lat.total_ms;
    r->measured = ms.median_ms;
    r->spread = ms.spread_ms;
}

static double err_pct(const row *r) { return 100.0 * (r->predicted - r->measured) / r->measured; }

static int by_abs_err(const void *a, const void *b) {
    double x = fabs(err_pct(*(row *const *)a)), y = fabs(err_pct(*(row *const *)b));
    return (x < y) - (x > y);
}

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(row *rows, int32_t n) {
    printf("\n%-22s %7s %11s %11s %9s %8s\n", "net", "GMACs", "predicted", "measured", "spread",
           "error");
    int32_t within = 0;
    double *noise = malloc((size_t)n * sizeof *noise);
    row **order = malloc((size_t)n * sizeof *order);
    for (int32_t i = 0; i < n; i++) {
        row *r = &rows[i];
        printf("%-22s %7.3f %8.2f ms %8.2f ms %6.2f ms %+7.1f%%\n", r->name, r->gmacs,
               r->predicted, r->measured, r->spread, err_pct(r));
        within += fabs(err_pct(r)) <= 10.0;
        noise[i] = 100.0 * r->spread / r->measured;
        order[i] = r;
    }
    qsort(noise, (size_t)n, sizeof *noise, by_double);
    qsort(order, (size_t)n, sizeof *order, by_abs_err);
    printf("\nwithin +-10%%: %d of %d (%.1f%%)\n", within, n, 100.0 * within / n);
    printf("noise (spread / median): median %.1f%%, 90th percentile %.1f%%, max %.1f%%\n",
           noise[n / 2], noise[(int32_t)(0.9 * (n - 1))], noise[n - 1]);
    printf("worst cases:\n");
    for (int32_t i = 0; i < n && i < 8; i++)
        printf("  %-22s predicted %8.2f ms, measured %8.2f ms (+-%.2f): %+.1f%%\n",
               order[i]->name, order[i]->predicted, order[i]->measured, order[i]->spread,
               err_pct(order[i]));
    free(noise);
    free(order);
}

/* ---------------------------------------------------------------------- */
/* The headline                                                           */
/* ---------------------------------------------------------------------- */

/* The headline's nets are measured in ROUNDS interleaved rounds (each
   round: every net once, o->runs timed runs each), so that a shared
   machine's drift over minutes, larger here than any one run's spread,
   falls on all of them alike; reported: the median over rounds of each
   net's median, the range over rounds, and per round the ratio of each
   net to resnet18. */
#define ROUNDS 5
#define HEADLINE_NETS 4

typedef struct shown {
    const char *label;
    dm_net *net;
    dm_metrics m;
    double predicted, ms[ROUNDS], ratio[ROUNDS];
} shown;

static void prepare(shown *d, const char *label, const dm_arch *a, const dm_problem *p,
                    const dm_latency_table *t) {
    dm_error err = {0};
    dm_latency lat;
    dm_score_params sp;
    dm_problem_score(p, &sp);
    d->label = label;
    if (dm_net_create(a, &d->net, &err) || dm_net_metrics(d->net, &sp, &d->m, &err) ||
        dm_latency_predict(t, d->net, &lat, &err))
        die(label, &err);
    d->predicted = lat.total_ms;
}

static double median_of(const double *v, int32_t n) {
    double c[ROUNDS];
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, by_double);
    return n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
}

static void measure_rounds(shown *d, int32_t n, double budget, const dm_run_options *o) {
    dm_error err = {0};
    for (int32_t r = 0; r < ROUNDS; r++)
        for (int32_t i = 0; i < n; i++) {
            dm_measurement ms;
            if (dm_net_measure(d[i].net, o, &ms, &err)) die(d[i].label, &err);
            d[i].ms[r] = ms.median_ms;
        }
    for (int32_t i = 0; i < n; i++) {
        for (int32_t r = 0; r < ROUNDS; r++) d[i].ratio[r] = d[i].ms[r] / d[0].ms[r];
        double lo = d[i].ms[0], hi = d[i].ms[0];
        for (int32_t r = 1; r < ROUNDS; r++) {
            lo = d[i].ms[r] < lo ? d[i].ms[r] : lo;
            hi = d[i].ms[r] > hi ? d[i].ms[r] : hi;
        }
        double med = median_of(d[i].ms, ROUNDS);
        printf("  %-30s objective %9.1f  MACs %6.3fG  predicted %7.2f ms  measured %7.2f ms "
               "(rounds %.2f..%.2f)  %.2f x budget  %.2f x resnet18\n", d[i].label,
               d[i].m.objective, (double)d[i].m.macs / 1e9, d[i].predicted, med, lo, hi,
               med / budget, median_of(d[i].ratio, ROUNDS));
        dm_net_free(d[i].net);
    }
}

/* The budget: resnet18 measured in ROUNDS runs, their median (one
   measurement alone moved by up to 10% between minutes on a shared host). */
static double budget_of(const dm_arch *r18, const dm_run_options *o) {
    dm_error err = {0};
    dm_net *net = NULL;
    double ms[ROUNDS];
    if (dm_net_create(r18, &net, &err)) die("resnet18", &err);
    for (int32_t r = 0; r < ROUNDS; r++) {
        dm_measurement m;
        if (dm_net_measure(net, o, &m, &err)) die("resnet18", &err);
        ms[r] = m.median_ms;
    }
    dm_net_free(net);
    return median_of(ms, ROUNDS);
}

static void headline(dm_latency_table *t, const dm_run_options *o) {
    dm_error err = {0};
    dm_problem p;
    dm_arch r18;
    dm_op *ops = NULL;
    int32_t n = 0;
    if (dm_problem_preset("r18", &p, &err) || dm_zoo_arch("resnet18", &r18, &err)) die("r18", &err);
    if (dm_latency_shapes(&p, &ops, &n, &err)) die("shapes", &err);
    add_ops(&r18, &ops, &n);   /* resnet18's own shapes, to predict it too */
    dm_run_options po = *o;
    po.time_limit_ms = 50;     /* as deepmad profile does */
    profile(ops, n, &po, t, 0);
    free(ops);
    double budget = budget_of(&r18, o);
    printf("\nheadline: design --preset r18 --latency %.2f ms (torchvision resnet18, measured: "
           "the median of %d runs)\n", budget, ROUNDS);
    dm_solution plain, est, refined;
    dm_refine_info ri;
    double t0 = wall();
    if (dm_solve(&p, &plain, &err)) die("solve r18", &err);
    p.max_latency_ms = budget;
    p.latency_table = t;
    dm_status s = dm_solve(&p, &est, &err);   /* before refining: t as profiled */
    if (s) die("design --preset r18 --latency", &err);
    double t1 = wall();
    s = dm_solve_refined(&p, t, &po, NULL, NULL, NULL, &refined, &ri, &err);
    if (s) die("design --preset r18 --latency --refine", &err);
    printf("  solved in %.1f s; --refine: %d solves, %d shapes measured, %.1f s, %d shapes "
           "left estimated\n", t1 - t0, ri.solves, ri.measured, wall() - t1, ri.estimated);
    printf("  predicted with the profile's table, then (--refine) with the design's shapes "
           "measured; measured in %d interleaved rounds (median over rounds)\n", ROUNDS);
    shown d[HEADLINE_NETS];
    prepare(&d[0], "torchvision resnet18", &r18, &p, t);
    prepare(&d[1], "design --preset r18", &plain.arch, &p, t);
    prepare(&d[2], "design --latency", &est.arch, &p, t);
    d[2].predicted = est.metrics.latency_ms;  /* what the solve saw: estimated shapes */
    prepare(&d[3], "design --latency --refine", &refined.arch, &p, t);
    measure_rounds(d, HEADLINE_NETS, budget, o);
}

int main(int argc, char **argv) {
    int32_t designs = 102, headline_on = 1, shared = 0;
    const char *table = NULL;
    dm_run_options o;
    dm_run_options_default(&o);
    rng_state = 15;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--designs") && i + 1 < argc) designs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) rng_state = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) o.runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) o.warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-headline")) headline_on = 0;
        else if (!strcmp(argv[i], "--shared")) shared = 1;
        else if (!strcmp(argv[i], "--table") && i + 1 < argc) table = argv[++i];
        else {
            fprintf(stderr, "usage: bench_latency [--designs N] [--seed S] [--runs N] "
                            "[--warmup N] [--shared] [--table FILE] [--no-headline]\n");
            return 2;
        }
    }
    static row rows[MAX_NETS];
    int32_t n = 0;
    dm_error err = {0};
    for (int32_t i = 0; i < dm_zoo_count() && n < MAX_NETS; i++, n++) {
        snprintf(rows[n].name, sizeof rows[n].name, "%s", dm_zoo_name(i));
        if (dm_zoo_arch(dm_zoo_name(i), &rows[n].arch, &err)) die("zoo", &err);
    }
    static const dm_block_kind kinds[3] = {DM_BLOCK_BOTTLENECK, DM_BLOCK_BASIC, DM_BLOCK_MBCONV};
    for (int32_t i = 0; i < designs && n < MAX_NETS; i++, n++) {
        random_arch(kinds[i % 3], &rows[n].arch);
        snprintf(rows[n].name, sizeof rows[n].name, "rand-%s-%d", dm_block_kind_name(kinds[i % 3]), i);
        if (dm_arch_validate(&rows[n].arch, &err)) die(rows[n].name, &err);
    }
    char cpu[DM_LATENCY_TEXT], engine[DM_LATENCY_TEXT];
    dm_run_machine(cpu, engine);
    printf("bench_latency: %s, %s, %d thread, batch %d, %d runs after %d warm-up\n", cpu, engine,
           o.threads, o.batch, o.runs, o.warmup);
    dm_latency_table t;
    dm_latency_table_init(&t);
    if (table && dm_latency_table_load(table, &t, &err)) die(table, &err);
    if (shared) {
        dm_op *ops = NULL;
        int32_t n_ops = 0;
        for (int32_t i = 0; i < n; i++) add_ops(&rows[i].arch, &ops, &n_ops);
        profile(ops, n_ops, &o, &t, 0);
        free(ops);
    }
    double t0 = wall();
    for (int32_t i = 0; i < n; i++) {
        dm_latency_table own;
        if (!shared) profile_net(&rows[i].arch, &o, &own);
        predict_measure(&rows[i], shared ? &t : &own, &o);
        if (!shared) dm_latency_table_free(&own);
    }
    printf("%s and measured %d nets in %.1f s\n", shared ? "predicted" : "profiled, predicted",
           n, wall() - t0);
    report(rows, n);
    if (headline_on) headline(&t, &o);
    dm_latency_table_free(&t);
    return 0;
}
