/*
** deepmad.h -- the whole public API of libdeepmad.
**
** deepmad designs convolutional networks by mathematics (DeepMAD, CVPR 2023):
** it describes a CNN, counts its exact parameters and MACs, scores it with
** the DeepMAD entropy / effectiveness metrics, solves the paper's
** mathematical program for the best network under a budget, and writes the
** result as JSON, PyTorch or ONNX.  Anything not declared here is not API.
**
** Data flows one way:
**
**     dm_arch (a plain description you fill in or read from a file)
**       -> dm_net  (validated, expanded into blocks and layers; opaque)
**       -> dm_metrics (params, MACs, entropy, rho, objective)
**       -> solver (searches over dm_arch values)  -> exporters
**
** A worked example (error checks shortened):
**
**     dm_error err;
**     dm_arch a;
**     dm_zoo_arch("resnet50", &a, &err);          // or dm_model_load("net.json", ...)
**     a.input_size = 160;                           // any field may change
**     dm_net *net;
**     if (dm_net_create(&a, &net, &err) != DM_OK) { puts(err.msg); ... }
**     dm_score_params sp;
**     dm_score_params_default(&sp);
**     dm_metrics m;
**     dm_net_metrics(net, &sp, &m, &err);
**     printf("%" PRId64 " params, rho %.3f\n", m.params, m.rho);
**     dm_net_free(net);
**
**     // Design: the best bottleneck net with ResNet-18's budgets.
**     dm_problem p;
**     dm_problem_preset("r18", &p, &err);         // or dm_problem_default()
**     p.rho0 = 0.5;                                // any field may change
**     dm_solution sol;
**     dm_solve(&p, &sol, &err);
**     switch (sol.stop) {                          // the outcome is an answer
**     case DM_STOP_INFEASIBLE:                     // which budget, and what works
**         printf("%s: at least %g\n", dm_constraint_name(sol.binding), sol.least);
**         break;
**     default:                                     // optimal, or within sol.gap
**         printf("objective %.1f, bound %.1f\n", sol.objective, sol.bound);
**     }
**
**     // Export: build the design and write it as ONNX.
**     dm_net_create(&sol.arch, &net, &err);
**     dm_onnx_options o;
**     dm_onnx_options_default(&o);
**     uint8_t *bytes; size_t len;
**     dm_export_onnx(net, &o, &bytes, &len, &err);
**     dm_write_file_atomic("design.onnx", bytes, len, &err);
**     dm_free(bytes);
**     dm_net_free(net);
**
** Conventions.
**  - Every fallible function returns dm_status; DM_OK is 0.  Detail goes to
**    the caller's dm_error (may be NULL): a one-line message naming the
**    problem.  The library never prints, exits or aborts on bad input, and
**    keeps no global mutable state.
**  - Counts (params, MACs, elements) are int64_t and exact; arithmetic that
**    would overflow is reported as DM_ERR_RANGE, never wrapped.
**  - Strings and objects returned to the caller say which function frees
**    them.  Every *_free(NULL) is a no-op.
**
** The mathematics and counting conventions are those of SPEC.md, restated
** in docs/metrics.md.
*/
#ifndef DEEPMAD_H
#define DEEPMAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DM_VERSION "0.1.0"

/* ======================================================================
** Status and errors
** ====================================================================== */

/* Only ever appended to.  ORDER DM_STATUS: status.c has the name table. */
typedef enum dm_status {
    DM_OK = 0,          /* success */
    DM_ERR_NOMEM,       /* an allocation failed */
    DM_ERR_INVALID,     /* bad argument or a description that cannot be built */
    DM_ERR_PARSE,       /* malformed input text (JSON, reference format) */
    DM_ERR_IO,          /* a file could not be read or written */
    DM_ERR_UNSUPPORTED, /* valid request that this version cannot do */
    DM_ERR_RANGE,       /* a number past a documented limit, or an overflow */
    DM_ERR_INFEASIBLE,  /* a design problem with no feasible network */
    DM_ERR_INTERNAL,    /* a bug in deepmad: please report it */
    DM_STATUS_COUNT     /* not a status: the number of them */
} dm_status;

/* Caller-owned error detail.  Works without allocation. */
typedef struct dm_error {
    dm_status code;
    char msg[256];      /* one line, no trailing newline */
} dm_error;

/* Name of a status ("ok", "invalid", ...); never NULL. */
const char *dm_status_str(dm_status s);

/* ======================================================================
** Enumerations, each with a name table (the names used in files and CLI)
** ====================================================================== */

typedef enum dm_block_kind {
    DM_BLOCK_BASIC,      /* "basic":      kxk (c_in->m), kxk (m->c_out) */
    DM_BLOCK_BOTTLENECK, /* "bottleneck": 1x1 (c_in->m), kxk (m->m, stride), 1x1 (m->c_out) */
    DM_BLOCK_MBCONV,     /* "mbconv": 1x1 expand, depthwise kxk (stride), [SE], 1x1 project */
    DM_BLOCK_COUNT
} dm_block_kind;

typedef enum dm_act {
    DM_ACT_RELU,         /* "relu"  */
    DM_ACT_RELU6,        /* "relu6" */
    DM_ACT_SILU,         /* "silu" (swish) */
    DM_ACT_COUNT
} dm_act;

/* The projection a residual block uses when its shape changes. */
typedef enum dm_shortcut {
    DM_SHORTCUT_CONV,        /* "conv": 1x1 conv (block's stride) + BN, torchvision */
    DM_SHORTCUT_AVGPOOL_CONV,/* "avgpool-conv": 2x2 avg-pool (if strided) then 1x1 conv + BN (ResNet-D) */
    DM_SHORTCUT_COUNT
} dm_shortcut;

/* How the blocks of a network are built (docs/styles.md).  The two
   styles share block kinds, widths and the main path (so entropy and rho
   agree) but differ in the convs off it, hence in params and MACs. */
typedef enum dm_style {
    DM_STYLE_TORCHVISION,    /* "torchvision": ResNet v1.5 bottlenecks, EfficientNet /
                                MobileNetV2 MBConv (no expand conv at expansion 1, SE
                                squeezing a quarter of the block input, biased SE convs) */
    DM_STYLE_PAPER,          /* "paper": the paper's reference blocks, ResK1KXK1 and
                                ResK1DWSEK1 (SPEC section 8): expand conv always, SE on
                                the expanded width with BN convs, activation after the
                                residual add, avg-pool shortcuts, block 0 of a bottleneck
                                superblock always projects; no basic blocks */
    DM_STYLE_COUNT
} dm_style;

/* The depth-uniformity penalty Q of guideline 2. */
typedef enum dm_penalty {
    DM_PENALTY_STD,      /* "std": Q = exp(population std of depths) (default) */
    DM_PENALTY_VAR,      /* "var": Q = exp(population variance), as printed in the paper */
    DM_PENALTY_COUNT
} dm_penalty;

const char *dm_block_kind_name(dm_block_kind k);
const char *dm_act_name(dm_act a);
const char *dm_shortcut_name(dm_shortcut s);
const char *dm_penalty_name(dm_penalty p);
const char *dm_style_name(dm_style s);
/* Look a name up; DM_ERR_INVALID (naming the choices) when unknown. */
dm_status dm_block_kind_from_name(const char *name, dm_block_kind *out, dm_error *err);
dm_status dm_act_from_name(const char *name, dm_act *out, dm_error *err);
dm_status dm_shortcut_from_name(const char *name, dm_shortcut *out, dm_error *err);
dm_status dm_penalty_from_name(const char *name, dm_penalty *out, dm_error *err);
dm_status dm_style_from_name(const char *name, dm_style *out, dm_error *err);

/* ======================================================================
** Describing a network: dm_arch
**
** A CNN is a stem conv (optionally followed by a 3x3/2 max-pool), a list
** of superblocks, an optional 1x1 head conv, global average pooling and an
** optional linear classifier.  A superblock is `depth` blocks of one kind:
** the first maps c_in -> out with `stride`, the rest out -> out, stride 1.
** Every conv is followed by BN (convs carry no bias; SE convs and the
** classifier do).  Spatial padding is k/2, so each stride must divide the
** resolution exactly; kernels are odd.
**
** Inner width m of a block: `inner` when > 0 (one fixed m for the whole
** superblock, the paper's convention); otherwise m = round(expand * the
** block's own input channels) (torchvision MobileNetV2 / EfficientNet).
** An mbconv block whose m equals its input channels has no expand conv.
**
** A plain value type: copy it, change it, build from it.  The limits below
** are checked by dm_net_create.
** ====================================================================== */

#define DM_MAX_SUPERBLOCKS 32      /* superblocks in one network */
#define DM_MAX_STAGES      (DM_MAX_SUPERBLOCKS + 2)
#define DM_MAX_CHANNELS    65536   /* any channel count, inner widths included */
#define DM_MAX_DEPTH       256     /* blocks in one superblock */
#define DM_MAX_INPUT_SIZE  4096    /* input resolution in pixels */
#define DM_MAX_KERNEL      15      /* kernel size (odd, 1..15) */
#define DM_MAX_STRIDE      4
#define DM_MAX_CLASSES     1000000
#define DM_MAX_EXPAND      64.0    /* expansion ratio */

typedef struct dm_superblock {
    dm_block_kind kind;
    int32_t out;        /* output channels of every block */
    int32_t depth;      /* number of blocks, >= 1 */
    int32_t kernel;     /* kxk (basic, bottleneck) or depthwise (mbconv) kernel */
    int32_t stride;     /* stride of the first block (1 = keep resolution) */
    int32_t inner;      /* fixed inner width m; 0 = use `expand` */
    double  expand;     /* ratio used when inner == 0; ignored otherwise */
    int32_t se;         /* mbconv only: 1 = squeeze-excitation with
                           max(1, c_in/4) squeeze channels (EfficientNet);
                           paper style: required, squeeze from the inner width */
    dm_act act;
    dm_shortcut shortcut; /* basic / bottleneck projection form (torchvision
                             style; the paper style fixes it: avgpool-conv) */
} dm_superblock;

typedef struct dm_stem {
    int32_t out;        /* channels */
    int32_t kernel;
    int32_t stride;
    int32_t maxpool;    /* 1 = 3x3 stride-2 max-pool after it (ResNet) */
    dm_act act;
} dm_stem;

typedef struct dm_arch {
    dm_style style;        /* how blocks are built; default DM_STYLE_TORCHVISION */
    int32_t in_channels;   /* e.g. 3 */
    int32_t input_size;    /* square input resolution in pixels */
    dm_stem stem;
    int32_t n_superblocks;
    dm_superblock sb[DM_MAX_SUPERBLOCKS];
    int32_t head;          /* 1x1 head conv output channels; 0 = no head */
    dm_act head_act;
    int32_t classes;       /* linear classifier outputs; 0 = none */
} dm_arch;

/* A zeroed description with sensible enum defaults (ReLU, conv shortcut). */
void dm_arch_init(dm_arch *a);

/* Check every field against the rules above, without building. */
dm_status dm_arch_validate(const dm_arch *a, dm_error *err);

/* ======================================================================
** The built network: dm_net
** ====================================================================== */

typedef struct dm_net dm_net;

/* Where a conv or linear layer sits.  Only DM_ROLE_STEM, DM_ROLE_MAIN and
   DM_ROLE_HEAD are main-path layers (counted for entropy and rho). */
typedef enum dm_role {
    DM_ROLE_STEM, DM_ROLE_MAIN, DM_ROLE_SHORTCUT, DM_ROLE_SE,
    DM_ROLE_HEAD, DM_ROLE_CLASSIFIER, DM_ROLE_COUNT
} dm_role;

typedef struct dm_layer {
    dm_role role;
    int32_t c_in, c_out, kernel, stride, groups;
    int32_t r_in, r_out;   /* spatial size before / after (1 for SE, classifier) */
    int32_t bias;          /* 1 when the layer has a bias */
    int32_t bn;            /* 1 when followed by BatchNorm */
    int32_t sb, block;     /* superblock and block index; -1 outside blocks */
    int32_t stage;         /* 0-based stage index */
    int64_t params;        /* weights + bias + BN affine */
    int64_t macs;
} dm_layer;

/* How a shortcut is formed in one block. */
typedef enum dm_residual {
    DM_RESIDUAL_NONE,      /* plain block, no addition */
    DM_RESIDUAL_IDENTITY,
    DM_RESIDUAL_CONV,      /* 1x1 conv with the block's stride + BN */
    DM_RESIDUAL_AVGPOOL_CONV,/* avg-pool 2x2/stride (if strided) + 1x1 conv + BN */
    DM_RESIDUAL_AVGPOOL      /* avg-pool 2x2/stride, no conv (paper style: a strided
                                block whose c_in == c_out) */
} dm_residual;

/* One block, fully resolved. */
typedef struct dm_block_info {
    int32_t sb, index;     /* superblock, block within it */
    dm_block_kind kind;
    int32_t c_in, inner, c_out, kernel, stride;
    int32_t r_in, r_out;
    int32_t has_expand;    /* mbconv: 0 when m == c_in (no 1x1 expand; torchvision style) */
    int32_t se_channels;   /* mbconv SE squeeze width; 0 = no SE */
    dm_residual residual;
    dm_act act;
    int32_t stage;
    dm_style style;        /* the arch's: paper-style mbconv applies `act` after the
                              project conv (and the add), and its SE convs carry BN,
                              no bias, with SiLU between them (the SE layers' bn and
                              bias fields say the same) */
} dm_block_info;

/* Validate `arch` and build the network.  On success *out owns a new net,
   freed with dm_net_free; on failure *out is NULL. */
dm_status dm_net_create(const dm_arch *arch, dm_net **out, dm_error *err);
void dm_net_free(dm_net *net);

/* Borrowed views, valid until dm_net_free. */
const dm_arch *dm_net_arch(const dm_net *net);
int32_t dm_net_block_count(const dm_net *net);
const dm_block_info *dm_net_block(const dm_net *net, int32_t i);
/* Every conv and linear layer in forward order (main path, shortcut, SE,
   head, classifier). */
int32_t dm_net_layer_count(const dm_net *net);
const dm_layer *dm_net_layer(const dm_net *net, int32_t i);

/* ======================================================================
** Metrics: costs and DeepMAD scores
** ====================================================================== */

typedef struct dm_score_params {
    int32_t n_alpha;       /* 0 = default weights: 1 per stage, 8 for the last */
    double alpha[DM_MAX_STAGES];
    double beta;           /* depth-penalty weight, default 10 */
    dm_penalty penalty;    /* default DM_PENALTY_STD */
    int32_t penalty_skip;  /* leading superblocks left out of the depth list, default 0 */
} dm_score_params;

void dm_score_params_default(dm_score_params *sp);

typedef struct dm_stage_metrics {
    int32_t resolution;    /* at the end of the stage */
    int32_t channels;      /* at the end of the stage */
    int32_t layers;        /* main-path layers from the input to here (cumulative) */
    double log_width_sum;  /* S_i: 1/2 sum of log widths up to here */
    double rho;            /* effectiveness of the prefix ending here */
    double alpha;
    double entropy;        /* alpha_i * log(r_i^2 C_i) * S_i */
    double latency_ms;     /* the stage's predicted latency; 0 = not predicted (as
                              dm_metrics.latency_ms) */
} dm_stage_metrics;

typedef struct dm_metrics {
    int64_t params;        /* as PyTorch counts them */
    int64_t macs;          /* every conv and linear, SE included */
    int64_t peak_activation; /* max over layers of input + output elements, batch 1 */
    int32_t layers;        /* main-path layers */
    double rho;            /* max over stage prefixes */
    double entropy;        /* H_total = sum of the stages' entropy */
    double depth_penalty;  /* beta * Q */
    double objective;      /* entropy - depth_penalty */
    double latency_ms;     /* predicted latency (dm_latency_predict); 0 = not predicted:
                              dm_net_metrics leaves it 0, dm_solve fills it when the
                              problem has a latency table */
    int32_t n_stages;
    dm_stage_metrics stage[DM_MAX_STAGES];
} dm_metrics;

/* Compute every metric of `net`.  `sp` may be NULL for the defaults. */
dm_status dm_net_metrics(const dm_net *net, const dm_score_params *sp,
                         dm_metrics *out, dm_error *err);

/* --- metrics as JSON (src/json_io.c) ---------------------------------- */
/* One object: params, macs, peak_activation, layers, rho, entropy,
   depth_penalty, objective, latency_ms (only when predicted, not 0) and
   "stages": [{resolution, channels, layers, log_width_sum, rho, alpha,
   entropy, latency_ms (likewise)}], all numbers; integers exact,
   doubles round-trip.  *out_json is freed with dm_free.  A NaN or
   infinite value is DM_ERR_INVALID (JSON cannot hold it). */
dm_status dm_metrics_to_json(const dm_metrics *m, char **out_json, dm_error *err);

/* ======================================================================
** Plausibility (docs/plausibility.md): where a network's params sit, its
** inner/out ratios, and which design variables sit at a limit of a search
** space.  A report, not a constraint: nothing here changes a design.
** ====================================================================== */

typedef struct dm_plausibility {
    int64_t params;           /* every param (= dm_metrics.params) */
    int64_t head_params;      /* the 1x1 head conv with its BN, plus the classifier */
    double head_share;        /* head_params / params, in [0, 1] */
    int32_t stem, head;       /* widths; head 0 = no head conv */
    int32_t last_out;         /* the last superblock's out */
    double head_ratio;        /* head / last_out; 0 without a head conv */
    /* inner/out of a superblock = the inner width of its block 0 over its
       out: the fixed `inner` when set, else round(expand * the superblock's
       input).  Min and max over superblocks, with the 0-based superblock
       (the first one on a tie). */
    double inner_ratio_min, inner_ratio_max;
    int32_t inner_ratio_min_sb, inner_ratio_max_sb;
} dm_plausibility;

/* Fill *out from a built net (NULL arguments are DM_ERR_INVALID). */
dm_status dm_net_plausibility(const dm_net *net, dm_plausibility *out, dm_error *err);

/* The design variables a search space limits.  ORDER DM_LIMIT_VAR:
   solve/space_limits.c has the name table. */
typedef enum dm_limit_var {
    DM_LIMIT_STEM,        /* "stem": stem width in its range */
    DM_LIMIT_CHANNELS,    /* "channels": a superblock's out in min..max_channels */
    DM_LIMIT_INNER,       /* "inner": a superblock's inner width in inner_min..inner_max x out */
    DM_LIMIT_KERNEL,      /* "kernel": a superblock's kernel among the problem's kernels */
    DM_LIMIT_DEPTH,       /* "depth": a superblock's depth in depth_min..depth_max */
    DM_LIMIT_HEAD,        /* "head": head width against its cap (head_max or max_channels) */
    DM_LIMIT_HEAD_RATIO,  /* "head_ratio": head / last out in head_ratio_min..head_ratio_max */
    DM_LIMIT_VAR_COUNT
} dm_limit_var;
const char *dm_limit_var_name(dm_limit_var v);

/* One variable at (or past) an end of its domain. */
typedef struct dm_limit_hit {
    dm_limit_var var;
    int32_t sb;           /* 0-based superblock; -1 for stem, head and head_ratio */
    int32_t at_max;       /* 1: the upper end; 0: the lower end */
    int32_t outside;      /* 1: past the domain's end (the net is not in the space) */
    double value;         /* the variable (inner and head_ratio: the ratio) */
    double limit;         /* widths, kernel, depth: the domain's end (a width's is a
                             multiple of the granularity); inner and head_ratio: the
                             problem's ratio (inner_min / inner_max, head_ratio_min /
                             head_ratio_max) */
} dm_limit_hit;

#define DM_MAX_LIMIT_HITS (4 * DM_MAX_SUPERBLOCKS + 3)
typedef struct dm_limits {
    int32_t n;
    dm_limit_hit hit[DM_MAX_LIMIT_HITS];  /* stem, superblocks in order, head */
} dm_limits;

/* Which of `net`'s design variables sit at an end of `p`'s domains (the
   domains of the dm_problem comment in "Design problems" below, granularity
   included: a value is at the upper end when no larger value of the domain
   exists).  Upper ends count for every variable; lower ends for stem,
   channels, inner, head_ratio (when set) and depth (when depth_min > 1): a
   depth of 1 and the smallest kernel are the least a block has, not a limit
   the space chose.  A kernel counts at the top when it is the largest
   choice.  The net needs p->n_superblocks superblocks (else
   DM_ERR_INVALID); p must pass dm_problem_validate. */
struct dm_problem;   /* declared in "Design problems" below */
dm_status dm_space_limits(const struct dm_problem *p, const dm_net *net, dm_limits *out,
                          dm_error *err);

/* {"head_share", "head_params", "stem", "head", "head_ratio",
   "inner_ratio_min", "inner_ratio_min_superblock", "inner_ratio_max",
   "inner_ratio_max_superblock" (1-based), "space": SPACE, "at_limit":
   [{"variable", ["superblock" (1-based)], "end": "min" | "max", "outside",
   "value", "limit"}]} on one line, no newline (it nests).  `lim` may be
   NULL (no "space" and "at_limit" keys); `space` names where the limits
   came from ("paper", "open", "problem"). */
dm_status dm_plausibility_to_json(const dm_plausibility *pl, const dm_limits *lim,
                                  const char *space, char **out_json, dm_error *err);

/* ======================================================================
** The zoo: torchvision 0.14 nets and the paper's published DeepMAD nets
** ====================================================================== */

/* Number of zoo entries and the i-th name (NULL past the end). */
int32_t dm_zoo_count(void);
const char *dm_zoo_name(int32_t i);
/* Fill *out with the named net at its native input size (224, or 288 for
   deepmad-29m-288), 1000 classes.  DM_ERR_INVALID for an unknown name. */
dm_status dm_zoo_arch(const char *name, dm_arch *out, dm_error *err);
/* Which torchvision 0.14 model `a` is, whatever its input size and
   classes: *out_name is the zoo name of the torchvision net that `a`
   builds layer for layer ("resnet18" .. "resnet152", "mobilenet_v2",
   "efficientnet_b0": torchvision's own function names), or NULL when it
   is none of them (the paper's nets, designs).  The PyTorch exporter uses
   it to accept torchvision's state_dict keys.  Fails (DM_ERR_INVALID)
   only for an invalid `a`, or on a full memory. */
dm_status dm_zoo_torchvision(const dm_arch *a, const char **out_name, dm_error *err);

/* ======================================================================
** Reading and writing descriptions
** ====================================================================== */

#define DM_MAX_FILE_BYTES (4 * 1024 * 1024)   /* readers refuse larger input */

/* JSON architecture schema (docs/arch-json.md).  `text` need not be
   NUL-terminated; exactly `len` bytes are read (at most DM_MAX_FILE_BYTES).
   Strict: unknown or duplicate keys, wrong types and syntax errors are
   DM_ERR_PARSE; numbers past the limits above DM_ERR_RANGE, other bad
   values DM_ERR_INVALID; each message names the JSON path (e.g.
   "superblocks[2].depth").  Syntax errors and text after the value give
   line and column; a NUL byte or \u0000 in a string is refused; one
   UTF-8 byte order mark at the start is skipped.  Every JSON format
   (dm_mlp_from_json too) is read by these rules.  The result has passed
   dm_arch_validate. */
dm_status dm_arch_from_json(const char *text, size_t len, dm_arch *out, dm_error *err);
/* Serialise a valid arch (else dm_arch_validate's error): *out_json is a
   NUL-terminated string the caller frees with dm_free.  Same arch, same
   bytes; reading them back gives the same arch.  Fields the arch ignores
   (expand when inner is set, an mbconv's shortcut, head_act without a
   head) are not written and read back as dm_arch_init's defaults. */
dm_status dm_arch_to_json(const dm_arch *a, char **out_json, dm_error *err);

/* The paper's reference structure format (a Python literal, see
   docs/tinynas-format.md), read as untrusted input: `len` bytes, no NUL
   needed.  Syntax errors are DM_ERR_PARSE with a line number; unknown
   block classes and chains whose 'in' is not the previous 'out' are
   DM_ERR_INVALID.  Sets input_size 224 and classes 1000, which the format
   does not record. */
dm_status dm_arch_from_tinynas(const char *text, size_t len, dm_arch *out, dm_error *err);
/* Write the reference format, one block per line (*out_text freed with
   dm_free).  input_size and classes are not recorded.  An arch the format
   cannot express (basic blocks, expansion ratios, mbconv without SE,
   max-pool, non-ReLU activations, bottlenecks whose shortcut is not
   avgpool-conv) is DM_ERR_UNSUPPORTED, naming why. */
dm_status dm_arch_to_tinynas(const dm_arch *a, char **out_text, dm_error *err);

/* Read a description file: the reference format when the text contains
   `best_structures`, JSON otherwise.  A missing or unreadable file is
   DM_ERR_IO (with the system's reason), one larger than DM_MAX_FILE_BYTES
   DM_ERR_RANGE; reader errors come back prefixed with the path. */
dm_status dm_arch_load(const char *path, dm_arch *out, dm_error *err);

/* Free a string returned by this library. */
void dm_free(void *p);

/* ======================================================================
** Exporters: PyTorch source, ONNX models, atomic file writes
**
** Both exporters read only the built dm_net, so what they write has the
** shapes and counts that dm_net_metrics reports.  The PyTorch module's
** state_dict keys and the ONNX initializer names are the same strings
** (scheme in docs/export.md: stem.conv.weight, stages.<superblock>.<block>
** .conv1.weight, classifier.bias, ...), so weights move between them by
** name.
** ====================================================================== */

typedef struct dm_torch_options {
    const char *class_name; /* Python identifier; NULL = "DeepMADNet" */
    const char *source;     /* where the design came from, for the docstring; NULL = none */
    const char *notes;      /* more docstring text (budgets, ...); NULL = none */
} dm_torch_options;

/* Write one self-contained Python file (needs only torch) defining an
   nn.Module for `net`.  `m` (nullable) puts the metrics in its docstring;
   `opt` may be NULL for the defaults.  *out_src is NUL-terminated, freed
   with dm_free; NULL on failure.  Same inputs, same bytes. */
dm_status dm_export_torch(const dm_net *net, const dm_metrics *m, const dm_torch_options *opt,
                          char **out_src, dm_error *err);

#define DM_ONNX_OPSET_MIN 13
#define DM_ONNX_OPSET_MAX 17

typedef struct dm_onnx_options {
    uint64_t seed;          /* weight seed (default 0) */
    int32_t with_weights;   /* 1 (default): weights as initializers; 0: weights
                               become graph inputs, a structure-only file */
    int32_t opset;          /* DM_ONNX_OPSET_MIN..MAX; default 13 */
    const struct dm_design_record *design; /* the problem the net was designed for
                               (dm_design_record, below), recorded in the model's
                               metadata; NULL (default) = none, or a record with
                               present 0 */
} dm_onnx_options;

void dm_onnx_options_default(dm_onnx_options *opt);

/* Serialise `net` as an ONNX ModelProto: float32 NCHW input "input" of
   shape (N, C, R, R) with N dynamic, output "logits" (N, classes), or
   "features" (N, channels) when classes == 0; inference-form BN.  Weights
   are seeded-random (docs/export.md gives the distributions).  `opt` may
   be NULL for the defaults.  *out_bytes is freed with dm_free.
   DM_ERR_UNSUPPORTED when the weights pass protobuf's 2 GiB limit.
   Provenance (docs/export.md lists the keys): the model's doc_string says
   what the net is, that the weights are untrained placeholders and how
   to load trained ones (initializer names = state_dict keys); its
   metadata_props hold the metrics `deepmad analyze` reports (params,
   macs, layers exact; rho, entropy, objective to 6 significant digits,
   '.' whatever the locale), the input, classes, family, style, the
   deepmad version, "weights" ("untrained", or "none" without weights)
   and, when opt->design is a present record, the problem ("problem.*")
   and the solver's outcome ("design.*").  An invalid record is
   DM_ERR_INVALID (dm_design_record_check). */
dm_status dm_export_onnx(const dm_net *net, const dm_onnx_options *opt, uint8_t **out_bytes,
                         size_t *out_len, dm_error *err);

/* Put `len` bytes at `path`, all at once or not at all.  A regular file
   (or none) is replaced atomically: a temp file in the same directory,
   fsync, rename.  A symbolic link is followed and its target replaced the
   same way; a character device or FIFO is written directly; anything else
   (a directory, a socket, a block device) is refused.  SIGINT, SIGTERM,
   SIGHUP and SIGQUIT are held while a temp file exists.  On failure
   (DM_ERR_IO; DM_ERR_NOMEM) the file at `path` is as it was and no temp
   file is left. */
dm_status dm_write_file_atomic(const char *path, const void *data, size_t len, dm_error *err);

/* Write `n` files (paths[i] gets lens[i] bytes of datas[i]), each as
   dm_write_file_atomic does, all or none: every temp file is written and
   fsync'd first, then devices and FIFOs, then the temps are renamed.  A
   failure before the renames replaces nothing (a device or FIFO may have
   had its bytes).  The renames themselves are the residual window: one
   fails only when the file system changes meanwhile (the folder removed or
   made read-only, a directory put at the path, an I/O error), and then
   the files renamed before it are new and the rest old.  Two paths that
   resolve to the same file are DM_ERR_INVALID. */
dm_status dm_write_files_atomic(int32_t n, const char *const *paths, const void *const *datas,
                                const size_t *lens, dm_error *err);

/* Would dm_write_file_atomic(path, ...) succeed, as far as can be known
   without writing?  Follows symbolic links as it does; refuses what it
   refuses (a directory, a socket, a block device); for a new or regular
   file requires the folder to exist and be writable and the name to fit
   the folder's name limit; for a device or FIFO requires write permission.
   DM_ERR_IO with the reason, naming `path`.  Nothing is created: a write
   can still fail later (a full disk, a folder changed meanwhile).  Ask it
   before long work whose result goes to `path`. */
dm_status dm_write_check(const char *path, dm_error *err);

/* ======================================================================
** Latency (docs/latency.md): what a network runs as, measured and predicted
**
** A network runs as a list of ops (dm_net_ops): each conv with its BN
** folded in and, where the engine fuses them, its activation and the
** residual add; pools; SE; the classifier.  `deepmad profile` times op
** shapes with oneDNN on this machine into a dm_latency_table; the
** prediction of a network is the sum over its ops of the table's time for
** that shape (dm_latency_predict), so it is additive over layers like
** MACs and can be a design budget (dm_problem.max_latency_ms).
**
**     dm_net_ops(net, &ops, &n, &err);           // what runs
**     dm_latency_table t;                         // from a profile or a file
**     dm_latency_table_load("lat.json", &t, &err);
**     dm_latency dl;
**     dm_latency_predict(&t, net, &dl, &err);     // dl.total_ms, dl.stage_ms[]
** ====================================================================== */

typedef enum dm_op_kind {  /* ORDER DM_OP: base/names.c has the name table */
    DM_OP_CONV,      /* "conv": k x k conv, `groups` 1 (dense) .. c_in (depthwise),
                        BN folded, `act` and `sum` fused as post-ops (sum first:
                        act(conv(x) + shortcut)) */
    DM_OP_POOL,      /* "pool": kernel != stride: the stem's 3x3 stride-2 max pool,
                        padding 1; kernel == stride: a shortcut's average pool, no
                        padding.  c_in == c_out */
    DM_OP_GAP,       /* "gap": global average pool, r_in x r_in -> 1, c_in == c_out */
    DM_OP_SE,        /* "se": squeeze-excite on c_in channels at r_in: GAP, fc c_in->c_out
                        (the squeeze width) with bias and `act`, fc back with sigmoid,
                        channel scale; r_out == r_in */
    DM_OP_LINEAR,    /* "linear": the classifier, c_in -> c_out, with bias */
    DM_OP_ADD,       /* "add": a residual add (then `act`) that the engine did not fuse
                        (dm_net_ops never produces it: every add is fused) */
    DM_OP_COUNT
} dm_op_kind;

#define DM_OP_ACT_NONE (-1)  /* dm_op.act when no activation follows */

/* One op shape.  Fields an op kind does not use hold neutral values, so two
   equal shapes compare equal field by field: kernel, stride, groups 1; act
   DM_OP_ACT_NONE; sum 0 (docs/latency.md, "What runs"). */
typedef struct dm_op {
    dm_op_kind kind;
    int32_t c_in, c_out, kernel, stride, groups;
    int32_t r_in, r_out;     /* spatial size before / after */
    int32_t act;             /* a dm_act, or DM_OP_ACT_NONE */
    int32_t sum;             /* conv: 1 = the residual add is fused into it */
    int32_t stage;           /* 0-based stage index (for per-stage sums); -1 in a table */
} dm_op;

const char *dm_op_kind_name(dm_op_kind k);
dm_status dm_op_kind_from_name(const char *name, dm_op_kind *out, dm_error *err);

/* The ops `net` runs, in execution order (a block's shortcut pool and
   conv before its main convs, whose last one adds the shortcut).  *out is
   a new array (dm_free), *n its length. */
dm_status dm_net_ops(const dm_net *net, dm_op **out, int32_t *n, dm_error *err);

/* One measured op shape. */
typedef struct dm_latency_entry {
    dm_op op;                /* the shape; op.stage is -1 */
    double median_ms;        /* median of the timed runs */
    double spread_ms;        /* half the interquartile range of the timed runs */
    int32_t runs;            /* timed runs (after warm-up) */
} dm_latency_entry;

#define DM_LATENCY_TEXT 128

/* A latency table: plain data, owned by the caller; entries freed by
   dm_latency_table_free.  The JSON form is documented in docs/latency.md. */
typedef struct dm_latency_table {
    char cpu[DM_LATENCY_TEXT];     /* the CPU model it was measured on */
    char engine[DM_LATENCY_TEXT];  /* e.g. "oneDNN 2.6.3, ops with cold weights" */
    int32_t threads, batch;
    int32_t n_entries;
    dm_latency_entry *entries;
} dm_latency_table;

void dm_latency_table_init(dm_latency_table *t);
void dm_latency_table_free(dm_latency_table *t);
dm_status dm_latency_table_from_json(const char *text, size_t len, dm_latency_table *out,
                                     dm_error *err);
dm_status dm_latency_table_to_json(const dm_latency_table *t, char **out_json, dm_error *err);
dm_status dm_latency_table_load(const char *path, dm_latency_table *out, dm_error *err);
/* Write t as JSON to path, all or nothing (dm_write_file_atomic). */
dm_status dm_latency_table_save(const dm_latency_table *t, const char *path, dm_error *err);

/* A network's predicted latency, in total and per stage. */
typedef struct dm_latency {
    double total_ms;
    int32_t n_stages;
    double stage_ms[DM_MAX_STAGES];
} dm_latency;

/* Every op shape a latency table needs so that any design of problem
   `p`'s space can be predicted (docs/latency.md, "Prediction"): each
   family of ops the space runs on a grid of channel counts (the powers
   of 2 inside the space's range, and the range's ends), leaving out grid
   cells that alone break the MACs or params budget.  What
   `deepmad profile` measures.  *out is a new array (dm_free), *n its
   length; each op's stage is -1.  p's latency budget and table are not
   read. */
struct dm_problem;  /* below, in "Design problems and the solver" */
dm_status dm_latency_shapes(const struct dm_problem *p, dm_op **out, int32_t *n, dm_error *err);

/* Predict `net`'s latency from `t`: the sum over dm_net_ops of each op's
   time (docs/latency.md: exact shapes, and how shapes the table lacks are
   estimated).  DM_ERR_INVALID, naming the op, when the table cannot
   estimate one of them. */
dm_status dm_latency_predict(const dm_latency_table *t, const dm_net *net, dm_latency *out,
                             dm_error *err);

/* ======================================================================
** Design problems and the solver (docs/solver.md)
**
** A design problem is the paper's Eq. (5): choose, per superblock, output
** channels c, inner width m, kernel k and depth d, plus the stem width
** (and head width when there is a head), to maximise the DeepMAD
** objective subject to budgets.  The stage layout (stem stride, superblock
** strides), the block family and the score weights are fixed inputs.
**
**     dm_problem p;
**     dm_problem_preset("r18", &p, &err);      // or dm_problem_default()
**     p.max_macs = 1500000000;                 // change any field
**     dm_solution sol;
**     if (dm_solve(&p, &sol, &err) != DM_OK) puts(err.msg);  // e.g. infeasible
**     // sol.arch is the design, sol.metrics its dm_net_metrics,
**     // sol.bound >= the best objective any feasible design can have.
**
** The variable domains, exactly (the brute force in tests/test_solver.c
** enumerates them):
**   stem, head, every c:  multiples of `granularity` in [min_channels, max_channels]
**   m:    multiples of granularity in [ceil_g(inner_min*c), floor_g(inner_max*c)]
**         (the one value ceil_g(inner_min*c) when that range is empty)
**   k:    kernels[0..n_kernels-1];   d: depth_min[i]..depth_max[i]
** Constraints: MACs <= max_macs, params <= max_params (SPEC section 6
** counts, classifier included; 0 = no limit), rho <= rho0, main-path
** layers <= max_layers and peak activation <= max_peak_activation (0 =
** no limit), and (guideline 3) stem <= c_1 <= ... <= c_n <= head.
** ====================================================================== */

#define DM_PROBLEM_MAX_KERNELS 8

typedef struct dm_problem {
    dm_block_kind family;   /* block family of every superblock */
    int32_t se;             /* mbconv: 1 = SE in every block */
    dm_act act;             /* activation of the blocks, and of the stem and head in the
                               torchvision style (the paper style's are relu) */
    int32_t in_channels;    /* default 3 */
    int32_t input_size;     /* default 224 */
    int32_t classes;        /* classifier outputs, default 1000 (0 = none) */
    int32_t stem_kernel, stem_stride;      /* default 3, 2 */
    int32_t n_superblocks;                 /* default 5 */
    int32_t stride[DM_MAX_SUPERBLOCKS];    /* default 2,2,2,1,2 */
    int32_t depth_min[DM_MAX_SUPERBLOCKS], depth_max[DM_MAX_SUPERBLOCKS];
    int32_t n_kernels;
    int32_t kernels[DM_PROBLEM_MAX_KERNELS];  /* odd, ascending; default 3, 5 */
    double inner_min, inner_max;  /* m / c ratio range (bottleneck 1/16..1, mbconv 1..6) */
    int32_t inner_round;          /* how inner_min * c becomes a width: 0 = up to the next
                                     multiple of granularity (default); 1 = to the nearest,
                                     ties to even, at least granularity (the reference code's
                                     smart_round; the paper space) */
    int32_t granularity;          /* default 8 */
    int32_t min_channels, max_channels;  /* default 8..4096 */
    int32_t head;                 /* 1 = a 1x1 head conv whose width is a variable */
    dm_style style;               /* how blocks are built; default DM_STYLE_TORCHVISION */
    int32_t stem_min, stem_max;   /* stem width range; 0, 0 = min_channels..max_channels */
    int32_t head_max;             /* head width cap; 0 = max_channels */
    double head_ratio_min, head_ratio_max; /* head width / last superblock's width;
                                     0 = no limit (guideline 3 already gives >= 1) */
    int64_t max_macs, max_params; /* 0 = no limit */
    double rho0;                  /* effectiveness limit, > 0 */
    int32_t max_layers;           /* main-path layers; 0 = no limit */
    int64_t max_peak_activation;  /* elements (dm_metrics.peak_activation); 0 = no limit */
    double max_latency_ms;        /* predicted latency (dm_latency_predict); 0 = no limit;
                                     needs latency_table */
    const dm_latency_table *latency_table; /* borrowed; NULL = none */
    dm_score_params score;        /* alpha, beta, penalty form (dm_score_params_default) */
    int32_t drop_multiscale;      /* 1 = guideline 1 off: only the last stage's entropy counts */
    int32_t drop_depth_penalty;   /* 1 = guideline 2 off: beta = 0 */
    int32_t drop_monotone;        /* 1 = guideline 3 off: widths may decrease */
    int64_t node_limit;           /* branch-and-bound nodes (deterministic); default 200000 */
    int32_t effort;               /* more work when the tree above is not exhausted: N times
                                     the default work on the bound (the certificate), and
                                     N - 1 more search restarts, at most 64 in all
                                     (docs/solver.md); 0 or 1 = default (about 1 s for a
                                     preset), 20 about 3-6 s; at most 100000.  Deterministic
                                     (counted work, not time); a larger effort never loosens
                                     the bound much and usually tightens it */
} dm_problem;

/* Why the search stopped: the answer a caller branches on.  ORDER
   DM_STOP: solve/solver.c has the name table. */
typedef enum dm_stop {
    DM_STOP_OPTIMAL,        /* the tree was exhausted: the design is optimal */
    DM_STOP_NODE_LIMIT,     /* node_limit reached: the bound is the relaxation's */
    DM_STOP_INFEASIBLE,     /* no feasible design: see binding and least */
    DM_STOP_COUNT
} dm_stop;
const char *dm_stop_str(dm_stop s);   /* "optimal", "node-limit", "infeasible" */

/* The constraints of a design problem, as data: one row each in
   solve/constraint.c (name, how it is measured, where its limit is), read
   by the search, the bounds, the final check, the messages and the CLI.
   ORDER DM_CONSTRAINT. */
typedef enum dm_constraint {
    DM_CONSTRAINT_MACS,            /* "macs":            metrics.macs <= max_macs */
    DM_CONSTRAINT_PARAMS,          /* "params":          metrics.params <= max_params */
    DM_CONSTRAINT_RHO,             /* "rho":             metrics.rho <= rho0 */
    DM_CONSTRAINT_LAYERS,          /* "layers":          metrics.layers <= max_layers */
    DM_CONSTRAINT_PEAK_ACTIVATION, /* "peak_activation": metrics.peak_activation <= max_peak_activation */
    DM_CONSTRAINT_LATENCY,         /* "latency":         metrics.latency_ms <= max_latency_ms */
    DM_CONSTRAINT_COUNT
} dm_constraint;

/* The constraint's name as files and the CLI spell it; never NULL. */
const char *dm_constraint_name(dm_constraint c);
/* The problem's limit on it; 0 = no limit (rho always has one). */
double dm_constraint_limit(const dm_problem *p, dm_constraint c);
/* What a network's metrics measure for it. */
double dm_constraint_value(const dm_metrics *m, dm_constraint c);
/* 1 when `m` meets the problem's limit on `c` (always, when unlimited). */
int dm_constraint_met(const dm_problem *p, const dm_metrics *m, dm_constraint c);

typedef struct dm_solution {
    dm_stop stop;           /* optimal, node-limit, or infeasible (then no design) */
    dm_arch arch;           /* the best design found (feasible) */
    dm_metrics metrics;     /* its dm_net_metrics under the problem's scoring */
    double objective;       /* metrics.objective */
    double bound;           /* >= the objective of every feasible design */
    double gap;             /* bound - objective (0 when proven optimal) */
    int64_t nodes;          /* branch-and-bound nodes explored */
    int64_t evaluations;    /* candidate designs scored */
    int64_t bound_boxes;    /* boxes of depths and final widths the certificate's branch and
                               bound examined (docs/solver.md) */
    /* When stop is DM_STOP_INFEASIBLE: the constraint that no design of
       this layout meets, and the least value of it that some design of the
       layout reaches (the smallest design's, which for every constraint
       but rho is the least of all; for rho, the least the search saw).
       `proven` is 1 when the search was exhaustive. */
    dm_constraint binding;
    double least;
    int32_t proven;
} dm_solution;

/* Defaults for `family` (see the field comments above); bottleneck and
   basic get rho0 0.3 and no head, mbconv SE, a head and rho0 0.5.  No
   budgets are set.  The space is the open one (DM_SPACE_OPEN). */
void dm_problem_default(dm_problem *p, dm_block_kind family);

/* A search space: the block style and the variable domains of a family
   (docs/spaces.md).  ORDER DM_SPACE. */
typedef enum dm_space {
    DM_SPACE_OPEN,   /* "open": torchvision-style blocks; inner/out 1/16..1 (bottleneck,
                        basic) or 1..6 (mbconv); channels 8..4096; kernels 3, 5; head
                        unbounded but by the channel cap */
    DM_SPACE_PAPER,  /* "paper": the paper's blocks and its code's space (SPEC section 8):
                        bottleneck inner/out 0.1..1, channels <= 2048, kernels 3, 5;
                        mbconv+SE inner/out 1.5..6, kernels 3, 5, 7, superblock channels
                        <= 1280, head 1..6 times the last superblock's width (head_max
                        6 x the channel cap); stems 16..64; the smallest inner width
                        rounded to the nearest multiple of 8 (inner_round 1); block act
                        relu (bottleneck) or silu (mbconv), stem and head relu (the paper
                        style's).  No basic blocks. */
    DM_SPACE_COUNT
} dm_space;
const char *dm_space_name(dm_space s);
dm_status dm_space_from_name(const char *name, dm_space *out, dm_error *err);

/* Set the style and domains of `space` for p->family (style, act, se,
   inner ratio range and rounding, kernels, granularity, channel range,
   stem range, head cap and ratios; docs/spaces.md), leaving layout, head
   on/off, budgets and scoring as they are.  The open space is exactly
   what dm_problem_default sets.  DM_ERR_INVALID when the family has no
   such space (basic blocks in the paper space). */
dm_status dm_problem_set_space(dm_problem *p, dm_space space, dm_error *err);

/* The design problems of SPEC section 7: "r18", "r34", "r50", "b0",
   "mb", "29m", "29m-288", "50m", "89m", in the paper space
   (DM_SPACE_PAPER; dm_problem_set_space(p, DM_SPACE_OPEN) gives the open
   one).  Budgets of torchvision nets are their exact counts, computed
   from the zoo.  DM_ERR_INVALID if unknown. */
dm_status dm_problem_preset(const char *name, dm_problem *p, dm_error *err);
int32_t dm_preset_count(void);
const char *dm_preset_name(int32_t i);    /* NULL past the end */
/* The zoo network each preset's budget comes from, and the paper's
   published structure for it (NULL when none: b0, mb). */
const char *dm_preset_reference(const char *preset);
const char *dm_preset_published(const char *preset);

/* Check a problem's fields; DM_ERR_INVALID / DM_ERR_RANGE naming the field. */
dm_status dm_problem_validate(const dm_problem *p, dm_error *err);

/* The score parameters the objective is computed with: p->score with the
   dropped guidelines applied.  Use them to re-score other networks. */
void dm_problem_score(const dm_problem *p, dm_score_params *out);

/* Solve.  Deterministic: same problem, same bytes out.  On DM_OK *out
   holds a feasible design.  A problem with no feasible design is
   DM_ERR_INFEASIBLE; then out->stop is DM_STOP_INFEASIBLE with `binding`
   and `least` set, and the message says the same in words. */
dm_status dm_solve(const dm_problem *p, dm_solution *out, dm_error *err);

/* Progress of a long solve.  The solver's work is counted, never timed
   (that is what keeps it deterministic), so progress is reported in
   counted units: every DM_PROGRESS_EVERY candidate evaluations in the
   search and the tree, every certificate box, and at each phase's start
   and end.  The caller decides what to show and when (the CLI prints a
   line on a terminal once a solve passes 2 s).  ORDER DM_PHASE. */
#define DM_PROGRESS_EVERY 65536
typedef enum dm_phase {
    DM_PHASE_SEARCH,       /* "search": the incumbent's local search; done = evaluations */
    DM_PHASE_TREE,         /* "tree": branch and bound; done = nodes of total = node_limit */
    DM_PHASE_CERTIFICATE,  /* "certificate": the bound's boxes; done = dual work of total */
    DM_PHASE_COUNT
} dm_phase;
const char *dm_phase_name(dm_phase ph);   /* "search", "tree", "certificate" */

typedef struct dm_progress {
    dm_phase phase;
    int64_t done, total;   /* work units of the phase; total 0 when not known ahead */
    double objective;      /* best feasible objective so far; -HUGE_VAL before the first */
    double bound;          /* the best proven bound so far; HUGE_VAL before the first */
} dm_progress;

/* Called with the state above; `user` is passed through.  It must not
   call back into the solve.  The answer does not depend on it. */
typedef void (*dm_progress_fn)(const dm_progress *pr, void *user);

/* dm_solve, reporting progress to fn (NULL: none, exactly dm_solve). */
dm_status dm_solve_progress(const dm_problem *p, dm_progress_fn fn, void *user,
                            dm_solution *out, dm_error *err);

/* The result as one JSON object (*out_json freed with dm_free):
     {"status": "optimal" | "gap" | "infeasible", "architecture": {...},
      "metrics": {...}, "bound", "gap", ["seconds"], "stop", "nodes", ...}
   for a design ("architecture" is dm_solution_arch_to_json's object, the
   file `design -o` writes: its last key "problem" records the problem),
   and for an infeasible problem
     {"status": "infeasible", "constraint": NAME, "least": VALUE,
      "limit": LIMIT, "proven": true|false, "message": "..."}
   `seconds` >= 0 is recorded as the solve's wall time (the library keeps
   no clock); < 0 leaves it out.  `msg` (nullable) is the solver's message
   for the infeasible form. */
dm_status dm_solution_to_json(const dm_problem *p, const dm_solution *s, double seconds,
                              const char *msg, char **out_json, dm_error *err);

/* The reports of `deepmad analyze --json` and `deepmad design --json`,
   composed here for every caller (the CLI, the Python package).

   dm_net_space: the space a net is judged against when no design problem
   is given: dm_problem_default of its first superblock's family, set to
   the paper space (dm_problem_set_space) when the net is paper style,
   with the net's own layout (superblocks, strides, input, stem, head on
   or off, classes) and depth not judged (1..DM_MAX_DEPTH).  *out is
   filled even on an error (a family with no paper space: the error, the
   rest open).

   dm_json_add_plausibility: add "plausibility": {...}
   (dm_plausibility_to_json) as the last key of the JSON object *json
   (replaced; freed with dm_free as before), judging the limits against
   `p`'s domains ("space": "problem"), or, when p is NULL, against
   dm_net_space ("space": "paper" or "open").  Limits that cannot be
   checked leave "space" and "at_limit" out; that is no error.

   dm_analysis_to_json: dm_metrics_to_json(m) plus the plausibility of
   `net` against its own space: `deepmad analyze --json`'s object.

   dm_design_to_json: dm_solution_to_json(p, sol, seconds, NULL) plus the
   plausibility of sol->arch against p: `deepmad design --json`'s object
   for a design (an infeasible result is DM_ERR_INVALID: write it with
   dm_solution_to_json).  *out_json freed with dm_free; NULL on failure. */
dm_status dm_net_space(const dm_arch *a, dm_problem *out, dm_error *err);
dm_status dm_json_add_plausibility(const dm_net *net, const dm_problem *p, char **json,
                                   dm_error *err);
dm_status dm_analysis_to_json(const dm_net *net, const dm_metrics *m, char **out_json,
                              dm_error *err);
dm_status dm_design_to_json(const dm_problem *p, const dm_solution *sol, double seconds,
                            char **out_json, dm_error *err);

/* ======================================================================
** Provenance: the problem a design was made for
**
** A design file can say what it was designed for, so that a file found
** later explains itself: `deepmad design -o net.json` writes the record as
** the architecture JSON's optional "problem" object (docs/arch-json.md),
** dm_model_load reads it back into dm_model.design, and the exporters
** carry it on (dm_onnx_options.design: ONNX metadata_props).
** ====================================================================== */

typedef struct dm_design_record {
    int32_t present;        /* 1 = the fields below hold a record; 0 = none (a zoo
                               net, a hand-written file) and the rest is ignored */
    dm_block_kind family;   /* the problem's block family */
    int32_t se;             /* 0/1: SE in mbconv blocks */
    int32_t space;          /* a dm_space when the problem's domains are exactly that
                               space's (DM_SPACE_OPEN, DM_SPACE_PAPER); -1 = options
                               changed them ("custom") */
    int32_t input_size, classes;   /* what the problem was designed at */
    double rho0;                   /* > 0 */
    int64_t max_macs, max_params;  /* 0 = no limit */
    int32_t max_layers;            /* 0 = no limit */
    int64_t max_peak_activation;   /* 0 = no limit */
    double max_latency_ms;         /* 0 = no limit */
    double objective, bound, gap;  /* the solver's outcome (dm_solution) */
    int32_t optimal;        /* 1 = proven optimal ("optimal"); 0 = the node limit
                               stopped the search ("gap") */
} dm_design_record;

/* The record of solution `s` (not infeasible) of problem `p`: the budgets,
   rho0, family, SE, input size and classes of p, the space whose domains
   p has (-1 when none: dm_problem_set_space of that space would change
   p), and s's objective, bound, gap and status.  DM_ERR_INVALID for an
   infeasible solution. */
dm_status dm_design_record_of(const struct dm_problem *p, const dm_solution *s,
                              dm_design_record *out, dm_error *err);
/* DM_OK for a record the writers accept (present 0 always is):
   known family and space, se 0/1, input size and classes in the arch
   limits, rho0 > 0, budgets >= 0, finite numbers, optimal 0/1;
   else DM_ERR_INVALID naming the field as the JSON does
   ("problem.rho0"). */
dm_status dm_design_record_check(const dm_design_record *r, dm_error *err);

/* The record as one sentence for a docstring (*out_text freed with
   dm_free; "" when not present): "Designed by deepmad design (mbconv +
   SE, open space, 64 px, 10 classes) under rho <= 0.7, MACs <= 300000000,
   params <= 5000000: objective 17059.8, bound 22556.2, gap 5496.38 (not
   proven optimal)."  Budgets exact, the outcome to 6 significant digits,
   '.' whatever the locale.  The ONNX doc_string holds it; `deepmad
   export --format torch` of a design file passes it as
   dm_torch_options.notes. */
dm_status dm_design_record_note(const dm_design_record *r, char **out_text, dm_error *err);
/* dm_arch_to_json with the record as a last key "problem" (one line;
   docs/arch-json.md).  `r` NULL or not present: exactly dm_arch_to_json's
   bytes.  An invalid record is dm_design_record_check's error. */
dm_status dm_arch_to_json_record(const dm_arch *a, const dm_design_record *r, char **out_json,
                                 dm_error *err);
/* dm_arch_from_json that also reads the optional "problem" object into
   *r (may be NULL: checked, then dropped); r->present is 0 when the text
   has none.  Errors name the path ("problem.budgets.max_macs"). */
dm_status dm_arch_from_json_record(const char *text, size_t len, dm_arch *out,
                                   dm_design_record *r, dm_error *err);
/* The architecture file of a design: dm_arch_to_json_record of s->arch
   with dm_design_record_of(p, s).  What `deepmad design -o` writes. */
dm_status dm_solution_arch_to_json(const struct dm_problem *p, const dm_solution *s,
                                   char **out_json, dm_error *err);

/* Parse a count: "11689512", "1.8G", "11.7M", "500K", "1e9" (K, M, G, T
   are powers of 1000; the result is rounded to the nearest integer).
   Garbage, negatives, NaN and values past INT64_MAX are DM_ERR_INVALID /
   DM_ERR_RANGE. */
dm_status dm_parse_count(const char *text, int64_t *out, dm_error *err);

/* ======================================================================
** MLPs (docs/mlp.md): the paper's section 3
**
** An L-layer MLP is L nn.Linear layers; layer i maps w_i -> w_{i+1}
** features, w_1 = in_features, w_{L+1} = out_features, and the hidden
** widths w_2..w_L are hidden[0..L-2].  Every layer but the last is
** followed by `act`.  With the paper's Eqs. (1)-(3), natural logs:
**
**     H   = w_{L+1} * sum_{i=1..L} log w_i    (Eq. 1 as printed, no 1/2:
**                                              the MLP problem has no
**                                              penalty term to scale against)
**     rho = L / exp(mean_{i=1..L} log w_i)     (Eqs. 2-3; w_{L+1} not in it)
**     params = sum_i w_i w_{i+1} [+ w_{i+1} bias],  MACs = sum_i w_i w_{i+1}
**
**     dm_mlp_problem p;
**     dm_mlp_problem_init(&p);
**     p.in_features = 784; p.out_min = p.out_max = 10;
**     p.max_params = 1000000; p.rho0 = 0.5;
**     dm_mlp_solution sol;
**     if (dm_mlp_solve(&p, &sol, &err) == DM_OK)   // sol.mlp, sol.metrics,
**         ...                                       // sol.bound >= any H
** ====================================================================== */

#define DM_MLP_MAX_LAYERS 256        /* linear layers L */
#define DM_MLP_MAX_WIDTH  (1 << 20)  /* any feature count */

typedef struct dm_mlp {
    int32_t in_features;             /* w_1 */
    int32_t n_layers;                /* L >= 1 */
    int32_t hidden[DM_MLP_MAX_LAYERS]; /* w_2..w_L in hidden[0..L-2] */
    int32_t out_features;            /* w_{L+1} */
    dm_act act;                      /* after every layer but the last */
    int32_t bias;                    /* 1 = every Linear has a bias (default) */
} dm_mlp;

typedef struct dm_mlp_metrics {
    int64_t params;        /* as PyTorch counts them */
    int64_t macs;
    int32_t layers;        /* L */
    double log_width_sum;  /* sum_{i=1..L} log w_i */
    double mean_width;     /* geometric mean of w_1..w_L */
    double rho;            /* L / mean_width */
    double entropy;        /* out_features * log_width_sum */
} dm_mlp_metrics;

/* One layer, ReLU, bias, everything else zero. */
void dm_mlp_init(dm_mlp *m);
/* Every width in 1..DM_MLP_MAX_WIDTH, 1 <= L <= DM_MLP_MAX_LAYERS, known
   act, bias 0/1; DM_ERR_INVALID / DM_ERR_RANGE naming the field. */
dm_status dm_mlp_validate(const dm_mlp *m, dm_error *err);
/* Validate and compute every metric. */
dm_status dm_mlp_metrics_of(const dm_mlp *m, dm_mlp_metrics *out, dm_error *err);

/* JSON schema (docs/mlp.md), strict like dm_arch_from_json:
     {"format": "deepmad-mlp", "version": 1, "in_features": 784,
      "hidden": [512, 256], "out_features": 10, "act": "relu", "bias": true}
   "act" and "bias" are optional (relu, true).  *out_json freed with
   dm_free; same mlp, same bytes. */
dm_status dm_mlp_from_json(const char *text, size_t len, dm_mlp *out, dm_error *err);
dm_status dm_mlp_to_json(const dm_mlp *m, char **out_json, dm_error *err);
/* 1 when `text` is a JSON object whose "format" is "deepmad-mlp";
   0 otherwise, never an error.  (Superseded by dm_model_from_text.) */
int dm_mlp_json_detect(const char *text, size_t len);
/* Read an MLP JSON file (same I/O errors as dm_arch_load). */
dm_status dm_mlp_load(const char *path, dm_mlp *out, dm_error *err);
/* Metrics as one JSON object on one line, no trailing newline (it nests
   in larger objects): params, macs, layers (integers, exact),
   log_width_sum, mean_width, rho, entropy (doubles printed with 17
   significant digits, so they round-trip; '.' whatever the locale).
   *out_json freed with dm_free.  A NaN or infinite value is
   DM_ERR_INVALID. */
dm_status dm_mlp_metrics_to_json(const dm_mlp_metrics *m, char **out_json, dm_error *err);

/* ======================================================================
** Any model file: one reader entry for every format
** ====================================================================== */

typedef enum dm_model_kind {
    DM_MODEL_CNN,          /* a dm_arch: "deepmad-arch" JSON or the reference format */
    DM_MODEL_MLP,          /* a dm_mlp: "deepmad-mlp" JSON */
    DM_MODEL_KIND_COUNT
} dm_model_kind;

typedef struct dm_model {
    dm_model_kind kind;
    dm_arch arch;          /* valid when kind == DM_MODEL_CNN */
    dm_mlp mlp;            /* valid when kind == DM_MODEL_MLP */
    dm_design_record design; /* a CNN JSON file's "problem" (present 0 when none) */
} dm_model;

/* Parse a description of any kind from `len` bytes: JSON dispatches on
   its "format" member ("deepmad-arch", "deepmad-mlp"), text holding
   `best_structures` is the reference format.  Errors as the readers. */
dm_status dm_model_from_text(const char *text, size_t len, dm_model *out, dm_error *err);
/* Read a description file once and parse it as dm_model_from_text.  The
   path "-" is standard input; pipes and FIFOs work.  I/O errors as
   dm_arch_load. */
dm_status dm_model_load(const char *path, dm_model *out, dm_error *err);

/* The design problem: maximise H subject to params <= max_params, MACs <=
   max_macs (0 = no limit; at least one must be set), rho <= rho0, and
   min_layers <= L <= max_layers.  Hidden widths range over the multiples
   of granularity in [min_width, max_width].  The output width is fixed
   when out_min == out_max (any value); otherwise it is designed too, over
   the multiples of granularity in [out_min, out_max] -- and then, H being
   linear in w_{L+1}, the solver favours a wide output (docs/mlp.md). */
typedef struct dm_mlp_problem {
    int32_t in_features;          /* required */
    int32_t out_min, out_max;     /* required */
    int64_t max_params, max_macs; /* 0 = no limit */
    double rho0;                  /* default 0.5 */
    int32_t min_layers, max_layers; /* default 1 .. DM_MLP_MAX_LAYERS */
    int32_t granularity;          /* default 8 */
    int32_t min_width, max_width; /* default granularity .. DM_MLP_MAX_WIDTH */
    dm_act act;                   /* copied into the design; default ReLU */
    int32_t bias;                 /* default 1 */
    int64_t node_limit;           /* branch-and-bound nodes, default 200000 */
} dm_mlp_problem;

/* The same result shape as dm_solution: stop, objective, bound, gap,
   nodes, and for an infeasible problem binding / least / proven. */
typedef struct dm_mlp_solution {
    dm_stop stop;           /* DM_STOP_OPTIMAL, DM_STOP_NODE_LIMIT or DM_STOP_INFEASIBLE */
    dm_mlp mlp;             /* the best design found (feasible) */
    dm_mlp_metrics metrics; /* its metrics */
    double objective;       /* metrics.entropy: the MLP objective is H */
    double bound;           /* >= H of every feasible design */
    double gap;             /* bound - objective (0 when proven optimal) */
    int64_t nodes;          /* branch-and-bound nodes explored */
    /* When stop is DM_STOP_INFEASIBLE: `binding` is DM_CONSTRAINT_PARAMS
       or _MACS when even the smallest MLP of the allowed depths is over
       that budget (`least` = its count, exact), else DM_CONSTRAINT_RHO
       with `least` the Lagrangian bound below which no MLP within the
       budget has rho (a bound, not a design's value).  `proven` is 1:
       infeasibility is only reported when the search was exhaustive (a
       node limit hit before any design is DM_ERR_RANGE, stop
       DM_STOP_NODE_LIMIT). */
    dm_constraint binding;
    double least;
    int32_t proven;
} dm_mlp_solution;

void dm_mlp_problem_init(dm_mlp_problem *p);
dm_status dm_mlp_problem_validate(const dm_mlp_problem *p, dm_error *err);
/* Solve exactly by Lagrangian branch and bound (docs/mlp.md).
   Deterministic.  No feasible design is DM_ERR_INFEASIBLE, with
   out->stop DM_STOP_INFEASIBLE and binding / least set as for dm_solve. */
dm_status dm_mlp_solve(const dm_mlp_problem *p, dm_mlp_solution *out, dm_error *err);
/* As dm_solution_to_json, with the MLP's architecture and metrics. */
dm_status dm_mlp_solution_to_json(const dm_mlp_problem *p, const dm_mlp_solution *s,
                                  double seconds, const char *msg, char **out_json,
                                  dm_error *err);

/* Exporters, same conventions as dm_export_torch / dm_export_onnx: the
   module takes (N, in_features) and returns (N, out_features); state_dict
   keys and ONNX initializers are layers.<i>.weight / layers.<i>.bias.  The
   ONNX graph is Gemm (transB = 1) + activation per layer; input "input",
   output "output". */
dm_status dm_export_mlp_torch(const dm_mlp *m, const dm_torch_options *opt, char **out_src,
                              dm_error *err);
dm_status dm_export_mlp_onnx(const dm_mlp *m, const dm_onnx_options *opt, uint8_t **out_bytes,
                             size_t *out_len, dm_error *err);

/* DM_OK when `name` is a class name dm_export_torch (kind DM_MODEL_CNN)
   or dm_export_mlp_torch (DM_MODEL_MLP) accepts: an ASCII Python
   identifier of at most 100 characters, not a keyword and not a name the
   file defines itself; else DM_ERR_INVALID saying so.  For checking a
   user's choice before the work. */
dm_status dm_torch_class_name_check(dm_model_kind kind, const char *name, dm_error *err);

/* ======================================================================
** Running on this CPU (docs/latency.md, "Measuring"): oneDNN times op
** shapes and whole networks here, with the fusions of dm_net_ops.
**
**     dm_run_options o;
**     dm_run_options_default(&o);                 // 1 thread, batch 1
**     dm_measurement m;
**     dm_net_measure(net, &o, &m, &err);          // m.median_ms, m.spread_ms
**     dm_latency_table t;                         // a table of op shapes:
**     dm_latency_table_init(&t);
**     dm_latency_profile(ops, n, &o, NULL, NULL, &t, &err);
**
** Timing is wall-clock time (a latency), taken around each run after the
** warm-up runs; the median and half the interquartile range of the timed
** runs are reported.  The numbers depend on the machine and its load, not
** only on the input: they are measurements.  Threads are OpenMP's (the
** engine's runtime): the count is set for the calling thread while a
** measurement runs and restored after it.
** ====================================================================== */

#define DM_RUN_MAX_THREADS 1024
#define DM_RUN_MAX_BATCH   4096
#define DM_RUN_MAX_RUNS    100000   /* warm-up or timed runs */

typedef struct dm_run_options {
    int32_t threads;   /* 1..DM_RUN_MAX_THREADS, default 1 */
    int32_t batch;     /* images per run, 1..DM_RUN_MAX_BATCH, default 1 */
    int32_t warmup;    /* untimed runs first, 0..DM_RUN_MAX_RUNS, default 3 */
    int32_t runs;      /* timed runs, 1..DM_RUN_MAX_RUNS, default 10 */
    double time_limit_ms; /* > 0: stop early once the timed runs have taken this long and
                             number at least DM_RUN_MIN_RUNS, and the warm-up once it has
                             taken a quarter of it (one run at least); 0 (default): always
                             warmup + runs.  Keeps large shapes from dominating a profile. */
} dm_run_options;

#define DM_RUN_MIN_RUNS 3

void dm_run_options_default(dm_run_options *o);
/* The per-shape time limit `deepmad profile` measures with unless told
   otherwise: a preset's largest shapes take seconds a run. */
#define DM_PROFILE_TIME_LIMIT_MS 50
/* The options to measure more shapes into table t with (dm_latency_profile,
   dm_solve_refined, `design --refine`): t's threads and batch, so that
   every entry is alike, the defaults' runs, DM_PROFILE_TIME_LIMIT_MS. */
void dm_run_options_for_table(const dm_latency_table *t, dm_run_options *o);
/* DM_ERR_INVALID naming the field out of its range. */
dm_status dm_run_options_validate(const dm_run_options *o, dm_error *err);

/* A measured latency. */
typedef struct dm_measurement {
    double median_ms;      /* median of the timed runs */
    double spread_ms;      /* half the interquartile range of the timed runs */
    int32_t runs;          /* timed runs */
    int32_t reorders;      /* layout conversions the engine ran between ops (a net) */
} dm_measurement;

/* Time one op shape alone: its input in the layout the engine hands it
   inside a net, random data, and the caches as a net leaves them for it
   (before each timed run 64 MiB is written to evict everything, then its
   activations are read back; its weights stay cold; docs/latency.md).
   out->op is *op with stage -1. */
dm_status dm_op_measure(const dm_op *op, const dm_run_options *o, dm_latency_entry *out,
                        dm_error *err);

/* Time `net` end to end: a plain NCHW image in, every op of dm_net_ops
   chained as one run. */
dm_status dm_net_measure(const dm_net *net, const dm_run_options *o, dm_measurement *out,
                         dm_error *err);

/* This machine and engine, as a table records them: cpu gets /proc/cpuinfo's
   "model name" ("unknown CPU" when there is none), engine "oneDNN X.Y.Z,
   ops with cold weights" (the engine and how dm_op_measure times ops).
   Each buffer holds DM_LATENCY_TEXT bytes. */
void dm_run_machine(char *cpu, char *engine);

/* Progress of a profile: called before each shape is measured with
   done (shapes measured so far) of total (shapes to measure). */
typedef void (*dm_profile_fn)(int32_t done, int32_t total, const dm_op *op, void *user);

/* Measure the shapes of ops[0..n) that `t` lacks into `t` (lazily: a
   shape already there, or repeated in ops, is measured once).  An empty
   table (n_entries 0) gets this machine's cpu and engine and o's threads
   and batch; a table with entries must have o's threads and batch (else
   DM_ERR_INVALID).  New entries are appended in the order of ops.  On an
   error, `t` holds the entries measured before it. */
dm_status dm_latency_profile(const dm_op *ops, int32_t n, const dm_run_options *o,
                             dm_profile_fn fn, void *user, dm_latency_table *t, dm_error *err);

/* Design under a latency budget with the answer's own op shapes measured
   (docs/latency.md, "Measured designs").  A table predicts the shapes it
   lacks by interpolation, and a solver maximising under that prediction
   favours the shapes it underestimates (measured: 11 convs 72->72 5x5 at
   14 px of an r18 design predicted 19% under their time).  So: solve `p`
   with its latency from `t`, measure on this machine the design's shapes
   `t` lacks into `t` (dm_latency_profile), and solve again, until the
   design's ops are all measured shapes or DM_REFINE_MAX_SOLVES solves
   were made (then info->estimated says how many of its shapes are still
   estimated).  Without a latency budget the second solve gives the same
   design, predicted from measured shapes.  `t` must have been measured on this
   machine (cpu and engine as dm_run_machine gives them) with o's threads
   and batch: else DM_ERR_INVALID.  p->latency_table is ignored (`t` is
   used).  Progress: solve_fn for each solve (as dm_solve_progress),
   measure_fn for each measurement (as dm_latency_profile), both with
   `user`; either may be NULL.  On an error `t` keeps what was measured. */
#define DM_REFINE_MAX_SOLVES 16

typedef struct dm_refine_info {
    int32_t solves;     /* dm_solve calls made */
    int32_t measured;   /* shapes measured into the table */
    int32_t estimated;  /* the answer's shapes the table lacks (0 unless the solves ran out) */
} dm_refine_info;

dm_status dm_solve_refined(const dm_problem *p, dm_latency_table *t,
                           const dm_run_options *o, dm_progress_fn solve_fn,
                           dm_profile_fn measure_fn, void *user, dm_solution *out,
                           dm_refine_info *info, dm_error *err);

/* ======================================================================
** Pictures (docs/pictures.md): a network drawn to scale, and a sweep of
** rho0 (the left half of the paper's Figure 2), as SVG or PNG in memory.
**
**     dm_sweep_point pts[12];
**     double rho[12];
**     dm_sweep_grid(0.1, 2.0, 12, 1, rho, &err);     // log-spaced rho0
**     dm_sweep(&problem, rho, 12, NULL, NULL, pts, &err);
**     uint8_t *svg; size_t len;
**     dm_draw_sweep(pts, 12, "r18", 1, DM_PICTURE_SVG, &svg, &len, &err);
**     dm_write_file_atomic("sweep.svg", svg, len, &err);
**     dm_free(svg);
**
** Drawn with cairo, text in its generic "sans-serif" face.  Same input,
** same bytes (on one machine: the glyphs come from its fonts).  An SVG
** carries every label it draws as text too, one per line, in its <desc>
** (cairo draws glyphs as outlines), and the caption in its <title>.
** ====================================================================== */

typedef enum dm_picture_format {
    DM_PICTURE_SVG,        /* "svg" */
    DM_PICTURE_PNG,        /* "png": 8-bit RGB(A), white background */
    DM_PICTURE_FORMAT_COUNT
} dm_picture_format;
const char *dm_picture_format_name(dm_picture_format f);
dm_status dm_picture_format_from_name(const char *name, dm_picture_format *out, dm_error *err);

/* Draw `net` left to right: stem, each superblock as `depth` blocks whose
   bar height is proportional to its output channels and whose length to
   its depth, head and classifier; under them a table of each unit's
   block kind, channels, depth, kernel and stride, and of each stage's
   resolution, channels, entropy and rho (m->stage[]).  The caption is
   `title` (nullable) and the totals of `m`: params, MACs, rho, entropy,
   objective.  `m` must be dm_net_metrics of `net` (any scoring).
   *out is freed with dm_free. */
dm_status dm_draw_net(const dm_net *net, const dm_metrics *m, const char *title,
                      dm_picture_format format, uint8_t **out, size_t *len, dm_error *err);

/* One design problem solved at one rho0. */
typedef struct dm_sweep_point {
    double rho0;           /* the problem's effectiveness limit */
    dm_stop stop;          /* optimal, node-limit (a design within `gap`), or infeasible */
    double objective, entropy, rho, gap;  /* the design's (0 when infeasible) */
    int32_t depth;         /* its blocks, all superblocks together */
    int64_t params, macs;
    dm_constraint binding; /* infeasible: the binding constraint and the least value */
    double least;          /* some design of the layout reaches (as dm_solution) */
} dm_sweep_point;

#define DM_SWEEP_MAX_POINTS 1000

/* n values of rho0 from lo to hi, both included: evenly spaced in
   log(rho0) when `log_spaced`, else in rho0.  0 < lo < hi (finite),
   2 <= n <= DM_SWEEP_MAX_POINTS; else DM_ERR_INVALID saying which. */
dm_status dm_sweep_grid(double lo, double hi, int32_t n, int32_t log_spaced, double *out,
                        dm_error *err);

/* Called after each solve of a sweep with the points done so far. */
typedef void (*dm_sweep_fn)(int32_t done, int32_t total, const dm_sweep_point *last, void *user);

/* Solve `p` with rho0 = rho0[i] for each i < n, into out[i] (exactly
   dm_solve at that rho0).  An infeasible point is an answer (stop
   DM_STOP_INFEASIBLE), not an error; any other solver error ends the
   sweep with it.  fn (nullable) is told after each point. */
dm_status dm_sweep(const dm_problem *p, const double *rho0, int32_t n, dm_sweep_fn fn,
                   void *user, dm_sweep_point *out, dm_error *err);

/* Four panels against rho0 -- objective, entropy, depth (blocks) and
   params of each point's design -- with axis ticks and labels; rho0 on a
   log axis when `log_x`.  Infeasible points are marked with a cross on
   the axis, node-limit ones hollow, the best objective with a star.
   `title` nullable.  Needs 1 <= n <= DM_SWEEP_MAX_POINTS, rho0 > 0. */
dm_status dm_draw_sweep(const dm_sweep_point *pts, int32_t n, const char *title, int32_t log_x,
                        dm_picture_format format, uint8_t **out, size_t *len, dm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* DEEPMAD_H */
