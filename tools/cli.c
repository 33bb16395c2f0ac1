/*
** cli.c -- helpers every subcommand uses: errors, numbers, model loading.
*/
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_fail(const dm_error *err) {
    fprintf(stderr, "deepmad: %s\n", err->msg[0] ? err->msg : dm_status_str(err->code));
    return CLI_FAIL;
}

int cli_error(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("deepmad: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

int cli_is_help(const char *arg) {
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_int(const char *opt, const char *val, long lo, long hi, int32_t *out) {
    char *end;
    errno = 0;
    long v = val ? strtol(val, &end, 10) : 0;
    if (!val || end == val || *end || errno || v < lo || v > hi)
        return cli_error(CLI_USAGE, "%s needs an integer between %ld and %ld, got '%s'", opt, lo,
                         hi, val ? val : "");
    *out = (int32_t)v;
    return CLI_OK;
}

int cli_double(const char *opt, const char *val, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double v = val ? strtod(val, &end) : 0;
    if (!val || end == val || *end || errno || !isfinite(v) || v < lo || v > hi)
        return cli_error(CLI_USAGE, "%s needs a number between %g and %g, got '%s'", opt, lo, hi,
                         val ? val : "");
    *out = v;
    return CLI_OK;
}

int cli_load_model(const char *model, dm_arch *out) {
    dm_error err = {0};
    for (int32_t i = 0; i < dm_zoo_count(); i++)
        if (strcmp(dm_zoo_name(i), model) == 0)
            return dm_zoo_arch(model, out, &err) ? cli_fail(&err) : CLI_OK;
    if (dm_arch_load(model, out, &err)) return cli_fail(&err);
    return CLI_OK;
}

double cli_now(void) {
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
