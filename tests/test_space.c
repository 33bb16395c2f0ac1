/*
** test_space.c -- the design-space model (src/model/space.h) against
** layouts, layers and counts derived by hand.
*/
#include "harness.h"
#include "deepmad.h"
#include "space.h"
#include <stdlib.h>
#include <string.h>

/* ResNet-18 at 224: 7x7/2 stem to 112, max-pool to 56 (opens stage 1),
   layer1 stride 1 (stays in stage 1), layers 2-4 stride 2 (stages 2-4). */
static void layout_resnet18(void) {
    dm_arch a;
    dmi_layout lay;
    CHECK(dm_zoo_arch("resnet18", &a, NULL) == DM_OK);
    dmi_space_layout(&a, &lay);
    CHECK_EQ_I64(lay.stem_r, 112);
    CHECK_EQ_I64(lay.pool_r, 56);
    CHECK_EQ_I64(lay.n_stages, 5);
    const int stage[4] = {1, 2, 3, 4}, rin[4] = {56, 56, 28, 14}, rout[4] = {56, 28, 14, 7};
    const int end[5] = {112, 56, 28, 14, 7};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_I64(lay.sb_stage[i], stage[i]);
        CHECK_EQ_I64(lay.sb_rin[i], rin[i]);
        CHECK_EQ_I64(lay.sb_rout[i], rout[i]);
    }
    for (int i = 0; i < 5; i++) CHECK_EQ_I64(lay.stage_r[i], end[i]);
    CHECK_EQ_I64(lay.final_r, 7);
    /* Stem 3->64, 7x7/2 at 224: 112^2 * 64 * 3 * 49 MACs, 64*3*49 + 2*64 params. */
    dm_layer l;
    CHECK(dmi_space_stem(&a, &l, NULL) == DM_OK);
    CHECK_EQ_I64(l.r_out, 112);
    CHECK_EQ_I64(l.macs, 118013952);
    CHECK_EQ_I64(l.params, 9536);
    /* The max-pool holds 112^2*64 + 56^2*64 elements: more than any conv
       (the stem's 224^2*3 + 112^2*64), so it is ResNet-18's peak. */
    CHECK_EQ_I64(dmi_space_pool_activation(&lay, 64), 1003520);
    CHECK_EQ_I64(dmi_space_activation(&l), 953344);
    dm_net *net;
    dm_metrics m;
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(dm_net_metrics(net, NULL, &m, NULL) == DM_OK);
    CHECK_EQ_I64(m.peak_activation, 1003520);
    dm_net_free(net);
}

/* A small mbconv-free net with a head: input 32, 3x3/2 stem to 16 (8 ch),
   one basic superblock (16 ch, inner 16, depth 3, stride 2) to 8 px, a
   1x1 head to 32 and 10 classes.  No max-pool: the stride-2 superblock
   opens stage 1, where head and classifier also sit. */
static dm_arch small_net(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = 3;
    a.input_size = 32;
    a.stem = (dm_stem){.out = 8, .kernel = 3, .stride = 2};
    a.n_superblocks = 1;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BASIC, .out = 16, .depth = 3, .kernel = 3,
                              .stride = 2, .inner = 16};
    a.head = 32;
    a.classes = 10;
    return a;
}

static void layout_head(void) {
    dm_arch a = small_net();
    dmi_layout lay;
    dmi_space_layout(&a, &lay);
    CHECK_EQ_I64(lay.stem_r, 16);
    CHECK_EQ_I64(lay.pool_r, 0);
    CHECK_EQ_I64(lay.n_stages, 2);
    CHECK_EQ_I64(lay.sb_stage[0], 1);
    CHECK_EQ_I64(lay.final_r, 8);
    CHECK_EQ_I64(dmi_space_pool_activation(&lay, 8), 0);
    dm_layer l;
    CHECK(dmi_space_head(&a, &lay, 16, &l, NULL) == DM_OK);
    CHECK_EQ_I64(l.stage, 1);
    CHECK_EQ_I64(l.macs, 8 * 8 * 32 * 16);        /* 1x1 16->32 at 8 px */
    CHECK_EQ_I64(l.params, 32 * 16 + 2 * 32);
    CHECK(dmi_space_classifier(&a, &lay, 32, &l, NULL) == DM_OK);
    CHECK_EQ_I64(l.stage, 1);
    CHECK_EQ_I64(l.macs, 320);
    CHECK_EQ_I64(l.params, 330);
    /* A stride-1 superblock stays in the stem's stage. */
    a.sb[0].stride = 1;
    dmi_space_layout(&a, &lay);
    CHECK_EQ_I64(lay.n_stages, 1);
    CHECK_EQ_I64(lay.sb_stage[0], 0);
    CHECK_EQ_I64(lay.final_r, 16);
}

/* The repeat rule on the small net's superblock, by hand.  Block 0 (8 ->
   16, stride 2, 16 -> 8 px): 3x3 8->16 (73728 MACs, 1184 params), 3x3
   16->16 (147456, 2336), 1x1/2 projection (8192, 160).  Block 1: two 3x3
   16->16 at 8 px (294912, 4672), identity. */
static void repeat_rule(void) {
    dm_arch a = small_net();
    dmi_layout lay;
    dmi_tally b0, b1, sb = {0};
    dmi_space_layout(&a, &lay);
    CHECK(dmi_space_block_tally(&a, &lay, 0, 0, 8, &b0, NULL) == DM_OK);
    CHECK(dmi_space_block_tally(&a, &lay, 0, 1, 16, &b1, NULL) == DM_OK);
    CHECK_EQ_I64(b0.macs, 229376);
    CHECK_EQ_I64(b0.params, 3680);
    CHECK_EQ_I64(b0.layers, 2);          /* the projection is off the main path */
    CHECK_NEAR(b0.logw, log(72.0) + log(144.0), 1e-12);
    CHECK_EQ_I64(b1.macs, 294912);
    CHECK_EQ_I64(b1.params, 4672);
    CHECK(dmi_space_repeat(&sb, &b0, &b1, 3));
    CHECK_EQ_I64(sb.macs, 229376 + 2 * 294912);
    CHECK_EQ_I64(sb.params, 3680 + 2 * 4672);
    CHECK_EQ_I64(sb.layers, 6);
    /* The built net agrees: stem + superblock + head + classifier. */
    dm_net *net;
    dm_metrics m;
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(dm_net_metrics(net, NULL, &m, NULL) == DM_OK);
    CHECK_EQ_I64(m.macs, 16 * 16 * 8 * 27 + sb.macs + 8 * 8 * 32 * 16 + 320);
    CHECK_EQ_I64(m.params, 8 * 27 + 16 + sb.params + 32 * 16 + 64 + 330);
    CHECK_EQ_I64(m.layers, 1 + 6 + 1);
    dm_net_free(net);
    /* Depth 1 reads block 0 only; a saturating sum says so. */
    dmi_tally one = {0}, big = {.macs = INT64_MAX / 2, .params = 1};
    CHECK(dmi_space_repeat(&one, &b0, NULL, 1));
    CHECK_EQ_I64(one.macs, b0.macs);
    CHECK(!dmi_space_repeat(&one, &b0, &big, 4));
    CHECK_EQ_I64(one.macs, INT64_MAX);
}

/* The repeat rule holds in the paper style too: only block 0 is forced
   to project (ResK1KXK1's force_resproj), blocks 1.. are alike.  Stem
   3 -> 8 (3x3/1, 8 px), one bottleneck superblock 8 -> 8, m 4, k 3,
   stride 1, depth 3.  Block 0: 1x1 8->4 (40 params, 2048 MACs), 3x3 4->4
   (152, 9216), 1x1 4->8 (48, 2048) and the forced 1x1 8->8 projection +
   BN (80, 4096): 320 params, 17408 MACs, 3 main-path layers.  Block 1:
   the same without the projection, 240 and 13312. */
static void repeat_rule_paper(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.style = DM_STYLE_PAPER;
    a.in_channels = 3;
    a.input_size = 8;
    a.stem = (dm_stem){.out = 8, .kernel = 3, .stride = 1};
    a.n_superblocks = 1;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BOTTLENECK, .out = 8, .depth = 3, .kernel = 3,
                              .stride = 1, .inner = 4};
    dmi_layout lay;
    dmi_tally b0, b1, sb = {0};
    dmi_space_layout(&a, &lay);
    CHECK(dmi_space_block_tally(&a, &lay, 0, 0, 8, &b0, NULL) == DM_OK);
    CHECK(dmi_space_block_tally(&a, &lay, 0, 1, 8, &b1, NULL) == DM_OK);
    CHECK_EQ_I64(b0.params, 320);
    CHECK_EQ_I64(b0.macs, 17408);
    CHECK_EQ_I64(b0.layers, 3);
    CHECK_EQ_I64(b1.params, 240);
    CHECK_EQ_I64(b1.macs, 13312);
    CHECK(dmi_space_repeat(&sb, &b0, &b1, 3));
    dm_net *net = NULL;
    dm_metrics m;
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(net && dm_net_metrics(net, NULL, &m, NULL) == DM_OK);
    if (net) {
        CHECK_EQ_I64(m.params, 232 + 320 + 2 * 240);   /* stem 216 + 16 */
        CHECK_EQ_I64(m.macs, 13824 + 17408 + 2 * 13312);
        CHECK_EQ_I64(m.params, 232 + sb.params);
        CHECK_EQ_I64(m.layers, 1 + 9);
    }
    dm_net_free(net);
}

static void main_path(void) {
    CHECK(dmi_space_main_path(DM_ROLE_STEM));
    CHECK(dmi_space_main_path(DM_ROLE_MAIN));
    CHECK(dmi_space_main_path(DM_ROLE_HEAD));
    CHECK(!dmi_space_main_path(DM_ROLE_SHORTCUT));
    CHECK(!dmi_space_main_path(DM_ROLE_SE));
    CHECK(!dmi_space_main_path(DM_ROLE_CLASSIFIER));
}

/* Every zoo net, in its own style and in the other one where it is valid
   there (resnet50 and efficientnet_b0 in the paper style, the published
   nets in the torchvision style): the layer-by-layer build and the
   model's fast tally (block 1 repeated) give the same costs, stages and
   peak. */
static void zoo_fast_tally(void) {
    for (int32_t zs = 0; zs < 2 * dm_zoo_count(); zs++) {
        int32_t z = zs / 2;
        dm_arch a;
        dmi_layout lay;
        dm_net *net = NULL;
        dm_metrics m;
        dmi_tally ts[DM_MAX_STAGES] = {{0}}, tot;
        int32_t chan[DM_MAX_STAGES];
        dmi_stage_sum st[DM_MAX_STAGES];
        memset(&m, 0, sizeof m);
        CHECK(dm_zoo_arch(dm_zoo_name(z), &a, NULL) == DM_OK);
        if (zs % 2) { /* each net in the other style too, where it is valid */
            a.style = a.style == DM_STYLE_PAPER ? DM_STYLE_TORCHVISION : DM_STYLE_PAPER;
            if (dm_arch_validate(&a, NULL)) continue; /* basic blocks, mbconv without SE */
        }
        CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
        CHECK(dm_net_metrics(net, NULL, &m, NULL) == DM_OK);
        dmi_space_layout(&a, &lay);
        CHECK(dmi_space_tally_fast(&a, &lay, ts, chan, NULL, NULL) == DM_OK);
        CHECK(dmi_space_sums(&a, &lay, ts, chan, st, &tot));
        for (int32_t i = 0; i < lay.n_stages; i++) {
            CHECK_EQ_I64(st[i].resolution, m.stage[i].resolution);
            CHECK_EQ_I64(st[i].channels, m.stage[i].channels);
        }
        CHECK_EQ_I64(tot.peak, m.peak_activation);
        CHECK_EQ_I64(tot.macs, m.macs);
        CHECK_EQ_I64(tot.params, m.params);
        CHECK_EQ_I64(tot.layers, m.layers);
        CHECK_EQ_I64(lay.n_stages, m.n_stages);
        dm_net_free(net);
    }
}

/* The block memo (space.h) returns exactly what the direct tally gives:
   a zoo net scored with a cold memo, again with it warm, and a variant
   of it in every superblock's widths and kernel scored through the same
   memo (entries keyed by another shape must not answer for it). */
static void same_tally(const dm_arch *a, dmi_memo *memo) {
    dmi_layout lay;
    dmi_tally t0[DM_MAX_STAGES] = {{0}}, t1[DM_MAX_STAGES] = {{0}};
    int32_t c0[DM_MAX_STAGES], c1[DM_MAX_STAGES];
    dmi_space_layout(a, &lay);
    CHECK(dmi_space_tally_fast(a, &lay, t0, c0, NULL, NULL) == DM_OK);
    CHECK(dmi_space_tally_fast(a, &lay, t1, c1, memo, NULL) == DM_OK);
    for (int32_t i = 0; i < lay.n_stages; i++) {
        CHECK_EQ_I64(t0[i].macs, t1[i].macs);
        CHECK_EQ_I64(t0[i].params, t1[i].params);
        CHECK_EQ_I64(t0[i].peak, t1[i].peak);
        CHECK_EQ_I64(t0[i].layers, t1[i].layers);
        CHECK(t0[i].logw == t1[i].logw);
        CHECK_EQ_I64(c0[i], c1[i]);
    }
}

static void memo_tally(void) {
    dmi_memo *memo = calloc(1, sizeof *memo);
    CHECK(memo != NULL);
    if (!memo) return;
    static const char *const nets[] = {"resnet18", "resnet50", "efficientnet_b0"};
    for (int z = 0; z < 3; z++) {
        dm_arch a;
        CHECK(dm_zoo_arch(nets[z], &a, NULL) == DM_OK);
        memset(memo, 0, sizeof *memo);   /* one template per memo */
        same_tally(&a, memo);
        same_tally(&a, memo);
        for (int v = 1; v <= 4; v++) {   /* 4: the kernels alone */
            dm_arch b = a;
            for (int32_t i = 0; i < b.n_superblocks; i++) {
                b.sb[i].out += v < 4 ? 8 * v * (i % 2) : 0;
                b.sb[i].inner += v < 4 ? 8 * v : 0;
                if (v >= 3) b.sb[i].kernel = b.sb[i].kernel == 3 ? 5 : 3;
            }
            same_tally(&b, memo);
            same_tally(&a, memo);
        }
    }
    free(memo);
}

int main(void) {
    memo_tally();
    layout_resnet18();
    layout_head();
    repeat_rule();
    repeat_rule_paper();
    main_path();
    zoo_fast_tally();
    return TEST_REPORT();
}
