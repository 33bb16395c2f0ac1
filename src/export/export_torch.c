/*
** export_torch.c -- dm_net -> one self-contained PyTorch source file.
**
** The file needs only torch.  It holds a docstring (source, metrics, the
** state_dict key scheme), the few block classes the net uses
** (torch_blocks.c), for torchvision's nets their module names
** (torch_tv.c), and one nn.Module whose __init__ lists every block with
** the widths, strides and residual forms that dm_net resolved: the Python
** never decides a shape, it is told.  Its constructor, backbone interface
** (stage ends, feature_info) and TorchScript rules: docs/export.md.
** KEYS: the attribute paths here (stem, stages, head, classifier) and in
** torch_blocks.c are the state_dict keys and export_onnx.c's names.
*/
#include "block_acts.h"
#include "buf.h"
#include "pytext.h"
#include "torch_blocks.h"
#include "torch_tv.h"
#include "space.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Fixed Python text of the net class                                     */
/* ---------------------------------------------------------------------- */
static const char py_reset[] =
    "\n    def reset_parameters(self, zero_init_residual=True):\n"
    "        \"\"\"Conventional initialisation (torchvision's): convs Kaiming-normal\n"
    "        (fan-out, ReLU gain) with zero bias, BN weight 1 and bias 0, the\n"
    "        classifier N(0, 0.01) with zero bias.  With zero_init_residual the\n"
    "        last BN of every residual branch starts at weight 0, so each residual\n"
    "        block starts as its shortcut (Goyal et al., 2017).\"\"\"\n"
    "        for m in self.modules():\n"
    "            if isinstance(m, nn.Conv2d):\n"
    "                nn.init.kaiming_normal_(m.weight, mode=\"fan_out\", nonlinearity=\"relu\")\n"
    "                if m.bias is not None:\n"
    "                    nn.init.zeros_(m.bias)\n"
    "            elif isinstance(m, nn.BatchNorm2d):\n"
    "                nn.init.ones_(m.weight)\n"
    "                nn.init.zeros_(m.bias)\n"
    "            elif isinstance(m, nn.Linear):\n"
    "                nn.init.normal_(m.weight, 0.0, 0.01)\n"
    "                nn.init.zeros_(m.bias)\n"
    "        if zero_init_residual:\n"
    "            for m in self.modules():\n"
    "                if getattr(m, \"has_residual\", False):\n"
    "                    nn.init.zeros_(m.last_bn().weight)\n";

/* ORDER DM_RESIDUAL */
static const char *const residual_names[] = {"none", "identity", "conv", "avgpool-conv",
                                             "avgpool"};

/* ---------------------------------------------------------------------- */
/* Checks and text helpers                                                */
/* ---------------------------------------------------------------------- */

/* A class name must be an ASCII Python identifier and not a keyword or a
   name the file already defines. */
static dm_status check_class_name(const char *s, dm_error *err) {
    static const char *const taken[] = {"ConvBNAct", "Shortcut", "BasicBlock", "Bottleneck",
                                        "SqueezeExcite", "MBConv", "PaperSqueezeExcite",
                                        "PaperMBConv", "conv", "make_act", "make_shortcut",
                                        "DropPath", "Residual", "List", "stage_indices",
                                        "TORCHVISION_NAMES", "rename_torchvision_keys"};
    return dmi_py_check_class_name(s, taken, DM_COUNTOF(taken), err);
}

dm_status dm_torch_class_name_check(dm_model_kind kind, const char *name, dm_error *err) {
    if (!name) return DM_FAIL(err, DM_ERR_INVALID, "no class name given");
    return kind == DM_MODEL_MLP ? dmi_py_check_class_name(name, NULL, 0, err)
                                : check_class_name(name, err);
}

/* The last layer of a role, or NULL. */
static const dm_layer *find_layer(const dm_net *net, dm_role role) {
    const dm_layer *found = NULL;
    for (int32_t i = 0; i < dm_net_layer_count(net); i++)
        if (dm_net_layer(net, i)->role == role) found = dm_net_layer(net, i);
    return found;
}

/* Channels entering global pooling: the output of the last main-path
   layer (stem, block or head). */
static int32_t pooled_channels(const dm_net *net) {
    int32_t c = 0;
    for (int32_t i = 0; i < dm_net_layer_count(net); i++) {
        const dm_layer *l = dm_net_layer(net, i);
        if (dmi_space_main_path(l->role))
            c = l->c_out;
    }
    return c;
}

/* A score to 6 significant digits: rounded through text, then printed
   locale-proof (snprintf and strtod agree on the decimal point). */
static void put_metric(dmi_buf *b, const char *label, double v) {
    char six[48];
    snprintf(six, sizeof six, "%.6g", v);
    dmi_buf_printf(b, "    %-18s", label);
    dmi_buf_double(b, strtod(six, NULL));
    dmi_buf_printf(b, "\n");
}

/* ---------------------------------------------------------------------- */
/* The docstring                                                          */
/* ---------------------------------------------------------------------- */

static void write_metrics(dmi_buf *b, const dm_metrics *m) {
    dmi_buf_printf(b, "\nMetrics (as `deepmad analyze` reports them):\n");
    dmi_buf_printf(b, "    %-18s%" PRId64 "\n    %-18s%" PRId64 "\n    %-18s%d\n", "params",
                   m->params, "MACs", m->macs, "main-path layers", (int)m->layers);
    put_metric(b, "rho", m->rho);
    put_metric(b, "entropy", m->entropy);
    put_metric(b, "depth penalty", m->depth_penalty);
    put_metric(b, "objective", m->objective);
}

static void write_keys(dmi_buf *b) {
    dmi_buf_printf(b,
        "\nstate_dict keys (docs/export.md), equal to the ONNX initializer names:\n"
        "    stem.conv.weight, stem.bn.*           the stem conv and its BatchNorm\n"
        "    stages.S.B.*                          block B of superblock S:\n"
        "        basic, bottleneck: conv1, bn1, conv2, bn2, [conv3, bn3,]\n"
        "                           [shortcut.conv, shortcut.bn]\n"
        "        mbconv: [expand.conv, expand.bn,] dw.conv, dw.bn,\n"
        "                [se.fc1, se.fc2,] project.conv, project.bn\n"
        "    head.conv.weight, head.bn.*           the 1x1 head conv\n"
        "    classifier.weight, classifier.bias    the linear classifier\n");
}

/* The paper style's keys come in the order the reference code's CnnNet
   registers the same tensors, so its weights load by position. */
static void write_paper_keys(dmi_buf *b) {
    dmi_buf_printf(b,
        "\nBlocks: style paper, the DeepMAD reference code's (SPEC section 8):\n"
        "bottleneck = ResK1KXK1 (Bottleneck), mbconv = ResK1DWSEK1 (PaperMBConv).\n"
        "\nstate_dict keys (docs/export.md), equal to the ONNX initializer names, in the\n"
        "order the reference code's CnnNet holds the same tensors:\n"
        "    stem.conv.weight, stem.bn.*           the stem conv and its BatchNorm\n"
        "    stages.S.B.*                          block B of superblock S:\n"
        "        bottleneck: conv1, bn1, conv2, bn2, conv3, bn3,\n"
        "                    [shortcut.conv, shortcut.bn]\n"
        "        mbconv: expand.conv, expand.bn, dw.conv, dw.bn, se.fc1, se.bn1,\n"
        "                se.fc2, se.bn2, project.conv, project.bn\n"
        "    head.conv.weight, head.bn.*           the 1x1 head conv\n"
        "    classifier.weight, classifier.bias    the linear classifier\n");
}

static void write_docstring(dmi_buf *b, const dm_net *net, const dm_metrics *m,
                            const char *cls, const dm_torch_options *opt, const char *tv) {
    const dm_arch *a = dm_net_arch(net);
    dmi_buf_printf(b, "\"\"\"%s: a convolutional network exported by deepmad %s.\n\n", cls,
                   DM_VERSION);
    if (opt && opt->source) {
        dmi_buf_printf(b, "Source: ");
        dmi_py_doc_text(b, opt->source);
        dmi_buf_printf(b, "\n");
    }
    dmi_buf_printf(b, "Input: float32 NCHW (N, %d, %d, %d).  Output: ", (int)a->in_channels,
                   (int)a->input_size, (int)a->input_size);
    if (a->classes > 0) dmi_buf_printf(b, "(N, %d) logits.\n", (int)a->classes);
    else dmi_buf_printf(b, "(N, %d) pooled features.\n", (int)pooled_channels(net));
    if (m) write_metrics(b, m);
    if (opt && opt->notes) {
        dmi_buf_printf(b, "\n");
        dmi_py_doc_text(b, opt->notes);
        dmi_buf_printf(b, "\n");
    }
    if (a->style == DM_STYLE_PAPER) write_paper_keys(b);
    else write_keys(b);
    dmi_buf_printf(b,
        "where bn.* is weight, bias, running_mean, running_var, num_batches_tracked.\n");
    if (tv)
        dmi_buf_printf(b,
            "\nThis is torchvision.models.%s, layer for layer: its state_dicts load\n"
            "by name (a load_state_dict pre-hook renames torchvision's keys to the ones\n"
            "above), e.g. model.load_state_dict(torchvision.models.%s(weights=...)\n"
            ".state_dict()), and give torchvision's outputs.\n", tv, tv);
    if (tv && strcmp(tv, "efficientnet_b0") == 0)
        dmi_buf_printf(b,
            "torchvision trains it with dropout 0.2 and stochastic depth 0.2:\n"
            "%s(drop_rate=0.2, drop_path_rate=0.2) does the same (the defaults are 0).\n",
            cls);
    if (tv && strcmp(tv, "mobilenet_v2") == 0)
        dmi_buf_printf(b,
            "torchvision trains it with dropout 0.2: %s(drop_rate=0.2) (the default\n"
            "is 0).\n", cls);
    dmi_buf_printf(b,
        "\nNeeds only torch; scripts (torch.jit.script), traces (torch.jit.trace) and\n"
        "traces symbolically (torch.fx):\n"
        "    model = %s()   # see %s's docstring for the constructor\n"
        "    out = model(torch.randn(1, %d, %d, %d))\n"
        "As a backbone (timm's interface): forward_features(x) is the last map\n"
        "before pooling; %s(features_only=True, out_indices=...) returns a list\n"
        "of feature maps, one per stage end, each described by feature_info\n"
        "(num_chs, reduction, module).\n\"\"\"\n",
        cls, cls, (int)a->in_channels, (int)a->input_size, (int)a->input_size, cls);
}

/* ---------------------------------------------------------------------- */
/* The net class                                                          */
/* ---------------------------------------------------------------------- */


static void write_block(dmi_buf *b, const dm_block_info *bi, int32_t g) {
    bool paper = dmi_torch_paper_mbconv(bi);
    dmi_buf_printf(b, "                %s(%d, %d, %d, kernel=%d, stride=%d, act=\"%s\", "
                      "residual=\"%s\"", dmi_torch_block_class(bi),
                   (int)bi->c_in, (int)bi->inner, (int)bi->c_out, (int)bi->kernel,
                   (int)bi->stride, dm_act_name(bi->act), residual_names[bi->residual]);
    if (paper) /* SE arguments always, since the class has no SE default */
        dmi_buf_printf(b, ", se=%d, se_act=\"%s\"", (int)bi->se_channels,
                       dm_act_name(dmi_se_act(bi)));
    if (bi->kind == DM_BLOCK_MBCONV && !bi->has_expand) dmi_buf_printf(b, ", expand=False");
    if (!paper && bi->se_channels) dmi_buf_printf(b, ", se=%d", (int)bi->se_channels);
    dmi_buf_printf(b, ", drop_path=dpr[%d]),\n", (int)g);
}

/* `stages`: one nn.Sequential per superblock, with a comment on its shape. */
static void write_stages(dmi_buf *b, const dm_net *net) {
    int32_t n = dm_net_block_count(net);
    dmi_buf_printf(b, "        self.stages = nn.Sequential(\n");
    for (int32_t i = 0; i < n; i++) {
        const dm_block_info *bi = dm_net_block(net, i);
        if (bi->index == 0) {
            const dm_superblock *sb = &dm_net_arch(net)->sb[bi->sb];
            const dm_block_info *last = dm_net_block(net, i + sb->depth - 1);
            dmi_buf_printf(b, "            # superblock %d: %d x %s, %d -> %d channels, "
                              "%d -> %d px\n            nn.Sequential(\n",
                           (int)bi->sb, (int)sb->depth, dm_block_kind_name(bi->kind),
                           (int)bi->c_in, (int)last->c_out, (int)bi->r_in, (int)last->r_out);
        }
        write_block(b, bi, i);
        if (bi->index == dm_net_arch(net)->sb[bi->sb].depth - 1)
            dmi_buf_printf(b, "            ),\n");
    }
    dmi_buf_printf(b, "        )\n");
}

/* ---------------------------------------------------------------------- */
/* Stage ends: the backbone's feature maps                                */
/* ---------------------------------------------------------------------- */

/* One feature map of features_only: the output of the stem (sb -1, before
   any max-pool, as timm's ResNets) or of superblock sb, the last of a run
   at one resolution, so that no two maps share a stride. */
typedef struct stage_end {
    int32_t sb, channels, reduction;
} stage_end;

/* Fill `out` (room for DM_MAX_SUPERBLOCKS + 1) and return the count.  A
   superblock ends a stage when it is the last or the next one changes the
   resolution; the stem does when the first superblock's output (after the
   max-pool, when there is one) has another resolution than the stem's. */
static int32_t stage_ends(const dm_net *net, stage_end *out) {
    const dm_arch *a = dm_net_arch(net);
    int32_t r_sb[DM_MAX_SUPERBLOCKS], n = 0, r_stem = dm_net_layer(net, 0)->r_out;
    for (int32_t i = 0; i < dm_net_block_count(net); i++) {
        const dm_block_info *bi = dm_net_block(net, i);
        if (bi->index == a->sb[bi->sb].depth - 1) r_sb[bi->sb] = bi->r_out;
    }
    if (r_sb[0] != r_stem)
        out[n++] = (stage_end){-1, a->stem.out, a->input_size / r_stem};
    for (int32_t s = 0; s < a->n_superblocks; s++)
        if (s + 1 == a->n_superblocks || r_sb[s + 1] != r_sb[s])
            out[n++] = (stage_end){s, a->sb[s].out, a->input_size / r_sb[s]};
    return n;
}

static void write_feature_info(dmi_buf *b, const stage_end *e, int32_t n) {
    dmi_buf_printf(b, "        stage_ends = [\n");
    for (int32_t i = 0; i < n; i++) {
        dmi_buf_printf(b, "            dict(num_chs=%d, reduction=%d, module=\"", (int)e[i].channels,
                       (int)e[i].reduction);
        if (e[i].sb < 0) dmi_buf_printf(b, "stem\"),\n");
        else dmi_buf_printf(b, "stages.%d\"),\n", (int)e[i].sb);
    }
    dmi_buf_printf(b, "        ]\n");
}

/* ---------------------------------------------------------------------- */
/* The net class                                                          */
/* ---------------------------------------------------------------------- */

static const char py_stage_indices[] =
    "\n\ndef stage_indices(out_indices, n, features_only):\n"
    "    \"\"\"out_indices checked and made non-negative (negative ones count from the\n"
    "    end, as Python's); None means all n stage ends.\"\"\"\n"
    "    if out_indices is None:\n"
    "        return list(range(n))\n"
    "    if not features_only:\n"
    "        raise ValueError(\"out_indices needs features_only=True\")\n"
    "    picked = [int(i) for i in out_indices]\n"
    "    if not picked or any(i < -n or i >= n for i in picked):\n"
    "        raise ValueError(\"out_indices %r: want a non-empty list of stage-end indices in \"\n"
    "                         \"[-%d, %d)\" % (out_indices, n, n))\n"
    "    picked = [i % n for i in picked]\n"
    "    if len(set(picked)) != len(picked):\n"
    "        raise ValueError(\"out_indices %r names a stage end twice\" % (out_indices,))\n"
    "    return picked\n";

static const char py_tv_hook[] =
    "\n\ndef rename_torchvision_keys(state_dict, prefix, *args):\n"
    "    \"\"\"load_state_dict pre-hook: torchvision's keys renamed in place to this\n"
    "    module's (TORCHVISION_NAMES), so torchvision's weights load by name.\"\"\"\n"
    "    for key in list(state_dict.keys()):\n"
    "        module, _, leaf = key[len(prefix):].rpartition(\".\")\n"
    "        if key.startswith(prefix) and module in TORCHVISION_NAMES:\n"
    "            state_dict[prefix + TORCHVISION_NAMES[module] + \".\" + leaf] = "
    "state_dict.pop(key)\n";

static const char py_class_doc[] =
    "    \"\"\"The exported network; see the module docstring.\n\n"
    "    num_classes: classifier outputs (None: the design's); 0 builds no\n"
    "        classifier, and forward returns the pooled features.\n"
    "    in_chans: input channels of the stem conv (None: the design's).\n"
    "    features_only: forward returns a list of feature maps, one per stage\n"
    "        end (the last block of each run of superblocks at one resolution,\n"
    "        and the stem when its resolution is its own), described by\n"
    "        feature_info; the head conv and the classifier are not built.\n"
    "    out_indices: which stage ends features_only returns (indices into\n"
    "        the full list; negative ones count from the end); None: all.\n"
    "    drop_rate: dropout probability before the classifier.\n"
    "    drop_path_rate: stochastic depth on residual branches, rising\n"
    "        linearly over the N blocks: block i (0-based) drops with\n"
    "        probability drop_path_rate * i / N (torchvision's EfficientNet);\n"
    "        the identity in eval.\n"
    "    zero_init_residual: the last BN of every residual branch starts at\n"
    "        weight 0, so each residual block starts as its shortcut (Goyal et\n"
    "        al., 2017).  On by default because DeepMAD designs are deep and\n"
    "        narrow: `deepmad design --preset r18` diverged within 6 SGD steps\n"
    "        at lr 0.01 without it and converged with it.  False initialises\n"
    "        as torchvision does by default.\n"
    "    \"\"\"\n\n"
    "    features_only: torch.jit.Final[bool]\n"
    "    out_indices: List[int]\n"
    "    __jit_ignored_attributes__ = [\"feature_info\"]\n\n";

static void write_init(dmi_buf *b, const dm_net *net, const char *cls, const char *tv,
                       const stage_end *ends, int32_t n_ends) {
    const dm_arch *a = dm_net_arch(net);
    dmi_buf_printf(b, "\n\nclass %s(nn.Module):\n%s", cls, py_class_doc);
    dmi_buf_printf(b,
        "    def __init__(self, num_classes=None, in_chans=None, features_only=False,\n"
        "                 out_indices=None, drop_rate=0.0, drop_path_rate=0.0,\n"
        "                 zero_init_residual=True):\n"
        "        super().__init__()\n"
        "        num_classes = %d if num_classes is None else int(num_classes)\n"
        "        in_chans = %d if in_chans is None else int(in_chans)\n"
        "        if num_classes < 0 or in_chans < 1:\n"
        "            raise ValueError(\"num_classes must be >= 0 and in_chans >= 1\")\n"
        "        if not (0.0 <= drop_rate <= 1.0 and 0.0 <= drop_path_rate <= 1.0):\n"
        "            raise ValueError(\"drop_rate and drop_path_rate must be in [0, 1]\")\n",
        (int)a->classes, (int)a->in_channels);
    write_feature_info(b, ends, n_ends);
    dmi_buf_printf(b,
        "        self.features_only = bool(features_only)\n"
        "        self.out_indices = stage_indices(out_indices, len(stage_ends), features_only)\n"
        "        self.feature_info = [stage_ends[i] for i in self.out_indices]\n"
        "        dpr = [drop_path_rate * i / %d for i in range(%d)]\n",
        (int)dm_net_block_count(net), (int)dm_net_block_count(net));
    dmi_buf_printf(b, "        self.stem = ConvBNAct(in_chans, %d, %d, %d, act=\"%s\")\n",
                   (int)a->stem.out, (int)a->stem.kernel, (int)a->stem.stride,
                   dm_act_name(a->stem.act));
    if (a->stem.maxpool) dmi_buf_printf(b, "        self.maxpool = nn.MaxPool2d(3, 2, 1)\n");
    write_stages(b, net);
    const dm_layer *head = find_layer(net, DM_ROLE_HEAD);
    if (head)
        dmi_buf_printf(b, "        self.head = None if features_only else ConvBNAct(%d, %d, 1, "
                          "act=\"%s\")\n",
                       (int)head->c_in, (int)head->c_out, dm_act_name(a->head_act));
    dmi_buf_printf(b,
        "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
        "        self.dropout = nn.Dropout(drop_rate)\n"
        "        self.classifier = (nn.Linear(%d, num_classes)\n"
        "                           if num_classes > 0 and not features_only else None)\n"
        "        self.reset_parameters(zero_init_residual)\n",
        (int)pooled_channels(net));
    if (tv)
        dmi_buf_printf(b, "        self._register_load_state_dict_pre_hook("
                          "rename_torchvision_keys)\n");
}

static void write_forward(dmi_buf *b, const dm_arch *a, const stage_end *ends, int32_t n_ends) {
    dmi_buf_printf(b, "\n    @torch.jit.export\n    def forward_features(self, x):\n"
                      "        \"\"\"The last feature map before pooling (after the head conv, "
                      "when built).\"\"\"\n        x = self.stem(x)\n");
    if (a->stem.maxpool) dmi_buf_printf(b, "        x = self.maxpool(x)\n");
    dmi_buf_printf(b, "        x = self.stages(x)\n");
    if (a->head > 0)
        dmi_buf_printf(b, "        if self.head is not None:\n            x = self.head(x)\n");
    dmi_buf_printf(b, "        return x\n");

    dmi_buf_printf(b, "\n    def forward_stage_ends(self, x) -> List[torch.Tensor]:\n"
                      "        \"\"\"Every stage end's feature map, in the order of the full "
                      "feature list.\"\"\"\n        x = self.stem(x)\n");
    int32_t e = 0;
    if (n_ends > 0 && ends[0].sb < 0) dmi_buf_printf(b, "        f%d = x\n", (int)e++);
    if (a->stem.maxpool) dmi_buf_printf(b, "        x = self.maxpool(x)\n");
    for (int32_t s = 0; s < a->n_superblocks; s++) {
        dmi_buf_printf(b, "        x = self.stages[%d](x)\n", (int)s);
        if (e < n_ends && ends[e].sb == s) dmi_buf_printf(b, "        f%d = x\n", (int)e++);
    }
    dmi_buf_printf(b, "        return [");
    for (int32_t i = 0; i < n_ends; i++) dmi_buf_printf(b, "%sf%d", i ? ", " : "", (int)i);
    dmi_buf_printf(b, "]\n");

    dmi_buf_printf(b,
        "\n    def forward(self, x):\n"
        "        if self.features_only:\n"
        "            feats = self.forward_stage_ends(x)\n"
        "            return [feats[i] for i in self.out_indices]\n"
        "        else:\n"
        "            x = torch.flatten(self.pool(self.forward_features(x)), 1)\n"
        "            if self.classifier is not None:\n"
        "                x = self.classifier(self.dropout(x))\n"
        "            return x\n");
}

/* torchvision's module names for a torchvision net, and the hook that
   applies them. */
static dm_status write_tv_names(dmi_buf *b, const dm_net *net, const char *tv, dm_error *err) {
    dmi_buf_printf(b, "\n\n# torchvision.models.%s's module names -> this module's: its "
                      "state_dict loads\n# by name (rename_torchvision_keys).\n"
                      "TORCHVISION_NAMES = {\n", tv);
    dm_status s = dmi_torch_tv_names(b, net, tv, err);
    dmi_buf_printf(b, "}\n%s", py_tv_hook);
    return s;
}

dm_status dm_export_torch(const dm_net *net, const dm_metrics *m, const dm_torch_options *opt,
                          char **out_src, dm_error *err) {
    if (!out_src) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_torch needs an output");
    *out_src = NULL;
    if (!net) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_torch needs a network");
    const char *cls = opt && opt->class_name ? opt->class_name : "DeepMADNet";
    const char *tv = NULL;
    dm_status s = check_class_name(cls, err);
    if (!s) s = dm_zoo_torchvision(dm_net_arch(net), &tv, err);
    if (s) return s;
    stage_end ends[DM_MAX_SUPERBLOCKS + 1];
    int32_t n_ends = stage_ends(net, ends);
    dmi_buf b = {0};
    write_docstring(&b, net, m, cls, opt, tv);
    dmi_torch_blocks(&b, net);
    dmi_buf_printf(&b, "%s", py_stage_indices);
    if (tv) s = write_tv_names(&b, net, tv, err);
    write_init(&b, net, cls, tv, ends, n_ends);
    dmi_buf_printf(&b, "%s", py_reset);
    write_forward(&b, dm_net_arch(net), ends, n_ends);
    if (s) {
        dmi_buf_free(&b);
        return s;
    }
    return dmi_buf_finish(&b, out_src, err);
}
