/*
** arch.c -- the plain description dm_arch: defaults and the validity rules
** (limits, odd kernels, strides that divide the resolution).  Everything
** that builds a net checks here first, so no later module sees a
** description these rules reject.
*/
#include "internal.h"
#include "blocks.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

void dm_arch_init(dm_arch *a) {
    memset(a, 0, sizeof *a);
    a->stem.act = DM_ACT_RELU;
    a->head_act = DM_ACT_RELU;
    for (int i = 0; i < DM_MAX_SUPERBLOCKS; i++) {
        a->sb[i].act = DM_ACT_RELU;
        a->sb[i].shortcut = DM_SHORTCUT_CONV;
    }
}

static dm_status check_range(const char *what, int64_t v, int64_t lo, int64_t hi,
                             dm_error *err) {
    if (v < lo || v > hi)
        return DM_FAIL(err, v < lo ? DM_ERR_INVALID : DM_ERR_RANGE,
                       "%s is %lld; it must be between %lld and %lld", what,
                       (long long)v, (long long)lo, (long long)hi);
    return DM_OK;
}

static dm_status check_kernel(const char *what, int32_t k, dm_error *err) {
    dm_status s = check_range(what, k, 1, DM_MAX_KERNEL, err);
    if (s == DM_OK && k % 2 == 0)
        return DM_FAIL(err, DM_ERR_INVALID, "%s is %d; kernels must be odd", what, k);
    return s;
}

static dm_status check_act(const char *what, dm_act a, dm_error *err) {
    if ((int)a < 0 || a >= DM_ACT_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "%s has an unknown activation (%d)", what, (int)a);
    return DM_OK;
}

/* Divide the running resolution by `stride`, refusing a remainder. */
static dm_status step_resolution(const char *what, int32_t *r, int32_t stride, dm_error *err) {
    if (*r % stride != 0)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "%s: stride %d does not divide resolution %d (resolution would be %.2f)",
                       what, stride, *r, (double)*r / stride);
    *r /= stride;
    return DM_OK;
}

static dm_status check_stem(const dm_arch *a, int32_t *r, dm_error *err) {
    dm_status s;
    if ((s = check_range("input channels", a->in_channels, 1, DM_MAX_CHANNELS, err))) return s;
    if ((s = check_range("input size", a->input_size, 1, DM_MAX_INPUT_SIZE, err))) return s;
    if ((s = check_range("stem channels", a->stem.out, 1, DM_MAX_CHANNELS, err))) return s;
    if ((s = check_kernel("stem kernel", a->stem.kernel, err))) return s;
    if ((s = check_range("stem stride", a->stem.stride, 1, DM_MAX_STRIDE, err))) return s;
    if ((s = check_range("stem maxpool flag", a->stem.maxpool, 0, 1, err))) return s;
    if ((s = check_act("stem", a->stem.act, err))) return s;
    *r = a->input_size;
    if ((s = step_resolution("stem", r, a->stem.stride, err))) return s;
    if (a->stem.maxpool && (s = step_resolution("stem max-pool", r, 2, err))) return s;
    return DM_OK;
}

/* What the paper style cannot build (the reference's blocks, SPEC
   section 8): no basic block, mbconv always with SE, strides 1 or 2 (its
   shortcuts pool 2x2). */
static dm_status check_paper(const dm_superblock *b, int i, dm_error *err) {
    if (b->kind == DM_BLOCK_BASIC)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "superblock %d: the paper style has no basic block (use bottleneck or "
                       "mbconv, or style torchvision)", i + 1);
    if (b->kind == DM_BLOCK_MBCONV && !b->se)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "superblock %d: the paper style's mbconv block (ResK1DWSEK1) always has SE",
                       i + 1);
    if (b->stride > 2)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "superblock %d: stride %d; the paper style allows strides 1 and 2", i + 1,
                       (int)b->stride);
    return DM_OK;
}

static dm_status check_superblock(const dm_superblock *b, int i, int32_t *r, dm_error *err) {
    char w[64];
    dm_status s;
#define CHECK(name, v, lo, hi)                                           \
    snprintf(w, sizeof w, "superblock %d " name, i + 1);                 \
    if ((s = check_range(w, (v), (lo), (hi), err))) return s
    if ((int)b->kind < 0 || b->kind >= DM_BLOCK_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "superblock %d has an unknown block kind (%d)",
                       i + 1, (int)b->kind);
    CHECK("output channels", b->out, 1, DM_MAX_CHANNELS);
    CHECK("depth", b->depth, 1, DM_MAX_DEPTH);
    CHECK("stride", b->stride, 1, DM_MAX_STRIDE);
    CHECK("inner width", b->inner, 0, DM_MAX_CHANNELS);
    CHECK("se flag", b->se, 0, 1);
#undef CHECK
    snprintf(w, sizeof w, "superblock %d kernel", i + 1);
    if ((s = check_kernel(w, b->kernel, err))) return s;
    if (b->inner == 0 && !(isfinite(b->expand) && b->expand > 0 && b->expand <= DM_MAX_EXPAND))
        return DM_FAIL(err, DM_ERR_INVALID,
                       "superblock %d: give an inner width >= 1 or an expansion ratio in (0, %g]",
                       i + 1, DM_MAX_EXPAND);
    if (b->se && b->kind != DM_BLOCK_MBCONV)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "superblock %d: squeeze-excitation is only defined for mbconv blocks", i + 1);
    if ((int)b->shortcut < 0 || b->shortcut >= DM_SHORTCUT_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "superblock %d has an unknown shortcut (%d)",
                       i + 1, (int)b->shortcut);
    snprintf(w, sizeof w, "superblock %d", i + 1);
    if ((s = check_act(w, b->act, err))) return s;
    return step_resolution(w, r, b->stride, err);
}

dm_status dm_arch_validate(const dm_arch *a, dm_error *err) {
    if (!a) return DM_FAIL(err, DM_ERR_INVALID, "no architecture given");
    int32_t r;
    if ((int)a->style < 0 || a->style >= DM_STYLE_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "unknown block style (%d)", (int)a->style);
    dm_status s = check_stem(a, &r, err);
    if (s) return s;
    if ((s = check_range("superblock count", a->n_superblocks, 0, DM_MAX_SUPERBLOCKS, err)))
        return s;
    int32_t c = a->stem.out;
    for (int i = 0; i < a->n_superblocks; i++) {
        if ((s = check_superblock(&a->sb[i], i, &r, err))) return s;
        if (a->style == DM_STYLE_PAPER && (s = check_paper(&a->sb[i], i, err))) return s;
        /* Inner widths from a ratio must land inside the limits too. */
        for (int first = 1; first >= 0; first--) {
            int32_t m;
            if ((s = dmi_inner_width(&a->sb[i], first ? c : a->sb[i].out, &m, err))) return s;
            if (a->sb[i].depth == 1) break;
        }
        c = a->sb[i].out;
    }
    if ((s = check_range("head channels", a->head, 0, DM_MAX_CHANNELS, err))) return s;
    if ((s = check_act("head", a->head_act, err))) return s;
    return check_range("classes", a->classes, 0, DM_MAX_CLASSES, err);
}
