/*
** load.c -- reading a description file whole and picking its reader.
*/
#include "io.h"
#include <string.h>

/* Does text[0..len) contain `word`?  (memmem is not C11.) */
static int contains(const char *text, size_t len, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if (memcmp(text + i, word, w) == 0) return 1;
    return 0;
}

dm_status dm_arch_load(const char *path, dm_arch *out, dm_error *err) {
    if (!path || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_load needs a path and an output");
    char *text = NULL;
    size_t len = 0;
    dm_status s = dmi_read_file(path, &text, &len, err);
    if (s) return s;
    if (contains(text, len, "best_structures"))
        s = dm_arch_from_tinynas(text, len, out, err);
    else
        s = dm_arch_from_json(text, len, out, err);
    dm_free(text);
    if (s) return dmi_error_prefix(err, s, "%.100s", path);
    return DM_OK;
}
