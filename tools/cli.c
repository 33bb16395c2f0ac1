/*
** cli.c -- helpers every subcommand uses: errors, the option-table parser
** and --help printer, the value parsers, model loading, the clock.
*/
#define _POSIX_C_SOURCE 200809L /* stat */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Every message goes out here, as one line: control characters (a
   newline in an echoed value, an escape sequence in a file name) are
   written as \n, \t, \r or \xNN. */
static void put_message(const char *msg) {
    fputs("deepmad: ", stderr);
    for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
        if (*c == '\n') fputs("\\n", stderr);
        else if (*c == '\t') fputs("\\t", stderr);
        else if (*c == '\r') fputs("\\r", stderr);
        else if (*c < 0x20 || *c == 0x7f) fprintf(stderr, "\\x%02x", *c);
        else fputc(*c, stderr);
    }
    fputc('\n', stderr);
}

int cli_fail(const dm_error *err) {
    put_message(err->msg[0] ? err->msg : dm_status_str(err->code));
    return CLI_FAIL;
}

int cli_error(int code, const char *fmt, ...) {
    char small[512], *msg = small;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)) != NULL)
        vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    va_end(ap);
    put_message(msg ? msg : small);
    if (msg != small) free(msg);
    return code;
}

int cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) return 1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Value parsers */

/* The one integer reader: decimal digits only (no space, no sign: the
   callers handle '-' where negatives are allowed), at most `max`. */
static int read_digits(const char *val, uint64_t max, uint64_t *out) {
    uint64_t v = 0;
    if (!*val) return -1;
    for (const char *c = val; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
        unsigned d = (unsigned)(*c - '0');
        if (v > (max - d) / 10) return -1;
        v = 10 * v + d;
    }
    *out = v;
    return 0;
}

int cli_int(const char *opt, const char *val, long lo, long hi, int32_t *out) {
    int neg = val && lo < 0 && val[0] == '-';
    uint64_t u = 0, max = neg ? (uint64_t)-(int64_t)lo : (uint64_t)(hi < 0 ? 0 : hi);
    if (!val || read_digits(val + neg, max, &u) || (neg ? -(int64_t)u : (int64_t)u) < lo)
        return cli_error(CLI_USAGE, "%s needs an integer between %ld and %ld, got '%s'", opt, lo,
                         hi, val ? val : "");
    *out = (int32_t)(neg ? -(int64_t)u : (int64_t)u);
    return CLI_OK;
}

int cli_u64(const char *opt, const char *val, uint64_t *out) {
    if (read_digits(val, UINT64_MAX, out))
        return cli_error(CLI_USAGE, "%s needs an integer between 0 and 2^64-1, got '%s'", opt, val);
    return CLI_OK;
}

/* Plain decimal only: strtod would also take leading space, hex and
   "inf"/"nan". */
static int decimal_text(const char *val) {
    return *val && strspn(val, "0123456789.eE+-") == strlen(val);
}

int cli_double(const char *opt, const char *val, double lo, double hi, double *out) {
    char *end = NULL;
    double v = 0;
    errno = 0;
    if (val && decimal_text(val)) v = strtod(val, &end);
    if (!end || *end || errno || !isfinite(v) || v < lo || v > hi)
        return cli_error(CLI_USAGE, "%s needs a number between %g and %g, got '%s'", opt, lo, hi,
                         val ? val : "");
    *out = v;
    return CLI_OK;
}

int cli_count(const char *opt, const char *val, int64_t *out) {
    dm_error err = {0};
    if (strpbrk(val, " \t\n\v\f\r")) /* dm_parse_count allows spaces around a count */
        return cli_error(CLI_USAGE, "%s: '%s' is not a count (e.g. 1.8G, 11.7M, 1e9)", opt, val);
    if (dm_parse_count(val, out, &err)) return cli_error(CLI_USAGE, "%s: %s", opt, err.msg);
    return CLI_OK;
}

int cli_list(const char *opt, const char *val, double lo, double hi, int max, int32_t *ints,
             double *dbls, int32_t *n) {
    char buf[512];
    if (strlen(val) >= sizeof buf) return cli_error(CLI_USAGE, "%s: list too long", opt);
    strcpy(buf, val);
    *n = 0;
    for (char *t = buf, *comma; t; t = comma ? comma + 1 : NULL) {
        comma = strchr(t, ',');
        if (comma) *comma = '\0';
        if (*n == max) return cli_error(CLI_USAGE, "%s takes at most %d values", opt, max);
        int rc = ints ? cli_int(opt, t, (long)lo, (long)hi, &ints[*n])
                      : cli_double(opt, t, lo, hi, &dbls[*n]);
        if (rc) return rc;
        ++*n;
    }
    return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* The table-driven parser */

#define FIELD(opts, off, type) ((type *)(void *)((char *)(opts) + (off)))

int cli_set_act(const cli_option *o, const char *val, void *opts) {
    dm_error err = {0};
    if (dm_act_from_name(val, FIELD(opts, o->at, dm_act), &err))
        return cli_error(CLI_USAGE, "%s", err.msg);
    return CLI_OK;
}

int cli_set_penalty(const cli_option *o, const char *val, void *opts) {
    dm_error err = {0};
    if (dm_penalty_from_name(val, FIELD(opts, o->at, dm_penalty), &err))
        return cli_error(CLI_USAGE, "%s", err.msg);
    return CLI_OK;
}

int cli_set_style(const cli_option *o, const char *val, void *opts) {
    dm_error err = {0};
    if (dm_style_from_name(val, FIELD(opts, o->at, dm_style), &err))
        return cli_error(CLI_USAGE, "%s", err.msg);
    return CLI_OK;
}

/* MIN,MAX (or N alone when o->max is 1) into the two destinations. */
static int parse_range(const cli_option *o, const char *val, void *opts) {
    int32_t n, two[2] = {0};
    double d[2] = {0};
    int ints = o->kind == CLI_INT_RANGE;
    int rc = cli_list(o->name, val, o->lo, o->hi, 2, ints ? two : NULL, ints ? NULL : d, &n);
    if (rc) return rc;
    if (n == 1 && o->max == 1) two[1] = two[0], d[1] = d[0];
    else if (n != 2) return cli_error(CLI_USAGE, "%s needs MIN,MAX, got '%s'", o->name, val);
    if (ints) *FIELD(opts, o->at, int32_t) = two[0], *FIELD(opts, o->at2, int32_t) = two[1];
    else *FIELD(opts, o->at, double) = d[0], *FIELD(opts, o->at2, double) = d[1];
    return CLI_OK;
}

static int parse_on_off(const cli_option *o, const char *val, int32_t *out) {
    if (!strcmp(val, "on")) *out = 1;
    else if (!strcmp(val, "off")) *out = 0;
    else return cli_error(CLI_USAGE, "%s needs on or off, got '%s'", o->name, val);
    return CLI_OK;
}

/* Store one option's value (NULL for a flag) where its row says. */
static int store(const cli_option *o, const char *val, void *opts) {
    switch (o->kind) {
    case CLI_SECTION:
    case CLI_HELP: return CLI_OK;
    case CLI_FLAG: *FIELD(opts, o->at, int32_t) = (int32_t)o->lo; return CLI_OK;
    case CLI_INT:
        return cli_int(o->name, val, (long)o->lo, (long)o->hi, FIELD(opts, o->at, int32_t));
    case CLI_DOUBLE: return cli_double(o->name, val, o->lo, o->hi, FIELD(opts, o->at, double));
    case CLI_COUNT: return cli_count(o->name, val, FIELD(opts, o->at, int64_t));
    case CLI_INTS:
    case CLI_DOUBLES:
        return cli_list(o->name, val, o->lo, o->hi, o->max,
                        o->kind == CLI_INTS ? FIELD(opts, o->at, int32_t) : NULL,
                        o->kind == CLI_DOUBLES ? FIELD(opts, o->at, double) : NULL,
                        FIELD(opts, o->at2, int32_t));
    case CLI_INT_RANGE:
    case CLI_DOUBLE_RANGE: return parse_range(o, val, opts);
    case CLI_ON_OFF: return parse_on_off(o, val, FIELD(opts, o->at, int32_t));
    case CLI_FILE:
        if (!strcmp(val, "-"))
            return cli_error(CLI_USAGE, "%s needs a file: the summary goes to standard output",
                             o->name);
        /* fall through */
    case CLI_OUTPUT:
        if (!*val) return cli_error(CLI_USAGE, "%s needs a file name, got ''", o->name);
        /* fall through */
    case CLI_TEXT: *FIELD(opts, o->at, const char *) = val; return CLI_OK;
    case CLI_CALL: return o->set(o, val, opts);
    }
    return CLI_OK;
}

static int takes_value(const cli_option *o) {
    return o->kind != CLI_SECTION && o->kind != CLI_HELP && o->kind != CLI_FLAG;
}

/* The row spelled `arg` for one of `family`; NULL when there is none. */
static const cli_option *find(const cli_spec *s, unsigned family, const char *arg) {
    for (int i = 0; i < s->n_opts; i++) {
        const cli_option *o = &s->opts[i];
        if (o->kind == CLI_SECTION || !(o->family & family)) continue;
        if (!strcmp(arg, o->name) || (o->alias && !strcmp(arg, o->alias))) return o;
    }
    return NULL;
}

static int is_positional(const char *arg) { return arg[0] != '-' || !arg[1]; }

int cli_arity(const cli_spec *s, unsigned family, const char *arg) {
    const cli_option *o = find(s, family, arg);
    return o ? takes_value(o) : -1;
}

static int positional_arg(const cli_spec *s, const char *arg, const char **positional) {
    if (!s->positional || !positional)
        return cli_error(CLI_USAGE, "unexpected argument '%s' (see %s)", arg, s->see);
    if (*positional)
        return cli_error(CLI_USAGE, "%s takes one %s (got '%s' too)", s->command, s->positional,
                         arg);
    *positional = arg;
    return CLI_OK;
}

int cli_parse(const cli_spec *s, unsigned family, int argc, char **argv, void *opts,
              const char **positional) {
    if (positional) *positional = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const cli_option *o = is_positional(a) ? NULL : find(s, family, a);
        int rc;
        if (is_positional(a)) rc = positional_arg(s, a, positional);
        else if (!o)
            rc = cli_error(CLI_USAGE, "unknown option '%s'%s (see %s)", a, s->scope, s->see);
        else if (!takes_value(o)) rc = store(o, NULL, opts);
        else if (i + 1 >= argc) rc = cli_error(CLI_USAGE, "%s needs a value (see %s)", a, s->see);
        else rc = store(o, argv[++i], opts);
        if (rc) return rc;
    }
    return CLI_OK;
}

const char *cli_foreign(const cli_spec *s, unsigned family, int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (is_positional(argv[i])) continue;
        const cli_option *o = find(s, CLI_ALL, argv[i]);
        if (o && !(o->family & family)) return argv[i];
        if (o && takes_value(o)) i++;
    }
    return NULL;
}

const char *cli_value_of(int argc, char **argv, const char *name) {
    const char *v = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name)) v = argv[i + 1];
    return v;
}

/* ---------------------------------------------------------------------- */
/* --help from the table */

enum { HELP_WIDTH = 79 };

/* "-o, --output FILE" */
static void label_of(const cli_option *o, char *buf, size_t n) {
    snprintf(buf, n, "%s%s%s%s%s", o->alias ? o->alias : "", o->alias ? ", " : "", o->name,
             o->value ? " " : "", o->value ? o->value : "");
}

static int label_width(const cli_spec *s, unsigned family) {
    int w = 0;
    char label[128];
    for (int i = 0; i < s->n_opts; i++) {
        if (s->opts[i].kind == CLI_SECTION || !(s->opts[i].family & family)) continue;
        label_of(&s->opts[i], label, sizeof label);
        if ((int)strlen(label) > w) w = (int)strlen(label);
    }
    return w;
}

/* Spaces that --help must not break a line at (inside "(default X)"). */
#define NBSP '\x1f'

/* `text` word-wrapped into the column from `col` to HELP_WIDTH; the first
   line continues the current one. */
static void wrap(FILE *f, const char *text, int col) {
    int at = col;
    for (const char *w = text; *w;) {
        int n = (int)strcspn(w, " ");
        if (at > col && at + 1 + n > HELP_WIDTH) {
            fprintf(f, "\n%*s", col, "");
            at = col;
        }
        if (at > col) fputc(' ', f), at++;
        for (int i = 0; i < n; i++) fputc(w[i] == NBSP ? ' ' : w[i], f);
        at += n;
        w += n;
        while (*w == ' ') w++;
    }
    fputc('\n', f);
}

/* Does `family` see some row under section row `i`? */
static int section_shown(const cli_spec *s, unsigned family, int i) {
    for (int k = i + 1; k < s->n_opts && s->opts[k].kind != CLI_SECTION; k++)
        if (s->opts[k].family & family) return 1;
    return 0;
}

/* "(default X)" as one unbreakable word. */
static void default_of(const cli_option *o, char *buf, size_t n) {
    snprintf(buf, n, "(default %s)", o->def);
    for (char *c = buf; *c; c++)
        if (*c == ' ') *c = NBSP;
}

static void help_row(const cli_option *o, int width, FILE *f) {
    char label[128], def[256], text[1024];
    label_of(o, label, sizeof label);
    if (o->def) default_of(o, def, sizeof def);
    snprintf(text, sizeof text, "%s%s%s", o->help, o->def ? " " : "", o->def ? def : "");
    fprintf(f, "  %-*s  ", width, label);
    wrap(f, text, width + 4);
}

void cli_help(const cli_spec *s, unsigned family, FILE *f) {
    int width = label_width(s, family);
    fputs(s->intro, f);
    for (int i = 0; i < s->n_opts; i++) {
        const cli_option *o = &s->opts[i];
        if (o->kind == CLI_SECTION) {
            if (section_shown(s, family, i)) fprintf(f, "%s\n", o->name);
        } else if (o->family & family) {
            help_row(o, width, f);
        }
    }
    fputs(s->outro, f);
}

/* ---------------------------------------------------------------------- */

int cli_load_model(const char *model, dm_model *out) {
    dm_error err = {0};
    struct stat st;
    for (int32_t i = 0; i < dm_zoo_count(); i++)
        if (strcmp(dm_zoo_name(i), model) == 0) {
            if (stat(model, &st) == 0)
                cli_error(CLI_OK, "note: '%s' is the zoo network; for the file of that name "
                                  "write ./%s", model, model);
            memset(out, 0, sizeof *out);
            out->kind = DM_MODEL_CNN;
            return dm_zoo_arch(model, &out->arch, &err) ? cli_fail(&err) : CLI_OK;
        }
    return dm_model_load(model, out, &err) ? cli_fail(&err) : CLI_OK;
}

const char *cli_real(char *buf, size_t n, double v, int decimals) {
    double tiny = 0.5, a = fabs(v);
    for (int i = 0; i < decimals; i++) tiny /= 10;
    if (v != 0 && (a < tiny || a >= 1e15)) snprintf(buf, n, "%.4g", v);
    else snprintf(buf, n, "%.*f", decimals, v);
    return buf;
}

void cli_print_mlp_widths(const dm_mlp *m) {
    printf("  widths   %d", m->in_features);
    for (int32_t i = 0; i < m->n_layers - 1; i++) printf(" %d", m->hidden[i]);
    printf(" -> %d\n", m->out_features);
}

int cli_stderr_tty(void) { return isatty(STDERR_FILENO); }

int cli_write_table(const char *path, const dm_latency_table *t) {
    dm_error err = {0};
    char *json = NULL;
    if (strcmp(path, "-")) return dm_latency_table_save(t, path, &err) ? cli_fail(&err) : CLI_OK;
    if (dm_latency_table_to_json(t, &json, &err)) return cli_fail(&err);
    fputs(json, stdout);
    dm_free(json);
    return CLI_OK;
}

double cli_now(void) {
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void cli_json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

void cli_json_double(FILE *f, double v) {
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, f);
}
