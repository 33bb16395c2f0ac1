/*
** latency_shapes.c -- which op shapes a latency table needs for a design
** problem (dm_latency_shapes, docs/latency.md "Prediction"), designed with
** the estimator (model/latency.c): every family of ops the problem's space
** can run, each on a geometric grid of channel counts that spans the
** space's range, so that any design's ops are exact hits or lie inside a
** measured grid cell.
**
** Families and their ranges come from probes (probe_arch), once per
** kernel, with depth 2 wherever the depth range allows it (block 1
** exists), their ops listed by dm_net_ops: the problem's smallest design,
** its largest, and designs whose block 0s have unequal and equal widths
** (a block's shortcut depends on that).  Every width of the space lies
** between the smallest and the largest design's (widths, inner widths,
** squeeze, head all grow with the variables), so the union of the probes'
** channel counts per family bounds the family's range.
**
** A grid point is left out when the grid cell it tops (the one below and
** left of it) already breaks the problem's MACs or params budget at its
** smallest corner: no design within budget has an op in that cell, and an
** op there is estimated from the edge of the grid (latency.h).
*/
#include "solver.h"
#include "latency.h"
#include <stdlib.h>
#include <string.h>

/* Grid points per octave: 1 (2^j), or with HALF_OCTAVES 2 (2^j and
   3 * 2^(j-1)): four times the shapes of a two-axis family, for an
   interpolation error measured in tests/test_latency.c. */
#ifndef HALF_OCTAVES
#define HALF_OCTAVES 0
#endif
#define AXIS_MAX 64          /* points on one axis: 2 per octave up to 65536, plus the ends */
#define PROBES_MAX (2 * DM_PROBLEM_MAX_KERNELS)

typedef struct fam {
    dm_op op;                  /* the family's shape (channels aside) */
    int32_t x_lo, x_hi, y_lo, y_hi;
} fam;

typedef struct famlist {
    fam *f;
    int32_t n, cap;
} famlist;

static dm_status add_op(famlist *L, const dm_op *o, dm_error *err) {
    for (int32_t i = 0; i < L->n; i++) {
        fam *f = &L->f[i];
        if (!dmi_latency_same_family(&f->op, o)) continue;
        if (o->c_in < f->x_lo) f->x_lo = o->c_in;
        if (o->c_in > f->x_hi) f->x_hi = o->c_in;
        if (o->c_out < f->y_lo) f->y_lo = o->c_out;
        if (o->c_out > f->y_hi) f->y_hi = o->c_out;
        return DM_OK;
    }
    if (L->n == L->cap) {
        int32_t cap = L->cap ? 2 * L->cap : 64;
        fam *f = dmi_realloc(L->f, (size_t)cap * sizeof *f);
        if (!f) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory listing latency shapes");
        L->f = f;
        L->cap = cap;
    }
    L->f[L->n++] = (fam){*o, o->c_in, o->c_in, o->c_out, o->c_out};
    return DM_OK;
}

/* The probes: every superblock at the smallest width (LO), the largest
   (HI), alternating from one to the other (ALT_LO, ALT_HI: a block 0 whose
   input and output widths differ, which changes its shortcut), and with
   the stem's width (EQ_LO, EQ_HI: the first block 0 with equal widths
   where the stem's and the superblocks' ranges meet). */
typedef enum probe_kind { LO, HI, ALT_LO, ALT_HI, EQ_LO, EQ_HI, PROBE_KINDS } probe_kind;

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* The probe design `kind` with every kernel k. */
static void probe_arch(const dm_problem *p, probe_kind kind, int32_t k, dm_arch *a) {
    int32_t slo, shi, lo, hi, m_lo, m_hi, c = 0;
    dmi_problem_arch(p, a);
    dmi_item_range(p, 0, &slo, &shi);
    dmi_item_range(p, 1, &lo, &hi);
    bool up = kind == HI || kind == ALT_HI || kind == EQ_HI;
    a->stem.out = up ? shi : slo;
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        bool big = kind == LO || kind == EQ_LO ? false : kind == HI || kind == EQ_HI ? true
                                                                                   : (i % 2 == 0) == (kind == ALT_LO);
        c = kind == EQ_LO || kind == EQ_HI ? clamp(a->stem.out, lo, hi) : big ? hi : lo;
        dmi_inner_range(p, c, &m_lo, &m_hi);
        a->sb[i].out = c;
        a->sb[i].inner = big || kind == EQ_HI ? m_hi : m_lo;
        a->sb[i].kernel = k;
        a->sb[i].depth = p->depth_max[i] >= 2 ? 2 : 1;
    }
    dmi_head_range(p, c, &slo, &shi);
    a->head = p->head ? (up ? shi : slo) : 0;
}

static dm_status probe(const dm_problem *p, probe_kind kind, int32_t k, famlist *L, dm_error *err) {
    dm_arch a;
    dm_net *net = NULL;
    dm_op *ops = NULL;
    int32_t n = 0;
    probe_arch(p, kind, k, &a);
    dm_status s = dm_net_create(&a, &net, err);
    if (!s) s = dm_net_ops(net, &ops, &n, err);
    for (int32_t i = 0; i < n && !s; i++) s = add_op(L, &ops[i], err);
    dm_free(ops);
    dm_net_free(net);
    return s;
}

/* The grid of [lo, hi]: both ends, and the powers of 2 between (with
   HALF_OCTAVES also 3 * 2^(j-1)). */
static int32_t axis(int32_t lo, int32_t hi, int32_t *v) {
    int32_t n = 0;
    v[n++] = lo;
    for (int64_t p2 = 2; p2 <= hi; p2 *= 2) {
        int64_t pts[2] = {p2, HALF_OCTAVES ? p2 + p2 / 2 : p2};
        for (int i = 0; i < 1 + HALF_OCTAVES; i++)
            if (pts[i] > lo && pts[i] < hi && n < AXIS_MAX - 1) v[n++] = (int32_t)pts[i];
    }
    if (hi > lo) v[n++] = hi;
    return n;
}

/* The op of family f at channels (x, y). */
static dm_op at(const fam *f, int32_t x, int32_t y) {
    dm_op o = f->op;
    o.c_in = x;
    o.c_out = dmi_latency_one_axis(&f->op) ? x : y;
    if (o.kind == DM_OP_CONV && f->op.groups > 1) o.groups = x;
    o.stage = -1;
    return o;
}

/* Whether an op alone already breaks the MACs or params budget (its
   weights, c_in/groups * c_out * k^2, are at most its params). */
static bool over_budget(const dm_problem *p, const dm_op *o) {
    int64_t macs = dmi_latency_op_macs(o);
    int64_t r2 = o->kind == DM_OP_CONV ? (int64_t)o->r_out * o->r_out : 1;
    return (p->max_macs > 0 && macs > p->max_macs) || (p->max_params > 0 && macs / r2 > p->max_params);
}

static dm_status push(dm_op **out, int32_t *n, int32_t *cap, const dm_op *o, dm_error *err) {
    if (*n == *cap) {
        int32_t c = *cap ? 2 * *cap : 256;
        dm_op *v = dmi_realloc(*out, (size_t)c * sizeof *v);
        if (!v) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory listing latency shapes");
        *out = v;
        *cap = c;
    }
    (*out)[(*n)++] = *o;
    return DM_OK;
}

static dm_status family_shapes(const dm_problem *p, const fam *f, dm_op **out, int32_t *n,
                               int32_t *cap, dm_error *err) {
    int32_t xs[AXIS_MAX], ys[AXIS_MAX];
    bool one = dmi_latency_one_axis(&f->op);
    int32_t nx = axis(f->x_lo, f->x_hi, xs), ny = one ? 1 : axis(f->y_lo, f->y_hi, ys);
    if (one) ys[0] = 0;
    for (int32_t i = 0; i < nx; i++)
        for (int32_t j = 0; j < ny; j++) {
            dm_op corner = at(f, xs[i ? i - 1 : 0], ys[j ? j - 1 : 0]);
            if (over_budget(p, &corner)) continue;
            dm_op o = at(f, xs[i], ys[j]);
            dm_status s = push(out, n, cap, &o, err);
            if (s) return s;
        }
    return DM_OK;
}

dm_status dm_latency_shapes(const dm_problem *p, dm_op **out, int32_t *n, dm_error *err) {
    if (!p || !out || !n) return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_shapes: NULL argument");
    *out = NULL;
    *n = 0;
    dm_problem q = *p;   /* the shapes do not depend on a latency budget or table */
    q.max_latency_ms = 0;
    q.latency_table = NULL;
    dm_status s = dm_problem_validate(&q, err);
    famlist L = {0};
    for (int kind = 0; kind < PROBE_KINDS && !s; kind++)
        for (int32_t k = 0; k < q.n_kernels && !s; k++)
            s = probe(&q, (probe_kind)kind, q.kernels[k], &L, err);
    int32_t cap = 0;
    for (int32_t i = 0; i < L.n && !s; i++) s = family_shapes(&q, &L.f[i], out, n, &cap, err);
    free(L.f);
    if (s) {
        dm_free(*out);
        *out = NULL;
        *n = 0;
    }
    return s;
}
