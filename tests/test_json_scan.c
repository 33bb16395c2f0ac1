/*
** test_json_scan.c -- the allocation-free JSON syntax check
** (src/io/json_scan.c).  Truth: hand-written texts judged by the RFC 8259
** grammar, each with the hand-counted byte where it stops being valid.
** Cross-check: cJSON (the parser the reader builds trees with) must parse
** every text the scanner accepts -- otherwise a NULL from cJSON would be
** reported as lack of memory -- and does accept the texts listed as
** refused only by the RFC's stricter rules.
*/
#include "harness.h"
#include "json_scan.h"
#include <cjson/cJSON.h>

typedef struct scan_case {
    const char *text;
    dmi_jscan_result want;
    size_t pos;       /* where it stops (for OK: the length) */
    int cjson_ok;     /* cJSON's verdict (1 = parses) */
} scan_case;

#define OK(t) {t, DMI_JSCAN_OK, sizeof t - 1, 1}
#define BAD(t, p, cj) {t, DMI_JSCAN_SYNTAX, p, cj}

static const scan_case cases[] = {
    /* valid: every kind of value, nesting, escapes, white space */
    OK("0"), OK("-0"), OK("12.5e-3"), OK("1E+9"), OK("-0.0e0"), OK("true"), OK("false"),
    OK("null"), OK("\"\""), OK("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""), OK("\"\\u00e9\\uD83D\\uDE00\""),
    OK("\"caf\xc3\xa9\""), OK("[]"), OK("{}"), OK("[ ]"), OK("{ }"), OK(" \t\r\n[1, [2, {}], {\"a\": []}] \n"),
    OK("{\"a\": 1, \"b\": {\"c\": [true, false, null]}}"), OK("[[[[[[[[[[]]]]]]]]]]"),
    /* syntax errors at the first byte that cannot continue */
    BAD("", 0, 0), BAD("   ", 3, 0), BAD("[1, 2", 5, 0), BAD("{\"a\": 1,}", 8, 0),
    BAD("{\"a\" 1}", 5, 0), BAD("{a: 1}", 1, 0), BAD("[1,, 2]", 3, 0), BAD("[1 2]", 3, 0),
    BAD("tru", 3, 0), BAD("nul!", 3, 0), BAD("\"abc", 4, 0), BAD("\"a\\x\"", 3, 0),
BAD("-", 1, 0), BAD("[.5]", 1, 0), BAD("+1", 0, 0),
    BAD("[1}", 2, 0), BAD("{\"a\": 1]", 7, 0), BAD("\"\\uDC00\"", 1, 0),
    BAD("\"\\uD800x\"", 1, 0), BAD("\"\\uD800\\u0041\"", 1, 0),
    /* refused by RFC 8259 although cJSON takes them */
    BAD("[01]", 2, 1), BAD("1.", 2, 1), BAD("1.e5", 2, 1), BAD("\"a\tb\"", 2, 1),
    BAD("\v1", 0, 1), BAD("[1, \x01 2]", 4, 1), BAD("\"\\u12G4\"", 5, 1),
    /* one value only */
    {"{} {}", DMI_JSCAN_TRAILING, 3, 1}, {"1 x", DMI_JSCAN_TRAILING, 2, 1},
};

/* cJSON's own verdict on text (hooks: the default allocator). */
static int cjson_parses(const char *text) {
    cJSON *t = cJSON_ParseWithOpts(text, NULL, 1);
    cJSON_Delete(t);
    return t != NULL;
}

static void hand_written(void) {
    for (int i = 0; i < COUNTOF(cases); i++) {
        const scan_case *c = &cases[i];
        size_t pos = 99;
        dmi_jscan_result r = dmi_jscan_check(c->text, strlen(c->text), &pos);
        CHECK(r == c->want && pos == c->pos);
        if (r != c->want || pos != c->pos)
            printf("  \"%s\": result %d at %zu, want %d at %zu\n", c->text, (int)r, pos, (int)c->want,
                   c->pos);
        if (c->want == DMI_JSCAN_TRAILING) continue;
        CHECK(cjson_parses(c->text) == c->cjson_ok);
        if (cjson_parses(c->text) != c->cjson_ok) printf("  \"%s\": cJSON disagrees\n", c->text);
    }
}

/* Text (no NUL needed) ends where len says: a valid prefix is cut short. */
static void length_not_nul(void) {
    size_t pos;
    CHECK(dmi_jscan_check("[1, 2]xyz", 6, &pos) == DMI_JSCAN_OK && pos == 6);
    CHECK(dmi_jscan_check("[1, 2]", 5, &pos) == DMI_JSCAN_SYNTAX && pos == 5);
    CHECK(dmi_jscan_check("\"a\"", 2, &pos) == DMI_JSCAN_SYNTAX && pos == 2);
    static const char nul[] = "[1,\0 2]";
    CHECK(dmi_jscan_check(nul, sizeof nul - 1, &pos) == DMI_JSCAN_SYNTAX && pos == 3);
}

/* cJSON's two limits: 1000 levels of nesting, numbers of 63 bytes. */
static void cjson_limits(void) {
    static char text[2 * 1001 + 1];
    size_t pos;
    for (int depth = 1000; depth <= 1001; depth++) {
        memset(text, '[', (size_t)depth);
        memset(text + depth, ']', (size_t)depth);
        text[2 * depth] = '\0';
        dmi_jscan_result r = dmi_jscan_check(text, (size_t)(2 * depth), &pos);
        CHECK(r == (depth == 1000 ? DMI_JSCAN_OK : DMI_JSCAN_DEEP));
        CHECK(depth > 1000 ? pos == 1000 : pos == 2000);
        CHECK(cjson_parses(text) == (depth == 1000));
    }
    char num[80];
    for (int len = 63; len <= 64; len++) {
        memset(num, '1', (size_t)len);
        num[len] = '\0';
        dmi_jscan_result r = dmi_jscan_check(num, (size_t)len, &pos);
        CHECK(r == (len == 63 ? DMI_JSCAN_OK : DMI_JSCAN_SYNTAX) && pos == 63);
        if (len == 63) CHECK(cjson_parses(num)); /* longer: depends on the cJSON version */
    }
}

int main(void) {
    hand_written();
    length_not_nul();
    cjson_limits();
    return TEST_REPORT();
}
