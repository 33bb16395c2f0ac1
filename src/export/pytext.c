/*
** pytext.c -- Python identifiers and docstring text for the PyTorch
** writers.  User-given names and notes end up in generated source, so
** they are checked or escaped here, once.
*/
#include "pytext.h"
#include <string.h>

static const char *const py_keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", "torch", "nn"};

static int is_ident_char(char c, int first) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
}

dm_status dmi_py_check_class_name(const char *s, const char *const *taken, int n_taken,
                                  dm_error *err) {
    int ok = s[0] != '\0' && strlen(s) <= 100;
    for (const char *p = s; ok && *p; p++) ok = is_ident_char(*p, p == s);
    if (ok && dmi_name_index(py_keywords, DM_COUNTOF(py_keywords), s) < 0 &&
        dmi_name_index(taken, n_taken, s) < 0)
        return DM_OK;
    return DM_FAIL(err, DM_ERR_INVALID, "class name '%.60s' is not a free Python identifier", s);
}

void dmi_py_doc_text(dmi_buf *b, const char *s) {
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == '"') dmi_buf_printf(b, "\\%c", c);
        else if (c == '\n') dmi_buf_printf(b, "\n");
        else dmi_buf_printf(b, "%c", c >= 32 && c < 127 ? c : '?');
    }
}
