/*
** onnx_meta.h -- provenance of an exported ONNX model: the doc_string and
** metadata_props that say what the file is, what it measures, that its
** weights are untrained placeholders, and (for a design) the problem it
** was made for.  The keys are listed in docs/export.md.
*/
#ifndef DM_ONNX_META_H
#define DM_ONNX_META_H
#include "mlp.h"
#include "onnx_graph.h"

/* Doc string and metadata of a CNN (`net`) or an MLP (`m`) export under
   options `o` (o->design: the problem's keys; CNN only), on builder g.
   DM_OK or the metrics' error; the builder's own failures stay sticky
   in g, as every builder call's. */
DM_INTERNAL dm_status dmi_onnx_provenance(dmi_onnx *g, const dm_net *net,
                                          const dm_onnx_options *o, dm_error *err);
DM_INTERNAL dm_status dmi_onnx_provenance_mlp(dmi_onnx *g, const dm_mlp *m,
                                              const dm_onnx_options *o, dm_error *err);

#endif
