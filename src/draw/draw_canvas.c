/*
** draw_canvas.c -- cairo surfaces rendered to memory, the labels an SVG
** carries as text, and the picture format names.
*/
#include "draw.h"
#include <cairo-svg.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const format_names[DM_PICTURE_FORMAT_COUNT] = {"svg", "png"};

const char *dm_picture_format_name(dm_picture_format f) {
    return (unsigned)f < DM_PICTURE_FORMAT_COUNT ? format_names[f] : "unknown";
}

dm_status dm_picture_format_from_name(const char *name, dm_picture_format *out, dm_error *err) {
    int i = name ? dmi_name_index(format_names, DM_PICTURE_FORMAT_COUNT, name) : -1;
    if (i < 0)
        return DM_FAIL(err, DM_ERR_INVALID, "unknown picture format '%s' (svg, png)",
                       name ? name : "(null)");
    *out = (dm_picture_format)i;
    return DM_OK;
}

/* cairo's stream callback: append to the sink. */
static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n) {
    dmi_sink *s = closure;
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + n) {
            if (cap > SIZE_MAX / 2) { s->nomem = 1; return CAIRO_STATUS_WRITE_ERROR; }
            cap *= 2;
        }
        uint8_t *p = dmi_realloc(s->p, cap);
        if (!p) { s->nomem = 1; return CAIRO_STATUS_WRITE_ERROR; }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/* A cairo status as ours: its own out-of-memory is ours. */
static dm_status cairo_fail(dm_error *err, cairo_status_t st, const char *what) {
    if (st == CAIRO_STATUS_NO_MEMORY) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory %s", what);
    return DM_FAIL(err, DM_ERR_INTERNAL, "cairo failed %s: %s", what, cairo_status_to_string(st));
}

dm_status dmi_canvas_open(dmi_canvas *c, dm_picture_format f, double width, double height,
                          dm_error *err) {
    memset(c, 0, sizeof *c);
    c->format = f;
    c->width = width;
    c->height = height;
    if (f == DM_PICTURE_SVG) {
        c->surface = cairo_svg_surface_create_for_stream(sink_write, &c->sink, width, height);
    } else if (f == DM_PICTURE_PNG) {
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    } else {
        return DM_FAIL(err, DM_ERR_INVALID, "unknown picture format %d", (int)f);
    }
    cairo_status_t st = cairo_surface_status(c->surface);
    if (st == CAIRO_STATUS_SUCCESS) {
        c->cr = cairo_create(c->surface);
        st = cairo_status(c->cr);
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        dmi_canvas_discard(c);
        return cairo_fail(err, st, "starting a picture");
    }
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    cairo_set_line_width(c->cr, 1.0);
    return DM_OK;
}

void dmi_canvas_discard(dmi_canvas *c) {
    if (c->cr) cairo_destroy(c->cr);
    if (c->surface) cairo_surface_destroy(c->surface);
    dm_free(c->sink.p);
    dmi_buf_free(&c->labels);
    memset(c, 0, sizeof *c);
}

/* Text for XML character data. */
static void xml_text(dmi_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': dmi_buf_printf(b, "&amp;"); break;
        case '<': dmi_buf_printf(b, "&lt;"); break;
        case '>': dmi_buf_printf(b, "&gt;"); break;
        default: dmi_buf_printf(b, "%c", *s);
        }
    }
}

/* Append cairo's SVG body with its surface ids ("surface17", a counter
   global to the process) renumbered 1, 2, ... in order of appearance, so
   the same drawing gives the same bytes however many came before it. */
static void renumber_surfaces(dmi_buf *b, const char *s, size_t n) {
    enum { MAX_IDS = 64 };
    unsigned long seen[MAX_IDS];
    int n_seen = 0;
    static const char key[] = "surface";
    size_t k = sizeof key - 1, i = 0, from = 0;
    while (i + k < n) {
        if (memcmp(s + i, key, k) != 0 || s[i + k] < '0' || s[i + k] > '9' ||
            (i > 0 && s[i - 1] != '"' && s[i - 1] != '#')) {
            i++;
            continue;
        }
        size_t j = i + k;
        unsigned long id = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9' && id < 100000000ul)
            id = id * 10 + (unsigned long)(s[j++] - '0');
        int m = 0;
        while (m < n_seen && seen[m] != id) m++;
        if (m == n_seen && n_seen < MAX_IDS) seen[n_seen++] = id;
        if (m < MAX_IDS) {
            dmi_buf_printf(b, "%.*s%s%d", (int)(i - from), s + from, key, m + 1);
            from = j;
        }
        i = j;
    }
    dmi_buf_printf(b, "%.*s", (int)(n - from), s + from);
}

/* cairo's SVG with <title> and <desc> put just inside its <svg> element. */
static dm_status svg_with_text(const dmi_canvas *c, const char *title, uint8_t **out,
                               size_t *len, dm_error *err) {
    const char *svg = (const char *)c->sink.p, *end = svg + c->sink.len;
    const char *open = c->sink.len ? memchr(svg, '<', c->sink.len) : NULL;
    while (open && end - open > 4 && strncmp(open, "<svg", 4) != 0)
        open = memchr(open + 1, '<', (size_t)(end - open - 1));
    const char *gt = open && end - open > 4 ? memchr(open, '>', (size_t)(end - open)) : NULL;
    if (!gt) return DM_FAIL(err, DM_ERR_INTERNAL, "cairo wrote no <svg> element");
    size_t head = (size_t)(gt + 1 - svg);
    dmi_buf b = {0};
    dmi_buf_printf(&b, "%.*s\n<title>", (int)head, svg);
    xml_text(&b, title ? title : "");
    dmi_buf_printf(&b, "</title>\n<desc>\n");
    if (c->labels.p) xml_text(&b, c->labels.p);
    dmi_buf_printf(&b, "</desc>");
    renumber_surfaces(&b, svg + head, c->sink.len - head);
    char *text = NULL;
    dm_status s = dmi_buf_finish(&b, &text, err);
    if (s) return s;
    *out = (uint8_t *)text;
    *len = strlen(text);
    return DM_OK;
}

dm_status dmi_canvas_close(dmi_canvas *c, const char *title, uint8_t **out, size_t *len,
                           dm_error *err) {
    cairo_status_t st = cairo_status(c->cr);
    dm_status s = DM_OK;
    if (st != CAIRO_STATUS_SUCCESS) s = cairo_fail(err, st, "drawing");
    if (!s && c->labels.failed) s = DM_FAIL(err, DM_ERR_NOMEM, "out of memory drawing");
    cairo_destroy(c->cr);
    c->cr = NULL;
    if (!s && c->format == DM_PICTURE_PNG)
        st = cairo_surface_write_to_png_stream(c->surface, sink_write, &c->sink);
    else
        cairo_surface_finish(c->surface);
    if (!s && st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(c->surface);
    if (!s && c->sink.nomem) s = DM_FAIL(err, DM_ERR_NOMEM, "out of memory writing the picture");
    if (!s && st != CAIRO_STATUS_SUCCESS) s = cairo_fail(err, st, "writing the picture");
    if (!s && c->format == DM_PICTURE_SVG) {
        s = svg_with_text(c, title, out, len, err);
    } else if (!s) {
        *out = c->sink.p;
        *len = c->sink.len;
        c->sink.p = NULL;
    }
    dmi_canvas_discard(c);
    return s;
}

void dmi_rgb(dmi_canvas *c, double r, double g, double b) { cairo_set_source_rgb(c->cr, r, g, b); }

void dmi_text(dmi_canvas *c, double x, double y, int align, double angle, double size, int bold,
              const char *fmt, ...) {
    char s[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    cairo_t *cr = c->cr;
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    double dx = align < 0 ? 0 : align == 0 ? -e.x_advance / 2 : -e.x_advance;
    cairo_move_to(cr, dx, 0);
    cairo_show_text(cr, s);
    cairo_restore(cr);
    cairo_new_path(cr);   /* show_text leaves a current point: the next shape starts afresh */
    dmi_buf_printf(&c->labels, "%s\n", s);
}
