/*
** latency.c -- the latency prediction (latency.h, docs/latency.md).
**
** An op's family is everything about its shape but its channel counts:
** kind, kernel, stride, groups (dense, or depthwise), activation, fused
** sum, resolutions.  Within a family the table's entries lie on a grid of
** input and output channel counts (one axis only for ops whose c_out is
** their c_in: depthwise convs, pools).  A shape the table holds is its
** measured median; any other is interpolated bilinearly in (log c_in,
** log c_out) on log time, from the grid cell around it (beyond the grid,
** from the cell at its edge).  Log-log interpolation is exact for a time
** proportional to any power of the channel counts, as a conv's MACs are
** (c_in * c_out), so it follows the main trend exactly and interpolates
** only the departures from it (overheads, memory traffic, blocking).
*/
#include "latency.h"
#include "blocks.h"
#include "cost.h"
#include "net.h"
#include "ops.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fam_key {
    int32_t kind, kernel, stride, groups, act, sum, r_in, r_out; /* groups -1 = depthwise */
} fam_key;

typedef struct family {
    fam_key key;
    int32_t nx, ny;     /* axis lengths; ny 1 (axis {0}) for one-axis families */
    int32_t *xs, *ys;   /* distinct c_in and c_out, ascending */
    double *ms;         /* nx * ny measured medians, NAN where not measured */
} family;

/* Most grid cells an index holds (8 bytes each). */
#define DMI_LATENCY_MAX_CELLS (1 << 22)

struct dmi_latindex {
    int32_t n_fam;
    family *fam;
    double ns_per_mac;
    int32_t *ints;      /* the axes, one allocation */
    double *cells;      /* the grids, one allocation */
};

bool dmi_latency_one_axis(const dm_op *op) {
    if (op->kind == DM_OP_CONV) return op->groups > 1 && op->groups == op->c_in;
    return op->kind == DM_OP_POOL || op->kind == DM_OP_GAP || op->kind == DM_OP_ADD;
}

static fam_key key_of(const dm_op *op) {
    fam_key k = {(int32_t)op->kind, op->kernel, op->stride, op->groups, op->act, op->sum,
                 op->r_in, op->r_out};
    if (dmi_latency_one_axis(op) && op->kind == DM_OP_CONV) k.groups = -1;
    return k;
}

static int cmp_key(const fam_key *a, const fam_key *b) { return memcmp(a, b, sizeof *a); }

bool dmi_latency_same_family(const dm_op *a, const dm_op *b) {
    fam_key ka = key_of(a), kb = key_of(b);
    return !cmp_key(&ka, &kb);
}
static int32_t y_of(const dm_op *op) { return dmi_latency_one_axis(op) ? 0 : op->c_out; }

int64_t dmi_latency_op_macs(const dm_op *op) {
    dm_layer l;
    memset(&l, 0, sizeof l);
    l.c_in = op->c_in;
    l.c_out = op->c_out;
    l.kernel = op->kernel;
    l.groups = op->groups > 0 ? op->groups : 1;
    l.r_out = op->r_out;
    switch (op->kind) {
    case DM_OP_CONV: l.role = DM_ROLE_MAIN; break;
    case DM_OP_SE: l.role = DM_ROLE_CLASSIFIER; break;   /* each fc is c_in * c_out */
    case DM_OP_LINEAR: l.role = DM_ROLE_CLASSIFIER; break;
    default: return 0;
    }
    if (dmi_layer_cost(&l, NULL)) return INT64_MAX;
    return op->kind == DM_OP_SE ? 2 * l.macs : l.macs;
}

void dmi_latency_op_text(const dm_op *op, char *buf, size_t size) {
    const char *act = op->act == DM_OP_ACT_NONE ? "none" : dm_act_name((dm_act)op->act);
    snprintf(buf, size, "%s %dx%d/%d groups %d %d->%d at %d->%d px, act %s%s",
             dm_op_kind_name(op->kind), op->kernel, op->kernel, op->stride, op->groups, op->c_in,
             op->c_out, op->r_in, op->r_out, act, op->sum ? ", +sum" : "");
}

/* ------------------------------------------------------------ the index */

typedef struct sorted { fam_key key; int32_t x, y, i; } sorted;

static int cmp_sorted(const void *pa, const void *pb) {
    const sorted *a = pa, *b = pb;
    int c = cmp_key(&a->key, &b->key);
    if (c) return c;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->y != b->y) return a->y < b->y ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_int(const void *pa, const void *pb) {
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return a < b ? -1 : a > b;
}

/* Sort `v` (n values) and drop repeats; returns the new count. */
static int32_t distinct(int32_t *v, int32_t n) {
    int32_t k = 0;
    qsort(v, (size_t)n, sizeof *v, cmp_int);
    for (int32_t i = 0; i < n; i++)
        if (!k || v[k - 1] != v[i]) v[k++] = v[i];
    return k;
}

static int32_t find(const int32_t *v, int32_t n, int32_t q) {
    int32_t lo = 0, hi = n;   /* first index with v[i] >= q */
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < q) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static dm_status bad_entry(const dm_latency_table *t, int32_t i, const char *why, dm_error *err) {
    char op[160];
    dmi_latency_op_text(&t->entries[i].op, op, sizeof op);
    return DM_FAIL(err, DM_ERR_INVALID, "latency table entry %d (%s): %s", i, op, why);
}

/* What every entry must be for the estimator: positive channels and
   sizes, a finite non-negative time, c_out = c_in on one-axis ops. */
static dm_status check_entry(const dm_latency_table *t, int32_t i, dm_error *err) {
    const dm_latency_entry *e = &t->entries[i];
    const dm_op *o = &e->op;
    if ((int)o->kind < 0 || o->kind >= DM_OP_COUNT) return bad_entry(t, i, "unknown op kind", err);
    if (o->c_in < 1 || o->c_out < 1 || o->kernel < 1 || o->stride < 1 || o->groups < 1 ||
        o->r_in < 1 || o->r_out < 1)
        return bad_entry(t, i, "channels, kernel, stride, groups and sizes must be >= 1", err);
    if (!(e->median_ms >= 0 && e->median_ms < 1e9))
        return bad_entry(t, i, "median_ms must be a finite time >= 0", err);
    if (dmi_latency_one_axis(o) && o->c_out != o->c_in) return bad_entry(t, i, "c_out must equal c_in", err);
    return DM_OK;
}

/* Entries sorted by family, then c_in, then c_out; a repeat is refused. */
static dm_status sort_entries(const dm_latency_table *t, sorted *s, dm_error *err) {
    for (int32_t i = 0; i < t->n_entries; i++) {
        dm_status st = check_entry(t, i, err);
        if (st) return st;
        const dm_op *o = &t->entries[i].op;
        s[i] = (sorted){key_of(o), o->c_in, y_of(o), i};
    }
    qsort(s, (size_t)t->n_entries, sizeof *s, cmp_sorted);
    for (int32_t i = 1; i < t->n_entries; i++)
        if (!cmp_key(&s[i].key, &s[i - 1].key) && s[i].x == s[i - 1].x && s[i].y == s[i - 1].y)
            return bad_entry(t, s[i].i, "the same shape as an earlier entry", err);
    return DM_OK;
}

/* One family's axes (sorted entries s[0..n)) into *ints (advanced). */
static void lay_axes(const sorted *s, int32_t n, family *f, int32_t **ints) {
    f->key = s[0].key;
    f->xs = *ints;
    for (int32_t i = 0; i < n; i++) f->xs[i] = s[i].x;
    f->nx = distinct(f->xs, n);
    f->ys = f->xs + f->nx;
    for (int32_t i = 0; i < n; i++) f->ys[i] = s[i].y;
    f->ny = distinct(f->ys, n);
    *ints = f->ys + f->ny;
}

/* One family's grid of medians into *cells (advanced): NAN where the
   table has no entry. */
static void lay_cells(const dm_latency_table *t, const sorted *s, int32_t n, family *f,
                      double **cells) {
    f->ms = *cells;
    for (int32_t i = 0; i < f->nx * f->ny; i++) f->ms[i] = NAN;
    for (int32_t i = 0; i < n; i++)
        f->ms[find(f->xs, f->nx, s[i].x) * f->ny + find(f->ys, f->ny, s[i].y)] =
            t->entries[s[i].i].median_ms;
    *cells += f->nx * f->ny;
}

static int32_t count_families(const sorted *s, int32_t n) {
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++) k += i == 0 || cmp_key(&s[i].key, &s[i - 1].key) != 0;
    return k;
}

static int32_t family_end(const sorted *s, int32_t n, int32_t i) {
    int32_t j = i + 1;
    while (j < n && !cmp_key(&s[j].key, &s[i].key)) j++;
    return j;
}

static double least_ns_per_mac(const dm_latency_table *t) {
    double a = HUGE_VAL;
    for (int32_t i = 0; i < t->n_entries; i++) {
        int64_t macs = dmi_latency_op_macs(&t->entries[i].op);
        if (macs > 0 && macs < INT64_MAX) a = fmin(a, t->entries[i].median_ms * 1e6 / (double)macs);
    }
    return a < HUGE_VAL ? a : 0.0;
}

/* Axes first, then the grids, whose size they give (a table off any grid
   would need one cell per pair of its channel counts: refused past
   DMI_LATENCY_MAX_CELLS). */
static dm_status build(const dm_latency_table *t, sorted *s, dmi_latindex *ix, dm_error *err) {
    int32_t n = t->n_entries;
    size_t n_cells = 0;
    dm_status st = sort_entries(t, s, err);
    if (st) return st;
    ix->n_fam = count_families(s, n);
    ix->fam = dmi_calloc((size_t)ix->n_fam + 1, sizeof *ix->fam);
    ix->ints = dmi_malloc(2 * (size_t)n * sizeof *ix->ints + 1);
    if (!ix->fam || !ix->ints) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory indexing a latency table");
    int32_t *ints = ix->ints;
    for (int32_t i = 0, j, f = 0; i < n; i = j, f++) {
        j = family_end(s, n, i);
        lay_axes(s + i, j - i, &ix->fam[f], &ints);
        n_cells += (size_t)ix->fam[f].nx * (size_t)ix->fam[f].ny;
    }
    if (n_cells > DMI_LATENCY_MAX_CELLS)
        return DM_FAIL(err, DM_ERR_RANGE, "latency table: its shapes would need %zu grid cells, "
                       "at most %d (measure each family on a grid of channel counts)",
                       n_cells, DMI_LATENCY_MAX_CELLS);
    ix->cells = dmi_malloc(n_cells * sizeof *ix->cells + 1);
    if (!ix->cells) return DM_FAIL(err, DM_ERR_NOMEM, "out of memory indexing a latency table");
    double *cells = ix->cells;
    for (int32_t i = 0, j, f = 0; i < n; i = j, f++) {
        j = family_end(s, n, i);
        lay_cells(t, s + i, j - i, &ix->fam[f], &cells);
    }
    ix->ns_per_mac = least_ns_per_mac(t);
    return DM_OK;
}

dm_status dmi_latency_index_new(const dm_latency_table *t, dmi_latindex **out, dm_error *err) {
    *out = NULL;
    if (!t || t->n_entries < 0 || (t->n_entries > 0 && !t->entries))
        return DM_FAIL(err, DM_ERR_INVALID, "no latency table given");
    dmi_latindex *ix = dmi_calloc(1, sizeof *ix);
    sorted *s = dmi_malloc((size_t)t->n_entries * sizeof *s + 1);
    dm_status st = !ix || !s ? DM_FAIL(err, DM_ERR_NOMEM, "out of memory indexing a latency table")
                             : build(t, s, ix, err);
    free(s);
    if (st) {
        dmi_latency_index_free(ix);
        return st;
    }
    *out = ix;
    return DM_OK;
}

void dmi_latency_index_free(dmi_latindex *ix) {
    if (!ix) return;
    free(ix->fam);
    free(ix->ints);
    free(ix->cells);
    free(ix);
}

double dmi_latency_ns_per_mac(const dmi_latindex *ix) { return ix->ns_per_mac; }

/* ------------------------------------------------------------ estimate */

static const family *family_of(const dmi_latindex *ix, const fam_key *k) {
    int32_t lo = 0, hi = ix->n_fam;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(&ix->fam[mid].key, k);
        if (!c) return &ix->fam[mid];
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return NULL;
}

/* The two grid points around q on axis v[0..n) (the edge cell outside
   it), and q's weight on the second in log space.  False when the axis
   has one point and q is not it. */
static bool bracket(const int32_t *v, int32_t n, int32_t q, int32_t *i0, int32_t *i1, double *w,
                    int *outside) {
    int32_t j = find(v, n, q);
    *w = 0;
    if (j < n && v[j] == q) { *i0 = *i1 = j; return true; }
    if (n < 2) return false;
    *i0 = j == 0 ? 0 : j == n ? n - 2 : j - 1;
    *i1 = *i0 + 1;
    *outside |= j == 0 || j == n;
    *w = (log((double)q) - log((double)v[*i0])) / (log((double)v[*i1]) - log((double)v[*i0]));
    return true;
}

/* Bilinear in log time over the cell; false when a corner it needs was
   not measured (or measured as 0: no log). */
static bool interpolate(const family *f, int32_t x0, int32_t x1, double wx, int32_t y0,
                        int32_t y1, double wy, double *ms) {
    const int32_t xi[2] = {x0, x1}, yi[2] = {y0, y1};
    const double wxs[2] = {1 - wx, wx}, wys[2] = {1 - wy, wy};
    double sum = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            double w = wxs[a] * wys[b];
            if (w == 0) continue;
            double v = f->ms[xi[a] * f->ny + yi[b]];
            if (!(v > 0)) return false;
            sum += w * log(v);
        }
    *ms = exp(sum);
    return true;
}

/* Where the grid has holes (a table measured for a budget leaves out
   cells no design within it reaches): the time per MAC of the nearest
   measured shape, nearest in (log c_in, log c_out), times the op's MACs;
   the nearest shape's time itself for ops without MACs. */
static bool nearest(const family *f, const dm_op *op, double *ms) {
    double best = HUGE_VAL, lx = log((double)op->c_in), ly = log((double)(y_of(op) > 0 ? y_of(op) : 1));
    int32_t bi = -1, bj = -1;
    for (int32_t i = 0; i < f->nx; i++)
        for (int32_t j = 0; j < f->ny; j++) {
            if (!(f->ms[i * f->ny + j] > 0)) continue;
            double dx = log((double)f->xs[i]) - lx, dy = log((double)(f->ys[j] > 0 ? f->ys[j] : 1)) - ly;
            if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, bi = i, bj = j;
        }
    if (bi < 0) return false;
    dm_op near = *op;
    near.c_in = f->xs[bi];
    near.c_out = dmi_latency_one_axis(op) ? near.c_in : f->ys[bj];
    if (op->kind == DM_OP_CONV && f->key.groups < 0) near.groups = near.c_in;
    int64_t m_op = dmi_latency_op_macs(op), m_near = dmi_latency_op_macs(&near);
    *ms = f->ms[bi * f->ny + bj];
    if (m_op > 0 && m_near > 0) *ms *= (double)m_op / (double)m_near;
    return true;
}

static dm_status cannot(const dm_op *op, const char *why, dm_error *err) {
    char text[160];
    dmi_latency_op_text(op, text, sizeof text);
    return DM_FAIL(err, DM_ERR_INVALID, "the latency table cannot estimate the op %s: %s", text,
                   why);
}

/* The table's time for op in ms, before the floor. */
static dm_status estimate(const dmi_latindex *ix, const dm_op *op, double *ms, int *outside,
                          dm_error *err) {
    fam_key k = key_of(op);
    const family *f = family_of(ix, &k);
    if (!f) return cannot(op, "no shape of its kind, kernel, stride, activation and resolution "
                              "was measured", err);
    int32_t x0, x1, y0, y1;
    double wx, wy;
    if (!bracket(f->xs, f->nx, op->c_in, &x0, &x1, &wx, outside) ||
        !bracket(f->ys, f->ny, y_of(op), &y0, &y1, &wy, outside))
        return cannot(op, "its family was measured at one channel count only", err);
    if (wx == 0 && wy == 0) {   /* an exact hit: the median itself */
        *ms = f->ms[x0 * f->ny + y0];
        if (!isnan(*ms)) return DM_OK;
    }
    if (interpolate(f, x0, x1, wx, y0, y1, wy, ms)) return DM_OK;
    *outside = 1;
    if (!nearest(f, op, ms))
        return cannot(op, "no shape of its family has a time above 0 ms", err);
    return DM_OK;
}

dm_status dmi_latency_op_ns(const dmi_latindex *ix, const dm_op *op, int64_t *ns,
                            int *extrapolated, dm_error *err) {
    int outside = 0;
    double ms = 0;
    dm_status s = estimate(ix, op, &ms, &outside, err);
    if (s) return s;
    if (extrapolated) *extrapolated = outside;
    double v = ms * 1e6, floor_ns = ceil(ix->ns_per_mac * (double)dmi_latency_op_macs(op));
    if (floor_ns > v) v = floor_ns;
    if (!(v < 9e15)) return cannot(op, "its estimate is past 9e9 ms", err);
    *ns = (int64_t)llround(v);
    if ((double)*ns < floor_ns) (*ns)++;   /* the floor holds after rounding too */
    return DM_OK;
}

dm_status dmi_latency_ops_ns(const dmi_latindex *ix, const dm_op *ops, int32_t n, int64_t *total,
                             int64_t *stage_ns, dm_error *err) {
    *total = 0;
    if (stage_ns) memset(stage_ns, 0, DM_MAX_STAGES * sizeof *stage_ns);
    for (int32_t i = 0; i < n; i++) {
        int64_t t;
        dm_status s = dmi_latency_op_ns(ix, &ops[i], &t, NULL, err);
        if (s) return s;
        *total += t;
        if (stage_ns && ops[i].stage >= 0 && ops[i].stage < DM_MAX_STAGES)
            stage_ns[ops[i].stage] += t;
    }
    return DM_OK;
}

dm_status dmi_latency_net_ns(const dmi_latindex *ix, const dm_net *net, int64_t *total,
                             int64_t *stage_ns, dm_error *err) {
    dm_op *ops = NULL;
    int32_t n = 0;
    dm_status s = dm_net_ops(net, &ops, &n, err);
    if (!s) s = dmi_latency_ops_ns(ix, ops, n, total, stage_ns, err);
    dm_free(ops);
    return s;
}

/* ------------------------------------------------- a candidate, fast */

/* One block's time: its ops as dm_net_ops lists them (ops.h). */
static dm_status block_ns(const dmi_latindex *ix, const dm_arch *a, const dmi_layout *lay,
                          int32_t sbi, int32_t index, int32_t c_in, int64_t *ns, dm_error *err) {
    dm_block_info b;
    dm_layer ls[DMI_BLOCK_MAX_LAYERS];
    dm_op ops[DMI_OPS_PER_BLOCK];
    int32_t n, n_ops;
    dm_status s = dmi_space_block(a, lay, sbi, index, c_in, &b, ls, &n, err);
    if (s) return s;
    dmi_ops_block(&b, ls, n, ops, &n_ops);
    return dmi_latency_ops_ns(ix, ops, n_ops, ns, NULL, err);
}

static dmi_latmemo_slot *slot_of(dmi_latmemo_slot *slots, const int32_t key[6]) {
    uint32_t h = 2166136261u;   /* FNV-1a over the key's words */
    for (int i = 0; i < 6; i++) h = (h ^ (uint32_t)key[i]) * 16777619u;
    return &slots[h % DMI_LATMEMO_SLOTS];
}

static dm_status memo_block(const dmi_latindex *ix, const dm_arch *a, const dmi_layout *lay,
                            int32_t sbi, int32_t index, int32_t c_in, dmi_latmemo *memo,
                            int64_t *ns, dm_error *err) {
    if (!memo) return block_ns(ix, a, lay, sbi, index, c_in, ns, err);
    const dm_superblock *sb = &a->sb[sbi];
    int32_t key[6] = {sbi + 1, index, c_in, sb->out, sb->inner, sb->kernel};
    dmi_latmemo_slot *slot = slot_of(memo->block, key);
    if (!memcmp(slot->key, key, sizeof key)) { *ns = slot->ns; return DM_OK; }
    dm_status s = block_ns(ix, a, lay, sbi, index, c_in, ns, err);
    if (!s) { memcpy(slot->key, key, sizeof key); slot->ns = *ns; }
    return s;
}

/* The blocks' time by the repeat rule. */
static dm_status blocks_ns(const dmi_latindex *ix, const dm_arch *a, const dmi_layout *lay,
                           dmi_latmemo *memo, int64_t *ns, dm_error *err) {
    int32_t c = a->stem.out;
    *ns = 0;
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        int64_t b0 = 0, b1 = 0;
        dm_status s = memo_block(ix, a, lay, i, 0, c, memo, &b0, err);
        c = a->sb[i].out;
        if (!s && a->sb[i].depth > 1) s = memo_block(ix, a, lay, i, 1, c, memo, &b1, err);
        if (s) return s;
        *ns += b0 + b1 * (a->sb[i].depth - 1);
    }
    return DM_OK;
}

/* Stem, pools, head, classifier: the whole net's time less its blocks'. */
static dm_status rest_ns(const dmi_latindex *ix, const dm_arch *a, const dmi_layout *lay,
                         int64_t blocks, int64_t *ns, dm_error *err) {
    dm_net *net = NULL;
    int64_t total = 0;
    dm_status s = dm_net_create(a, &net, err);
    if (!s) s = dmi_latency_net_ns(ix, net, &total, NULL, err);
    dm_net_free(net);
    (void)lay;
    *ns = total - blocks;
    return s;
}

dm_status dmi_latency_arch_ns(const dmi_latindex *ix, const dm_arch *a, const dmi_layout *lay,
                              dmi_latmemo *memo, int64_t *ns, dm_error *err) {
    int64_t blocks, rest;
    dm_status s = blocks_ns(ix, a, lay, memo, &blocks, err);
    if (s) return s;
    int32_t last = a->n_superblocks ? a->sb[a->n_superblocks - 1].out : a->stem.out;
    int32_t key[6] = {1, a->stem.out, last, a->head, 0, 0};
    dmi_latmemo_slot *slot = memo ? slot_of(memo->rest, key) : NULL;
    if (slot && !memcmp(slot->key, key, sizeof key)) {
        rest = slot->ns;
    } else {
        if ((s = rest_ns(ix, a, lay, blocks, &rest, err))) return s;
        if (slot) { memcpy(slot->key, key, sizeof key); slot->ns = rest; }
    }
    *ns = blocks + rest;
    return DM_OK;
}

dm_status dmi_latency_metrics(const dmi_latindex *ix, const dm_net *net, dm_metrics *m,
                              dm_error *err) {
    int64_t total = 0, stage[DM_MAX_STAGES];
    dm_status s = dmi_latency_net_ns(ix, net, &total, stage, err);
    if (s) return s;
    m->latency_ms = (double)total / 1e6;
    for (int32_t i = 0; i < m->n_stages && i < DM_MAX_STAGES; i++)
        m->stage[i].latency_ms = (double)stage[i] / 1e6;
    return DM_OK;
}

/* ------------------------------------------------------------- public */

dm_status dm_latency_predict(const dm_latency_table *t, const dm_net *net, dm_latency *out,
                             dm_error *err) {
    if (!t || !net || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_latency_predict: NULL argument");
    dmi_latindex *ix = NULL;
    int64_t total = 0, stage[DM_MAX_STAGES];
    dm_status s = dmi_latency_index_new(t, &ix, err);
    if (!s) s = dmi_latency_net_ns(ix, net, &total, stage, err);
    dmi_latency_index_free(ix);
    if (s) return s;
    memset(out, 0, sizeof *out);
    out->total_ms = (double)total / 1e6;
    out->n_stages = net->layout.n_stages;
    for (int32_t i = 0; i < out->n_stages; i++) out->stage_ms[i] = (double)stage[i] / 1e6;
    return DM_OK;
}
