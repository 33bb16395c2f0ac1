/*
** design_check.h -- an independent judge of dm_solve's answers, and the
** random design problems of issue #5, shared by fuzz/fuzz_design.c,
** tests/test_stress.c and bench/bench_stress.c (header-only: each user
** is one file).
**
** The judge trusts nothing the solver computed.  It rebuilds the answer
** with dm_net_create + dm_net_metrics (what `deepmad analyze` does),
** round-trips it through the JSON writer and reader (what `design -o` then
** `analyze FILE` does), and checks every constraint of the problem against
** the problem's own fields: budgets, rho, the variable domains written in
** deepmad.h (granularity, channel range, inner-width range, kernels, depth
** range, the stem's range, the head's cap and ratios), the fixed layout
** (style and activations included), and non-decreasing widths.
*/
#ifndef DM_DESIGN_CHECK_H
#define DM_DESIGN_CHECK_H
#include "deepmad.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Write a reason into why[0..n) and return it. */
#define DC_BAD(...) (snprintf(why, n, __VA_ARGS__), why)

/* Is every double of `m` finite? */
static inline int dc_metrics_finite(const dm_metrics *m) {
    if (!isfinite(m->rho) || !isfinite(m->entropy) || !isfinite(m->depth_penalty) ||
        !isfinite(m->objective))
        return 0;
    for (int32_t i = 0; i < m->n_stages && i < DM_MAX_STAGES; i++) {
        const dm_stage_metrics *s = &m->stage[i];
        if (!isfinite(s->log_width_sum) || !isfinite(s->rho) || !isfinite(s->alpha) ||
            !isfinite(s->entropy))
            return 0;
    }
    return 1;
}

/* Is `v` a multiple of g in [lo, hi]? */
static inline int dc_channel_ok(int32_t v, int32_t g, int32_t lo, int32_t hi) {
    return v % g == 0 && v >= lo && v <= hi;
}

/* The inner width m of output width c, as deepmad.h defines its domain:
   multiples of g in [ceil_g(inner_min c), floor_g(inner_max c)] (the lower
   end rounded to the nearest multiple instead when inner_round is 1), or
   that lower end alone when the range is empty.  A 1e-9 slack on both ends
   absorbs the ratios' rounding; no multiple of g is nearer than that.
   Widths never pass DM_MAX_CHANNELS. */
static inline int dc_inner_ok(const dm_problem *p, int32_t c, int32_t m) {
    int32_t g = p->granularity;
    double cap = DM_MAX_CHANNELS / g * g;
    /* inner_round 1: to the nearest multiple, ties to even (rint in the
       default rounding mode), as the reference code's smart_round */
    double lo = p->inner_round ? rint(p->inner_min * c / g) : ceil(p->inner_min * c / g - 1e-9);
    double hi = floor(p->inner_max * c / g + 1e-9);
    double l = fmin(fmax(lo, 1.0) * g, cap), h = fmin(hi * g, cap);
    if (m % g) return 0;
    return h < l ? m == l : (m >= l && m <= h);
}

/* Layout fields the problem fixes. */
static inline const char *dc_layout(const dm_problem *p, const dm_arch *a, char *why, size_t n) {
    if (a->n_superblocks != p->n_superblocks) return DC_BAD("superblock count %d", a->n_superblocks);
    if (a->in_channels != p->in_channels || a->input_size != p->input_size ||
        a->classes != p->classes)
        return DC_BAD("input or classes changed");
    if (a->stem.kernel != p->stem_kernel || a->stem.stride != p->stem_stride || a->stem.maxpool)
        return DC_BAD("stem layout changed");
    if ((a->head != 0) != (p->head != 0)) return DC_BAD("head presence %d", a->head);
    /* the paper style's stem and head are conv-BN-ReLU whatever act says */
    dm_act end_act = p->style == DM_STYLE_PAPER ? DM_ACT_RELU : p->act;
    if (a->style != p->style) return DC_BAD("style %s", dm_style_name(a->style));
    if (a->stem.act != end_act || (a->head && a->head_act != end_act))
        return DC_BAD("stem or head activation changed");
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        const dm_superblock *b = &a->sb[i];
        if (b->kind != p->family || b->stride != p->stride[i] || b->act != p->act ||
            (p->family == DM_BLOCK_MBCONV && b->se != p->se))
            return DC_BAD("superblock %d layout changed", i + 1);
    }
    return NULL;
}

/* The variable domains and guideline 3. */
static inline const char *dc_domains(const dm_problem *p, const dm_arch *a, char *why, size_t n) {
    int32_t g = p->granularity, lo = p->min_channels, hi = p->max_channels;
    /* the stem's own range and the head's own cap (0 = the channel range) */
    int32_t slo = p->stem_min ? p->stem_min : lo, shi = p->stem_max ? p->stem_max : hi;
    int32_t hhi = p->head_max ? p->head_max : hi;
    if (!dc_channel_ok(a->stem.out, g, slo, shi)) return DC_BAD("stem width %d", a->stem.out);
    if (p->head && !dc_channel_ok(a->head, g, lo, hhi)) return DC_BAD("head width %d", a->head);
    int32_t prev = a->stem.out;
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        const dm_superblock *b = &a->sb[i];
        int k_ok = 0;
        for (int32_t j = 0; j < p->n_kernels; j++) k_ok |= b->kernel == p->kernels[j];
        if (!dc_channel_ok(b->out, g, lo, hi)) return DC_BAD("sb%d width %d", i + 1, b->out);
        if (b->inner == 0 || !dc_inner_ok(p, b->out, b->inner))
            return DC_BAD("sb%d inner width %d for width %d", i + 1, b->inner, b->out);
        if (!k_ok) return DC_BAD("sb%d kernel %d not allowed", i + 1, b->kernel);
        if (b->depth < p->depth_min[i] || b->depth > p->depth_max[i])
            return DC_BAD("sb%d depth %d outside %d..%d", i + 1, b->depth, p->depth_min[i],
                          p->depth_max[i]);
        if (!p->drop_monotone && b->out < prev) return DC_BAD("sb%d width decreases", i + 1);
        prev = b->out;
    }
    if (p->head && !p->drop_monotone && a->head < prev) return DC_BAD("head width decreases");
    if (p->head && p->head_ratio_min > 0 && a->head < p->head_ratio_min * prev - 1e-9)
        return DC_BAD("head %d below %g x %d", a->head, p->head_ratio_min, prev);
    if (p->head && p->head_ratio_max > 0 && a->head > p->head_ratio_max * prev + 1e-9)
        return DC_BAD("head %d above %g x %d", a->head, p->head_ratio_max, prev);
    return NULL;
}

/* Budgets, rho and the solution's own numbers against a rebuild. */
static inline const char *dc_budgets(const dm_problem *p, const dm_solution *s, const dm_metrics *m,
                                     char *why, size_t n) {
    if (p->max_macs && m->macs > p->max_macs) return DC_BAD("MACs %lld over budget", (long long)m->macs);
    if (p->max_params && m->params > p->max_params)
        return DC_BAD("params %lld over budget", (long long)m->params);
    if (!(m->rho <= p->rho0)) return DC_BAD("rho %g over %g", m->rho, p->rho0);
    if (p->max_layers && m->layers > p->max_layers) return DC_BAD("layers %d over cap", m->layers);
    if (p->max_peak_activation && m->peak_activation > p->max_peak_activation)
        return DC_BAD("peak activation over cap");
    if (!dc_metrics_finite(&s->metrics) || !isfinite(s->objective) || !isfinite(s->bound) ||
        !isfinite(s->gap))
        return DC_BAD("a non-finite number in the solution");
    if (m->macs != s->metrics.macs || m->params != s->metrics.params ||
        m->objective != s->objective || s->metrics.objective != s->objective)
        return DC_BAD("reported metrics differ from the rebuilt network's");
    if (s->objective > s->bound + 1e-9 * fmax(1.0, fabs(s->bound)) || s->gap < -1e-9)
        return DC_BAD("objective %.17g above its bound %.17g", s->objective, s->bound);
    return NULL;
}

/* The JSON file `design -o` writes reads back to the same arch. */
static inline const char *dc_roundtrip(const dm_arch *a, char *why, size_t n) {
    char *j1 = NULL, *j2 = NULL;
    dm_arch b;
    dm_error err = {0};
    const char *r = NULL;
    if (dm_arch_to_json(a, &j1, &err) || dm_arch_from_json(j1, strlen(j1), &b, &err) ||
        dm_arch_to_json(&b, &j2, &err))
        r = DC_BAD("JSON round trip failed: %.200s", err.msg);
    else if (strcmp(j1, j2) != 0)
        r = DC_BAD("JSON round trip changed the design");
    dm_free(j1);
    dm_free(j2);
    return r;
}

/* NULL when `s` is a design that satisfies every constraint of `p`, else
   why not (in why[0..n)). */
static inline const char *dc_check_solution(const dm_problem *p, const dm_solution *s, char *why,
                                            size_t n) {
    dm_net *net = NULL;
    dm_metrics m;
    dm_score_params sp;
    dm_error err = {0};
    const char *r;
    if ((r = dc_layout(p, &s->arch, why, n)) || (r = dc_domains(p, &s->arch, why, n))) return r;
    dm_problem_score(p, &sp);
    if (dm_net_create(&s->arch, &net, &err) || dm_net_metrics(net, &sp, &m, &err))
        r = DC_BAD("the design does not build: %.200s", err.msg);
    dm_net_free(net);
    if (r || (r = dc_budgets(p, s, &m, why, n))) return r;
    return dc_roundtrip(&s->arch, why, n);
}

/* A failed solve must say why: one non-empty line, the matching code. */
static inline const char *dc_check_error(dm_status st, const dm_error *err, char *why, size_t n) {
    const char *nul = memchr(err->msg, 0, sizeof err->msg);
    size_t len = nul ? (size_t)(nul - err->msg) : 0;
    if (err->code != st) return DC_BAD("status %d but err.code %d", (int)st, (int)err->code);
    if (len == 0) return DC_BAD("empty or unterminated message");
    if (memchr(err->msg, '\n', len)) return DC_BAD("message has a newline");
    if (st == DM_ERR_INTERNAL || (int)st < 0 || st >= DM_STATUS_COUNT)
        return DC_BAD("status %s: %.200s", dm_status_str(st), err->msg);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Random design problems (issue #5, item 4)                              */
/* ---------------------------------------------------------------------- */

/* splitmix64: a fixed seed gives the same problems on every machine. */
static inline uint64_t dc_next(uint64_t *st) {
    uint64_t z = (*st += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline double dc_unit(uint64_t *st) { return (double)(dc_next(st) >> 11) * 0x1.0p-53; }
static inline int32_t dc_int(uint64_t *st, int32_t lo, int32_t hi) {
    return lo + (int32_t)(dc_next(st) % (uint64_t)(hi - lo + 1));
}
static inline double dc_log_uniform(uint64_t *st, double lo, double hi) {
    return exp(log(lo) + dc_unit(st) * (log(hi) - log(lo)));
}

/* A random layout: input 32..512 (multiple of 32), stem stride 1 or 2,
   2..7 superblocks whose stride-2 units never exceed what the input
   divides by. */
static inline void dc_random_layout(uint64_t *st, dm_problem *p) {
    p->input_size = 32 * dc_int(st, 1, 16);
    int32_t twos = 0;
    for (int32_t r = p->input_size; r % 2 == 0; r /= 2) twos++;
    p->stem_stride = dc_int(st, 1, 2);
    twos -= p->stem_stride == 2;
    p->n_superblocks = dc_int(st, 2, 7);
    for (int32_t i = 0; i < p->n_superblocks; i++) {
        p->stride[i] = twos > 0 && dc_int(st, 0, 2) ? 2 : 1;
        twos -= p->stride[i] == 2;
        p->depth_min[i] = 1;
        p->depth_max[i] = dc_int(st, 1, 10);
    }
    static const int32_t kernel_sets[4][3] = {{3, 0, 0}, {3, 5, 0}, {1, 3, 0}, {3, 5, 7}};
    int32_t ks = dc_int(st, 0, 3);
    p->n_kernels = 0;
    for (int32_t j = 0; j < 3 && kernel_sets[ks][j]; j++) p->kernels[p->n_kernels++] = kernel_sets[ks][j];
}

/* Problem number `index` of the stream seeded with `seed`: random family,
   MACs budget 1e6..1e11 (log-uniform), a params budget to match (MACs
   times 10^U(-2.5, -0.5), at least 10,000), rho0 0.05..3, random layout,
   granularity 8 or 16. */
static inline void dc_random_problem(uint64_t seed, int32_t index, dm_problem *p) {
    uint64_t st = seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(index + 1));
    dm_problem_default(p, (dm_block_kind)dc_int(&st, 0, DM_BLOCK_COUNT - 1));
    dc_random_layout(&st, p);
    p->max_macs = (int64_t)dc_log_uniform(&st, 1e6, 1e11);
    p->max_params = (int64_t)((double)p->max_macs * pow(10.0, -2.5 + 2.0 * dc_unit(&st)));
    if (p->max_params < 10000) p->max_params = 10000;
    p->rho0 = dc_log_uniform(&st, 0.05, 3.0);
    p->granularity = dc_int(&st, 0, 3) ? 8 : 16;
    p->min_channels = p->granularity;
    if (p->family == DM_BLOCK_MBCONV) p->head = dc_int(&st, 0, 1);
    p->classes = dc_int(&st, 0, 3) ? 1000 : dc_int(&st, 0, 100);
}

#undef DC_BAD
#endif
