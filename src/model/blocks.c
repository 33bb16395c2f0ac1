/*
** blocks.c -- what each block family is made of (SPEC section 1).
**
**   basic:      kxk c_in->m (stride), kxk m->c_out
**   bottleneck: 1x1 c_in->m, kxk m->m (stride), 1x1 m->c_out   (torchvision v1.5)
**   mbconv:     [1x1 c_in->m], depthwise kxk m (stride), [SE m->sq->m],
**               1x1 m->c_out; no expand conv when m == c_in (expansion 1)
**
** Residuals follow torchvision: basic and bottleneck add the input, through
** a projection when stride != 1 or c_in != c_out (1x1 conv + BN, or the
** ResNet-D avg-pool then 1x1 conv); mbconv adds only when stride 1 and
** c_in == c_out, and never projects.  SE has max(1, c_in/4) squeeze
** channels and biased 1x1 convs at 1x1 resolution (EfficientNet).
**
** The paper style (DM_STYLE_PAPER) builds the reference code's blocks
** instead (SPEC section 8, docs/styles.md), which differ only off the main
** path and in the expand conv:
**   bottleneck (ResK1KXK1): block 0 of a superblock always projects (the
**     reference's force_resproj), as avg-pool 2x2 (when strided) then 1x1
**     conv + BN; the other blocks add the identity.
**   mbconv (ResK1DWSEK1): the 1x1 expand conv is always there; SE squeezes
**     the inner width m to max(1, round(m/4) // 8) * 8 channels (Python's
**     round: half to even) with BN'd 1x1 convs and no bias; the residual is
**     added only when c_in == c_out (through a 2x2 avg-pool when strided),
**     never projected; the activation follows the project conv (and add).
*/
#include "blocks.h"
#include "cost.h"
#include <math.h>
#include <string.h>

dm_status dmi_inner_width(const dm_superblock *sb, int32_t c_in, int32_t *m, dm_error *err) {
    double v = sb->inner > 0 ? (double)sb->inner : nearbyint(sb->expand * c_in);
    if (!(v >= 1 && v <= DM_MAX_CHANNELS))
        return DM_FAIL(err, DM_ERR_RANGE,
                       "inner width %.0f (expansion %g of %d channels) is outside 1..%d",
                       v, sb->expand, c_in, DM_MAX_CHANNELS);
    *m = (int32_t)v;
    return DM_OK;
}

/* The reference's SE squeeze width max(1, round(m * 0.25) // 8) * 8, with
   Python's round (half to even) done in integers. */
static int32_t paper_se_width(int32_t m) {
    int32_t q = m / 4, rem = m % 4;
    int32_t r = q + (rem == 3 || (rem == 2 && (q & 1)));
    return r / 8 > 0 ? r / 8 * 8 : 8;
}

/* The reference's rule: a projection when the shape changes or it is
   forced (block 0 of a bottleneck superblock); mbconv adds nothing then. */
static dm_residual paper_residual(const dm_superblock *sb, int32_t index, int32_t c_in,
                                  int32_t stride) {
    bool force = sb->kind == DM_BLOCK_BOTTLENECK && index == 0;
    if (c_in != sb->out || force)
        return sb->kind == DM_BLOCK_BOTTLENECK ? DM_RESIDUAL_AVGPOOL_CONV : DM_RESIDUAL_NONE;
    return stride > 1 ? DM_RESIDUAL_AVGPOOL : DM_RESIDUAL_IDENTITY;
}

static dm_residual residual_of(const dm_arch *a, const dm_superblock *sb, int32_t index,
                               int32_t c_in, int32_t stride) {
    if (a->style == DM_STYLE_PAPER) return paper_residual(sb, index, c_in, stride);
    bool same = stride == 1 && c_in == sb->out;
    if (sb->kind == DM_BLOCK_MBCONV) return same ? DM_RESIDUAL_IDENTITY : DM_RESIDUAL_NONE;
    if (same) return DM_RESIDUAL_IDENTITY;
    return sb->shortcut == DM_SHORTCUT_AVGPOOL_CONV ? DM_RESIDUAL_AVGPOOL_CONV : DM_RESIDUAL_CONV;
}

dm_status dmi_block_resolve(const dm_arch *a, int32_t sbi, int32_t index, int32_t c_in,
                            int32_t r_in, int32_t stage, dm_block_info *out, dm_error *err) {
    const dm_superblock *sb = &a->sb[sbi];
    memset(out, 0, sizeof *out);
    out->sb = sbi;
    out->index = index;
    out->kind = sb->kind;
    out->c_in = c_in;
    out->c_out = sb->out;
    out->kernel = sb->kernel;
    out->stride = index == 0 ? sb->stride : 1;
    out->r_in = r_in;
    out->r_out = r_in / out->stride;
    out->act = sb->act;
    out->stage = stage;
    dm_status s = dmi_inner_width(sb, c_in, &out->inner, err);
    if (s) return s;
    out->style = a->style;
    bool paper = a->style == DM_STYLE_PAPER;
    out->has_expand = paper || sb->kind != DM_BLOCK_MBCONV || out->inner != c_in;
    if (sb->se) out->se_channels = paper ? paper_se_width(out->inner) : c_in / 4 > 0 ? c_in / 4 : 1;
    out->residual = residual_of(a, sb, index, c_in, out->stride);
    return DM_OK;
}

dm_status dmi_conv(dm_layer *l, dm_role role, int32_t c_in, int32_t c_out, int32_t k,
                   int32_t stride, int32_t groups, int32_t r_in, dm_error *err) {
    memset(l, 0, sizeof *l);
    l->role = role;
    l->c_in = c_in;
    l->c_out = c_out;
    l->kernel = k;
    l->stride = stride;
    l->groups = groups;
    l->r_in = r_in;
    l->r_out = r_in / stride;
    l->bn = 1;
    l->sb = l->block = -1;
    return dmi_layer_cost(l, err);
}

dm_status dmi_classifier(dm_layer *l, int32_t c_in, int32_t classes, dm_error *err) {
    memset(l, 0, sizeof *l);
    l->role = DM_ROLE_CLASSIFIER;
    l->c_in = c_in;
    l->c_out = classes;
    l->kernel = l->stride = l->groups = 1;
    l->r_in = l->r_out = 1;
    l->bias = 1;
    l->sb = l->block = -1;
    return dmi_layer_cost(l, err);
}

/* Append one conv of the block to out[*n]. */
static dm_status add(const dm_block_info *b, dm_layer *out, int32_t *n, dm_role role,
                     int32_t c_in, int32_t c_out, int32_t k, int32_t stride, int32_t groups,
                     int32_t r_in, dm_error *err) {
    dm_layer *l = &out[(*n)++];
    dm_status s = dmi_conv(l, role, c_in, c_out, k, stride, groups, r_in, err);
    l->sb = b->sb;
    l->block = b->index;
    l->stage = b->stage;
    if (role == DM_ROLE_SE) { /* 1x1 convs on the pooled vector: biased, or BN'd (paper) */
        l->bias = b->style != DM_STYLE_PAPER;
        l->bn = b->style == DM_STYLE_PAPER;
        l->r_in = l->r_out = 1;
        if (!s) s = dmi_layer_cost(l, err);
    }
    return s;
}

static dm_status mbconv_layers(const dm_block_info *b, dm_layer *out, int32_t *n, dm_error *err) {
    int32_t m = b->inner;
    dm_status s = DM_OK;
    if (b->has_expand) s = add(b, out, n, DM_ROLE_MAIN, b->c_in, m, 1, 1, 1, b->r_in, err);
    if (!s) s = add(b, out, n, DM_ROLE_MAIN, m, m, b->kernel, b->stride, m, b->r_in, err);
    if (!s && b->se_channels) {
        s = add(b, out, n, DM_ROLE_SE, m, b->se_channels, 1, 1, 1, 1, err);
        if (!s) s = add(b, out, n, DM_ROLE_SE, b->se_channels, m, 1, 1, 1, 1, err);
    }
    if (!s) s = add(b, out, n, DM_ROLE_MAIN, m, b->c_out, 1, 1, 1, b->r_out, err);
    return s;
}

dm_status dmi_block_layers(const dm_block_info *b, dm_layer out[DMI_BLOCK_MAX_LAYERS],
                           int32_t *n, dm_error *err) {
    dm_status s = DM_OK;
    int32_t m = b->inner, k = b->kernel;
    *n = 0;
    switch (b->kind) {
    case DM_BLOCK_BASIC:
        s = add(b, out, n, DM_ROLE_MAIN, b->c_in, m, k, b->stride, 1, b->r_in, err);
        if (!s) s = add(b, out, n, DM_ROLE_MAIN, m, b->c_out, k, 1, 1, b->r_out, err);
        break;
    case DM_BLOCK_BOTTLENECK:
        s = add(b, out, n, DM_ROLE_MAIN, b->c_in, m, 1, 1, 1, b->r_in, err);
        if (!s) s = add(b, out, n, DM_ROLE_MAIN, m, m, k, b->stride, 1, b->r_in, err);
        if (!s) s = add(b, out, n, DM_ROLE_MAIN, m, b->c_out, 1, 1, 1, b->r_out, err);
        break;
    case DM_BLOCK_MBCONV:
        s = mbconv_layers(b, out, n, err);
        break;
    default:
        return DM_FAIL(err, DM_ERR_INTERNAL, "unknown block kind %d", (int)b->kind);
    }
    if (!s && b->residual == DM_RESIDUAL_CONV)
        s = add(b, out, n, DM_ROLE_SHORTCUT, b->c_in, b->c_out, 1, b->stride, 1, b->r_in, err);
    if (!s && b->residual == DM_RESIDUAL_AVGPOOL_CONV) /* pooled first: conv at r_out */
        s = add(b, out, n, DM_ROLE_SHORTCUT, b->c_in, b->c_out, 1, 1, 1, b->r_out, err);
    return s;
}
