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
**     dm_zoo_arch("resnet50", &a, &err);          // or dm_arch_from_json()
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
/* Look a name up; DM_ERR_INVALID (naming the choices) when unknown. */
dm_status dm_block_kind_from_name(const char *name, dm_block_kind *out, dm_error *err);
dm_status dm_act_from_name(const char *name, dm_act *out, dm_error *err);
dm_status dm_shortcut_from_name(const char *name, dm_shortcut *out, dm_error *err);
dm_status dm_penalty_from_name(const char *name, dm_penalty *out, dm_error *err);

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
                           max(1, c_in/4) squeeze channels (EfficientNet) */
    dm_act act;
    dm_shortcut shortcut; /* basic / bottleneck projection form */
} dm_superblock;

typedef struct dm_stem {
    int32_t out;        /* channels */
    int32_t kernel;
    int32_t stride;
    int32_t maxpool;    /* 1 = 3x3 stride-2 max-pool after it (ResNet) */
    dm_act act;
} dm_stem;

typedef struct dm_arch {
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
    DM_RESIDUAL_AVGPOOL_CONV /* avg-pool 2x2/stride (if strided) + 1x1 conv + BN */
} dm_residual;

/* One block, fully resolved. */
typedef struct dm_block_info {
    int32_t sb, index;     /* superblock, block within it */
    dm_block_kind kind;
    int32_t c_in, inner, c_out, kernel, stride;
    int32_t r_in, r_out;
    int32_t has_expand;    /* mbconv: 0 when m == c_in (no 1x1 expand) */
    int32_t se_channels;   /* mbconv SE squeeze width; 0 = no SE */
    dm_residual residual;
    dm_act act;
    int32_t stage;
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
    int32_t n_stages;
    dm_stage_metrics stage[DM_MAX_STAGES];
} dm_metrics;

/* Compute every metric of `net`.  `sp` may be NULL for the defaults. */
dm_status dm_net_metrics(const dm_net *net, const dm_score_params *sp,
                         dm_metrics *out, dm_error *err);

/* ======================================================================
** The zoo: torchvision 0.14 nets and the paper's published DeepMAD nets
** ====================================================================== */

/* Number of zoo entries and the i-th name (NULL past the end). */
int32_t dm_zoo_count(void);
const char *dm_zoo_name(int32_t i);
/* Fill *out with the named net at its native input size (224, or 288 for
   deepmad-29m-288), 1000 classes.  DM_ERR_INVALID for an unknown name. */
dm_status dm_zoo_arch(const char *name, dm_arch *out, dm_error *err);

/* ======================================================================
** Reading and writing descriptions
** ====================================================================== */

#define DM_MAX_FILE_BYTES (4 * 1024 * 1024)   /* readers refuse larger input */

/* JSON architecture schema (docs/arch-json.md).  `text` need not be
   NUL-terminated; `len` bytes are read. */
dm_status dm_arch_from_json(const char *text, size_t len, dm_arch *out, dm_error *err);
/* Serialise: *out_json is a NUL-terminated string the caller frees with
   dm_free.  Same arch, same bytes. */
dm_status dm_arch_to_json(const dm_arch *a, char **out_json, dm_error *err);

/* The paper's reference structure format (a Python literal, see
   docs/tinynas-format.md), read as untrusted input.  Sets input_size 224
   and classes 1000, which the format does not record. */
dm_status dm_arch_from_tinynas(const char *text, size_t len, dm_arch *out, dm_error *err);
dm_status dm_arch_to_tinynas(const dm_arch *a, char **out_text, dm_error *err);

/* Read a file of either format (JSON when its first non-space byte is
   '{' and it has a "superblocks" key, reference format otherwise). */
dm_status dm_arch_load(const char *path, dm_arch *out, dm_error *err);

/* Free a string returned by this library. */
void dm_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* DEEPMAD_H */
