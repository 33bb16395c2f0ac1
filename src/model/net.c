/*
** net.c -- dm_net: a validated dm_arch expanded into blocks and layers,
** with stages assigned.  A stage boundary falls before every unit after
** the stem whose stride is > 1 (the stem max-pool, or a strided
** superblock); the head conv and classifier belong to the last stage.
*/
#include "net.h"
#include "blocks.h"
#include "cost.h"
#include <stdlib.h>
#include <string.h>

static int32_t count_blocks(const dm_arch *a) {
    int32_t n = 0;
    for (int i = 0; i < a->n_superblocks; i++) n += a->sb[i].depth;
    return n;
}

static dm_status alloc_net(const dm_arch *a, dm_net **out, dm_error *err) {
    dm_net *net = dmi_calloc(1, sizeof *net);
    int32_t nb = count_blocks(a);
    if (net) {
        net->arch = *a;
        net->blocks = dmi_calloc((size_t)nb, sizeof *net->blocks);
        net->layers = dmi_calloc((size_t)nb * DMI_BLOCK_MAX_LAYERS + 3, sizeof *net->layers);
    }
    if (!net || !net->blocks || !net->layers) {
        dm_net_free(net);
        return DM_FAIL(err, DM_ERR_NOMEM, "out of memory building a %d-block network", nb);
    }
    *out = net;
    return DM_OK;
}

/* Stem conv (and its max-pool, which opens stage 1). */
static dm_status build_stem(dm_net *net, int32_t *r, int32_t *stage, dm_error *err) {
    const dm_arch *a = &net->arch;
    dm_layer *l = &net->layers[net->n_layers++];
    dm_status s = dmi_conv(l, DM_ROLE_STEM, a->in_channels, a->stem.out, a->stem.kernel,
                           a->stem.stride, 1, a->input_size, err);
    *r = l->r_out;
    if (a->stem.maxpool) {
        net->pool_resolution = *r / 2;
        *r /= 2;
        (*stage)++;
    }
    return s;
}

static dm_status build_blocks(dm_net *net, int32_t *c, int32_t *r, int32_t *stage,
                              dm_error *err) {
    const dm_arch *a = &net->arch;
    for (int32_t i = 0; i < a->n_superblocks; i++) {
        if (a->sb[i].stride > 1) (*stage)++;
        for (int32_t j = 0; j < a->sb[i].depth; j++) {
            dm_block_info *b = &net->blocks[net->n_blocks++];
            int32_t n;
            dm_status s = dmi_block_resolve(a, i, j, *c, *r, *stage, b, err);
            if (!s) s = dmi_block_layers(b, &net->layers[net->n_layers], &n, err);
            if (s) return s;
            net->n_layers += n;
            *c = b->c_out;
            *r = b->r_out;
        }
    }
    return DM_OK;
}

/* Head conv and classifier, both in the last stage. */
static dm_status build_tail(dm_net *net, int32_t c, int32_t r, int32_t stage, dm_error *err) {
    const dm_arch *a = &net->arch;
    dm_status s = DM_OK;
    if (a->head > 0) {
        dm_layer *l = &net->layers[net->n_layers++];
        s = dmi_conv(l, DM_ROLE_HEAD, c, a->head, 1, 1, 1, r, err);
        l->stage = stage;
        c = a->head;
    }
    net->final_channels = c;
    net->final_resolution = r;
    if (!s && a->classes > 0) {
        dm_layer *l = &net->layers[net->n_layers++];
        s = dmi_classifier(l, c, a->classes, err);
        l->stage = stage;
    }
    return s;
}

dm_status dm_net_create(const dm_arch *arch, dm_net **out, dm_error *err) {
    if (!out) return DM_FAIL(err, DM_ERR_INVALID, "no output pointer given");
    *out = NULL;
    dm_status s = dm_arch_validate(arch, err);
    dm_net *net = NULL;
    if (!s) s = alloc_net(arch, &net, err);
    if (s) return s;
    int32_t r = 0, stage = 0, c = arch->stem.out;
    s = build_stem(net, &r, &stage, err);
    if (!s) s = build_blocks(net, &c, &r, &stage, err);
    if (!s) s = build_tail(net, c, r, stage, err);
    if (s) {
        dm_net_free(net);
        return s;
    }
    net->n_stages = stage + 1;
    *out = net;
    return DM_OK;
}

void dm_net_free(dm_net *net) {
    if (!net) return;
    free(net->blocks);
    free(net->layers);
    free(net);
}

const dm_arch *dm_net_arch(const dm_net *net) { return &net->arch; }
int32_t dm_net_block_count(const dm_net *net) { return net->n_blocks; }
int32_t dm_net_layer_count(const dm_net *net) { return net->n_layers; }

const dm_block_info *dm_net_block(const dm_net *net, int32_t i) {
    return (i >= 0 && i < net->n_blocks) ? &net->blocks[i] : NULL;
}

const dm_layer *dm_net_layer(const dm_net *net, int32_t i) {
    return (i >= 0 && i < net->n_layers) ? &net->layers[i] : NULL;
}
