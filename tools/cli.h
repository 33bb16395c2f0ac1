/*
** cli.h -- what the deepmad subcommands share: the command table entry,
** error reporting with exit codes, the option tables that both parsing and
** --help are generated from, and model loading.  The CLI only uses the
** public API (deepmad.h).
**
** Exit codes: 0 success; 1 the request failed (bad file, infeasible
** problem, I/O); 2 bad usage (unknown option, missing argument).
*/
#ifndef DM_CLI_H
#define DM_CLI_H
#include "deepmad.h"
#include <stddef.h>
#include <stdio.h>

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

typedef struct cli_command {
    const char *name;
    const char *summary;                 /* one line for `deepmad --help` */
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
} cli_command;

/* Print "deepmad: <msg>" for a library error and return CLI_FAIL. */
int cli_fail(const dm_error *err);
/* printf-style message to stderr prefixed "deepmad: "; returns `code`. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ======================================================================
** Option tables
**
** Each command declares one array of cli_option rows: every option it
** accepts, for every model family, with where its value goes.  cli_parse
** reads argv with it and cli_help prints the options part of --help from
** it, so an option is defined in exactly one row.  Rows of kind
** CLI_SECTION are the headings of --help.  Keep a row's name, alias, kind
** and family on its first line: tests/cli/test_cli_tables.sh reads them
** there to check that every row is in --help and accepted.
** ====================================================================== */

/* The model families an option applies to (cli_option.family). */
#define CLI_CNN 1u
#define CLI_MLP 2u
#define CLI_ALL (CLI_CNN | CLI_MLP)

typedef enum cli_kind {
    CLI_SECTION,      /* not an option: a heading of --help ("problem:") */
    CLI_HELP,         /* -h, --help: the command prints its help */
    CLI_FLAG,         /* no value: int32 at `at` = lo */
    CLI_INT,          /* int32 in [lo, hi] at `at` */
    CLI_DOUBLE,       /* finite double in [lo, hi] at `at` */
    CLI_COUNT,        /* int64 count (dm_parse_count: 1.8G, 11.7M, 1e9) at `at` */
    CLI_INTS,         /* A,B,...: at most `max` int32 in [lo, hi] at `at`, how many at `at2` */
    CLI_DOUBLES,      /* A,B,...: as CLI_INTS, doubles */
    CLI_INT_RANGE,    /* MIN,MAX: int32 in [lo, hi] at `at` and `at2`; max 1: N means N,N */
    CLI_DOUBLE_RANGE, /* MIN,MAX: doubles in [lo, hi] at `at` and `at2` */
    CLI_ON_OFF,       /* on | off: int32 1 | 0 at `at` */
    CLI_TEXT,         /* any string: const char * at `at` ('-' included) */
    CLI_FILE,         /* a file to write: const char * at `at`; '' is refused, and '-'
                         (standard output carries the command's report) */
    CLI_OUTPUT,       /* a file to write or '-' for standard output; '' is refused */
    CLI_CALL          /* set() parses and stores the value */
} cli_kind;

typedef struct cli_option cli_option;
struct cli_option {
    const char *name;     /* "--macs" ("-o" when there is no long name); a heading */
    const char *alias;    /* another spelling ("-h", "-o") or NULL */
    cli_kind kind;
    unsigned family;      /* CLI_CNN, CLI_MLP or CLI_ALL */
    const char *value;    /* the value's placeholder in --help ("N"); NULL for flags */
    const char *help;     /* what it means; --help wraps it */
    const char *def;      /* the default as --help says it; NULL: none to state */
    size_t at, at2;       /* offsetof() the destinations in the command's options struct */
    double lo, hi;        /* accepted values (CLI_FLAG: the value stored) */
    int max;              /* lists: most values; CLI_INT_RANGE: 1 = one value allowed */
    int (*set)(const cli_option *o, const char *value, void *opts); /* CLI_CALL */
};

/* A command's table and the hand-written parts of its --help. */
typedef struct cli_spec {
    const char *command;      /* "analyze" */
    const char *intro;        /* usage line and prose, before the options */
    const char *outro;        /* exit status, examples, after the options */
    const cli_option *opts;
    int n_opts;
    const char *positional;   /* "MODEL" when the command takes one, else NULL */
    const char *see;          /* "deepmad analyze --help": named in usage errors */
    const char *scope;        /* "" or " for --family mlp": said after an unknown option */
} cli_spec;

/* True when arg is "-h" or "--help"; cli_wants_help: any of argv[1..]. */
int cli_is_help(const char *arg);
int cli_wants_help(int argc, char **argv);

/* Print --help: the intro, the rows of `family` (their headings when some
   row under them is shown), the outro. */
void cli_help(const cli_spec *s, unsigned family, FILE *f);

/* Parse argv[1..] with the rows of `family` into `opts`; the positional
   argument (if the command takes one) into *positional.  CLI_OK or
   CLI_USAGE with the message printed. */
int cli_parse(const cli_spec *s, unsigned family, int argc, char **argv, void *opts,
              const char **positional);

/* The first option in argv[1..] that `family` has no row for (NULL if
   none): a command that learns the family from its MODEL refuses it. */
const char *cli_foreign(const cli_spec *s, unsigned family, int argc, char **argv);

/* How `family`'s row spelled `arg` reads its value: 1 it takes one, 0 it
   is a flag, -1 there is no such row. */
int cli_arity(const cli_spec *s, unsigned family, const char *arg);

/* `deepmad design`'s problem options (tools/cmd_design.c), for the other
   commands that take a CNN design problem (profile): design's table is the
   one place they are defined.  cli_design_arity: as cli_arity for the rows
   that describe the problem (not design's output, solver or latency-table
   rows).  cli_design_problem: the problem argv[1..] describes, exactly as
   design reads it (every element a problem option or its value). */
int cli_design_arity(const char *arg);
int cli_design_problem(int argc, char **argv, dm_problem *p);

/* The value given to option `name` in argv (the last one), or NULL. */
const char *cli_value_of(int argc, char **argv, const char *name);

/* The shared value parsers: an int32 in [lo, hi]; a uint64 (0..2^64-1);
   a finite double in [lo, hi]; a count (dm_parse_count); a comma list of at most `max` int32
   (ints) or doubles (dbls) in [lo, hi], *n of them.  CLI_USAGE with a
   message naming `opt` on failure.  Integers are plain decimal digits,
   with a '-' only where lo < 0; no value may hold white space (strtol and
   strtoull would skip a leading space and wrap ' -5' to 2^64-5). */
int cli_int(const char *opt, const char *val, long lo, long hi, int32_t *out);
int cli_u64(const char *opt, const char *val, uint64_t *out);
int cli_double(const char *opt, const char *val, double lo, double hi, double *out);
int cli_count(const char *opt, const char *val, int64_t *out);
int cli_list(const char *opt, const char *val, double lo, double hi, int max, int32_t *ints,
             double *dbls, int32_t *n);

/* CLI_CALL setters for the library's named enums, stored at o->at: an
   activation (dm_act), a depth-penalty form (dm_penalty). */
int cli_set_act(const cli_option *o, const char *val, void *opts);
int cli_set_penalty(const cli_option *o, const char *val, void *opts);
int cli_set_style(const cli_option *o, const char *val, void *opts);

/* Write latency table t to path atomically ('-': standard output). */
int cli_write_table(const char *path, const dm_latency_table *t);

/* Wall-clock seconds, for the `seconds` a design reports. */
double cli_now(void);
/* 1 when stderr is a terminal (progress lines go there only then). */
int cli_stderr_tty(void);

/* Load MODEL once: a zoo name, or a path to a file of any format (CNN
   JSON, the reference format, MLP JSON; '-' is standard input).  A zoo
   name wins over a file of that name, with a note on stderr naming
   ./NAME, the way to read the file. */
int cli_load_model(const char *model, dm_model *out);

/* `v` with `decimals` decimals, as %.*f prints it, unless that would
   print 0 for a value that is not 0 (a gap of 2e-6) or run past 15 digits
   (a depth penalty of 1e87): those in %.4g.  Returns buf. */
const char *cli_real(char *buf, size_t n, double v, int decimals);
#define CLI_REAL_CAP 48

/* JSON values for the commands that print their own objects (measure,
   profile): a string with its quotes and escapes; a finite double that
   reads back the same (15 significant digits when they do, else 17). */
void cli_json_string(FILE *f, const char *s);
void cli_json_double(FILE *f, double v);

/* "  widths   784 24 ... -> 10": an MLP's widths, as analyze and design
   print them. */
void cli_print_mlp_widths(const dm_mlp *m);

/* Every subcommand. */
int cmd_analyze(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
int cmd_design(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_draw(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

/* Pictures (cmd_draw.c): the format of the picture to write at `path`
   (--format's value when not NULL, else .svg / .png), CLI_USAGE with a
   message when neither says; and writing one ('-': standard output). */
int cli_picture_format(const char *path, const char *format, dm_picture_format *f);
int cli_write_picture(const char *path, const uint8_t *bytes, size_t len);

#endif
