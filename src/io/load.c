/*
** load.c -- the one entry for reading a description of any kind: the
** text is read once (a pipe or FIFO cannot be read twice), its kind is
** decided from that text, and the reader for it runs on the same bytes
** (for JSON, on the same parsed tree).  dm_arch_load and dm_mlp_load are
** this entry plus a check of the kind.
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

/* JSON: one parse, then the schema its "format" names. */
static dm_status from_json(const char *text, size_t len, dm_model *out, dm_error *err) {
    cJSON *root;
    const char *format = NULL;
    dm_status s = dmi_json_parse(text, len, &root, err);
    if (s) return s;
    s = dmi_json_object(root, "", err);
    if (!s) s = dmi_json_string(root, "", "format", 1, &format, err);
    if (!s && strcmp(format, "deepmad-arch") == 0) {
        out->kind = DM_MODEL_CNN;
        s = dmi_arch_from_tree(root, &out->arch, &out->design, err);
    } else if (!s && strcmp(format, "deepmad-mlp") == 0) {
        out->kind = DM_MODEL_MLP;
        s = dmi_mlp_from_tree(root, &out->mlp, err);
    } else if (!s) {
        s = DM_FAIL(err, DM_ERR_PARSE,
                    "format: \"%.40s\" is not a description format (expected \"deepmad-arch\" "
                    "or \"deepmad-mlp\")", format);
    }
    cJSON_Delete(root);
    return s;
}

dm_status dm_model_from_text(const char *text, size_t len, dm_model *out, dm_error *err) {
    if (!text || !out)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_model_from_text needs text and an output");
    dm_model m;
    memset(&m, 0, sizeof m);
    dm_arch_init(&m.arch);
    dm_mlp_init(&m.mlp);
    dm_status s;
    if (contains(text, len, "best_structures")) {
        m.kind = DM_MODEL_CNN;
        s = dm_arch_from_tinynas(text, len, &m.arch, err);
    } else {
        s = from_json(text, len, &m, err);
    }
    if (!s) *out = m;
    return s;
}

dm_status dm_model_load(const char *path, dm_model *out, dm_error *err) {
    if (!path || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_model_load needs a path and an output");
    char *text = NULL;
    size_t len = 0;
    dm_status s = dmi_read_file(path, &text, &len, err);
    if (s) return s;
    s = dm_model_from_text(text, len, out, err);
    dm_free(text);
    return s ? dmi_error_prefix(err, s, "%.100s", dmi_file_shown(path)) : DM_OK;
}

dm_status dm_arch_load(const char *path, dm_arch *out, dm_error *err) {
    if (!path || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_arch_load needs a path and an output");
    dm_model m;
    dm_status s = dm_model_load(path, &m, err);
    if (s) return s;
    if (m.kind != DM_MODEL_CNN)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "%.100s: an MLP description (\"deepmad-mlp\"), where a CNN was expected",
                       dmi_file_shown(path));
    *out = m.arch;
    return DM_OK;
}

dm_status dm_mlp_load(const char *path, dm_mlp *out, dm_error *err) {
    if (!path || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_mlp_load needs a path and an output");
    dm_model m;
    dm_status s = dm_model_load(path, &m, err);
    if (s) return s;
    if (m.kind != DM_MODEL_MLP)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "%.100s: a CNN description, where an MLP (\"deepmad-mlp\") was expected",
                       dmi_file_shown(path));
    *out = m.mlp;
    return DM_OK;
}
