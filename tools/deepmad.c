/*
** deepmad.c -- the command-line tool: dispatch to a subcommand.
*/
#include "cli.h"
#include <errno.h>
#include <string.h>

static const cli_command commands[] = {
    {"analyze", "report params, MACs, entropy, rho and the DeepMAD objective of a network", cmd_analyze},
    {"design", "solve the DeepMAD program: the best network under MACs/params/rho budgets", cmd_design},
    {"draw", "draw a network to scale, as SVG or PNG", cmd_draw},
    {"export", "write a network as PyTorch source, ONNX, JSON or the reference format", cmd_export},
    {"measure", "run a network on this CPU (oneDNN) and report its measured latency", cmd_measure},
    {"profile", "measure a latency table of op shapes on this CPU, for prediction and design", cmd_profile},
    {"sweep", "solve a design problem over a range of rho0 and plot the designs", cmd_sweep},
    {"zoo", "list the built-in networks", cmd_zoo},
};

static void usage(FILE *f) {
    fprintf(f,
            "deepmad %s -- design CNNs by mathematics (DeepMAD, CVPR 2023)\n\n"
            "usage: deepmad COMMAND [OPTIONS]    (deepmad COMMAND --help for more)\n\n"
            "commands:\n",
            DM_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nexit status: 0 success, 1 failure (bad file, infeasible problem, I/O),\n"
               "2 bad usage.\n");
}

static int dispatch(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("deepmad %s\n", DM_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    return cli_error(CLI_USAGE, "unknown command '%s' (try deepmad --help)", argv[1]);
}

/* Everything a command prints goes through stdout's buffer: one check
   here sees a failed write anywhere (a full disk, a closed descriptor).
   A command that already failed keeps its own message and status. */
int main(int argc, char **argv) {
    int rc = dispatch(argc, argv);
    errno = 0;
    int flushed = fflush(stdout) == 0;
    int e = errno;
    if (rc == CLI_OK && (!flushed || ferror(stdout)))
        return cli_error(CLI_FAIL, "cannot write to standard output: %s",
                         e ? strerror(e) : "a write failed");
    return rc;
}
