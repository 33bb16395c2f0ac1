/*
** draw_net.c -- a network drawn to scale: one bar per block, its height
** proportional to the block's output channels and the stage runs left to
** right; under it a table of each unit (stem, superblocks, head,
** classifier) and of each stage's metrics.
*/
#include "draw.h"
#include <math.h>
#include <string.h>

enum { UNIT_STEM, UNIT_SB, UNIT_HEAD, UNIT_FC };

/* What one column of the picture shows. */
typedef struct unit {
    int type;
    const char *name;
    int32_t channels, depth, kernel, stride, stage, resolution;
    int32_t maxpool;          /* the stem's 3x3/2 max-pool after it */
    double x0, x1;            /* the bars' extent */
} unit;

#define MAX_UNITS (DM_MAX_SUPERBLOCKS + 3)

/* Geometry, in px. */
#define LEFT 110.0            /* row labels of the table sit left of it */
#define RIGHT 30.0
#define COL 84.0              /* a table column */
#define BASE 340.0            /* the bars' bottom */
#define TALL 230.0            /* the widest unit's bar */
#define FC_TALL 18.0          /* the classifier's box (not to scale) */
#define UNIT_GAP 4.0
#define STAGE_GAP 14.0
#define MAX_BLOCK 48.0        /* longest block bar */
#define TABLE_TOP 400.0
#define ROW 17.0

static void fill_of(int type, dm_block_kind k, double rgb[3]) {
    static const double sb[DM_BLOCK_COUNT][3] = {
        {0.55, 0.70, 0.90}, {0.25, 0.50, 0.78}, {0.30, 0.66, 0.42}};
    static const double other[4][3] = {
        {0.55, 0.55, 0.55}, {0, 0, 0}, {0.88, 0.55, 0.25}, {0.72, 0.40, 0.60}};
    memcpy(rgb, type == UNIT_SB ? sb[k] : other[type], 3 * sizeof(double));
}

/* The stage of the first layer of `role` (or of superblock sb's first block). */
static int32_t stage_of_role(const dm_net *net, dm_role role, int32_t *res) {
    for (int32_t i = 0; i < dm_net_layer_count(net); i++) {
        const dm_layer *l = dm_net_layer(net, i);
        if (l->role == role) {
            *res = l->r_out;
            return l->stage;
        }
    }
    return 0;
}

static int collect(const dm_net *net, unit *u) {
    const dm_arch *a = dm_net_arch(net);
    int n = 0;
    u[n] = (unit){.type = UNIT_STEM, .name = "stem", .channels = a->stem.out, .depth = 1,
                  .kernel = a->stem.kernel, .stride = a->stem.stride,
                  .maxpool = a->stem.maxpool};
    u[n].stage = stage_of_role(net, DM_ROLE_STEM, &u[n].resolution);
    n++;
    for (int32_t s = 0, b = 0; s < a->n_superblocks; s++) {
        const dm_superblock *sb = &a->sb[s];
        while (b < dm_net_block_count(net) && dm_net_block(net, b)->sb != s) b++;
        const dm_block_info *first = dm_net_block(net, b);
        u[n++] = (unit){.type = UNIT_SB, .name = dm_block_kind_name(sb->kind),
                        .channels = sb->out, .depth = sb->depth, .kernel = sb->kernel,
                        .stride = sb->stride, .stage = first->stage, .resolution = first->r_out};
    }
    if (a->head > 0) {
        u[n] = (unit){.type = UNIT_HEAD, .name = "head", .channels = a->head, .depth = 1,
                      .kernel = 1, .stride = 1};
        u[n].stage = stage_of_role(net, DM_ROLE_HEAD, &u[n].resolution);
        n++;
    }
    if (a->classes > 0) {
        u[n] = (unit){.type = UNIT_FC, .name = "fc", .channels = a->classes, .depth = 1,
                      .resolution = 1, .stage = u[n - 1].stage};
        n++;
    }
    return n;
}

/* x extents of the bars: each block MAX_BLOCK px at most, all in the width. */
static void place(unit *u, int n, double width) {
    double blocks = 0, gaps = 0;
    for (int i = 0; i < n; i++) {
        blocks += u[i].depth;
        if (i) gaps += u[i].stage != u[i - 1].stage ? STAGE_GAP : UNIT_GAP;
    }
    double len = (width - LEFT - RIGHT - gaps) / blocks;
    if (len > MAX_BLOCK) len = MAX_BLOCK;
    double x = LEFT;
    for (int i = 0; i < n; i++) {
        if (i) x += u[i].stage != u[i - 1].stage ? STAGE_GAP : UNIT_GAP;
        u[i].x0 = x;
        x += len * u[i].depth;
        u[i].x1 = x;
    }
}

static void bars(dmi_canvas *c, const dm_net *net, const unit *u, int n) {
    cairo_t *cr = c->cr;
    int32_t widest = 1;
    for (int i = 0; i < n; i++)
        if (u[i].type != UNIT_FC && u[i].channels > widest) widest = u[i].channels;
    for (int i = 0; i < n; i++) {
        double rgb[3];
        fill_of(u[i].type, u[i].type == UNIT_SB ? dm_net_arch(net)->sb[i - 1].kind : 0, rgb);
        double h = u[i].type == UNIT_FC ? FC_TALL : TALL * u[i].channels / widest;
        double len = (u[i].x1 - u[i].x0) / u[i].depth;
        for (int32_t b = 0; b < u[i].depth; b++) {   /* one bar per block, 1 px apart */
            double x = u[i].x0 + b * len, w = len > 3 ? len - 1 : len;
            cairo_rectangle(cr, x, BASE - h, w, h);
        }
        dmi_rgb(c, rgb[0], rgb[1], rgb[2]);
        cairo_fill(cr);
    }
}

/* Leader lines from each unit's bars to its column, and the stage braces. */
static void leaders(dmi_canvas *c, const unit *u, int n) {
    cairo_t *cr = c->cr;
    cairo_set_line_width(cr, 0.6);
    dmi_rgb(c, 0.6, 0.6, 0.6);
    for (int i = 0; i < n; i++) {
        double cx = LEFT + COL * (i + 0.5);
        cairo_move_to(cr, (u[i].x0 + u[i].x1) / 2, BASE + 4);
        cairo_line_to(cr, cx, TABLE_TOP - 14);
    }
    cairo_stroke(cr);
}

/* The table: a row per unit property, then a row per stage metric; a
   stage's cells span its units' columns. */
static void table(dmi_canvas *c, const unit *u, int n, const dm_metrics *m) {
    static const char *const rows[] = {"unit", "channels", "depth", "kernel / stride",
                                       "resolution", "stage", "stage resolution",
                                       "stage channels", "entropy H_i", "rho (prefix)"};
    double y = TABLE_TOP;
    dmi_rgb(c, 0.35, 0.35, 0.35);
    for (int r = 0; r < DM_COUNTOF(rows); r++)
        dmi_text(c, LEFT - 10, y + r * ROW + (r >= 5 ? ROW / 2 : 0), 1, 0, 11, 0, "%s", rows[r]);
    for (int i = 0; i < n; i++) {
        double cx = LEFT + COL * (i + 0.5);
        dmi_rgb(c, 0, 0, 0);
        dmi_text(c, cx, y, 0, 0, 11, 1, "%s", u[i].name);
        dmi_text(c, cx, y + ROW, 0, 0, 11, 0, "%d", u[i].channels);
        if (u[i].type == UNIT_FC) continue;
        dmi_text(c, cx, y + 2 * ROW, 0, 0, 11, 0, "x%d", u[i].depth);
        dmi_text(c, cx, y + 3 * ROW, 0, 0, 11, 0, "k%d s%d%s", u[i].kernel, u[i].stride,
                 u[i].maxpool ? " +pool" : "");
        dmi_text(c, cx, y + 4 * ROW, 0, 0, 11, 0, "%d px", u[i].resolution);
    }
    cairo_t *cr = c->cr;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && u[j].stage == u[i].stage) j++;
        int32_t s = u[i].stage;
        double x0 = LEFT + COL * i + 4, x1 = LEFT + COL * j - 4, cx = (x0 + x1) / 2;
        double ys = y + 5 * ROW + ROW / 2;
        dmi_rgb(c, 0.6, 0.6, 0.6);
        cairo_move_to(cr, x0, ys - ROW + 2);
        cairo_line_to(cr, x1, ys - ROW + 2);
        cairo_stroke(cr);
        dmi_rgb(c, 0, 0, 0);
        if (s >= 0 && s < m->n_stages) {
            const dm_stage_metrics *st = &m->stage[s];
            dmi_text(c, cx, ys, 0, 0, 11, 1, "stage %d", s + 1);
            dmi_text(c, cx, ys + ROW, 0, 0, 11, 0, "%d px", st->resolution);
            dmi_text(c, cx, ys + 2 * ROW, 0, 0, 11, 0, "%d ch", st->channels);
            dmi_text(c, cx, ys + 3 * ROW, 0, 0, 11, 0, "%.2f", st->entropy);
            dmi_text(c, cx, ys + 4 * ROW, 0, 0, 11, 0, "%.4f", st->rho);
        }
        i = j;
    }
}

static void caption(dmi_canvas *c, const dm_net *net, const dm_metrics *m, const char *title) {
    const dm_arch *a = dm_net_arch(net);
    char p[40], mac[40];
    dmi_rgb(c, 0, 0, 0);
    dmi_text(c, 20, 30, -1, 0, 17, 1, "%s", title && title[0] ? title : "network");
    dmi_text(c, 20, 54, -1, 0, 12, 0, "params %s   MACs %s   rho %.6f   entropy %.4f   "
             "objective %.4f", dmi_fmt_count(p, sizeof p, m->params),
             dmi_fmt_count(mac, sizeof mac, m->macs), m->rho, m->entropy, m->objective);
    dmi_rgb(c, 0.35, 0.35, 0.35);
    dmi_text(c, 20, 74, -1, 0, 12, 0, "%d x %d x %d input, %d classes, %s style, %d main-path "
             "layers; bar height = channels, length = blocks", a->in_channels, a->input_size,
             a->input_size, a->classes, dm_style_name(a->style), m->layers);
}

dm_status dm_draw_net(const dm_net *net, const dm_metrics *m, const char *title,
                      dm_picture_format format, uint8_t **out, size_t *len, dm_error *err) {
    if (!net || !m || !out || !len)
        return DM_FAIL(err, DM_ERR_INVALID, "draw: a NULL argument");
    *out = NULL;
    *len = 0;
    unit u[MAX_UNITS];
    int n = collect(net, u);
    double width = LEFT + RIGHT + COL * n;
    if (width < 900) width = 900;
    place(u, n, width);
    dmi_canvas c;
    dm_status s = dmi_canvas_open(&c, format, width, TABLE_TOP + 11 * ROW, err);
    if (s) return s;
    caption(&c, net, m, title);
    bars(&c, net, u, n);
    leaders(&c, u, n);
    table(&c, u, n, m);
    return dmi_canvas_close(&c, title, out, len, err);
}
