/*
** pytext.h -- what the PyTorch writers (export_torch.c, export_mlp_torch.c)
** share about writing Python text safely.
*/
#ifndef DM_PYTEXT_H
#define DM_PYTEXT_H
#include "buf.h"

/* DM_OK when `s` is an ASCII Python identifier of at most 100 characters,
   not a keyword and not one of the `n_taken` names the file defines. */
DM_INTERNAL dm_status dmi_py_check_class_name(const char *s, const char *const *taken,
                                              int n_taken, dm_error *err);

/* Append user text into a docstring: printable ASCII and newlines only,
   backslashes and quotes escaped, so the file always parses. */
DM_INTERNAL void dmi_py_doc_text(dmi_buf *b, const char *s);

#endif
