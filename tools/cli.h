/*
** cli.h -- what the deepmad subcommands share: the command table entry,
** error reporting with exit codes, option parsing helpers.  The CLI only
** uses the public API (deepmad.h).
**
** Exit codes: 0 success; 1 the request failed (bad file, infeasible
** problem, I/O); 2 bad usage (unknown option, missing argument).
*/
#ifndef DM_CLI_H
#define DM_CLI_H
#include "deepmad.h"
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

/* True when arg is "-h" or "--help". */
int cli_is_help(const char *arg);

/* Parse a non-negative integer option value (decimal); CLI_USAGE message
   naming the option on failure. */
int cli_int(const char *opt, const char *val, long lo, long hi, int32_t *out);
/* Parse a finite double in [lo, hi]. */
int cli_double(const char *opt, const char *val, double lo, double hi, double *out);

/* Wall-clock seconds, for the `seconds` a design reports. */
double cli_now(void);

/* Load MODEL: a zoo name, or a path to a JSON or reference-format file. */
int cli_load_model(const char *model, dm_arch *out);

/* Every subcommand. */
int cmd_analyze(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
int cmd_design(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* MLPs (cmd_design_mlp.c, cmd_analyze_mlp.c, cmd_export_mlp.c): design,
   analyze and export hand over to these for --family mlp / MLP files. */
int cmd_design_is_mlp(int argc, char **argv);
int cmd_design_mlp(int argc, char **argv);
int cli_mlp_file(const char *path);   /* JSON with "format": "deepmad-mlp" */
const char *cli_mlp_model_arg(int argc, char **argv, const char *const *flags, int n_flags);
void cli_mlp_print_widths(const dm_mlp *m);
void cli_mlp_metrics_json(const dm_mlp_metrics *m);
int cmd_analyze_mlp(int argc, char **argv);
int cmd_export_mlp(int argc, char **argv);

#endif
