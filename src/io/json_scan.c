/*
** json_scan.c -- the allocation-free JSON syntax check (json_scan.h).
**
** A loop over two states, "a value comes" and "a value ended", with the
** open brackets on a stack of CJSON_NESTING_LIMIT bytes: no recursion and
** no allocation, so it answers the same with memory exhausted.  Each
** helper advances s->i past what it accepts, or leaves it on the first
** byte it cannot accept and returns 0.
*/
#include "json_scan.h"
#include <cjson/cJSON.h>
#include <string.h>

/* cJSON 1.7.15 as released copies at most 63 bytes of a number before
   strtod and fails on the rest (later versions, and Debian's patched
   1.7.15, read any length); refusing longer numbers keeps the scanner
   and every cJSON in agreement. */
#define NUMBER_MAX 63

typedef struct scan {
    const unsigned char *t;
    size_t n, i;
    int depth;
    unsigned char open[CJSON_NESTING_LIMIT];   /* '{' or '[' per level */
} scan;

static int at(const scan *s, char c) { return s->i < s->n && s->t[s->i] == (unsigned char)c; }

static int is_digit(const scan *s) { return s->i < s->n && s->t[s->i] >= '0' && s->t[s->i] <= '9'; }

static void skip_space(scan *s) {
    while (at(s, ' ') || at(s, '\t') || at(s, '\n') || at(s, '\r')) s->i++;
}

/* true, false or null. */
static int literal(scan *s, const char *word) {
    for (; *word; word++, s->i++)
        if (!at(s, *word)) return 0;
    return 1;
}

/* int frac? exp?  (RFC 8259 section 6) */
static int number_syntax(scan *s) {
    if (at(s, '-')) s->i++;
    if (at(s, '0')) s->i++;
    else if (is_digit(s)) while (is_digit(s)) s->i++;
    else return 0;
    if (at(s, '.')) {
        s->i++;
        if (!is_digit(s)) return 0;
        while (is_digit(s)) s->i++;
    }
    if (at(s, 'e') || at(s, 'E')) {
        s->i++;
        if (at(s, '+') || at(s, '-')) s->i++;
        if (!is_digit(s)) return 0;
        while (is_digit(s)) s->i++;
    }
    return 1;
}

/* A number of at most NUMBER_MAX bytes. */
static int number(scan *s) {
    size_t start = s->i;
    if (!number_syntax(s)) return 0;
    if (s->i - start > NUMBER_MAX) { s->i = start + NUMBER_MAX; return 0; }
    return 1;
}

/* The 4 hex digits at s->i into *code; 0 (s->i on it) at one not hex. */
static int hex4(scan *s, unsigned *code) {
    *code = 0;
    for (int k = 0; k < 4; k++, s->i++) {
        if (s->i >= s->n) return 0;
        unsigned char c = s->t[s->i];
        unsigned v = c >= '0' && c <= '9' ? c - '0' + 0u : c >= 'a' && c <= 'f' ? c - 'a' + 10u
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10u : 16u;
        if (v == 16u) return 0;
        *code = *code << 4 | v;
    }
    return 1;
}

/* A \u escape at the backslash s->i, surrogates paired as cJSON requires
   (json_scan.h); a bad pair fails at its first backslash. */
static int unicode_escape(scan *s) {
    size_t start = s->i;
    unsigned code, low;
    s->i += 2;
    if (!hex4(s, &code)) return 0;
    if (code >= 0xDC00 && code <= 0xDFFF) { s->i = start; return 0; }
    if (code < 0xD800 || code > 0xDBFF) return 1;
    if (!at(s, '\\') || s->i + 1 >= s->n || s->t[s->i + 1] != 'u') { s->i = start; return 0; }
    s->i += 2;
    if (!hex4(s, &low)) return 0;
    if (low < 0xDC00 || low > 0xDFFF) { s->i = start; return 0; }
    return 1;
}

/* A string from its opening quote at s->i. */
static int string(scan *s) {
    for (s->i++; s->i < s->n; ) {
        unsigned char c = s->t[s->i];
        if (c == '"') { s->i++; return 1; }
        if (c < 0x20) return 0;
        if (c != '\\') { s->i++; continue; }
        if (s->i + 1 >= s->n) { s->i = s->n; return 0; }
        unsigned char e = s->t[s->i + 1];
        if (e == 'u') { if (!unicode_escape(s)) return 0; continue; }
        if (e == 0 || !strchr("\"\\/bfnrt", e)) { s->i++; return 0; }
        s->i += 2;
    }
    return 0;
}

/* After "{" or ",": a key, white space, ':'. */
static int key(scan *s) {
    skip_space(s);
    if (!at(s, '"') || !string(s)) return 0;
    skip_space(s);
    if (!at(s, ':')) return 0;
    s->i++;
    return 1;
}

/* The opening bracket at s->i, pushed; for an object the first key and
   its colon are read too.  *ended when it is empty ("[]", "{ }"). */
static dmi_jscan_result open_bracket(scan *s, int *ended) {
    unsigned char c = s->t[s->i];
    if (s->depth >= CJSON_NESTING_LIMIT) return DMI_JSCAN_DEEP;
    s->open[s->depth++] = c;
    s->i++;
    skip_space(s);
    if (at(s, c == '{' ? '}' : ']')) {   /* empty: the value ends here */
        s->i++;
        s->depth--;
        *ended = 1;
        return DMI_JSCAN_OK;
    }
    *ended = 0;
    return c == '{' && !key(s) ? DMI_JSCAN_SYNTAX : DMI_JSCAN_OK;
}

/* A value: a scalar whole (*ended), or the start of an array or object. */
static dmi_jscan_result value(scan *s, int *ended) {
    skip_space(s);
    if (s->i >= s->n) return DMI_JSCAN_SYNTAX;
    unsigned char c = s->t[s->i];
    if (c == '{' || c == '[') return open_bracket(s, ended);
    *ended = 1;
    int ok = c == '"' ? string(s) : c == '-' || (c >= '0' && c <= '9') ? number(s)
           : c == 't' ? literal(s, "true") : c == 'f' ? literal(s, "false")
           : c == 'n' ? literal(s, "null") : 0;
    return ok ? DMI_JSCAN_OK : DMI_JSCAN_SYNTAX;
}

/* After a value inside brackets: ',' then the next value (or key), or
   the closing bracket.  *more: a value must follow. */
static int after_value(scan *s, int *more) {
    skip_space(s);
    unsigned char o = s->open[s->depth - 1];
    if (at(s, ',')) {
        s->i++;
        *more = 1;
        return o == '[' || key(s);
    }
    if (!at(s, o == '{' ? '}' : ']')) return 0;
    s->i++;
    s->depth--;
    *more = 0;
    return 1;
}

dmi_jscan_result dmi_jscan_check(const char *text, size_t len, size_t *pos) {
    scan s = {.t = (const unsigned char *)text, .n = len};
    dmi_jscan_result r = DMI_JSCAN_OK;
    int ended = 0, more = 1;
    while (r == DMI_JSCAN_OK) {
        if (more) r = value(&s, &ended);
        if (r || !ended) { more = 1; continue; }
        if (s.depth == 0) break;
        if (!after_value(&s, &more)) r = DMI_JSCAN_SYNTAX;
        ended = !more;
    }
    if (!r) {
        skip_space(&s);
        if (s.i < s.n) r = DMI_JSCAN_TRAILING;
    }
    *pos = s.i;
    return r;
}
