/*
** ops.c -- what a network runs as: its ops in execution order, with the
** fusions the oneDNN engine (src/run/engine.c) performs, so a table of
** measured op shapes predicts a whole net by a sum (docs/latency.md).
**
** The fusions, each what oneDNN does in one primitive:
**   conv + BN          BN folded into the conv's weights and bias (inference)
**   conv + act         an eltwise post-op
**   conv + add (+ act) the residual add as a sum post-op on the block's
**                      last main conv, whose destination already holds the
**                      shortcut; the post-add activation (block_acts.h)
**                      as an eltwise post-op after the sum
** and the ops that stay apart: the stem's max pool, a shortcut's average
** pool, SE (global pool, two 1x1 convs with bias, act and sigmoid fused,
** the channel scale) as one op, the final global pool, the classifier.
** DM_OP_ADD is never produced: every residual add here is fused.
*/
#include "ops.h"
#include "block_acts.h"
#include "net.h"
#include <string.h>

/* An op with every field not given at its neutral value. */
static dm_op op_new(dm_op_kind kind, int32_t c_in, int32_t c_out, int32_t r_in, int32_t r_out,
                    int32_t stage) {
    dm_op o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.c_in = c_in;
    o.c_out = c_out;
    o.kernel = o.stride = o.groups = 1;
    o.r_in = r_in;
    o.r_out = r_out;
    o.act = DM_OP_ACT_NONE;
    o.stage = stage;
    return o;
}

dm_op dmi_ops_conv(const dm_layer *l, int32_t act) {
    dm_op o = op_new(DM_OP_CONV, l->c_in, l->c_out, l->r_in, l->r_out, l->stage);
    o.kernel = l->kernel;
    o.stride = l->stride;
    o.groups = l->groups;
    o.act = act;
    return o;
}

bool dmi_ops_same_shape(const dm_op *a, const dm_op *b) {
    return a->kind == b->kind && a->c_in == b->c_in && a->c_out == b->c_out &&
           a->kernel == b->kernel && a->stride == b->stride && a->groups == b->groups &&
           a->r_in == b->r_in && a->r_out == b->r_out && a->act == b->act && a->sum == b->sum;
}

/* The avg pool of a strided AVGPOOL or AVGPOOL_CONV residual, if any:
   kernel = stride, no padding (export_onnx.c's AveragePool). */
static void shortcut_pool(const dm_block_info *b, dm_op *out, int32_t *n) {
    bool pooled = b->residual == DM_RESIDUAL_AVGPOOL || b->residual == DM_RESIDUAL_AVGPOOL_CONV;
    if (!pooled || b->stride == 1) return;
    dm_op o = op_new(DM_OP_POOL, b->c_in, b->c_in, b->r_in, b->r_out, b->stage);
    o.kernel = o.stride = b->stride;
    out[(*n)++] = o;
}

/* SE over fc1 (m -> squeeze) at the depthwise conv's output resolution. */
static dm_op se_op(const dm_block_info *b, const dm_layer *fc1) {
    dm_op o = op_new(DM_OP_SE, fc1->c_in, fc1->c_out, b->r_out, b->r_out, b->stage);
    o.act = (int32_t)dmi_se_act(b);
    return o;
}

void dmi_ops_block(const dm_block_info *b, const dm_layer *ls, int32_t n,
                   dm_op out[DMI_OPS_PER_BLOCK], int32_t *n_out) {
    int32_t k = 0, last = -1;
    shortcut_pool(b, out, &k);
    for (int32_t i = 0; i < n; i++) {
        if (ls[i].role == DM_ROLE_SHORTCUT) out[k++] = dmi_ops_conv(&ls[i], DM_OP_ACT_NONE);
        if (ls[i].role == DM_ROLE_MAIN) last = i;
    }
    for (int32_t i = 0; i < n; i++) {
        if (ls[i].role == DM_ROLE_SE && (i == 0 || ls[i - 1].role != DM_ROLE_SE))
            out[k++] = se_op(b, &ls[i]);
        if (ls[i].role != DM_ROLE_MAIN) continue;
        if (i < last) {
            out[k++] = dmi_ops_conv(&ls[i], (int32_t)b->act);
            continue;
        }
        dm_op o = dmi_ops_conv(&ls[i], dmi_act_after_add(b) ? (int32_t)b->act : DM_OP_ACT_NONE);
        o.sum = b->residual != DM_RESIDUAL_NONE;
        out[k++] = o;
    }
    *n_out = k;
}

/* The stem conv and, when there is one, its max pool: 3x3 stride 2,
   padding 1, in the stage dmi_space_layout gives it (the one after the
   stem's). */
static void stem_ops(const dm_net *net, dm_op *out, int32_t *n) {
    const dm_layer *stem = &net->layers[0];
    out[(*n)++] = dmi_ops_conv(stem, (int32_t)net->arch.stem.act);
    if (!net->arch.stem.maxpool) return;
    dm_op o = op_new(DM_OP_POOL, stem->c_out, stem->c_out, net->layout.stem_r,
                     net->layout.pool_r, stem->stage + 1);
    o.kernel = 3;
    o.stride = 2;
    out[(*n)++] = o;
}

/* Head conv, global pool, classifier: what follows the last block. */
static void tail_ops(const dm_net *net, dm_op *out, int32_t *n) {
    int32_t last_stage = net->layout.n_stages - 1;
    int32_t c = net->n_blocks ? net->blocks[net->n_blocks - 1].c_out : net->arch.stem.out;
    for (int32_t i = 0; i < net->n_layers; i++) {
        const dm_layer *l = &net->layers[i];
        if (l->role == DM_ROLE_HEAD) {
            out[(*n)++] = dmi_ops_conv(l, (int32_t)net->arch.head_act);
            c = l->c_out;
        }
    }
    out[(*n)++] = op_new(DM_OP_GAP, c, c, net->layout.final_r, 1, last_stage);
    const dm_layer *fc = &net->layers[net->n_layers - 1];
    if (fc->role == DM_ROLE_CLASSIFIER)
        out[(*n)++] = op_new(DM_OP_LINEAR, fc->c_in, fc->c_out, 1, 1, last_stage);
}

dm_status dm_net_ops(const dm_net *net, dm_op **out, int32_t *n, dm_error *err) {
    if (!net || !out || !n) return DM_FAIL(err, DM_ERR_INVALID, "dm_net_ops: NULL argument");
    *out = NULL;
    *n = 0;
    size_t cap = (size_t)net->n_blocks * DMI_OPS_PER_BLOCK + 5; /* stem, pool, head, gap, fc */
    dm_op *ops = dmi_malloc(cap * sizeof *ops);
    if (!ops) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory listing a net's ops");
    int32_t k = 0;
    stem_ops(net, ops, &k);
    for (int32_t i = 0; i < net->n_blocks; i++) {
        dm_layer ls[DMI_BLOCK_MAX_LAYERS];
        int32_t nl = 0, nb = 0;
        dm_status s = dmi_block_layers(&net->blocks[i], ls, &nl, err);
        if (s) {
            dm_free(ops);
            return s;
        }
        dmi_ops_block(&net->blocks[i], ls, nl, ops + k, &nb);
        k += nb;
    }
    tail_ops(net, ops, &k);
    *out = ops;
    *n = k;
    return DM_OK;
}
