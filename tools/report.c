/*
** report.c -- the plausibility block of `analyze` and `design`
** (docs/plausibility.md).  The facts come from the library
** (dm_net_plausibility, dm_space_limits; the --json objects are the
** library's own, dm_analysis_to_json and dm_json_add_plausibility); this
** file only words them, and groups the superblocks whose variable sits at
** the same end of the same limit into one warning line.
*/
#include "report.h"
#include "cli.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Which space: a net's own style picks the paper or the open space
   (dm_net_space is the one place that rule is). */

void report_space_of_net(const dm_arch *a, report_space *out) {
    int paper = a->style == DM_STYLE_PAPER;
    memset(&out->err, 0, sizeof out->err);
    dm_net_space(a, &out->p, &out->err);   /* the library decides which space */
    out->name = paper ? "paper" : "open";
    out->words = paper ? "paper space" : "open space";
}

void report_space_of_problem(const dm_problem *p, report_space *out) {
    out->p = *p;
    memset(&out->err, 0, sizeof out->err);
    out->name = "problem";
    out->words = "design problem";
}

/* ---------------------------------------------------------------------- */
/* Text */

static void put_count(char *out, size_t n, int64_t v) {
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%" PRId64, v);
    size_t j = 0;
    for (int i = 0; i < len && j + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) out[j++] = ',';
        out[j++] = digits[i];
    }
    out[j] = 0;
}

/* How a warning names the end a variable sits at. */
static void end_words(const dm_limit_hit *h, const dm_problem *p, char *buf, size_t n) {
    const char *end = h->at_max ? "cap" : "floor";
    switch (h->var) {
    case DM_LIMIT_INNER: snprintf(buf, n, "its %s %g x out", end, h->limit); break;
    case DM_LIMIT_HEAD_RATIO:
        snprintf(buf, n, "its %s %g x the last superblock's width", end, h->limit);
        break;
    case DM_LIMIT_CHANNELS: snprintf(buf, n, "the channel %s %g", end, h->limit); break;
    case DM_LIMIT_HEAD:
        snprintf(buf, n, "the %s %g", p->head_max > 0 ? "head width cap" : "channel cap", h->limit);
        break;
    case DM_LIMIT_KERNEL:
        snprintf(buf, n, "the %s kernel %g", h->at_max ? "largest" : "smallest", h->limit);
        break;
    case DM_LIMIT_DEPTH: snprintf(buf, n, "its %s depth %g", h->at_max ? "max" : "min", h->limit); break;
    default: snprintf(buf, n, "its %s %g", end, h->limit); break;
    }
}

static int same_group(const dm_limit_hit *a, const dm_limit_hit *b) {
    return a->var == b->var && a->at_max == b->at_max && a->outside == b->outside &&
           a->limit == b->limit && a->sb >= 0 && b->sb >= 0;
}

/* One warning line for hit i and every later hit of its group (marked done). */
static void warn_group(const dm_limits *l, int32_t i, char *done, const report_space *sp,
                       const dm_plausibility *pl) {
    const dm_limit_hit *h = &l->hit[i];
    char subject[512], where[96];
    size_t k = 0;
    if (h->sb < 0) {
        if (h->var == DM_LIMIT_HEAD_RATIO)
            snprintf(subject, sizeof subject, "head width %d (%.2f x the last superblock's %d)",
                     (int)pl->head, h->value, (int)pl->last_out);
        else snprintf(subject, sizeof subject, "%s width %g", h->var == DM_LIMIT_STEM ? "stem" : "head",
                      h->value);
    } else {
        const char *what = h->var == DM_LIMIT_CHANNELS ? "out width" : dm_limit_var_name(h->var);
        if (h->var == DM_LIMIT_INNER) what = "inner width";
        int32_t count = 0;
        for (int32_t j = i; j < l->n; j++) count += !done[j] && same_group(h, &l->hit[j]);
        k = (size_t)snprintf(subject, sizeof subject, "%s of superblock%s", what, count > 1 ? "s" : "");
        for (int32_t j = i, first = 1; j < l->n && k < sizeof subject; j++) {
            if (done[j] || !same_group(h, &l->hit[j])) continue;
            done[j] = 1;
            k += (size_t)snprintf(subject + k, sizeof subject - k, "%s %d", first ? "" : ",",
                                  (int)l->hit[j].sb + 1);
            first = 0;
        }
    }
    done[i] = 1;
    end_words(h, &sp->p, where, sizeof where);
    if (h->outside)
        printf("warning: %s is past %s of the %s (outside it)\n", subject, where, sp->words);
    else printf("warning: %s is at %s of the %s\n", subject, where, sp->words);
}

int report_text(const dm_net *net, const report_space *sp) {
    dm_error err = {0};
    dm_plausibility pl;
    dm_limits *lim = malloc(sizeof *lim);
    if (!lim) return cli_error(CLI_FAIL, "out of memory");
    if (dm_net_plausibility(net, &pl, &err)) {
        free(lim);
        return cli_fail(&err);
    }
    dm_error lerr = sp->err;
    int checked = !lerr.code && !dm_space_limits(&sp->p, net, lim, &lerr);
    char n[40];
    put_count(n, sizeof n, pl.head_params);
    if (!strcmp(sp->name, "problem")) printf("\nplausibility (limits of the design problem):\n");
    else printf("\nplausibility (limits of the %s of %s nets):\n", sp->words,
                dm_block_kind_name(sp->p.family));
    printf("  %-18s %s params  (%.1f%% of all)\n", "head + classifier", n, 100.0 * pl.head_share);
    if (pl.inner_ratio_min == pl.inner_ratio_max)
        printf("  %-18s %.3f in every superblock  (block 0's inner / out)\n", "inner/out",
               pl.inner_ratio_min);
    else
        printf("  %-18s %.3f (superblock %d) .. %.3f (superblock %d)  (block 0's inner / out)\n",
               "inner/out", pl.inner_ratio_min, (int)pl.inner_ratio_min_sb + 1,
               pl.inner_ratio_max, (int)pl.inner_ratio_max_sb + 1);
    printf("  %-18s %d\n", "stem width", (int)pl.stem);
    if (pl.head)
        printf("  %-18s %d  (%.2f x the last superblock's %d)\n", "head width", (int)pl.head,
               pl.head_ratio, (int)pl.last_out);
    else printf("  %-18s none\n", "head width");
    char done[DM_MAX_LIMIT_HITS] = {0};
    if (!checked) printf("  %-18s not checked: %s\n", "limits", lerr.msg);
    for (int32_t i = 0; checked && i < lim->n; i++)
        if (!done[i]) warn_group(lim, i, done, sp, &pl);
    free(lim);
    return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* design */

int report_design_text(const dm_problem *p, const dm_arch *sol_arch) {
    dm_error err = {0};
    dm_net *net = NULL;
    report_space sp;
    report_space_of_problem(p, &sp);
    if (dm_net_create(sol_arch, &net, &err)) return cli_fail(&err);
    int rc = report_text(net, &sp);
    dm_net_free(net);
    return rc;
}
