/*
** test_draw.c -- the pictures and the rho0 sweep, in the library: format
** names; the sweep grid against hand values; a sweep's points equal
** dm_solve called at the same rho0; both pictures render deterministically
** with the documented sizes (PNG header read directly), the SVG carrying
** its title and labels; bad arguments are DM_ERR_INVALID, never a crash.
** What the pictures show is checked by tests/cli/test_draw.sh.
*/
#include "deepmad.h"
#include "harness.h"
#include <stdint.h>

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_formats(void) {
    dm_picture_format f;
    CHECK(!strcmp(dm_picture_format_name(DM_PICTURE_SVG), "svg"));
    CHECK(!strcmp(dm_picture_format_name(DM_PICTURE_PNG), "png"));
    CHECK(!strcmp(dm_picture_format_name(DM_PICTURE_FORMAT_COUNT), "unknown"));
    CHECK(dm_picture_format_from_name("png", &f, NULL) == DM_OK && f == DM_PICTURE_PNG);
    dm_error err = {0};
    CHECK(dm_picture_format_from_name("gif", &f, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "gif") != NULL);
    CHECK(dm_picture_format_from_name(NULL, &f, NULL) == DM_ERR_INVALID);
}

static void test_grid(void) {
    double g[5];
    /* log: 0.1, 10^-0.5, 1 */
    CHECK(dm_sweep_grid(0.1, 1.0, 3, 1, g, NULL) == DM_OK);
    CHECK(g[0] == 0.1 && g[2] == 1.0);
    CHECK_NEAR(g[1], 0.31622776601683794, 1e-15);
    /* linear: 0.5, 1, 1.5, 2 */
    CHECK(dm_sweep_grid(0.5, 2.0, 4, 0, g, NULL) == DM_OK);
    CHECK_NEAR(g[1], 1.0, 1e-15);
    CHECK_NEAR(g[2], 1.5, 1e-15);
    CHECK(g[3] == 2.0);
    dm_error err = {0};
    CHECK(dm_sweep_grid(2.0, 1.0, 3, 1, g, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "below") != NULL);
    CHECK(dm_sweep_grid(0.0, 1.0, 3, 1, g, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep_grid(-1.0, 1.0, 3, 0, g, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep_grid(0.1, NAN, 3, 0, g, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep_grid(0.1, INFINITY, 3, 0, g, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep_grid(0.1, 1.0, 1, 0, g, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep_grid(0.1, 1.0, DM_SWEEP_MAX_POINTS + 1, 0, g, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep_grid(0.1, 1.0, 3, 0, NULL, NULL) == DM_ERR_INVALID);
}

/* A small problem: 4 stages, one kernel; infeasible at rho0 0.05. */
static void small_problem(dm_problem *p) {
    dm_problem_default(p, DM_BLOCK_BOTTLENECK);
    p->max_macs = 100000000;
    p->max_params = 1000000;
    p->n_superblocks = 4;
    for (int i = 0; i < 4; i++) p->stride[i] = 2;
    p->n_kernels = 1;
    p->kernels[0] = 3;
}

static void test_sweep(void) {
    dm_problem p;
    small_problem(&p);
    const double rho[3] = {0.05, 0.3, 0.6};
    dm_sweep_point pts[3];
    dm_error err = {0};
    CHECK(dm_sweep(&p, rho, 3, NULL, NULL, pts, &err) == DM_OK);
    for (int i = 0; i < 3; i++) {
        dm_problem q = p;
        q.rho0 = rho[i];
        dm_solution s;
        dm_status st = dm_solve(&q, &s, NULL);
        CHECK(pts[i].rho0 == rho[i]);
        CHECK(pts[i].stop == s.stop);
        if (st == DM_ERR_INFEASIBLE) {
            CHECK(pts[i].binding == s.binding && pts[i].least == s.least);
            continue;
        }
        CHECK(st == DM_OK);
        int32_t depth = 0;
        for (int k = 0; k < s.arch.n_superblocks; k++) depth += s.arch.sb[k].depth;
        CHECK(pts[i].objective == s.objective && pts[i].entropy == s.metrics.entropy);
        CHECK(pts[i].params == s.metrics.params && pts[i].macs == s.metrics.macs);
        CHECK(pts[i].depth == depth && pts[i].rho == s.metrics.rho && pts[i].gap == s.gap);
    }
    CHECK(pts[0].stop == DM_STOP_INFEASIBLE && pts[0].binding == DM_CONSTRAINT_RHO);
    CHECK(pts[2].stop != DM_STOP_INFEASIBLE && pts[2].depth > pts[1].depth);
    /* A bad problem is the solver's error, not an infeasible point. */
    p.n_kernels = 0;
    CHECK(dm_sweep(&p, rho, 3, NULL, NULL, pts, &err) == DM_ERR_INVALID);
    CHECK(dm_sweep(&p, rho, 0, NULL, NULL, pts, NULL) == DM_ERR_INVALID);
    CHECK(dm_sweep(NULL, rho, 1, NULL, NULL, pts, NULL) == DM_ERR_INVALID);
}

/* Render twice; same bytes; the format's signature and size. */
static void check_picture(dm_status (*draw)(dm_picture_format, uint8_t **, size_t *, dm_error *),
                          uint32_t w, uint32_t h, const char *title) {
    for (int f = 0; f < DM_PICTURE_FORMAT_COUNT; f++) {
        uint8_t *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        dm_error err = {0};
        CHECK(draw((dm_picture_format)f, &a, &na, &err) == DM_OK);
        CHECK(draw((dm_picture_format)f, &b, &nb, &err) == DM_OK);
        CHECK(a && b && na == nb && !memcmp(a, b, na));
        if (!a) continue;
        if (f == DM_PICTURE_PNG) {
            CHECK(na > 24 && !memcmp(a, "\x89PNG\r\n\x1a\n", 8) && !memcmp(a + 12, "IHDR", 4));
            CHECK_EQ_I64(be32(a + 16), w);
            CHECK_EQ_I64(be32(a + 20), h);
        } else {
            char *s = malloc(na + 1);
            memcpy(s, a, na);
            s[na] = 0;
            char size[64], want[128];
            snprintf(size, sizeof size, "viewBox=\"0 0 %u %u\"", w, h);
            snprintf(want, sizeof want, "<title>%s</title>", title);
            CHECK(strstr(s, "<svg") && strstr(s, size) && strstr(s, want));
            CHECK(strstr(s, "<desc>") && strstr(s, "</svg>"));
            free(s);
        }
        dm_free(a);
        dm_free(b);
    }
}

static dm_net *g_net;
static dm_metrics g_metrics;
static dm_status draw_r18(dm_picture_format f, uint8_t **out, size_t *len, dm_error *err) {
    return dm_draw_net(g_net, &g_metrics, "a & <b>", f, out, len, err);
}
static dm_sweep_point g_pts[4];
static dm_status draw_pts(dm_picture_format f, uint8_t **out, size_t *len, dm_error *err) {
    return dm_draw_sweep(g_pts, 4, "sweep", 1, f, out, len, err);
}

static void test_draw_net(void) {
    dm_arch a;
    dm_error err = {0};
    CHECK(dm_zoo_arch("resnet18", &a, &err) == DM_OK);
    CHECK(dm_net_create(&a, &g_net, &err) == DM_OK);
    CHECK(dm_net_metrics(g_net, NULL, &g_metrics, &err) == DM_OK);
    /* 6 columns (stem, 4 superblocks, fc): the 900 px minimum width */
    check_picture(draw_r18, 900, 587, "a &amp; &lt;b&gt;");
    uint8_t *out = (uint8_t *)"x";
    size_t len = 1;
    CHECK(dm_draw_net(NULL, &g_metrics, NULL, DM_PICTURE_SVG, &out, &len, NULL) == DM_ERR_INVALID);
    CHECK(dm_draw_net(g_net, NULL, NULL, DM_PICTURE_SVG, &out, &len, NULL) == DM_ERR_INVALID);
    CHECK(dm_draw_net(g_net, &g_metrics, NULL, DM_PICTURE_FORMAT_COUNT, &out, &len, &err) ==
          DM_ERR_INVALID);
    CHECK(out == NULL && len == 0);
    dm_net_free(g_net);
    /* the deepest zoo net: 33 columns widen the picture */
    CHECK(dm_zoo_arch("efficientnet_b0", &a, &err) == DM_OK);
    CHECK(dm_net_create(&a, &g_net, &err) == DM_OK);
    CHECK(dm_net_metrics(g_net, NULL, &g_metrics, &err) == DM_OK);
    CHECK(draw_r18(DM_PICTURE_PNG, &out, &len, &err) == DM_OK);
    CHECK_EQ_I64(be32(out + 16), 110 + 30 + 84 * 10);   /* stem, 7 superblocks, head, fc */
    dm_free(out);
    dm_net_free(g_net);
}

static void test_draw_sweep(void) {
    g_pts[0] = (dm_sweep_point){.rho0 = 0.1, .stop = DM_STOP_INFEASIBLE};
    g_pts[1] = (dm_sweep_point){.rho0 = 0.2, .objective = 5, .entropy = 6, .depth = 3,
                                .params = 900000};
    g_pts[2] = (dm_sweep_point){.rho0 = 0.5, .stop = DM_STOP_NODE_LIMIT, .objective = 9,
                                .entropy = 11, .depth = 7, .params = 990000, .gap = 2};
    g_pts[3] = (dm_sweep_point){.rho0 = 1.5, .objective = 8, .entropy = 14, .depth = 12,
                                .params = 999000};
    check_picture(draw_pts, 920, 700, "sweep");
    uint8_t *out = NULL;
    size_t len = 0;
    dm_error err = {0};
    /* all infeasible, and a single point: still a picture */
    dm_sweep_point one = {.rho0 = 0.3, .stop = DM_STOP_INFEASIBLE};
    CHECK(dm_draw_sweep(&one, 1, NULL, 0, DM_PICTURE_SVG, &out, &len, &err) == DM_OK);
    dm_free(out);
    CHECK(dm_draw_sweep(g_pts, 0, NULL, 1, DM_PICTURE_SVG, &out, &len, &err) == DM_ERR_INVALID);
    CHECK(dm_draw_sweep(NULL, 1, NULL, 1, DM_PICTURE_SVG, &out, &len, &err) == DM_ERR_INVALID);
    dm_sweep_point bad = g_pts[1];
    bad.rho0 = 0;
    CHECK(dm_draw_sweep(&bad, 1, NULL, 1, DM_PICTURE_SVG, &out, &len, &err) == DM_ERR_INVALID);
    bad.rho0 = 0.3;
    bad.objective = NAN;
    CHECK(dm_draw_sweep(&bad, 1, NULL, 1, DM_PICTURE_SVG, &out, &len, &err) == DM_ERR_INVALID);
    CHECK(strstr(err.msg, "not finite") != NULL);
}

int main(void) {
    test_formats();
    test_grid();
    test_sweep();
    test_draw_net();
    test_draw_sweep();
    return TEST_REPORT();
}
