/*
** net.c -- dm_net: a validated dm_arch expanded into blocks and layers,
** with stages assigned by the design-space model (space.h), whose
** functions the solver's fast evaluation calls too.
*/
#include "net.h"
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

/* Every item through the design-space model (space.h), in forward order. */
static dm_status build(dm_net *net, dm_error *err) {
    const dm_arch *a = &net->arch;
    const dmi_layout *lay = &net->layout;
    int32_t c = a->stem.out;
    dm_status s = dmi_space_stem(a, &net->layers[net->n_layers++], err);
    for (int32_t i = 0; i < a->n_superblocks && !s; i++)
        for (int32_t j = 0; j < a->sb[i].depth && !s; j++) {
            dm_block_info *b = &net->blocks[net->n_blocks++];
            int32_t n = 0;
            s = dmi_space_block(a, lay, i, j, c, b, &net->layers[net->n_layers], &n, err);
            net->n_layers += n;
            c = b->c_out;
        }
    if (!s && a->head > 0) {
        s = dmi_space_head(a, lay, c, &net->layers[net->n_layers++], err);
        c = a->head;
    }
    if (!s && a->classes > 0) s = dmi_space_classifier(a, lay, c, &net->layers[net->n_layers++], err);
    return s;
}

dm_status dm_net_create(const dm_arch *arch, dm_net **out, dm_error *err) {
    if (!out) return DM_FAIL(err, DM_ERR_INVALID, "no output pointer given");
    *out = NULL;
    dm_status s = dm_arch_validate(arch, err);
    dm_net *net = NULL;
    if (!s) s = alloc_net(arch, &net, err);
    if (s) return s;
    dmi_space_layout(&net->arch, &net->layout);
    if ((s = build(net, err))) {
        dm_net_free(net);
        return s;
    }
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
