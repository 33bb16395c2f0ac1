/*
** score.h -- the DeepMAD scores (SPEC sections 2-4) from per-stage sums of
** the main path.  dm_net_metrics and the solver both score through
** dmi_score, so the formulas exist once.
*/
#ifndef DM_SCORE_H
#define DM_SCORE_H
#include "internal.h"

/* What the scores need of one stage: counts for that stage alone. */
typedef struct dmi_stage_sum {
    int32_t layers;        /* main-path layers in this stage */
    double log_width;      /* sum of log(w_j) over them (natural log, no 1/2) */
    int32_t resolution;    /* at the end of the stage */
    int32_t channels;      /* at the end of the stage */
} dmi_stage_sum;

/* Fill the score fields of *m (rho, entropy, depth_penalty, objective,
   n_stages, stage[]) from `n` stage sums and the superblock depths.
   Leaves params/macs/peak_activation/layers alone except `layers`. */
DM_INTERNAL dm_status dmi_score(const dmi_stage_sum *st, int32_t n, const int32_t *depths,
                                int32_t n_depths, const dm_score_params *sp, dm_metrics *m,
                                dm_error *err);

/* The stage weights dmi_score gives n stages under sp: sp's own when it
   has n of them, else the defaults; all 0 when sp is invalid (dmi_score
   would refuse it).  The solver's bounds and dm_problem_score use them. */
DM_INTERNAL void dmi_score_alphas(const dm_score_params *sp, int32_t n, double *alpha);

/* Q's exponent for `depths` under `p`: population std or variance. */
DM_INTERNAL double dmi_depth_spread(const int32_t *depths, int32_t n, dm_penalty p);

/* ====================================================================== */
/* MLP scores (paper section 3, Eqs. 1-3): the MLP family's formulas,     */
/* here beside the CNN's so that each score exists once (mlp.c computes   */
/* shape and costs, mlp_solve.c bounds with the floor below).             */
/* ====================================================================== */

/* Fill the score fields of *m -- layers, log_width_sum, mean_width, rho,
   entropy -- of an L-layer MLP from S = sum_{i=1..L} log w_i and its
   output width K:  H = K * S,  rho = L / exp(S / L). */
DM_INTERNAL void dmi_mlp_score(int32_t layers, double log_width_sum, int32_t out_features,
                               dm_mlp_metrics *m);

/* rho's formula solved for S: an L-layer MLP has rho <= rho0 exactly when
   S >= L * log(L / rho0).  The solver's floor on S. */
DM_INTERNAL double dmi_mlp_rho_floor(int32_t layers, double rho0);

#endif
