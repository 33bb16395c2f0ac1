/*
** solver_eval.c -- score one candidate fast, through the core.
**
** A superblock's blocks after the first have identical shapes, so only
** block 0 and block 1 are resolved (dmi_block_resolve/dmi_block_layers)
** and block 1's costs and log widths are multiplied by depth-1.  The
** per-stage sums then go to dmi_score, the same function dm_net_metrics
** uses, so the objective is bit-for-bit the one analyze reports.
*/
#include "solver.h"
#include "blocks.h"
#include "cost.h"
#include <math.h>
#include <string.h>

void dmi_inner_range(const dm_problem *p, int32_t c, int32_t *lo, int32_t *hi) {
    int32_t g = p->granularity;
    double a = ceil(p->inner_min * c / g - 1e-9), b = floor(p->inner_max * c / g + 1e-9);
    int32_t l = (int32_t)(a < 1 ? 1 : a) * g;
    int32_t h = (int32_t)b * g;
    if (l > DM_MAX_CHANNELS) l = DM_MAX_CHANNELS / g * g;
    if (h > DM_MAX_CHANNELS) h = DM_MAX_CHANNELS / g * g;
    *lo = l;
    *hi = h < l ? l : h;
}

void dmi_stage_alphas(const dm_score_params *sp, int32_t n, double *alpha) {
    dmi_stage_sum st[DM_MAX_STAGES];
    dm_metrics m;
    int32_t d = 1;
    for (int32_t i = 0; i < n; i++) st[i] = (dmi_stage_sum){.layers = 1, .log_width = 1, .resolution = 1, .channels = 1};
    for (int32_t i = 0; i < n; i++) alpha[i] = 0;
    dm_score_params plain = *sp;
    plain.n_alpha = sp->n_alpha == n ? n : 0;
    if (dmi_score(st, n, &d, 1, &plain, &m, NULL) == DM_OK)
        for (int32_t i = 0; i < n; i++) alpha[i] = m.stage[i].alpha;
}

dm_status dmi_ctx_init(dmi_ctx *x, const dm_problem *p, dm_error *err) {
    memset(x, 0, sizeof *x);
    dm_status s = dm_problem_validate(p, err);
    if (s) return s;
    x->p = *p;
    x->n = p->n_superblocks;
    dm_problem_score(p, &x->sp);
    dm_arch *a = &x->tmpl;
    dm_arch_init(a);
    a->in_channels = p->in_channels;
    a->input_size = p->input_size;
    a->classes = p->classes;
    a->stem = (dm_stem){.out = p->min_channels, .kernel = p->stem_kernel,
                        .stride = p->stem_stride, .act = p->act};
    a->n_superblocks = x->n;
    a->head_act = p->act;
    int32_t r = p->input_size / p->stem_stride, stage = 0;
    x->stem_r = r;
    for (int32_t i = 0; i < x->n; i++) {
        dm_superblock *b = &a->sb[i];
        *b = (dm_superblock){.kind = p->family, .out = 8, .depth = 1, .kernel = p->kernels[0],
                             .stride = p->stride[i], .inner = 8, .se = p->se, .act = p->act,
                             .shortcut = DM_SHORTCUT_CONV};
        if (p->stride[i] > 1) stage++;
        x->sb_stage[i] = stage;
        x->sb_rin[i] = r;
        r /= p->stride[i];
    }
    x->n_stages = stage + 1;
    dmi_stage_alphas(&x->sp, x->n_stages, x->alpha);
    return DM_OK;
}

void dmi_cand_arch(const dmi_ctx *x, const dmi_cand *c, dm_arch *out) {
    *out = x->tmpl;
    out->stem.out = c->stem;
    for (int32_t i = 0; i < x->n; i++) {
        out->sb[i].out = c->sb[i].c;
        out->sb[i].inner = c->sb[i].m;
        out->sb[i].kernel = c->sb[i].k;
        out->sb[i].depth = c->sb[i].d;
    }
    out->head = x->p.head ? c->head : 0;
}

static int64_t elems(int32_t r, int32_t c) { return (int64_t)r * r * c; }

static bool main_path(const dm_layer *l) {
    return l->role == DM_ROLE_STEM || l->role == DM_ROLE_MAIN || l->role == DM_ROLE_HEAD;
}

/* Sum a list of layers into *o. */
static void add_layers(const dm_layer *ls, int32_t n, dmi_blockcost *o) {
    for (int32_t i = 0; i < n; i++) {
        const dm_layer *l = &ls[i];
        int64_t act = elems(l->r_in, l->c_in) + elems(l->r_out, l->c_out);
        o->params += l->params;
        o->macs += l->macs;
        if (act > o->peak) o->peak = act;
        if (main_path(l)) {
            o->layers++;
            o->logw += log(dmi_layer_width(l));
        }
    }
}

dm_status dmi_block_cost(const dmi_ctx *x, int32_t sbi, int32_t index, const dmi_sbvar *v,
                         int32_t c_in, dmi_blockcost *out, dm_error *err) {
    dm_arch a = x->tmpl; /* only sb[sbi] is read by dmi_block_resolve */
    a.sb[sbi].out = v->c;
    a.sb[sbi].inner = v->m;
    a.sb[sbi].kernel = v->k;
    a.sb[sbi].depth = v->d;
    int32_t r = x->sb_rin[sbi] / (index ? x->p.stride[sbi] : 1);
    dm_block_info b;
    dm_layer ls[DMI_BLOCK_MAX_LAYERS];
    int32_t n;
    memset(out, 0, sizeof *out);
    dm_status s = dmi_block_resolve(&a, sbi, index, c_in, r, x->sb_stage[sbi], &b, err);
    if (!s) s = dmi_block_layers(&b, ls, &n, err);
    if (!s) add_layers(ls, n, out);
    return s;
}

bool dmi_cand_monotone(const dmi_ctx *x, const dmi_cand *c) {
    if (x->p.drop_monotone) return true;
    int32_t prev = c->stem;
    for (int32_t i = 0; i < x->n; i++) {
        if (c->sb[i].c < prev) return false;
        prev = c->sb[i].c;
    }
    return !x->p.head || c->head >= prev;
}

/* Add a block's sums (times `times`) to its stage and the totals. */
static bool accumulate(dmi_stage_sum *st, const dmi_blockcost *b, int64_t times, dmi_blockcost *tot) {
    int64_t p, m;
    if (!dmi_mul64(b->params, times, &p) || !dmi_mul64(b->macs, times, &m) ||
        !dmi_add64(tot->params, p, &tot->params) || !dmi_add64(tot->macs, m, &tot->macs))
        return false;
    if (b->peak > tot->peak) tot->peak = b->peak;
    st->layers += b->layers * (int32_t)times;
    st->log_width += b->logw * (double)times;
    tot->layers += b->layers * (int32_t)times;
    return true;
}

static dm_status add_one(dmi_stage_sum *st, const dm_layer *l, dmi_blockcost *tot, dm_error *err) {
    dmi_blockcost b = {0};
    add_layers(l, 1, &b);
    if (!accumulate(st, &b, 1, tot))
        return DM_FAIL(err, DM_ERR_RANGE, "candidate costs overflow 64-bit counters");
    return DM_OK;
}

static dm_status stem(dmi_ctx *x, const dmi_cand *c, dmi_stage_sum *st, dmi_blockcost *tot,
                      dm_error *err) {
    dm_layer l;
    dm_status s = dmi_conv(&l, DM_ROLE_STEM, x->p.in_channels, c->stem, x->p.stem_kernel,
                           x->p.stem_stride, 1, x->p.input_size, err);
    if (!s) s = add_one(&st[0], &l, tot, err);
    st[0].resolution = x->stem_r;
    st[0].channels = c->stem;
    return s;
}

/* Head and classifier, built as net.c builds them, in the last stage. */
static dm_status tail(dmi_ctx *x, const dmi_cand *c, dmi_stage_sum *st, dmi_blockcost *tot,
                      dm_error *err) {
    dm_layer l;
    dm_status s = DM_OK;
    int32_t last = x->n_stages - 1, r = x->sb_rin[x->n - 1] / x->p.stride[x->n - 1];
    int32_t cf = c->sb[x->n - 1].c;
    if (x->p.head) {
        s = dmi_conv(&l, DM_ROLE_HEAD, cf, c->head, 1, 1, 1, r, err);
        if (!s) s = add_one(&st[last], &l, tot, err);
        st[last].channels = cf = c->head;
    }
    if (!s && x->p.classes > 0) {
        s = dmi_classifier(&l, cf, x->p.classes, err);
        if (!s) s = add_one(&st[last], &l, tot, err);
    }
    return s;
}

static dm_status superblocks(dmi_ctx *x, const dmi_cand *c, dmi_stage_sum *st, dmi_blockcost *tot,
                             dm_error *err) {
    int32_t c_in = c->stem;
    for (int32_t i = 0; i < x->n; i++) {
        const dmi_sbvar *v = &c->sb[i];
        dmi_stage_sum *s_ = &st[x->sb_stage[i]];
        dmi_blockcost b0, b1;
        dm_status s = dmi_block_cost(x, i, 0, v, c_in, &b0, err);
        if (!s && v->d > 1) s = dmi_block_cost(x, i, 1, v, v->c, &b1, err);
        if (s) return s;
        if (!accumulate(s_, &b0, 1, tot) || (v->d > 1 && !accumulate(s_, &b1, v->d - 1, tot)))
            return DM_FAIL(err, DM_ERR_RANGE, "candidate costs overflow 64-bit counters");
        s_->resolution = x->sb_rin[i] / x->p.stride[i];
        s_->channels = v->c;
        c_in = v->c;
    }
    return DM_OK;
}

static double over(double used, double limit) {
    return limit > 0 && used > limit ? (used - limit) / limit : 0.0;
}

dm_status dmi_cand_eval(dmi_ctx *x, const dmi_cand *c, dmi_eval *e, dm_error *err) {
    dmi_stage_sum st[DM_MAX_STAGES];
    int32_t depths[DM_MAX_SUPERBLOCKS];
    dmi_blockcost tot = {0};
    dm_metrics m;
    memset(st, 0, sizeof st);
    x->evals++;
    dm_status s = stem(x, c, st, &tot, err);
    if (!s) s = superblocks(x, c, st, &tot, err);
    if (!s) s = tail(x, c, st, &tot, err);
    for (int32_t i = 0; i < x->n; i++) depths[i] = c->sb[i].d;
    if (!s) s = dmi_score(st, x->n_stages, depths, x->n, &x->sp, &m, err);
    if (s) return s;
    const dm_problem *p = &x->p;
    e->macs = tot.macs;
    e->params = tot.params;
    e->peak = tot.peak;
    e->layers = tot.layers;
    e->rho = m.rho;
    e->objective = m.objective;
    e->excess = over((double)tot.macs, (double)p->max_macs) +
                over((double)tot.params, (double)p->max_params) + over(m.rho, p->rho0) +
                over(tot.layers, p->max_layers) + over((double)tot.peak, (double)p->max_peak_activation);
    if (e->excess == 0 && !dmi_cand_monotone(x, c)) e->excess = 1.0;
    return DM_OK;
}
