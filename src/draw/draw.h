/*
** draw.h -- what the pictures share: a canvas that draws with cairo into
** memory (SVG or PNG) and records every label it draws, so an SVG can
** carry them as text; number formats; axis ticks.
*/
#ifndef DM_DRAW_H
#define DM_DRAW_H
#include "buf.h"
#include <cairo.h>

/* The bytes cairo streams out, gathered in memory. */
typedef struct dmi_sink {
    uint8_t *p;
    size_t len, cap;
    int nomem;             /* a growth failed: the stream reported a write error */
} dmi_sink;

typedef struct dmi_canvas {
    cairo_surface_t *surface;
    cairo_t *cr;
    dm_picture_format format;
    double width, height;
    dmi_sink sink;
    dmi_buf labels;        /* every label drawn, one per line (the SVG's <desc>) */
} dmi_canvas;

/* Start a width x height picture with a white background. */
DM_INTERNAL dm_status dmi_canvas_open(dmi_canvas *c, dm_picture_format f, double width,
                                      double height, dm_error *err);
/* Finish it into *out (freed with dm_free); an SVG gets `title` (nullable)
   as its <title> and the labels as its <desc>.  Frees the canvas either way. */
DM_INTERNAL dm_status dmi_canvas_close(dmi_canvas *c, const char *title, uint8_t **out,
                                       size_t *len, dm_error *err);
/* Free a canvas on an error path. */
DM_INTERNAL void dmi_canvas_discard(dmi_canvas *c);

/* Draw printf-formatted text at (x, y) (its baseline), `align` -1 left,
   0 centred, 1 right of x, rotated by `angle` radians about (x, y), in
   `size` px sans-serif, bold when `bold`; the text is recorded. */
DM_INTERNAL void dmi_text(dmi_canvas *c, double x, double y, int align, double angle,
                          double size, int bold, const char *fmt, ...) DM_PRINTF(8, 9);

DM_INTERNAL void dmi_rgb(dmi_canvas *c, double r, double g, double b);

/* 11689512 -> "11,689,512". */
DM_INTERNAL const char *dmi_fmt_count(char *buf, size_t n, int64_t v);
/* A short axis number: 11700000 -> "11.7M", 0.25 -> "0.25". */
DM_INTERNAL const char *dmi_fmt_short(char *buf, size_t n, double v);

#define DMI_MAX_TICKS 16
/* Round tick values covering [lo, hi] (1, 2, 5 x 10^k steps, or on a log
   axis 1, 2, 5 x 10^k values), into t[], their count returned.  *lo and
   *hi may widen to a range worth an axis (lo == hi). */
DM_INTERNAL int dmi_ticks(double *lo, double *hi, int log_axis, double *t);

#endif
