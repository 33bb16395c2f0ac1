/*
** mlp_solve.h -- the MLP solver's shared state (mlp_solve.c: problem,
** branch and bound, answer; mlp_dual.c: the Lagrangian relaxation).
**
** For a fixed depth L and output width K the problem is
**     max S = sum_{i=1..L} log w_i   s.t.  params <= Bp, MACs <= Bm
** (H = K * S, and rho <= rho0 is the lower bound S >= L log(L / rho0)).
** Both budgets are sums over the chain's edges, so for theta in [0,1]
**     c(a, b) = theta * params(a->b) / Bp + (1 - theta) * MACs(a->b) / Bm
**             = alpha * a * b + beta * b            (total <= 1 when feasible)
** and for every lambda >= 0 the Lagrangian max_w S - lambda (sum c - 1) is
** an upper bound on S (weak duality).  That max is a chain DP whose step
** max_a F(a) - lambda alpha a b is an upper envelope of lines in b, so
** one pass over L layers and n widths costs O(L n).
*/
#ifndef DM_MLP_SOLVE_H
#define DM_MLP_SOLVE_H
#include "mlp.h"

#define DMI_MLP_THETAS 5

typedef struct dmi_mlp_ctx {
    const dm_mlp_problem *p;
    int32_t w1;            /* in_features */
    int32_t wmin;          /* least hidden width of the grid (W[0] when n > 0) */
    int32_t n, nk;         /* hidden width / output width candidates */
    int32_t *W, *K;        /* ascending */
    double *Wd, *Kd, *logW;
    int32_t lmin, lmax;
    int64_t bp, bm;        /* budgets; INT64_MAX when unset */
    double inv_bp, inv_bm; /* 1/budget, 0 when unset */
    int32_t n_theta;
    double theta[DMI_MLP_THETAS];
    /* scratch, n (or max(n, nk)) each */
    double *f, *g, *v;
    int32_t *hull;
} dmi_mlp_ctx;

/* The Lagrangian weights of c(a, b) for theta index t. */
DM_INTERNAL void dmi_mlp_weights(const dmi_mlp_ctx *c, int32_t t, double *alpha, double *beta);

/* phi = log w1 + lambda + max_w [sum_{i>=2} log w_i - lambda sum c]: the
   bound on S.  Forward pass up to depth lmax; for every L in 1..lmax,
   `visit` gets the bounds for outputs K[k_lo..k_hi). */
typedef void (*dmi_mlp_visit)(void *user, int32_t L, const double *phi, int32_t k_lo,
                              int32_t k_hi);
DM_INTERNAL void dmi_mlp_forward(dmi_mlp_ctx *c, double lambda, int32_t t, int32_t lmax,
                                 int32_t k_lo, int32_t k_hi, double *row, dmi_mlp_visit visit,
                                 void *user);

/* Backward tables for depth L, output K[k]: G[(i-2)*n + j] for i = 2..L is
   max over w_{i+1..L} of sum_{j>i} log w_j - lambda * (cost of edges from
   layer i on) with w_i = W[j]. */
DM_INTERNAL void dmi_mlp_backward(dmi_mlp_ctx *c, double lambda, int32_t t, int32_t L,
                                  int32_t k, double *G);

#endif
