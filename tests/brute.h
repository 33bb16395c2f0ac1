/*
** brute.h -- the tests' brute force: every design of a problem's domain
** (domain.h) built with dm_net_create and measured with dm_net_metrics,
** and each feasible one (budgets, rho, layer and peak caps, guideline 3,
** the stem and head rules) handed to a visitor.  Independent of the
** solver: it never calls into src/solve.  Shared by test_solver.c (the
** optimum, sampling under the bound) and test_bound.c (every design, for
** the certificate's boxes).
*/
#ifndef DM_TESTS_BRUTE_H
#define DM_TESTS_BRUTE_H
#include "deepmad.h"
#include "domain.h"

typedef void (*brute_visit)(const dm_arch *a, const dm_metrics *m, void *user);

typedef struct brute {
    const dm_problem *p;
    dm_score_params sp;
    dm_arch a;           /* the design being built; the template's fields set by brute_init */
    brute_visit visit;
    void *user;
} brute;

/* The problem's arch template and scoring; b->a's variables left at 0. */
static inline void brute_init(brute *b, const dm_problem *p) {
    *b = (brute){.p = p};
    dm_problem_score(p, &b->sp);
    dm_arch_init(&b->a);
    b->a.in_channels = p->in_channels;
    b->a.input_size = p->input_size;
    b->a.classes = p->classes;
    /* the paper style's stem and head are conv-BN-ReLU (the reference's ConvKXBNRELU) */
    dm_act end_act = p->style == DM_STYLE_PAPER ? DM_ACT_RELU : p->act;
    b->a.style = p->style;
    b->a.stem = (dm_stem){.kernel = p->stem_kernel, .stride = p->stem_stride, .act = end_act};
    b->a.head_act = end_act;
    b->a.n_superblocks = p->n_superblocks;
    for (int i = 0; i < p->n_superblocks; i++)
        b->a.sb[i] = (dm_superblock){.kind = p->family, .stride = p->stride[i], .se = p->se,
                                     .act = p->act, .shortcut = DM_SHORTCUT_CONV};
}

/* 1 when b->a is feasible for b->p; *m gets its metrics. */
static inline int brute_feasible(const brute *b, dm_metrics *m) {
    const dm_problem *p = b->p;
    dm_net *net = NULL;
    if (dm_net_create(&b->a, &net, NULL)) return 0;
    int ok = !dm_net_metrics(net, &b->sp, m, NULL);
    dm_net_free(net);
    if (!ok) return 0;
    if (p->max_macs && m->macs > p->max_macs) return 0;
    if (p->max_params && m->params > p->max_params) return 0;
    if (m->rho > p->rho0) return 0;
    if (p->max_layers && m->layers > p->max_layers) return 0;
    if (p->max_peak_activation && m->peak_activation > p->max_peak_activation) return 0;
    if (!p->drop_monotone) {
        int32_t prev = b->a.stem.out;
        for (int i = 0; i < b->a.n_superblocks; i++) {
            if (b->a.sb[i].out < prev) return 0;
            prev = b->a.sb[i].out;
        }
        if (b->a.head && b->a.head < prev) return 0;
    }
    /* the space's rules on the stem and head (deepmad.h) */
    int32_t slo, shi, last = b->a.sb[b->a.n_superblocks - 1].out;
    stem_values(p, &slo, &shi);
    if (b->a.stem.out < slo || b->a.stem.out > shi) return 0;
    if (b->a.head) {
        if (b->a.head > head_top(p)) return 0;
        if (p->head_ratio_min > 0 && b->a.head < p->head_ratio_min * last - 1e-9) return 0;
        if (p->head_ratio_max > 0 && b->a.head > p->head_ratio_max * last + 1e-9) return 0;
    }
    return 1;
}

static inline void brute_leaf(brute *b) {
    dm_metrics m;
    if (brute_feasible(b, &m)) b->visit(&b->a, &m, b->user);
}

/* Superblocks i.. and the head, every value of their domains. */
static inline void brute_rec(brute *b, int i) {
    const dm_problem *p = b->p;
    int32_t g = p->granularity, lo = (p->min_channels + g - 1) / g * g;
    if (i == p->n_superblocks) {
        if (!p->head) { b->a.head = 0; brute_leaf(b); return; }
        for (int32_t h = lo; h <= head_top(p); h += g) { b->a.head = h; brute_leaf(b); }
        return;
    }
    dm_superblock *s = &b->a.sb[i];
    for (int32_t c = lo; c <= p->max_channels; c += g) {
        int32_t ms[64], nm = inner_values(p, c, ms);
        for (int mi = 0; mi < nm; mi++)
            for (int k = 0; k < p->n_kernels; k++)
                for (int32_t d = p->depth_min[i]; d <= p->depth_max[i]; d++) {
                    s->out = c, s->inner = ms[mi], s->kernel = p->kernels[k], s->depth = d;
                    brute_rec(b, i + 1);
                }
    }
}

/* Visit every feasible design of p. */
static inline void brute_enumerate(const dm_problem *p, brute_visit visit, void *user) {
    brute b;
    brute_init(&b, p);
    b.visit = visit;
    b.user = user;
    int32_t g = p->granularity, slo, shi;
    stem_values(p, &slo, &shi);
    for (int32_t c0 = slo; c0 <= shi; c0 += g) {
        b.a.stem.out = c0;
        brute_rec(&b, 0);
    }
}

#endif
