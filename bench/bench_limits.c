/*
** bench_limits.c -- the work limits of issue #14 item 3: design problems
** at the corners of docs/limits.md (32 superblocks, depths to 256,
** granularity 1, channels to 65536, eight kernels, inner ratios to 64,
** huge inputs, every family), each solved at the default effort in a
** child process so that its CPU time and peak memory are its own
** (wait4's rusage).  Prints one row per problem: the answer (status and
** gap, or the refusal's message), CPU seconds, peak MB, and OVER when a
** problem passes LIMIT_SECONDS of CPU or LIMIT_MB of memory.
**
** Run: build/bench/bench_limits [NAME]     (one problem by name)
** Exit status 1 when any problem is over a limit or fails.
*/
#define _DEFAULT_SOURCE  /* wait4 */
#include "deepmad.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIMIT_SECONDS 60.0
#define LIMIT_MB 1024.0

/* Every superblock's depth range, stride 1 unless `strides` says. */
static void layout(dm_problem *p, int32_t n, int32_t dmin, int32_t dmax, const int32_t *strides) {
    p->n_superblocks = n;
    for (int32_t i = 0; i < n; i++) {
        p->stride[i] = strides ? strides[i] : 1;
        p->depth_min[i] = dmin;
        p->depth_max[i] = dmax;
    }
}

/* The widest domains docs/limits.md allows. */
static void widest(dm_problem *p) {
    static const int32_t k[8] = {1, 3, 5, 7, 9, 11, 13, 15};
    p->n_kernels = 8;
    memcpy(p->kernels, k, sizeof k);
    p->granularity = 1;
    p->min_channels = 1;
    p->max_channels = 65536;
    p->inner_min = p->family == DM_BLOCK_MBCONV ? 1 : 0;
    p->inner_max = 64;
}

typedef struct corner {
    const char *name, *what;
    dm_block_kind family;
    int32_t n, dmax, input, stem_stride, budgets;
} corner;

static const corner corners[] = {
    {"issue", "the issue's: 32 x stride 1, depth 1..256, g 1, channels 1..65536, 8 kernels, "
              "inner 0..64, 8 px, no budgets", DM_BLOCK_BOTTLENECK, 32, 256, 8, 1, 0},
    {"issue-budget", "the same with 20 G MACs and 200 M params", DM_BLOCK_BOTTLENECK, 32, 256, 8, 1, 1},
    {"basic", "basic blocks, the same domains, budgets", DM_BLOCK_BASIC, 32, 256, 8, 1, 1},
    {"mbconv", "mbconv + SE + head, inner 1..64, the same domains, budgets", DM_BLOCK_MBCONV, 32, 256,
     8, 1, 1},
    {"mbconv-free", "mbconv + SE + head, the same domains, no budgets", DM_BLOCK_MBCONV, 32, 256, 8,
     1, 0},
    {"wide-224", "5 superblocks at 224 px, the widest domains, budgets", DM_BLOCK_BOTTLENECK, 5, 256,
     224, 2, 1},
    {"deep-5", "5 superblocks, depth 1..256, open-space widths, budgets", DM_BLOCK_BOTTLENECK, 5, 256,
     224, 2, 2},
};

static void build(const corner *c, dm_problem *p) {
    dm_problem_default(p, c->family);
    static const int32_t five[5] = {2, 2, 2, 1, 2};
    layout(p, c->n, 1, c->dmax, c->n == 5 ? five : NULL);
    if (c->budgets != 2) widest(p);
    p->input_size = c->input;
    p->stem_stride = c->stem_stride;
    if (c->budgets) {  /* 32 superblocks at 8 px need room to meet rho 0.3 */
        p->max_macs = c->n == 5 ? 4000000000 : 20000000000;
        p->max_params = c->n == 5 ? 25000000 : 200000000;
    }
}

/* In the child: solve and write one line (status, gap or message). */
static void solve_one(const corner *c, int fd) {
    dm_problem p;
    dm_error err = {0};
    dm_solution *sol = malloc(sizeof *sol);
    char line[600];
    build(c, &p);
    dm_status s = sol ? dm_solve(&p, sol, &err) : DM_ERR_NOMEM;
    if (s == DM_OK)
        snprintf(line, sizeof line, "%s, objective %.6g, gap %.2f%%", dm_stop_str(sol->stop),
                 sol->objective, sol->bound > 0 ? 100 * sol->gap / sol->bound : 0.0);
    else
        snprintf(line, sizeof line, "%s: %s", dm_status_str(s), err.msg);
    if (write(fd, line, strlen(line) + 1) < 0) exit(3);
    free(sol);
}

/* One problem in its own process; 1 when it is over a limit or failed. */
static int run(const corner *c) {
    int fds[2];
    if (pipe(fds)) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        close(fds[0]);
        solve_one(c, fds[1]);
        _exit(0);
    }
    close(fds[1]);
    char line[600] = "";
    ssize_t got = read(fds[0], line, sizeof line - 1);
    close(fds[0]);
    int st = 0;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0) return 1;
    double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                 (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    double mb = (double)ru.ru_maxrss / 1024.0;
    int over = cpu > LIMIT_SECONDS || mb > LIMIT_MB;
    int failed = got <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
                 !strncmp(line, "internal", 8);
    printf("%-13s %8.2f %8.1f  %-4s  %s\n", c->name, cpu, mb, over ? "OVER" : failed ? "FAIL" : "ok",
           got > 0 ? line : "(the child died)");
    return over || failed;
}

int main(int argc, char **argv) {
    int bad = 0, any = 0;
    printf("limits: %.0f s of CPU and %.0f MB per problem at the default effort\n\n", LIMIT_SECONDS,
           LIMIT_MB);
    printf("%-13s %8s %8s  %-4s  %s\n", "problem", "cpu s", "peak MB", "", "answer");
    for (size_t i = 0; i < sizeof corners / sizeof corners[0]; i++) {
        if (argc > 1 && strcmp(argv[1], corners[i].name)) continue;
        any = 1;
        bad |= run(&corners[i]);
    }
    if (!any) {
        fprintf(stderr, "bench_limits: no problem named '%s'; the problems:\n", argv[1]);
        for (size_t i = 0; i < sizeof corners / sizeof corners[0]; i++)
            fprintf(stderr, "  %-13s %s\n", corners[i].name, corners[i].what);
        return 2;
    }
    return bad;
}
