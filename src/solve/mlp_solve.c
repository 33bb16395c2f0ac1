/*
** mlp_solve.c -- the MLP design problem (paper section 3), solved exactly
** by Lagrangian branch and bound over (depth L, output width K) pairs.
**
**  1. Candidates: hidden widths and (designed) output widths, multiples of
**     the granularity, capped by what the budget can pay for.
**  2. A grid of Lagrange multipliers bounds S for every pair at once
**     (mlp_dual.c); pairs are taken best bound first.
**  3. A pair whose bound cannot beat the incumbent, or cannot reach the
**     rho floor S >= L log(L/rho0), is closed; otherwise its multiplier is
**     refined and a depth-first search over widths, children in bound
**     order, pruned by the backward tables and by the least cost any
**     completion has (costs grow with every width), settles it.
**  4. bound = max(incumbent, bounds of pairs left open by the node limit).
*/
#include "mlp_solve.h"
#include "score.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NODE_LIMIT 200000
#define GRID_LO (-12)          /* lambda = 2^(i/2), i = GRID_LO..GRID_HI */
#define GRID_HI 20
#define MAX_TABLE ((int64_t)1 << 25) /* doubles in one bound table */

static double pad(double x) { return x + 1e-9 * fmax(1.0, fabs(x)); }

void dm_mlp_problem_init(dm_mlp_problem *p) {
    memset(p, 0, sizeof *p);
    p->rho0 = 0.5;
    p->min_layers = 1;
    p->max_layers = DM_MLP_MAX_LAYERS;
    p->granularity = 8;
    p->min_width = 8;
    p->max_width = DM_MLP_MAX_WIDTH;
    p->act = DM_ACT_RELU;
    p->bias = 1;
    p->node_limit = DEFAULT_NODE_LIMIT;
}

static dm_status check_range(const char *name, int64_t v, int64_t lo, int64_t hi, dm_error *err) {
    if (v < lo) return DM_FAIL(err, DM_ERR_INVALID, "%s must be >= %lld, got %lld", name,
                               (long long)lo, (long long)v);
    if (v > hi) return DM_FAIL(err, DM_ERR_RANGE, "%s must be <= %lld, got %lld", name,
                               (long long)hi, (long long)v);
    return DM_OK;
}

dm_status dm_mlp_problem_validate(const dm_mlp_problem *p, dm_error *err) {
    dm_status s = check_range("in_features", p->in_features, 1, DM_MLP_MAX_WIDTH, err);
    if (!s) s = check_range("out_min", p->out_min, 1, DM_MLP_MAX_WIDTH, err);
    if (!s) s = check_range("out_max", p->out_max, p->out_min, DM_MLP_MAX_WIDTH, err);
    if (!s) s = check_range("max_params", p->max_params, 0, INT64_MAX, err);
    if (!s) s = check_range("max_macs", p->max_macs, 0, INT64_MAX, err);
    if (!s) s = check_range("min_layers", p->min_layers, 1, DM_MLP_MAX_LAYERS, err);
    if (!s) s = check_range("max_layers", p->max_layers, p->min_layers, DM_MLP_MAX_LAYERS, err);
    if (!s) s = check_range("granularity", p->granularity, 1, DM_MLP_MAX_WIDTH, err);
    if (!s) s = check_range("min_width", p->min_width, 1, DM_MLP_MAX_WIDTH, err);
    if (!s) s = check_range("max_width", p->max_width, p->min_width, DM_MLP_MAX_WIDTH, err);
    if (!s) s = check_range("bias", p->bias, 0, 1, err);
    if (!s) s = check_range("node_limit", p->node_limit, 0, INT64_MAX, err);
    if (s) return s;
    if (!p->max_params && !p->max_macs)
        return DM_FAIL(err, DM_ERR_INVALID, "set a params or MACs budget (or both)");
    if (!isfinite(p->rho0) || p->rho0 <= 0)
        return DM_FAIL(err, DM_ERR_INVALID, "rho0 must be finite and > 0");
    if ((int)p->act < 0 || p->act >= DM_ACT_COUNT)
        return DM_FAIL(err, DM_ERR_INVALID, "unknown activation %d", (int)p->act);
    return DM_OK;
}

/* ---------------------------------------------------------------------- */
/* Candidates and scratch                                                 */
/* ---------------------------------------------------------------------- */

/* Multiples of g in [lo, min(hi, cap)] into *out (n of them). */
static dm_status grid_of(int64_t lo, int64_t hi, int64_t cap, int32_t g, int32_t **out,
                         int32_t *n) {
    int64_t first = (lo + g - 1) / g * g, last = (hi < cap ? hi : cap) / g * g;
    *n = last >= first ? (int32_t)((last - first) / g + 1) : 0;
    *out = dmi_malloc(sizeof **out * (size_t)(*n ? *n : 1));
    if (!*out) return DM_ERR_NOMEM;
    for (int32_t i = 0; i < *n; i++) (*out)[i] = (int32_t)(first + (int64_t)i * g);
    return DM_OK;
}

static void ctx_free(dmi_mlp_ctx *c) {
    dm_free(c->W); dm_free(c->K); dm_free(c->Wd); dm_free(c->Kd); dm_free(c->logW);
    dm_free(c->f); dm_free(c->g); dm_free(c->v); dm_free(c->hull);
}

static dm_status candidates(dmi_mlp_ctx *c, dm_error *err) {
    const dm_mlp_problem *p = c->p;
    int32_t g = p->granularity;
    int64_t wmin = (p->min_width + g - 1) / g * g, budget = c->bp < c->bm ? c->bp : c->bm;
    if (wmin > p->max_width)
        return DM_FAIL(err, DM_ERR_INVALID, "no multiple of %d lies in widths %d..%d", g,
                       p->min_width, p->max_width);
    int64_t kmin = p->out_min == p->out_max ? p->out_min : (p->out_min + g - 1) / g * g;
    int64_t in_lo = c->w1 < wmin ? c->w1 : wmin, out_lo = kmin < wmin ? kmin : wmin;
    /* a hidden width w pays at least w * (in_lo + out_lo) MACs */
    c->wmin = (int32_t)wmin;
    if (grid_of(wmin, p->max_width, budget / (in_lo + out_lo), g, &c->W, &c->n))
        return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    if (p->out_min == p->out_max) {
        c->nk = 1;
        if (!(c->K = dmi_malloc(sizeof *c->K))) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
        c->K[0] = p->out_min;
    } else {
        if (kmin > p->out_max)
            return DM_FAIL(err, DM_ERR_INVALID, "no multiple of %d lies in outputs %d..%d", g,
                           p->out_min, p->out_max);
        if (grid_of(kmin, p->out_max, budget / in_lo, g, &c->K, &c->nk))
            return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
        if (!c->nk) { c->K[0] = (int32_t)kmin; c->nk = 1; } /* infeasible, said later */
    }
    return DM_OK;
}

static dm_status ctx_init(dmi_mlp_ctx *c, const dm_mlp_problem *p, dm_error *err) {
    memset(c, 0, sizeof *c);
    c->p = p;
    c->w1 = p->in_features;
    c->bp = p->max_params ? p->max_params : INT64_MAX;
    c->bm = p->max_macs ? p->max_macs : INT64_MAX;
    c->inv_bp = p->max_params ? 1.0 / (double)p->max_params : 0;
    c->inv_bm = p->max_macs ? 1.0 / (double)p->max_macs : 0;
    if (p->max_params && p->max_macs) {
        c->n_theta = DMI_MLP_THETAS;
        for (int32_t t = 0; t < c->n_theta; t++) c->theta[t] = t / (double)(c->n_theta - 1);
    } else {
        c->n_theta = 1;
        c->theta[0] = p->max_params ? 1.0 : 0.0;
    }
    dm_status s = candidates(c, err);
    if (s) return s;
    c->lmin = p->min_layers;
    c->lmax = c->n ? p->max_layers : 1;
    if (c->lmin > c->lmax) c->lmin = c->lmax + 1; /* nothing to search */
    if ((int64_t)c->lmax * (c->n > c->nk ? c->n : c->nk) > MAX_TABLE)
        return DM_FAIL(err, DM_ERR_RANGE,
                       "%d widths x %d depths is too large a search; raise the granularity "
                       "or lower max_layers / max_width", c->n > c->nk ? c->n : c->nk, c->lmax);
    size_t m = (size_t)(c->n > c->nk ? c->n : c->nk) + 1;
    c->Wd = dmi_malloc(sizeof(double) * m);
    c->Kd = dmi_malloc(sizeof(double) * m);
    c->logW = dmi_malloc(sizeof(double) * m);
    c->f = dmi_malloc(sizeof(double) * m);
    c->g = dmi_malloc(sizeof(double) * m);
    c->v = dmi_malloc(sizeof(double) * m);
    c->hull = dmi_malloc(sizeof(int32_t) * m);
    if (!c->Wd || !c->Kd || !c->logW || !c->f || !c->g || !c->v || !c->hull)
        return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    for (int32_t j = 0; j < c->n; j++) c->Wd[j] = c->W[j], c->logW[j] = log(c->Wd[j]);
    for (int32_t k = 0; k < c->nk; k++) c->Kd[k] = c->K[k];
    return DM_OK;
}

/* ---------------------------------------------------------------------- */
/* Bounds for every (L, K) pair                                           */
/* ---------------------------------------------------------------------- */

typedef struct kid { double bound; int32_t j; } kid;

typedef struct search {
    dmi_mlp_ctx *c;
    double *ub;              /* bound on S of pair (L, k) at (L-1)*nk + k */
    int16_t *ub_lam;         /* its grid multiplier index */
    int8_t *ub_theta;        /* its theta index */
    int32_t li, t;           /* grid point being visited */
    int32_t want_L;          /* refine: the depth whose bound is kept */
    double got;              /* refine: that bound */
    /* the pair being searched */
    int32_t L, k;
    double lambda, alpha, beta, thr;
    double *G;               /* backward tables, (L-1) x n */
    kid *kids;               /* children, L x n */
    dm_mlp cur;
    /* the incumbent */
    int found;
    dm_mlp best;
    dm_mlp_metrics best_m;
    int64_t nodes, node_limit;
    int aborted;
} search;

static double lambda_at(int32_t li) { return exp2((GRID_LO + li) * 0.5); }
static size_t pair_at(const dmi_mlp_ctx *c, int32_t L, int32_t k) {
    return (size_t)(L - 1) * c->nk + k;
}

static void grid_visit(void *user, int32_t L, const double *phi, int32_t k_lo, int32_t k_hi) {
    search *s = user;
    for (int32_t k = k_lo; k < k_hi; k++) {
        size_t at = pair_at(s->c, L, k);
        if (phi[k - k_lo] < s->ub[at]) {
            s->ub[at] = phi[k - k_lo];
            s->ub_lam[at] = (int16_t)s->li;
            s->ub_theta[at] = (int8_t)s->t;
        }
    }
}

static void grid_bounds(search *s, double *row) {
    dmi_mlp_ctx *c = s->c;
    for (size_t i = 0; i < (size_t)c->lmax * c->nk; i++) s->ub[i] = INFINITY;
    for (s->t = 0; s->t < c->n_theta; s->t++)
        for (s->li = 0; s->li <= GRID_HI - GRID_LO; s->li++)
            dmi_mlp_forward(c, lambda_at(s->li), s->t, c->lmax, 0, c->nk, row, grid_visit, s);
}

static void refine_visit(void *user, int32_t L, const double *phi, int32_t k_lo, int32_t k_hi) {
    search *s = user;
    (void)k_lo, (void)k_hi;
    if (L == s->want_L) s->got = phi[0];
}

static double phi_at(search *s, double lambda, int32_t t, double *row) {
    s->want_L = s->L;
    dmi_mlp_forward(s->c, lambda, t, s->L, s->k, s->k + 1, row, refine_visit, s);
    return s->got;
}

/* Golden-section search for the pair's multiplier around its grid point
   (the dual is convex in lambda); any lambda gives a valid bound. */
static double refine(search *s, double *row) {
    size_t at = pair_at(s->c, s->L, s->k);
    int32_t t = s->ub_theta[at];
    double lo = (GRID_LO + s->ub_lam[at] - 1) * 0.5, hi = lo + 1.0, best = s->ub[at];
    double best_l = lambda_at(s->ub_lam[at]), r = (sqrt(5.0) - 1) / 2;
    double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
    double f1 = phi_at(s, exp2(x1), t, row), f2 = phi_at(s, exp2(x2), t, row);
    for (int it = 0; it < 24; it++) {
        if (f1 < best) best = f1, best_l = exp2(x1);
        if (f2 < best) best = f2, best_l = exp2(x2);
        if (f1 < f2) hi = x2, x2 = x1, f2 = f1, x1 = hi - r * (hi - lo), f1 = phi_at(s, exp2(x1), t, row);
        else lo = x1, x1 = x2, f1 = f2, x2 = lo + r * (hi - lo), f2 = phi_at(s, exp2(x2), t, row);
    }
    s->ub[at] = best;
    s->lambda = best_l;
    s->t = t;
    return best;
}

/* ---------------------------------------------------------------------- */
/* Branch and bound for one pair                                          */
/* ---------------------------------------------------------------------- */

/* The floor on S that rho <= rho0 sets (score.c). */
static double rho_floor(const dmi_mlp_ctx *c, int32_t L) {
    return dmi_mlp_rho_floor(L, c->p->rho0);
}

static void set_threshold(search *s) {
    double f = rho_floor(s->c, s->L);
    s->thr = s->found ? fmax(f, s->best_m.entropy / s->c->K[s->k]) : f;
}

/* A complete design (cur holds it): keep it if feasible and better. */
static void leaf(search *s) {
    dm_mlp_metrics m;
    s->nodes++;
    if (dm_mlp_metrics_of(&s->cur, &m, NULL)) return;
    if (m.params > s->c->bp || m.macs > s->c->bm || m.rho > s->c->p->rho0) return;
    if (s->found && !(m.entropy > s->best_m.entropy)) return;
    s->found = 1;
    s->best = s->cur;
    s->best_m = m;
    set_threshold(s);
}

/* Least params / MACs of edges from w = b on, r hidden widths after it. */
static void least_rest(const search *s, int64_t b, int32_t r, int64_t *cp, int64_t *cm) {
    const dmi_mlp_ctx *c = s->c;
    int64_t w = c->W[0], K = c->K[s->k];
    int32_t bias = c->p->bias;
    if (r == 0) {
        *cp = dmi_mlp_params_fast(b, K, bias);
        *cm = dmi_mlp_macs_fast(b, K);
        return;
    }
    *cp = dmi_mlp_params_fast(b, w, bias) + (r - 1) * dmi_mlp_params_fast(w, w, bias)
        + dmi_mlp_params_fast(w, K, bias);
    *cm = dmi_mlp_macs_fast(b, w) + (r - 1) * dmi_mlp_macs_fast(w, w) + dmi_mlp_macs_fast(w, K);
}

static int kid_cmp(const void *x, const void *y) {
    const kid *a = x, *b = y;
    if (a->bound != b->bound) return a->bound > b->bound ? -1 : 1;
    return a->j < b->j ? 1 : -1; /* ties: wider first */
}

/* Children of the node whose layer i has width a (hidden[0..i-2] set). */
static int32_t children(search *s, int32_t i, int64_t a, double sum, int64_t pp, int64_t pm,
                        kid *out) {
    const dmi_mlp_ctx *c = s->c;
    double th = c->theta[s->t], base = log((double)c->w1) + sum + s->lambda;
    const double *G = s->G + (size_t)(i - 1) * c->n;   /* G_{i+1} */
    int32_t nk = 0;
    for (int32_t j = 0; j < c->n; j++) {
        int64_t b = c->W[j], np = pp + dmi_mlp_params_fast(a, b, c->p->bias);
        int64_t nm = pm + dmi_mlp_macs_fast(a, b), rp, rm;
        least_rest(s, b, s->L - (i + 1), &rp, &rm);
        if (np + rp > c->bp || nm + rm > c->bm) break; /* costs grow with b */
        double bound = base + c->logW[j] + G[j]
                     - s->lambda * (th * np * c->inv_bp + (1 - th) * nm * c->inv_bm);
        if (pad(bound) >= s->thr) out[nk++] = (kid){bound, j};
    }
    qsort(out, (size_t)nk, sizeof *out, kid_cmp);
    return nk;
}

static void dfs(search *s, int32_t i, int64_t a, double sum, int64_t pp, int64_t pm) {
    const dmi_mlp_ctx *c = s->c;
    kid *kids = s->kids + (size_t)(i - 1) * c->n;
    int32_t nk = children(s, i, a, sum, pp, pm, kids);
    for (int32_t q = 0; q < nk && !s->aborted; q++) {
        if (pad(kids[q].bound) < s->thr) continue; /* the incumbent moved */
        if (s->nodes >= s->node_limit) { s->aborted = 1; return; }
        int64_t b = c->W[kids[q].j];
        s->cur.hidden[i - 1] = (int32_t)b;
        if (i + 1 == s->L) { leaf(s); continue; }
        s->nodes++;
        dfs(s, i + 1, b, sum + c->logW[kids[q].j], pp + dmi_mlp_params_fast(a, b, c->p->bias),
            pm + dmi_mlp_macs_fast(a, b));
    }
}

/* Search pair (s->L, s->k) exhaustively, or until the node limit. */
static void solve_pair(search *s) {
    const dmi_mlp_ctx *c = s->c;
    dm_mlp_init(&s->cur);
    s->cur.in_features = c->w1;
    s->cur.n_layers = s->L;
    s->cur.out_features = c->K[s->k];
    s->cur.act = c->p->act;
    s->cur.bias = c->p->bias;
    set_threshold(s);
    if (s->L == 1) { leaf(s); return; }
    dmi_mlp_weights(c, s->t, &s->alpha, &s->beta);
    dmi_mlp_backward(s->c, s->lambda, s->t, s->L, s->k, s->G);
    dfs(s, 1, c->w1, 0.0, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* Pairs, best bound first, and the answer                                */
/* ---------------------------------------------------------------------- */

typedef struct pair { double key; int32_t L, k; } pair;

static int pair_cmp(const void *x, const void *y) {
    const pair *a = x, *b = y;
    if (a->key != b->key) return a->key > b->key ? -1 : 1;
    if (a->L != b->L) return a->L < b->L ? -1 : 1;
    return a->k < b->k ? -1 : (a->k > b->k);
}

/* Open pairs: depth in range, bound reaching the rho floor; key = K * bound. */
static int32_t open_pairs(const search *s, pair *out) {
    const dmi_mlp_ctx *c = s->c;
    int32_t n = 0;
    for (int32_t L = c->lmin; L <= c->lmax; L++)
        for (int32_t k = 0; k < c->nk; k++) {
            double ub = pad(s->ub[pair_at(c, L, k)]);
            if (ub >= rho_floor(c, L)) out[n++] = (pair){c->K[k] * ub, L, k};
        }
    qsort(out, (size_t)n, sizeof *out, pair_cmp);
    return n;
}

/* Run the pairs; returns the bound left by pairs the node limit stopped. */
static double run_pairs(search *s, pair *pairs, int32_t n, double *row) {
    const dmi_mlp_ctx *c = s->c;
    for (int32_t q = 0; q < n; q++) {
        if (s->found && pairs[q].key <= s->best_m.entropy) return -INFINITY;
        if (s->nodes >= s->node_limit) { s->aborted = 1; return pairs[q].key; }
        s->L = pairs[q].L;
        s->k = pairs[q].k;
        double ub = pad(s->L > 1 ? refine(s, row) : s->ub[pair_at(c, s->L, s->k)]);
        if (s->L == 1) s->t = 0, s->lambda = 0;
        if (ub < rho_floor(c, s->L) || (s->found && c->K[s->k] * ub <= s->best_m.entropy))
            continue;
        solve_pair(s);
        if (s->aborted) {
            double left = q + 1 < n ? pairs[q + 1].key : -INFINITY;
            return fmax(c->K[s->k] * ub, left);
        }
    }
    return -INFINITY;
}

static void search_free(search *s) {
    dm_free(s->ub); dm_free(s->ub_lam); dm_free(s->ub_theta); dm_free(s->G); dm_free(s->kids);
}

static dm_status search_init(search *s, dmi_mlp_ctx *c, dm_error *err) {
    memset(s, 0, sizeof *s);
    s->c = c;
    s->node_limit = c->p->node_limit ? c->p->node_limit : DEFAULT_NODE_LIMIT;
    size_t np = (size_t)c->lmax * c->nk, nt = (size_t)c->lmax * (c->n ? c->n : 1);
    s->ub = dmi_malloc(sizeof *s->ub * np);
    s->ub_lam = dmi_malloc(sizeof *s->ub_lam * np);
    s->ub_theta = dmi_malloc(sizeof *s->ub_theta * np);
    s->G = dmi_malloc(sizeof *s->G * nt);
    s->kids = dmi_malloc(sizeof *s->kids * nt);
    if (!s->ub || !s->ub_lam || !s->ub_theta || !s->G || !s->kids)
        return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    return DM_OK;
}

/* Least params and MACs of any depth-L design: every hidden width the
   least of the grid, whether or not the budget affords it (each edge's
   cost grows with both its widths). */
static void least_design(const dmi_mlp_ctx *c, int32_t L, int64_t *p, int64_t *m) {
    int64_t w = c->wmin, K = c->K[0];
    int32_t bias = c->p->bias;
    if (L == 1) {
        *p = dmi_mlp_params_fast(c->w1, K, bias), *m = dmi_mlp_macs_fast(c->w1, K);
        return;
    }
    *p = dmi_mlp_params_fast(c->w1, w, bias) + (L - 2) * dmi_mlp_params_fast(w, w, bias)
       + dmi_mlp_params_fast(w, K, bias);
    *m = dmi_mlp_macs_fast(c->w1, w) + (L - 2) * dmi_mlp_macs_fast(w, w) + dmi_mlp_macs_fast(w, K);
}

/* The least rho any design within the budget can have, from the bounds:
   rho = L / exp(S / L) falls as S grows, and ub bounds S for every
   (depth, output) pair.  A bound, not a design's value: no design that
   meets the budget goes below it. */
static double least_rho(const search *s) {
    const dmi_mlp_ctx *c = s->c;
    double least = INFINITY;
    for (int32_t L = c->lmin; L <= c->lmax; L++)
        for (int32_t k = 0; k < c->nk; k++)
            least = fmin(least, L * exp(-pad(s->ub[pair_at(c, L, k)]) / L));
    return isfinite(least) ? least : 0.0;   /* no pair bounded: say nothing */
}

/* No design was found: which constraint is out of reach, and the least
   value of it (out->binding, out->least), in words in the message. */
static dm_status no_design(const search *s, dm_mlp_solution *out, dm_error *err) {
    const dmi_mlp_ctx *c = s->c;
    out->nodes = s->nodes;
    if (s->aborted) {
        out->stop = DM_STOP_NODE_LIMIT;
        return DM_FAIL(err, DM_ERR_RANGE,
                       "no feasible MLP found within %lld nodes; raise the node limit",
                       (long long)s->node_limit);
    }
    out->stop = DM_STOP_INFEASIBLE;
    out->proven = 1;
    /* beyond two layers the least cost grows with L: try lmin and max(2, lmin) */
    int64_t p, m, p2, m2;
    int32_t L = c->lmin, L2 = c->lmin > 2 ? c->lmin : 2;
    least_design(c, L, &p, &m);
    if (L2 <= c->lmax) {
        least_design(c, L2, &p2, &m2);
        if (p2 < p || (p2 <= c->bp && m2 <= c->bm)) p = p2, m = m2, L = L2;
    }
    if (p > c->bp || m > c->bm) {
        out->binding = p > c->bp ? DM_CONSTRAINT_PARAMS : DM_CONSTRAINT_MACS;
        out->least = (double)(p > c->bp ? p : m);
        return DM_FAIL(err, DM_ERR_INFEASIBLE,
                       "the budget is too small: the smallest MLP (%d layers) has %lld params "
                       "and %lld MACs", L, (long long)p, (long long)m);
    }
    out->binding = DM_CONSTRAINT_RHO;
    out->least = least_rho(s);
    return DM_FAIL(err, DM_ERR_INFEASIBLE,
                   "no MLP with %d..%d layers within the budget reaches rho <= %g "
                   "(raise rho0 or the budget, or allow fewer layers)",
                   c->lmin, c->p->max_layers, c->p->rho0);
}

static dm_status answer(search *s, double left, dm_mlp_solution *out, dm_error *err) {
    memset(out, 0, sizeof *out);
    if (!s->found) return no_design(s, out, err);
    out->mlp = s->best;
    out->metrics = s->best_m;
    out->objective = s->best_m.entropy;   /* the MLP objective is H */
    out->bound = fmax(s->best_m.entropy, left);
    out->gap = out->bound - s->best_m.entropy;
    out->stop = s->aborted ? DM_STOP_NODE_LIMIT : DM_STOP_OPTIMAL;
    out->nodes = s->nodes;
    return DM_OK;
}

dm_status dm_mlp_solve(const dm_mlp_problem *p, dm_mlp_solution *out, dm_error *err) {
    dm_status st = dm_mlp_problem_validate(p, err);
    if (st) return st;
    dmi_mlp_ctx c;
    search s;
    pair *pairs = NULL;
    double *row = NULL;
    memset(&s, 0, sizeof s);
    st = ctx_init(&c, p, err);
    if (!st) st = search_init(&s, &c, err);
    if (!st) {
        pairs = dmi_malloc(sizeof *pairs * (size_t)c.lmax * c.nk);
        row = dmi_malloc(sizeof *row * (size_t)c.nk);
        if (!pairs || !row) st = DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    }
    if (!st) {
        grid_bounds(&s, row);
        int32_t n = open_pairs(&s, pairs);
        st = answer(&s, run_pairs(&s, pairs, n, row), out, err);
    }
    dm_free(pairs);
    dm_free(row);
    search_free(&s);
    ctx_free(&c);
    return st;
}
