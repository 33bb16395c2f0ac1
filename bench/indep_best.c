/*
** indep_best.c -- run the independent search (indep_search.h) on presets
** and hold-out problems, and compare with dm_solve.
**
**   build/bench/indep_best [--space open|paper] [--evals N] [--seed S]
**                          [--restarts R] [--out DIR] [--no-solve]
**                          [--check FILE] PROBLEM...
**
** PROBLEM is a preset (r18 ... 89m, in --space's space, paper by default),
** a hold-out name (their spaces are their own), "presets" or "holdouts".
** Per problem one line: the independent best, its evaluations and CPU
** seconds, and dm_solve's objective and bound beside it; "BOUND!" when the
** independent best scores above the solver's bound (a bug in the bound).
** --out DIR writes the best design as DIR/<space>-<problem>.json.
** Every best design is re-checked from scratch (ind_recheck) first.
** --check FILE searches nothing: it re-checks the design in FILE against
** the (one) problem named and prints its objective in the same line.
*/
#include "indep_search.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

typedef struct opts {
    dm_space space;
    ind_options search;
    const char *out;
    const char *check;   /* --check FILE: re-check this design instead of searching */
    int solve;
} opts;

static int write_design(const opts *o, const char *space, const char *name, const dm_arch *a) {
    char path[1024], *json = NULL;
    dm_error err;
    snprintf(path, sizeof path, "%s/%s-%s.json", o->out, space, name);
    if (dm_arch_to_json(a, &json, &err) || dm_write_file_atomic(path, json, strlen(json), &err)) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        dm_free(json);
        return 1;
    }
    dm_free(json);
    return 0;
}

/* Search p, re-check, compare with dm_solve; one line out. */
static int run(const opts *o, const char *space, const char *name, const dm_problem *p) {
    dm_error err;
    ind_result *r = malloc(sizeof *r);
    dm_solution *s = malloc(sizeof *s);
    char why[256], sol[320] = "", flag[16] = "";
    int rc = 0;
    if (!r || !s) { free(r); free(s); return 1; }
    double t0 = cpu_seconds();
    if (o->check) {   /* a design from elsewhere, measured the same way */
        dm_net *net = NULL;
        dm_score_params sp;
        memset(r, 0, sizeof *r);
        dm_problem_score(p, &sp);
        if (dm_arch_load(o->check, &r->arch, &err) || dm_net_create(&r->arch, &net, &err) ||
            dm_net_metrics(net, &sp, &r->metrics, &err)) {
            fprintf(stderr, "%s: %s\n", o->check, err.msg);
            dm_net_free(net);
            rc = 1;
            goto done;
        }
        dm_net_free(net);
        r->found = 1;
        r->objective = r->metrics.objective;
    } else if (ind_search(p, &o->search, r, &err)) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        rc = 1;
        goto done;
    }
    double secs = cpu_seconds() - t0;
    const char *bad = r->found ? ind_recheck(p, &r->arch, r->objective, why, sizeof why) : "nothing feasible found";
    if (bad) { printf("%-22s %-5s FAILED: %s\n", name, space, bad); rc = 1; goto done; }
    if (o->solve) {
        dm_status st = dm_solve(p, s, &err);
        if (st) snprintf(sol, sizeof sol, "solve: %s", err.msg);
        else {
            snprintf(sol, sizeof sol, "%10.2f %10.2f %+7.2f%% %6.2f%%", s->objective, s->bound,
                     100 * (r->objective - s->objective) / r->objective, 100 * r->objective / s->bound);
            if (r->objective > s->bound + 1e-9 * s->bound) snprintf(flag, sizeof flag, " BOUND!"), rc = 1;
        }
    }
    printf("%-22s %-5s %10.2f %10lld %7.1f | %s%s\n", name, space, r->objective, (long long)r->evals,
           secs, sol, flag);
    fflush(stdout);
    if (o->out && !o->check) rc |= write_design(o, space, name, &r->arch);
done:
    free(r);
    free(s);
    return rc;
}

static int run_preset(const opts *o, const char *name) {
    dm_problem p;
    dm_error err;
    if (dm_problem_preset(name, &p, &err) || dm_problem_set_space(&p, o->space, &err)) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return 1;
    }
    return run(o, dm_space_name(o->space), name, &p);
}

static int run_holdout(const opts *o, int32_t i) {
    dm_problem p;
    dm_error err;
    if (ind_holdout_problem(i, &p, &err)) {
        fprintf(stderr, "%s: %s\n", ind_holdout_name(i), err.msg);
        return 1;
    }
    return run(o, p.style == DM_STYLE_PAPER ? "paper" : "open", ind_holdout_name(i), &p);
}

static int run_named(const opts *o, const char *name) {
    int rc = 0;
    if (strcmp(name, "presets") == 0) {
        for (int32_t i = 0; i < dm_preset_count(); i++) rc |= run_preset(o, dm_preset_name(i));
        return rc;
    }
    if (strcmp(name, "holdouts") == 0) {
        for (int32_t i = 0; i < ind_holdout_count(); i++) rc |= run_holdout(o, i);
        return rc;
    }
    for (int32_t i = 0; i < ind_holdout_count(); i++)
        if (strcmp(name, ind_holdout_name(i)) == 0) return run_holdout(o, i);
    return run_preset(o, name);
}

static int usage(void) {
    fprintf(stderr, "usage: indep_best [--space open|paper] [--evals N] [--seed S] [--restarts R]\n"
                    "                  [--out DIR] [--no-solve] [--check FILE] PROBLEM...\n"
                    "PROBLEM: a preset, a hold-out, presets, holdouts; --check FILE re-checks that\n"
                    "design against the one problem named instead of searching\n");
    return 2;
}

int main(int argc, char **argv) {
    opts o = {.space = DM_SPACE_PAPER, .solve = 1};
    ind_options_default(&o.search);
    int i = 1, rc = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-solve") == 0) { o.solve = 0; continue; }
        if (!v) return usage();
        if (strcmp(a, "--space") == 0) { if (dm_space_from_name(v, &o.space, NULL)) return usage(); }
        else if (strcmp(a, "--evals") == 0) o.search.max_evals = atoll(v);
        else if (strcmp(a, "--seed") == 0) o.search.seed = strtoull(v, NULL, 0);
        else if (strcmp(a, "--restarts") == 0) o.search.restarts = atoi(v);
        else if (strcmp(a, "--out") == 0) o.out = v;
        else if (strcmp(a, "--check") == 0) o.check = v;
        else return usage();
        i++;
    }
    if (i == argc) return usage();
    printf("%-22s %-5s %10s %10s %7s | %10s %10s %8s %7s\n", "problem", "space", "best", "evals", "cpu_s",
           "design", "bound", "short%", "best/bd");
    for (; i < argc; i++) rc |= run_named(&o, argv[i]);
    return rc;
}
