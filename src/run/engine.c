/*
** engine.c -- ops as oneDNN primitives (engine.h), through oneDNN's C API
** (Debian's libdnnl 2.6: operation descriptors, then primitive
** descriptors).  Everything is f32, inference, on the CPU engine.
**
** What each op becomes (the fusions of model/ops.c):
**   conv    convolution (direct), weights and output in the layouts the
**           engine picks (format `any`: blocked, e.g. nChw8c on AVX2),
**           bias (the folded BN), post-ops [sum][eltwise]
**   pool    pooling: max 3x3/2 padding 1, or avg kernel = stride
**   gap     avg pooling over the whole r x r
**   se      gap, 1x1 conv + bias + act, 1x1 conv + bias + logistic, binary
**           mul of the input by the gate (broadcast), in place
**   linear  inner product with bias
** Weight layouts are chosen by the engine and filled directly, as a
** deployed net's weights are reordered once, before it runs.  Data is
** random (a seeded generator in the plan: same plan, same numbers), scaled
** so that values stay finite through deep nets (He-uniform weights).
**
** Memories are allocated by oneDNN (aligned as it wants); the plan's own
** arrays go through dmi_realloc.  oneDNN keeps a primitive cache of its
** own; this file keeps no state outside a plan.
*/
#include "engine.h"
#include "ops.h"
#include "net.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

#define MAX_ARGS 5
/* Activation buffers a net's plan cycles through: a block holds at most
   three tensors live (its input, its shortcut, the current one) while it
   writes a fourth. */
#define RING 4

typedef struct step {
    dnnl_primitive_t prim;
    int n_args;
    dnnl_exec_arg_t args[MAX_ARGS];
} step;

struct dmi_plan {
    dnnl_engine_t eng;
    dnnl_stream_t stream;
    int32_t batch;
    step *steps;
    int32_t n_steps, cap_steps;
    dnnl_memory_t *mems;       /* every memory the plan owns */
    int32_t n_mems, cap_mems;
    int32_t reorders;
    uint64_t rng;
    /* A net's activations live in RING buffers reused in turn, as a
       deployed runtime plans its memory, so an op writes where an earlier
       one wrote (warm in cache, as a lone op's output is when timed);
       ring_bytes 0 (a lone op): every tensor has its own memory. */
    void *ring_raw[RING], *ring[RING];
    size_t ring_bytes;
    int ring_next;
    dnnl_memory_t pin[3];      /* live tensors a new activation must not overwrite */
    int own;                   /* 1: new activations get their own memory (SE's vectors) */
    uint64_t touched;          /* what chill read, kept so the reads are not optimised away */
};

/* ---------------------------------------------------------------------- */
/* Errors, growth, data                                                   */
/* ---------------------------------------------------------------------- */

static dm_status dnnl_fail(dm_error *err, dnnl_status_t st, const char *what) {
    dm_status code = st == dnnl_out_of_memory ? DM_ERR_NOMEM
                   : st == dnnl_unimplemented ? DM_ERR_UNSUPPORTED : DM_ERR_INTERNAL;
    return DM_FAIL(err, code, "oneDNN: %s failed (%s)", what, dnnl_status2str(st));
}

#define DNNL_TRY(call, what) do {                                            \
    dnnl_status_t st_ = (call);                                              \
    if (st_ != dnnl_success) return dnnl_fail(err, st_, what);               \
} while (0)

/* Make room for one more element of an array of `size`-byte items. */
static dm_status grow(void **arr, int32_t n, int32_t *cap, size_t size, dm_error *err) {
    if (n < *cap) return DM_OK;
    int32_t c = *cap ? 2 * *cap : 16;
    void *bigger = dmi_realloc(*arr, (size_t)c * size);
    if (!bigger) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory building a oneDNN plan");
    *arr = bigger;
    *cap = c;
    return DM_OK;
}

/* Uniform in [-1, 1) from the plan's generator (splitmix64). */
static float uniform(dmi_plan *p) {
    uint64_t z = (p->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (float)((double)(z >> 11) / 4503599627370496.0 - 1.0);
}

/* A new memory of layout `md`, owned by the plan, filled with uniform
   values in [-scale, scale) (scale 0: left as allocated). */
static dm_status new_mem(dmi_plan *p, const dnnl_memory_desc_t *md, float scale,
                         dnnl_memory_t *out, dm_error *err) {
    dm_status s = grow((void **)&p->mems, p->n_mems, &p->cap_mems, sizeof *p->mems, err);
    if (s) return s;
    DNNL_TRY(dnnl_memory_create(out, md, p->eng, DNNL_MEMORY_ALLOCATE), "allocating a tensor");
    p->mems[p->n_mems++] = *out;
    if (scale == 0) return DM_OK;
    float *data = NULL;
    DNNL_TRY(dnnl_memory_get_data_handle(*out, (void **)&data), "reading a tensor's address");
    size_t n = dnnl_memory_desc_get_size(md) / sizeof *data;
    for (size_t i = 0; i < n; i++) data[i] = scale * uniform(p);
    return DM_OK;
}

static void *handle_of(dnnl_memory_t m) {
    void *h = NULL;
    if (m) dnnl_memory_get_data_handle(m, &h);
    return h;
}

/* A new activation tensor of layout `md`: in a net's plan the next ring
   buffer that holds no pinned tensor, else its own memory. */
static dm_status new_act(dmi_plan *p, const dnnl_memory_desc_t *md, dnnl_memory_t *out,
                         dm_error *err) {
    if (!p->ring_bytes || p->own) return new_mem(p, md, 0, out, err);
    if (dnnl_memory_desc_get_size(md) > p->ring_bytes)
        return DM_FAIL(err, DM_ERR_INTERNAL, "an activation outgrows the plan's buffers");
    for (int tries = 0; tries < RING; tries++) {
        void *buf = p->ring[p->ring_next];
        p->ring_next = (p->ring_next + 1) % RING;
        bool pinned = false;
        for (int i = 0; i < 3; i++) pinned |= p->pin[i] && handle_of(p->pin[i]) == buf;
        if (pinned) continue;
        dm_status s = grow((void **)&p->mems, p->n_mems, &p->cap_mems, sizeof *p->mems, err);
        if (s) return s;
        DNNL_TRY(dnnl_memory_create(out, md, p->eng, buf), "placing a tensor");
        p->mems[p->n_mems++] = *out;
        return DM_OK;
    }
    return DM_FAIL(err, DM_ERR_INTERNAL, "every activation buffer of the plan is live");
}

static const dnnl_memory_desc_t *md_of(dnnl_memory_t m) {
    const dnnl_memory_desc_t *md = NULL;
    dnnl_memory_get_memory_desc(m, &md);
    return md;
}

/* Append the primitive of `pd` with its arguments; the plan owns it. */
static dm_status add_step(dmi_plan *p, const_dnnl_primitive_desc_t pd, const dnnl_exec_arg_t *args,
                          int n_args, dm_error *err) {
    dm_status s = grow((void **)&p->steps, p->n_steps, &p->cap_steps, sizeof *p->steps, err);
    if (s) return s;
    step *st = &p->steps[p->n_steps];
    DNNL_TRY(dnnl_primitive_create(&st->prim, pd), "creating a primitive");
    p->n_steps++;
    st->n_args = n_args;
    memcpy(st->args, args, (size_t)n_args * sizeof *args);
    return DM_OK;
}

/* A primitive descriptor for `desc` with post-ops `po` (NULL: none). */
static dm_status make_pd(dmi_plan *p, const void *desc, dnnl_post_ops_t po,
                         dnnl_primitive_desc_t *pd, const char *what, dm_error *err) {
    dnnl_primitive_attr_t attr = NULL;
    dnnl_status_t st = dnnl_primitive_attr_create(&attr);
    if (st == dnnl_success && po) st = dnnl_primitive_attr_set_post_ops(attr, po);
    if (st == dnnl_success) st = dnnl_primitive_desc_create(pd, desc, attr, p->eng, NULL);
    dnnl_primitive_attr_destroy(attr);
    return st == dnnl_success ? DM_OK : dnnl_fail(err, st, what);
}

static void dims4(dnnl_dims_t d, int64_t n, int64_t c, int64_t r) {
    d[0] = n;
    d[1] = c;
    d[2] = d[3] = r;
}

/* ---------------------------------------------------------------------- */
/* Ops                                                                    */
/* ---------------------------------------------------------------------- */

/* The eltwise post-op of activation `act` (a dm_act, or -2 for the SE
   gate's sigmoid); nothing for DM_OP_ACT_NONE. */
#define ACT_SIGMOID (-2)
static dnnl_status_t append_act(dnnl_post_ops_t po, int32_t act) {
    switch (act) {
    case DM_ACT_RELU: return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0, 0);
    case DM_ACT_RELU6: return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_clip, 0, 6);
    case DM_ACT_SILU: return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_swish, 1, 0);
    case ACT_SIGMOID: return dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_logistic, 0, 0);
    default: return dnnl_success;
    }
}

/* Bring x into layout `md` (no step when it already is). */
static dm_status to_layout(dmi_plan *p, dnnl_memory_t x, const dnnl_memory_desc_t *md,
                           dnnl_memory_t *out, dm_error *err) {
    *out = x;
    if (dnnl_memory_desc_equal(md_of(x), md)) return DM_OK;
    dnnl_primitive_desc_t pd = NULL;
    DNNL_TRY(dnnl_reorder_primitive_desc_create(&pd, md_of(x), p->eng, md, p->eng, NULL),
             "creating a reorder");
    dm_status s = new_act(p, md, out, err);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, x}, {DNNL_ARG_TO, *out}};
    if (!s) s = add_step(p, pd, args, 2, err);
    dnnl_primitive_desc_destroy(pd);
    if (!s) p->reorders++;
    return s;
}

/* The shape of one convolution (a conv op, or an SE conv on 1x1). */
typedef struct conv_shape {
    int32_t c_in, c_out, kernel, stride, groups, r_in, r_out, act;
} conv_shape;

static dm_status conv_desc(dmi_plan *p, const conv_shape *c, const dnnl_memory_desc_t *dst_fixed,
                           dnnl_convolution_desc_t *d, dm_error *err) {
    dnnl_dims_t sd, wd, bd = {c->c_out}, dd, str = {c->stride, c->stride};
    int32_t pl = c->kernel / 2, pr = (c->r_out - 1) * c->stride + c->kernel - c->r_in - pl;
    dnnl_dims_t padl = {pl, pl}, padr = {pr, pr};
    dnnl_memory_desc_t src, w, b, dst;
    dims4(sd, p->batch, c->c_in, c->r_in);
    dims4(dd, p->batch, c->c_out, c->r_out);
    int wn = 4;
    if (c->groups > 1) {
        int64_t g[5] = {c->groups, c->c_out / c->groups, c->c_in / c->groups, c->kernel, c->kernel};
        memcpy(wd, g, sizeof g);
        wn = 5;
    } else {
        int64_t g[4] = {c->c_out, c->c_in, c->kernel, c->kernel};
        memcpy(wd, g, sizeof g);
    }
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, dnnl_format_tag_any), "a conv input");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&w, wn, wd, dnnl_f32, dnnl_format_tag_any), "conv weights");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&b, 1, bd, dnnl_f32, dnnl_a), "a conv bias");
    if (dst_fixed) dst = *dst_fixed;
    else DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_format_tag_any),
                  "a conv output");
    DNNL_TRY(dnnl_convolution_forward_desc_init(d, dnnl_forward_inference,
                                                dnnl_convolution_direct, &src, &w, &b, &dst,
                                                str, padl, padr), "describing a conv");
    return DM_OK;
}

/* Conv `c` of x; with `sum`, adding into *y (NULL *y: a new destination
   filled once, as a lone op measures it).  *y gets the output. */
static dm_status conv(dmi_plan *p, const conv_shape *c, int sum, dnnl_memory_t x,
                      dnnl_memory_t *y, dm_error *err) {
    dnnl_convolution_desc_t d;
    dnnl_post_ops_t po = NULL;
    dnnl_primitive_desc_t pd = NULL;
    dm_status s = conv_desc(p, c, sum && *y ? md_of(*y) : NULL, &d, err);
    if (s) return s;
    DNNL_TRY(dnnl_post_ops_create(&po), "creating post-ops");
    dnnl_status_t st = sum ? dnnl_post_ops_append_sum(po, 1.0f) : dnnl_success;
    if (st == dnnl_success) st = append_act(po, c->act);
    s = st == dnnl_success ? make_pd(p, &d, po, &pd, "creating a conv", err)
                           : dnnl_fail(err, st, "adding a post-op");
    dnnl_post_ops_destroy(po);
    dnnl_memory_t xin = x, w = NULL, b = NULL;
    float ws = sqrtf(6.0f / (float)(c->c_in / c->groups * c->kernel * c->kernel));
    if (!s) s = to_layout(p, x, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), &xin, err);
    if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), ws, &w, err);
    if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1), 0.01f, &b, err);
    if (!s && sum && !*y)
        s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), 1.0f, y, err);
    else if (!s && !sum)
        s = new_act(p, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), y, err);
    if (!s) {
        dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, xin}, {DNNL_ARG_WEIGHTS, w},
                                   {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, *y}};
        s = add_step(p, pd, args, 4, err);
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

/* Pooling of x (c channels) from r_in to r_out: max with padding 1 or avg
   without, kernel k, stride s. */
static dm_status pool(dmi_plan *p, dnnl_memory_t x, int max, int32_t c, int32_t k, int32_t s_,
                      int32_t r_in, int32_t r_out, dnnl_memory_t *y, dm_error *err) {
    int32_t pl = max ? 1 : 0, pr = (r_out - 1) * s_ + k - r_in - pl;
    dnnl_dims_t dd, str = {s_, s_}, ker = {k, k}, padl = {pl, pl}, padr = {pr, pr};
    dnnl_memory_desc_t dst;
    dnnl_pooling_desc_t d;
    dnnl_primitive_desc_t pd = NULL;
    dims4(dd, p->batch, c, r_out);
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_format_tag_any), "a pool output");
    DNNL_TRY(dnnl_pooling_forward_desc_init(&d, dnnl_forward_inference,
                                            max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding,
                                            md_of(x), &dst, str, ker, padl, padr),
             "describing a pool");
    dm_status s = make_pd(p, &d, NULL, &pd, "creating a pool", err);
    if (!s) s = new_act(p, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), y, err);
    if (!s) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, *y}};
        s = add_step(p, pd, args, 2, err);
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

/* x *= gate, broadcast over r x r, in place. */
static dm_status scale(dmi_plan *p, dnnl_memory_t x, dnnl_memory_t gate, dm_error *err) {
    dnnl_binary_desc_t d;
    dnnl_primitive_desc_t pd = NULL;
    DNNL_TRY(dnnl_binary_desc_init(&d, dnnl_binary_mul, md_of(x), md_of(gate), md_of(x)),
             "describing the SE scale");
    dm_status s = make_pd(p, &d, NULL, &pd, "creating the SE scale", err);
    if (!s) {
        dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC_0, x}, {DNNL_ARG_SRC_1, gate}, {DNNL_ARG_DST, x}};
        s = add_step(p, pd, args, 3, err);
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

/* SE on x in place (model/ops.c's DM_OP_SE). */
static dm_status se(dmi_plan *p, const dm_op *op, dnnl_memory_t x, dm_error *err) {
    dnnl_memory_t h = NULL, z = NULL, g = NULL;
    conv_shape fc1 = {op->c_in, op->c_out, 1, 1, 1, 1, 1, op->act};
    conv_shape fc2 = {op->c_out, op->c_in, 1, 1, 1, 1, 1, ACT_SIGMOID};
    p->own = 1;   /* the pooled vectors are tiny and live beside x */
    dm_status s = pool(p, x, 0, op->c_in, op->r_in, 1, op->r_in, 1, &h, err);
    if (!s) s = conv(p, &fc1, 0, h, &z, err);
    if (!s) s = conv(p, &fc2, 0, z, &g, err);
    p->own = 0;
    return s ? s : scale(p, x, g, err);
}

static dm_status linear(dmi_plan *p, const dm_op *op, dnnl_memory_t x, dnnl_memory_t *y,
                        dm_error *err) {
    dnnl_dims_t wd = {op->c_out, op->c_in, 1, 1}, bd = {op->c_out}, dd = {p->batch, op->c_out};
    dnnl_memory_desc_t w, b, dst;
    dnnl_inner_product_desc_t d;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_t wm = NULL, bm = NULL;
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&w, 4, wd, dnnl_f32, dnnl_format_tag_any), "fc weights");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&b, 1, bd, dnnl_f32, dnnl_a), "an fc bias");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&dst, 2, dd, dnnl_f32, dnnl_format_tag_any), "an fc output");
    DNNL_TRY(dnnl_inner_product_forward_desc_init(&d, dnnl_forward_inference, md_of(x), &w, &b, &dst),
             "describing the classifier");
    dm_status s = make_pd(p, &d, NULL, &pd, "creating the classifier", err);
    float ws = sqrtf(6.0f / (float)op->c_in);
    if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), ws, &wm, err);
    if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1), 0.01f, &bm, err);
    if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), 0, y, err);
    if (!s) {
        dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, wm},
                                   {DNNL_ARG_BIAS, bm}, {DNNL_ARG_DST, *y}};
        s = add_step(p, pd, args, 4, err);
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

/* Apply `op` to x; `res` (conv with sum) is the tensor it adds into, or
   NULL for a fresh one.  *y gets the output (x itself for SE). */
static dm_status apply(dmi_plan *p, const dm_op *op, dnnl_memory_t x, dnnl_memory_t res,
                       dnnl_memory_t *y, dm_error *err) {
    conv_shape c = {op->c_in, op->c_out, op->kernel, op->stride, op->groups,
                    op->r_in, op->r_out, op->act};
    *y = op->sum ? res : NULL;
    p->pin[1] = res;
    p->pin[2] = x;
    switch (op->kind) {
    case DM_OP_CONV: return conv(p, &c, op->sum, x, y, err);
    case DM_OP_POOL:
        return pool(p, x, op->kernel != op->stride, op->c_in, op->kernel, op->stride, op->r_in,
                    op->r_out, y, err);
    case DM_OP_GAP: return pool(p, x, 0, op->c_in, op->r_in, 1, op->r_in, 1, y, err);
    case DM_OP_SE:
        *y = x;
        return se(p, op, x, err);
    case DM_OP_LINEAR: return linear(p, op, x, y, err);
    default:
        return DM_FAIL(err, DM_ERR_UNSUPPORTED, "the engine cannot run a '%s' op",
                       dm_op_kind_name(op->kind));
    }
}

/* ---------------------------------------------------------------------- */
/* Plans                                                                  */
/* ---------------------------------------------------------------------- */

dm_status dmi_engine_plan(int32_t batch, dmi_plan **out, dm_error *err) {
    dmi_plan *p = dmi_calloc(1, sizeof *p);
    *out = NULL;
    if (!p) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory building a oneDNN plan");
    p->batch = batch;
    p->rng = 0x5DEECE66Dull;
    dnnl_status_t st = dnnl_engine_create(&p->eng, dnnl_cpu, 0);
    if (st == dnnl_success) st = dnnl_stream_create(&p->stream, p->eng, dnnl_stream_default_flags);
    if (st != dnnl_success) {
        dmi_engine_free(p);
        return dnnl_fail(err, st, "starting the CPU engine");
    }
    *out = p;
    return DM_OK;
}

void dmi_engine_free(dmi_plan *p) {
    if (!p) return;
    for (int32_t i = 0; i < p->n_steps; i++) dnnl_primitive_destroy(p->steps[i].prim);
    for (int32_t i = 0; i < p->n_mems; i++) dnnl_memory_destroy(p->mems[i]);
    if (p->stream) dnnl_stream_destroy(p->stream);
    if (p->eng) dnnl_engine_destroy(p->eng);
    for (int i = 0; i < RING; i++) dm_free(p->ring_raw[i]);
    dm_free(p->steps);
    dm_free(p->mems);
    dm_free(p);
}

/* A random input of c channels at r in layout `tag` (format_tag_any: the
   layout a 1x1 conv c -> c writes, what an op inside a net receives). */
static dm_status input(dmi_plan *p, int32_t c, int32_t r, dnnl_format_tag_t tag,
                       dnnl_memory_t *x, dm_error *err) {
    dnnl_dims_t d;
    dnnl_memory_desc_t md;
    dims4(d, p->batch, c, r);
    if (tag != dnnl_format_tag_any) {
        DNNL_TRY(dnnl_memory_desc_init_by_tag(&md, 4, d, dnnl_f32, tag), "an input");
        return new_mem(p, &md, 1.0f, x, err);
    }
    conv_shape probe = {c, c, 1, 1, 1, r, r, DM_OP_ACT_NONE};
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd = NULL;
    dm_status s = conv_desc(p, &probe, NULL, &cd, err);
    if (!s) s = make_pd(p, &cd, NULL, &pd, "finding the engine's layout", err);
    if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), 1.0f, x, err);
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

dm_status dmi_engine_op(dmi_plan *p, const dm_op *op, dm_error *err) {
    dnnl_memory_t x = NULL, y = NULL;
    dm_status s;
    if (op->kind == DM_OP_CONV) {
        /* A conv's input comes in the layout it asks for: make that. */
        conv_shape c = {op->c_in, op->c_out, op->kernel, op->stride, op->groups,
                        op->r_in, op->r_out, op->act};
        dnnl_convolution_desc_t cd;
        dnnl_primitive_desc_t pd = NULL;
        s = conv_desc(p, &c, NULL, &cd, err);
        if (!s) s = make_pd(p, &cd, NULL, &pd, "finding a conv's input layout", err);
        if (!s) s = new_mem(p, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), 1.0f, &x, err);
        if (pd) dnnl_primitive_desc_destroy(pd);
    } else {
        s = input(p, op->c_in, op->r_in, dnnl_format_tag_any, &x, err);
    }
    return s ? s : apply(p, op, x, NULL, &y, err);
}

/* One block: its shortcut ops (before the first main conv) from the block
   input into `res`, then the main ops from the input, the last adding into
   `res` (the input itself for an identity residual). */
static dm_status block(dmi_plan *p, const dm_block_info *b, const dm_op *ops, int32_t n,
                       dnnl_memory_t *x, dm_error *err) {
    int32_t n_short = (n > 0 && ops[0].kind == DM_OP_POOL) +
                      (b->residual == DM_RESIDUAL_CONV || b->residual == DM_RESIDUAL_AVGPOOL_CONV);
    dnnl_memory_t res = *x, y = *x;
    dm_status s = DM_OK;
    p->pin[0] = *x;   /* the block input lives until its last conv has read it */
    for (int32_t i = 0; !s && i < n_short; i++) s = apply(p, &ops[i], res, NULL, &res, err);
    for (int32_t i = n_short; !s && i < n; i++) s = apply(p, &ops[i], y, res, &y, err);
    p->pin[0] = NULL;
    *x = y;
    return s;
}

/* Bytes of an activation of c channels at r, padded as a blocked layout
   pads channels (to 16 covers 8- and 16-wide blocks). */
static size_t act_bytes(const dmi_plan *p, int32_t c, int32_t r) {
    return (size_t)p->batch * (size_t)((c + 15) / 16 * 16) * (size_t)r * (size_t)r * sizeof(float);
}

/* The ring's buffers, each as large as the largest activation of ops. */
static dm_status ring_alloc(dmi_plan *p, const dm_op *ops, int32_t n, dm_error *err) {
    size_t bytes = 0;
    for (int32_t i = 0; i < n; i++) {
        size_t a = act_bytes(p, ops[i].c_in, ops[i].r_in), b = act_bytes(p, ops[i].c_out, ops[i].r_out);
        bytes = a > bytes ? a : bytes;
        bytes = b > bytes ? b : bytes;
    }
    for (int i = 0; i < RING; i++) {
        p->ring_raw[i] = dmi_calloc(bytes + 64, 1);
        if (!p->ring_raw[i]) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory for a net's activations");
        p->ring[i] = (void *)(((uintptr_t)p->ring_raw[i] + 63) & ~(uintptr_t)63);
    }
    p->ring_bytes = bytes;
    return DM_OK;
}

dm_status dmi_engine_net(dmi_plan *p, const dm_net *net, dm_error *err) {
    dm_op *ops = NULL;
    int32_t n = 0, i = 0;
    dnnl_memory_t x = NULL;
    dm_status s = dm_net_ops(net, &ops, &n, err);
    if (!s) s = ring_alloc(p, ops, n, err);
    if (!s) s = input(p, net->arch.in_channels, net->arch.input_size, dnnl_nchw, &x, err);
    p->pin[0] = p->pin[1] = p->pin[2] = NULL;
    /* The stem conv and its max pool. */
    for (int32_t k = net->arch.stem.maxpool ? 2 : 1; !s && i < k; i++)
        s = apply(p, &ops[i], x, NULL, &x, err);
    for (int32_t bi = 0; !s && bi < net->n_blocks; bi++) {
        dm_layer ls[DMI_BLOCK_MAX_LAYERS];
        dm_op bo[DMI_OPS_PER_BLOCK];
        int32_t nl = 0, nb = 0;
        s = dmi_block_layers(&net->blocks[bi], ls, &nl, err);
        if (s) break;
        dmi_ops_block(&net->blocks[bi], ls, nl, bo, &nb);
        s = block(p, &net->blocks[bi], &ops[i], nb, &x, err);
        i += nb;
    }
    for (; !s && i < n; i++) s = apply(p, &ops[i], x, NULL, &x, err); /* head, gap, fc */
    dm_free(ops);
    return s;
}

dm_status dmi_engine_run(dmi_plan *p, dm_error *err) {
    for (int32_t i = 0; i < p->n_steps; i++)
        DNNL_TRY(dnnl_primitive_execute(p->steps[i].prim, p->stream, p->steps[i].n_args,
                                        p->steps[i].args), "running a primitive");
    DNNL_TRY(dnnl_stream_wait(p->stream), "waiting for the engine");
    return DM_OK;
}

/* Read every byte of memory m into p->touched (one load per cache line). */
static void touch(dmi_plan *p, dnnl_memory_t m) {
    const dnnl_memory_desc_t *md = NULL;
    unsigned char *h = handle_of(m);
    if (!h || dnnl_memory_get_memory_desc(m, &md) != dnnl_success) return;
    size_t n = dnnl_memory_desc_get_size(md);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i += 64) sum += h[i];
    p->touched += sum;
}

void dmi_engine_chill(dmi_plan *p, unsigned char *evict) {
    /* Writing more than the caches hold pushes out everything the last
       run left there (weights, scratchpads, page-table entries); then the
       activations are read back in, as the producer left them. */
    memset(evict, (int)(p->touched & 0xff), DM_RUN_EVICT_BYTES);
    for (int32_t i = 0; i < p->n_steps; i++)
        for (int a = 0; a < p->steps[i].n_args; a++) {
            int arg = p->steps[i].args[a].arg;
            if (arg != DNNL_ARG_WEIGHTS && arg != DNNL_ARG_BIAS) touch(p, p->steps[i].args[a].memory);
        }
}

int32_t dmi_engine_reorders(const dmi_plan *p) { return p->reorders; }

void dmi_engine_name(char *out) {
    const dnnl_version_t *v = dnnl_version();
    /* The timing method is part of the name: a cache of ops timed another
       way (before cold weights: plain "oneDNN X.Y.Z") is not reused. */
    snprintf(out, DM_LATENCY_TEXT, "oneDNN %d.%d.%d, ops with cold weights", v->major, v->minor,
             v->patch);
}
