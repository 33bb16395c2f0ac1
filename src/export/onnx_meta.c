/*
** onnx_meta.c -- the provenance of an exported ONNX model (onnx_meta.h):
** the model's doc_string and metadata_props, written through the graph
** builder (protobuf-c's StringStringEntryProto, nothing hand-encoded).
**
** Why: an .onnx file travels alone.  Whoever finds it must learn from the
** file itself that its weights are seeded random placeholders (its outputs
** mean nothing), how to put trained weights in (every initializer is named
** by its PyTorch state_dict key), what the net costs, and for a design
** what it was designed for.  Metadata values are strings (ONNX has no
** other kind): integers exact, the scores to 6 significant digits with
** '.' whatever the locale (dmi_buf_double_sig), the problem's own numbers
** (rho0, a latency budget) in the shortest form that reads back exactly.
** The metrics are dm_net_metrics with the default scoring: the numbers
** `deepmad analyze` prints.
*/
#include "buf.h"
#include "onnx_meta.h"
#include <string.h>

#define DIGITS 6   /* significant digits of the scores in the metadata */

/* A number as the builder's own string: 6 significant digits (sig != 0)
   or the shortest exact form. */
static const char *num(dmi_onnx *g, double v, int sig) {
    dmi_buf b = {0};
    if (sig) dmi_buf_double_sig(&b, v, DIGITS);
    else dmi_buf_double(&b, v);
    const char *s = b.failed ? NULL : dmi_onnx_str(g, "%s", b.p);
    if (b.failed) dmi_onnx_fail(g, DM_ERR_NOMEM, "out of memory writing the ONNX metadata");
    dmi_buf_free(&b);
    return s;
}

static void put_int(dmi_onnx *g, const char *key, int64_t v) {
    dmi_onnx_meta(g, key, dmi_onnx_str(g, "%lld", (long long)v));
}
static void put_sig(dmi_onnx *g, const char *key, double v) { dmi_onnx_meta(g, key, num(g, v, 1)); }

/* ---------------------------------------------------------------------- */
/* What every export says                                                 */
/* ---------------------------------------------------------------------- */

/* The weights paragraph of the doc string. */
static const char *weights_note(dmi_onnx *g, const dm_onnx_options *o) {
    static const char keys[] =
        "named by its PyTorch state_dict key (the module `deepmad export MODEL --format torch` "
        "writes), so trained weights go in by name";
    if (!o->with_weights)
        return dmi_onnx_str(g, "WEIGHTS: none in this file: each weight is a graph input %s: "
                               "feed state_dict[name] for each weight input.", keys);
    return dmi_onnx_str(
        g, "WEIGHTS ARE PLACEHOLDERS: seeded random (seed %llu), untrained; the outputs mean "
           "nothing until trained weights are put in.  Every initializer is %s: with the onnx "
           "package, for t in model.graph.initializer: t.CopyFrom(onnx.numpy_helper.from_array("
           "state_dict[t.name].numpy(), t.name)); or export the trained module with "
           "torch.onnx.export.",
        (unsigned long long)o->seed, keys);
}

static void put_common(dmi_onnx *g, const dm_onnx_options *o) {
    dmi_onnx_meta(g, "deepmad_version", DM_VERSION);
    dmi_onnx_meta(g, "weights", o->with_weights ? "untrained" : "none");
    if (o->with_weights) dmi_onnx_meta(g, "weight_seed", dmi_onnx_str(g, "%llu", (unsigned long long)o->seed));
}

/* ---------------------------------------------------------------------- */
/* The problem of a design                                                */
/* ---------------------------------------------------------------------- */

static const char *space_name(const dm_design_record *r) {
    return r->space < 0 ? "custom" : dm_space_name((dm_space)r->space);
}

static void put_problem(dmi_onnx *g, const dm_design_record *r) {
    dmi_onnx_meta(g, "problem.family", dm_block_kind_name(r->family));
    dmi_onnx_meta(g, "problem.se", r->se ? "true" : "false");
    dmi_onnx_meta(g, "problem.space", space_name(r));
    put_int(g, "problem.input_size", r->input_size);
    put_int(g, "problem.classes", r->classes);
    dmi_onnx_meta(g, "problem.rho0", num(g, r->rho0, 0));
    if (r->max_macs) put_int(g, "problem.max_macs", r->max_macs);
    if (r->max_params) put_int(g, "problem.max_params", r->max_params);
    if (r->max_layers) put_int(g, "problem.max_layers", r->max_layers);
    if (r->max_peak_activation) put_int(g, "problem.max_peak_activation", r->max_peak_activation);
    if (r->max_latency_ms > 0) dmi_onnx_meta(g, "problem.max_latency_ms", num(g, r->max_latency_ms, 0));
    put_sig(g, "design.objective", r->objective);
    put_sig(g, "design.bound", r->bound);
    put_sig(g, "design.gap", r->gap);
    dmi_onnx_meta(g, "design.status", r->optimal ? "optimal" : "gap");
}

/* The doc string's sentence on the problem ("" without a record):
   dm_design_record_note's, copied into the builder. */
static const char *problem_note(dmi_onnx *g, const dm_design_record *r, dm_error *err,
                                dm_status *status) {
    char *text = NULL;
    *status = r ? dm_design_record_note(r, &text, err) : DM_OK;
    const char *s = *status || !r ? "" : dmi_onnx_str(g, "  %s", text);
    dm_free(text);
    return s;
}

/* ---------------------------------------------------------------------- */
/* A CNN                                                                  */
/* ---------------------------------------------------------------------- */

/* The block kinds of the superblocks, each once, in order ("none" when
   there are none). */
static const char *families(dmi_onnx *g, const dm_arch *a) {
    const char *s = NULL;
    for (int i = 0; i < a->n_superblocks; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= a->sb[j].kind == a->sb[i].kind;
        if (seen) continue;
        const char *k = dm_block_kind_name(a->sb[i].kind);
        s = s ? dmi_onnx_str(g, "%s,%s", s, k) : k;
    }
    return s ? s : "none";
}

dm_status dmi_onnx_provenance(dmi_onnx *g, const dm_net *net, const dm_onnx_options *o,
                              dm_error *err) {
    dm_metrics m;
    dm_status s = dm_net_metrics(net, NULL, &m, err);
    if (s) return s;
    const dm_arch *a = dm_net_arch(net);
    const dm_design_record *r = o->design && o->design->present ? o->design : NULL;
    const char *fam = families(g, a);
    const char *note = problem_note(g, r, err, &s);
    if (s) return s;
    dmi_onnx_doc(g, dmi_onnx_str(
        g, "A CNN of %s blocks (%s style) exported by deepmad %s: input float32 (N, %d, %d, %d), "
           "%s; %lld params, %lld MACs, rho %s, entropy %s, objective %s (as `deepmad analyze` "
           "counts them).%s  %s",
        fam, dm_style_name(a->style), DM_VERSION, (int)a->in_channels, (int)a->input_size,
        (int)a->input_size,
        a->classes > 0 ? dmi_onnx_str(g, "output logits (N, %d)", (int)a->classes)
                       : "output pooled features",
        (long long)m.params, (long long)m.macs, num(g, m.rho, 1), num(g, m.entropy, 1),
        num(g, m.objective, 1), note, weights_note(g, o)));
    put_common(g, o);
    dmi_onnx_meta(g, "model", "cnn");
    dmi_onnx_meta(g, "family", fam);
    dmi_onnx_meta(g, "style", dm_style_name(a->style));
    put_int(g, "input_channels", a->in_channels);
    put_int(g, "input_size", a->input_size);
    put_int(g, "classes", a->classes);
    put_int(g, "params", m.params);
    put_int(g, "macs", m.macs);
    put_int(g, "layers", m.layers);
    put_sig(g, "rho", m.rho);
    put_sig(g, "entropy", m.entropy);
    put_sig(g, "depth_penalty", m.depth_penalty);
    put_sig(g, "objective", m.objective);
    if (r) put_problem(g, r);
    return DM_OK;
}

/* ---------------------------------------------------------------------- */
/* An MLP                                                                 */
/* ---------------------------------------------------------------------- */

dm_status dmi_onnx_provenance_mlp(dmi_onnx *g, const dm_mlp *mlp, const dm_onnx_options *o,
                                  dm_error *err) {
    dm_mlp_metrics m;
    dm_status s = dm_mlp_metrics_of(mlp, &m, err);
    if (s) return s;
    dmi_onnx_doc(g, dmi_onnx_str(
        g, "An MLP (%d Linear layers, %s) exported by deepmad %s: input float32 (N, %d), output "
           "(N, %d); %lld params, %lld MACs, rho %s, entropy %s (the MLP's objective, as "
           "`deepmad analyze` counts them).  %s",
        (int)mlp->n_layers, dm_act_name(mlp->act), DM_VERSION, (int)mlp->in_features,
        (int)mlp->out_features, (long long)m.params, (long long)m.macs, num(g, m.rho, 1),
        num(g, m.entropy, 1), weights_note(g, o)));
    put_common(g, o);
    dmi_onnx_meta(g, "model", "mlp");
    dmi_onnx_meta(g, "family", "mlp");
    dmi_onnx_meta(g, "act", dm_act_name(mlp->act));
    put_int(g, "in_features", mlp->in_features);
    put_int(g, "out_features", mlp->out_features);
    put_int(g, "params", m.params);
    put_int(g, "macs", m.macs);
    put_int(g, "layers", m.layers);
    put_sig(g, "rho", m.rho);
    put_sig(g, "entropy", m.entropy);
    put_sig(g, "objective", m.entropy);
    return DM_OK;
}
