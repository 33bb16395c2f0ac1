/*
** fuzz_targets.h -- the fuzz targets of issues #5 and #12, written once and
** shared by the libFuzzer harnesses (fuzz/fuzz_<target>.c) and by the
** regression replay (tests/test_regressions.c), so a saved input is
** replayed through exactly the code that found it.
**
** A target takes arbitrary bytes, drives the library with them and checks
** what must hold whatever the bytes are.  It returns NULL, or a one-line
** description of the broken invariant.  Crashes, leaks, overflows and
** undefined behaviour are the sanitizers' to catch.  The invariants:
**   - a failure is a status in 1..DM_STATUS_COUNT-1 other than
**     DM_ERR_INTERNAL and DM_ERR_NOMEM, with err.code equal to it and a
**     one-line message;
**   - an accepted description validates, builds (or is DM_ERR_RANGE for a
**     network too big to count), reads back unchanged from the JSON (and
**     reference-format) writers, and every number it yields is finite,
**     with params and MACs the sums of its layers';
**   - a parsed count is the value of the text (fz_count_oracle);
**   - a solved design satisfies every constraint (design_check.h).
*/
#ifndef DM_FUZZ_TARGETS_H
#define DM_FUZZ_TARGETS_H
#include "deepmad.h"
#include "design_check.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef const char *(*fz_target_fn)(const uint8_t *data, size_t size);

static char fz_why[512];
#define FZ_BAD(...) (snprintf(fz_why, sizeof fz_why, __VA_ARGS__), fz_why)

/* The node budget of a fuzzed solve: small enough for thousands of
   executions a second, large enough to run every search phase. */
#define FZ_NODE_CAP 3000

/* ---------------------------------------------------------------------- */
/* Shared checks                                                          */
/* ---------------------------------------------------------------------- */

/* A fuzzed input never exhausts memory (small inputs, a 2 GB RSS cap that
   ends the run first), so DM_ERR_NOMEM means a reader said "no memory"
   for something else: for JSON, text the syntax check (src/io/
   json_scan.h) accepted and cJSON refused. */
static inline const char *fz_error(dm_status s, const dm_error *err) {
    if (s == DM_ERR_NOMEM) return FZ_BAD("out of memory reported: %.200s", err->msg);
    return dc_check_error(s, err, fz_why, sizeof fz_why);
}

/* params and MACs are the sums over the layer list; every count >= 0. */
static inline const char *fz_layer_sums(const dm_net *net, const dm_metrics *m) {
    int64_t params = 0, macs = 0;
    for (int32_t i = 0; i < dm_net_layer_count(net); i++) {
        const dm_layer *l = dm_net_layer(net, i);
        if (l->params < 0 || l->macs < 0) return FZ_BAD("layer %d has a negative count", i);
        params += l->params; /* cannot overflow: the totals were checked */
        macs += l->macs;
    }
    if (m->params < 0 || m->macs < 0 || m->peak_activation < 0 || m->layers < 1)
        return FZ_BAD("negative totals");
    /* BN affine params sit in the layers' counts too (dm_layer.params). */
    if (params != m->params || macs != m->macs)
        return FZ_BAD("layer sums %lld/%lld differ from totals %lld/%lld", (long long)params,
                      (long long)macs, (long long)m->params, (long long)m->macs);
    return NULL;
}

/* Build `a` and score it with `sp` (NULL = defaults), as analyze does. */
static inline const char *fz_analyze_arch(const dm_arch *a, const dm_score_params *sp) {
    dm_net *net = NULL;
    dm_metrics m;
    dm_error err = {0};
    char *json = NULL;
    const char *r = NULL;
    dm_status s = dm_net_create(a, &net, &err);
    if (!s) s = dm_net_metrics(net, sp, &m, &err);
    if (s) r = (s == DM_ERR_RANGE || (s == DM_ERR_INVALID && sp)) ? fz_error(s, &err)
                                                                   : FZ_BAD("valid arch fails: %.200s", err.msg);
    else if (!dc_metrics_finite(&m)) r = FZ_BAD("a non-finite metric");
    else if ((r = fz_layer_sums(net, &m)) == NULL && dm_metrics_to_json(&m, &json, &err))
        r = FZ_BAD("metrics JSON fails: %.200s", err.msg);
    dm_free(json);
    dm_net_free(net);
    return r;
}

/* The reference format writes what it can express; reading it back (at
   the 224 px, 1000 classes the format implies) gives the same arch. */
static inline const char *fz_tinynas_roundtrip(const dm_arch *a) {
    char *text = NULL, *j1 = NULL, *j2 = NULL;
    dm_arch b;
    dm_error err = {0};
    const char *r = NULL;
    if (a->input_size != 224 || a->classes != 1000 || dm_arch_to_tinynas(a, &text, &err)) {
        dm_free(text);
        return NULL;
    }
    if (dm_arch_from_tinynas(text, strlen(text), &b, &err))
        r = FZ_BAD("reference format does not read back: %.200s", err.msg);
    else if (dm_arch_to_json(a, &j1, &err) || dm_arch_to_json(&b, &j2, &err) || strcmp(j1, j2))
        r = FZ_BAD("reference format round trip changed the arch");
    dm_free(text);
    dm_free(j1);
    dm_free(j2);
    return r;
}

/* Everything an accepted description must satisfy. */
static inline const char *fz_accepted_arch(const dm_arch *a) {
    dm_error err = {0};
    const char *r;
    if (dm_arch_validate(a, &err)) return FZ_BAD("accepted arch does not validate: %.200s", err.msg);
    if ((r = dc_roundtrip(a, fz_why, sizeof fz_why)) || (r = fz_tinynas_roundtrip(a))) return r;
    return fz_analyze_arch(a, NULL);
}

/* ---------------------------------------------------------------------- */
/* Targets 1 and 2: the description readers                               */
/* ---------------------------------------------------------------------- */

/* An accepted latency table writes, reads back and writes the same bytes
   (docs/latency.md, "The table"). */
static inline const char *fz_latency_table(const uint8_t *d, size_t n) {
    dm_latency_table t, u;
    dm_error err = {0};
    char *j1 = NULL, *j2 = NULL;
    const char *r = NULL;
    dm_status s = dm_latency_table_from_json((const char *)d, n, &t, &err);
    if (s) return fz_error(s, &err);
    dm_latency_table_init(&u);
    if (dm_latency_table_to_json(&t, &j1, &err))
        r = FZ_BAD("accepted latency table does not write: %.200s", err.msg);
    else if (dm_latency_table_from_json(j1, strlen(j1), &u, &err))
        r = FZ_BAD("written latency table does not read back: %.200s", err.msg);
    else if (dm_latency_table_to_json(&u, &j2, &err) || strcmp(j1, j2))
        r = FZ_BAD("latency table round trip changed the bytes");
    dm_free(j1);
    dm_free(j2);
    dm_latency_table_free(&t);
    dm_latency_table_free(&u);
    return r;
}

static inline const char *fz_json(const uint8_t *d, size_t n) {
    dm_arch a;
    dm_mlp mlp;
    dm_error err = {0};
    dm_status s = dm_arch_from_json((const char *)d, n, &a, &err);
    const char *r = s ? fz_error(s, &err) : fz_accepted_arch(&a);
    if (r) return r;
    /* `--latency-table` files go through the same strict core. */
    if ((r = fz_latency_table(d, n))) return r;
    /* The CLI sends MLP files (same JSON, "format": "deepmad-mlp") here. */
    (void)dm_mlp_json_detect((const char *)d, n);
    s = dm_mlp_from_json((const char *)d, n, &mlp, &err);
    if (s) return fz_error(s, &err);
    dm_mlp_metrics mm;
    if ((s = dm_mlp_metrics_of(&mlp, &mm, &err))) return FZ_BAD("accepted MLP fails: %.200s", err.msg);
    if (!isfinite(mm.rho) || !isfinite(mm.entropy) || !isfinite(mm.mean_width))
        return FZ_BAD("a non-finite MLP metric");
    return NULL;
}

static inline const char *fz_tinynas(const uint8_t *d, size_t n) {
    dm_arch a;
    dm_error err = {0};
    dm_status s = dm_arch_from_tinynas((const char *)d, n, &a, &err);
    return s ? fz_error(s, &err) : fz_accepted_arch(&a);
}

/* ---------------------------------------------------------------------- */
/* Target 3: counts ("1.8G")                                              */
/* ---------------------------------------------------------------------- */

static inline int fz_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int fz_digit(char c) { return c >= '0' && c <= '9'; }

/* The grammar deepmad.h documents, read independently of units.c:
   spaces, digits with an optional fraction (or a fraction alone), an
   optional exponent, an optional K/M/G/T (any case), spaces.  Gives the
   value in long double (64-bit mantissa: 2^11 times finer than the
   double units.c uses) and whether it is a plain integer. */
static inline int fz_count_grammar(const char *t, long double *v, int *plain, int *nonzero) {
    long double x = 0;
    long e10 = 0, ex = 0;
    int digits = 0, kept = 0, eneg = 0, frac = 0;
    while (fz_space(*t)) t++;
    *plain = 1;
    for (;; t++) { /* keep 30 significant digits: 1e-30 is far below the tolerance */
        if (*t == '.' && !frac) { frac = 1; *plain = 0; continue; }
        if (!fz_digit(*t)) break;
        digits++;
        if (kept < 30 && (kept || *t != '0')) { x = x * 10 + (*t - '0'); kept++; e10 -= frac; }
        else if (!kept) e10 -= frac;        /* a leading zero */
        else if (!frac) e10++;              /* an integer digit past the 30 kept */
    }
    if (!digits) return 0;
    if (*t == 'e' || *t == 'E') {
        *plain = 0;
        t++;
        if (*t == '+' || *t == '-') eneg = *t++ == '-';
        if (!fz_digit(*t)) return 0;
        for (; fz_digit(*t); t++) ex = ex < 100000 ? ex * 10 + (*t - '0') : ex;
    }
    e10 += eneg ? -ex : ex;
    const char *sfx = strchr("KkMmGgTt", *t);
    if (*t && sfx) {
        *plain = 0;
        e10 += 3 * (1 + (sfx - "KkMmGgTt") / 2);
        t++;
    }
    while (fz_space(*t)) t++;
    if (*t) return 0;
    *nonzero = x != 0;
    *v = x == 0 ? 0 : x * powl(10.0L, (long double)e10);
    return 1;
}

/* Check dm_parse_count against the grammar: text outside it is refused;
   values past INT64_MAX, positive values that round to 0 (0 means "no
   limit" to a budget) and non-integers at or past 2^53 (where a double
   cannot hold every integer) are DM_ERR_RANGE; plain digits parse
   exactly, anything else to the nearest integer within the double's
   relative precision.  Within that precision of a boundary (0.5, 2^53,
   2^63) either answer is right. */
static inline const char *fz_count_oracle(const char *text) {
    int64_t out = -1;
    long double v, lo, hi;
    int plain, nonzero;
    dm_error err = {0};
    dm_status s = dm_parse_count(text, &out, &err);
    if (s && fz_error(s, &err)) return fz_why;
    if (!fz_count_grammar(text, &v, &plain, &nonzero))
        return s ? NULL : FZ_BAD("'%.60s' is outside the grammar but parsed as %lld", text, (long long)out);
    const long double e = plain ? 0 : 1e-15L, t63 = 9223372036854775807.5L, t53 = 0x1p53L;
    lo = v * (1 - e);
    hi = v * (1 + e);
    int must = lo >= t63 || (nonzero && hi < 0.5L) || (!plain && lo >= t53);
    int may = hi >= t63 || (nonzero && lo <= 0.5L) || (!plain && hi >= t53);
    if (s) return s == DM_ERR_RANGE && may ? NULL : FZ_BAD("'%.60s' was refused: %s", text, err.msg);
    if (must) return FZ_BAD("'%.60s' should be out of range, parsed as %lld", text, (long long)out);
    if (nonzero && out == 0) return FZ_BAD("'%.60s' parsed as 0 (no limit)", text);
    if (plain ? (long double)out != v : fabsl((long double)out - v) > 0.5L + v * 4e-16L)
        return FZ_BAD("'%.60s' parsed as %lld, but it is %.3Lf", text, (long long)out, v);
    return NULL;
}

static inline const char *fz_units(const uint8_t *d, size_t n) {
    char *text = malloc(n + 1);
    if (!text) return NULL;
    memcpy(text, d, n);
    text[n] = '\0'; /* an embedded NUL ends the string, as in argv */
    const char *r = fz_count_oracle(text);
    free(text);
    return r;
}

/* ---------------------------------------------------------------------- */
/* Decoding bytes into values, biased to typical values and edges         */
/* ---------------------------------------------------------------------- */

typedef struct fz_in {
    const uint8_t *d;
    size_t n, pos;
} fz_in;

static inline uint32_t fz_u8(fz_in *in) { return in->pos < in->n ? in->d[in->pos++] : 0; }
static inline uint32_t fz_u32(fz_in *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = v << 8 | fz_u8(in);
    return v;
}

/* Mostly lo..hi; 1 time in 32 an edge: the documented limit, one past
   it, 0, -1, the int32 extremes or 32 raw bits.  (Edges are rare so that
   a random input still has a fair chance of being a valid network.) */
static inline int32_t fz_int(fz_in *in, int32_t lo, int32_t hi, int32_t limit) {
    uint32_t sel = fz_u8(in);
    if (sel < 248) {
        uint32_t r = fz_u8(in) << 8 | fz_u8(in);
        return lo + (int32_t)(r % (uint32_t)(hi - lo + 1));
    }
    switch (sel % 7) {
    case 0: return limit;
    case 1: return limit + 1;
    case 2: return 0;
    case 3: return -1;
    case 4: return INT32_MAX;
    case 5: return INT32_MIN;
    default: return (int32_t)fz_u32(in);
    }
}

/* v saturated to int32 (edge values times a scale stay edges). */
static inline int32_t fz_sat(int64_t v) {
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* An odd kernel lo, lo+2, ... (typical) or an edge from fz_int as is. */
static inline int32_t fz_kernel(fz_in *in, int32_t lo, int32_t n_typical) {
    int32_t v = fz_int(in, 0, n_typical - 1, DM_MAX_KERNEL);
    return v >= 0 && v < n_typical ? lo + 2 * v : v;
}

/* Mostly in [lo, hi]; otherwise NaN, infinities, 0, negatives, huge,
   tiny or 64 raw bits. */
static inline double fz_double(fz_in *in, double lo, double hi) {
    uint32_t sel = fz_u8(in);
    if (sel < 248) return lo + (hi - lo) * (fz_u8(in) << 8 | fz_u8(in)) / 65535.0;
    static const double edges[] = {0.0, -1.0, 1e308, DBL_MIN, -0.0, 1e-300};
    switch (sel % 9) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: {
        uint64_t bits = (uint64_t)fz_u32(in) << 32 | fz_u32(in);
        double v;
        memcpy(&v, &bits, sizeof v);
        return v;
    }
    default: return edges[sel % 6];
    }
}

/* ---------------------------------------------------------------------- */
/* Target 4: analyze on fuzzed architectures                              */
/* ---------------------------------------------------------------------- */

static inline void fz_decode_superblock(fz_in *in, dm_superblock *b) {
    b->kind = (dm_block_kind)fz_int(in, 0, DM_BLOCK_COUNT - 1, DM_BLOCK_COUNT);
    b->out = fz_int(in, 8, 512, DM_MAX_CHANNELS);
    b->depth = fz_int(in, 1, 6, DM_MAX_DEPTH);
    b->kernel = fz_kernel(in, 1, 4);
    b->stride = fz_int(in, 1, 2, DM_MAX_STRIDE);
    b->inner = fz_u8(in) & 1 ? 0 : fz_int(in, 8, 1024, DM_MAX_CHANNELS);
    b->expand = fz_double(in, 0.25, 8.0);
    b->se = b->kind == DM_BLOCK_MBCONV ? fz_int(in, 0, 1, 1) : fz_int(in, 0, 0, 1);
    b->act = (dm_act)fz_int(in, 0, DM_ACT_COUNT - 1, DM_ACT_COUNT);
    b->shortcut = (dm_shortcut)fz_int(in, 0, DM_SHORTCUT_COUNT - 1, DM_SHORTCUT_COUNT);
}

static inline void fz_decode_arch(fz_in *in, dm_arch *a) {
    dm_arch_init(a);
    a->in_channels = fz_int(in, 1, 8, DM_MAX_CHANNELS);
    a->input_size = fz_sat(32 * (int64_t)fz_int(in, 1, 16, DM_MAX_INPUT_SIZE / 32));
    if (fz_u8(in) & 1) a->input_size = fz_int(in, 1, 600, DM_MAX_INPUT_SIZE);
    a->stem = (dm_stem){.out = fz_int(in, 8, 128, DM_MAX_CHANNELS),
                        .kernel = fz_kernel(in, 1, 4),
                        .stride = fz_int(in, 1, 2, DM_MAX_STRIDE),
                        .maxpool = fz_int(in, 0, 1, 1),
                        .act = (dm_act)fz_int(in, 0, DM_ACT_COUNT - 1, DM_ACT_COUNT)};
    a->n_superblocks = fz_int(in, 1, 8, DM_MAX_SUPERBLOCKS);
    int32_t nsb = a->n_superblocks < 0 ? 0 : a->n_superblocks;
    for (int32_t i = 0; i < nsb && i < DM_MAX_SUPERBLOCKS; i++) fz_decode_superblock(in, &a->sb[i]);
    a->head = fz_u8(in) & 1 ? 0 : fz_int(in, 8, 2048, DM_MAX_CHANNELS);
    a->head_act = (dm_act)fz_int(in, 0, DM_ACT_COUNT - 1, DM_ACT_COUNT);
    a->classes = fz_int(in, 0, 1000, DM_MAX_CLASSES);
}

/* Score parameters as analyze's --alpha/--beta/--penalty options (and
   any caller of the API) could set them, hostile values included. */
static inline void fz_decode_score(fz_in *in, dm_score_params *sp) {
    dm_score_params_default(sp);
    if (fz_u8(in) & 1) {
        sp->n_alpha = fz_int(in, 1, 8, DM_MAX_STAGES);
        for (int32_t i = 0; i < DM_MAX_STAGES; i++) sp->alpha[i] = fz_double(in, 0, 10);
    }
    if (fz_u8(in) & 1) sp->beta = fz_double(in, 0, 100);
    sp->penalty = (dm_penalty)fz_int(in, 0, DM_PENALTY_COUNT - 1, DM_PENALTY_COUNT);
    sp->penalty_skip = fz_int(in, 0, 3, DM_MAX_SUPERBLOCKS);
}

/* The block style (docs/styles.md), decoded after everything else so that
   an input saved before the field existed keeps its meaning: its bytes end
   before it (fz_u8 gives 0 past the end: torchvision, as then), or carry
   trailing bytes that meant nothing.  Mostly a valid style, 1 in 32 an
   edge (DM_STYLE_COUNT, -1, ...) that validation must refuse.  The paper
   style refuses basic blocks and mbconv without SE, which a random arch
   of several superblocks nearly always has; so 3 paper-style archs in 4
   are made buildable (basic -> bottleneck, mbconv with SE) and the rest
   left as decoded, for the refusals.  The seeds corpus/analyze/random1
   and random2 were cut to the bytes they used (their unused tails would
   now be read as a style), so they still decode to the same archs;
   paper-random1 and paper-random2 are those archs in the paper style,
   paper-valid1 and paper-valid2 buildable paper-style archs mixing
   bottleneck and mbconv superblocks. */
static inline void fz_decode_style(fz_in *in, dm_arch *a) {
    a->style = (dm_style)fz_int(in, 0, DM_STYLE_COUNT - 1, DM_STYLE_COUNT);
    if (a->style != DM_STYLE_PAPER || !(fz_u8(in) & 3)) return;
    for (int32_t i = 0; i < a->n_superblocks && i < DM_MAX_SUPERBLOCKS; i++) {
        dm_superblock *b = &a->sb[i];
        if (b->kind == DM_BLOCK_BASIC) b->kind = DM_BLOCK_BOTTLENECK;
        if (b->kind == DM_BLOCK_MBCONV) b->se = 1;
    }
}

static inline const char *fz_analyze(const uint8_t *d, size_t n) {
    fz_in in = {d, n, 0};
    dm_arch a;
    dm_score_params sp;
    dm_error err = {0};
    fz_decode_arch(&in, &a);
    fz_decode_score(&in, &sp);
    fz_decode_style(&in, &a);
    if (sp.n_alpha > DM_MAX_STAGES) sp.n_alpha = DM_MAX_STAGES; /* the array's size; more is caller UB */
    dm_status s = dm_arch_validate(&a, &err);
    if (s) {
        dm_net *net = NULL;
        dm_status s2 = dm_net_create(&a, &net, &err);
        if (!s2 || net) { dm_net_free(net); return FZ_BAD("invalid arch builds"); }
        return fz_error(s2, &err);
    }
    const char *r = fz_accepted_arch(&a);
    return r ? r : fz_analyze_arch(&a, &sp);
}

/* ---------------------------------------------------------------------- */
/* Target 5: design on fuzzed problem parameters                          */
/* ---------------------------------------------------------------------- */

static inline int64_t fz_budget(fz_in *in) {
    uint32_t sel = fz_u8(in);
    if (sel < 40) return 0;                                   /* no limit */
    if (sel < 220) return (int64_t)pow(10.0, 4.0 + 8.0 * fz_u8(in) / 255.0);
    if (sel < 235) return (int64_t)(fz_u32(in)) << (fz_u8(in) % 32);
    return sel < 245 ? INT64_MAX : -(int64_t)fz_u8(in);
}

/* The three guideline switches, from one byte. */
static inline void fz_decode_drops(fz_in *in, dm_problem *p) {
    uint32_t drops = fz_u8(in);
    p->drop_multiscale = drops & 1;
    p->drop_depth_penalty = drops >> 1 & 1;
    p->drop_monotone = drops >> 2 & 1;
}

/* Solve a decoded problem: a refusal must be a clean error, an answer
   must satisfy every constraint (design_check.h). */
static inline const char *fz_solve_checked(const dm_problem *p) {
    dm_error err = {0};
    dm_solution *sol = malloc(sizeof *sol);
    if (!sol) return NULL;
    dm_status s = dm_solve(p, sol, &err);
    const char *r = s ? fz_error(s, &err) : dc_check_solution(p, sol, fz_why, sizeof fz_why);
    free(sol);
    return r;
}

static inline void fz_decode_layout(fz_in *in, dm_problem *p) {
    p->input_size = fz_u8(in) & 1 ? fz_sat(32 * (int64_t)fz_int(in, 1, 8, 128))
                                   : fz_int(in, 1, 300, DM_MAX_INPUT_SIZE);
    p->stem_stride = fz_int(in, 1, 2, DM_MAX_STRIDE);
    p->stem_kernel = fz_kernel(in, 1, 4);
    p->n_superblocks = fz_int(in, 1, 6, DM_MAX_SUPERBLOCKS);
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++) {
        p->stride[i] = fz_int(in, 1, 2, DM_MAX_STRIDE);
        p->depth_min[i] = fz_int(in, 1, 2, DM_MAX_DEPTH);
        p->depth_max[i] = fz_int(in, 2, 8, DM_MAX_DEPTH);
        if (i >= 8 && !(fz_u8(in) & 7)) break;
    }
    p->n_kernels = fz_int(in, 1, 3, DM_PROBLEM_MAX_KERNELS);
    for (int32_t j = 0; j < DM_PROBLEM_MAX_KERNELS; j++)
        p->kernels[j] = fz_kernel(in, 1 + 2 * j, 2);
}

static inline void fz_decode_problem(fz_in *in, dm_problem *p) {
    dm_problem_default(p, (dm_block_kind)(fz_u8(in) % DM_BLOCK_COUNT));
    if (fz_u8(in) & 1) fz_decode_layout(in, p);
    if (fz_u8(in) & 1) p->se = fz_int(in, 0, p->family == DM_BLOCK_MBCONV, 2);
    if (fz_u8(in) & 1) p->act = (dm_act)fz_int(in, 0, DM_ACT_COUNT - 1, DM_ACT_COUNT);
    if (fz_u8(in) & 1) p->in_channels = fz_int(in, 1, 4, DM_MAX_CHANNELS);
    if (fz_u8(in) & 1) p->classes = fz_int(in, 0, 1000, DM_MAX_CLASSES);
    if (fz_u8(in) & 1) {
        p->inner_min = fz_double(in, 0, 2);
        p->inner_max = fz_double(in, 0.5, 8);
    }
    if (fz_u8(in) & 1) p->granularity = fz_int(in, 1, 32, 1024);
    if (fz_u8(in) & 1) {
        p->min_channels = fz_int(in, 1, 64, DM_MAX_CHANNELS);
        p->max_channels = fz_int(in, 64, 4096, DM_MAX_CHANNELS);
    }
    if (fz_u8(in) & 1) p->head = fz_int(in, 0, 1, 2);
    p->max_macs = fz_budget(in);
    p->max_params = fz_budget(in);
    p->rho0 = fz_double(in, 0.02, 3.0);
    if (fz_u8(in) & 1) p->max_layers = fz_int(in, 0, 200, 1000000);
    if (fz_u8(in) & 1) p->max_peak_activation = fz_budget(in);
    if ((fz_u8(in) & 3) == 0) fz_decode_score(in, &p->score);
    if (p->score.n_alpha > DM_MAX_STAGES) p->score.n_alpha = DM_MAX_STAGES;
    fz_decode_drops(in, p);
    p->node_limit = fz_int(in, 0, FZ_NODE_CAP, FZ_NODE_CAP);
    if (p->node_limit > FZ_NODE_CAP) p->node_limit = FZ_NODE_CAP; /* keep executions fast */
}

static inline const char *fz_design(const uint8_t *d, size_t n) {
    fz_in in = {d, n, 0};
    dm_problem p;
    fz_decode_problem(&in, &p);
    return fz_solve_checked(&p);
}

/* ---------------------------------------------------------------------- */
/* Target 6: design on small problems (issue #12, item 12)                */
/* ---------------------------------------------------------------------- */

/* Target 5 decodes problems of the size people solve: under ASan, UBSan
   and coverage one input takes seconds to minutes, so libFuzzer replays
   its seeds and hardly mutates.  Profiled (perf, fuzz build), the time is
   the certificate (dmi_dual_bb -> eval_mult, about 55%) and the local
   search (dmi_search_local -> dmi_cand_eval, about 42%), both over the
   grid of channel values, the inner widths, kernels and depths of every
   superblock.  This target draws the same fields from small ranges (1-3
   superblocks, widths to 128, depths to 4, 1-2 kernels, inputs to 64 px,
   at most FZ_SMALL_NODES nodes) and still hits every edge value fz_int
   and fz_double make, so the validation, overflow and degenerate paths
   stay in reach.  fz_small_caps bounds what an edge would make large. */
#define FZ_SMALL_NODES 200
#define FZ_SMALL_GRID 32 /* channel values per variable */
#define FZ_SMALL_SB 4
#define FZ_SMALL_DEPTH 16

/* Bound the work of a problem that validates: a valid field past the
   small ranges is brought back to them (invalid ones stay invalid, to be
   refused).  A depth range keeps its low end and at most FZ_SMALL_DEPTH
   more values, so depths 1 and 256 still meet in one problem. */
static inline void fz_small_caps(dm_problem *p) {
    if (p->n_superblocks > FZ_SMALL_SB && p->n_superblocks <= DM_MAX_SUPERBLOCKS)
        p->n_superblocks = FZ_SMALL_SB;
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++)
        if (p->depth_min[i] >= 1 && p->depth_max[i] <= DM_MAX_DEPTH &&
            (int64_t)p->depth_max[i] - p->depth_min[i] > FZ_SMALL_DEPTH)
            p->depth_max[i] = p->depth_min[i] + FZ_SMALL_DEPTH;
    int64_t g = p->granularity, lo = p->min_channels, hi = p->max_channels;
    if (g >= 1 && lo >= 1 && hi >= lo && hi <= DM_MAX_CHANNELS && (hi - lo) / g > FZ_SMALL_GRID)
        p->max_channels = (int32_t)(lo + FZ_SMALL_GRID * g);
    if (p->inner_max > 4 && p->inner_max <= 1e6) p->inner_max = 4;
    if (p->effort > 1 && p->effort <= 100000) p->effort = 1;
}

static inline void fz_decode_small_layout(fz_in *in, dm_problem *p) {
    p->input_size = fz_int(in, 1, 64, DM_MAX_INPUT_SIZE);
    p->stem_stride = fz_int(in, 1, 2, DM_MAX_STRIDE);
    p->stem_kernel = fz_kernel(in, 1, 3);
    p->n_superblocks = fz_int(in, 1, 3, DM_MAX_SUPERBLOCKS);
    for (int32_t i = 0; i < DM_MAX_SUPERBLOCKS; i++) {
        p->stride[i] = fz_int(in, 1, 2, DM_MAX_STRIDE);
        p->depth_min[i] = fz_int(in, 1, 2, DM_MAX_DEPTH);
        p->depth_max[i] = fz_int(in, 1, 4, DM_MAX_DEPTH);
        if (i >= 3 && !(fz_u8(in) & 7)) break;
    }
    p->n_kernels = fz_int(in, 1, 2, DM_PROBLEM_MAX_KERNELS);
    for (int32_t j = 0; j < DM_PROBLEM_MAX_KERNELS; j++)
        p->kernels[j] = fz_kernel(in, 1 + 2 * j, 2);
}

static inline void fz_decode_small(fz_in *in, dm_problem *p) {
    dm_problem_default(p, (dm_block_kind)(fz_u8(in) % DM_BLOCK_COUNT));
    fz_decode_small_layout(in, p);
    p->se = fz_int(in, 0, p->family == DM_BLOCK_MBCONV, 2);
    p->act = (dm_act)fz_int(in, 0, DM_ACT_COUNT - 1, DM_ACT_COUNT);
    p->in_channels = fz_int(in, 1, 4, DM_MAX_CHANNELS);
    p->classes = fz_int(in, 0, 100, DM_MAX_CLASSES);
    p->inner_min = fz_double(in, 0, 2);
    p->inner_max = fz_double(in, 0.5, 4);
    p->granularity = fz_int(in, 1, 16, 1024);
    p->min_channels = fz_int(in, 1, 32, DM_MAX_CHANNELS);
    p->max_channels = fz_int(in, 8, 128, DM_MAX_CHANNELS);
    p->head = fz_int(in, 0, 1, 2);
    p->max_macs = fz_budget(in);
    p->max_params = fz_budget(in);
    p->rho0 = fz_double(in, 0.02, 3.0);
    if (fz_u8(in) & 1) p->max_layers = fz_int(in, 0, 30, 1000000);
    if (fz_u8(in) & 1) p->max_peak_activation = fz_budget(in);
    if (fz_u8(in) & 1) fz_decode_score(in, &p->score);
    if (p->score.n_alpha > DM_MAX_STAGES) p->score.n_alpha = DM_MAX_STAGES;
    fz_decode_drops(in, p);
    p->node_limit = fz_int(in, 0, FZ_SMALL_NODES, FZ_SMALL_NODES);
    if (p->node_limit > FZ_SMALL_NODES) p->node_limit = FZ_SMALL_NODES;
    p->effort = fz_int(in, 0, 1, 100000);
    fz_small_caps(p);
}

static inline const char *fz_design_small(const uint8_t *d, size_t n) {
    fz_in in = {d, n, 0};
    dm_problem p;
    fz_decode_small(&in, &p);
    return fz_solve_checked(&p);
}

/* ---------------------------------------------------------------------- */

typedef struct fz_target {
    const char *name; /* fuzz/corpus/<name>, fuzz/regressions/<name> */
    fz_target_fn fn;
} fz_target;

/* Run one input; a broken invariant aborts, so libFuzzer saves it. */
static inline int fz_run(fz_target_fn fn, const uint8_t *d, size_t n) {
    const char *why = fn(d, n);
    if (why) {
        fprintf(stderr, "deepmad fuzz: invariant broken: %s\n", why);
        abort();
    }
    return 0;
}

#undef FZ_BAD
#endif
