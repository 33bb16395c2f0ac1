/*
** space.c -- the design-space model (space.h): layout, items, tallies.
*/
#include "space.h"
#include "cost.h"
#include <math.h>
#include <string.h>

static int32_t step(int32_t r, int32_t stride) { return stride > 1 ? r / stride : r; }

void dmi_space_layout(const dm_arch *a, dmi_layout *out) {
    int32_t n = a->n_superblocks < 0 ? 0 : a->n_superblocks > DM_MAX_SUPERBLOCKS
                                               ? DM_MAX_SUPERBLOCKS : a->n_superblocks;
    int32_t stage = 0, r;
    memset(out, 0, sizeof *out);
    r = out->stem_r = out->stage_r[0] = step(a->input_size, a->stem.stride);
    if (a->stem.maxpool) r = out->pool_r = out->stage_r[++stage] = r / 2;
    for (int32_t i = 0; i < n; i++) {
        if (a->sb[i].stride > 1 && stage < DM_MAX_STAGES - 1) stage++;
        out->sb_stage[i] = stage;
        out->sb_rin[i] = r;
        r = out->sb_rout[i] = out->stage_r[stage] = step(r, a->sb[i].stride);
    }
    out->final_r = r;
    out->n_stages = stage + 1;
}

bool dmi_space_main_path(dm_role role) {
    return role == DM_ROLE_STEM || role == DM_ROLE_MAIN || role == DM_ROLE_HEAD;
}

static int64_t elems(int32_t r, int32_t c) { return (int64_t)r * r * c; }

int64_t dmi_space_activation(const dm_layer *l) {
    return elems(l->r_in, l->c_in) + elems(l->r_out, l->c_out);
}

int64_t dmi_space_pool_activation(const dmi_layout *lay, int32_t stem_channels) {
    if (!lay->pool_r) return 0;
    return elems(lay->stem_r, stem_channels) + elems(lay->pool_r, stem_channels);
}

dm_status dmi_space_stem(const dm_arch *a, dm_layer *l, dm_error *err) {
    return dmi_conv(l, DM_ROLE_STEM, a->in_channels, a->stem.out, a->stem.kernel, a->stem.stride,
                    1, a->input_size, err);
}

dm_status dmi_space_block(const dm_arch *a, const dmi_layout *lay, int32_t sbi, int32_t index,
                          int32_t c_in, dm_block_info *b, dm_layer ls[DMI_BLOCK_MAX_LAYERS],
                          int32_t *n, dm_error *err) {
    int32_t r = index ? lay->sb_rout[sbi] : lay->sb_rin[sbi];
    dm_status s = dmi_block_resolve(a, sbi, index, c_in, r, lay->sb_stage[sbi], b, err);
    return s ? s : dmi_block_layers(b, ls, n, err);
}

dm_status dmi_space_head(const dm_arch *a, const dmi_layout *lay, int32_t c_in, dm_layer *l,
                         dm_error *err) {
    dm_status s = dmi_conv(l, DM_ROLE_HEAD, c_in, a->head, 1, 1, 1, lay->final_r, err);
    l->stage = lay->n_stages - 1;
    return s;
}

dm_status dmi_space_classifier(const dm_arch *a, const dmi_layout *lay, int32_t c_in, dm_layer *l,
                               dm_error *err) {
    dm_status s = dmi_classifier(l, c_in, a->classes, err);
    l->stage = lay->n_stages - 1;
    return s;
}

/* *to += v * times, saturating at INT64_MAX (v, times >= 0). */
static bool add_times(int64_t *to, int64_t v, int64_t times) {
    int64_t p;
    if (dmi_mul64(v, times, &p) && dmi_add64(*to, p, to)) return true;
    *to = INT64_MAX;
    return false;
}

static bool add_tally(dmi_tally *t, const dmi_tally *b, int32_t times) {
    bool ok = add_times(&t->params, b->params, times);
    ok &= add_times(&t->macs, b->macs, times);
    if (b->peak > t->peak) t->peak = b->peak;
    t->layers += b->layers * times;
    t->logw += b->logw * (double)times;
    return ok;
}

/* dmi_space_tally, the logs of the widths only when `logs`. */
static bool tally(dmi_tally *t, const dm_layer *ls, int32_t n, bool logs) {
    bool ok = true;
    for (int32_t i = 0; i < n; i++) {
        const dm_layer *l = &ls[i];
        dmi_tally one = {.params = l->params, .macs = l->macs, .peak = dmi_space_activation(l)};
        if (dmi_space_main_path(l->role)) {
            one.layers = 1;
            one.logw = logs ? log(dmi_layer_width(l)) : 0;
        }
        ok &= add_tally(t, &one, 1);
    }
    return ok;
}

bool dmi_space_tally(dmi_tally *t, const dm_layer *ls, int32_t n) { return tally(t, ls, n, true); }

static dm_status block_tally(const dm_arch *a, const dmi_layout *lay, int32_t sbi, int32_t index,
                             int32_t c_in, bool logs, dmi_tally *out, dm_error *err) {
    dm_block_info b;
    dm_layer ls[DMI_BLOCK_MAX_LAYERS];
    int32_t n;
    memset(out, 0, sizeof *out);
    dm_status s = dmi_space_block(a, lay, sbi, index, c_in, &b, ls, &n, err);
    if (!s && !tally(out, ls, n, logs))
        return DM_FAIL(err, DM_ERR_RANGE, "block costs overflow 64-bit counters");
    return s;
}

dm_status dmi_space_block_tally(const dm_arch *a, const dmi_layout *lay, int32_t sbi,
                                int32_t index, int32_t c_in, dmi_tally *out, dm_error *err) {
    return block_tally(a, lay, sbi, index, c_in, true, out, err);
}

dm_status dmi_space_block_costs(const dm_arch *a, const dmi_layout *lay, int32_t sbi,
                                int32_t index, int32_t c_in, dmi_tally *out, dm_error *err) {
    return block_tally(a, lay, sbi, index, c_in, false, out, err);
}

bool dmi_space_repeat(dmi_tally *t, const dmi_tally *first, const dmi_tally *rest, int32_t depth) {
    bool ok = add_tally(t, first, 1);
    if (depth > 1) ok &= add_tally(t, rest, depth - 1);
    return ok;
}

/* dmi_space_block_tally through the memo (space.h). */
static dm_status memo_block(const dm_arch *a, const dmi_layout *lay, int32_t sbi, int32_t index,
                            int32_t c_in, dmi_memo *memo, dmi_tally *out, dm_error *err) {
    if (!memo) return dmi_space_block_tally(a, lay, sbi, index, c_in, out, err);
    const dm_superblock *sb = &a->sb[sbi];
    int32_t key[6] = {sbi + 1, index, c_in, sb->out, sb->inner, sb->kernel};
    uint32_t h = 2166136261u;   /* FNV-1a over the key's words */
    for (int i = 0; i < 6; i++) h = (h ^ (uint32_t)key[i]) * 16777619u;
    dmi_memo_slot *slot = &memo->slot[h % DMI_MEMO_SLOTS];
    if (!memcmp(slot->key, key, sizeof key)) { *out = slot->t; return DM_OK; }
    dm_status s = dmi_space_block_tally(a, lay, sbi, index, c_in, out, err);
    if (!s) { memcpy(slot->key, key, sizeof key); slot->t = *out; }
    return s;
}

dm_status dmi_space_tally_fast(const dm_arch *a, const dmi_layout *lay, dmi_tally *ts,
                               int32_t *chan, dmi_memo *memo, dm_error *err) {
    int32_t last = lay->n_stages - 1, c = a->stem.out;
    dm_layer l;
    dmi_tally b0, b1 = {0};
    bool ok = true;
    dm_status s = dmi_space_stem(a, &l, err);
    ok &= dmi_space_tally(&ts[0], &l, 1);
    chan[0] = c;
    for (int32_t i = 0; i < a->n_superblocks && !s; i++) {
        s = memo_block(a, lay, i, 0, c, memo, &b0, err);
        c = a->sb[i].out;
        if (!s && a->sb[i].depth > 1) s = memo_block(a, lay, i, 1, c, memo, &b1, err);
        ok &= dmi_space_repeat(&ts[lay->sb_stage[i]], &b0, &b1, a->sb[i].depth);
        chan[lay->sb_stage[i]] = c;
    }
    if (!s && a->head > 0) {
        s = dmi_space_head(a, lay, c, &l, err);
        ok &= dmi_space_tally(&ts[last], &l, 1);
        chan[last] = c = a->head;
    }
    if (!s && a->classes > 0) {
        s = dmi_space_classifier(a, lay, c, &l, err);
        ok &= dmi_space_tally(&ts[last], &l, 1);
    }
    if (!s && !ok) return DM_FAIL(err, DM_ERR_RANGE, "candidate costs overflow 64-bit counters");
    return s;
}

bool dmi_space_sums(const dm_arch *a, const dmi_layout *lay, const dmi_tally *ts,
                    const int32_t *chan, dmi_stage_sum *st, dmi_tally *tot) {
    bool ok = true;
    memset(tot, 0, sizeof *tot);
    for (int32_t i = 0; i < lay->n_stages; i++) {
        st[i] = (dmi_stage_sum){.layers = ts[i].layers, .log_width = ts[i].logw,
                                .resolution = lay->stage_r[i], .channels = chan[i]};
        if (i > 0 && ts[i].layers == 0) st[i].channels = st[i - 1].channels;
        ok &= dmi_space_repeat(tot, &ts[i], NULL, 1);
    }
    int64_t pool = dmi_space_pool_activation(lay, a->stem.out);
    if (pool > tot->peak) tot->peak = pool;
    return ok;
}
