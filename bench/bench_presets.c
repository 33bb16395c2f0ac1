/*
** bench_presets.c -- solve every design preset and print one table:
** objective, bound, gap, seconds (CPU) and peak memory of each solve, and
** beside it the paper's published structure for that preset re-scored
** with the same objective, with the constraints it breaks.
**
** Run: build/bench/bench_presets   (one process per preset with --one
** NAME keeps each preset's peak memory separate).
*/
#include "deepmad.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

static long peak_kb(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss; /* kilobytes on Linux */
}

/* What the published structure breaks under the preset's constraints. */
static void violations(const dm_problem *p, const dm_arch *a, const dm_metrics *m, char *out,
                       size_t n) {
    size_t k = 0;
    out[0] = 0;
#define ADD(...) k += (size_t)snprintf(out + k, k < n ? n - k : 0, __VA_ARGS__)
    if (m->macs > p->max_macs) ADD("MACs %.3gG>%.3gG ", m->macs / 1e9, p->max_macs / 1e9);
    if (m->params > p->max_params) ADD("params %.2fM>%.2fM ", m->params / 1e6, p->max_params / 1e6);
    if (m->rho > p->rho0) ADD("rho %.3f>%.2f ", m->rho, p->rho0);
    int gran = a->stem.out % p->granularity == 0 && a->head % p->granularity == 0, mono = 1;
    int32_t prev = a->stem.out;
    for (int i = 0; i < a->n_superblocks; i++) {
        gran &= a->sb[i].out % p->granularity == 0 && a->sb[i].inner % p->granularity == 0;
        mono &= a->sb[i].out >= prev;
        prev = a->sb[i].out;
    }
    if (!gran) ADD("granularity ");
    if (!mono) ADD("decreasing-widths ");
    if (k == 0) ADD("none");
#undef ADD
}

static int effort = 0;   /* --effort N: dm_problem.effort of every solve */

static int one(const char *name, int header) {
    dm_problem p;
    dm_error err;
    dm_solution *s = malloc(sizeof *s);
    if (!s || dm_problem_preset(name, &p, &err)) { fprintf(stderr, "%s: %s\n", name, err.msg); return 1; }
    p.effort = effort;
    double t0 = cpu_seconds();
    dm_status st = dm_solve(&p, s, &err);
    double secs = cpu_seconds() - t0;
    if (st) { fprintf(stderr, "%s: %s\n", name, err.msg); free(s); return 1; }
    if (header)
        printf("%-8s %10s %10s %7s %7s %6s %7s %6s | %10s  %s\n", "preset", "objective", "bound", "gap%",
               "sec", "MB", "status", "boxes", "published", "published violates");
    char pub[32] = "-", why[160] = "";
    const char *pn = dm_preset_published(name);
    if (pn) {
        dm_arch a;
        dm_net *net = NULL;
        dm_metrics m;
        dm_score_params sp;
        dm_problem_score(&p, &sp);
        if (!dm_zoo_arch(pn, &a, &err) && !dm_net_create(&a, &net, &err) &&
            !dm_net_metrics(net, &sp, &m, &err)) {
            snprintf(pub, sizeof pub, "%.2f", m.objective);
            violations(&p, &a, &m, why, sizeof why);
        }
        dm_net_free(net);
    }
    printf("%-8s %10.2f %10.2f %6.2f%% %7.3f %6.1f %7s %6lld | %10s  %s\n", name, s->objective, s->bound,
           100 * s->gap / s->bound, secs, peak_kb() / 1024.0,
           s->stop == DM_STOP_OPTIMAL ? "optimal" : "gap", (long long)s->bound_boxes, pub, why);
    free(s);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--effort") == 0) {
        effort = atoi(argv[2]);
        argc -= 2, argv += 2;
    }
    if (argc == 3 && strcmp(argv[1], "--one") == 0) return one(argv[2], 0);
    if (argc == 2 && strcmp(argv[1], "--header") == 0) return one(dm_preset_name(0), 1);
    int rc = 0;
    for (int32_t i = 0; i < dm_preset_count(); i++) rc |= one(dm_preset_name(i), i == 0);
    return rc;
}
