/*
** test_search.c -- the incumbent search (solver_search.c) against
** independent truth: its design, built by dm_net_create and scored by
** dm_net_metrics, keeps every constraint and beats the best of many
** random designs of the same domain judged the same way, and comes
** close to the best designs an independent search found on two presets;
** it is the same on every run; and its work is bounded in evaluations.
** (dm_solve's optimum against brute force is tests/test_solver.c.)
*/
#include "deepmad.h"
#include "brute.h"
#include "harness.h"
#include "solver.h"

#define SAMPLES 20000          /* random designs per problem */
#define MAX_SEARCH_EVALS 1000000 /* the search's whole budget: ~1 s at 1 us an evaluation */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static int32_t rnd(int32_t n) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (int32_t)(rng % (uint64_t)n);
}

/* A uniform grid value in lo..hi (granularity g); lo when empty. */
static int32_t pick(int32_t lo, int32_t hi, int32_t g) {
    return hi < lo ? lo : lo + g * rnd((hi - lo) / g + 1);
}

/* Build and score an arch through the core; 1 when it keeps every
   constraint of p. */
static int judge(const dm_problem *p, const dm_arch *a, double *objective) {
    dm_score_params sp;
    dm_net *net = NULL;
    dm_metrics m;
    dm_error err;
    dm_problem_score(p, &sp);
    int ok = dm_net_create(a, &net, &err) == DM_OK && dm_net_metrics(net, &sp, &m, &err) == DM_OK;
    dm_net_free(net);
    for (int k = 0; ok && k < DM_CONSTRAINT_COUNT; k++)
        ok = dm_constraint_met(p, &m, (dm_constraint)k);
    if (ok) *objective = m.objective;
    return ok;
}

/* The best of SAMPLES random designs in p's domain (non-decreasing widths
   when guideline 3 is on); -HUGE_VAL when none is feasible. */
static double best_sample(dmi_ctx *x) {
    const dm_problem *p = &x->p;
    int32_t g = p->granularity, lo, hi;
    double best = -HUGE_VAL;
    for (int t = 0; t < SAMPLES; t++) {
        dmi_cand c;
        int32_t w[DM_MAX_SUPERBLOCKS];
        dmi_cand_smallest(x, &c, 0);
        dmi_item_range(p, 0, &lo, &hi);
        c.stem = pick(lo, hi, g);
        for (int32_t i = 0; i < x->n; i++) {
            dmi_item_range(p, i + 1, &lo, &hi);
            w[i] = pick(lo, hi, g);
        }
        for (int32_t i = 1; !p->drop_monotone && i < x->n; i++)   /* sort: insertion */
            for (int32_t j = i; j > 0 && w[j - 1] > w[j]; j--) {
                int32_t v = w[j];
                w[j] = w[j - 1], w[j - 1] = v;
            }
        for (int32_t i = 0; i < x->n; i++) {
            c.sb[i].c = w[i];
            dmi_inner_range(p, w[i], &lo, &hi);
            c.sb[i].m = pick(lo, hi, g);
            c.sb[i].k = p->kernels[rnd(p->n_kernels)];
            c.sb[i].d = p->depth_min[i] + rnd(p->depth_max[i] - p->depth_min[i] + 1);
        }
        if (p->head) {
            dmi_head_range(p, c.sb[x->n - 1].c, &lo, &hi);
            c.head = pick(lo, hi, g);
        }
        if (!dmi_cand_in_domain(x, &c) || !dmi_cand_monotone(x, &c)) continue;
        dm_arch a;
        double o;
        dmi_cand_arch(x, &c, &a);
        if (judge(p, &a, &o) && o > best) best = o;
    }
    return best;
}

/* Run the search alone on p; its design must be feasible, >= the best
   random design, and the same on a second run. */
static void check_search(const dm_problem *p, const char *what) {
    dm_error err;
    dmi_ctx *x = calloc(1, sizeof *x), *y = calloc(1, sizeof *y);
    dmi_cand c, c2;
    dmi_eval e, e2;
    int found = 0, found2 = 0;
    CHECK(x && y && dmi_ctx_init(x, p, &err) == DM_OK && dmi_ctx_init(y, p, &err) == DM_OK);
    if (!x || !y) { free(x); free(y); return; }
    memset(&c, 0, sizeof c), memset(&c2, 0, sizeof c2);
    CHECK(dmi_search_local(x, &c, &e, &found, &err) == DM_OK);
    CHECK(dmi_search_local(y, &c2, &e2, &found2, &err) == DM_OK);
    CHECK(found && found2);
    CHECK(memcmp(&c, &c2, sizeof c) == 0 && x->evals == y->evals);   /* deterministic */
    CHECK(x->evals <= MAX_SEARCH_EVALS);
    dm_arch a;
    double o = -HUGE_VAL, sample = best_sample(x);
    dmi_cand_arch(x, &c, &a);
    CHECK(found && judge(p, &a, &o));
    int on_grid = a.stem.out % p->granularity == 0 && a.head % p->granularity == 0;
    for (int32_t i = 0; i < a.n_superblocks; i++)   /* every width on the channel grid */
        on_grid &= a.sb[i].out % p->granularity == 0 && a.sb[i].inner % p->granularity == 0;
    CHECK(on_grid);
    CHECK_NEAR(o, e.objective, 1e-9 * fabs(o));
    if (o < sample) printf("  %s: search %.4f < random sample %.4f\n", what, o, sample);
    CHECK(o >= sample);
    if (getenv("DM_TEST_VERBOSE"))
        printf("  %s: search %.4f, best sample %.4f, %lld evaluations\n", what, o, sample,
               (long long)x->evals);
    free(x);
    free(y);
}

/* A small problem of family k, with budgets that bind. */
static void small(dm_problem *p, dm_block_kind k) {
    dm_problem_default(p, k);
    p->input_size = 64;
    p->classes = 10;
    p->n_superblocks = 3;
    p->max_channels = 256;
    for (int i = 0; i < 3; i++) p->depth_max[i] = 4;
    p->max_macs = 60000000;
    p->max_params = 1500000;
}

/* Small problems of each family, with budgets that bind. */
static void test_small_problems(void) {
    static const dm_block_kind kinds[] = {DM_BLOCK_BASIC, DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    static const char *const names[] = {"basic", "bottleneck", "mbconv"};
    for (int k = 0; k < COUNTOF(kinds); k++) {
        dm_problem p;
        small(&p, kinds[k]);
        p.rho0 = 0.5;
        check_search(&p, names[k]);
    }
}

/* Two presets, one per space and family: real sizes, where the restarts'
   walks matter. */
static void test_presets(void) {
    static const char *const names[] = {"r18", "b0"};
    for (int i = 0; i < COUNTOF(names); i++) {
        dm_problem p;
        dm_error err;
        CHECK(dm_problem_preset(names[i], &p, &err) == DM_OK);
        CHECK(dm_problem_set_space(&p, i ? DM_SPACE_PAPER : DM_SPACE_OPEN, &err) == DM_OK);
        check_search(&p, names[i]);
    }
}

/* The best feasible design's objective by brute force (brute.h); the
   caller's -HUGE_VAL stays when none is feasible. */
static void keep_best(const dm_arch *a, const dm_metrics *m, void *user) {
    double *best = user;
    (void)a;
    if (m->objective > *best) *best = m->objective;
}

/* Problems small enough to enumerate, with the depths and both budgets
   binding: the search alone (no tree, no certificate) must find the
   optimum, and the depth walks are what move depths once the restarts'
   walks have settled.  Kernels 3 and 5, depths 1..3, widths 8..32. */
static void test_search_vs_brute_force(void) {
    static const dm_block_kind kinds[] = {DM_BLOCK_BASIC, DM_BLOCK_BOTTLENECK, DM_BLOCK_MBCONV};
    for (int k = 0; k < COUNTOF(kinds); k++)
        for (int variant = 0; variant < 2; variant++) {
            dm_problem p;
            dm_error err;
            dm_problem_default(&p, kinds[k]);
            p.input_size = 32, p.classes = 10, p.n_superblocks = 2;
            p.stride[0] = p.stride[1] = 2;
            p.min_channels = 8, p.max_channels = 32;
            p.n_kernels = 2, p.kernels[0] = 3, p.kernels[1] = 5;
            for (int i = 0; i < 2; i++) p.depth_min[i] = 1, p.depth_max[i] = 3;
            p.max_macs = variant ? 1500000 : 3000000;
            p.max_params = variant ? 40000 : 120000;
            if (kinds[k] == DM_BLOCK_MBCONV) p.inner_max = 2.0;   /* a brute force of seconds */
            p.rho0 = 1.0;
            double truth = -HUGE_VAL, o = -HUGE_VAL;
            brute_enumerate(&p, keep_best, &truth);
            dmi_ctx *x = calloc(1, sizeof *x);
            dmi_cand c;
            dmi_eval e;
            int found = 0;
            CHECK(x && dmi_ctx_init(x, &p, &err) == DM_OK);
            if (!x) continue;
            CHECK(dmi_search_local(x, &c, &e, &found, &err) == DM_OK);
            if (found) o = e.objective;
            CHECK(truth > -HUGE_VAL && found);
            CHECK_NEAR(o, truth, 1e-9 * fabs(truth));
            if (getenv("DM_TEST_VERBOSE") || fabs(o - truth) > 1e-9 * fabs(truth))
                printf("  %s variant %d: search %.6f, brute force %.6f\n",
                       dm_block_kind_name(kinds[k]), variant, o, truth);
            free(x);
        }
}

/* The search of p at `effort`: its objective and evaluations. */
static void search_at(dm_problem p, int32_t effort, double *obj, int64_t *evals) {
    dm_error err;
    dmi_ctx *x = calloc(1, sizeof *x);
    dmi_cand c;
    dmi_eval e;
    int found = 0;
    p.effort = effort;
    *obj = -HUGE_VAL, *evals = 0;
    CHECK(x && dmi_ctx_init(x, &p, &err) == DM_OK);
    if (!x) return;
    memset(&c, 0, sizeof c);
    CHECK(dmi_search_local(x, &c, &e, &found, &err) == DM_OK && found);
    *obj = e.objective, *evals = x->evals;
    free(x);
}

/* The open space's mbconv presets against the best designs an
   independent search found (bench/indep_search.c, 10 M evaluations;
   bench/best_known), scored here by dm_net_metrics: the default search
   must come within BEST_SLACK of them.  Those designs narrow the stem and
   the early superblocks together, each inner width at its input's (no
   expand conv), which moving one width at a time reaches only through
   designs that pay for an expand conv; the search without tie_move
   stopped 1.3% short on both. */
#define BEST_SLACK 0.005
static void test_best_known(void) {
    static const char *const names[] = {"b0", "mb"};
    const char *dir = getenv("DM_SOURCE_DIR");
    for (int i = 0; i < COUNTOF(names); i++) {
        dm_problem p;
        dm_error err;
        dm_arch a;
        char path[1024];
        double known = -HUGE_VAL;
        snprintf(path, sizeof path, "%s/bench/best_known/open-%s.json", dir ? dir : ".", names[i]);
        CHECK(dm_problem_preset(names[i], &p, &err) == DM_OK);
        CHECK(dm_problem_set_space(&p, DM_SPACE_OPEN, &err) == DM_OK);
        CHECK(dm_arch_load(path, &a, &err) == DM_OK && judge(&p, &a, &known));
        double o;
        int64_t evals;
        search_at(p, 1, &o, &evals);
        CHECK(o >= (1 - BEST_SLACK) * known);
        if (getenv("DM_TEST_VERBOSE") || o < (1 - BEST_SLACK) * known)
            printf("  open %s: search %.4f, best known %.4f (%.2f%% short)\n", names[i], o, known,
                   100 * (known - o) / known);
    }
}

/* Issue #14's table: the best designs an independent search found
   (simulated annealing and exhaustive local moves, about 70 s of CPU per
   problem, each re-checked by deepmad analyze), which the default search
   must reach; the open-space problems of the table it reaches (r50, mb
   and 29m it does not yet: bench/README.md).  r34 needs the skeleton
   steps, b0 the cube steps. */
static void test_issue_table(void) {
    static const struct { const char *name; double best; } t[] = {
        {"r18", 35758.2}, {"r34", 47596.6}, {"b0", 11858.9}, {"50m", 31606.2}};
    for (int i = 0; i < COUNTOF(t); i++) {
        dm_problem p;
        dm_error err;
        double o;
        int64_t evals;
        CHECK(dm_problem_preset(t[i].name, &p, &err) == DM_OK);
        CHECK(dm_problem_set_space(&p, DM_SPACE_OPEN, &err) == DM_OK);
        search_at(p, 1, &o, &evals);
        CHECK(o >= t[i].best);
        if (getenv("DM_TEST_VERBOSE") || o < t[i].best)
            printf("  open %s: search %.4f, issue #14's best %.1f\n", t[i].name, o, t[i].best);
    }
}

/* More effort buys more restarts (effort E: E - 1 of them, then depth
   walks), after the default's whole search, which keeps its best design:
   effort 0 is effort 1's search exactly, and effort 2 and 5 can only add
   to it, with more evaluations. */
static void test_effort_walks(void) {
    dm_problem p;
    small(&p, DM_BLOCK_MBCONV);
    double o0, o1, o2, o5;
    int64_t e0, e1, e2, e5;
    search_at(p, 0, &o0, &e0);
    search_at(p, 1, &o1, &e1);
    search_at(p, 2, &o2, &e2);
    search_at(p, 5, &o5, &e5);
    CHECK(o0 == o1 && e0 == e1);
    CHECK(o2 >= o1 && e2 > e1);
    CHECK(o5 >= o1 && e5 > e2);
    if (getenv("DM_TEST_VERBOSE"))
        printf("  effort 1: %.4f (%lld evaluations), 2: %.4f (%lld), 5: %.4f (%lld)\n", o1,
               (long long)e1, o2, (long long)e2, o5, (long long)e5);
}

int main(void) {
    test_small_problems();
    test_presets();
    test_search_vs_brute_force();
    test_best_known();
    test_issue_table();
    test_effort_walks();
    printf("%d passed, %d failed\n", dm_t_passed, dm_t_failed);
    return dm_t_failed ? 1 : 0;
}
