/*
** test_ops.c -- dm_net_ops, what a network runs as, against op lists
** derived by hand from torchvision's modules and the paper's reference
** blocks (docs/styles.md), with the fusions of docs/latency.md: BN folded,
** the activation a post-op, the residual add a sum post-op on the block's
** last main conv (the activation after it where the style puts it there).
*/
#include "deepmad.h"
#include "harness.h"

#define NONE DM_OP_ACT_NONE
#define RELU DM_ACT_RELU
#define SILU DM_ACT_SILU

/* An expected op: kind, c_in, c_out, kernel, stride, groups, r_in, r_out,
   act, sum, stage. */
static dm_op X(dm_op_kind kind, int32_t c_in, int32_t c_out, int32_t k, int32_t s, int32_t g,
               int32_t r_in, int32_t r_out, int32_t act, int32_t sum, int32_t stage) {
    dm_op o = {kind, c_in, c_out, k, s, g, r_in, r_out, act, sum, stage};
    return o;
}

static int ops_of(const dm_arch *a, dm_op **ops) {
    dm_net *net = NULL;
    dm_error err = {0};
    int32_t n = 0;
    *ops = NULL;
    CHECK(dm_net_create(a, &net, &err) == DM_OK);
    if (net) CHECK(dm_net_ops(net, ops, &n, &err) == DM_OK);
    if (err.msg[0]) printf("  error: %s\n", err.msg);
    dm_net_free(net);
    return (int)n;
}

static void check_op(const dm_op *got, const dm_op *want, int i) {
    int same = got->kind == want->kind && got->c_in == want->c_in &&
               got->c_out == want->c_out && got->kernel == want->kernel &&
               got->stride == want->stride && got->groups == want->groups &&
               got->r_in == want->r_in && got->r_out == want->r_out &&
               got->act == want->act && got->sum == want->sum && got->stage == want->stage;
    CHECK(same);
    if (!same)
        printf("  op %d: got %s %d->%d k%d s%d g%d r%d->%d act %d sum %d stage %d\n", i,
               dm_op_kind_name(got->kind), got->c_in, got->c_out, got->kernel, got->stride,
               got->groups, got->r_in, got->r_out, got->act, got->sum, got->stage);
}

static void check_ops(const dm_arch *a, const dm_op *want, int n_want) {
    dm_op *ops;
    int n = ops_of(a, &ops);
    CHECK_EQ_I64(n, n_want);
    for (int i = 0; ops && i < n && i < n_want; i++) check_op(&ops[i], &want[i], i);
    dm_free(ops);
}

/* torchvision resnet18: conv1 7x7/2 + bn + relu, maxpool 3x3/2 (stage 1),
   layer1 two BasicBlocks 64 at 56 (identity: relu(bn2(conv2) + x)),
   layer2..4 a downsampling block (downsample = 1x1/2 conv + bn, run
   first here) and an identity block; avgpool 7x7, fc 512 -> 1000.  23
   ops, 20 convs, 8 of them adding their block's shortcut. */
static void resnet18(void) {
    dm_arch a;
    dm_error err;
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    dm_op w[23];
    int k = 0;
    w[k++] = X(DM_OP_CONV, 3, 64, 7, 2, 1, 224, 112, RELU, 0, 0);
    w[k++] = X(DM_OP_POOL, 64, 64, 3, 2, 1, 112, 56, NONE, 0, 1);
    for (int b = 0; b < 2; b++) {
        w[k++] = X(DM_OP_CONV, 64, 64, 3, 1, 1, 56, 56, RELU, 0, 1);
        w[k++] = X(DM_OP_CONV, 64, 64, 3, 1, 1, 56, 56, RELU, 1, 1);
    }
    for (int st = 2, c = 128, r = 28; st <= 4; st++, c *= 2, r /= 2) {
        w[k++] = X(DM_OP_CONV, c / 2, c, 1, 2, 1, 2 * r, r, NONE, 0, st);
        w[k++] = X(DM_OP_CONV, c / 2, c, 3, 2, 1, 2 * r, r, RELU, 0, st);
        w[k++] = X(DM_OP_CONV, c, c, 3, 1, 1, r, r, RELU, 1, st);
        w[k++] = X(DM_OP_CONV, c, c, 3, 1, 1, r, r, RELU, 0, st);
        w[k++] = X(DM_OP_CONV, c, c, 3, 1, 1, r, r, RELU, 1, st);
    }
    w[k++] = X(DM_OP_GAP, 512, 512, 1, 1, 1, 7, 1, NONE, 0, 4);
    w[k++] = X(DM_OP_LINEAR, 512, 1000, 1, 1, 1, 1, 1, NONE, 0, 4);
    CHECK_EQ_I64(k, 23);
    check_ops(&a, w, k);
}

/* torchvision efficientnet_b0: stem 3x3/2 32 + silu; 16 MBConv blocks
   (expand silu, depthwise silu, SE squeezing max(1, c_in/4) with silu,
   project without act: the linear bottleneck, adding the input when
   stride 1 and c_in == c_out); head 1x1 320 -> 1280 silu; pool; fc.  Block
   0 (expansion 1) has no expand conv: 3 ops; the other 15 have 4: 67 ops,
   16 SE, 16 depthwise, 9 fused adds (blocks 2, 4, 6, 7, 9, 10, 12, 13,
   14 counting from 0). */
static void efficientnet_b0(void) {
    dm_arch a;
    dm_error err;
    CHECK(dm_zoo_arch("efficientnet_b0", &a, &err) == DM_OK);
    dm_op *ops;
    int n = ops_of(&a, &ops);
    CHECK_EQ_I64(n, 67);
    int se = 0, dw = 0, sums = 0;
    for (int i = 0; ops && i < n; i++) {
        if (ops[i].kind == DM_OP_SE) se++;
        if (ops[i].kind == DM_OP_CONV && ops[i].groups > 1) {
            dw++;
            CHECK(ops[i].groups == ops[i].c_in && ops[i].groups == ops[i].c_out);
        }
        sums += ops[i].sum;
        if (ops[i].sum) CHECK(ops[i].act == NONE);  /* the linear bottleneck */
    }
    CHECK_EQ_I64(se, 16);
    CHECK_EQ_I64(dw, 16);
    CHECK_EQ_I64(sums, 9);
    /* The first blocks op by op: block 0 (32 -> 16 at 112, no expand), block
       1 (16 -> 24, m 96, stride 2), block 2 (24 -> 24, m 144, identity). */
    dm_op w[] = {
        X(DM_OP_CONV, 3, 32, 3, 2, 1, 224, 112, SILU, 0, 0),
        X(DM_OP_CONV, 32, 32, 3, 1, 32, 112, 112, SILU, 0, 0),
        X(DM_OP_SE, 32, 8, 1, 1, 1, 112, 112, SILU, 0, 0),
        X(DM_OP_CONV, 32, 16, 1, 1, 1, 112, 112, NONE, 0, 0),
        X(DM_OP_CONV, 16, 96, 1, 1, 1, 112, 112, SILU, 0, 1),
        X(DM_OP_CONV, 96, 96, 3, 2, 96, 112, 56, SILU, 0, 1),
        X(DM_OP_SE, 96, 4, 1, 1, 1, 56, 56, SILU, 0, 1),
        X(DM_OP_CONV, 96, 24, 1, 1, 1, 56, 56, NONE, 0, 1),
        X(DM_OP_CONV, 24, 144, 1, 1, 1, 56, 56, SILU, 0, 1),
        X(DM_OP_CONV, 144, 144, 3, 1, 144, 56, 56, SILU, 0, 1),
        X(DM_OP_SE, 144, 6, 1, 1, 1, 56, 56, SILU, 0, 1),
        X(DM_OP_CONV, 144, 24, 1, 1, 1, 56, 56, NONE, 1, 1),
    };
    for (int i = 0; ops && i < COUNTOF(w) && i < n; i++) check_op(&ops[i], &w[i], i);
    /* The tail: head, pool over 7x7, classifier, in the last stage: 4 (the
       stem and the stride-1 superblock 0 share stage 0; superblocks 1, 2,
       3 and 5 are strided). */
    dm_op t[] = {
        X(DM_OP_CONV, 320, 1280, 1, 1, 1, 7, 7, SILU, 0, 4),
        X(DM_OP_GAP, 1280, 1280, 1, 1, 1, 7, 1, NONE, 0, 4),
        X(DM_OP_LINEAR, 1280, 1000, 1, 1, 1, 1, 1, NONE, 0, 4),
    };
    for (int i = 0; ops && n == 67 && i < 3; i++) check_op(&ops[64 + i], &t[i], 64 + i);
    dm_free(ops);
}

/* A paper-style net (the reference's ResK1KXK1 and ResK1DWSEK1): 32 px,
   stem 3x3/2 32 relu; a bottleneck superblock 32 -> 64, m 16, stride 2,
   depth 2: block 0 always projects, pooled 2x2/2 first, then the 1x1
   conv at 8; act after the add; an mbconv superblock 64 -> 64, m 128,
   stride 2, SE: its residual is a 2x2/2 avg pool (c_in == c_out), the
   expand conv is there, SE squeezes round(128/4)//8*8 = 32 with SiLU, and
   the act follows the project conv and add. */
static void paper_style(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.style = DM_STYLE_PAPER;
    a.in_channels = 3;
    a.input_size = 32;
    a.stem = (dm_stem){.out = 32, .kernel = 3, .stride = 2, .act = DM_ACT_RELU};
    a.n_superblocks = 2;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BOTTLENECK, .out = 64, .depth = 2, .kernel = 3,
                              .stride = 2, .inner = 16, .act = DM_ACT_RELU};
    a.sb[1] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = 64, .depth = 1, .kernel = 3,
                              .stride = 2, .inner = 128, .se = 1, .act = DM_ACT_SILU};
    a.classes = 10;
    dm_op w[] = {
        X(DM_OP_CONV, 3, 32, 3, 2, 1, 32, 16, RELU, 0, 0),
        X(DM_OP_POOL, 32, 32, 2, 2, 1, 16, 8, NONE, 0, 1),
        X(DM_OP_CONV, 32, 64, 1, 1, 1, 8, 8, NONE, 0, 1),
        X(DM_OP_CONV, 32, 16, 1, 1, 1, 16, 16, RELU, 0, 1),
        X(DM_OP_CONV, 16, 16, 3, 2, 1, 16, 8, RELU, 0, 1),
        X(DM_OP_CONV, 16, 64, 1, 1, 1, 8, 8, RELU, 1, 1),
        X(DM_OP_CONV, 64, 16, 1, 1, 1, 8, 8, RELU, 0, 1),
        X(DM_OP_CONV, 16, 16, 3, 1, 1, 8, 8, RELU, 0, 1),
        X(DM_OP_CONV, 16, 64, 1, 1, 1, 8, 8, RELU, 1, 1),
        X(DM_OP_POOL, 64, 64, 2, 2, 1, 8, 4, NONE, 0, 2),
        X(DM_OP_CONV, 64, 128, 1, 1, 1, 8, 8, SILU, 0, 2),
        X(DM_OP_CONV, 128, 128, 3, 2, 128, 8, 4, SILU, 0, 2),
        X(DM_OP_SE, 128, 32, 1, 1, 1, 4, 4, SILU, 0, 2),
        X(DM_OP_CONV, 128, 64, 1, 1, 1, 4, 4, SILU, 1, 2),
        X(DM_OP_GAP, 64, 64, 1, 1, 1, 4, 1, NONE, 0, 2),
        X(DM_OP_LINEAR, 64, 10, 1, 1, 1, 1, 1, NONE, 0, 2),
    };
    check_ops(&a, w, COUNTOF(w));
}

/* torchvision style with the ResNet-D shortcut and relu6 mbconv: the
   strided avgpool-conv shortcut pools 2x2/2 then a 1x1 conv at the output
   resolution; an mbconv without residual (width change) has neither sum
   nor act on its project conv, its SE uses the block's act; no classifier
   and no head: the net ends with the global pool. */
static void torchvision_variants(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = 3;
    a.input_size = 16;
    a.stem = (dm_stem){.out = 8, .kernel = 3, .stride = 1, .act = DM_ACT_RELU};
    a.n_superblocks = 2;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BASIC, .out = 16, .depth = 1, .kernel = 3,
                              .stride = 2, .inner = 8, .act = DM_ACT_RELU,
                              .shortcut = DM_SHORTCUT_AVGPOOL_CONV};
    a.sb[1] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = 24, .depth = 1, .kernel = 5,
                              .stride = 1, .expand = 2.0, .se = 1, .act = DM_ACT_RELU6};
    a.classes = 0;
    dm_op w[] = {
        X(DM_OP_CONV, 3, 8, 3, 1, 1, 16, 16, RELU, 0, 0),
        X(DM_OP_POOL, 8, 8, 2, 2, 1, 16, 8, NONE, 0, 1),
        X(DM_OP_CONV, 8, 16, 1, 1, 1, 8, 8, NONE, 0, 1),
        X(DM_OP_CONV, 8, 8, 3, 2, 1, 16, 8, RELU, 0, 1),
        X(DM_OP_CONV, 8, 16, 3, 1, 1, 8, 8, RELU, 1, 1),
        X(DM_OP_CONV, 16, 32, 1, 1, 1, 8, 8, DM_ACT_RELU6, 0, 1),
        X(DM_OP_CONV, 32, 32, 5, 1, 32, 8, 8, DM_ACT_RELU6, 0, 1),
        X(DM_OP_SE, 32, 4, 1, 1, 1, 8, 8, DM_ACT_RELU6, 0, 1),
        X(DM_OP_CONV, 32, 24, 1, 1, 1, 8, 8, NONE, 0, 1),
        X(DM_OP_GAP, 24, 24, 1, 1, 1, 8, 1, NONE, 0, 1),
    };
    check_ops(&a, w, COUNTOF(w));
}

static void names(void) {
    static const char *const want[] = {"conv", "pool", "gap", "se", "linear", "add"};
    CHECK_EQ_I64(COUNTOF(want), DM_OP_COUNT);
    for (int i = 0; i < DM_OP_COUNT; i++) {
        dm_op_kind k = DM_OP_COUNT;
        dm_error err;
        CHECK(strcmp(dm_op_kind_name((dm_op_kind)i), want[i]) == 0);
        CHECK(dm_op_kind_from_name(want[i], &k, &err) == DM_OK && k == (dm_op_kind)i);
    }
    dm_op_kind k;
    dm_error err = {0};
    CHECK(dm_op_kind_from_name("matmul", &k, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "conv, pool, gap, se, linear, add") != NULL);
    CHECK(strcmp(dm_op_kind_name(DM_OP_COUNT), "?") == 0);
    dm_op *ops = (dm_op *)&k;
    int32_t n = 5;
    CHECK(dm_net_ops(NULL, &ops, &n, &err) == DM_ERR_INVALID);
}

int main(void) {
    resnet18();
    efficientnet_b0();
    paper_style();
    torchvision_variants();
    names();
    printf("%d passed, %d failed\n", dm_t_passed, dm_t_failed);
    return dm_t_failed ? 1 : 0;
}
