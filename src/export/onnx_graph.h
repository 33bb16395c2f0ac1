/*
** onnx_graph.h -- a small builder for one ONNX graph, so export_onnx.c can
** say "a Conv with these inputs" without touching protobuf-c structs.
**
** Failure is sticky: after the first error (out of memory, weights past
** the size limit) every call does nothing and returns NULL, and
** dmi_onnx_finish reports that first error.  A builder is therefore a
** straight run of calls checked once at the end.  Every string and
** message the builder makes lives until dmi_onnx_free.
*/
#ifndef DM_ONNX_GRAPH_H
#define DM_ONNX_GRAPH_H
#include "internal.h"
#include "weights.h"

typedef struct dmi_onnx dmi_onnx;

/* One node attribute: INT (ints[0]), INTS (ints[0..n)) or FLOAT (f). */
typedef enum { DMI_ATTR_INT, DMI_ATTR_INTS, DMI_ATTR_FLOAT } dmi_attr_kind;
typedef struct dmi_onnx_attr {
    const char *name;
    dmi_attr_kind kind;
    int n;
    int64_t ints[4];
    float f;
} dmi_onnx_attr;

/* A builder for a model with `opt`'s opset, seed and weight policy.  NULL
   when out of memory. */
DM_INTERNAL dmi_onnx *dmi_onnx_new(const dm_onnx_options *opt);
DM_INTERNAL void dmi_onnx_free(dmi_onnx *g);

/* A formatted string owned by the builder. */
DM_INTERNAL const char *dmi_onnx_str(dmi_onnx *g, const char *fmt, ...) DM_PRINTF(2, 3);

/* A float32 weight named `name` with `n_dims` dims: seeded values as an
   initializer, or (without weights) a graph input of that shape. */
DM_INTERNAL void dmi_onnx_weight(dmi_onnx *g, const char *name, dmi_init kind, int64_t fan_in,
                                 const int64_t *dims, int n_dims);

/* A float32 scalar initializer (present with or without weights). */
DM_INTERNAL void dmi_onnx_scalar(dmi_onnx *g, const char *name, float value);

/* Append node `op` named `name` whose one output is `output` (NULL: the
   node's name).  Returns the output name. */
DM_INTERNAL const char *dmi_onnx_node(dmi_onnx *g, const char *op, const char *name,
                                      const char *output, const char *const *inputs,
                                      int n_inputs, const dmi_onnx_attr *attrs, int n_attrs);

/* The graph's input, float32 (N, c, r, r) with N dynamic; and its output,
   float32 (N, c). */
DM_INTERNAL void dmi_onnx_input(dmi_onnx *g, const char *name, int32_t c, int32_t r);
DM_INTERNAL void dmi_onnx_output(dmi_onnx *g, const char *name, int32_t c);

/* The model's doc_string (a string that outlives the builder, or one of
   dmi_onnx_str's) and one metadata_props entry (key and value likewise;
   NULL does nothing: a failed dmi_onnx_str has set the failure). */
DM_INTERNAL void dmi_onnx_doc(dmi_onnx *g, const char *text);
DM_INTERNAL void dmi_onnx_meta(dmi_onnx *g, const char *key, const char *value);
/* Make `code` with `msg` the builder's failure (when it has none yet). */
DM_INTERNAL void dmi_onnx_fail(dmi_onnx *g, dm_status code, const char *msg);

/* Serialise the model.  *out is freed with dm_free. */
DM_INTERNAL dm_status dmi_onnx_finish(dmi_onnx *g, const char *graph_name, uint8_t **out,
                                      size_t *out_len, dm_error *err);

#endif
