/*
** cmd_zoo.c -- `deepmad zoo`: list the built-in networks.
*/
#include "cli.h"

int cmd_zoo(int argc, char **argv) {
    if (argc > 1 && cli_is_help(argv[1])) {
        printf("usage: deepmad zoo\n\nLists the built-in networks that every MODEL argument "
               "accepts:\ntorchvision 0.14 definitions and the DeepMAD paper's published "
               "structures.\n");
        return CLI_OK;
    }
    if (argc > 1) return cli_error(CLI_USAGE, "zoo takes no arguments");
    for (int32_t i = 0; i < dm_zoo_count(); i++) puts(dm_zoo_name(i));
    return CLI_OK;
}
