/*
** space_limits.c -- the problem-dependent part of the plausibility report
** (docs/plausibility.md): which of a net's design variables sit at an end
** of a design problem's domains, and the report as JSON.
**
** The domains are the ones the solver searches (deepmad.h, "Design
** problems"): channel widths are multiples of the granularity, so a width
** is at its upper end when it is the largest multiple the range allows,
** and the inner-width range is the solver's own (dmi_inner_range), read
** through the same helper.  Stem and head ranges follow the dm_problem
** fields: stem_min..stem_max (0 = min_channels / max_channels), head cap
** head_max (0 = max_channels), head_ratio_min..head_ratio_max times the
** last superblock's out (0 = none).
*/
#include "buf.h"
#include "plaus.h"
#include "solver.h"
#include <math.h>
#include <string.h>

/* ORDER DM_LIMIT_VAR */
static const char *const var_names[] = {"stem", "channels", "inner", "kernel", "depth", "head",
                                        "head_ratio"};
_Static_assert(DM_COUNTOF(var_names) == DM_LIMIT_VAR_COUNT, "ORDER DM_LIMIT_VAR");

const char *dm_limit_var_name(dm_limit_var v) {
    return (int)v >= 0 && v < DM_LIMIT_VAR_COUNT ? var_names[v] : "unknown";
}

/* Slack for ratios times widths (0.1 * 80 is 8.000000000000002). */
#define EPS 1e-9

static int32_t ceil_g(double v, int32_t g) { return (int32_t)ceil(v / g - EPS) * g; }
static int32_t floor_g(double v, int32_t g) { return (int32_t)floor(v / g + EPS) * g; }

static void add(dm_limits *o, dm_limit_var v, int32_t sb, int32_t at_max, int32_t outside,
                double value, double limit) {
    if (o->n >= DM_MAX_LIMIT_HITS) return; /* cannot happen: at most 4 per superblock + 3 */
    o->hit[o->n++] = (dm_limit_hit){.var = v, .sb = sb, .at_max = at_max, .outside = outside,
                                    .value = value, .limit = limit};
}

/* A width in a range stated as [lo, hi] and searched as the multiples of g
   inside it: its ends are the domain's, and a width past them (a net not
   designed in this space) is "outside".  `low` = 0: the lower end is not
   reported. */
static void check_width(dm_limits *o, dm_limit_var v, int32_t sb, int32_t w, int32_t lo,
                        int32_t hi, int32_t g, int low) {
    int32_t top = floor_g(hi, g), bottom = ceil_g(lo, g);
    if (w >= top) add(o, v, sb, 1, w > top, w, top);
    else if (low && w <= bottom) add(o, v, sb, 0, w < bottom, w, bottom);
}

static void check_stem(const dm_problem *p, int32_t stem, dm_limits *o) {
    int32_t lo, hi;
    dmi_item_range(p, 0, &lo, &hi);   /* the solver's stem domain */
    check_width(o, DM_LIMIT_STEM, -1, stem, lo, hi, p->granularity, 1);
}

/* m against the solver's own inner range for out c (dmi_inner_range: its
   rounding is the solver's, whatever it is), reported as ratios of c.  A
   range that holds one value (the floor) reports the floor only. */
static void check_inner(const dm_problem *p, int32_t sb, int32_t m, int32_t c, dm_limits *o) {
    int32_t lo, hi;
    dmi_inner_range(p, c, &lo, &hi);
    double r = (double)m / c;
    if (m <= lo) add(o, DM_LIMIT_INNER, sb, 0, m < lo, r, p->inner_min);
    else if (m >= hi) add(o, DM_LIMIT_INNER, sb, 1, m > hi, r, p->inner_max);
}

static void check_kernel(const dm_problem *p, int32_t sb, int32_t k, dm_limits *o) {
    int32_t top = p->kernels[p->n_kernels - 1];
    if (k >= top) add(o, DM_LIMIT_KERNEL, sb, 1, k > top, k, top);
    else if (k < p->kernels[0]) add(o, DM_LIMIT_KERNEL, sb, 0, 1, k, p->kernels[0]);
}

static void check_depth(const dm_problem *p, int32_t sb, int32_t d, dm_limits *o) {
    if (d >= p->depth_max[sb]) add(o, DM_LIMIT_DEPTH, sb, 1, d > p->depth_max[sb], d, p->depth_max[sb]);
    else if (p->depth_min[sb] > 1 && d <= p->depth_min[sb])
        add(o, DM_LIMIT_DEPTH, sb, 0, d < p->depth_min[sb], d, p->depth_min[sb]);
}

/* The head against its cap (the solver's domain, dmi_item_range), and
   head / last out against the ratio range, whose ends are searched as
   multiples of g like every width; both are reported when both bind. */
static void check_head(const dm_problem *p, int32_t head, int32_t last, dm_limits *o) {
    int32_t g = p->granularity, cap_lo, cap;
    dmi_item_range(p, p->n_superblocks + 1, &cap_lo, &cap);
    check_width(o, DM_LIMIT_HEAD, -1, head, cap_lo, cap, g, 0);
    double r = (double)head / last;
    int32_t bottom, top;
    dmi_head_ratio_range(p, last, &bottom, &top);
    if (p->head_ratio_max > 0 && head >= top)
        add(o, DM_LIMIT_HEAD_RATIO, -1, 1, head > top, r, p->head_ratio_max);
    else if (p->head_ratio_min > 0 && head <= bottom)
        add(o, DM_LIMIT_HEAD_RATIO, -1, 0, head < bottom, r, p->head_ratio_min);
}

dm_status dm_space_limits(const dm_problem *p, const dm_net *net, dm_limits *out, dm_error *err) {
    if (!p || !net || !out) return DM_FAIL(err, DM_ERR_INVALID, "dm_space_limits needs a problem, a net and an output");
    memset(out, 0, sizeof *out);
    dm_status s = dm_problem_validate(p, err);
    if (s) return s;
    const dm_arch *a = dm_net_arch(net);
    if (a->n_superblocks != p->n_superblocks)
        return DM_FAIL(err, DM_ERR_INVALID, "the net has %d superblocks, the problem %d",
                       (int)a->n_superblocks, (int)p->n_superblocks);
    check_stem(p, a->stem.out, out);
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        const dm_block_info *b = dmi_first_block(net, i);
        if (!b) return DM_FAIL(err, DM_ERR_INTERNAL, "superblock %d has no block", (int)i + 1);
        check_width(out, DM_LIMIT_CHANNELS, i, a->sb[i].out, p->min_channels, p->max_channels,
                    p->granularity, 1);
        check_inner(p, i, b->inner, b->c_out, out);
        check_kernel(p, i, a->sb[i].kernel, out);
        check_depth(p, i, a->sb[i].depth, out);
    }
    if (a->head > 0) check_head(p, a->head, a->sb[a->n_superblocks - 1].out, out);
    return DM_OK;
}

/* ---------------------------------------------------------------------- */
/* JSON */

static void put_num(dmi_buf *b, const char *key, double v) {
    dmi_buf_printf(b, ", \"%s\": ", key);
    dmi_buf_double(b, v);
}

static void put_hit(dmi_buf *b, const dm_limit_hit *h) {
    dmi_buf_printf(b, "{\"variable\": \"%s\"", dm_limit_var_name(h->var));
    if (h->sb >= 0) dmi_buf_printf(b, ", \"superblock\": %d", (int)h->sb + 1);
    dmi_buf_printf(b, ", \"end\": \"%s\", \"outside\": %s", h->at_max ? "max" : "min",
                   h->outside ? "true" : "false");
    put_num(b, "value", h->value);
    put_num(b, "limit", h->limit);
    dmi_buf_printf(b, "}");
}

/* A space name goes into JSON unescaped, so it is kept to a plain word. */
static int plain_word(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '-' || *s == '_')) return 0;
    return 1;
}

dm_status dm_plausibility_to_json(const dm_plausibility *pl, const dm_limits *lim,
                                  const char *space, char **out_json, dm_error *err) {
    if (!pl || !out_json) return DM_FAIL(err, DM_ERR_INVALID, "dm_plausibility_to_json needs a report and an output");
    *out_json = NULL;
    if (lim && (!space || !plain_word(space) || lim->n < 0 || lim->n > DM_MAX_LIMIT_HITS))
        return DM_FAIL(err, DM_ERR_INVALID, "limits need a space named in a-z, '-', '_' and at most %d hits",
                       DM_MAX_LIMIT_HITS);
    const double ratios[] = {pl->head_share, pl->head_ratio, pl->inner_ratio_min, pl->inner_ratio_max};
    for (int i = 0; i < DM_COUNTOF(ratios); i++)
        if (!isfinite(ratios[i])) return DM_FAIL(err, DM_ERR_INVALID, "a plausibility ratio is not finite");
    dmi_buf b = {0};
    dmi_buf_printf(&b, "{\"head_share\": ");
    dmi_buf_double(&b, pl->head_share);
    dmi_buf_printf(&b, ", \"head_params\": %lld, \"stem\": %d, \"head\": %d",
                   (long long)pl->head_params, (int)pl->stem, (int)pl->head);
    put_num(&b, "head_ratio", pl->head_ratio);
    put_num(&b, "inner_ratio_min", pl->inner_ratio_min);
    dmi_buf_printf(&b, ", \"inner_ratio_min_superblock\": %d", (int)pl->inner_ratio_min_sb + 1);
    put_num(&b, "inner_ratio_max", pl->inner_ratio_max);
    dmi_buf_printf(&b, ", \"inner_ratio_max_superblock\": %d", (int)pl->inner_ratio_max_sb + 1);
    if (lim) {
        dmi_buf_printf(&b, ", \"space\": \"%s\", \"at_limit\": [", space);
        for (int32_t i = 0; i < lim->n; i++) {
            if (i) dmi_buf_printf(&b, ", ");
            put_hit(&b, &lim->hit[i]);
        }
        dmi_buf_printf(&b, "]");
    }
    dmi_buf_printf(&b, "}");
    return dmi_buf_finish(&b, out_json, err);
}
