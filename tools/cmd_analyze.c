/*
** cmd_analyze.c -- `deepmad analyze MODEL`: exact costs and DeepMAD scores
** of a zoo network or a description file, as a table or one JSON object.
*/
#include "cli.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *analyze_help =
    "usage: deepmad analyze MODEL [options]\n"
    "\n"
    "Report a network's exact params and MACs (SPEC section 6: every conv and\n"
    "linear layer, SE and classifier included), its main-path layers, peak\n"
    "activation memory, per-stage entropy and effectiveness rho, and the DeepMAD\n"
    "objective = sum_i alpha_i H_i - beta * exp(std of superblock depths).\n"
    "\n"
    "MODEL is a zoo name (see `deepmad zoo`) or a file: the JSON architecture\n"
    "schema (docs/arch-json.md) or the paper's reference format (tinynas .txt).\n"
    "\n"
    "options:\n"
    "  --input-size N     analyse at N x N input pixels (every stride must divide)\n"
    "  --classes N        classifier outputs (0 = no classifier)\n"
    "  --alpha A,B,...    stage weights, one per stage (default 1,...,1,8)\n"
    "  --beta B           depth-penalty weight (default 10)\n"
    "  --penalty std|var  Q = exp(std) (default) or exp(variance) of depths\n"
    "  --penalty-skip N   leave the first N superblocks out of the depth list\n"
    "  --json             print one JSON object instead of the table: params,\n"
    "                     macs, peak_activation, layers, rho, entropy,\n"
    "                     depth_penalty, objective, stages[{resolution, channels,\n"
    "                     layers, log_width_sum, rho, alpha, entropy}]\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  deepmad analyze resnet50\n"
    "  deepmad analyze efficientnet_b0 --input-size 256 --json\n"
    "  deepmad analyze my-net.json --alpha 1,1,1,1,8 --penalty var\n";

typedef struct analyze_opts {
    const char *model;
    int32_t input_size, classes;   /* -1 = keep the model's */
    int json;
    dm_score_params sp;
} analyze_opts;

/* Parse "a,b,c" into sp->alpha. */
static int parse_alpha(const char *val, dm_score_params *sp) {
    char buf[512];
    if (strlen(val) >= sizeof buf) return cli_error(CLI_USAGE, "--alpha list is too long");
    strcpy(buf, val);
    sp->n_alpha = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (sp->n_alpha == DM_MAX_STAGES)
            return cli_error(CLI_USAGE, "--alpha takes at most %d weights", DM_MAX_STAGES);
        int rc = cli_double("--alpha", tok, 0, 1e6, &sp->alpha[sp->n_alpha]);
        if (rc) return rc;
        sp->n_alpha++;
    }
    return sp->n_alpha ? CLI_OK : cli_error(CLI_USAGE, "--alpha needs at least one weight");
}

static int parse_score_option(const char *opt, const char *val, dm_score_params *sp) {
    dm_error err = {0};
    if (!strcmp(opt, "--alpha")) return parse_alpha(val, sp);
    if (!strcmp(opt, "--beta")) return cli_double(opt, val, 0, 1e6, &sp->beta);
    if (!strcmp(opt, "--penalty-skip"))
        return cli_int(opt, val, 0, DM_MAX_SUPERBLOCKS, &sp->penalty_skip);
    if (dm_penalty_from_name(val, &sp->penalty, &err)) {
        cli_fail(&err);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int parse_args(int argc, char **argv, analyze_opts *o) {
    memset(o, 0, sizeof *o);
    o->input_size = o->classes = -1;
    dm_score_params_default(&o->sp);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = CLI_OK;
        if (!strcmp(a, "--json")) { o->json = 1; continue; }
        if (a[0] != '-' || !a[1]) {
            if (o->model) return cli_error(CLI_USAGE, "analyze takes one MODEL (got '%s' too)", a);
            o->model = a;
            continue;
        }
        if (i + 1 >= argc) return cli_error(CLI_USAGE, "%s needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--input-size")) rc = cli_int(a, v, 1, DM_MAX_INPUT_SIZE, &o->input_size);
        else if (!strcmp(a, "--classes")) rc = cli_int(a, v, 0, DM_MAX_CLASSES, &o->classes);
        else if (!strcmp(a, "--alpha") || !strcmp(a, "--beta") || !strcmp(a, "--penalty") ||
                 !strcmp(a, "--penalty-skip"))
            rc = parse_score_option(a, v, &o->sp);
        else return cli_error(CLI_USAGE, "unknown option '%s' (see deepmad analyze --help)", a);
        if (rc) return rc;
    }
    if (!o->model) return cli_error(CLI_USAGE, "analyze needs a MODEL (see deepmad analyze --help)");
    return CLI_OK;
}

static void print_count(const char *label, int64_t v) {
    char digits[32], out[48];
    int n = snprintf(digits, sizeof digits, "%" PRId64, v), j = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0 && digits[i - 1] != '-') out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = 0;
    printf("  %-18s %s\n", label, out);
}

static void print_table(const char *model, const dm_arch *a, const dm_metrics *m) {
    printf("%s: %d x %d x %d input, %d classes\n\n", model, a->in_channels, a->input_size,
           a->input_size, a->classes);
    printf("  stage  resolution  channels  layers  S_i (cumul.)  rho (prefix)  alpha  "
           "alpha*H_i\n");
    for (int32_t i = 0; i < m->n_stages; i++) {
        const dm_stage_metrics *s = &m->stage[i];
        printf("  %5d  %10d  %8d  %6d  %12.4f  %12.5f  %5g  %9.3f\n", i + 1, s->resolution,
               s->channels, s->layers, s->log_width_sum, s->rho, s->alpha, s->entropy);
    }
    printf("\n");
    print_count("params", m->params);
    print_count("MACs", m->macs);
    print_count("peak activation", m->peak_activation);
    printf("  %-18s %d\n", "main-path layers", m->layers);
    printf("  %-18s %.6f  (max over stage prefixes)\n", "rho", m->rho);
    printf("  %-18s %.4f\n", "entropy H", m->entropy);
    printf("  %-18s %.4f\n", "depth penalty", m->depth_penalty);
    printf("  %-18s %.4f\n", "objective", m->objective);
}

int cmd_analyze(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) { fputs(analyze_help, stdout); return CLI_OK; }
    analyze_opts o;
    dm_arch a;
    int rc = parse_args(argc, argv, &o);
    if (!rc && cli_mlp_file(o.model)) return cmd_analyze_mlp(argc, argv); /* cmd_analyze_mlp.c */
    if (!rc) rc = cli_load_model(o.model, &a);
    if (rc) return rc;
    if (o.input_size >= 0) a.input_size = o.input_size;
    if (o.classes >= 0) a.classes = o.classes;
    dm_error err = {0};
    dm_net *net = NULL;
    dm_metrics m;
    char *json = NULL;
    if (dm_net_create(&a, &net, &err) || dm_net_metrics(net, &o.sp, &m, &err) ||
        (o.json && dm_metrics_to_json(&m, &json, &err))) {
        dm_net_free(net);
        return cli_fail(&err);
    }
    if (o.json) puts(json);
    else print_table(o.model, &a, &m);
    dm_free(json);
    dm_net_free(net);
    return CLI_OK;
}
