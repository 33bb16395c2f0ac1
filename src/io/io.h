/*
** io.h -- what the readers and writers of descriptions share: the output
** buffer and whole-file reading of the base layer, the strict JSON reader
** core (json_read.h), the one rule for a byte order mark, and the
** readers of already-parsed JSON trees that load.c dispatches to.
*/
#ifndef DM_IO_H
#define DM_IO_H
#include "buf.h"
#include "file.h"
#include "json_read.h"
#include <string.h>

/* The one rule for a UTF-8 byte order mark, shared by every reader: one
   BOM at the very start is skipped (editors add it; it carries nothing);
   anywhere else it is ordinary text.  Returns how many bytes to skip. */
static inline size_t dmi_skip_bom(const char *text, size_t len) {
    return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Read a parsed "deepmad-arch" / "deepmad-mlp" document (json_io.c,
   mlp_json.c): the schema, then the validator.  dm_arch_from_json and
   dm_mlp_from_json are dmi_json_parse followed by these. */
DM_INTERNAL dm_status dmi_arch_from_tree(const cJSON *root, dm_arch *out, dm_design_record *rec,
                                        dm_error *err);

/* The optional "problem" object of an architecture document (design_json.c):
   read from the root into *out (present 0 when absent), checked by
   dm_design_record_check; and written (a valid record) as one line. */
DM_INTERNAL dm_status dmi_design_read(const cJSON *root, dm_design_record *out, dm_error *err);
DM_INTERNAL void dmi_design_write(dmi_buf *b, const dm_design_record *r);
DM_INTERNAL dm_status dmi_mlp_from_tree(const cJSON *root, dm_mlp *out, dm_error *err);

#endif
