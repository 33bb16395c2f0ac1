/*
** export_onnx.c -- dm_net -> ONNX model, by a walk over the built net's
** blocks and layers (shapes only from dm_net and blocks.h).
**
** Opset 13 by default (13..17 accepted; every op below means the same in
** all of them), IR version 7 (opsets 13, 14) or 8 (15..17), default domain
** only.  The ops emitted, and what for:
**
**   Conv                every conv; pads k/2 on all sides, dilations 1; no
**                       bias except the two 1x1 convs of a torchvision-
**                       style SE block
**   BatchNormalization  after every conv but torchvision-style SE's (the
**                       paper style's SE convs have one each, no bias);
**                       inference form (one output, running statistics
**                       as inputs), epsilon 1e-5
**   Relu                activation "relu"
**   Clip                activation "relu6": min and max are the scalar
**                       initializers "const.relu6_min" (0) and
**                       "const.relu6_max" (6), inputs as opset 11+ wants
**   Sigmoid, Mul        activation "silu" as x * sigmoid(x); the SE gate
**                       (the paper style's SE always uses SiLU inside)
**   MaxPool             the stem's 3x3 stride-2 max-pool, pads 1
**   AveragePool         the ResNet-D shortcut and the paper style's strided
**                       residuals (the pool alone in its mbconv, before the
**                       1x1 conv in its bottleneck): kernel = strides = s,
**                       ceil_mode 1, count_include_pad 0 (as torch's
**                       AvgPool2d(s, s, ceil_mode=True,
**                       count_include_pad=False); with the paper style's
**                       divisible resolutions plain AvgPool2d(s, s) is the
**                       same)
**   GlobalAveragePool   the SE squeeze and the final pooling
**   Add                 residual additions (then the block's activation
**                       in basic, bottleneck and paper-style mbconv blocks)
**   Flatten             (N, C, 1, 1) -> (N, C), axis 1
**   Gemm                the classifier: transB 1, alpha = beta = 1
**
** Names (KEYS: the same strings as the attribute paths in export_torch.c
** and torch_blocks.c, so every initializer name is a state_dict key of the
** PyTorch module;
** docs/export.md).  Each node's output is named after the node, and the
** node after the module that computes it ("stages.1.0.bn2"); activations,
** adds and pools get names of their own ("stages.1.0.act1", "...add").
** The graph input is "input"; the output "logits" (classes > 0) or
** "features".  The model's doc_string and metadata_props (what the net
** is, its metrics, that the weights are untrained, the problem of a
** design) are onnx_meta.c's.
*/
#include "block_acts.h"
#include "blocks.h"
#include "onnx_meta.h"

typedef struct walk {
    dmi_onnx *g;
    int have_relu6;    /* the Clip bounds exist */
    dm_status status;  /* a failure outside the builder (err is filled) */
} walk;

#define S(...) dmi_onnx_str(w->g, __VA_ARGS__)

static dmi_onnx_attr ints2(const char *name, int64_t v) {
    return (dmi_onnx_attr){.name = name, .kind = DMI_ATTR_INTS, .n = 2, .ints = {v, v}};
}
static dmi_onnx_attr ints4(const char *name, int64_t v) {
    return (dmi_onnx_attr){.name = name, .kind = DMI_ATTR_INTS, .n = 4, .ints = {v, v, v, v}};
}
static dmi_onnx_attr int1(const char *name, int64_t v) {
    return (dmi_onnx_attr){.name = name, .kind = DMI_ATTR_INT, .n = 1, .ints = {v}};
}

/* ---------------------------------------------------------------------- */
/* Layers                                                                 */
/* ---------------------------------------------------------------------- */

/* Conv `key` (weights key.weight [, key.bias]) applied to x. */
static const char *conv(walk *w, const char *x, const dm_layer *l, const char *key) {
    int64_t cpg = l->c_in / l->groups, k = l->kernel;
    int64_t dims[4] = {l->c_out, cpg, k, k};
    dmi_onnx_weight(w->g, S("%s.weight", key), DMI_INIT_CONV, cpg * k * k, dims, 4);
    if (l->bias) dmi_onnx_weight(w->g, S("%s.bias", key), DMI_INIT_BIAS, cpg * k * k, dims, 1);
    dmi_onnx_attr at[5] = {ints2("kernel_shape", k), ints2("strides", l->stride),
                           ints4("pads", k / 2), ints2("dilations", 1),
                           int1("group", l->groups)};
    const char *in[3] = {x, S("%s.weight", key), l->bias ? S("%s.bias", key) : NULL};
    return dmi_onnx_node(w->g, "Conv", key, NULL, in, l->bias ? 3 : 2, at, 5);
}

/* Inference BatchNorm `key` over c channels; `residual_last` picks the
   small-weight distribution of a residual branch's last BN. */
static const char *bn(walk *w, const char *x, const char *key, int32_t c, int residual_last) {
    static const char *const part[4] = {"weight", "bias", "running_mean", "running_var"};
    const dmi_init kind[4] = {residual_last ? DMI_INIT_BN_RESIDUAL : DMI_INIT_BN_WEIGHT,
                              DMI_INIT_BN_BIAS, DMI_INIT_BN_MEAN, DMI_INIT_BN_VAR};
    const char *in[5] = {x};
    int64_t dims[1] = {c};
    for (int i = 0; i < 4; i++) {
        in[i + 1] = S("%s.%s", key, part[i]);
        dmi_onnx_weight(w->g, in[i + 1], kind[i], 1, dims, 1);
    }
    dmi_onnx_attr eps = {.name = "epsilon", .kind = DMI_ATTR_FLOAT, .f = 1e-5f};
    return dmi_onnx_node(w->g, "BatchNormalization", key, NULL, in, 5, &eps, 1);
}

static const char *act(walk *w, const char *x, dm_act a, const char *name) {
    if (a == DM_ACT_RELU) return dmi_onnx_node(w->g, "Relu", name, NULL, &x, 1, NULL, 0);
    if (a == DM_ACT_RELU6) {
        if (!w->have_relu6) {
            dmi_onnx_scalar(w->g, "const.relu6_min", 0.0f);
            dmi_onnx_scalar(w->g, "const.relu6_max", 6.0f);
            w->have_relu6 = 1;
        }
        const char *in[3] = {x, "const.relu6_min", "const.relu6_max"};
        return dmi_onnx_node(w->g, "Clip", name, NULL, in, 3, NULL, 0);
    }
    const char *in[2] = {x, dmi_onnx_node(w->g, "Sigmoid", S("%s.sigmoid", name), NULL, &x, 1,
                                          NULL, 0)};
    return dmi_onnx_node(w->g, "Mul", name, NULL, in, 2, NULL, 0);
}

/* conv -> BN -> [act]: `act_name` NULL means no activation. */
static const char *unit(walk *w, const char *x, const dm_layer *l, const char *conv_key,
                        const char *bn_key, const char *act_name, dm_act a, int residual_last) {
    const char *y = bn(w, conv(w, x, l, conv_key), bn_key, l->c_out, residual_last);
    return act_name ? act(w, y, a, act_name) : y;
}

/* ---------------------------------------------------------------------- */
/* Blocks                                                                 */
/* ---------------------------------------------------------------------- */

/* Add the residual to branch output y (through the projection `sc` when
   there is one, after the average pool of a strided AVGPOOL or
   AVGPOOL_CONV residual), then the post-add activation where the block
   has one (block_acts.h). */
static const char *residual(walk *w, const char *x, const char *y, const dm_block_info *b,
                            const dm_layer *sc, const char *p) {
    const char *s = x;
    bool pool = b->residual == DM_RESIDUAL_AVGPOOL_CONV || b->residual == DM_RESIDUAL_AVGPOOL;
    if (pool && b->stride > 1) {
        dmi_onnx_attr at[4] = {ints2("kernel_shape", b->stride), ints2("strides", b->stride),
                               int1("ceil_mode", 1), int1("count_include_pad", 0)};
        s = dmi_onnx_node(w->g, "AveragePool", S("%s.shortcut.pool", p), NULL, &s, 1, at, 4);
    }
    if (sc)
        s = unit(w, s, sc, S("%s.shortcut.conv", p), S("%s.shortcut.bn", p), NULL, b->act, 0);
    if (b->residual != DM_RESIDUAL_NONE) {
        const char *in[2] = {y, s};
        y = dmi_onnx_node(w->g, "Add", S("%s.add", p), NULL, in, 2, NULL, 0);
    }
    return dmi_act_after_add(b) ? act(w, y, b->act, S("%s.act", p)) : y;
}

/* Basic (2 convs) and bottleneck (3 convs): conv<i>/bn<i>/act<i>. */
static const char *resnet_block(walk *w, const char *x, const dm_block_info *b,
                                const dm_layer *l, int32_t n, const char *p) {
    int n_main = b->kind == DM_BLOCK_BASIC ? 2 : 3;
    int last_res = b->residual != DM_RESIDUAL_NONE;
    const char *y = x;
    for (int i = 1; i <= n_main; i++)
        y = unit(w, y, &l[i - 1], S("%s.conv%d", p, i), S("%s.bn%d", p, i),
                 i < n_main ? S("%s.act%d", p, i) : NULL, b->act, i == n_main && last_res);
    return residual(w, x, y, b, n > n_main ? &l[n_main] : NULL, p);
}

/* SE conv i (1 or 2) over layer fc, then its BN when the layer has one
   (the paper style's SE: bn1, bn2). */
static const char *se_conv(walk *w, const char *x, const dm_layer *fc, int i, const char *p) {
    const char *y = conv(w, x, fc, S("%s.se.fc%d", p, i));
    return fc->bn ? bn(w, y, S("%s.se.bn%d", p, i), fc->c_out, 0) : y;
}

/* x * sigmoid(fc2(act(fc1(mean of x)))) over layers fc[0], fc[1], each
   conv with its BN where it has one. */
static const char *squeeze_excite(walk *w, const char *x, const dm_block_info *b,
                                  const dm_layer *fc, const char *p) {
    const char *h = dmi_onnx_node(w->g, "GlobalAveragePool", S("%s.se.pool", p), NULL, &x, 1,
                                  NULL, 0);
    h = act(w, se_conv(w, h, &fc[0], 1, p), dmi_se_act(b), S("%s.se.act", p));
    h = se_conv(w, h, &fc[1], 2, p);
    const char *in[2] = {x, dmi_onnx_node(w->g, "Sigmoid", S("%s.se.gate", p), NULL, &h, 1,
                                          NULL, 0)};
    return dmi_onnx_node(w->g, "Mul", S("%s.se", p), NULL, in, 2, NULL, 0);
}

static const char *mbconv(walk *w, const char *x, const dm_block_info *b, const dm_layer *l,
                          const char *p) {
    const char *y = x;
    if (b->has_expand)
        y = unit(w, y, l++, S("%s.expand.conv", p), S("%s.expand.bn", p),
                 S("%s.expand.act", p), b->act, 0);
    y = unit(w, y, l++, S("%s.dw.conv", p), S("%s.dw.bn", p), S("%s.dw.act", p), b->act, 0);
    if (b->se_channels) {
        y = squeeze_excite(w, y, b, l, p);
        l += 2;
    }
    y = unit(w, y, l, S("%s.project.conv", p), S("%s.project.bn", p), NULL, b->act,
             b->residual != DM_RESIDUAL_NONE);
    return residual(w, x, y, b, NULL, p);
}

static const char *block(walk *w, const char *x, const dm_block_info *b, dm_error *err) {
    dm_layer l[DMI_BLOCK_MAX_LAYERS];
    int32_t n;
    if ((w->status = dmi_block_layers(b, l, &n, err)) != DM_OK) return NULL;
    const char *p = S("stages.%d.%d", (int)b->sb, (int)b->index);
    if (b->kind == DM_BLOCK_MBCONV) return mbconv(w, x, b, l, p);
    return resnet_block(w, x, b, l, n, p);
}

/* ---------------------------------------------------------------------- */
/* The net                                                                */
/* ---------------------------------------------------------------------- */

/* Stem and blocks; *c gets the channels of the result. */
static const char *body(walk *w, const dm_net *net, int32_t *c, dm_error *err) {
    const dm_arch *a = dm_net_arch(net);
    const dm_layer *stem = dm_net_layer(net, 0);
    const char *x = unit(w, "input", stem, "stem.conv", "stem.bn", "stem.act", a->stem.act, 0);
    *c = stem->c_out;
    if (a->stem.maxpool) {
        dmi_onnx_attr at[3] = {ints2("kernel_shape", 3), ints2("strides", 2), ints4("pads", 1)};
        x = dmi_onnx_node(w->g, "MaxPool", "maxpool", NULL, &x, 1, at, 3);
    }
    for (int32_t i = 0; x && i < dm_net_block_count(net); i++) {
        x = block(w, x, dm_net_block(net, i), err);
        *c = dm_net_block(net, i)->c_out;
    }
    return x;
}

/* Head, pooling, classifier; the graph's output. */
static void tail(walk *w, const dm_net *net, const char *x, int32_t c) {
    const dm_arch *a = dm_net_arch(net);
    for (int32_t i = 0; i < dm_net_layer_count(net); i++) {
        const dm_layer *l = dm_net_layer(net, i);
        if (l->role == DM_ROLE_HEAD) {
            x = unit(w, x, l, "head.conv", "head.bn", "head.act", a->head_act, 0);
            c = l->c_out;
        }
    }
    x = dmi_onnx_node(w->g, "GlobalAveragePool", "pool", NULL, &x, 1, NULL, 0);
    dmi_onnx_attr axis = int1("axis", 1);
    x = dmi_onnx_node(w->g, "Flatten", "flatten", a->classes > 0 ? NULL : "features", &x, 1,
                      &axis, 1);
    const dm_layer *fc = dm_net_layer(net, dm_net_layer_count(net) - 1);
    if (fc->role == DM_ROLE_CLASSIFIER) {
        int64_t dims[2] = {fc->c_out, fc->c_in};
        dmi_onnx_weight(w->g, "classifier.weight", DMI_INIT_LINEAR, fc->c_in, dims, 2);
        dmi_onnx_weight(w->g, "classifier.bias", DMI_INIT_BIAS, fc->c_in, dims, 1);
        const char *in[3] = {x, "classifier.weight", "classifier.bias"};
        dmi_onnx_attr tb = int1("transB", 1);
        dmi_onnx_node(w->g, "Gemm", "classifier", "logits", in, 3, &tb, 1);
        c = fc->c_out;
    }
    dmi_onnx_output(w->g, a->classes > 0 ? "logits" : "features", c);
}

void dm_onnx_options_default(dm_onnx_options *opt) {
    opt->seed = 0;
    opt->with_weights = 1;
    opt->opset = DM_ONNX_OPSET_MIN;
    opt->design = NULL;
}

static dm_status check_options(const dm_onnx_options *o, dm_error *err) {
    if (o->opset < DM_ONNX_OPSET_MIN || o->opset > DM_ONNX_OPSET_MAX)
        return DM_FAIL(err, DM_ERR_UNSUPPORTED, "ONNX opset %d is not supported (use %d..%d)",
                       (int)o->opset, DM_ONNX_OPSET_MIN, DM_ONNX_OPSET_MAX);
    if (o->with_weights != 0 && o->with_weights != 1)
        return DM_FAIL(err, DM_ERR_INVALID, "with_weights must be 0 or 1, not %d",
                       (int)o->with_weights);
    return o->design ? dm_design_record_check(o->design, err) : DM_OK;
}

dm_status dm_export_onnx(const dm_net *net, const dm_onnx_options *opt, uint8_t **out_bytes,
                         size_t *out_len, dm_error *err) {
    if (!out_bytes || !out_len)
        return DM_FAIL(err, DM_ERR_INVALID, "dm_export_onnx needs outputs");
    *out_bytes = NULL;
    *out_len = 0;
    dm_onnx_options o;
    dm_onnx_options_default(&o);
    if (opt) o = *opt;
    if (!net) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_onnx needs a network");
    dm_status s = check_options(&o, err);
    if (s) return s;
    walk w = {.g = dmi_onnx_new(&o)};
    if (!w.g) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory starting an ONNX graph");
    const dm_arch *a = dm_net_arch(net);
    dmi_onnx_input(w.g, "input", a->in_channels, a->input_size);
    int32_t c = 0;
    const char *x = body(&w, net, &c, err);
    tail(&w, net, x, c);
    if (!w.status) w.status = dmi_onnx_provenance(w.g, net, &o, err);
    /* A builder failure is sticky and reported by finish; a NULL x without
       one is a bug in the walk, which finish reports as DM_ERR_INTERNAL. */
    s = w.status ? w.status : dmi_onnx_finish(w.g, "deepmad", out_bytes, out_len, err);
    dmi_onnx_free(w.g);
    return s;
}
