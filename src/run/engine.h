/*
** engine.h -- ops as oneDNN primitives (docs/latency.md, "Measuring"):
** a plan is a chain of primitives with their memories, built once and run
** many times.  One op (dm_op) becomes one primitive, or for SE a fixed
** chain of four; a net becomes the chain of its ops, each block's last
** conv adding its shortcut in place.  Only this file speaks oneDNN.
*/
#ifndef DM_ENGINE_H
#define DM_ENGINE_H
#include "internal.h"

typedef struct dmi_plan dmi_plan;

/* A new empty plan on the CPU engine for `batch` images.  Primitives are
   created with the caller's current OpenMP thread count. *out freed with
   dmi_engine_free. */
DM_INTERNAL dm_status dmi_engine_plan(int32_t batch, dmi_plan **out, dm_error *err);
DM_INTERNAL void dmi_engine_free(dmi_plan *p);

/* Build `op` alone into the plan, its input in the layout the engine
   would hand it inside a net (what a conv writes; a conv's own choice for
   a conv's input), its data random.  A conv with `sum` adds into a
   destination filled once. */
DM_INTERNAL dm_status dmi_engine_op(dmi_plan *p, const dm_op *op, dm_error *err);

/* Build the whole net into the plan: its input a plain NCHW image, its
   ops (dm_net_ops) chained, a reorder wherever a conv wants its input in
   another layout than its producer wrote (counted by dmi_engine_reorders). */
DM_INTERNAL dm_status dmi_engine_net(dmi_plan *p, const dm_net *net, dm_error *err);

/* Run every primitive of the plan once, in order, and wait for them. */
DM_INTERNAL dm_status dmi_engine_run(dmi_plan *p, dm_error *err);

/* Put the caches in the state a net leaves them in for one of its ops:
   everything evicted by writing `evict` (DM_RUN_EVICT_BYTES, more than a
   CPU's last-level cache share), then the plan's activations read back
   (the producer just wrote the input), its weights left cold: a net's
   weights as a whole rarely fit in cache, and each layer's were last read
   a whole forward ago. */
#define DM_RUN_EVICT_BYTES ((size_t)64 << 20)
DM_INTERNAL void dmi_engine_chill(dmi_plan *p, unsigned char *evict);

/* Reorders the plan inserted between ops. */
DM_INTERNAL int32_t dmi_engine_reorders(const dmi_plan *p);

/* "oneDNN MAJOR.MINOR.PATCH, ops with cold weights" (the engine and how
   its lone ops are timed, dmi_engine_chill) into out[DM_LATENCY_TEXT]. */
DM_INTERNAL void dmi_engine_name(char *out);

#endif
