/*
** space.h -- the one model of the design space: how a dm_arch becomes
** stages, items and layers.  dm_net_create builds a network through it and
** the solver evaluates candidates through it, so a rule here (where a
** stage starts, what resolution a block sees, which layers are on the
** main path, how a superblock repeats) cannot drift between the two.
**
** Items, in forward order: the stem conv (then an optional 3x3/2
** max-pool), the superblocks, the optional 1x1 head conv, the optional
** linear classifier.  A superblock is block 0 (c_in -> out, its stride)
** then depth-1 copies of block 1 (out -> out, stride 1), all alike.
*/
#ifndef DM_SPACE_H
#define DM_SPACE_H
#include "internal.h"
#include "blocks.h"
#include "score.h"

/* Stages and resolutions of an arch.  A stage boundary falls before
   every unit after the stem whose stride is > 1 (the stem max-pool, or a
   strided superblock); head and classifier belong to the last stage. */
typedef struct dmi_layout {
    int32_t stem_r;        /* resolution leaving the stem conv */
    int32_t pool_r;        /* leaving the stem max-pool; 0 = no max-pool */
    int32_t sb_stage[DM_MAX_SUPERBLOCKS];
    int32_t sb_rin[DM_MAX_SUPERBLOCKS], sb_rout[DM_MAX_SUPERBLOCKS];
    int32_t final_r;       /* at the head and global pooling */
    int32_t n_stages;
    int32_t stage_r[DM_MAX_STAGES]; /* resolution at the end of each stage */
} dmi_layout;

/* Derive the layout.  Meant for an arch that passed dm_arch_validate;
   on any other it stays in bounds (superblock count clamped, strides < 1
   taken as 1) but the numbers mean nothing. */
DM_INTERNAL void dmi_space_layout(const dm_arch *a, dmi_layout *out);

/* The main-path rule: stem, block main convs and head count for entropy
   and rho; shortcuts, SE and the classifier do not. */
DM_INTERNAL bool dmi_space_main_path(dm_role role);

/* Activation elements a layer holds at once (its input + output, batch
   1), and the stem max-pool's (0 without one): peak activation is the
   largest of these. */
DM_INTERNAL int64_t dmi_space_activation(const dm_layer *l);
DM_INTERNAL int64_t dmi_space_pool_activation(const dmi_layout *lay, int32_t stem_channels);

/* The items' layers, shaped and costed, with their stage set. */
DM_INTERNAL dm_status dmi_space_stem(const dm_arch *a, dm_layer *l, dm_error *err);
/* Block `index` of superblock `sbi` with input channels c_in: its info
   and layers (*n of them). */
DM_INTERNAL dm_status dmi_space_block(const dm_arch *a, const dmi_layout *lay, int32_t sbi,
                                      int32_t index, int32_t c_in, dm_block_info *b,
                                      dm_layer ls[DMI_BLOCK_MAX_LAYERS], int32_t *n,
                                      dm_error *err);
/* Head conv c_in -> a->head and classifier c_in -> a->classes. */
DM_INTERNAL dm_status dmi_space_head(const dm_arch *a, const dmi_layout *lay, int32_t c_in,
                                     dm_layer *l, dm_error *err);
DM_INTERNAL dm_status dmi_space_classifier(const dm_arch *a, const dmi_layout *lay, int32_t c_in,
                                           dm_layer *l, dm_error *err);

/* A running sum over layers: costs, peak activation, and the main-path
   layer count and sum of log widths (natural log) that the scores need. */
typedef struct dmi_tally {
    int64_t params, macs, peak;
    int32_t layers;
    double logw;
} dmi_tally;

/* Add `n` layers to *t.  Sums saturate at INT64_MAX (costs only grow, so
   a saturated sum is past every budget); false when one did. */
DM_INTERNAL bool dmi_space_tally(dmi_tally *t, const dm_layer *ls, int32_t n);
/* The tally of one block (dmi_space_block's layers). */
DM_INTERNAL dm_status dmi_space_block_tally(const dm_arch *a, const dmi_layout *lay, int32_t sbi,
                                            int32_t index, int32_t c_in, dmi_tally *out,
                                            dm_error *err);
/* The same without the logs: logw is 0, the rest as dmi_space_block_tally
   (the logs are a quarter of a tally's work; tables that need only costs
   and layers skip them). */
DM_INTERNAL dm_status dmi_space_block_costs(const dm_arch *a, const dmi_layout *lay, int32_t sbi,
                                            int32_t index, int32_t c_in, dmi_tally *out,
                                            dm_error *err);
/* The repeat rule: add a superblock of `depth` blocks to *t, block 0
   once (`first`) and block 1 depth-1 times (`rest`, unread when depth is
   1).  Saturates as dmi_space_tally; false when a sum did. */
DM_INTERNAL bool dmi_space_repeat(dmi_tally *t, const dmi_tally *first, const dmi_tally *rest,
                                  int32_t depth);

/* A memo of block tallies for dmi_space_tally_fast, owned by the caller
   (zeroed = empty).  A search scores thousands of archs that differ from
   one another in a superblock or two; a block's tally depends only on its
   superblock index, which block (0 or 1), its input, output and inner
   widths and kernel once every other field of the arch is fixed, so the
   memo is keyed by those and is valid for ONE template: the caller
   zeroes it before using it with archs that differ in any other field.
   Direct-mapped: a collision recomputes, never returns another block's. */
#define DMI_MEMO_SLOTS 8192
typedef struct dmi_memo_slot {
    int32_t key[6];   /* superblock + 1 (0 = empty), index, c_in, out, inner, kernel */
    dmi_tally t;
} dmi_memo_slot;
typedef struct dmi_memo { dmi_memo_slot slot[DMI_MEMO_SLOTS]; } dmi_memo;

/* Tally an arch per stage (ts[], zeroed by the caller) the fast way: each
   superblock's block 0 and block 1 once (through `memo` when not NULL),
   then the repeat rule; chan[] gets each stage's end channels.  What the
   solver scores a candidate with; dm_net_metrics tallies a built net
   layer by layer instead, which gives the same counts (tests/test_space.c). */
DM_INTERNAL dm_status dmi_space_tally_fast(const dm_arch *a, const dmi_layout *lay, dmi_tally *ts,
                                           int32_t *chan, dmi_memo *memo, dm_error *err);

/* Per-stage tallies -> what the scores read (st[], with each stage's end
   resolution from the layout and chan[] its end channels; a stage with no
   main-path layer, a max-pool's, keeps the previous stage's channels),
   and the totals, peak activation including the stem max-pool.  The one
   place both dm_net_metrics and the solver turn tallies into sums.
   False when a total saturated. */
DM_INTERNAL bool dmi_space_sums(const dm_arch *a, const dmi_layout *lay, const dmi_tally *ts,
                                const int32_t *chan, dmi_stage_sum *st, dmi_tally *tot);

#endif
