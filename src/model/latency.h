/*
** latency.h -- the latency prediction (docs/latency.md, "Prediction"):
** one function gives an op's time from a measured table
** (dmi_latency_op_ns), and every total, a built net's (dm_latency_predict)
** as a candidate's in the solver (dmi_latency_arch_ns), is a sum of it.
**
** Times are whole nanoseconds (int64): sums of integers do not depend on
** their order, so the solver's per-block sums and the sum over a net's
** ops are equal to the last bit, and a budget decided in the search is
** the budget the final re-check decides.
**
** Every op's time is at least ns_per_mac * its MACs, where ns_per_mac is
** the table's least measured time per MAC (dmi_latency_ns_per_mac): so a
** net's predicted latency is at least ns_per_mac * its MACs, and a latency
** budget implies a MACs budget, which is how the solver's bounds stay
** valid under it (docs/latency.md, "Designing under a latency budget").
*/
#ifndef DM_LATENCY_H
#define DM_LATENCY_H
#include "internal.h"
#include "space.h"

/* A table prepared for lookups: its shapes grouped into families and laid
   on per-family channel grids.  Immutable once built. */
typedef struct dmi_latindex dmi_latindex;

/* Build the index of `t` (its entries checked: DM_ERR_INVALID names a bad
   or repeated shape).  Free with dmi_latency_index_free (NULL is fine). */
DM_INTERNAL dm_status dmi_latency_index_new(const dm_latency_table *t, dmi_latindex **out,
                                            dm_error *err);
DM_INTERNAL void dmi_latency_index_free(dmi_latindex *ix);

/* An op's family: its shape but its channel counts (kind, kernel,
   stride, dense groups or depthwise, act, sum, resolutions).  Within a
   family the estimator interpolates over channels. */
DM_INTERNAL bool dmi_latency_same_family(const dm_op *a, const dm_op *b);
/* Depthwise conv, pool, global pool, add: c_out is c_in, so the family
   has one channel axis. */
DM_INTERNAL bool dmi_latency_one_axis(const dm_op *op);

/* The MACs of an op, as dm_metrics counts them (cost.c): a conv's, both
   SE fcs', the classifier's; 0 for pools and adds. */
DM_INTERNAL int64_t dmi_latency_op_macs(const dm_op *op);

/* THE time of one op: the measured median of its exact shape, else the
   estimate from its family's grid, never below ns_per_mac * MACs.
   *extrapolated (may be NULL) is set to 1 when a channel count lies
   outside the family's measured range.  DM_ERR_INVALID, naming the op,
   when the table has no family for it or too few points to estimate. */
DM_INTERNAL dm_status dmi_latency_op_ns(const dmi_latindex *ix, const dm_op *op, int64_t *ns,
                                        int *extrapolated, dm_error *err);

/* The least measured time per MAC over the table's entries with MACs
   (ns per MAC; 0 when none). */
DM_INTERNAL double dmi_latency_ns_per_mac(const dmi_latindex *ix);

/* A list of ops: total and per-stage (stage_ns[DM_MAX_STAGES], zeroed
   here; ops of a stage past the array are refused). */
DM_INTERNAL dm_status dmi_latency_ops_ns(const dmi_latindex *ix, const dm_op *ops, int32_t n,
                                         int64_t *total, int64_t *stage_ns, dm_error *err);

/* A memo for dmi_latency_arch_ns, valid for ONE template as dmi_memo is
   (space.h): block times keyed by superblock, which block, c_in, out,
   inner, kernel; the rest of the net (stem, head, pool, classifier) keyed
   by stem width, last width and head width.  Zeroed = empty. */
#define DMI_LATMEMO_SLOTS 4096
typedef struct dmi_latmemo_slot {
    int32_t key[6];  /* first word 0 = empty */
    int64_t ns;
} dmi_latmemo_slot;
typedef struct dmi_latmemo {
    dmi_latmemo_slot block[DMI_LATMEMO_SLOTS], rest[DMI_LATMEMO_SLOTS];
} dmi_latmemo;

/* The predicted latency of arch `a` (its layout `lay`) without building
   it for every call: block 0 and block 1 of each superblock once, the
   repeat rule, and the rest of the net; equal to dm_latency_predict on
   dm_net_create(a) (the rest is that total less the blocks, in integer
   ns).  memo may be NULL. */
DM_INTERNAL dm_status dmi_latency_arch_ns(const dmi_latindex *ix, const dm_arch *a,
                                          const dmi_layout *lay, dmi_latmemo *memo, int64_t *ns,
                                          dm_error *err);

/* Prediction of a built net: total and per-stage, in ns. */
DM_INTERNAL dm_status dmi_latency_net_ns(const dmi_latindex *ix, const dm_net *net,
                                         int64_t *total, int64_t *stage_ns, dm_error *err);

/* Predict a built net into its metrics: m->latency_ms and each stage's
   (the others untouched). */
DM_INTERNAL dm_status dmi_latency_metrics(const dmi_latindex *ix, const dm_net *net, dm_metrics *m,
                                          dm_error *err);

/* An op in words, for messages: "conv 3x3/2 64->128 at 56 px, relu, +sum". */
DM_INTERNAL void dmi_latency_op_text(const dm_op *op, char *buf, size_t size);

#endif
