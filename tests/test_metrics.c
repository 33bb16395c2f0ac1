/*
** test_metrics.c -- costs and DeepMAD scores against hand derivations.
** Every expected number below is worked out in the comments from the
** definitions in SPEC.md, not taken from the code's own output.
*/
#include "deepmad.h"
#include "harness.h"

static dm_metrics metrics_of(const dm_arch *a, const dm_score_params *sp) {
    dm_metrics m;
    memset(&m, 0, sizeof m);
    dm_net *net = NULL;
    dm_error err = {0};
    CHECK(dm_net_create(a, &net, &err) == DM_OK);
    if (net) CHECK(dm_net_metrics(net, sp, &m, &err) == DM_OK);
    if (err.msg[0]) printf("  error: %s\n", err.msg);
    dm_net_free(net);
    return m;
}

/* 3x8x8 input; stem 3x3/1 -> 8; one basic block 8 -> 16, stride 2, m = 8;
   10 classes.  Params: stem 216+16, conv1 576+16, conv2 1152+32,
   projection 128+32, fc 160+10 = 2338.  MACs: stem 8*8*8*27 = 13824,
   conv1 4*4*8*72 = 9216, conv2 4*4*16*72 = 18432, projection 4*4*16*8 =
   2048, fc 160: 43680. */
static void tiny_basic(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = 3;
    a.input_size = 8;
    a.stem = (dm_stem){.out = 8, .kernel = 3, .stride = 1};
    a.n_superblocks = 1;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BASIC, .out = 16, .depth = 1, .kernel = 3,
                              .stride = 2, .inner = 8};
    a.classes = 10;
    dm_metrics m = metrics_of(&a, NULL);
    CHECK_EQ_I64(m.params, 2338);
    CHECK_EQ_I64(m.macs, 43680);
    CHECK_EQ_I64(m.layers, 3);
    CHECK_EQ_I64(m.n_stages, 2);
    /* Stage 1 = stem alone: w = 27, r = 8, C = 8. */
    double s1 = 0.5 * log(27.0), s2 = 0.5 * (log(27.0) + 2 * log(72.0));
    CHECK_NEAR(m.stage[0].entropy, 1.0 * log(64.0 * 8) * s1, 1e-9);
    CHECK_NEAR(m.stage[1].entropy, 8.0 * log(16.0 * 16) * s2, 1e-9);
    CHECK_NEAR(m.stage[0].rho, 1.0 / 27, 1e-12);
    CHECK_NEAR(m.stage[1].rho, 3.0 / exp((log(27.0) + 2 * log(72.0)) / 3), 1e-12);
    CHECK_NEAR(m.depth_penalty, 10.0, 1e-12);           /* one depth: std 0 */
    CHECK_NEAR(m.objective, m.stage[0].entropy + m.stage[1].entropy - 10, 1e-9);
    /* Peak activation: the projection reads 8x8x8 = 512 and writes 4x4x16 =
       256: 768, more than the stem's 192 + 512. */
    CHECK_EQ_I64(m.peak_activation, 768);
}

/* Depth penalty: depths 1,6,9,10,12 (the published DeepMAD-R18) have mean
   7.6 and population variance 14.64, std 3.826...; beta 10. */
static void depth_penalty(void) {
    dm_arch a;
    dm_error err;
    CHECK(dm_zoo_arch("deepmad-r18", &a, &err) == DM_OK);
    dm_score_params sp;
    dm_score_params_default(&sp);
    dm_metrics m = metrics_of(&a, &sp);
    CHECK_NEAR(m.depth_penalty, 10 * exp(sqrt(14.64)), 1e-9);
    sp.penalty = DM_PENALTY_VAR;
    m = metrics_of(&a, &sp);
    CHECK_NEAR(m.depth_penalty, 10 * exp(14.64), 1e-3);
    sp.penalty = DM_PENALTY_STD;
    sp.penalty_skip = 1; /* 6,9,10,12: mean 9.25, var 4.6875 */
    m = metrics_of(&a, &sp);
    CHECK_NEAR(m.depth_penalty, 10 * exp(sqrt(4.6875)), 1e-9);
}

/* beta 0 is no penalty (issue #12, item 9): depths 1 and 256 have mean
   128.5 and population variance 127.5^2 = 16256.25, whose exp overflows
   a double; 0 x inf must not turn the objective into NaN.  The penalty is
   0 exactly and the objective is the entropy.  With beta > 0 the same net
   is still refused (the penalty really is infinite). */
static void beta_zero_no_penalty(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = 3;
    a.input_size = 8;
    a.stem = (dm_stem){.out = 8, .kernel = 3, .stride = 1};
    a.n_superblocks = 2;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BASIC, .out = 8, .depth = 1, .kernel = 3,
                              .stride = 1, .inner = 8};
    a.sb[1] = (dm_superblock){.kind = DM_BLOCK_BASIC, .out = 8, .depth = 256, .kernel = 3,
                              .stride = 1, .inner = 8};
    a.classes = 10;
    dm_score_params sp;
    dm_score_params_default(&sp);
    sp.beta = 0;
    sp.penalty = DM_PENALTY_VAR;
    dm_metrics m = metrics_of(&a, &sp);
    CHECK(m.depth_penalty == 0.0);
    CHECK(isfinite(m.objective) && m.objective == m.entropy && m.entropy > 0);
    sp.beta = 1;
    dm_net *net = NULL;
    dm_error err = {0};
    CHECK(dm_net_create(&a, &net, &err) == DM_OK);
    CHECK(dm_net_metrics(net, &sp, &m, &err) == DM_ERR_RANGE && strstr(err.msg, "not finite"));
    dm_net_free(net);
}

/* docs/limits.md (under DM_SOURCE_DIR) holds every quote and not `claim`. */
static void limits_doc_says(const char *const *quotes, int n, const char *claim) {
    const char *src = getenv("DM_SOURCE_DIR");
    char path[1024];
    static char doc[65536];
    snprintf(path, sizeof path, "%s/docs/limits.md", src ? src : ".");
    FILE *f = fopen(path, "rb");
    size_t len = f ? fread(doc, 1, sizeof doc - 1, f) : 0;
    if (f) fclose(f);
    doc[len] = '\0';
    CHECK(len > 0);
    for (int i = 0; i < n; i++) {
        CHECK(strstr(doc, quotes[i]) != NULL);
        if (!strstr(doc, quotes[i])) printf("  docs/limits.md lacks: %s\n", quotes[i]);
    }
    CHECK(strstr(doc, claim) == NULL);
}

/* docs/limits.md, "the per-field maxima do not all fit at once" (issue
   #12, item 10).  Every field at its maximum: a 15x15 stem 65536->65536
   at 4096 px has 225 * 2^56 MACs > 2^63 - 1.  With stride-2 stem and
   superblock it fits: stem 225 * 2^32 * 2048^2 = 900 * 2^52, the basic
   block's two 15x15 convs at 1024 px 225 * 2^52 each, its 1x1 projection
   2^52, the classifier 65536 * 10^6.  Two 11x11 layers at 4096 px fit one
   by one (121 * 2^56 each) but not together. */
static void limits_rule(void) {
    dm_arch a;
    dm_arch_init(&a);
    a.in_channels = DM_MAX_CHANNELS;
    a.input_size = DM_MAX_INPUT_SIZE;
    a.stem = (dm_stem){.out = DM_MAX_CHANNELS, .kernel = DM_MAX_KERNEL, .stride = 1};
    a.n_superblocks = 1;
    a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BASIC, .out = DM_MAX_CHANNELS, .depth = 1,
                              .kernel = DM_MAX_KERNEL, .stride = 1, .inner = DM_MAX_CHANNELS};
    a.classes = DM_MAX_CLASSES;
    dm_net *net = NULL;
    dm_error err = {0};
    CHECK(dm_arch_validate(&a, &err) == DM_OK); /* each field is within its limit */
    CHECK(dm_net_create(&a, &net, &err) == DM_ERR_RANGE && !net);
    CHECK(strcmp(err.msg, "a 15x15 layer 65536->65536 at 4096px overflows 64-bit counters") == 0);
    a.stem.stride = 2;
    a.sb[0].stride = 2;
    dm_metrics m = metrics_of(&a, NULL);
    CHECK_EQ_I64(m.macs, ((int64_t)(900 + 2 * 225 + 1) << 52) + (int64_t)65536 * 1000000);
    a.stem = (dm_stem){.out = DM_MAX_CHANNELS, .kernel = 11, .stride = 1};
    a.sb[0].kernel = 11;
    a.sb[0].stride = 1;
    err.msg[0] = '\0';
    CHECK(dm_net_create(&a, &net, &err) == DM_OK); /* every layer fits */
    CHECK(net && dm_net_metrics(net, NULL, &m, &err) == DM_ERR_RANGE);
    CHECK(strcmp(err.msg, "network totals overflow 64-bit counters") == 0);
    dm_net_free(net);
    /* The document quotes the code's messages and the fitting example,
       and no longer claims the opposite. */
    static const char *const quotes[] = {
        "`a 15x15 layer 65536->65536\n  at 4096px overflows 64-bit counters`",
        "`network totals overflow 64-bit counters`", "1351 x 2^52 + 65,536,000,000"};
    limits_doc_says(quotes, COUNTOF(quotes), "All the per-field maxima can hold at once");
}

/* Effectiveness of a prefix from a hand-written list of widths. */
static double rho_of(const double *w, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += log(w[i]);
    return n / exp(s / n);
}

/* ResNet-18 by hand: 7x7 stem (w = 3*49 = 147); layer1 four 3x3 convs on 64
   channels (w = 576); layer2 first conv reads 64 ch (576), then three read
   128 (1152); layer3 1152 then 3 x 2304; layer4 2304 then 3 x 4608.  Stage
   prefixes end after 1, 5, 9, 13 and 17 layers. */
static void resnet18_by_hand(void) {
    const double w[17] = {147, 576, 576, 576, 576, 576, 1152, 1152, 1152,
                          1152, 2304, 2304, 2304, 2304, 4608, 4608, 4608};
    const int ends[5] = {1, 5, 9, 13, 17};
    dm_arch a;
    dm_error err;
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    dm_metrics m = metrics_of(&a, NULL);
    CHECK_EQ_I64(m.n_stages, 5);
    double best = 0;
    for (int i = 0; i < 5; i++) {
        double r = rho_of(w, ends[i]);
        CHECK_NEAR(m.stage[i].rho, r, 1e-12);
        CHECK_EQ_I64(m.stage[i].layers, ends[i]);
        if (r > best) best = r;
    }
    CHECK_NEAR(m.rho, best, 1e-12);
    CHECK_NEAR(round(m.rho * 100) / 100, 0.01, 1e-12); /* the paper's 0.01 */
    const int res[5] = {112, 56, 28, 14, 7}, ch[5] = {64, 64, 128, 256, 512};
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_I64(m.stage[i].resolution, res[i]);
        CHECK_EQ_I64(m.stage[i].channels, ch[i]);
    }
}

/* MobileNetV2 by hand (torchvision): stem 3x3 on 3 ch (w 27); block 1
   (t = 1): dw 3x3 (9), project reads 32 (32); each later block: expand
   reads c_in, dw (9), project reads 6 c_in.  Max rho rounds to 0.9. */
static void mobilenet_v2_by_hand(void) {
    static const int rows[7][3] = {{16, 1, 0}, {24, 2, 1}, {32, 3, 1}, {64, 4, 1},
                                   {96, 3, 0}, {160, 3, 1}, {320, 1, 0}}; /* c, n, new stage */
    double w[64];
    int n = 0, c = 32, ends[6], ne = 0;
    w[n++] = 27;
    for (int r = 0; r < 7; r++) {
        if (r > 0 && rows[r][2]) ends[ne++] = n; /* stage closes before a strided row */
        for (int b = 0; b < rows[r][1]; b++) {
            if (r > 0) w[n++] = c;               /* expand */
            w[n++] = 9;                          /* depthwise */
            w[n++] = r > 0 ? 6 * c : c;          /* project */
            c = rows[r][0];
        }
    }
    w[n++] = 320; /* head 1x1 reads 320 */
    ends[ne++] = n;
    dm_arch a;
    dm_error err;
    CHECK(dm_zoo_arch("mobilenet_v2", &a, &err) == DM_OK);
    dm_metrics m = metrics_of(&a, NULL);
    CHECK_EQ_I64(m.layers, n);
    CHECK_EQ_I64(m.n_stages, ne);
    double best = 0;
    for (int i = 0; i < ne && i < m.n_stages; i++) {
        double r = rho_of(w, ends[i]);
        CHECK_NEAR(m.stage[i].rho, r, 1e-12);
        if (r > best) best = r;
    }
    CHECK_NEAR(m.rho, best, 1e-12);
    CHECK_NEAR(round(m.rho * 10) / 10, 0.9, 1e-12);
}

/* Paper Tables 1 and 2, rounded as the paper rounds them. */
static void paper_rho(void) {
    static const struct { const char *name; double rho, scale; } t[] = {
        {"resnet18", 0.01, 100}, {"resnet34", 0.02, 100}, {"resnet50", 0.09, 100},
        {"efficientnet_b0", 0.6, 10}, {"mobilenet_v2", 0.9, 10}};
    for (int i = 0; i < 5; i++) {
        dm_arch a;
        dm_error err;
        CHECK(dm_zoo_arch(t[i].name, &a, &err) == DM_OK);
        dm_metrics m = metrics_of(&a, NULL);
        if (fabs(round(m.rho * t[i].scale) / t[i].scale - t[i].rho) > 1e-12)
            printf("  %s rho %.5f\n", t[i].name, m.rho);
        CHECK_NEAR(round(m.rho * t[i].scale) / t[i].scale, t[i].rho, 1e-12);
    }
}

/* SPEC section 6's torchvision parameter counts. */
static void torchvision_params(void) {
    static const struct { const char *name; int64_t params; } t[] = {
        {"resnet18", 11689512}, {"resnet34", 21797672}, {"resnet50", 25557032},
        {"mobilenet_v2", 3504872}, {"efficientnet_b0", 5288548}};
    for (int i = 0; i < 5; i++) {
        dm_arch a;
        dm_error err;
        CHECK(dm_zoo_arch(t[i].name, &a, &err) == DM_OK);
        CHECK_EQ_I64(metrics_of(&a, NULL).params, t[i].params);
    }
}

static dm_status build_status(const dm_arch *a, dm_error *err) {
    dm_net *net = NULL;
    dm_status s = dm_net_create(a, &net, err);
    if (s == DM_OK) {
        dm_metrics m;
        s = dm_net_metrics(net, NULL, &m, err);
    }
    dm_net_free(net);
    return s;
}

static void bad_descriptions(void) {
    dm_arch base, a;
    dm_error err;
    CHECK(dm_zoo_arch("resnet50", &base, &err) == DM_OK);
    a = base; a.sb[1].out = 0;
    CHECK(build_status(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "superblock 2"));
    a = base; a.stem.out = -5;
    CHECK(build_status(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "stem channels"));
    a = base; a.input_size = 225;          /* 225 / 2 is not an integer */
    CHECK(build_status(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "does not divide"));
    a = base; a.input_size = 32;           /* 32 -> 16 -> 8 -> 4 -> 2 -> 1: fine */
    CHECK(build_status(&a, &err) == DM_OK);
    a = base; a.input_size = 16;           /* ... -> 1 then stride 2 of 1 */
    CHECK(build_status(&a, &err) == DM_ERR_INVALID);
    a = base; a.sb[0].kernel = 4;
    CHECK(build_status(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "odd"));
    a = base; a.sb[2].kind = (dm_block_kind)17;
    CHECK(build_status(&a, &err) == DM_ERR_INVALID && strstr(err.msg, "block kind"));
    a = base; a.sb[0].se = 1;
    CHECK(build_status(&a, &err) == DM_ERR_INVALID);
    a = base; a.sb[3].out = 1 << 20;
    CHECK(build_status(&a, &err) == DM_ERR_RANGE);
    a = base; a.sb[3].inner = 0; a.sb[3].expand = -1;
    CHECK(build_status(&a, &err) == DM_ERR_INVALID);
    a = base; a.n_superblocks = 99;
    CHECK(build_status(&a, &err) == DM_ERR_RANGE);
    /* Every size at its limit: 4096 px, 65536 channels, 15x15 kernels. The
       MACs of one conv (2^24 * 2^32 * 225 > 2^63) overflow int64. */
    a = base;
    a.input_size = 4096;
    a.stem = (dm_stem){.out = 65536, .kernel = 15, .stride = 1};
    a.sb[0].inner = 65536;
    a.sb[0].kernel = 15;
    CHECK(build_status(&a, &err) == DM_ERR_RANGE && strstr(err.msg, "overflow"));
    dm_score_params sp;
    dm_score_params_default(&sp);
    sp.n_alpha = 3;                        /* resnet50 has 5 stages */
    dm_net *net = NULL;
    dm_metrics m;
    CHECK(dm_net_create(&base, &net, &err) == DM_OK);
    CHECK(dm_net_metrics(net, &sp, &m, &err) == DM_ERR_INVALID && strstr(err.msg, "5 stages"));
    dm_net_free(net);
}

int main(void) {
    tiny_basic();
    depth_penalty();
    beta_zero_no_penalty();
    limits_rule();
    resnet18_by_hand();
    mobilenet_v2_by_hand();
    paper_rho();
    torchvision_params();
    bad_descriptions();
    return TEST_REPORT();
}
