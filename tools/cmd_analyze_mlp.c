/*
** cmd_analyze_mlp.c -- `deepmad analyze FILE` for MLP descriptions: the
** files whose JSON says "format": "deepmad-mlp" (cli_mlp_file), which
** cmd_analyze.c and cmd_export.c hand over here; plus what the MLP
** commands print alike.
*/
#include "cli.h"
#include <stdlib.h>
#include <string.h>

/* The metrics as one JSON object (the same keys analyze --json prints). */
void cli_mlp_metrics_json(const dm_mlp_metrics *m) {
    printf("{\"params\": %lld, \"macs\": %lld, \"layers\": %d, \"log_width_sum\": %.17g, "
           "\"mean_width\": %.17g, \"rho\": %.17g, \"entropy\": %.17g}",
           (long long)m->params, (long long)m->macs, (int)m->layers, m->log_width_sum,
           m->mean_width, m->rho, m->entropy);
}

void cli_mlp_print_widths(const dm_mlp *m) {
    printf("  widths   %d", m->in_features);
    for (int32_t i = 0; i < m->n_layers - 1; i++) printf(" %d", m->hidden[i]);
    printf(" -> %d\n", m->out_features);
}

int cli_mlp_file(const char *path) {
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) return 0;
    char *buf = malloc(DM_MAX_FILE_BYTES);
    size_t n = buf ? fread(buf, 1, DM_MAX_FILE_BYTES, f) : 0;
    fclose(f);
    int yes = buf && dm_mlp_json_detect(buf, n);
    free(buf);
    return yes;
}

/* The first argument that is neither an option nor an option's value. */
const char *cli_mlp_model_arg(int argc, char **argv, const char *const *flags, int n_flags) {
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !strcmp(argv[i], "-")) return argv[i];
        int is_flag = 0;
        for (int k = 0; k < n_flags; k++) is_flag |= !strcmp(argv[i], flags[k]);
        if (!is_flag) i++; /* skip its value */
    }
    return NULL;
}

int cmd_analyze_mlp(int argc, char **argv) {
    static const char *const flags[] = {"--json"};
    const char *path = cli_mlp_model_arg(argc, argv, flags, 1);
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (argv[i] != path)
            return cli_error(CLI_USAGE, "'%s': an MLP file takes only --json", argv[i]);
    }
    dm_error err = {0};
    dm_mlp m;
    dm_mlp_metrics x;
    if (dm_mlp_load(path, &m, &err) || dm_mlp_metrics_of(&m, &x, &err)) return cli_fail(&err);
    if (json) { cli_mlp_metrics_json(&x); printf("\n"); return CLI_OK; }
    printf("%s: MLP, %d layers, %s%s\n\n", path, m.n_layers, dm_act_name(m.act),
           m.bias ? ", bias" : ", no bias");
    cli_mlp_print_widths(&m);
    printf("\n  params      %14lld\n  MACs        %14lld\n  layers      %14d\n", (long long)x.params,
           (long long)x.macs, (int)x.layers);
    printf("  mean width  %14.4f  (geometric, w_1..w_L)\n  rho         %14.4f\n"
           "  entropy     %14.4f  (w_{L+1} * sum log w_i)\n", x.mean_width, x.rho, x.entropy);
    return CLI_OK;
}
