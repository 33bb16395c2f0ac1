/*
** test_plaus.c -- the plausibility report (dm_net_plausibility,
** dm_space_limits, dm_plausibility_to_json) against numbers derived by
** hand in the comments: params of tiny nets counted layer by layer, and
** problems whose domain ends are worked out from the rules in deepmad.h.
*/
#include "harness.h"
#include "deepmad.h"

/* A tiny torchvision-style bottleneck net: 3 x 32 x 32 input, stem 3->8
   3x3/1, sb1 bottleneck out 16 inner 4 depth 1 stride 1, sb2 out 32 inner
   16 depth 2 stride 2, classifier 10; `head` 0 or a 1x1 head conv. */
static void tiny(dm_arch *a, int32_t head) {
    dm_arch_init(a);
    a->in_channels = 3;
    a->input_size = 32;
    a->stem = (dm_stem){.out = 8, .kernel = 3, .stride = 1};
    a->n_superblocks = 2;
    a->sb[0] = (dm_superblock){.kind = DM_BLOCK_BOTTLENECK, .out = 16, .depth = 1, .kernel = 3,
                               .stride = 1, .inner = 4};
    a->sb[1] = (dm_superblock){.kind = DM_BLOCK_BOTTLENECK, .out = 32, .depth = 2, .kernel = 3,
                               .stride = 2, .inner = 16};
    a->head = head;
    a->classes = 10;
}

/* Params by hand (BN adds 2 per channel; convs have no bias):
     stem          3*8*9 + 16                                   =  232
     sb1 block 0   8*4+8 + 4*4*9+8 + 4*16+32 + shortcut 8*16+32 =  448
     sb2 block 0   16*16+32 + 16*16*9+32 + 16*32+64 + 16*32+64  = 3776
     sb2 block 1   32*16+32 + 2336 + 576 (no shortcut)          = 3456
     classifier    32*10 + 10                                   =  330
   total 8242, head + classifier 330.  With a 64-wide head conv: head
   32*64 + 128 = 2176, classifier 64*10 + 10 = 650: total 10738, head +
   classifier 2826, head / last out = 2.  inner/out: 4/16 = 0.25 (sb1),
   16/32 = 0.5 (sb2). */
static void shares(void) {
    dm_arch a;
    dm_net *net;
    dm_plausibility pl;
    tiny(&a, 0);
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(dm_net_plausibility(net, &pl, NULL) == DM_OK);
    CHECK_EQ_I64(pl.params, 8242);
    CHECK_EQ_I64(pl.head_params, 330);
    CHECK_NEAR(pl.head_share, 330.0 / 8242.0, 1e-15);
    CHECK_EQ_I64(pl.stem, 8);
    CHECK_EQ_I64(pl.head, 0);
    CHECK_EQ_I64(pl.last_out, 32);
    CHECK_NEAR(pl.head_ratio, 0.0, 0);
    CHECK_NEAR(pl.inner_ratio_min, 0.25, 0);
    CHECK_EQ_I64(pl.inner_ratio_min_sb, 0);
    CHECK_NEAR(pl.inner_ratio_max, 0.5, 0);
    CHECK_EQ_I64(pl.inner_ratio_max_sb, 1);
    dm_net_free(net);

    tiny(&a, 64);
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(dm_net_plausibility(net, &pl, NULL) == DM_OK);
    CHECK_EQ_I64(pl.params, 10738);
    CHECK_EQ_I64(pl.head_params, 2826);
    CHECK_NEAR(pl.head_share, 2826.0 / 10738.0, 1e-15);
    CHECK_NEAR(pl.head_ratio, 2.0, 0);
    dm_net_free(net);

    CHECK(dm_net_plausibility(NULL, &pl, NULL) == DM_ERR_INVALID);
}

/* With `expand` the ratio is block 0's: an mbconv superblock 8 -> 16 at
   expand 6 builds m = 6*8 = 48 in block 0 (96 in the later blocks), so
   inner/out = 3, not 6.  A tie (two superblocks at 3) keeps the first. */
static void expand_ratio(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = 3;
    a.input_size = 16;
    a.stem = (dm_stem){.out = 8, .kernel = 3, .stride = 1};
    a.n_superblocks = 2;
    for (int i = 0; i < 2; i++)
        a.sb[i] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = 16 << i, .depth = 2, .kernel = 3,
                                  .stride = 1, .expand = 6.0, .se = 1};
    dm_net *net;
    dm_plausibility pl;
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(dm_net_plausibility(net, &pl, NULL) == DM_OK);
    CHECK_NEAR(pl.inner_ratio_min, 3.0, 0);   /* 48/16 and 96/32 */
    CHECK_NEAR(pl.inner_ratio_max, 3.0, 0);
    CHECK_EQ_I64(pl.inner_ratio_min_sb, 0);
    CHECK_EQ_I64(pl.inner_ratio_max_sb, 0);
    dm_net_free(net);
}

/* A two-superblock mbconv problem on 32 px with every range narrow:
   granularity 8, channels 8..32, stem 16..32, kernels {3, 5}, inner/out
   1..4, depths 1..2 and 2..4, a head capped at 96 and 1..3 times the
   last superblock's width. */
static void problem(dm_problem *p) {
    dm_problem_default(p, DM_BLOCK_MBCONV);
    p->input_size = 32;
    p->stem_stride = 1;
    p->n_superblocks = 2;
    p->stride[0] = 1;
    p->stride[1] = 2;
    p->depth_min[0] = 1, p->depth_max[0] = 2;
    p->depth_min[1] = 2, p->depth_max[1] = 4;
    p->min_channels = 8, p->max_channels = 32;
    p->stem_min = 16, p->stem_max = 32;
    p->inner_min = 1.0, p->inner_max = 4.0;
    p->head_max = 96;
    p->head_ratio_min = 1.0, p->head_ratio_max = 3.0;
    p->max_params = 0;
    p->rho0 = 10;
}

/* The problem's arch with the given variables. */
static void net_of(int32_t stem, const int32_t v[2][4], int32_t head, dm_arch *a) {
    dm_arch_init(a);
    a->in_channels = 3;
    a->input_size = 32;
    a->stem = (dm_stem){.out = stem, .kernel = 3, .stride = 1, .act = DM_ACT_SILU};
    a->n_superblocks = 2;
    for (int i = 0; i < 2; i++)
        a->sb[i] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = v[i][0], .inner = v[i][1],
                                   .kernel = v[i][2], .depth = v[i][3], .stride = i ? 2 : 1,
                                   .se = 1, .act = DM_ACT_SILU};
    a->head = head;
    a->head_act = DM_ACT_SILU;
    a->classes = 1000;
}

static int limits_of(const dm_problem *p, const dm_arch *a, dm_limits *l) {
    dm_net *net;
    dm_error err;
    if (dm_net_create(a, &net, &err)) { printf("%s\n", err.msg); return 0; }
    dm_status s = dm_space_limits(p, net, l, &err);
    if (s) printf("%s\n", err.msg);
    dm_net_free(net);
    return s == DM_OK;
}

#define HIT(i, v_, sb_, max_, out_, value_, limit_) do {                     \
    CHECK_EQ_I64(l.hit[i].var, v_); CHECK_EQ_I64(l.hit[i].sb, sb_);          \
    CHECK_EQ_I64(l.hit[i].at_max, max_); CHECK_EQ_I64(l.hit[i].outside, out_); \
    CHECK_NEAR(l.hit[i].value, value_, 1e-12); CHECK_NEAR(l.hit[i].limit, limit_, 0); \
} while (0)

/* Every kind at an end.  stem 32 = stem_max; sb1 out 8 = the channel
   floor, inner 8 = 1 x 8 (the range's lowest multiple of 8), kernel 5 =
   the largest, depth 2 = depth_max[0]; sb2 out 32 = the channel cap,
   inner 128 = 4 x 32 (the highest multiple), kernel 3 (the smallest: not
   reported), depth 2 = depth_min[1] > 1; head 96 = head_max and 96/32 = 3
   = head_ratio_max.  Ten hits, in the order stem, superblocks, head. */
static void all_at_limits(void) {
    dm_problem p;
    dm_arch a;
    dm_limits l;
    problem(&p);
    const int32_t v[2][4] = {{8, 8, 5, 2}, {32, 128, 3, 2}};
    net_of(32, v, 96, &a);
    CHECK(limits_of(&p, &a, &l));
    CHECK_EQ_I64(l.n, 10);
    HIT(0, DM_LIMIT_STEM, -1, 1, 0, 32, 32);
    HIT(1, DM_LIMIT_CHANNELS, 0, 0, 0, 8, 8);
    HIT(2, DM_LIMIT_INNER, 0, 0, 0, 1.0, 1.0);
    HIT(3, DM_LIMIT_KERNEL, 0, 1, 0, 5, 5);
    HIT(4, DM_LIMIT_DEPTH, 0, 1, 0, 2, 2);
    HIT(5, DM_LIMIT_CHANNELS, 1, 1, 0, 32, 32);
    HIT(6, DM_LIMIT_INNER, 1, 1, 0, 4.0, 4.0);
    HIT(7, DM_LIMIT_DEPTH, 1, 0, 0, 2, 2);
    HIT(8, DM_LIMIT_HEAD, -1, 1, 0, 96, 96);
    HIT(9, DM_LIMIT_HEAD_RATIO, -1, 1, 0, 3.0, 3.0);

    /* JSON: the hits as written, 1-based superblocks; no superblock key
       for the stem and the head. */
    dm_net *net;
    dm_plausibility pl;
    char *json = NULL;
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    CHECK(dm_net_plausibility(net, &pl, NULL) == DM_OK);
    CHECK(dm_plausibility_to_json(&pl, &l, "problem", &json, NULL) == DM_OK);
    CHECK(json && strstr(json, "\"space\": \"problem\", \"at_limit\": [{\"variable\": \"stem\", "
                               "\"end\": \"max\", \"outside\": false, \"value\": 32, \"limit\": 32}, "
                               "{\"variable\": \"channels\", \"superblock\": 1, \"end\": \"min\""));
    CHECK(json && strstr(json, "{\"variable\": \"head_ratio\", \"end\": \"max\", \"outside\": false, "
                               "\"value\": 3, \"limit\": 3}]}"));
    CHECK(json && strstr(json, "\"head\": 96, \"head_ratio\": 3, \"inner_ratio_min\": 1, "
                               "\"inner_ratio_min_superblock\": 1, \"inner_ratio_max\": 4, "
                               "\"inner_ratio_max_superblock\": 2"));
    dm_free(json);
    json = NULL;
    CHECK(dm_plausibility_to_json(&pl, NULL, NULL, &json, NULL) == DM_OK);
    CHECK(json && !strstr(json, "at_limit") && json[strlen(json) - 1] == '}');
    dm_free(json);
    CHECK(dm_plausibility_to_json(&pl, &l, "a\"b", &json, NULL) == DM_ERR_INVALID);
    dm_net_free(net);
}

/* Nothing at an end: stem 24 (16 < 24 < 32), sb1 out 16, inner 32 (range
   16..64), kernel 3 (the smallest is not a limit), depth 1 (depth_min 1
   is not reported); sb2 out 24, inner 48 (24..96), depth 3 (2 < 3 < 4);
   head 48 (< 96; 48/24 = 2 in 1..3, whose multiples of 8 are 24..72). */
static void none_at_limits(void) {
    dm_problem p;
    dm_arch a;
    dm_limits l;
    problem(&p);
    const int32_t v[2][4] = {{16, 32, 3, 1}, {24, 48, 3, 3}};
    net_of(24, v, 48, &a);
    CHECK(limits_of(&p, &a, &l));
    CHECK_EQ_I64(l.n, 0);
}

/* Past the ends: stem 40 > 32, kernel 7 > 5, inner 136 > 4 x 32, head 120
   > 96 and 120/32 = 3.75 > 3: all at the upper end and outside; the
   head ratio floor: head 32 on 32 = 1 x, at (not past) it. */
static void outside(void) {
    dm_problem p;
    dm_arch a;
    dm_limits l;
    problem(&p);
    const int32_t v[2][4] = {{16, 32, 7, 1}, {32, 136, 3, 3}};
    net_of(40, v, 120, &a);
    CHECK(limits_of(&p, &a, &l));
    CHECK_EQ_I64(l.n, 6);
    HIT(0, DM_LIMIT_STEM, -1, 1, 1, 40, 32);
    HIT(1, DM_LIMIT_KERNEL, 0, 1, 1, 7, 5);
    HIT(2, DM_LIMIT_CHANNELS, 1, 1, 0, 32, 32);
    HIT(3, DM_LIMIT_INNER, 1, 1, 1, 136.0 / 32, 4.0);
    HIT(4, DM_LIMIT_HEAD, -1, 1, 1, 120, 96);
    HIT(5, DM_LIMIT_HEAD_RATIO, -1, 1, 1, 3.75, 3.0);
    /* Past the domain, not the stated ratio: on a last width of 20 (not a
       multiple of 8), 3 x 20 = 60 but the head's largest multiple of 8 is 56,
       so a head of 60 (ratio exactly 3) is outside; so is an inner width of
       21 on out 20 (1.05 x, above the stated 1 x) when the range starts at
       ceil_8(20) = 24. */
    const int32_t u[2][4] = {{16, 32, 3, 1}, {20, 21, 3, 3}};
    net_of(24, u, 60, &a);
    CHECK(limits_of(&p, &a, &l));
    CHECK_EQ_I64(l.n, 2);
    HIT(0, DM_LIMIT_INNER, 1, 0, 1, 21.0 / 20, 1.0);
    HIT(1, DM_LIMIT_HEAD_RATIO, -1, 1, 1, 3.0, 3.0);
    const int32_t w[2][4] = {{16, 32, 3, 1}, {32, 64, 3, 3}};
    net_of(24, w, 32, &a);
    CHECK(limits_of(&p, &a, &l));
    CHECK_EQ_I64(l.n, 2);
    HIT(0, DM_LIMIT_CHANNELS, 1, 1, 0, 32, 32);
    HIT(1, DM_LIMIT_HEAD_RATIO, -1, 0, 0, 1.0, 1.0);
}

/* Float noise: 0.1 * 80 is 8.000000000000002 in doubles, and the floor of
   inner/out 0.1 at out 80 is m = 8 (not 16), at the floor, not past it. */
static void float_floor(void) {
    dm_problem p;
    dm_limits l;
    dm_arch a;
    dm_problem_default(&p, DM_BLOCK_BOTTLENECK);
    p.n_superblocks = 1;
    p.input_size = 32;
    p.stem_stride = 1;
    p.stride[0] = 1;
    p.inner_min = 0.1;
    tiny(&a, 0);
    a.n_superblocks = 1;
    a.sb[0].out = 80;
    a.sb[0].inner = 8;
    a.sb[0].kernel = 3;
    a.stem.out = 16;
    CHECK(limits_of(&p, &a, &l));
    CHECK_EQ_I64(l.n, 1);
    HIT(0, DM_LIMIT_INNER, 0, 0, 0, 0.1, 0.1);
}

static void misuse(void) {
    dm_problem p;
    dm_arch a;
    dm_limits l;
    dm_net *net;
    dm_error err;
    problem(&p);
    tiny(&a, 0);   /* 2 superblocks: matches; 3 do not */
    CHECK(dm_net_create(&a, &net, NULL) == DM_OK);
    p.n_superblocks = 3;
    p.stride[2] = 1;
    CHECK(dm_space_limits(&p, net, &l, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "2 superblocks, the problem 3") != NULL);
    CHECK(dm_space_limits(NULL, net, &l, NULL) == DM_ERR_INVALID);
    p.n_superblocks = 2;
    p.granularity = 0;   /* an invalid problem is refused, not judged */
    CHECK(dm_space_limits(&p, net, &l, NULL) == DM_ERR_INVALID);
    dm_net_free(net);
    const char *names[] = {"stem", "channels", "inner", "kernel", "depth", "head", "head_ratio"};
    for (int i = 0; i < DM_LIMIT_VAR_COUNT; i++) CHECK(!strcmp(dm_limit_var_name((dm_limit_var)i), names[i]));
    CHECK(!strcmp(dm_limit_var_name(DM_LIMIT_VAR_COUNT), "unknown"));
}

int main(void) {
    shares();
    expand_ratio();
    all_at_limits();
    none_at_limits();
    outside();
    float_floor();
    misuse();
    return TEST_REPORT();
}
