/*
** cmd_design.c -- `deepmad design`: set up a design problem from a preset
** and/or options, solve it (dm_solve, or dm_mlp_solve for --family mlp),
** print a summary or the library's result JSON, and optionally write the
** description file and (CNN) a PyTorch module whose docstring records the
** problem it was designed for.
*/
#include "cli.h"
#include "report.h"
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct design_opts {
    dm_problem p;               /* the CNN families */
    dm_mlp_problem mp;          /* --family mlp */
    const char *preset, *family, *space; /* read first by base_problem (cli_value_of):
                                    every other option edits the defaults they set */
    const char *out_path, *torch_path;
    const char *latency_table;  /* --latency-table FILE, loaded after parsing */
    int32_t refine;             /* --refine: measure the design's shapes into the table */
    int32_t json;
} design_opts;

/* --latency TIME: "40ms", "0.04s", "40" (ms), "40000us"; 0 = no limit. */
static int set_latency(const cli_option *o, const char *val, void *opts) {
    double *v = (double *)(void *)((char *)opts + o->at), scale = 1;
    char num[64];
    size_t n = strlen(val);
    const char *units[] = {"ms", "us", "s"};
    const double scales[] = {1, 1e-3, 1e3};
    for (int i = 0; i < 3; i++) {
        size_t u = strlen(units[i]);
        if (n > u && !strcmp(val + n - u, units[i])) { n -= u; scale = scales[i]; break; }
    }
    char *end = NULL;
    if (n > 0 && n < sizeof num) {
        memcpy(num, val, n);
        num[n] = '\0';
        *v = strtod(num, &end) * scale;
    }
    if (n == 0 || n >= sizeof num || *end || !(isdigit((unsigned char)num[0]) || num[0] == '.'))
        return cli_error(CLI_USAGE, "%s needs a time like 40ms, 0.04s or 40 (ms), got '%s'",
                         o->name, val);
    if (!(*v >= 0 && *v < 1e9))
        return cli_error(CLI_USAGE, "%s: '%s' is not a time in [0, 1e9) ms", o->name, val);
    return CLI_OK;
}

/* --depth MIN,MAX: the range of every superblock. */
static int set_depth(const cli_option *o, const char *val, void *opts) {
    dm_problem *p = &((design_opts *)opts)->p;
    int32_t n, two[2] = {0};
    int rc = cli_list(o->name, val, o->lo, o->hi, 2, two, NULL, &n);
    if (!rc && n != 2) rc = cli_error(CLI_USAGE, "%s needs MIN,MAX, got '%s'", o->name, val);
    for (int i = 0; !rc && i < DM_MAX_SUPERBLOCKS; i++) {
        p->depth_min[i] = two[0];
        p->depth_max[i] = two[1];
    }
    return rc;
}

/* --inner-round up|nearest. */
static int set_inner_round(const cli_option *o, const char *val, void *opts) {
    int32_t *v = (int32_t *)((char *)opts + o->at);
    if (!strcmp(val, "up")) *v = 0;
    else if (!strcmp(val, "nearest")) *v = 1;
    else return cli_error(CLI_USAGE, "%s needs up or nearest, got '%s'", o->name, val);
    return CLI_OK;
}

#define AT(field) .at = offsetof(design_opts, field)
#define CNN .family = CLI_CNN
#define MLP .family = CLI_MLP

/* Every option of both families; the MLP rows are marked MLP. */
static const cli_option options[] = {
    {"problem:", .kind = CLI_SECTION},
    {"--preset", .kind = CLI_TEXT, CNN, .value = "NAME", AT(preset),
     .help = "r18 r34 r50 b0 mb 29m 29m-288 50m 89m (SPEC section 7; budgets of torchvision "
             "nets are their exact counts)"},
    {"--family", .kind = CLI_TEXT, CNN, .value = "F", AT(family),
     .help = "basic | bottleneck | mbconv, or mlp (see deepmad design --family mlp --help)",
     .def = "bottleneck"},
    {"--family", .kind = CLI_TEXT, MLP, .value = "mlp", AT(family), .help = "design an MLP"},
    {"--space", .kind = CLI_TEXT, CNN, .value = "open|paper", AT(space),
     .help = "search space (docs/spaces.md): paper = the paper's blocks (style paper) and its "
             "code's domains; open = torchvision-style blocks, wider domains.  The space is set "
             "first; the options below override it",
     .def = "paper for --preset, open for --family"},
    {"--style", .kind = CLI_CALL, CNN, .value = "S", AT(p.style), .set = cli_set_style,
     .help = "how blocks are built: torchvision | paper (the reference code's ResK1KXK1 and "
             "ResK1DWSEK1)", .def = "the space's"},
    {"--se", .kind = CLI_ON_OFF, CNN, .value = "on|off", AT(p.se),
     .help = "squeeze-excitation in mbconv blocks", .def = "on"},
    {"--act", .kind = CLI_CALL, CNN, .value = "A", AT(p.act), .set = cli_set_act,
     .help = "relu | relu6 | silu", .def = "the family's"},
    {"--macs", .kind = CLI_COUNT, CNN, .value = "N", AT(p.max_macs),
     .help = "MACs budget, classifier included: 1.8G, 500M, 1e9, 1814073344 (0 = no limit)"},
    {"--params", .kind = CLI_COUNT, CNN, .value = "N", AT(p.max_params),
     .help = "params budget: 11.7M, 11689512 (0 = no limit)"},
    {"--rho", .kind = CLI_DOUBLE, CNN, .value = "R", AT(p.rho0), .lo = 1e-6, .hi = 1e6,
     .help = "effectiveness limit rho0", .def = "0.3; mbconv 0.5"},
    {"--latency", .kind = CLI_CALL, CNN, .value = "TIME", AT(p.max_latency_ms), .set = set_latency,
     .help = "latency budget, predicted from --latency-table: 40ms, 0.04s, 40 (ms); 0 = no "
             "limit; --macs and --params may then be left out (docs/latency.md)"},
    {"--latency-table", .kind = CLI_TEXT, CNN, .value = "FILE", AT(latency_table),
     .help = "a latency table measured on the target machine for this problem (deepmad "
             "profile --preset NAME; docs/latency.md); with it the design's predicted "
             "latency is reported, and --latency can be a budget"},
    {"--refine", .kind = CLI_FLAG, CNN, AT(refine), .lo = 1,
     .help = "with --latency-table measured on this machine: measure the op shapes of the "
             "design that the table only estimates, add them to the table FILE, and solve "
             "again, until the design's latency is a sum of measured times (at most 8 "
             "solves; the solver otherwise favours shapes the estimate undercounts; "
             "docs/latency.md)"},
    {"--input-size", .kind = CLI_INT, CNN, .value = "N", AT(p.input_size), .lo = 1,
     .hi = DM_MAX_INPUT_SIZE, .help = "input resolution", .def = "224"},
    {"--in-channels", .kind = CLI_INT, CNN, .value = "N", AT(p.in_channels), .lo = 1,
     .hi = DM_MAX_CHANNELS, .help = "input channels", .def = "3"},
    {"--classes", .kind = CLI_INT, CNN, .value = "N", AT(p.classes), .lo = 0,
     .hi = DM_MAX_CLASSES, .help = "classifier outputs, 0 = none", .def = "1000"},
    {"--in-features", .kind = CLI_INT, MLP, .value = "N", AT(mp.in_features), .lo = 1,
     .hi = DM_MLP_MAX_WIDTH, .help = "input width w_1 (required)"},
    {"--out-features", .kind = CLI_INT_RANGE, MLP, .value = "K", AT(mp.out_min),
     .at2 = offsetof(design_opts, mp.out_max), .lo = 1, .hi = DM_MLP_MAX_WIDTH, .max = 1,
     .help = "fixed output width, or MIN,MAX to design it too (multiples of the granularity "
             "in that range; required)"},
    {"--params", .kind = CLI_COUNT, MLP, .value = "N", AT(mp.max_params),
     .help = "params budget: 1M, 1000000 (0 = no limit)"},
    {"--macs", .kind = CLI_COUNT, MLP, .value = "N", AT(mp.max_macs),
     .help = "MACs budget (at least one budget is required)"},
    {"--rho", .kind = CLI_DOUBLE, MLP, .value = "R", AT(mp.rho0), .lo = 1e-9, .hi = 1e9,
     .help = "effectiveness limit rho0", .def = "0.5"},
    {"--layers", .kind = CLI_INT_RANGE, MLP, .value = "MIN,MAX", AT(mp.min_layers),
     .at2 = offsetof(design_opts, mp.max_layers), .lo = 1, .hi = DM_MLP_MAX_LAYERS, .max = 1,
     .help = "number of Linear layers L", .def = "1,256"},
    {"--granularity", .kind = CLI_INT, MLP, .value = "G", AT(mp.granularity), .lo = 1,
     .hi = DM_MLP_MAX_WIDTH, .help = "hidden widths are multiples of G", .def = "8"},
    {"--widths", .kind = CLI_INT_RANGE, MLP, .value = "MIN,MAX", AT(mp.min_width),
     .at2 = offsetof(design_opts, mp.max_width), .lo = 1, .hi = DM_MLP_MAX_WIDTH, .max = 1,
     .help = "range of hidden widths", .def = "G,1048576"},
    {"--act", .kind = CLI_CALL, MLP, .value = "A", AT(mp.act), .set = cli_set_act,
     .help = "relu | relu6 | silu", .def = "relu"},
    {"--no-bias", .kind = CLI_FLAG, MLP, AT(mp.bias), .lo = 0,
     .help = "Linear layers without bias"},
    {"--nodes", .kind = CLI_COUNT, MLP, .value = "N", AT(mp.node_limit),
     .help = "branch-and-bound node budget", .def = "200000"},

    {"layout and search space:", .kind = CLI_SECTION},
    {"--stem-stride", .kind = CLI_INT, CNN, .value = "S", AT(p.stem_stride), .lo = 1,
     .hi = DM_MAX_STRIDE, .help = "stem stride", .def = "2"},
    {"--stem-kernel", .kind = CLI_INT, CNN, .value = "K", AT(p.stem_kernel), .lo = 1,
     .hi = DM_MAX_KERNEL, .help = "stem kernel size", .def = "3"},
    {"--strides", .kind = CLI_INTS, CNN, .value = "LIST", AT(p.stride),
     .at2 = offsetof(design_opts, p.n_superblocks), .lo = 1, .hi = DM_MAX_STRIDE,
     .max = DM_MAX_SUPERBLOCKS, .help = "one stride per superblock", .def = "2,2,2,1,2"},
    {"--depth", .kind = CLI_CALL, CNN, .value = "MIN,MAX", .set = set_depth, .lo = 1,
     .hi = DM_MAX_CHANNELS, .help = "depth range of every superblock", .def = "1,16"},
    {"--kernels", .kind = CLI_INTS, CNN, .value = "LIST", AT(p.kernels),
     .at2 = offsetof(design_opts, p.n_kernels), .lo = 1, .hi = DM_MAX_KERNEL,
     .max = DM_PROBLEM_MAX_KERNELS, .help = "allowed kernel sizes",
     .def = "3,5; paper mbconv 3,5,7"},
    {"--inner", .kind = CLI_DOUBLE_RANGE, CNN, .value = "MIN,MAX", AT(p.inner_min),
     .at2 = offsetof(design_opts, p.inner_max), .lo = 0, .hi = DM_MAX_EXPAND,
     .help = "inner width m / output channels ratio range (bottleneck | mbconv)",
     .def = "open 0.0625,1 | 1,6; paper 0.1,1 | 1.5,6"},
    {"--inner-round", .kind = CLI_CALL, CNN, .value = "up|nearest", AT(p.inner_round),
     .set = set_inner_round,
     .help = "the smallest inner width: MIN x out rounded up to a multiple of G, or to the "
             "nearest one (the reference code's rounding)", .def = "open up; paper nearest"},
    {"--granularity", .kind = CLI_INT, CNN, .value = "G", AT(p.granularity), .lo = 1,
     .hi = 1024, .help = "channels are multiples of G", .def = "8"},
    {"--channels", .kind = CLI_INT_RANGE, CNN, .value = "MIN,MAX", AT(p.min_channels),
     .at2 = offsetof(design_opts, p.max_channels), .lo = 1, .hi = DM_MAX_CHANNELS,
     .help = "range of every superblock's channel count (and of the stem and head unless "
             "their own options say otherwise)", .def = "open 8,4096; paper 8,2048, mbconv 8,1280"},
    {"--stem-channels", .kind = CLI_INT_RANGE, CNN, .value = "MIN,MAX", AT(p.stem_min),
     .at2 = offsetof(design_opts, p.stem_max), .lo = 0, .hi = DM_MAX_CHANNELS,
     .help = "range of the stem's width (0,0 = --channels)", .def = "open 0,0; paper 16,64"},
    {"--head", .kind = CLI_ON_OFF, CNN, .value = "on|off", AT(p.head),
     .help = "a 1x1 head conv of variable width", .def = "on for mbconv, else off"},
    {"--head-max", .kind = CLI_INT, CNN, .value = "N", AT(p.head_max), .lo = 0,
     .hi = DM_MAX_CHANNELS, .help = "cap on the head's width (0 = the --channels cap)",
     .def = "open 0; paper 6 x the channel cap"},
    {"--head-ratio", .kind = CLI_DOUBLE_RANGE, CNN, .value = "MIN,MAX", AT(p.head_ratio_min),
     .at2 = offsetof(design_opts, p.head_ratio_max), .lo = 0, .hi = DM_MAX_EXPAND,
     .help = "head width / last superblock's width range (0 = no limit at that end)",
     .def = "open 0,0; paper 1,6"},
    {"--max-layers", .kind = CLI_INT, CNN, .value = "N", AT(p.max_layers), .lo = 0,
     .hi = 1000000, .help = "cap on main-path layers (0 = no limit)"},
    {"--max-peak", .kind = CLI_COUNT, CNN, .value = "N", AT(p.max_peak_activation),
     .help = "cap on peak activation elements, e.g. 2M (0 = no limit)"},

    {"scoring and guidelines:", .kind = CLI_SECTION},
    {"--alpha", .kind = CLI_DOUBLES, CNN, .value = "LIST", AT(p.score.alpha),
     .at2 = offsetof(design_opts, p.score.n_alpha), .lo = 0, .hi = 1e6, .max = DM_MAX_STAGES,
     .help = "stage weights", .def = "1,...,1,8"},
    {"--beta", .kind = CLI_DOUBLE, CNN, .value = "B", AT(p.score.beta), .lo = 0, .hi = 1e6,
     .help = "depth-penalty weight", .def = "10"},
    {"--penalty", .kind = CLI_CALL, CNN, .value = "std|var", AT(p.score.penalty),
     .set = cli_set_penalty, .help = "Q = exp(std) or exp(variance) of depths", .def = "std"},
    {"--penalty-skip", .kind = CLI_INT, CNN, .value = "N", AT(p.score.penalty_skip), .lo = 0,
     .hi = DM_MAX_SUPERBLOCKS, .help = "leave the first N superblocks out of the penalty",
     .def = "0"},
    {"--no-multiscale", .kind = CLI_FLAG, CNN, AT(p.drop_multiscale), .lo = 1,
     .help = "guideline 1 off: only the last stage's entropy counts"},
    {"--no-depth-penalty", .kind = CLI_FLAG, CNN, AT(p.drop_depth_penalty), .lo = 1,
     .help = "guideline 2 off: beta = 0"},
    {"--no-monotone", .kind = CLI_FLAG, CNN, AT(p.drop_monotone), .lo = 1,
     .help = "guideline 3 off: widths may decrease"},
    {"--nodes", .kind = CLI_COUNT, CNN, .value = "N", AT(p.node_limit),
     .help = "branch-and-bound node budget", .def = "200000"},
    {"--effort", .kind = CLI_INT, CNN, .value = "N", AT(p.effort), .lo = 1, .hi = 100000,
     .help = "more work when the tree is not exhausted: N times the default work on the "
             "bound (certificate), and N-1 more search restarts, at most 64 in all "
             "(1: under 1 s per preset; 20: about 2-7 s); deterministic, 1..100000",
     .def = "1"},

    {"output:", .kind = CLI_SECTION},
    {"-o", .kind = CLI_FILE, .family = CLI_ALL, .value = "FILE", AT(out_path),
     .help = "write the design's description JSON (deepmad analyze and export read it)"},
    {"--torch", .kind = CLI_FILE, CNN, .value = "FILE", AT(torch_path),
     .help = "write a self-contained PyTorch module (as deepmad export --format torch) whose "
             "docstring also records the budgets, objective, bound and gap of this design"},
    {"--json", .kind = CLI_FLAG, .family = CLI_ALL, AT(json), .lo = 1,
     .help = "print one object: status (optimal | gap | infeasible), architecture, metrics "
             "(with latency_ms, in total and per stage, given --latency-table), "
             "latency_budget_ms (given --latency), bound, gap, seconds, stop, nodes, "
             "refine (given --refine: solves, measured, estimated), "
             "plausibility (docs/plausibility.md); for an "
             "infeasible problem status, constraint, least, limit, proven, message"},
    {"--help", .alias = "-h", .kind = CLI_HELP, .family = CLI_ALL, .help = "this text"},
};

static const cli_spec cnn_spec = {
    .command = "design",
    .intro =
        "usage: deepmad design [--preset NAME | --family FAMILY] [options]\n"
        "\n"
        "Find the network that maximises the DeepMAD objective (multi-scale entropy\n"
        "minus the depth penalty) under MACs, params and rho budgets, and report an\n"
        "upper bound on what any feasible network could score (the optimality gap).\n"
        "The answer is deterministic: the same problem gives the same network.\n"
        "\n"
        "Two search spaces (docs/spaces.md).  paper (the default with --preset): the\n"
        "paper's own blocks (--style paper) and its code's domains: bottleneck inner\n"
        "0.1..1 x out, channels <= 2048, kernels 3,5; mbconv+SE inner 1.5..6 x out,\n"
        "kernels 3,5,7, channels <= 1280, head 1..6 x the last superblock; stems 16..64.\n"
        "open (the default with --family): torchvision-style blocks, inner 1/16..1 or\n"
        "1..6, channels 8..4096, kernels 3,5, no stem or head limits.  Every rule is\n"
        "also an option of its own, which overrides the space wherever it stands.\n"
        "\n",
    .outro =
        "\n"
        "exit status: 0 solved; 1 infeasible (the message names the binding constraint\n"
        "and the least value that works) or I/O failure; 2 bad usage.  The -o and\n"
        "--torch paths are checked before solving, and written both or neither.\n"
        "A solve that runs past 2 s shows its progress (phase, work done, best\n"
        "objective and bound so far) on one line of stderr when stderr is a\n"
        "terminal; every problem within docs/limits.md finishes in about a minute\n"
        "at the default --nodes and --effort.\n"
        "\n"
        "examples:\n"
        "  deepmad design --preset r18\n"
        "  deepmad design --preset r18 --space open\n"
        "  deepmad design --preset r18 --latency 40ms --latency-table lat.json\n"
        "  deepmad design --preset r18 --latency 40ms --latency-table lat.json --refine\n"
        "  deepmad design --family mbconv --space paper --macs 400M --params 5.3M\n"
        "  deepmad design --preset r50 --rho 0.5 -o r50-rho05.json --torch r50-rho05.py\n"
        "  deepmad design --family mbconv --macs 400M --params 5.3M --json\n"
        "  deepmad design --family bottleneck --macs 1G --params 8M --strides 2,2,2,2 \\\n"
        "                 --kernels 3 --depth 1,8 --no-depth-penalty\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .see = "--help",
    .scope = "",
};

static const cli_spec mlp_spec = {
    .command = "design",
    .intro =
        "usage: deepmad design --family mlp --in-features N --out-features K --params B\n"
        "                      [options]\n"
        "\n"
        "Design an L-layer MLP (docs/mlp.md) that maximises the paper's entropy\n"
        "H = w_{L+1} * sum_{i=1..L} log w_i  (w_1 = in-features, w_{L+1} = output width)\n"
        "subject to params / MACs budgets and rho = L / (geometric mean of w_1..w_L)\n"
        "<= rho0, exactly (Lagrangian branch and bound), with an upper bound on H.\n"
        "\n",
    .outro =
        "\n"
        "exit status: 0 solved; 1 infeasible or I/O failure; 2 bad usage.  The -o path\n"
        "is checked before solving.\n"
        "\n"
        "example:\n"
        "  deepmad design --family mlp --in-features 784 --out-features 10 --params 1M --rho 0.5\n",
    .opts = options,
    .n_opts = (int)(sizeof options / sizeof options[0]),
    .see = "--family mlp --help",
    .scope = " for --family mlp",
};

/* ---------------------------------------------------------------------- */
/* Setting up the problem */

/* --preset or --family set the defaults everything else edits, then
   --space (if given) its domains; a preset is in the paper space and a
   family in the open one unless --space says otherwise. */
static int base_problem(const char *preset, const char *family, const char *space, dm_problem *p) {
    dm_error err = {0};
    if (preset && family) return cli_error(CLI_USAGE, "give --preset or --family, not both");
    if (preset) {
        if (dm_problem_preset(preset, p, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    } else {
        dm_block_kind k = DM_BLOCK_BOTTLENECK;
        if (family && dm_block_kind_from_name(family, &k, &err))
            return cli_error(CLI_USAGE, "%s", err.msg);
        dm_problem_default(p, k);
    }
    dm_space sp;
    if (space && (dm_space_from_name(space, &sp, &err) || dm_problem_set_space(p, sp, &err)))
        return cli_error(CLI_USAGE, "%s", err.msg);
    return CLI_OK;
}

static int parse_cnn(int argc, char **argv, design_opts *o) {
    int rc = base_problem(cli_value_of(argc, argv, "--preset"), cli_value_of(argc, argv, "--family"),
                          cli_value_of(argc, argv, "--space"), &o->p);
    return rc ? rc : cli_parse(&cnn_spec, CLI_CNN, argc, argv, o, NULL);
}

/* Design's rows that are not part of the problem: what it writes, how
   long the solver works, and the table its latency is read from. */
static int problem_row(const char *arg) {
    static const char *const not_problem[] = {"-o",        "--torch", "--json",  "--latency-table",
                                              "--latency", "--refine", "--nodes", "--effort"};
    for (size_t i = 0; i < sizeof not_problem / sizeof not_problem[0]; i++)
        if (!strcmp(arg, not_problem[i])) return 0;
    return 1;
}

int cli_design_arity(const char *arg) {
    return problem_row(arg) ? cli_arity(&cnn_spec, CLI_CNN, arg) : -1;
}

int cli_design_problem(int argc, char **argv, dm_problem *p) {
    design_opts o;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++)
        if (cli_design_arity(argv[i]) == 1) i++;
        else if (cli_design_arity(argv[i]) < 0)
            return cli_error(CLI_USAGE, "'%s' is not a design problem option", argv[i]);
    int rc = parse_cnn(argc, argv, &o);
    if (!rc) *p = o.p;
    return rc;
}

static int parse_mlp(int argc, char **argv, design_opts *o) {
    dm_mlp_problem_init(&o->mp);
    o->mp.min_width = 0; /* not given: follows the granularity */
    int rc = cli_parse(&mlp_spec, CLI_MLP, argc, argv, o, NULL);
    if (rc) return rc;
    if (!o->mp.min_width) o->mp.min_width = o->mp.granularity;
    if (!o->mp.in_features || !o->mp.out_min)
        return cli_error(CLI_USAGE, "--family mlp needs --in-features and --out-features");
    return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* The CNN summary: budgets from the constraint table */

/* How the summary names each constraint.  ORDER DM_CONSTRAINT. */
static const struct budget_label {
    const char *summary, *fmt;
} budget_labels[] = {
    {"MACs", "%14.0f"},
    {"params", "%14.0f"},
    {"rho", "%14.4f"},
    {"layers", "%14.0f"},
    {"peak act", "%14.0f"},
    {"latency ms", "%14.3f"},
};
static_assert(sizeof budget_labels / sizeof budget_labels[0] == DM_CONSTRAINT_COUNT,
              "ORDER DM_CONSTRAINT");

static void budget_line(const char *what, double used, double limit, const char *fmt) {
    printf("  %-10s ", what);
    printf(fmt, used);
    if (limit > 0) {
        printf("  of ");
        printf(fmt, limit);
        printf("  (%5.1f%%)\n", 100.0 * used / limit);
    } else {
        printf("  (no limit)\n");
    }
}

static double gap_percent(double gap, double bound) {
    return bound != 0 ? 100.0 * gap / bound : 0.0;
}

/* The space the problem was set up in (base_problem's rule). */
static dm_space space_of(const design_opts *o) {
    dm_space sp = o->preset ? DM_SPACE_PAPER : DM_SPACE_OPEN;
    if (o->space) dm_space_from_name(o->space, &sp, NULL);
    return sp;
}

/* What --refine did (NULL: not asked). */
static void refine_line(const design_opts *o, const dm_refine_info *ri) {
    if (!ri) return;
    printf("refined    %d solve%s, %d shape%s measured into %s", ri->solves,
           ri->solves == 1 ? "" : "s", ri->measured, ri->measured == 1 ? "" : "s",
           o->latency_table);
    if (ri->estimated == 0) printf(": the latency is a sum of measured op times\n");
    else printf(": %d of the design's shapes still estimated (solve limit %d)\n", ri->estimated,
                DM_REFINE_MAX_SOLVES);
}

static void summary(const design_opts *o, const dm_solution *s, const dm_refine_info *ri,
                    double secs) {
    const dm_problem *p = &o->p;
    dm_space space = space_of(o);
    const dm_arch *a = &s->arch;
    const dm_metrics *m = &s->metrics;
    printf("design: %s%s, %d px, %d classes, %d stages", dm_block_kind_name(p->family),
           p->se ? " + SE" : "", a->input_size, a->classes, m->n_stages);
    if (space != DM_SPACE_OPEN || p->style != DM_STYLE_TORCHVISION) /* the open space's line is as before */
        printf(", %s space, %s-style blocks", dm_space_name(space), dm_style_name(p->style));
    printf("\n\n");
    printf("  unit   stride  out  inner  kernel  depth\n");
    printf("  stem   %5d %5d      -  %6d      1\n", a->stem.stride, a->stem.out, a->stem.kernel);
    for (int i = 0; i < a->n_superblocks; i++)
        printf("  sb%-3d  %5d %5d %6d  %6d  %5d\n", i + 1, a->sb[i].stride, a->sb[i].out,
               a->sb[i].inner, a->sb[i].kernel, a->sb[i].depth);
    if (a->head) printf("  head   %5d %5d      -  %6d      1\n", 1, a->head, 1);
    printf("\nbudgets:\n");
    for (int c = 0; c < DM_CONSTRAINT_COUNT; c++)
        if (c != DM_CONSTRAINT_LATENCY || p->latency_table) /* predicted only with a table */
            budget_line(budget_labels[c].summary, dm_constraint_value(m, (dm_constraint)c),
                        dm_constraint_limit(p, (dm_constraint)c), budget_labels[c].fmt);
    char b[4][CLI_REAL_CAP];
    printf("\nobjective  %s  (entropy %s - depth penalty %s)\n",
           cli_real(b[0], sizeof b[0], m->objective, 4), cli_real(b[1], sizeof b[1], m->entropy, 4),
           cli_real(b[2], sizeof b[2], m->depth_penalty, 4));
    printf("bound      %s\n", cli_real(b[0], sizeof b[0], s->bound, 4));
    printf("gap        %s (%s%% of the bound)\n", cli_real(b[1], sizeof b[1], s->gap, 4),
           cli_real(b[2], sizeof b[2], gap_percent(s->gap, s->bound), 2));
    if (s->stop == DM_STOP_OPTIMAL)
        printf("status     optimal: the search tree was exhausted\n");
    else
        printf("status     gap not zero: best design found, not proven optimal; no design\n"
               "           can score above the bound (node limit %lld reached)\n",
               (long long)s->nodes);
    printf("time       %.3f s (%lld evaluations, %lld nodes)\n", secs, (long long)s->evaluations,
           (long long)s->nodes);
    refine_line(o, ri);
    report_design_text(p, &s->arch); /* H3: the plausibility block (tools/report.c) */
}

/* ---------------------------------------------------------------------- */
/* Files */

/* Write the n texts writers returned (with status `st`; all freed here)
   to their paths, all or none. */
static int write_texts(int32_t n, const char *const *paths, char **texts, dm_status st,
                       dm_error *err) {
    const void *datas[2];
    size_t lens[2];
    assert(n <= 2);
    for (int32_t i = 0; i < n; i++) datas[i] = texts[i], lens[i] = texts[i] ? strlen(texts[i]) : 0;
    if (!st && n > 0) st = dm_write_files_atomic(n, paths, datas, lens, err);
    for (int32_t i = 0; i < n; i++) dm_free(texts[i]);
    return st ? cli_fail(err) : CLI_OK;
}

/* Refuse, before solving, output paths a write would fail on. */
static int check_outputs(const design_opts *o) {
    dm_error err = {0};
    if (o->out_path && o->torch_path && !strcmp(o->out_path, o->torch_path))
        return cli_error(CLI_USAGE, "-o and --torch name the same file '%s'", o->out_path);
    if (o->out_path && dm_write_check(o->out_path, &err)) return cli_fail(&err);
    if (o->torch_path && dm_write_check(o->torch_path, &err)) return cli_fail(&err);
    return CLI_OK;
}

/* The --torch file's text in *text (freed with dm_free). */
static dm_status torch_text(const dm_problem *p, const dm_solution *s, char **text, dm_error *err) {
    /* The docstring says what the design was asked for and how close to
       the optimum it is: the design record's sentence, the one `deepmad
       export` of the -o file and the ONNX doc_string write too. */
    dm_design_record rec;
    char *note = NULL;
    dm_net *net = NULL;
    dm_status st = dm_design_record_of(p, s, &rec, err);
    if (!st) st = dm_design_record_note(&rec, &note, err);
    dm_torch_options opt = {.source = "deepmad design", .notes = note};
    if (!st) st = dm_net_create(&s->arch, &net, err);
    if (!st) st = dm_export_torch(net, &s->metrics, &opt, text, err);
    dm_net_free(net);
    dm_free(note);
    return st;
}

/* Print JSON a writer returned with status `st` (freed here). */
static int put_json(dm_status st, char *json, const dm_error *err) {
    if (!st) fputs(json, stdout);
    dm_free(json);
    return st ? cli_fail(err) : CLI_OK;
}

/* Print the result JSON with "refine": {"solves", "measured",
   "estimated"} added as its last member (json freed here). */
static int put_json_refined(dm_status st, char *json, const dm_refine_info *ri,
                            const dm_error *err) {
    char *end = st ? NULL : strrchr(json, '}');
    if (!end) return put_json(st, json, err);
    size_t keep = (size_t)(end - json);
    while (keep > 0 && (json[keep - 1] == '\n' || json[keep - 1] == ' ')) keep--;
    fwrite(json, 1, keep, stdout);
    printf(",\n  \"refine\": {\"solves\": %d, \"measured\": %d, \"estimated\": %d}\n}\n",
           ri->solves, ri->measured, ri->estimated);
    dm_free(json);
    return CLI_OK;
}

/* The -o and --torch files (all or none), then the summary or the result
   JSON. */
static int output_cnn(const design_opts *o, const dm_solution *sol, const dm_refine_info *ri,
                      double secs) {
    dm_error err = {0};
    const char *paths[2];
    char *texts[2] = {NULL, NULL}, *text = NULL;
    int32_t n = 0;
    dm_status st = DM_OK;
    if (o->out_path) {
        paths[n] = o->out_path;
        st = dm_solution_arch_to_json(&o->p, sol, &texts[n++], &err); /* with its "problem" */
    }
    if (!st && o->torch_path) {
        paths[n] = o->torch_path;
        st = torch_text(&o->p, sol, &texts[n++], &err);
    }
    int rc = write_texts(n, paths, texts, st, &err);
    if (rc || !o->json) {
        if (!rc) summary(o, sol, ri, secs);
        return rc;
    }
    st = dm_design_to_json(&o->p, sol, secs, &text, &err); /* with "plausibility" */
    return ri ? put_json_refined(st, text, ri, &err) : put_json(st, text, &err);
}

/* Progress on a terminal: a solve's work is counted, not timed, so the
   library reports counts and the CLI decides when a line is worth
   showing: once the solve has run PROGRESS_AFTER seconds, on stderr, and
   only when stderr is a terminal (logs and pipes stay clean). */
#define PROGRESS_AFTER 2.0
#define PROGRESS_EVERY 0.25   /* seconds between lines: readable, and cheap */
typedef struct progress_line { double t0, last; int tty, shown; } progress_line;

static void show_progress(const dm_progress *pr, void *user) {
    progress_line *pl = user;
    double now = cli_now();
    if (!pl->tty || now - pl->t0 < PROGRESS_AFTER || now - pl->last < PROGRESS_EVERY) return;
    pl->last = now;
    char work[64] = "", best[CLI_REAL_CAP] = "-", bound[CLI_REAL_CAP] = "-";
    if (pr->total > 0) snprintf(work, sizeof work, "%3.0f%%", 100.0 * (double)pr->done / (double)pr->total);
    else snprintf(work, sizeof work, "%lld designs", (long long)pr->done);
    if (pr->objective > -HUGE_VAL) cli_real(best, sizeof best, pr->objective, 2);
    if (pr->bound < HUGE_VAL) cli_real(bound, sizeof bound, pr->bound, 2);
    fprintf(stderr, "\r\033[Kdesign: %.0fs  %s %s  best %s  bound %s", now - pl->t0,
            dm_phase_name(pr->phase), work, best, bound);
    fflush(stderr);
    pl->shown = 1;
}

/* --latency-table: the table the problem borrows (freed by the caller). */
static int load_latency(design_opts *o, dm_latency_table *t) {
    dm_error err = {0};
    if (o->p.max_latency_ms > 0 && !o->latency_table)
        return cli_error(CLI_USAGE, "--latency needs --latency-table FILE: a table of op times "
                         "measured on the target machine (docs/latency.md)");
    if (o->refine && !o->latency_table)
        return cli_error(CLI_USAGE, "--refine needs --latency-table FILE: the table measured "
                         "on this machine that it adds the design's shapes to");
    if (!o->latency_table) return CLI_OK;
    if (o->refine && dm_write_check(o->latency_table, &err)) return cli_fail(&err);
    if (dm_latency_table_load(o->latency_table, t, &err)) return cli_fail(&err);
    o->p.latency_table = t;
    return CLI_OK;
}

/* --refine's measuring, on the progress line's terminal. */
static void show_measuring(int32_t done, int32_t total, const dm_op *op, void *user) {
    progress_line *pl = user;
    if (!pl->tty || !op) return;
    fprintf(stderr, "\r\033[Kdesign: measuring the design's shapes %d/%d  %s %d->%d k%d/%d r%d",
            done + 1, total, dm_op_kind_name(op->kind), op->c_in, op->c_out, op->kernel,
            op->stride, op->r_in);
    fflush(stderr);
    pl->shown = 1;
}

/* Solve, or with --refine solve and measure into `t` (saved back to its
   file when it grew, also after a failure: what was measured is kept). */
static dm_status solve(const design_opts *o, dm_latency_table *t, progress_line *pl,
                       dm_solution *sol, dm_refine_info *ri, int *rc, dm_error *err) {
    if (!o->refine) return dm_solve_progress(&o->p, show_progress, pl, sol, err);
    dm_run_options run;
    dm_run_options_for_table(t, &run);
    int32_t before = t->n_entries;
    dm_status st = dm_solve_refined(&o->p, t, &run, show_progress, show_measuring, pl, sol, ri,
                                    err);
    if (t->n_entries > before) *rc = cli_write_table(o->latency_table, t);
    return st;
}

static int design_cnn_with(const design_opts *o, dm_latency_table *t) {
    dm_error err = {0};
    if (dm_problem_validate(&o->p, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    int rc = check_outputs(o);
    if (rc) return rc;
    dm_solution *sol = calloc(1, sizeof *sol);
    if (!sol) return cli_error(CLI_FAIL, "out of memory");
    double t0 = cli_now();
    progress_line pl = {.t0 = t0, .tty = cli_stderr_tty()};
    dm_refine_info ri;
    int saved = CLI_OK;
    dm_status st = solve(o, t, &pl, sol, &ri, &saved, &err);
    double secs = cli_now() - t0;
    if (pl.shown) fputs("\r\033[K", stderr);   /* the answer replaces the progress line */
    rc = st ? cli_fail(&err) : output_cnn(o, sol, o->refine ? &ri : NULL, secs);
    if (st && o->json && sol->stop == DM_STOP_INFEASIBLE) { /* the answer, as JSON too */
        dm_error jerr = {0};
        char *json = NULL;
        st = dm_solution_to_json(&o->p, sol, -1, err.msg, &json, &jerr);
        put_json(st, json, &jerr);
    }
    free(sol);
    return rc ? rc : saved;
}

static int design_cnn(design_opts *o) {
    dm_latency_table table;
    dm_latency_table_init(&table);
    int rc = load_latency(o, &table);
    if (!rc) rc = design_cnn_with(o, &table);
    dm_latency_table_free(&table);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* --family mlp */

static void mlp_budget(const char *name, int64_t v, int64_t limit) {
    if (limit) printf("  %-8s %14lld  (budget %lld)\n", name, (long long)v, (long long)limit);
    else printf("  %-8s %14lld  (no budget)\n", name, (long long)v);
}

static void mlp_summary(const dm_mlp_problem *p, const dm_mlp_solution *s, double secs) {
    const dm_mlp_metrics *m = &s->metrics;
    printf("design: mlp, %d layers (%s%s)\n\n", s->mlp.n_layers, dm_act_name(s->mlp.act),
           s->mlp.bias ? ", bias" : ", no bias");
    cli_print_mlp_widths(&s->mlp);
    printf("\n");
    mlp_budget("params", m->params, p->max_params);
    mlp_budget("MACs", m->macs, p->max_macs);
    printf("  rho      %14.4f  (limit %g)\n", m->rho, p->rho0);
    printf("  mean width %12.2f  (geometric, w_1..w_L)\n", m->mean_width);
    char b[4][CLI_REAL_CAP];
    printf("\nentropy    %s\nbound      %s\ngap        %s (%s%% of the bound)\n",
           cli_real(b[0], sizeof b[0], m->entropy, 4), cli_real(b[1], sizeof b[1], s->bound, 4),
           cli_real(b[2], sizeof b[2], s->gap, 4),
           cli_real(b[3], sizeof b[3], gap_percent(s->gap, s->bound), 4));
    printf("status     %s\n", s->stop == DM_STOP_OPTIMAL
                                  ? "optimal: the search tree was exhausted"
                                  : "node limit reached: best found, no design can beat the bound");
    printf("time       %.3f s (%lld nodes)\n", secs, (long long)s->nodes);
}

/* The -o file, then the summary or the result JSON. */
static int output_mlp(const design_opts *o, const dm_mlp_solution *sol, double secs) {
    dm_error err = {0};
    char *text = NULL;
    int rc = CLI_OK;
    if (o->out_path) {
        dm_status st = dm_mlp_to_json(&sol->mlp, &text, &err);
        rc = write_texts(1, &o->out_path, &text, st, &err);
    }
    if (rc || !o->json) {
        if (!rc) mlp_summary(&o->mp, sol, secs);
        return rc;
    }
    dm_status st = dm_mlp_solution_to_json(&o->mp, sol, secs, NULL, &text, &err);
    return put_json(st, text, &err);
}

static int design_mlp(const design_opts *o) {
    dm_error err = {0};
    if (dm_mlp_problem_validate(&o->mp, &err)) return cli_error(CLI_USAGE, "%s", err.msg);
    int rc = check_outputs(o);
    if (rc) return rc;
    dm_mlp_solution *sol = calloc(1, sizeof *sol);
    if (!sol) return cli_error(CLI_FAIL, "out of memory");
    double t0 = cli_now();
    dm_status st = dm_mlp_solve(&o->mp, sol, &err);
    double secs = cli_now() - t0;
    rc = st ? cli_fail(&err) : output_mlp(o, sol, secs);
    if (st && o->json && sol->stop == DM_STOP_INFEASIBLE) { /* the answer, as JSON too */
        dm_error jerr = {0};
        char *json = NULL;
        st = dm_mlp_solution_to_json(&o->mp, sol, -1, err.msg, &json, &jerr);
        put_json(st, json, &jerr);
    }
    free(sol);
    return rc;
}

int cmd_design(int argc, char **argv) {
    const char *family = cli_value_of(argc, argv, "--family");
    int mlp = family && !strcmp(family, "mlp");
    if (cli_wants_help(argc, argv)) {
        cli_help(mlp ? &mlp_spec : &cnn_spec, mlp ? CLI_MLP : CLI_CNN, stdout);
        return CLI_OK;
    }
    design_opts o;
    memset(&o, 0, sizeof o);
    int rc = mlp ? parse_mlp(argc, argv, &o) : parse_cnn(argc, argv, &o);
    if (rc) return rc;
    return mlp ? design_mlp(&o) : design_cnn(&o);
}
