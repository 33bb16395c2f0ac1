/*
** onnx_graph.c -- the ONNX graph builder (onnx_graph.h) over the protobuf-c
** bindings that cmake/onnx.cmake generates at build time from Debian's
** onnx.proto (package onnx, proto2).  Nothing here is hand-encoded: the
** bytes come from onnx__model_proto__pack.
**
** Memory: every struct, string and weight array is one allocation recorded
** in g->owned and freed together by dmi_onnx_free, because protobuf-c
** messages are plain pointer trees with no ownership of their own.
**
** Weights are raw_data in little-endian byte order, as the ONNX spec
** requires, whatever the host's order.  A protobuf message cannot pass
** 2 GiB (readers refuse it), so the builder stops at WEIGHT_LIMIT bytes of
** weights, before allocating them, and checks the packed size again.
*/
#include "onnx_graph.h"
#include "onnx.pb-c.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROTO_LIMIT ((size_t)INT32_MAX)
#define WEIGHT_LIMIT ((int64_t)INT32_MAX - ((int64_t)64 << 20))

typedef struct ptr_list {
    void **p;
    size_t n, cap;
} ptr_list;

struct dmi_onnx {
    dm_onnx_options opt;
    dm_status status;       /* first failure; DM_OK while building */
    dm_error err;           /* its message */
    ptr_list owned;         /* every allocation, freed by dmi_onnx_free */
    ptr_list nodes, inits, inputs, outputs;
    ptr_list meta;          /* Onnx__StringStringEntryProto: metadata_props */
    const char *doc;        /* the model's doc_string; NULL = none */
    int64_t weight_bytes;   /* raw_data bytes so far */
};

#define G_FAIL(g, code, ...)                                                   \
    do {                                                                       \
        if (!(g)->status) (g)->status = DM_FAIL(&(g)->err, (code), __VA_ARGS__); \
    } while (0)

static int push(ptr_list *l, void *p) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        void **q = dmi_realloc(l->p, cap * sizeof *q);
        if (!q) return 0;
        l->p = q;
        l->cap = cap;
    }
    l->p[l->n++] = p;
    return 1;
}

/* Zeroed memory owned by the builder; NULL once anything has failed. */
static void *g_alloc(dmi_onnx *g, size_t n) {
    if (g->status) return NULL;
    void *p = dmi_calloc(1, n);
    if (!p || !push(&g->owned, p)) {
        free(p);
        G_FAIL(g, DM_ERR_NOMEM, "out of memory building the ONNX graph");
        return NULL;
    }
    return p;
}

static void g_push(dmi_onnx *g, ptr_list *l, void *p) {
    if (p && !g->status && !push(l, p))
        G_FAIL(g, DM_ERR_NOMEM, "out of memory building the ONNX graph");
}

dmi_onnx *dmi_onnx_new(const dm_onnx_options *opt) {
    dmi_onnx *g = dmi_calloc(1, sizeof *g);
    if (g) g->opt = *opt;
    return g;
}

void dmi_onnx_free(dmi_onnx *g) {
    if (!g) return;
    for (size_t i = 0; i < g->owned.n; i++) free(g->owned.p[i]);
    free(g->owned.p);
    free(g->nodes.p);
    free(g->inits.p);
    free(g->inputs.p);
    free(g->outputs.p);
    free(g->meta.p);
    free(g);
}

const char *dmi_onnx_str(dmi_onnx *g, const char *fmt, ...) {
    if (g->status) return NULL;   /* an argument may be a failed call's NULL */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : g_alloc(g, (size_t)n + 1);
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* ---------------------------------------------------------------------- */
/* Types and tensors                                                      */
/* ---------------------------------------------------------------------- */

static Onnx__TensorShapeProto__Dimension *dimension(dmi_onnx *g, int64_t value) {
    Onnx__TensorShapeProto__Dimension *d = g_alloc(g, sizeof *d);
    if (!d) return NULL;
    onnx__tensor_shape_proto__dimension__init(d);
    if (value < 0) { /* the dynamic batch */
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        d->dim_param = "N";
    } else {
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d->dim_value = value;
    }
    return d;
}

/* A float32 value_info; a negative dim is the dynamic batch "N". */
static Onnx__ValueInfoProto *value_info(dmi_onnx *g, const char *name, const int64_t *dims,
                                        int n_dims) {
    Onnx__ValueInfoProto *v = g_alloc(g, sizeof *v);
    Onnx__TypeProto *t = g_alloc(g, sizeof *t);
    Onnx__TypeProto__Tensor *tt = g_alloc(g, sizeof *tt);
    Onnx__TensorShapeProto *sh = g_alloc(g, sizeof *sh);
    Onnx__TensorShapeProto__Dimension **d = g_alloc(g, (size_t)n_dims * sizeof *d);
    for (int i = 0; d && i < n_dims; i++) d[i] = dimension(g, dims[i]);
    if (g->status) return NULL;
    onnx__value_info_proto__init(v);
    onnx__type_proto__init(t);
    onnx__type_proto__tensor__init(tt);
    onnx__tensor_shape_proto__init(sh);
    sh->n_dim = (size_t)n_dims;
    sh->dim = d;
    tt->has_elem_type = 1;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tt->shape = sh;
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    t->tensor_type = tt;
    v->name = (char *)name;
    v->type = t;
    return v;
}

/* Store floats as little-endian bytes in place. */
static void to_little_endian(float *data, int64_t n) {
    unsigned char *p = (unsigned char *)data;
    for (int64_t i = 0; i < n; i++, p += 4) {
        uint32_t u;
        memcpy(&u, p, 4);
        p[0] = (unsigned char)u;
        p[1] = (unsigned char)(u >> 8);
        p[2] = (unsigned char)(u >> 16);
        p[3] = (unsigned char)(u >> 24);
    }
}

static void add_tensor(dmi_onnx *g, const char *name, const int64_t *dims, int n_dims,
                       float *data, int64_t n) {
    Onnx__TensorProto *t = g_alloc(g, sizeof *t);
    int64_t *d = g_alloc(g, (size_t)(n_dims ? n_dims : 1) * sizeof *d);
    if (g->status) return;
    onnx__tensor_proto__init(t);
    if (n_dims) memcpy(d, dims, (size_t)n_dims * sizeof *d);
    t->name = (char *)name;
    t->n_dims = (size_t)n_dims;
    t->dims = d;
    t->has_data_type = 1;
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    to_little_endian(data, n);
    t->has_raw_data = 1;
    t->raw_data.len = (size_t)n * 4;
    t->raw_data.data = (uint8_t *)data;
    g_push(g, &g->inits, t);
}

void dmi_onnx_weight(dmi_onnx *g, const char *name, dmi_init kind, int64_t fan_in,
                     const int64_t *dims, int n_dims) {
    int64_t n = 1;
    for (int i = 0; i < n_dims; i++)
        if (!dmi_mul64(n, dims[i], &n)) n = INT64_MAX;
    if (g->status || !name) return;
    if (!g->opt.with_weights) {
        g_push(g, &g->inputs, value_info(g, name, dims, n_dims));
        return;
    }
    if (n > WEIGHT_LIMIT / 4 || g->weight_bytes + 4 * n > WEIGHT_LIMIT) {
        G_FAIL(g, DM_ERR_UNSUPPORTED,
               "the weights pass 2 GiB, protobuf's limit for one ONNX file; "
               "export without weights (a structure-only file)");
        return;
    }
    g->weight_bytes += 4 * n;
    float *data = g_alloc(g, (size_t)n * sizeof *data);
    if (!data) return;
    dmi_weights_fill(g->opt.seed, name, kind, fan_in, data, n);
    add_tensor(g, name, dims, n_dims, data, n);
}

void dmi_onnx_scalar(dmi_onnx *g, const char *name, float value) {
    float *data = g_alloc(g, sizeof *data);
    if (!data || !name) return;
    *data = value;
    add_tensor(g, name, NULL, 0, data, 1);
}

/* ---------------------------------------------------------------------- */
/* Nodes                                                                  */
/* ---------------------------------------------------------------------- */

static Onnx__AttributeProto *attribute(dmi_onnx *g, const dmi_onnx_attr *a) {
    Onnx__AttributeProto *p = g_alloc(g, sizeof *p);
    int64_t *ints = g_alloc(g, sizeof a->ints);
    if (g->status) return NULL;
    onnx__attribute_proto__init(p);
    p->name = (char *)a->name;
    p->has_type = 1;
    if (a->kind == DMI_ATTR_FLOAT) {
        p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
        p->has_f = 1;
        p->f = a->f;
    } else if (a->kind == DMI_ATTR_INT) {
        p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
        p->has_i = 1;
        p->i = a->ints[0];
    } else {
        p->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
        memcpy(ints, a->ints, sizeof a->ints);
        p->n_ints = (size_t)a->n;
        p->ints = ints;
    }
    return p;
}

const char *dmi_onnx_node(dmi_onnx *g, const char *op, const char *name, const char *output,
                          const char *const *inputs, int n_inputs, const dmi_onnx_attr *attrs,
                          int n_attrs) {
    Onnx__NodeProto *nd = g_alloc(g, sizeof *nd);
    char **in = g_alloc(g, (size_t)(n_inputs ? n_inputs : 1) * sizeof *in);
    char **out = g_alloc(g, sizeof *out);
    Onnx__AttributeProto **at = g_alloc(g, (size_t)(n_attrs ? n_attrs : 1) * sizeof *at);
    for (int i = 0; at && i < n_attrs; i++) at[i] = attribute(g, &attrs[i]);
    for (int i = 0; i < n_inputs; i++)
        if (!inputs[i]) G_FAIL(g, DM_ERR_INTERNAL, "ONNX node %s has no input %d", name, i);
    if (g->status || !name) return NULL;
    onnx__node_proto__init(nd);
    for (int i = 0; i < n_inputs; i++) in[i] = (char *)inputs[i];
    out[0] = (char *)(output ? output : name);
    nd->n_input = (size_t)n_inputs;
    nd->input = in;
    nd->n_output = 1;
    nd->output = out;
    nd->name = (char *)name;
    nd->op_type = (char *)op;
    nd->n_attribute = (size_t)n_attrs;
    nd->attribute = at;
    g_push(g, &g->nodes, nd);
    return g->status ? NULL : out[0];
}

void dmi_onnx_input(dmi_onnx *g, const char *name, int32_t c, int32_t r) {
    int64_t dims[4] = {-1, c, r, r};
    g_push(g, &g->inputs, value_info(g, name, dims, 4));
}

void dmi_onnx_output(dmi_onnx *g, const char *name, int32_t c) {
    int64_t dims[2] = {-1, c};
    g_push(g, &g->outputs, value_info(g, name, dims, 2));
}

/* ---------------------------------------------------------------------- */
/* Provenance                                                             */
/* ---------------------------------------------------------------------- */

void dmi_onnx_doc(dmi_onnx *g, const char *text) {
    if (!g->status) g->doc = text;
}

void dmi_onnx_meta(dmi_onnx *g, const char *key, const char *value) {
    Onnx__StringStringEntryProto *e = g_alloc(g, sizeof *e);
    if (!e || !key || !value) return;
    onnx__string_string_entry_proto__init(e);
    e->key = (char *)key;
    e->value = (char *)value;
    g_push(g, &g->meta, e);
}

void dmi_onnx_fail(dmi_onnx *g, dm_status code, const char *msg) {
    G_FAIL(g, code, "%s", msg);
}

/* ---------------------------------------------------------------------- */
/* The model                                                              */
/* ---------------------------------------------------------------------- */

/* IR version of each opset's ONNX release: 1.8 and 1.9 (opsets 13, 14)
   wrote IR 7, 1.10 to 1.12 (opsets 15 to 17) IR 8. */
static int64_t ir_version(int32_t opset) { return opset <= 14 ? 7 : 8; }

static dm_status pack(Onnx__ModelProto *model, uint8_t **out, size_t *out_len, dm_error *err) {
    size_t n = onnx__model_proto__get_packed_size(model);
    if (n > PROTO_LIMIT)
        return DM_FAIL(err, DM_ERR_UNSUPPORTED, "the ONNX model would be %zu bytes, past "
                       "protobuf's 2 GiB limit", n);
    uint8_t *buf = dmi_malloc(n);
    if (!buf) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory packing a %zu-byte ONNX model", n);
    if (onnx__model_proto__pack(model, buf) != n) {
        free(buf);
        return DM_FAIL(err, DM_ERR_INTERNAL, "protobuf-c packed a different size than it sized");
    }
    *out = buf;
    *out_len = n;
    return DM_OK;
}

dm_status dmi_onnx_finish(dmi_onnx *g, const char *graph_name, uint8_t **out, size_t *out_len,
                          dm_error *err) {
    if (g->status) {
        if (err) *err = g->err;
        return g->status;
    }
    Onnx__GraphProto graph;
    onnx__graph_proto__init(&graph);
    graph.name = (char *)graph_name;
    graph.n_node = g->nodes.n;
    graph.node = (Onnx__NodeProto **)g->nodes.p;
    graph.n_initializer = g->inits.n;
    graph.initializer = (Onnx__TensorProto **)g->inits.p;
    graph.n_input = g->inputs.n;
    graph.input = (Onnx__ValueInfoProto **)g->inputs.p;
    graph.n_output = g->outputs.n;
    graph.output = (Onnx__ValueInfoProto **)g->outputs.p;
    Onnx__OperatorSetIdProto opset;
    onnx__operator_set_id_proto__init(&opset);
    opset.domain = "";
    opset.has_version = 1;
    opset.version = g->opt.opset;
    Onnx__OperatorSetIdProto *opsets[1] = {&opset};
    Onnx__ModelProto model;
    onnx__model_proto__init(&model);
    model.has_ir_version = 1;
    model.ir_version = ir_version(g->opt.opset);
    model.n_opset_import = 1;
    model.opset_import = opsets;
    model.producer_name = "deepmad";
    model.producer_version = DM_VERSION;
    model.graph = &graph;
    model.doc_string = (char *)g->doc;
    model.n_metadata_props = g->meta.n;
    model.metadata_props = (Onnx__StringStringEntryProto **)g->meta.p;
    return pack(&model, out, out_len, err);
}
