/*
** export_mlp_onnx.c -- dm_mlp -> ONNX model through the graph builder
** of export_onnx.c (onnx_graph.h), with the same options and weights as
** dm_export_onnx.  Ops: Gemm (transB 1; bias input only when the MLP has
** biases) per layer, then the activation between layers: Relu; Clip with
** scalar bounds "const.relu6_min"/"const.relu6_max"; Sigmoid + Mul for
** silu.  Initializers layers.<i>.weight (out, in) and layers.<i>.bias
** are the PyTorch module's state_dict keys.  Input "input" (N, in),
** output "output" (N, out), N dynamic.
**
** The builder only declares 4-D (N, C, R, R) graph inputs, so the model
** is built with R = 1 and the input's shape is cut to its first two dims
** in the packed model (unpack, edit one ValueInfo, repack).  Doc string
** and metadata as export_onnx.c's (onnx_meta.c); a design record in the
** options is CNN-only and ignored here.
*/
#include "mlp.h"
#include "onnx_meta.h"
#include "onnx.pb-c.h"
#include <string.h>

#define S(...) dmi_onnx_str(g, __VA_ARGS__)

static const char *act(dmi_onnx *g, const char *x, dm_act a, int32_t i, int *have_clip) {
    const char *name = S("layers.%d.act", (int)i);
    if (a == DM_ACT_RELU) return dmi_onnx_node(g, "Relu", name, NULL, &x, 1, NULL, 0);
    if (a == DM_ACT_RELU6) {
        if (!*have_clip) {
            dmi_onnx_scalar(g, "const.relu6_min", 0.0f);
            dmi_onnx_scalar(g, "const.relu6_max", 6.0f);
            *have_clip = 1;
        }
        const char *in[3] = {x, "const.relu6_min", "const.relu6_max"};
        return dmi_onnx_node(g, "Clip", name, NULL, in, 3, NULL, 0);
    }
    const char *in[2] = {x, dmi_onnx_node(g, "Sigmoid", S("layers.%d.sigmoid", (int)i), NULL,
                                          &x, 1, NULL, 0)};
    return dmi_onnx_node(g, "Mul", name, NULL, in, 2, NULL, 0);
}

static void build(dmi_onnx *g, const dm_mlp *m) {
    const char *x = "input";
    int have_clip = 0;
    dmi_onnx_input(g, "input", m->in_features, 1);
    for (int32_t i = 0; i < m->n_layers; i++) {
        int64_t in = dmi_mlp_width(m, i + 1), dims[2] = {dmi_mlp_width(m, i + 2), in};
        const char *wname = S("layers.%d.weight", (int)i), *bname = S("layers.%d.bias", (int)i);
        dmi_onnx_weight(g, wname, DMI_INIT_LINEAR, in, dims, 2);
        if (m->bias) dmi_onnx_weight(g, bname, DMI_INIT_BIAS, in, dims, 1);
        const char *ins[3] = {x, wname, bname};
        dmi_onnx_attr tb = {.name = "transB", .kind = DMI_ATTR_INT, .n = 1, .ints = {1}};
        int last = i + 1 == m->n_layers;
        x = dmi_onnx_node(g, "Gemm", S("layers.%d", (int)i), last ? "output" : NULL, ins,
                          m->bias ? 3 : 2, &tb, 1);
        if (!last) x = act(g, x, m->act, i, &have_clip);
    }
    dmi_onnx_output(g, "output", m->out_features);
}

/* Cut the graph input "input" from (N, C, 1, 1) to (N, C). */
static dm_status make_2d(uint8_t **bytes, size_t *len, dm_error *err) {
    Onnx__ModelProto *model = onnx__model_proto__unpack(NULL, *len, *bytes);
    if (!model) return DM_FAIL(err, DM_ERR_INTERNAL, "cannot re-read the ONNX model just made");
    Onnx__TensorShapeProto *shape = NULL;
    for (size_t i = 0; i < model->graph->n_input; i++)
        if (strcmp(model->graph->input[i]->name, "input") == 0)
            shape = model->graph->input[i]->type->tensor_type->shape;
    dm_status s = DM_OK;
    if (!shape || shape->n_dim != 4)
        s = DM_FAIL(err, DM_ERR_INTERNAL, "the ONNX builder's input is not 4-D");
    else {
        shape->n_dim = 2;
        size_t n = onnx__model_proto__get_packed_size(model);
        uint8_t *out = dmi_malloc(n);
        if (!out) s = DM_FAIL(err, DM_ERR_NOMEM, "out of memory packing the ONNX model");
        else if (onnx__model_proto__pack(model, out) != n) {
            dm_free(out);
            s = DM_FAIL(err, DM_ERR_INTERNAL, "ONNX packing wrote an unexpected size");
        } else {
            dm_free(*bytes);
            *bytes = out;
            *len = n;
        }
        shape->n_dim = 4; /* so free_unpacked frees all four */
    }
    onnx__model_proto__free_unpacked(model, NULL);
    return s;
}

dm_status dm_export_mlp_onnx(const dm_mlp *m, const dm_onnx_options *opt, uint8_t **out_bytes,
                             size_t *out_len, dm_error *err) {
    if (!out_bytes || !out_len) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_mlp_onnx needs outputs");
    *out_bytes = NULL;
    *out_len = 0;
    if (!m) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_mlp_onnx needs an MLP");
    dm_status s = dm_mlp_validate(m, err);
    dm_onnx_options o;
    dm_onnx_options_default(&o);
    if (opt) o = *opt;
    if (!s && (o.opset < DM_ONNX_OPSET_MIN || o.opset > DM_ONNX_OPSET_MAX))
        s = DM_FAIL(err, DM_ERR_UNSUPPORTED, "ONNX opset %d is not supported (use %d..%d)",
                    (int)o.opset, DM_ONNX_OPSET_MIN, DM_ONNX_OPSET_MAX);
    if (!s && o.with_weights != 0 && o.with_weights != 1)
        s = DM_FAIL(err, DM_ERR_INVALID, "with_weights must be 0 or 1, not %d", (int)o.with_weights);
    if (s) return s;
    dmi_onnx *g = dmi_onnx_new(&o);
    if (!g) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory starting an ONNX graph");
    build(g, m);
    s = dmi_onnx_provenance_mlp(g, m, &o, err);
    if (!s) s = dmi_onnx_finish(g, "deepmad_mlp", out_bytes, out_len, err);
    dmi_onnx_free(g);
    if (!s) s = make_2d(out_bytes, out_len, err);
    if (s) { dm_free(*out_bytes); *out_bytes = NULL; *out_len = 0; }
    return s;
}
