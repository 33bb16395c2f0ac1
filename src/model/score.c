/*
** score.c -- entropy, effectiveness and the DeepMAD objective of a network.
**
**   S_i   = 1/2 * sum of log w_j over main-path layers from the input to the
**           end of stage i                               (cumulative)
**   H_i   = log(r_i^2 C_i) * S_i                          (paper Eq. 4)
**   rho_i = L_i / exp(mean log w_j) over the same prefix  (Eqs. 2-3)
**   H     = sum alpha_i H_i;  rho = max_i rho_i
**   objective = H - beta * exp(std or var of superblock depths)
**
** The 1/2 matches the reference implementation and sets the scale of H
** against the depth penalty (SPEC section 2).
*/
#include "score.h"
#include "net.h"
#include <math.h>
#include <string.h>

void dm_score_params_default(dm_score_params *sp) {
    memset(sp, 0, sizeof *sp);
    sp->beta = 10.0;
    sp->penalty = DM_PENALTY_STD;
}

double dmi_depth_spread(const int32_t *depths, int32_t n, dm_penalty p) {
    if (n <= 0) return 0.0;
    double mean = 0, var = 0;
    for (int32_t i = 0; i < n; i++) mean += depths[i];
    mean /= n;
    for (int32_t i = 0; i < n; i++) var += (depths[i] - mean) * (depths[i] - mean);
    var /= n;
    return p == DM_PENALTY_VAR ? var : sqrt(var);
}

static dm_status check_params(const dm_score_params *sp, int32_t n_stages, dm_error *err) {
    if (sp->n_alpha != 0 && sp->n_alpha != n_stages)
        return DM_FAIL(err, DM_ERR_INVALID,
                       "%d stage weights given but the network has %d stages",
                       sp->n_alpha, n_stages);
    if (sp->n_alpha < 0 || sp->n_alpha > DM_MAX_STAGES)
        return DM_FAIL(err, DM_ERR_INVALID, "stage weight count %d is out of range", sp->n_alpha);
    for (int32_t i = 0; i < sp->n_alpha; i++)
        if (!isfinite(sp->alpha[i]) || sp->alpha[i] < 0)
            return DM_FAIL(err, DM_ERR_INVALID, "stage weight %d must be finite and >= 0", i + 1);
    if (!isfinite(sp->beta) || sp->beta < 0)
        return DM_FAIL(err, DM_ERR_INVALID, "beta must be finite and >= 0");
    if ((int)sp->penalty < 0 || sp->penalty >= DM_PENALTY_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "unknown depth penalty %d", (int)sp->penalty);
    if (sp->penalty_skip < 0)
        return DM_FAIL(err, DM_ERR_INVALID, "penalty skip must be >= 0");
    return DM_OK;
}

static double alpha_of(const dm_score_params *sp, int32_t i, int32_t n) {
    if (sp->n_alpha) return sp->alpha[i];
    return i == n - 1 ? 8.0 : 1.0; /* SPEC: (1,1,1,1,8) for 5 stages */
}

void dmi_score_alphas(const dm_score_params *sp, int32_t n, double *alpha) {
    dm_score_params plain = *sp;
    plain.n_alpha = sp->n_alpha == n ? n : 0;
    bool ok = n >= 1 && n <= DM_MAX_STAGES && check_params(&plain, n, NULL) == DM_OK;
    for (int32_t i = 0; i < n; i++) alpha[i] = ok ? alpha_of(&plain, i, n) : 0.0;
}

dm_status dmi_score(const dmi_stage_sum *st, int32_t n, const int32_t *depths, int32_t n_depths,
                    const dm_score_params *sp, dm_metrics *m, dm_error *err) {
    dm_score_params def;
    if (!sp) { dm_score_params_default(&def); sp = &def; }
    if (n < 1 || n > DM_MAX_STAGES)
        return DM_FAIL(err, DM_ERR_INVALID, "%d stages is outside 1..%d", n, DM_MAX_STAGES);
    dm_status s = check_params(sp, n, err);
    if (s) return s;
    int32_t layers = 0;
    double logsum = 0;
    m->n_stages = n;
    m->rho = 0;
    m->entropy = 0;
    for (int32_t i = 0; i < n; i++) {
        dm_stage_metrics *o = &m->stage[i];
        layers += st[i].layers;
        logsum += st[i].log_width;
        o->resolution = st[i].resolution;
        o->channels = st[i].channels;
        o->layers = layers;
        o->log_width_sum = 0.5 * logsum;
        o->rho = layers ? layers / exp(logsum / layers) : 0.0;
        o->alpha = alpha_of(sp, i, n);
        o->entropy = o->alpha * log((double)st[i].resolution * st[i].resolution * st[i].channels)
                     * o->log_width_sum;
        if (o->rho > m->rho) m->rho = o->rho;
        m->entropy += o->entropy;
    }
    m->layers = layers;
    int32_t skip = sp->penalty_skip < n_depths ? sp->penalty_skip : n_depths;
    /* beta 0 is no penalty at all: exp of a wide depth spread can overflow,
       and 0 x inf would make the objective NaN (issue #12, item 9). */
    m->depth_penalty = sp->beta == 0 ? 0.0
                       : sp->beta * exp(dmi_depth_spread(depths + skip, n_depths - skip, sp->penalty));
    m->objective = m->entropy - m->depth_penalty;
    if (!isfinite(m->objective) || !isfinite(m->rho))
        return DM_FAIL(err, DM_ERR_RANGE, "the objective is not finite (depth penalty overflow?)");
    return DM_OK;
}

/* Tally a built net per stage, layer by layer, into the sums the scores
   read and the totals. */
static dm_status tally_net(const dm_net *net, dmi_stage_sum *st, dm_metrics *m, dm_error *err) {
    dmi_tally ts[DM_MAX_STAGES], tot;
    int32_t chan[DM_MAX_STAGES] = {0};
    bool ok = true;
    memset(ts, 0, sizeof ts);
    for (int32_t i = 0; i < net->n_layers; i++) {
        const dm_layer *l = &net->layers[i];
        ok &= dmi_space_tally(&ts[l->stage], l, 1);
        if (dmi_space_main_path(l->role)) chan[l->stage] = l->c_out;
    }
    if (!(dmi_space_sums(&net->arch, &net->layout, ts, chan, st, &tot) && ok))
        return DM_FAIL(err, DM_ERR_RANGE, "network totals overflow 64-bit counters");
    m->params = tot.params;
    m->macs = tot.macs;
    m->peak_activation = tot.peak;
    return DM_OK;
}

dm_status dm_net_metrics(const dm_net *net, const dm_score_params *sp, dm_metrics *out,
                         dm_error *err) {
    if (!net || !out) return DM_FAIL(err, DM_ERR_INVALID, "no network or output given");
    dmi_stage_sum st[DM_MAX_STAGES];
    int32_t depths[DM_MAX_SUPERBLOCKS];
    memset(out, 0, sizeof *out);
    for (int32_t i = 0; i < net->arch.n_superblocks; i++) depths[i] = net->arch.sb[i].depth;
    dm_status s = tally_net(net, st, out, err);
    if (!s) s = dmi_score(st, net->layout.n_stages, depths, net->arch.n_superblocks, sp, out, err);
    return s;
}

/* ====================================================================== */
/* MLP scores (paper section 3, Eqs. 1-3)                                 */
/*                                                                        */
/* Entropy is Eq. (1) as printed, H = w_{L+1} * sum log w_i, with no 1/2: */
/* the CNN's 1/2 above only sets H's scale against the depth penalty, and */
/* the MLP problem has none, so the maximiser is the same either way.     */
/* rho is Eqs. (2)-(3) over w_1..w_L (the output width is not in it).     */
/* ====================================================================== */

void dmi_mlp_score(int32_t layers, double log_width_sum, int32_t out_features,
                   dm_mlp_metrics *m) {
    m->layers = layers;
    m->log_width_sum = log_width_sum;
    m->mean_width = exp(log_width_sum / layers);
    m->rho = layers / m->mean_width;
    m->entropy = out_features * log_width_sum;
}

double dmi_mlp_rho_floor(int32_t layers, double rho0) {
    return layers * log(layers / rho0);
}
