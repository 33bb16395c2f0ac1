/*
** cmd_zoo.c -- `deepmad zoo`: list the built-in networks.
*/
#include "cli.h"

static const cli_option options[] = {
    {"options:", .kind = CLI_SECTION},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec spec = {
    .command = "zoo",
    .intro = "usage: deepmad zoo\n\nLists the built-in networks that every MODEL argument "
             "accepts:\ntorchvision 0.14 definitions and the DeepMAD paper's published "
             "structures.\n\n",
    .outro = "",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .see = "deepmad zoo --help",
    .scope = "",
};

int cmd_zoo(int argc, char **argv) {
    if (cli_wants_help(argc, argv)) {
        cli_help(&spec, CLI_ALL, stdout);
        return CLI_OK;
    }
    int rc = cli_parse(&spec, CLI_ALL, argc, argv, NULL, NULL);
    if (rc) return rc;
    for (int32_t i = 0; i < dm_zoo_count(); i++) puts(dm_zoo_name(i));
    return CLI_OK;
}
