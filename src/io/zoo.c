/*
** zoo.c -- reference networks: torchvision 0.14's ResNets, MobileNetV2 and
** EfficientNet-B0 written out as descriptions, and the paper's published
** DeepMAD structures read (at run time, as untrusted text) from the copies
** of shared/reference/tinynas embedded at build time.
*/
#include "zoo.h"
#include <string.h>

/* torchvision ResNet: 7x7/2 stem + max-pool, four superblocks. */
static void resnet(dm_arch *a, dm_block_kind kind, const int32_t depth[4]) {
    static const int32_t planes[4] = {64, 128, 256, 512};
    int32_t expansion = kind == DM_BLOCK_BOTTLENECK ? 4 : 1;
    a->stem = (dm_stem){.out = 64, .kernel = 7, .stride = 2, .maxpool = 1, .act = DM_ACT_RELU};
    a->n_superblocks = 4;
    for (int i = 0; i < 4; i++)
        a->sb[i] = (dm_superblock){.kind = kind, .out = planes[i] * expansion, .depth = depth[i],
                                   .kernel = 3, .stride = i ? 2 : 1, .inner = planes[i],
                                   .act = DM_ACT_RELU, .shortcut = DM_SHORTCUT_CONV};
}

/* torchvision inverted-residual nets: rows of (expand, kernel, stride, out, depth). */
typedef struct { int32_t t, k, s, c, n; } ir_row;

static void inverted(dm_arch *a, const ir_row *rows, int32_t n_rows, int32_t se, dm_act act) {
    a->stem = (dm_stem){.out = 32, .kernel = 3, .stride = 2, .act = act};
    a->n_superblocks = n_rows;
    for (int i = 0; i < n_rows; i++)
        a->sb[i] = (dm_superblock){.kind = DM_BLOCK_MBCONV, .out = rows[i].c, .depth = rows[i].n,
                                   .kernel = rows[i].k, .stride = rows[i].s,
                                   .expand = rows[i].t, .se = se, .act = act};
    a->head = 1280;
    a->head_act = act;
}

static void mobilenet_v2(dm_arch *a) {
    static const ir_row rows[] = {{1, 3, 1, 16, 1},  {6, 3, 2, 24, 2},  {6, 3, 2, 32, 3},
                                  {6, 3, 2, 64, 4},  {6, 3, 1, 96, 3},  {6, 3, 2, 160, 3},
                                  {6, 3, 1, 320, 1}};
    inverted(a, rows, DM_COUNTOF(rows), 0, DM_ACT_RELU6);
}

static void efficientnet_b0(dm_arch *a) {
    static const ir_row rows[] = {{1, 3, 1, 16, 1},  {6, 3, 2, 24, 2},  {6, 5, 2, 40, 2},
                                  {6, 3, 2, 80, 3},  {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4},
                                  {6, 3, 1, 320, 1}};
    inverted(a, rows, DM_COUNTOF(rows), 1, DM_ACT_SILU);
}

typedef struct zoo_entry {
    const char *name;
    const char *file;      /* embedded reference file, or NULL */
    int32_t input_size;
    void (*build)(dm_arch *a, int32_t variant);
    int32_t variant;
    int32_t torchvision;   /* 1: torchvision 0.14's model of this name, layer for layer */
} zoo_entry;

static void build_resnet(dm_arch *a, int32_t v) {
    static const int32_t d[5][4] = {{2, 2, 2, 2}, {3, 4, 6, 3}, {3, 4, 6, 3},
                                     {3, 4, 23, 3}, {3, 8, 36, 3}};
    resnet(a, v < 2 ? DM_BLOCK_BASIC : DM_BLOCK_BOTTLENECK, d[v]);
}
static void build_mbv2(dm_arch *a, int32_t v) { (void)v; mobilenet_v2(a); }
static void build_b0(dm_arch *a, int32_t v) { (void)v; efficientnet_b0(a); }

static const zoo_entry zoo[] = {
    {"resnet18", NULL, 224, build_resnet, 0, 1},
    {"resnet34", NULL, 224, build_resnet, 1, 1},
    {"resnet50", NULL, 224, build_resnet, 2, 1},
    {"resnet101", NULL, 224, build_resnet, 3, 1},
    {"resnet152", NULL, 224, build_resnet, 4, 1},
    {"mobilenet_v2", NULL, 224, build_mbv2, 0, 1},
    {"efficientnet_b0", NULL, 224, build_b0, 0, 1},
    {"deepmad-r18", "deepmad-R18", 224, NULL, 0, 0},
    {"deepmad-r34", "deepmad-R34", 224, NULL, 0, 0},
    {"deepmad-r50", "deepmad-R50", 224, NULL, 0, 0},
    {"deepmad-29m-224", "deepmad-29M-224", 224, NULL, 0, 0},
    {"deepmad-29m-288", "deepmad-29M-288", 288, NULL, 0, 0},
    {"deepmad-50m", "deepmad-50M", 224, NULL, 0, 0},
    {"deepmad-89m", "deepmad-89M", 224, NULL, 0, 0},
};

int32_t dm_zoo_count(void) { return DM_COUNTOF(zoo); }

const char *dm_zoo_name(int32_t i) { return (i >= 0 && i < DM_COUNTOF(zoo)) ? zoo[i].name : NULL; }

static dm_status from_file(const char *file, dm_arch *out, dm_error *err) {
    for (const dmi_embedded *e = dmi_tinynas_files; e->name; e++)
        if (strcmp(e->name, file) == 0) return dm_arch_from_tinynas(e->text, e->len, out, err);
    return DM_FAIL(err, DM_ERR_INTERNAL, "embedded structure %s is missing from the build", file);
}

dm_status dm_zoo_arch(const char *name, dm_arch *out, dm_error *err) {
    int32_t n = DM_COUNTOF(zoo);
    for (int32_t i = 0; i < n; i++) {
        const zoo_entry *z = &zoo[i];
        if (!name || strcmp(z->name, name) != 0) continue;
        dm_arch a;
        dm_arch_init(&a);
        if (z->file) {
            dm_status s = from_file(z->file, &a, err);
            if (s) return s;
        } else {
            a.in_channels = 3;
            z->build(&a, z->variant);
        }
        a.input_size = z->input_size;
        a.classes = 1000;
        *out = a;
        return DM_OK;
    }
    return DM_FAIL(err, DM_ERR_INVALID, "unknown zoo network '%.60s' (see 'deepmad zoo')",
                   name ? name : "(null)");
}

/* Two archs build the same network when their JSON texts agree: the
   writer leaves out exactly the fields an arch ignores, so this is the
   one comparison that needs no list of which fields matter. */
dm_status dm_zoo_torchvision(const dm_arch *a, const char **out_name, dm_error *err) {
    if (!out_name) return DM_FAIL(err, DM_ERR_INVALID, "dm_zoo_torchvision needs an output");
    *out_name = NULL;
    if (!a) return DM_FAIL(err, DM_ERR_INVALID, "dm_zoo_torchvision needs an architecture");
    char *mine = NULL;
    dm_status s = dm_arch_to_json(a, &mine, err);
    for (int32_t i = 0; !s && !*out_name && i < DM_COUNTOF(zoo); i++) {
        if (!zoo[i].torchvision) continue;
        dm_arch tv;
        char *theirs = NULL;
        s = dm_zoo_arch(zoo[i].name, &tv, err);
        if (s) break;
        tv.input_size = a->input_size;
        tv.classes = a->classes;
        dm_error why;  /* not an error: a net whose strides do not divide a's
                          size is not the net a describes */
        if (dm_arch_validate(&tv, &why)) continue;
        s = dm_arch_to_json(&tv, &theirs, err);
        if (!s && strcmp(mine, theirs) == 0) *out_name = zoo[i].name;
        dm_free(theirs);
    }
    dm_free(mine);
    return s;
}
