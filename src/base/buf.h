/*
** buf.h -- a growable output buffer whose failure is sticky, so a writer
** is a straight run of appends checked once at the end; locale-proof
** round-trip printing of doubles; and putting context in front of an
** error message produced deeper down.  Every writer (JSON, the reference
** format, Python text) appends to one of these.
*/
#ifndef DM_BUF_H
#define DM_BUF_H
#include "internal.h"

typedef struct dmi_buf {
    char *p;            /* NUL-terminated while !failed */
    size_t len, cap;
    int failed;         /* an allocation failed: later appends do nothing */
} dmi_buf;

/* Append formatted text. */
DM_INTERNAL void dmi_buf_printf(dmi_buf *b, const char *fmt, ...) DM_PRINTF(2, 3);

/* Append a finite double as the shorter of %.15g / %.17g that reads back
   to the same value, with '.' as decimal point whatever the locale. */
DM_INTERNAL void dmi_buf_double(dmi_buf *b, double v);
/* Always %.17g (also round-trips), locale-proof the same way: for output
   that has always been printed with 17 digits and must keep its bytes. */
DM_INTERNAL void dmi_buf_double17(dmi_buf *b, double v);
/* %.<digits>g (1..17), locale-proof the same way: for numbers shown to
   people (the ONNX metadata's metrics), not read back exactly. */
DM_INTERNAL void dmi_buf_double_sig(dmi_buf *b, double v, int digits);

/* Hand the text to the caller (*out, freed with dm_free), or free it and
   return DM_ERR_NOMEM if an append failed. */
DM_INTERNAL dm_status dmi_buf_finish(dmi_buf *b, char **out, dm_error *err);

/* Discard the buffer (on an error path). */
DM_INTERNAL void dmi_buf_free(dmi_buf *b);

/* Rewrite err->msg as "<prefix>: <old msg>" and return `s`, so a caller
   can say where (file, JSON path) a lower-level failure happened. */
DM_INTERNAL dm_status dmi_error_prefix(dm_error *err, dm_status s, const char *fmt, ...)
    DM_PRINTF(3, 4);

#endif
