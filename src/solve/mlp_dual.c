/*
** mlp_dual.c -- the Lagrangian relaxation of the MLP design problem (see
** mlp_solve.h): forward and backward chain DPs over upper envelopes.
** Upper envelopes are computed in floating point; mlp_solve.c pads every
** bound by a relative 1e-9 for the rounding.
*/
#include "mlp_solve.h"
#include <math.h>

void dmi_mlp_weights(const dmi_mlp_ctx *c, int32_t t, double *alpha, double *beta) {
    double th = c->theta[t];
    *alpha = th * c->inv_bp + (1 - th) * c->inv_bm;
    *beta = c->p->bias ? th * c->inv_bp : 0.0;
}

/* Line j of the envelope: val[j] - k * wd[j] * x.  Is line b useless
   between a and d (slopes increasing a < b < d)? */
static int useless(const double *val, const double *wd, double k, int32_t a, int32_t b,
                   int32_t d) {
    double ma = -k * wd[a], mb = -k * wd[b], md = -k * wd[d];
    return (val[a] - val[d]) * (mb - ma) <= (val[a] - val[b]) * (md - ma);
}

/* out[q] = max_j val[j] - k wd[j] x[q], for wd and x ascending, k > 0. */
static void envelope(const double *val, const double *wd, int32_t n, double k, const double *x,
                     int32_t nq, double *out, int32_t *hull) {
    int32_t h = 0;
    for (int32_t j = n - 1; j >= 0; j--) { /* slopes -k wd[j] increase */
        while (h >= 2 && useless(val, wd, k, hull[h - 2], hull[h - 1], j)) h--;
        hull[h++] = j;
    }
    int32_t at = 0;
    for (int32_t q = 0; q < nq; q++) {
        while (at + 1 < h && val[hull[at + 1]] - k * wd[hull[at + 1]] * x[q]
                                 >= val[hull[at]] - k * wd[hull[at]] * x[q])
            at++;
        out[q] = val[hull[at]] - k * wd[hull[at]] * x[q];
    }
}

/* The last edge into K[k_lo..k_hi) from F (depth L >= 2) or from w1. */
static void terminal(dmi_mlp_ctx *c, double lambda, double al, double be, int32_t L,
                     int32_t k_lo, int32_t k_hi, double *row) {
    double base = log((double)c->w1) + lambda;
    if (L == 1) {
        for (int32_t k = k_lo; k < k_hi; k++)
            row[k - k_lo] = base - lambda * (al * c->w1 * c->Kd[k] + be * c->Kd[k]);
        return;
    }
    envelope(c->f, c->Wd, c->n, lambda * al, c->Kd + k_lo, k_hi - k_lo, row, c->hull);
    for (int32_t k = k_lo; k < k_hi; k++) row[k - k_lo] += base - lambda * be * c->Kd[k];
}

void dmi_mlp_forward(dmi_mlp_ctx *c, double lambda, int32_t t, int32_t lmax, int32_t k_lo,
                     int32_t k_hi, double *row, dmi_mlp_visit visit, void *user) {
    double al, be;
    dmi_mlp_weights(c, t, &al, &be);
    terminal(c, lambda, al, be, 1, k_lo, k_hi, row);
    visit(user, 1, row, k_lo, k_hi);
    for (int32_t j = 0; j < c->n; j++) /* F_2 */
        c->f[j] = c->logW[j] - lambda * (al * c->w1 * c->Wd[j] + be * c->Wd[j]);
    for (int32_t L = 2; L <= lmax; L++) {
        terminal(c, lambda, al, be, L, k_lo, k_hi, row);
        visit(user, L, row, k_lo, k_hi);
        if (L == lmax) break;
        envelope(c->f, c->Wd, c->n, lambda * al, c->Wd, c->n, c->g, c->hull);
        for (int32_t j = 0; j < c->n; j++)
            c->f[j] = c->g[j] + c->logW[j] - lambda * be * c->Wd[j];
    }
}

void dmi_mlp_backward(dmi_mlp_ctx *c, double lambda, int32_t t, int32_t L, int32_t k,
                      double *G) {
    double al, be;
    dmi_mlp_weights(c, t, &al, &be);
    if (L < 2) return;
    double *last = G + (size_t)(L - 2) * c->n;
    for (int32_t j = 0; j < c->n; j++)
        last[j] = -lambda * (al * c->Wd[j] * c->Kd[k] + be * c->Kd[k]);
    for (int32_t i = L - 1; i >= 2; i--) {
        const double *next = G + (size_t)(i - 1) * c->n;
        for (int32_t j = 0; j < c->n; j++)
            c->v[j] = c->logW[j] - lambda * be * c->Wd[j] + next[j];
        envelope(c->v, c->Wd, c->n, lambda * al, c->Wd, c->n, G + (size_t)(i - 2) * c->n,
                 c->hull);
    }
}
