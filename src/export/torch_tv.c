/*
** torch_tv.c -- how torchvision 0.14 names the modules of its ResNets,
** MobileNetV2 and EfficientNet-B0, block by block, mapped to the names of
** the PyTorch export (stem, stages.S.B, head, classifier; docs/export.md).
** Read off torchvision/models/{resnet,mobilenetv2,efficientnet}.py:
**   ResNet: conv1, bn1, layer<S+1>.<B>.{conv,bn}<k>, .downsample.{0,1}, fc;
**   MobileNetV2: features.0.{0,1} (stem), features.<g+1>.conv.* for the
**     g-th block overall ([expand .0.{0,1}], dw .{i}.{0,1}, project conv
**     .{i+1}, its BN .{i+2}), the head features.<G+1>.{0,1}, classifier.1;
**   EfficientNet: features.0.{0,1}, features.<S+1>.<B>.block.<i> holding
**     [expand], dw, SE (fc1, fc2), project in that order, each but the SE a
**     Conv2dNormActivation (.0 conv, .1 BN), the head features.<S+2>.{0,1},
**     classifier.1.
*/
#include "torch_tv.h"
#include <stdio.h>
#include <string.h>

typedef enum { TV_RESNET, TV_MOBILENET_V2, TV_EFFICIENTNET, TV_COUNT } tv_layout;

static const struct { const char *name; tv_layout layout; } tv_nets[] = {
    {"resnet18", TV_RESNET},          {"resnet34", TV_RESNET},
    {"resnet50", TV_RESNET},          {"resnet101", TV_RESNET},
    {"resnet152", TV_RESNET},         {"mobilenet_v2", TV_MOBILENET_V2},
    {"efficientnet_b0", TV_EFFICIENTNET}};

static void name(dmi_buf *b, const char *theirs, const char *ours) {
    dmi_buf_printf(b, "    \"%s\": \"%s\",\n", theirs, ours);
}

/* A torchvision Conv2dNormActivation (or Sequential(conv, BN)) at
   `theirs` is our `ours`.conv and `ours`.bn. */
static void conv_bn(dmi_buf *b, const char *theirs, const char *ours) {
    dmi_buf_printf(b, "    \"%s.0\": \"%s.conv\",\n    \"%s.1\": \"%s.bn\",\n", theirs, ours,
                   theirs, ours);
}

static void resnet_block(dmi_buf *b, const dm_block_info *bi, const char *ours) {
    char theirs[64], a[96], o[96];
    snprintf(theirs, sizeof theirs, "layer%d.%d", (int)bi->sb + 1, (int)bi->index);
    int convs = bi->kind == DM_BLOCK_BOTTLENECK ? 3 : 2;
    for (int k = 1; k <= convs; k++) {
        snprintf(a, sizeof a, "%s.conv%d", theirs, k);
        snprintf(o, sizeof o, "%s.conv%d", ours, k);
        name(b, a, o);
        snprintf(a, sizeof a, "%s.bn%d", theirs, k);
        snprintf(o, sizeof o, "%s.bn%d", ours, k);
        name(b, a, o);
    }
    if (bi->residual == DM_RESIDUAL_CONV) {
        snprintf(a, sizeof a, "%s.downsample", theirs);
        snprintf(o, sizeof o, "%s.shortcut", ours);
        conv_bn(b, a, o);
    }
}

static void mbv2_block(dmi_buf *b, const dm_block_info *bi, int32_t g, const char *ours) {
    char a[96], o[96];
    int i = 0;
    if (bi->has_expand) {
        snprintf(a, sizeof a, "features.%d.conv.%d", (int)g + 1, i++);
        snprintf(o, sizeof o, "%s.expand", ours);
        conv_bn(b, a, o);
    }
    snprintf(a, sizeof a, "features.%d.conv.%d", (int)g + 1, i++);
    snprintf(o, sizeof o, "%s.dw", ours);
    conv_bn(b, a, o);
    snprintf(a, sizeof a, "features.%d.conv.%d", (int)g + 1, i++);
    snprintf(o, sizeof o, "%s.project.conv", ours);
    name(b, a, o);
    snprintf(a, sizeof a, "features.%d.conv.%d", (int)g + 1, i);
    snprintf(o, sizeof o, "%s.project.bn", ours);
    name(b, a, o);
}

static void effnet_block(dmi_buf *b, const dm_block_info *bi, const char *ours) {
    static const char *const parts[] = {"expand", "dw", "se", "project"};
    char a[96], o[96];
    int i = 0;
    for (int p = 0; p < 4; p++) {
        if ((p == 0 && !bi->has_expand) || (p == 2 && !bi->se_channels)) continue;
        snprintf(a, sizeof a, "features.%d.%d.block.%d", (int)bi->sb + 1, (int)bi->index, i++);
        snprintf(o, sizeof o, "%s.%s", ours, parts[p]);
        if (p != 2) {
            conv_bn(b, a, o);
            continue;
        }
        char a2[112], o2[112];
        for (int k = 1; k <= 2; k++) {
            snprintf(a2, sizeof a2, "%s.fc%d", a, k);
            snprintf(o2, sizeof o2, "%s.fc%d", o, k);
            name(b, a2, o2);
        }
    }
}

dm_status dmi_torch_tv_names(dmi_buf *b, const dm_net *net, const char *tv, dm_error *err) {
    tv_layout layout = TV_COUNT;
    for (size_t i = 0; i < DM_COUNTOF(tv_nets); i++)
        if (tv && strcmp(tv_nets[i].name, tv) == 0) layout = tv_nets[i].layout;
    if (layout == TV_COUNT)
        return DM_FAIL(err, DM_ERR_INTERNAL, "no torchvision layout for '%.60s'",
                       tv ? tv : "(null)");
    if (layout == TV_RESNET) {
        name(b, "conv1", "stem.conv");
        name(b, "bn1", "stem.bn");
    } else {
        conv_bn(b, "features.0", "stem");
    }
    int32_t n = dm_net_block_count(net);
    for (int32_t g = 0; g < n; g++) {
        const dm_block_info *bi = dm_net_block(net, g);
        char ours[64];
        snprintf(ours, sizeof ours, "stages.%d.%d", (int)bi->sb, (int)bi->index);
        if (layout == TV_RESNET) resnet_block(b, bi, ours);
        else if (layout == TV_MOBILENET_V2) mbv2_block(b, bi, g, ours);
        else effnet_block(b, bi, ours);
    }
    if (layout == TV_RESNET) {
        name(b, "fc", "classifier");
        return DM_OK;
    }
    char head[32];
    snprintf(head, sizeof head, "features.%d",
             (int)(layout == TV_MOBILENET_V2 ? n + 1 : dm_net_arch(net)->n_superblocks + 1));
    conv_bn(b, head, "head");
    name(b, "classifier.1", "classifier");
    return DM_OK;
}
