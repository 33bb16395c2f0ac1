/*
** draw_sweep.c -- a rho0 sweep as four panels (objective, entropy, depth,
** params of the best design against rho0): the left half of the paper's
** Figure 2, for one design problem.
*/
#include "draw.h"
#include <math.h>
#include <string.h>

#define DMI_PI 3.14159265358979323846
#define WIDTH 920.0
#define HEIGHT 700.0
#define TOP 96.0             /* below the caption and legend */
#define PAD_L 78.0           /* inside a panel: room for the y ticks */
#define PAD_R 18.0
#define PAD_T 28.0           /* the panel's title */
#define PAD_B 46.0           /* the x ticks and label */

typedef struct axis {
    double lo, hi;
    int log;
    double p0, p1;           /* pixels of lo and hi */
} axis;

static double at(const axis *a, double v) {
    double t = a->log ? (log(v) - log(a->lo)) / (log(a->hi) - log(a->lo))
                      : (v - a->lo) / (a->hi - a->lo);
    return a->p0 + t * (a->p1 - a->p0);
}

/* What panel k plots of a feasible point. */
static double value(const dm_sweep_point *p, int k) {
    switch (k) {
    case 0: return p->objective;
    case 1: return p->entropy;
    case 2: return p->depth;
    default: return (double)p->params;
    }
}

static void marker_star(cairo_t *cr, double x, double y, double r) {
    for (int i = 0; i < 10; i++) {
        double a = -DMI_PI / 2 + i * DMI_PI / 5, rr = i % 2 ? r * 0.45 : r;
        if (i) cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
        else cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
    }
    cairo_close_path(cr);
}

static void panel(dmi_canvas *c, const dm_sweep_point *pts, int32_t n, int k, int log_x,
                  double x, double y, double w, double h, int32_t best) {
    static const char *const names[] = {"objective", "entropy H", "depth (blocks)", "params"};
    cairo_t *cr = c->cr;
    char buf[40];
    axis ax = {.lo = pts[0].rho0, .hi = pts[0].rho0, .log = log_x, .p0 = x + PAD_L,
               .p1 = x + w - PAD_R};
    axis ay = {.lo = HUGE_VAL, .hi = -HUGE_VAL, .p0 = y + h - PAD_B, .p1 = y + PAD_T};
    for (int32_t i = 0; i < n; i++) {
        ax.lo = fmin(ax.lo, pts[i].rho0);
        ax.hi = fmax(ax.hi, pts[i].rho0);
        if (pts[i].stop == DM_STOP_INFEASIBLE) continue;
        ay.lo = fmin(ay.lo, value(&pts[i], k));
        ay.hi = fmax(ay.hi, value(&pts[i], k));
    }
    if (ay.lo > ay.hi) ay.lo = ay.hi = 0;   /* nothing feasible: an empty axis */
    if (ax.hi <= ax.lo) {                    /* one rho0: a range around it */
        ax.lo *= 0.9;
        ax.hi *= 1.1;
    }
    double tx[DMI_MAX_TICKS], ty[DMI_MAX_TICKS];
    int ntx = dmi_ticks(&ax.lo, &ax.hi, log_x, tx), nty = dmi_ticks(&ay.lo, &ay.hi, 0, ty);
    /* frame, grid and ticks */
    cairo_set_line_width(cr, 0.5);
    dmi_rgb(c, 0.88, 0.88, 0.88);
    for (int i = 0; i < nty; i++) {
        cairo_move_to(cr, ax.p0, at(&ay, ty[i]));
        cairo_line_to(cr, ax.p1, at(&ay, ty[i]));
    }
    for (int i = 0; i < ntx; i++) {
        cairo_move_to(cr, at(&ax, tx[i]), ay.p0);
        cairo_line_to(cr, at(&ax, tx[i]), ay.p1);
    }
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1.0);
    dmi_rgb(c, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, ax.p0, ay.p1, ax.p1 - ax.p0, ay.p0 - ay.p1);
    cairo_stroke(cr);
    for (int i = 0; i < nty; i++)
        dmi_text(c, ax.p0 - 6, at(&ay, ty[i]) + 4, 1, 0, 10, 0, "%s",
                 dmi_fmt_short(buf, sizeof buf, ty[i]));
    for (int i = 0; i < ntx; i++)
        dmi_text(c, at(&ax, tx[i]), ay.p0 + 15, 0, 0, 10, 0, "%s",
                 dmi_fmt_short(buf, sizeof buf, tx[i]));
    dmi_text(c, (ax.p0 + ax.p1) / 2, ay.p0 + 34, 0, 0, 11, 0, "rho0%s", log_x ? " (log)" : "");
    dmi_text(c, ax.p0, y + PAD_T - 8, -1, 0, 13, 1, "%s", names[k]);
    /* the curve through the designs, then the markers */
    dmi_rgb(c, 0.25, 0.50, 0.78);
    cairo_set_line_width(cr, 1.6);
    int pen = 0;
    for (int32_t i = 0; i < n; i++) {
        if (pts[i].stop == DM_STOP_INFEASIBLE) { pen = 0; continue; }
        double px = at(&ax, pts[i].rho0), py = at(&ay, value(&pts[i], k));
        if (pen) cairo_line_to(cr, px, py);
        else cairo_move_to(cr, px, py);
        pen = 1;
    }
    cairo_stroke(cr);
    for (int32_t i = 0; i < n; i++) {
        double px = at(&ax, pts[i].rho0);
        if (pts[i].stop == DM_STOP_INFEASIBLE) {   /* a red cross on the x axis */
            dmi_rgb(c, 0.85, 0.15, 0.15);
            cairo_set_line_width(cr, 1.6);
            cairo_move_to(cr, px - 4, ay.p0 - 4);
            cairo_line_to(cr, px + 4, ay.p0 + 4);
            cairo_move_to(cr, px - 4, ay.p0 + 4);
            cairo_line_to(cr, px + 4, ay.p0 - 4);
            cairo_stroke(cr);
            continue;
        }
        double py = at(&ay, value(&pts[i], k));
        dmi_rgb(c, 0.25, 0.50, 0.78);
        if (i == best && k == 0) {
            dmi_rgb(c, 0.90, 0.60, 0.05);
            marker_star(cr, px, py, 8);
            cairo_fill(cr);
        } else if (pts[i].stop == DM_STOP_NODE_LIMIT) {
            cairo_arc(cr, px, py, 3.5, 0, 2 * DMI_PI);
            cairo_set_line_width(cr, 1.4);
            dmi_rgb(c, 1, 1, 1);
            cairo_fill_preserve(cr);
            dmi_rgb(c, 0.25, 0.50, 0.78);
            cairo_stroke(cr);
        } else {
            cairo_arc(cr, px, py, 3.5, 0, 2 * DMI_PI);
            cairo_fill(cr);
        }
    }
    if (best >= 0) {   /* the best objective's rho0, in every panel */
        double px = at(&ax, pts[best].rho0);
        const double dash[] = {3, 3};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 0.8);
        dmi_rgb(c, 0.90, 0.60, 0.05);
        cairo_move_to(cr, px, ay.p0);
        cairo_line_to(cr, px, ay.p1);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

static void legend(dmi_canvas *c, double y) {
    cairo_t *cr = c->cr;
    dmi_rgb(c, 0.25, 0.50, 0.78);
    cairo_arc(cr, 26, y - 4, 3.5, 0, 2 * DMI_PI);
    cairo_fill(cr);
    dmi_rgb(c, 0.2, 0.2, 0.2);
    dmi_text(c, 36, y, -1, 0, 11, 0, "design (optimal)");
    dmi_rgb(c, 0.25, 0.50, 0.78);
    cairo_set_line_width(cr, 1.4);
    cairo_arc(cr, 166, y - 4, 3.5, 0, 2 * DMI_PI);
    cairo_stroke(cr);
    dmi_rgb(c, 0.2, 0.2, 0.2);
    dmi_text(c, 176, y, -1, 0, 11, 0, "design within its gap (node limit)");
    dmi_rgb(c, 0.85, 0.15, 0.15);
    cairo_move_to(cr, 382, y - 8);
    cairo_line_to(cr, 390, y);
    cairo_move_to(cr, 382, y);
    cairo_line_to(cr, 390, y - 8);
    cairo_stroke(cr);
    dmi_rgb(c, 0.2, 0.2, 0.2);
    dmi_text(c, 398, y, -1, 0, 11, 0, "infeasible");
    dmi_rgb(c, 0.90, 0.60, 0.05);
    marker_star(cr, 480, y - 4, 7);
    cairo_fill(cr);
    dmi_rgb(c, 0.2, 0.2, 0.2);
    dmi_text(c, 492, y, -1, 0, 11, 0, "best objective");
}

dm_status dm_draw_sweep(const dm_sweep_point *pts, int32_t n, const char *title, int32_t log_x,
                        dm_picture_format format, uint8_t **out, size_t *len, dm_error *err) {
    if (!pts || !out || !len) return DM_FAIL(err, DM_ERR_INVALID, "draw sweep: a NULL argument");
    *out = NULL;
    *len = 0;
    if (n < 1 || n > DM_SWEEP_MAX_POINTS)
        return DM_FAIL(err, DM_ERR_INVALID, "%d sweep points is outside 1..%d", n,
                       DM_SWEEP_MAX_POINTS);
    int32_t best = -1, infeasible = 0;
    for (int32_t i = 0; i < n; i++) {
        if (!isfinite(pts[i].rho0) || !(pts[i].rho0 > 0))
            return DM_FAIL(err, DM_ERR_INVALID, "sweep point %d: rho0 must be finite and > 0",
                           i + 1);
        if (pts[i].stop == DM_STOP_INFEASIBLE) { infeasible++; continue; }
        for (int k = 0; k < 4; k++)
            if (!isfinite(value(&pts[i], k)))
                return DM_FAIL(err, DM_ERR_INVALID, "sweep point %d: a value is not finite", i + 1);
        if (best < 0 || pts[i].objective > pts[best].objective) best = i;
    }
    dmi_canvas c;
    dm_status s = dmi_canvas_open(&c, format, WIDTH, HEIGHT, err);
    if (s) return s;
    dmi_rgb(&c, 0, 0, 0);
    dmi_text(&c, 20, 30, -1, 0, 17, 1, "%s", title && title[0] ? title : "rho0 sweep");
    dmi_rgb(&c, 0.35, 0.35, 0.35);
    if (best >= 0)
        dmi_text(&c, 20, 54, -1, 0, 12, 0, "%d points, %d infeasible; best objective %.4f at "
                 "rho0 %.4g (entropy %.4f, %d blocks)", n, infeasible, pts[best].objective,
                 pts[best].rho0, pts[best].entropy, pts[best].depth);
    else
        dmi_text(&c, 20, 54, -1, 0, 12, 0, "%d points, all infeasible", n);
    legend(&c, 78);
    double pw = (WIDTH - 20) / 2, ph = (HEIGHT - TOP - 10) / 2;
    for (int k = 0; k < 4; k++)
        panel(&c, pts, n, k, log_x, 10 + (k % 2) * pw, TOP + (k / 2) * ph, pw, ph, best);
    return dmi_canvas_close(&c, title, out, len, err);
}
