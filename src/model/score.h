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

#endif
