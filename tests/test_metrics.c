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

/* ---------------------------------------------------------------------- */
/* The two block styles side by side (docs/styles.md, SPEC section 8)     */
/* ---------------------------------------------------------------------- */

/* 3x8x8 input, 3x3/1 stem 3 -> 8 or 16, 10 classes, no head: the nets of
   the style checks below differ only in their superblocks. */
static dm_arch small_net(dm_style style, int32_t stem_out) {
    dm_arch a;
    dm_arch_init(&a);
    a.style = style;
    a.in_channels = 3;
    a.input_size = 8;
    a.stem = (dm_stem){.out = stem_out, .kernel = 3, .stride = 1};
    a.classes = 10;
    return a;
}

/* Build `a` and hand back the net (the caller frees it); NULL on failure. */
static dm_net *net_of(const dm_arch *a) {
    dm_net *net = NULL;
    dm_error err = {0};
    CHECK(dm_net_create(a, &net, &err) == DM_OK);
    if (err.msg[0]) printf("  error: %s\n", err.msg);
    return net;
}

/* The i-th layer of role `role` in forward order, or NULL. */
static const dm_layer *nth_layer(const dm_net *net, dm_role role, int i) {
    for (int32_t j = 0; net && j < dm_net_layer_count(net); j++) {
        const dm_layer *l = dm_net_layer(net, j);
        if (l->role == role && i-- == 0) return l;
    }
    return NULL;
}

/* Entropy and rho of a net with stages ending after ends[i] main-path
   layers of widths w, resolutions res and channels ch, alpha 1 per stage
   and 8 for the last (SPEC sections 2 and 3), against dm_net_metrics. */
static void check_scores(const dm_metrics *m, const double *w, const int *ends, const int *res,
                         const int *ch, int n_stages) {
    double total = 0, best = 0;
    CHECK_EQ_I64(m->n_stages, n_stages);
    for (int i = 0; i < n_stages && i < m->n_stages; i++) {
        double s = 0;
        for (int j = 0; j < ends[i]; j++) s += 0.5 * log(w[j]);
        double alpha = i == n_stages - 1 ? 8 : 1;
        double h = alpha * log((double)res[i] * res[i] * ch[i]) * s;
        double r = rho_of(w, ends[i]);
        CHECK_EQ_I64(m->stage[i].layers, ends[i]);
        CHECK_NEAR(m->stage[i].entropy, h, 1e-9);
        CHECK_NEAR(m->stage[i].rho, r, 1e-12);
        total += h;
        if (r > best) best = r;
    }
    CHECK_EQ_I64(m->layers, ends[n_stages - 1]);
    CHECK_NEAR(m->entropy, total, 1e-9);
    CHECK_NEAR(m->rho, best, 1e-12);
}

/* (a) Bottlenecks.  Stem 3 -> 8 (3x3/1, 8 px); superblock 1: bottleneck
   8 -> 8, m 4, k 3, stride 1, depth 2; superblock 2: 8 -> 16, m 4, k 3,
   stride 2, depth 2.  A conv's params are c_in/g * c_out * k^2 + 2 c_out
   (BN), its MACs the weights times r_out^2.
     stem 3x3 3->8 @8:            216+16 = 232      64*216 = 13824
     sb1 block (either): 1x1 8->4 @8: 32+8 = 40,     64*32  = 2048
                         3x3 4->4 @8: 144+8 = 152,   64*144 = 9216
                         1x1 4->8 @8: 32+16 = 48,    64*32  = 2048
                         = 240 params, 13312 MACs
     sb2 block 0: 1x1 8->4 @8: 40, 2048; 3x3/2 4->4 @4: 152, 16*144 = 2304;
                  1x1 4->16 @4: 64+32 = 96, 16*64 = 1024;
                  shortcut 1x1 8->16 @4: 128+32 = 160, 16*128 = 2048
                  = 448 params, 7424 MACs
     sb2 block 1: 1x1 16->4 @4: 64+8 = 72, 1024; 3x3: 152, 2304;
                  1x1 4->16: 96, 1024 = 320 params, 4352 MACs
     classifier 16->10: 160+10 = 170 params, 160 MACs
   Torchvision style: sb1 block 0 keeps the identity (same shape, stride
   1); sb2 block 0 projects with a strided 1x1 conv: the same 160 params
   and 2048 MACs at the output's 4 px.  Params 232 + 2*240 + 448 + 320 +
   170 = 1650, MACs 13824 + 2*13312 + 7424 + 4352 + 160 = 52384.
   Paper style: block 0 of sb1 is forced to project (force_resproj) though
   8 == 8 at stride 1: 1x1 conv 8->8 + BN at 8 px, 64+16 = 80 params,
   64*64 = 4096 MACs; sb2 block 0 pools 2x2 then projects: the conv runs
   at 4 px, 160 params, 2048 MACs.  Params 1730, MACs 56480.
   The main path is the same 13 layers in both styles: widths 27; 8, 36, 4
   twice; 8, 36, 4; 16, 36, 4.  Stage 1 (stem + sb1) ends at 8 px with 8
   channels after 7 layers, stage 2 at 4 px with 16 after 13. */
static void paper_bottleneck(void) {
    static const double w[13] = {27, 8, 36, 4, 8, 36, 4, 8, 36, 4, 16, 36, 4};
    static const int ends[2] = {7, 13}, res[2] = {8, 4}, ch[2] = {8, 16};
    static const struct { dm_style style; int64_t params, macs; dm_residual r0, r2; } want[] = {
        {DM_STYLE_TORCHVISION, 1650, 52384, DM_RESIDUAL_IDENTITY, DM_RESIDUAL_CONV},
        {DM_STYLE_PAPER, 1730, 56480, DM_RESIDUAL_AVGPOOL_CONV, DM_RESIDUAL_AVGPOOL_CONV}};
    for (int t = 0; t < COUNTOF(want); t++) {
        dm_arch a = small_net(want[t].style, 8);
        a.n_superblocks = 2;
        a.sb[0] = (dm_superblock){.kind = DM_BLOCK_BOTTLENECK, .out = 8, .depth = 2, .kernel = 3,
                                  .stride = 1, .inner = 4};
        a.sb[1] = (dm_superblock){.kind = DM_BLOCK_BOTTLENECK, .out = 16, .depth = 2, .kernel = 3,
                                  .stride = 2, .inner = 4};
        dm_metrics m = metrics_of(&a, NULL);
        CHECK_EQ_I64(m.params, want[t].params);
        CHECK_EQ_I64(m.macs, want[t].macs);
        check_scores(&m, w, ends, res, ch, 2);
        CHECK_NEAR(m.depth_penalty, 10.0, 1e-12); /* depths 2, 2: std 0 */
        dm_net *net = net_of(&a);
        if (!net) continue;
        CHECK_EQ_I64(dm_net_block_count(net), 4);
        CHECK(dm_net_block(net, 0)->residual == want[t].r0);
        CHECK(dm_net_block(net, 1)->residual == DM_RESIDUAL_IDENTITY);
        CHECK(dm_net_block(net, 2)->residual == want[t].r2);
        CHECK(dm_net_block(net, 3)->residual == DM_RESIDUAL_IDENTITY);
        /* The strided block's shortcut conv: 8 -> 16 at the output's 4 px. */
        int paper = want[t].style == DM_STYLE_PAPER;
        const dm_layer *sc = nth_layer(net, DM_ROLE_SHORTCUT, paper);
        CHECK(sc && sc->c_in == 8 && sc->c_out == 16 && sc->r_out == 4);
        CHECK(sc && sc->params == 160 && sc->macs == 2048);
        if (paper) { /* the forced one: 8 -> 8 at 8 px */
            sc = nth_layer(net, DM_ROLE_SHORTCUT, 0);
            CHECK(sc && sc->c_in == 8 && sc->c_out == 8 && sc->r_out == 8);
            CHECK(sc && sc->params == 80 && sc->macs == 4096 && sc->bn == 1 && !sc->bias);
            CHECK(sc && sc->sb == 0 && sc->block == 0);
        }
        CHECK(nth_layer(net, DM_ROLE_SHORTCUT, 1 + paper) == NULL);
        dm_net_free(net);
    }
}

/* SE squeeze width B_se of the paper style: max(1, round(m/4) // 8) * 8,
   Python's round (half to even), from the inner width m:
     m = 1:    round(0.25) = 0  -> max(1, 0) = 1 -> 8 (wider than m)
     m = 8:    2   -> 0  -> 8        m = 30:  round(7.5) = 8   -> 1 -> 8
     m = 40:   10  -> 1  -> 8        m = 42:  round(10.5) = 10 -> 1 -> 8
     m = 44:   11  -> 1  -> 8        m = 46:  round(11.5) = 12 -> 1 -> 8
     m = 125:  round(31.25) = 31 -> 3 -> 24   (a ceiling would give 32)
     m = 126:  round(31.5)  = 32 -> 4 -> 32   (a floor would give 24)
     m = 127:  round(31.75) = 32 -> 4 -> 32
     m = 158:  round(39.5)  = 40 -> 5 -> 40   (a floor would give 32)
     m = 240:  60  -> 7  -> 56       m = 1872: 468 -> 58 -> 464
   (Half to even and half up never differ after // 8: they differ only at
   x.5 with x even, and x + 1 is then odd, never a multiple of 8.)
   Each SE conv is 1x1 without bias and with BN at 1x1: m -> B_se has
   m B_se + 2 B_se params, B_se -> m has B_se m + 2 m; each m B_se MACs.
   The net: stem 3 -> 8, one mbconv 8 -> 8, m, k 3, stride 1, depth 1. */
static void paper_se_widths(void) {
    static const int32_t t[][2] = {{1, 8},     {8, 8},     {30, 8},    {40, 8},   {42, 8},
                                   {44, 8},    {46, 8},    {125, 24},  {126, 32}, {127, 32},
                                   {158, 40},  {240, 56},  {1872, 464}};
    for (int i = 0; i < COUNTOF(t); i++) {
        int32_t m = t[i][0], q = t[i][1];
        dm_arch a = small_net(DM_STYLE_PAPER, 8);
        a.n_superblocks = 1;
        a.sb[0] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = 8, .depth = 1, .kernel = 3,
                                  .stride = 1, .inner = m, .se = 1, .act = DM_ACT_SILU};
        dm_net *net = net_of(&a);
        if (!net) continue;
        CHECK_EQ_I64(dm_net_block(net, 0)->se_channels, q);
        const dm_layer *s1 = nth_layer(net, DM_ROLE_SE, 0), *s2 = nth_layer(net, DM_ROLE_SE, 1);
        CHECK(s1 && s2 && nth_layer(net, DM_ROLE_SE, 2) == NULL);
        if (s1 && s2) {
            CHECK(s1->c_in == m && s1->c_out == q && s2->c_in == q && s2->c_out == m);
            CHECK(s1->bn && !s1->bias && s2->bn && !s2->bias);
            CHECK(s1->r_in == 1 && s1->r_out == 1 && s2->r_out == 1);
            CHECK_EQ_I64(s1->params, (int64_t)m * q + 2 * q);
            CHECK_EQ_I64(s2->params, (int64_t)q * m + 2 * m);
            CHECK_EQ_I64(s1->macs, (int64_t)m * q);
            CHECK_EQ_I64(s2->macs, (int64_t)m * q);
        }
        if (dm_net_block(net, 0)->se_channels != q) printf("  paper SE width of m = %d\n", (int)m);
        dm_net_free(net);
    }
}

/* (b) MBConv + SE, depth 2.  Stem 3 -> 8 (3x3/1, 8 px): 232 params, 13824
   MACs; one superblock mbconv 8 -> 16, m 16, k 3, stride 1, SE, depth 2;
   classifier 16 -> 10: 170 params, 160 MACs.  Block 0 (8 -> 16) has no
   residual in either style (shapes differ); block 1 (16 -> 16) adds the
   identity.  All at 8 px.
   Paper style (ResK1DWSEK1): the expand conv is always there, and SE
   squeezes m = 16 to max(1, round(4) // 8) * 8 = 8 with BN'd biasless
   convs:
     block 0: expand 1x1 8->16: 128+32 = 160, 64*128 = 8192
              dw 3x3 16: 144+32 = 176, 64*144 = 9216
              SE 16->8: 128+16 = 144, 128;  SE 8->16: 128+32 = 160, 128
              project 1x1 16->16: 256+32 = 288, 64*256 = 16384
              = 928 params, 34048 MACs
     block 1: expand 16->16 (m == c_in, still built): 288, 16384; dw 176,
              9216; SE 144 + 160, 256; project 288, 16384
              = 1056 params, 42240 MACs
     net: 232 + 928 + 1056 + 170 = 2386 params,
          13824 + 34048 + 42240 + 160 = 90272 MACs; 7 main-path layers
          of widths 27; 8, 9, 16; 16, 9, 16.
   Torchvision style (EfficientNet MBConv): SE squeezes a quarter of the
   block's input with biased convs and no BN; no expand conv when m == c_in:
     block 0: expand 160, 8192; dw 176, 9216; SE 16->2: 32+2 = 34, 32;
              SE 2->16: 32+16 = 48, 32; project 288, 16384
              = 706 params, 33856 MACs
     block 1: dw 176, 9216; SE 16->4: 64+4 = 68, 64; SE 4->16: 64+16 = 80,
              64; project 288, 16384 = 612 params, 25728 MACs
     net: 232 + 706 + 612 + 170 = 1720 params,
          13824 + 33856 + 25728 + 160 = 73568 MACs; 6 main-path layers
          of widths 27; 8, 9, 16; 9, 16.
   One stage (no stride 2 after the stem): 8 px, 16 channels, alpha 8.
   Here the main paths differ (block 1's expand conv), so do the scores. */
static void paper_mbconv(void) {
    static const double w_paper[7] = {27, 8, 9, 16, 16, 9, 16}, w_tv[6] = {27, 8, 9, 16, 9, 16};
    static const int res[1] = {8}, ch[1] = {16};
    static const struct {
        dm_style style; int64_t params, macs; const double *w; int layers, se0, se1;
    } want[] = {{DM_STYLE_TORCHVISION, 1720, 73568, w_tv, 6, 2, 4},
                {DM_STYLE_PAPER, 2386, 90272, w_paper, 7, 8, 8}};
    for (int t = 0; t < COUNTOF(want); t++) {
        dm_arch a = small_net(want[t].style, 8);
        a.n_superblocks = 1;
        a.sb[0] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = 16, .depth = 2, .kernel = 3,
                                  .stride = 1, .inner = 16, .se = 1, .act = DM_ACT_SILU};
        dm_metrics m = metrics_of(&a, NULL);
        CHECK_EQ_I64(m.params, want[t].params);
        CHECK_EQ_I64(m.macs, want[t].macs);
        const int ends[1] = {want[t].layers};
        check_scores(&m, want[t].w, ends, res, ch, 1);
        dm_net *net = net_of(&a);
        if (!net) continue;
        int paper = want[t].style == DM_STYLE_PAPER;
        const dm_block_info *b0 = dm_net_block(net, 0), *b1 = dm_net_block(net, 1);
        CHECK(b0->residual == DM_RESIDUAL_NONE && b1->residual == DM_RESIDUAL_IDENTITY);
        CHECK(b0->has_expand == 1 && b1->has_expand == paper);
        CHECK(b0->se_channels == want[t].se0 && b1->se_channels == want[t].se1);
        CHECK(b0->style == want[t].style && b1->style == want[t].style);
        const dm_layer *se = nth_layer(net, DM_ROLE_SE, 0);
        CHECK(se && se->bias == !paper && se->bn == paper);
        CHECK(nth_layer(net, DM_ROLE_SHORTCUT, 0) == NULL); /* mbconv never projects */
        dm_net_free(net);
    }
}

/* (c) MBConv, c_in == c_out at stride 2.  Stem 3 -> 16 (3x3/1, 8 px):
   432+32 = 464 params, 64*432 = 27648 MACs; one mbconv 16 -> 16, m 24,
   k 3, stride 2, SE, depth 1; classifier 170 params, 160 MACs.
     expand 1x1 16->24 @8: 384+48 = 432, 64*384 = 24576
     dw 3x3/2 24 @4: 216+48 = 264, 16*216 = 3456
     project 1x1 24->16 @4: 384+32 = 416, 16*384 = 6144
   Paper: SE m 24 -> max(1, round(6) // 8) * 8 = 8: 192+16 = 208 and
   192+48 = 240 params, 192 MACs each; the residual is a 2x2/2 avg-pool of
   the input (c_in == c_out), no conv: 0 params, 0 MACs.  Net: 464 + 432 +
   264 + 208 + 240 + 416 + 170 = 2194 params; 27648 + 24576 + 3456 + 384 +
   6144 + 160 = 62368 MACs.
   Torchvision: SE 16/4 = 4 with bias: 96+4 = 100 and 96+24 = 120 params,
   96 MACs each; no residual (strided).  Net: 1966 params, 62176 MACs.
   The main path is the same 4 layers in both (m 24 != c_in 16: both
   expand): widths 27; 16, 9, 24.  Stage 1 = the stem (8 px, 16 ch),
   stage 2 ends at 4 px with 16 ch. */
static void paper_mbconv_strided_identity(void) {
    static const double w[4] = {27, 16, 9, 24};
    static const int ends[2] = {1, 4}, res[2] = {8, 4}, ch[2] = {16, 16};
    static const struct { dm_style style; int64_t params, macs; dm_residual r; } want[] = {
        {DM_STYLE_TORCHVISION, 1966, 62176, DM_RESIDUAL_NONE},
        {DM_STYLE_PAPER, 2194, 62368, DM_RESIDUAL_AVGPOOL}};
    dm_metrics got[2];
    for (int t = 0; t < COUNTOF(want); t++) {
        dm_arch a = small_net(want[t].style, 16);
        a.n_superblocks = 1;
        a.sb[0] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = 16, .depth = 1, .kernel = 3,
                                  .stride = 2, .inner = 24, .se = 1, .act = DM_ACT_SILU};
        dm_metrics m = got[t] = metrics_of(&a, NULL);
        CHECK_EQ_I64(m.params, want[t].params);
        CHECK_EQ_I64(m.macs, want[t].macs);
        check_scores(&m, w, ends, res, ch, 2);
        dm_net *net = net_of(&a);
        if (!net) continue;
        CHECK(dm_net_block(net, 0)->residual == want[t].r);
        CHECK(dm_net_block(net, 0)->has_expand == 1);
        CHECK(nth_layer(net, DM_ROLE_SHORTCUT, 0) == NULL); /* the pool has no conv */
        CHECK_EQ_I64(dm_net_layer_count(net), 1 + 5 + 1);  /* stem, 3 main + 2 SE, fc */
        dm_net_free(net);
    }
    /* Same main path: the scores agree to the last bit, not just to 1e-9. */
    CHECK(got[0].entropy == got[1].entropy && got[0].rho == got[1].rho);
    CHECK(got[0].objective == got[1].objective);
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
    paper_bottleneck();
    paper_se_widths();
    paper_mbconv();
    paper_mbconv_strided_identity();
    bad_descriptions();
    return TEST_REPORT();
}
