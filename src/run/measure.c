/*
** measure.c -- timing plans (engine.h): warm-up runs, timed runs, the
** median and half the interquartile range; dm_op_measure and
** dm_net_measure.
**
** Threads: Debian's oneDNN is built on GNU OpenMP (dnnl_config.h:
** DNNL_CPU_RUNTIME OMP); it creates and runs primitives with
** omp_get_max_threads() threads of the calling thread.  A measurement sets
** that count with omp_set_num_threads (an OpenMP setting of the calling
** thread, not a global of ours) and restores the caller's before it
** returns, so nothing outlives the call.
*/
#define _POSIX_C_SOURCE 200809L
#include "engine.h"
#include "measure.h"
#include <omp.h>
#include <stdlib.h>
#include <time.h>

void dm_run_options_default(dm_run_options *o) {
    o->threads = 1;
    o->batch = 1;
    o->warmup = 3;
    o->runs = 10;
    o->time_limit_ms = 0;
}

void dm_run_options_for_table(const dm_latency_table *t, dm_run_options *o) {
    dm_run_options_default(o);
    o->threads = t->threads;
    o->batch = t->batch;
    o->time_limit_ms = DM_PROFILE_TIME_LIMIT_MS;
}

dm_status dm_run_options_validate(const dm_run_options *o, dm_error *err) {
    if (!o) return DM_FAIL(err, DM_ERR_INVALID, "no run options");
    if (o->threads < 1 || o->threads > DM_RUN_MAX_THREADS)
        return DM_FAIL(err, DM_ERR_INVALID, "threads %d is outside 1..%d", o->threads,
                       DM_RUN_MAX_THREADS);
    if (o->batch < 1 || o->batch > DM_RUN_MAX_BATCH)
        return DM_FAIL(err, DM_ERR_INVALID, "batch %d is outside 1..%d", o->batch,
                       DM_RUN_MAX_BATCH);
    if (o->warmup < 0 || o->warmup > DM_RUN_MAX_RUNS)
        return DM_FAIL(err, DM_ERR_INVALID, "warmup %d is outside 0..%d", o->warmup,
                       DM_RUN_MAX_RUNS);
    if (o->runs < 1 || o->runs > DM_RUN_MAX_RUNS)
        return DM_FAIL(err, DM_ERR_INVALID, "runs %d is outside 1..%d", o->runs,
                       DM_RUN_MAX_RUNS);
    if (!(o->time_limit_ms >= 0 && o->time_limit_ms <= 1e9))
        return DM_FAIL(err, DM_ERR_INVALID, "time limit %g ms is outside 0..1e9", o->time_limit_ms);
    return DM_OK;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of sorted v[0..n), linear between order statistics
   (the usual "type 7"). */
static double quantile(const double *v, int32_t n, double q) {
    double h = (n - 1) * q;
    int32_t lo = (int32_t)h;
    if (lo >= n - 1) return v[n - 1];
    return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

void dmi_measure_stats(double *ms, int32_t n, double *median, double *spread) {
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    *median = quantile(ms, n, 0.5);
    *spread = (quantile(ms, n, 0.75) - quantile(ms, n, 0.25)) / 2;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Run plan `p` o->warmup times untimed, then o->runs times timed; with a
   time limit, fewer (dm_run_options.time_limit_ms).  `evict` (a lone op):
   before every timed run the caches are put as a net leaves them for the
   op (dmi_engine_chill: weights cold, activations warm).  Timed warm, a
   lone op reads its weights from cache, which inside a net come from
   memory: on 2026-12-03's host warm op tables predicted nets 7% fast on
   median, mobilenet_v2 22% fast (bench/README.md). */
static dm_status time_plan(dmi_plan *p, const dm_run_options *o, unsigned char *evict,
                           dm_measurement *out, dm_error *err) {
    double *ms = dmi_malloc((size_t)o->runs * sizeof *ms);
    if (!ms) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory timing %d runs", o->runs);
    dm_status s = DM_OK;
    double limit = o->time_limit_ms, spent = 0, t0 = now_ms();
    for (int32_t i = 0; !s && i < o->warmup; i++) {
        if (limit > 0 && i > 0 && now_ms() - t0 >= limit / 4) break;
        s = dmi_engine_run(p, err);
    }
    int32_t n = 0;
    while (!s && n < o->runs && !(limit > 0 && n >= DM_RUN_MIN_RUNS && spent >= limit)) {
        if (evict) dmi_engine_chill(p, evict);
        double t1 = now_ms();
        s = dmi_engine_run(p, err);
        ms[n] = now_ms() - t1;
        spent += ms[n++];
    }
    if (!s) {
        dmi_measure_stats(ms, n, &out->median_ms, &out->spread_ms);
        out->runs = n;
        out->reorders = dmi_engine_reorders(p);
    }
    dm_free(ms);
    return s;
}

dm_status dmi_measure(const dm_op *op, const dm_net *net, const dm_run_options *o,
                      unsigned char *evict, dm_measurement *out, dm_error *err) {
    dm_status s = dm_run_options_validate(o, err);
    if (s) return s;
    unsigned char *own = NULL;
    if (op && !evict) {
        evict = own = dmi_malloc(DM_RUN_EVICT_BYTES);
        if (!own) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory for the cache eviction buffer");
    }
    int saved = omp_get_max_threads();
    omp_set_num_threads(o->threads);
    dmi_plan *p = NULL;
    s = dmi_engine_plan(o->batch, &p, err);
    if (!s) s = op ? dmi_engine_op(p, op, err) : dmi_engine_net(p, net, err);
    if (!s) s = time_plan(p, o, op ? evict : NULL, out, err);
    dmi_engine_free(p);
    omp_set_num_threads(saved);
    dm_free(own);
    return s;
}

dm_status dmi_op_measure(const dm_op *op, const dm_run_options *o, unsigned char *evict,
                         dm_latency_entry *out, dm_error *err) {
    if (!op || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_op_measure: NULL argument");
    dm_status s = dmi_measure_check_op(op, err);
    dm_measurement m;
    if (!s) s = dmi_measure(op, NULL, o, evict, &m, err);
    if (s) return s;
    out->op = *op;
    out->op.stage = -1;
    out->median_ms = m.median_ms;
    out->spread_ms = m.spread_ms;
    out->runs = m.runs;
    return DM_OK;
}

dm_status dm_op_measure(const dm_op *op, const dm_run_options *o, dm_latency_entry *out,
                        dm_error *err) {
    return dmi_op_measure(op, o, NULL, out, err);
}

dm_status dm_net_measure(const dm_net *net, const dm_run_options *o, dm_measurement *out,
                         dm_error *err) {
    if (!net || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_net_measure: NULL argument");
    return dmi_measure(NULL, net, o, NULL, out, err);
}

/* A count in lo..hi, or an error naming it. */
static dm_status in_range(const char *what, int32_t v, int32_t lo, int32_t hi, dm_error *err) {
    if (v >= lo && v <= hi) return DM_OK;
    return DM_FAIL(err, DM_ERR_INVALID, "op %s %d is outside %d..%d", what, v, lo, hi);
}

/* The fields every op has: channels, resolutions, act, sum. */
static dm_status check_common(const dm_op *op, dm_error *err) {
    dm_status s = in_range("c_in", op->c_in, 1, DM_MAX_CHANNELS, err);
    if (!s) s = in_range("c_out", op->c_out, 1, DM_MAX_CHANNELS, err);
    if (!s) s = in_range("r_in", op->r_in, 1, DM_MAX_INPUT_SIZE, err);
    if (!s) s = in_range("r_out", op->r_out, 1, op->r_in, err);
    if (!s) s = in_range("act", op->act, DM_OP_ACT_NONE, DM_ACT_COUNT - 1, err);
    if (!s) s = in_range("sum", op->sum, 0, op->kind == DM_OP_CONV, err);
    return s;
}

/* The spatial rule of a conv or pool: stride divides r_in, r_out = r_in /
   stride (model/arch.c's rule for every layer). */
static dm_status check_spatial(const dm_op *op, dm_error *err) {
    dm_status s = in_range("kernel", op->kernel, 1, DM_MAX_KERNEL, err);
    if (!s) s = in_range("stride", op->stride, 1, DM_MAX_STRIDE, err);
    if (!s && (op->r_in % op->stride || op->r_out != op->r_in / op->stride))
        return DM_FAIL(err, DM_ERR_INVALID, "op r_out %d is not r_in %d / stride %d", op->r_out,
                       op->r_in, op->stride);
    return s;
}

/* Pool, gap and SE: channels kept (SE: c_out is the squeeze width), a
   gap down to 1, an SE at its own resolution. */
static dm_status check_keep(const dm_op *op, dm_error *err) {
    if (op->kind != DM_OP_SE && op->c_out != op->c_in)
        return DM_FAIL(err, DM_ERR_INVALID, "a %s keeps its channels: c_out %d != c_in %d",
                       dm_op_kind_name(op->kind), op->c_out, op->c_in);
    if (op->kind == DM_OP_GAP && op->r_out != 1)
        return DM_FAIL(err, DM_ERR_INVALID, "a gap's r_out is 1, not %d", op->r_out);
    if (op->kind == DM_OP_SE && op->r_out != op->r_in)
        return DM_FAIL(err, DM_ERR_INVALID, "an se keeps its resolution: r_out %d != r_in %d",
                       op->r_out, op->r_in);
    return DM_OK;
}

dm_status dmi_measure_check_op(const dm_op *op, dm_error *err) {
    dm_status s = check_common(op, err);
    if (s) return s;
    switch (op->kind) {
    case DM_OP_CONV:
        s = check_spatial(op, err);
        if (!s && op->kernel % 2 == 0)
            return DM_FAIL(err, DM_ERR_INVALID, "op kernel %d is even", op->kernel);
        if (!s && (op->groups < 1 || op->c_in % op->groups || op->c_out % op->groups))
            return DM_FAIL(err, DM_ERR_INVALID, "op groups %d does not divide c_in %d and c_out %d",
                           op->groups, op->c_in, op->c_out);
        return s;
    case DM_OP_POOL:
        s = check_spatial(op, err);
        if (!s && op->kernel != op->stride && (op->kernel != 3 || op->stride != 2))
            return DM_FAIL(err, DM_ERR_INVALID, "a pool is 3x3 stride 2 (max) or kernel = stride "
                           "(avg), not kernel %d stride %d", op->kernel, op->stride);
        return s ? s : check_keep(op, err);
    case DM_OP_GAP:
    case DM_OP_SE:
        return check_keep(op, err);
    case DM_OP_LINEAR:
        if (op->r_in != 1 || op->r_out != 1)
            return DM_FAIL(err, DM_ERR_INVALID, "a linear op is at resolution 1, not %d",
                           op->r_in);
        return DM_OK;
    default:
        return DM_FAIL(err, DM_ERR_UNSUPPORTED, "the engine cannot run a '%s' op",
                       dm_op_kind_name(op->kind));
    }
}
