/*
** file.h -- whole files: read one in, bounded; replace one atomically
** (dm_write_file_atomic, public).
*/
#ifndef DM_FILE_H
#define DM_FILE_H
#include "internal.h"

/* Read the whole file at `path` into *text (NUL not guaranteed; freed with
   dm_free), at most DM_MAX_FILE_BYTES: DM_ERR_IO if it cannot be opened or
   read, DM_ERR_RANGE if it is larger.  The path "-" is standard input.
   The file is opened once and read sequentially to its end, so pipes,
   FIFOs and /dev/stdin work. */
DM_INTERNAL dm_status dmi_read_file(const char *path, char **text, size_t *len, dm_error *err);

/* How messages name `path`: "standard input" for "-", else the path. */
DM_INTERNAL const char *dmi_file_shown(const char *path);

#endif
