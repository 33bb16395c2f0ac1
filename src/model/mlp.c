/*
** mlp.c -- the MLP description: its shape (widths w_1..w_{L+1}),
** validation and exact costs, each Linear layer through cost.c's formula.
** The scores (paper section 3, Eqs. 1-3) are score.c's dmi_mlp_score.
*/
#include "mlp.h"
#include "cost.h"
#include "score.h"
#include <math.h>
#include <string.h>

void dm_mlp_init(dm_mlp *m) {
    memset(m, 0, sizeof *m);
    m->n_layers = 1;
    m->act = DM_ACT_RELU;
    m->bias = 1;
}

int32_t dmi_mlp_width(const dm_mlp *m, int32_t i) {
    if (i <= 1) return m->in_features;
    if (i > m->n_layers) return m->out_features;
    return m->hidden[i - 2];
}

dm_status dmi_mlp_linear_cost(int32_t a, int32_t b, int32_t bias, int64_t *params,
                              int64_t *macs, dm_error *err) {
    dm_layer l;
    memset(&l, 0, sizeof l);
    l.role = DM_ROLE_MAIN;
    l.c_in = a;
    l.c_out = b;
    l.kernel = l.stride = l.groups = 1;
    l.r_in = l.r_out = 1;
    l.bias = bias;
    dm_status s = dmi_layer_cost(&l, err);
    if (s) return s;
    *params = l.params;
    *macs = l.macs;
    return DM_OK;
}

static dm_status check_width(const char *what, int32_t w, dm_error *err) {
    if (w < 1) return DM_FAIL(err, DM_ERR_INVALID, "%s must be >= 1, got %d", what, w);
    if (w > DM_MLP_MAX_WIDTH)
        return DM_FAIL(err, DM_ERR_RANGE, "%s = %d exceeds the limit %d", what, w,
                       DM_MLP_MAX_WIDTH);
    return DM_OK;
}

dm_status dm_mlp_validate(const dm_mlp *m, dm_error *err) {
    if (m->n_layers < 1 || m->n_layers > DM_MLP_MAX_LAYERS)
        return DM_FAIL(err, m->n_layers < 1 ? DM_ERR_INVALID : DM_ERR_RANGE,
                       "an MLP needs 1..%d layers, got %d", DM_MLP_MAX_LAYERS, m->n_layers);
    dm_status s = check_width("in_features", m->in_features, err);
    if (!s) s = check_width("out_features", m->out_features, err);
    for (int32_t i = 0; !s && i < m->n_layers - 1; i++)
        if (m->hidden[i] < 1 || m->hidden[i] > DM_MLP_MAX_WIDTH)
            s = DM_FAIL(err, m->hidden[i] < 1 ? DM_ERR_INVALID : DM_ERR_RANGE,
                        "hidden[%d] = %d is outside 1..%d", i, m->hidden[i], DM_MLP_MAX_WIDTH);
    if (s) return s;
    if ((int)m->act < 0 || m->act >= DM_ACT_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "unknown activation %d", (int)m->act);
    if (m->bias != 0 && m->bias != 1)
        return DM_FAIL(err, DM_ERR_INVALID, "bias must be 0 or 1, got %d", m->bias);
    return DM_OK;
}

dm_status dm_mlp_metrics_of(const dm_mlp *m, dm_mlp_metrics *out, dm_error *err) {
    dm_status s = dm_mlp_validate(m, err);
    if (s) return s;
    memset(out, 0, sizeof *out);
    int32_t L = m->n_layers;
    double log_sum = 0;
    for (int32_t i = 1; i <= L; i++) {
        int64_t p, mac;
        s = dmi_mlp_linear_cost(dmi_mlp_width(m, i), dmi_mlp_width(m, i + 1), m->bias, &p,
                                &mac, err);
        if (s) return s;
        if (!dmi_add64(out->params, p, &out->params) || !dmi_add64(out->macs, mac, &out->macs))
            return DM_FAIL(err, DM_ERR_RANGE, "MLP totals overflow 64-bit counters");
        log_sum += log((double)dmi_mlp_width(m, i));
    }
    dmi_mlp_score(L, log_sum, m->out_features, out);
    return DM_OK;
}
