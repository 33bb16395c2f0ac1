/*
** solver_eval.c -- score one candidate fast, through the design-space
** model (space.h) that dm_net_create uses.
**
** A superblock's blocks after the first have identical shapes, so only
** block 0 and block 1 are tallied and the repeat rule multiplies block 1
** by depth-1.  The per-stage sums then go to dmi_score, the same function
** dm_net_metrics uses, and the constraints are read from their table.
*/
#include "solver.h"
#include "buf.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every shape the space needs is a measured shape or inside a measured
   grid cell: else the table was measured for another problem. */
static dm_status check_coverage(const dmi_ctx *x, dm_error *err) {
    dm_op *ops = NULL;
    int32_t n = 0;
    dm_status s = dm_latency_shapes(&x->p, &ops, &n, err);
    for (int32_t i = 0; i < n && !s; i++) {
        int64_t ns;
        int outside = 0;
        char text[160];
        s = dmi_latency_op_ns(x->lat, &ops[i], &ns, &outside, err);
        if (s || !outside) continue;
        dmi_latency_op_text(&ops[i], text, sizeof text);
        s = DM_FAIL(err, DM_ERR_INVALID, "the op %s lies outside its measured channel counts "
                    "(measure this problem's shapes: deepmad profile --preset, docs/latency.md)",
                    text);
    }
    dm_free(ops);
    return s ? dmi_error_prefix(err, s, "the latency table does not fit this problem") : DM_OK;
}

/* The MACs budget a latency budget implies: every op takes at least
   ns_per_mac * its MACs (latency.h), so latency <= L needs MACs <=
   L / ns_per_mac (docs/latency.md); a hair looser, never tighter, than
   that quotient. */
static void derive_macs(dmi_ctx *x) {
    double a = dmi_latency_ns_per_mac(x->lat), l = x->p.max_latency_ms * 1e6;
    if (!(l > 0 && a > 0)) return;
    double q = floor(l / a * (1 + 1e-9)) + 1;
    if (!(q < 9e18)) return;
    int64_t derived = (int64_t)q;
    if (x->p.max_macs == 0 || derived < x->p.max_macs) x->p.max_macs = derived;
}

static dm_status ctx_latency(dmi_ctx *x, dm_error *err) {
    x->user_max_macs = x->p.max_macs;
    if (!x->p.latency_table) return DM_OK;
    dm_status s = dmi_latency_index_new(x->p.latency_table, &x->lat, err);
    if (!s) s = check_coverage(x, err);
    if (s) return s;
    x->latmemo = dmi_calloc(1, sizeof *x->latmemo);
    if (!x->latmemo) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory");
    derive_macs(x);
    return DM_OK;
}

void dmi_ctx_free(dmi_ctx *x) {
    if (!x) return;
    dmi_latency_index_free(x->lat);
    free(x->latmemo);
    x->lat = NULL;
    x->latmemo = NULL;
}

dm_status dmi_ctx_init(dmi_ctx *x, const dm_problem *p, dm_error *err) {
    memset(x, 0, sizeof *x);
    dm_status s = dm_problem_validate(p, err);
    if (s) return s;
    x->p = *p;
    if ((s = ctx_latency(x, err))) {
        dmi_ctx_free(x);
        return s;
    }
    x->n = p->n_superblocks;
    dm_problem_score(p, &x->sp);
    dmi_problem_arch(p, &x->tmpl);
    dmi_space_layout(&x->tmpl, &x->lay);
    dmi_score_alphas(&x->sp, x->lay.n_stages, x->alpha);
    for (int c = 0; c < DM_CONSTRAINT_COUNT; c++) x->least[c] = HUGE_VAL;
    x->cell_ratio = dmi_cell_ratio(p);
    x->prog.objective = -HUGE_VAL;
    x->prog.bound = HUGE_VAL;
    return DM_OK;
}

void dmi_progress_phase(dmi_ctx *x, dm_phase ph, int64_t total) {
    x->prog.phase = ph;
    x->prog.total = total;
    x->phase_evals = x->evals;
    dmi_progress_done(x, 0);
}

void dmi_progress_done(dmi_ctx *x, int64_t done) {
    x->prog.done = done;
    if (x->progress) x->progress(&x->prog, x->progress_user);
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

dm_status dmi_block_cost(const dmi_ctx *x, int32_t sbi, int32_t index, int32_t c, int32_t m,
                         int32_t k, int32_t c_in, dmi_tally *out, dm_error *err) {
    dm_arch a = x->tmpl;
    return dmi_block_cost_in(x, &a, true, sbi, index, c, m, k, c_in, out, err);
}

dm_status dmi_block_cost_in(const dmi_ctx *x, dm_arch *scratch, bool logs, int32_t sbi, int32_t index,
                            int32_t c, int32_t m, int32_t k, int32_t c_in, dmi_tally *out,
                            dm_error *err) {
    scratch->sb[sbi].out = c;   /* only sb[sbi] of the template is read for a block */
    scratch->sb[sbi].inner = m;
    scratch->sb[sbi].kernel = k;
    return (logs ? dmi_space_block_tally : dmi_space_block_costs)(scratch, &x->lay, sbi, index, c_in,
                                                                  out, err);
}

dm_status dmi_stem_layer(const dmi_ctx *x, int32_t c, dm_layer *l, dm_error *err) {
    dm_arch a = x->tmpl;
    a.stem.out = c;
    return dmi_space_stem(&a, l, err);
}

dm_status dmi_head_layer(const dmi_ctx *x, int32_t c_in, int32_t c, dm_layer *l, dm_error *err) {
    dm_arch a = x->tmpl;
    a.head = c;
    return dmi_space_head(&a, &x->lay, c_in, l, err);
}

dm_status dmi_classifier_cost(const dmi_ctx *x, int32_t c_in, int64_t cost[2], dm_error *err) {
    dm_layer l;
    cost[0] = cost[1] = 0;
    if (x->tmpl.classes <= 0) return DM_OK;
    dm_status s = dmi_space_classifier(&x->tmpl, &x->lay, c_in, &l, err);
    cost[0] = l.macs;
    cost[1] = l.params;
    return s;
}

int32_t dmi_item_stage(const dmi_ctx *x, int32_t item) {
    return item == 0 ? 0 : item <= x->n ? x->lay.sb_stage[item - 1] : x->lay.n_stages - 1;
}

void dmi_closers(const dmi_ctx *x, int32_t closer[DM_MAX_STAGES]) {
    for (int32_t t = 0; t < x->lay.n_stages; t++) closer[t] = 0;
    for (int32_t i = 0; i < x->n; i++) closer[x->lay.sb_stage[i]] = i + 1;
    if (x->p.head) closer[x->lay.n_stages - 1] = x->n + 1;
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

bool dmi_cand_in_domain(const dmi_ctx *x, const dmi_cand *c) {
    int32_t lo, hi;
    dmi_item_range(&x->p, 0, &lo, &hi);
    if (c->stem < lo || c->stem > hi) return false;
    if (!x->p.head) return true;
    dmi_head_range(&x->p, c->sb[x->n - 1].c, &lo, &hi);
    return c->head >= lo && c->head <= hi;
}

/* Every variable in its documented domain (deepmad.h): the stem and head
   ranges above, and per superblock c on the channel grid within its
   range, m a multiple of the granularity within dmi_inner_range, k one of
   the kernels, d within the depth range.  The searches keep to these by
   construction; dm_solve checks its answer once more, because
   dm_net_create would accept a width off the grid. */
bool dmi_cand_on_grid(const dmi_ctx *x, const dmi_cand *c) {
    const dm_problem *p = &x->p;
    int32_t g = p->granularity, lo, hi, mlo, mhi;
    if (!dmi_cand_in_domain(x, c) || c->stem % g || (p->head && c->head % g)) return false;
    dmi_item_range(p, 1, &lo, &hi);
    for (int32_t i = 0; i < x->n; i++) {
        const dmi_sbvar *s = &c->sb[i];
        bool kernel = false;
        for (int k = 0; k < p->n_kernels; k++) kernel |= p->kernels[k] == s->k;
        dmi_inner_range(p, s->c, &mlo, &mhi);
        if (s->c < lo || s->c > hi || s->c % g || s->m < mlo || s->m > mhi || s->m % g || !kernel ||
            s->d < p->depth_min[i] || s->d > p->depth_max[i])
            return false;
    }
    return true;
}

/* Record the candidate's measures against the constraint table: the
   excess, and the least value of a constraint it alone breaks. */
static void judge(dmi_ctx *x, const dmi_cand *c, const dm_metrics *m, dmi_eval *e) {
    int broken = -1, n_broken = 0;
    e->excess = 0;
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++) {
        e->value[k] = dm_constraint_value(m, (dm_constraint)k);
        double ex = dmi_constraint_excess(&x->p, (dm_constraint)k, e->value[k]);
        e->excess += ex;
        if (ex > 0) broken = k, n_broken++;
    }
    if (!dmi_cand_monotone(x, c) || !dmi_cand_in_domain(x, c)) {
        if (e->excess == 0) e->excess = 1.0;
        return;
    }
    for (int k = 0; k < DM_CONSTRAINT_COUNT; k++)
        if ((n_broken == 0 || k == broken) && n_broken <= 1 && e->value[k] < x->least[k])
            x->least[k] = e->value[k];
}

dm_status dmi_cand_eval(dmi_ctx *x, const dmi_cand *c, dmi_eval *e, dm_error *err) {
    dmi_stage_sum st[DM_MAX_STAGES];
    dmi_tally ts[DM_MAX_STAGES], tot;
    int32_t depths[DM_MAX_SUPERBLOCKS], chan[DM_MAX_STAGES];
    dm_metrics m;
    dm_arch a;
    memset(ts, 0, sizeof ts);
    x->evals++;
    dmi_cand_arch(x, c, &a);
    for (int32_t i = 0; i < x->n; i++) depths[i] = c->sb[i].d;
    dm_status s = dmi_space_tally_fast(&a, &x->lay, ts, chan, x->memo, err);
    if (!s && !dmi_space_sums(&a, &x->lay, ts, chan, st, &tot))
        s = DM_FAIL(err, DM_ERR_RANGE, "candidate costs overflow 64-bit counters");
    if (!s) s = dmi_score(st, x->lay.n_stages, depths, x->n, &x->sp, &m, err);
    if (s) return s;
    m.macs = tot.macs;
    m.params = tot.params;
    m.peak_activation = tot.peak;
    m.latency_ms = 0;   /* as dm_net_metrics without a table (a memset of m per evaluation costs) */
    if (x->lat) {   /* as dm_latency_predict on the built net, to the nanosecond (latency.h) */
        int64_t ns = 0;
        if ((s = dmi_latency_arch_ns(x->lat, &a, &x->lay, x->latmemo, &ns, err))) return s;
        m.latency_ms = (double)ns / 1e6;
    }
    e->objective = m.objective;
    judge(x, c, &m, e);
    if (e->excess == 0 && e->objective > x->prog.objective) x->prog.objective = e->objective;
    if (x->progress && x->evals % DM_PROGRESS_EVERY == 0 && x->prog.phase == DM_PHASE_SEARCH)
        dmi_progress_done(x, x->evals - x->phase_evals);
    return DM_OK;
}
