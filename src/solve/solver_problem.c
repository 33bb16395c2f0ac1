/*
** solver_problem.c -- design problems: defaults per block family, the
** validity rules, the problem as an arch and its channel grid (the one
** place the grid's ends and the inner-width range are computed), the
** effective score parameters, and the presets of
** SPEC section 7.  Preset budgets of torchvision nets are computed here
** from the zoo at run time, so they are the exact counts of section 6.
*/
#include "solver.h"
#include <math.h>
#include <string.h>

void dm_problem_default(dm_problem *p, dm_block_kind family) {
    static const int32_t strides[5] = {2, 2, 2, 1, 2};
    memset(p, 0, sizeof *p);
    p->family = family;
    p->se = family == DM_BLOCK_MBCONV;
    p->act = family == DM_BLOCK_MBCONV ? DM_ACT_SILU : DM_ACT_RELU;
    p->in_channels = 3;
    p->input_size = 224;
    p->classes = 1000;
    p->stem_kernel = 3;
    p->stem_stride = 2;
    p->n_superblocks = 5;
    for (int i = 0; i < DM_MAX_SUPERBLOCKS; i++) {
        p->stride[i] = i < 5 ? strides[i] : 1;
        p->depth_min[i] = 1;
        p->depth_max[i] = 16;
    }
    p->n_kernels = 2;
    p->kernels[0] = 3;
    p->kernels[1] = 5;
    p->inner_min = family == DM_BLOCK_MBCONV ? 1.0 : 0.0625;
    p->inner_max = family == DM_BLOCK_MBCONV ? 6.0 : 1.0;
    p->granularity = 8;
    p->min_channels = 8;
    p->max_channels = 4096;
    p->head = family == DM_BLOCK_MBCONV;
    p->rho0 = family == DM_BLOCK_MBCONV ? 0.5 : 0.3;
    dm_score_params_default(&p->score);
    p->node_limit = 200000;
}

/* The activation of the stem and head: in the paper style they are the
   reference's ConvKXBNRELU (conv + BN + ReLU) whatever the blocks use;
   otherwise p->act is used everywhere. */
static dm_act end_act(const dm_problem *p) {
    return p->style == DM_STYLE_PAPER ? DM_ACT_RELU : p->act;
}

void dmi_problem_arch(const dm_problem *p, dm_arch *a) {
    int32_t n = p->n_superblocks < 0 ? 0 : p->n_superblocks > DM_MAX_SUPERBLOCKS
                                               ? DM_MAX_SUPERBLOCKS : p->n_superblocks;
    dm_arch_init(a);
    a->style = p->style;
    a->in_channels = p->in_channels;
    a->input_size = p->input_size;
    a->classes = p->classes;
    a->stem = (dm_stem){.out = p->min_channels, .kernel = p->stem_kernel,
                        .stride = p->stem_stride, .act = end_act(p)};
    a->n_superblocks = n;
    a->head_act = end_act(p);
    for (int32_t i = 0; i < n; i++)
        a->sb[i] = (dm_superblock){.kind = p->family, .out = 8, .depth = 1, .kernel = p->kernels[0],
                                   .stride = p->stride[i], .inner = 8, .se = p->se, .act = p->act,
                                   .shortcut = DM_SHORTCUT_CONV};
}

int32_t dmi_grid_lo(const dm_problem *p) {
    int32_t g = p->granularity;
    return (p->min_channels + g - 1) / g * g;
}

int32_t dmi_grid_hi(const dm_problem *p) { return p->max_channels / p->granularity * p->granularity; }

/* A width limit as a grid value: the multiple of g at or above (up = 1)
   or at or below (up = 0) v. */
static int32_t grid_align(int32_t v, int32_t g, int up) {
    return up ? (int32_t)(((int64_t)v + g - 1) / g * g) : v / g * g;
}

void dmi_item_range(const dm_problem *p, int32_t item, int32_t *lo, int32_t *hi) {
    int32_t g = p->granularity;
    *lo = dmi_grid_lo(p);
    *hi = dmi_grid_hi(p);
    if (item == 0) {
        if (p->stem_min > 0) *lo = grid_align(p->stem_min, g, 1);
        if (p->stem_max > 0) *hi = grid_align(p->stem_max, g, 0);
    } else if (item == p->n_superblocks + 1 && p->head_max > 0) {
        *hi = grid_align(p->head_max, g, 0);
    }
}

void dmi_head_ratio_range(const dm_problem *p, int32_t c_last, int32_t *lo, int32_t *hi) {
    int32_t g = p->granularity;
    *lo = 0;
    *hi = INT32_MAX;
    /* as grid values; the 1e-9 keeps an exact product exact */
    if (p->head_ratio_min > 0) {
        double v = ceil(p->head_ratio_min * c_last / g - 1e-9) * g;
        *lo = v > INT32_MAX ? INT32_MAX : (int32_t)v;
    }
    if (p->head_ratio_max > 0) {
        double v = floor(p->head_ratio_max * c_last / g + 1e-9) * g;
        if (v < INT32_MAX) *hi = (int32_t)v;
    }
}

void dmi_head_range(const dm_problem *p, int32_t c_last, int32_t *lo, int32_t *hi) {
    int32_t rlo, rhi;
    dmi_item_range(p, p->n_superblocks + 1, lo, hi);
    if (!p->drop_monotone && c_last > *lo) *lo = c_last;
    dmi_head_ratio_range(p, c_last, &rlo, &rhi);
    if (rlo > *lo) *lo = rlo;
    if (rhi < *hi) *hi = rhi;
}

/* v rounded to the nearest integer, ties to even (Python's round); the
   1e-9 makes 0.1 * 40 / 8, say, the tie it is in decimal. */
static double nearest_even(double v) {
    double f = floor(v), d = v - f;
    if (fabs(d - 0.5) < 1e-9) return fmod(f, 2) == 0 ? f : f + 1;
    return d < 0.5 ? f : f + 1;
}

void dmi_inner_range(const dm_problem *p, int32_t c, int32_t *lo, int32_t *hi) {
    int32_t g = p->granularity;
    double v = p->inner_min * c / g, b = floor(p->inner_max * c / g + 1e-9);
    double a = p->inner_round ? nearest_even(v) : ceil(v - 1e-9);
    int32_t l = (int32_t)(a < 1 ? 1 : a) * g;
    int32_t h = (int32_t)b * g;
    if (l > DM_MAX_CHANNELS) l = DM_MAX_CHANNELS / g * g;
    if (h > DM_MAX_CHANNELS) h = DM_MAX_CHANNELS / g * g;
    *lo = l;
    *hi = h < l ? l : h;
}

/* The relaxations' cells (solver.h).  A preset tabulates some 10^4..10^5
   superblock cells at ratio 1.05; the widest problems docs/limits.md
   allows (granularity 1, widths to 65536, inner ratios to 64, eight
   kernels, 32 superblocks) would tabulate 10^7 (minutes and gigabytes),
   so past MAX_CELLS the ratio grows until they fit.  Any ratio gives a
   valid bound; a larger one a looser bound. */
#define CELL_RATIO 1.05
#define MAX_CELLS 300000       /* superblocks x kernels x width cells x inner-width cells */
#define CELL_RATIO_MAX 4.0

static int32_t cell_end(int32_t lo, int32_t g, int32_t top, double q) {
    double e = lo * q;
    int32_t hi = e >= top ? top : (int32_t)e / g * g;
    if (hi < lo) hi = lo;
    return hi > top ? top : hi;
}

int32_t dmi_cell_end(const dmi_ctx *x, int32_t lo, int32_t top) {
    return cell_end(lo, x->p.granularity, top, x->cell_ratio);
}

/* The superblock cells the relaxations would tabulate at ratio q. */
static int64_t cell_count(const dm_problem *p, double q) {
    int32_t g = p->granularity, top = dmi_grid_hi(p);
    int64_t n = 0;
    for (int32_t clo = dmi_grid_lo(p), chi; clo <= top; clo = chi + g) {
        int32_t ml, mh, t;
        chi = cell_end(clo, g, top, q);
        dmi_inner_range(p, clo, &ml, &t);
        dmi_inner_range(p, chi, &t, &mh);
        for (int32_t mlo = ml; mlo <= mh; mlo = cell_end(mlo, g, mh, q) + g) n++;
    }
    return n * p->n_kernels * p->n_superblocks;
}

double dmi_cell_ratio(const dm_problem *p) {
    double q = CELL_RATIO;
    while (q < CELL_RATIO_MAX && cell_count(p, q) > MAX_CELLS) q = 1 + (q - 1) * 1.5;
    return q;
}

void dm_problem_score(const dm_problem *p, dm_score_params *out) {
    *out = p->score;
    if (p->drop_depth_penalty) out->beta = 0;
    if (p->drop_multiscale) { /* keep the last stage's weight, zero the rest */
        dm_arch a;
        dmi_layout lay;
        dmi_problem_arch(p, &a);
        dmi_space_layout(&a, &lay);
        int32_t n = lay.n_stages;
        dmi_score_alphas(&p->score, n, out->alpha);
        out->n_alpha = n;
        for (int32_t i = 0; i < n - 1; i++) out->alpha[i] = 0.0;
    }
}

static dm_status bad(dm_error *err, const char *what, double v, const char *rule) {
    return DM_FAIL(err, DM_ERR_INVALID, "problem: %s is %g; %s", what, v, rule);
}

static dm_status validate_layout(const dm_problem *p, dm_error *err) {
    if (p->n_superblocks < 1 || p->n_superblocks > DM_MAX_SUPERBLOCKS)
        return bad(err, "superblock count", p->n_superblocks, "it must be 1..32");
    int32_t r = p->input_size;
    if (p->stem_stride < 1 || p->stem_stride > DM_MAX_STRIDE || r % p->stem_stride)
        return bad(err, "stem stride", p->stem_stride, "it must be 1..4 and divide the input size");
    r /= p->stem_stride;
    for (int32_t i = 0; i < p->n_superblocks; i++) {
        if (p->stride[i] < 1 || p->stride[i] > DM_MAX_STRIDE || r % p->stride[i])
            return DM_FAIL(err, DM_ERR_INVALID,
                           "problem: superblock %d stride %d must be 1..4 and divide resolution %d",
                           i + 1, p->stride[i], r);
        r /= p->stride[i];
        if (p->depth_min[i] < 1 || p->depth_max[i] < p->depth_min[i] || p->depth_max[i] > DM_MAX_DEPTH)
            return DM_FAIL(err, DM_ERR_INVALID,
                           "problem: superblock %d depth range %d..%d must lie in 1..%d", i + 1,
                           p->depth_min[i], p->depth_max[i], DM_MAX_DEPTH);
    }
    if (p->stem_kernel < 1 || p->stem_kernel > DM_MAX_KERNEL || p->stem_kernel % 2 == 0)
        return bad(err, "stem kernel", p->stem_kernel, "it must be odd, 1..15");
    return DM_OK;
}

static dm_status validate_domains(const dm_problem *p, dm_error *err) {
    if (p->n_kernels < 1 || p->n_kernels > DM_PROBLEM_MAX_KERNELS)
        return bad(err, "kernel count", p->n_kernels, "give 1..8 kernel sizes");
    for (int32_t i = 0; i < p->n_kernels; i++) {
        if (p->kernels[i] < 1 || p->kernels[i] > DM_MAX_KERNEL || p->kernels[i] % 2 == 0)
            return bad(err, "a kernel size", p->kernels[i], "kernels must be odd, 1..15, ascending");
        if (i && p->kernels[i] <= p->kernels[i - 1])
            return DM_FAIL(err, DM_ERR_INVALID,
                           "problem: kernel sizes must be ascending and distinct, got %d after %d",
                           p->kernels[i], p->kernels[i - 1]);
    }
    if (p->granularity < 1 || p->granularity > 1024)
        return bad(err, "channel granularity", p->granularity, "it must be 1..1024");
    if (p->min_channels < 1 || p->max_channels > DM_MAX_CHANNELS || p->min_channels > p->max_channels)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: channel range %d..%d must lie in 1..%d",
                       p->min_channels, p->max_channels, DM_MAX_CHANNELS);
    if (dmi_grid_lo(p) > p->max_channels)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: no multiple of %d lies in %d..%d", p->granularity,
                       p->min_channels, p->max_channels);
    if (!(p->inner_min >= 0 && p->inner_max >= p->inner_min && p->inner_max <= DM_MAX_EXPAND))
        return DM_FAIL(err, DM_ERR_INVALID, "problem: inner ratio range %g..%g must lie in 0..%g",
                       p->inner_min, p->inner_max, DM_MAX_EXPAND);
    if (p->inner_round != 0 && p->inner_round != 1)
        return bad(err, "inner rounding", p->inner_round, "it must be 0 (up) or 1 (nearest)");
    if (p->family == DM_BLOCK_MBCONV && p->inner_min < 1)
        return bad(err, "mbconv inner ratio minimum", p->inner_min, "it must be >= 1");
    return DM_OK;
}

/* The stem range, head cap and head ratios (0 = no limit each). */
static dm_status validate_ends(const dm_problem *p, dm_error *err) {
    int32_t lo, hi;
    if (p->stem_min < 0 || p->stem_max < 0 || p->stem_min > DM_MAX_CHANNELS ||
        p->stem_max > DM_MAX_CHANNELS || (p->stem_max && p->stem_min > p->stem_max))
        return DM_FAIL(err, DM_ERR_INVALID,
                       "problem: stem width range %d..%d must lie in 1..%d (0 = the channel range)",
                       p->stem_min, p->stem_max, DM_MAX_CHANNELS);
    dmi_item_range(p, 0, &lo, &hi);
    if (lo > hi)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: no multiple of %d lies in the stem range %d..%d",
                       p->granularity, lo, hi);
    if (p->head_max < 0 || p->head_max > DM_MAX_CHANNELS)
        return bad(err, "head width cap", p->head_max, "it must be 0..65536 (0 = the channel cap)");
    dmi_item_range(p, p->n_superblocks + 1, &lo, &hi);
    if (p->head && lo > hi)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: no multiple of %d lies in the head range %d..%d",
                       p->granularity, lo, hi);
    if (!(p->head_ratio_min >= 0 && p->head_ratio_min <= DM_MAX_EXPAND))
        return bad(err, "head ratio minimum", p->head_ratio_min, "it must be 0..64 (0 = no limit)");
    if (!(p->head_ratio_max >= 0 && p->head_ratio_max <= DM_MAX_EXPAND))
        return bad(err, "head ratio maximum", p->head_ratio_max, "it must be 0..64 (0 = no limit)");
    if (p->head_ratio_max > 0 && p->head_ratio_max < p->head_ratio_min)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: head ratio range %g..%g is empty",
                       p->head_ratio_min, p->head_ratio_max);
    return DM_OK;
}

/* What the paper style cannot build, told before the solve. */
static dm_status validate_style(const dm_problem *p, dm_error *err) {
    if ((int)p->style < 0 || p->style >= DM_STYLE_COUNT) return bad(err, "style", p->style, "unknown");
    if (p->style != DM_STYLE_PAPER) return DM_OK;
    if (p->family == DM_BLOCK_BASIC)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: the paper style has no basic blocks "
                       "(use bottleneck or mbconv, or style torchvision)");
    if (p->family == DM_BLOCK_MBCONV && !p->se)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: the paper style's mbconv block (ResK1DWSEK1) "
                       "always has SE (use SE on, or style torchvision)");
    for (int32_t i = 0; i < p->n_superblocks; i++)
        if (p->stride[i] > 2)
            return DM_FAIL(err, DM_ERR_INVALID, "problem: superblock %d stride %d; the paper style "
                           "allows strides 1 and 2", i + 1, p->stride[i]);
    return DM_OK;
}

static dm_status validate_rest(const dm_problem *p, dm_error *err) {
    if ((int)p->family < 0 || p->family >= DM_BLOCK_COUNT)
        return bad(err, "block family", p->family, "unknown family");
    if (p->se && p->family != DM_BLOCK_MBCONV)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: SE is only defined for mbconv blocks");
    if ((int)p->act < 0 || p->act >= DM_ACT_COUNT) return bad(err, "activation", p->act, "unknown");
    if (p->in_channels < 1 || p->in_channels > DM_MAX_CHANNELS)
        return bad(err, "input channels", p->in_channels, "it must be 1..65536");
    if (p->input_size < 1 || p->input_size > DM_MAX_INPUT_SIZE)
        return bad(err, "input size", p->input_size, "it must be 1..4096");
    if (p->classes < 0 || p->classes > DM_MAX_CLASSES)
        return bad(err, "classes", p->classes, "it must be 0..1000000");
    for (int c = 0; c < DM_CONSTRAINT_COUNT; c++)
        if (dmi_constraint_count_limit(p, (dm_constraint)c) < 0)
            return DM_FAIL(err, DM_ERR_INVALID, "problem: budgets must be >= 0 (0 = no limit)");
    if (!(p->rho0 > 0 && p->rho0 < 1e6)) return bad(err, "rho0", p->rho0, "it must be > 0");
    if (p->head != 0 && p->head != 1) return bad(err, "head flag", p->head, "it must be 0 or 1");
    if (p->node_limit < 0) return bad(err, "node limit", (double)p->node_limit, "it must be >= 0");
    return DM_OK;
}

/* One stage weight per stage of the layout (or none: the defaults), told
   before the solve (the score would refuse it only then). */
static dm_status validate_alpha(const dm_problem *p, dm_error *err) {
    dm_arch a;
    dmi_layout lay;
    if (!p->score.n_alpha) return DM_OK;
    dmi_problem_arch(p, &a);
    dmi_space_layout(&a, &lay);
    if (p->score.n_alpha != lay.n_stages)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: %d stage weights given but the layout has %d "
                       "stages", p->score.n_alpha, lay.n_stages);
    return DM_OK;
}

/* A latency budget needs a table to predict with; a table must be one
   (its entries are checked when the solver indexes it, and its coverage
   of the space against dm_latency_shapes). */
#define MAX_LATENCY_MS 1e9
static dm_status validate_latency(const dm_problem *p, dm_error *err) {
    const dm_latency_table *t = p->latency_table;
    if (!(p->max_latency_ms >= 0 && p->max_latency_ms < MAX_LATENCY_MS))
        return bad(err, "latency budget (ms)", p->max_latency_ms, "it must be >= 0 (0 = no limit)");
    if (p->max_latency_ms > 0 && !t)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: a latency budget needs a latency table "
                       "to predict with (docs/latency.md)");
    if (!t) return DM_OK;
    if (t->threads < 1 || t->batch < 1 || t->n_entries < 0 || (t->n_entries > 0 && !t->entries))
        return DM_FAIL(err, DM_ERR_INVALID, "problem: the latency table is not a table (threads "
                       "%d, batch %d, %d entries)", t->threads, t->batch, t->n_entries);
    if (t->n_entries == 0)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: the latency table has no entries");
    return DM_OK;
}

dm_status dm_problem_validate(const dm_problem *p, dm_error *err) {
    if (!p) return DM_FAIL(err, DM_ERR_INVALID, "no problem given");
    dm_status s = validate_rest(p, err);
    if (!s) s = validate_layout(p, err);
    if (!s) s = validate_domains(p, err);
    if (!s) s = validate_ends(p, err);
    if (!s) s = validate_style(p, err);
    if (!s) s = validate_alpha(p, err);
    if (!s) s = validate_latency(p, err);
    return s;
}

/* ----------------------------------------------------------------- spaces */

/* The paper space (SPEC section 8, docs/spaces.md): the reference code's
   k1kxk1 and k1dwsek1 spaces, with this project's conventions where the
   code is silent (stems 16..64 to admit the published stems, a head of 1
   to 6 times the last superblock's width). */
#define PAPER_STEM_MIN 16
#define PAPER_STEM_MAX 64
#define PAPER_HEAD_RATIO_MAX 6.0

static dm_status set_paper(dm_problem *p, dm_error *err) {
    bool mb = p->family == DM_BLOCK_MBCONV;
    if (p->family != DM_BLOCK_BOTTLENECK && !mb)
        return DM_FAIL(err, DM_ERR_INVALID, "the paper space has no %s blocks (the reference code "
                       "searches bottleneck and mbconv; use the open space)",
                       dm_block_kind_name(p->family));
    p->style = DM_STYLE_PAPER;
    p->act = mb ? DM_ACT_SILU : DM_ACT_RELU;
    p->se = mb;
    p->inner_min = mb ? 1.5 : 0.1;
    p->inner_max = mb ? 6.0 : 1.0;
    p->inner_round = 1;
    p->n_kernels = mb ? 3 : 2;
    for (int32_t i = 0; i < p->n_kernels; i++) p->kernels[i] = 3 + 2 * i;
    p->granularity = 8;
    p->min_channels = 8;
    p->max_channels = mb ? 1280 : 2048;
    p->stem_min = PAPER_STEM_MIN;
    p->stem_max = PAPER_STEM_MAX;
    p->head_ratio_min = 1.0;
    p->head_ratio_max = PAPER_HEAD_RATIO_MAX;
    p->head_max = (int32_t)PAPER_HEAD_RATIO_MAX * p->max_channels;
    return DM_OK;
}

dm_status dm_problem_set_space(dm_problem *p, dm_space space, dm_error *err) {
    if (!p) return DM_FAIL(err, DM_ERR_INVALID, "no problem given");
    if (space == DM_SPACE_PAPER) return set_paper(p, err);
    if (space != DM_SPACE_OPEN) return DM_FAIL(err, DM_ERR_INVALID, "unknown search space %d", (int)space);
    if ((int)p->family < 0 || p->family >= DM_BLOCK_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "problem: unknown block family %d", (int)p->family);
    dm_problem d; /* the open space is the defaults' domains */
    dm_problem_default(&d, p->family);
    p->style = d.style;
    p->act = d.act;
    p->se = d.se;
    p->inner_min = d.inner_min;
    p->inner_max = d.inner_max;
    p->inner_round = d.inner_round;
    p->n_kernels = d.n_kernels;
    memcpy(p->kernels, d.kernels, sizeof p->kernels);
    p->granularity = d.granularity;
    p->min_channels = d.min_channels;
    p->max_channels = d.max_channels;
    p->stem_min = d.stem_min;
    p->stem_max = d.stem_max;
    p->head_max = d.head_max;
    p->head_ratio_min = d.head_ratio_min;
    p->head_ratio_max = d.head_ratio_max;
    return DM_OK;
}

/* ---------------------------------------------------------------- presets */

typedef struct preset {
    const char *name;
    const char *reference;  /* zoo net giving the budget, or NULL (round figures) */
    const char *published;  /* the paper's structure, or NULL */
    dm_block_kind family;
    int32_t input_size;
    int64_t params, macs;   /* round figures when reference is NULL */
    int32_t strides[5];
} preset;

static const preset presets[] = {
    {"r18", "resnet18", "deepmad-r18", DM_BLOCK_BOTTLENECK, 224, 0, 0, {2, 2, 2, 1, 2}},
    {"r34", "resnet34", "deepmad-r34", DM_BLOCK_BOTTLENECK, 224, 0, 0, {2, 2, 2, 1, 2}},
    {"r50", "resnet50", "deepmad-r50", DM_BLOCK_BOTTLENECK, 224, 0, 0, {2, 2, 2, 1, 2}},
    {"b0", "efficientnet_b0", NULL, DM_BLOCK_MBCONV, 224, 0, 0, {1, 2, 2, 2, 2}},
    {"mb", "mobilenet_v2", NULL, DM_BLOCK_MBCONV, 224, 0, 0, {1, 2, 2, 2, 2}},
    {"29m", NULL, "deepmad-29m-224", DM_BLOCK_MBCONV, 224, 29000000, 4500000000, {1, 2, 2, 2, 2}},
    {"29m-288", NULL, "deepmad-29m-288", DM_BLOCK_MBCONV, 288, 29000000, 4500000000, {2, 2, 2, 1, 2}},
    {"50m", NULL, "deepmad-50m", DM_BLOCK_MBCONV, 224, 50000000, 8700000000, {2, 2, 2, 2, 1}},
    {"89m", NULL, "deepmad-89m", DM_BLOCK_MBCONV, 224, 89000000, 15400000000, {2, 2, 2, 2, 1}},
};

int32_t dm_preset_count(void) { return DM_COUNTOF(presets); }
const char *dm_preset_name(int32_t i) {
    return i >= 0 && i < DM_COUNTOF(presets) ? presets[i].name : NULL;
}

static const preset *find_preset(const char *name) {
    for (int i = 0; name && i < DM_COUNTOF(presets); i++)
        if (strcmp(presets[i].name, name) == 0) return &presets[i];
    return NULL;
}

const char *dm_preset_reference(const char *name) {
    const preset *q = find_preset(name);
    return q ? q->reference : NULL;
}
const char *dm_preset_published(const char *name) {
    const preset *q = find_preset(name);
    return q ? q->published : NULL;
}

/* Exact params and MACs of a zoo network (SPEC section 6). */
static dm_status zoo_budget(const char *net_name, int64_t *params, int64_t *macs, dm_error *err) {
    dm_arch a;
    dm_net *net = NULL;
    dm_metrics m;
    dm_status s = dm_zoo_arch(net_name, &a, err);
    if (!s) s = dm_net_create(&a, &net, err);
    if (!s) s = dm_net_metrics(net, NULL, &m, err);
    dm_net_free(net);
    if (s) return s;
    *params = m.params;
    *macs = m.macs;
    return DM_OK;
}

dm_status dm_problem_preset(const char *name, dm_problem *p, dm_error *err) {
    const preset *q = find_preset(name);
    if (!q || !p)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "unknown preset '%.40s' (r18 r34 r50 b0 mb 29m 29m-288 50m 89m)",
                       name ? name : "(null)");
    dm_problem_default(p, q->family);
    p->input_size = q->input_size;
    for (int i = 0; i < 5; i++) p->stride[i] = q->strides[i];
    p->max_params = q->params;
    p->max_macs = q->macs;
    dm_status s = dm_problem_set_space(p, DM_SPACE_PAPER, err);
    if (s) return s;
    if (q->reference) return zoo_budget(q->reference, &p->max_params, &p->max_macs, err);
    return DM_OK;
}
