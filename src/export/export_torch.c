/*
** export_torch.c -- dm_net -> one self-contained PyTorch source file.
**
** The file needs only torch.  It holds a docstring (source, metrics, the
** state_dict key scheme), the few block classes the net uses, and one
** nn.Module whose __init__ lists every block with the widths, strides and
** residual forms that dm_net resolved: the Python never decides a shape,
** it is told.  The attribute names in the class texts below ARE the
** state_dict key scheme; export_onnx.c names its initializers with the
** same strings (KEYS: grep both files), and tests/py/test_export_onnx.py
** checks the two sets are equal for every zoo net.
*/
#include "block_acts.h"
#include "buf.h"
#include "pytext.h"
#include "space.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Fixed Python text                                                      */
/* ---------------------------------------------------------------------- */

static const char py_imports[] =
    "import torch\n"
    "from torch import nn\n\n\n"
    "def make_act(name):\n"
    "    \"\"\"The activation module a design names.\"\"\"\n"
    "    return {\"relu\": nn.ReLU, \"relu6\": nn.ReLU6, \"silu\": nn.SiLU}[name]()\n\n\n"
    "def conv(c_in, c_out, kernel, stride=1, groups=1):\n"
    "    \"\"\"k x k convolution with padding k // 2 and no bias (a BatchNorm follows).\"\"\"\n"
    "    return nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False)\n\n\n"
    "class ConvBNAct(nn.Module):\n"
    "    \"\"\"conv -> BatchNorm2d -> activation (none when act is None).\"\"\"\n\n"
    "    def __init__(self, c_in, c_out, kernel, stride=1, groups=1, act=None):\n"
    "        super().__init__()\n"
    "        self.conv = conv(c_in, c_out, kernel, stride, groups)\n"
    "        self.bn = nn.BatchNorm2d(c_out)\n"
    "        self.act = make_act(act) if act else nn.Identity()\n\n"
    "    def forward(self, x):\n"
    "        return self.act(self.bn(self.conv(x)))\n"
    "\n\n\ndef add_residual(block, out, x):\n"
    "    \"\"\"out plus the block's shortcut of x, by its residual form.\"\"\"\n"
    "    if block.residual == \"none\":\n"
    "        return out\n"
    "    return out + (block.shortcut(x) if block.shortcut is not None else x)\n";

static const char py_shortcut[] =
    "\n\nclass Shortcut(nn.Module):\n"
    "    \"\"\"Projection for a residual whose shape changes: 1x1 conv (stride) -> BN, or,\n"
    "    with pool > 1 (ResNet-D), AvgPool2d(pool) -> stride-1 1x1 conv -> BN.\"\"\"\n\n"
    "    def __init__(self, c_in, c_out, stride=1, pool=1):\n"
    "        super().__init__()\n"
    "        self.pool = (nn.AvgPool2d(pool, pool, ceil_mode=True, count_include_pad=False)\n"
    "                     if pool > 1 else nn.Identity())\n"
    "        self.conv = conv(c_in, c_out, 1, stride)\n"
    "        self.bn = nn.BatchNorm2d(c_out)\n\n"
    "    def forward(self, x):\n"
    "        return self.bn(self.conv(self.pool(x)))\n\n\n"
    "def make_shortcut(residual, c_in, c_out, stride):\n"
    "    \"\"\"The projection of a residual form, or None for \\\"identity\\\" and \\\"none\\\".\"\"\"\n"
    "    if residual == \"conv\":\n"
    "        return Shortcut(c_in, c_out, stride)\n"
    "    if residual == \"avgpool-conv\":\n"
    "        return Shortcut(c_in, c_out, 1, pool=stride)\n"
    "    return None\n";

static const char py_basic[] =
    "\n\nclass BasicBlock(nn.Module):\n"
    "    \"\"\"ResNet basic block: k x k conv (stride) -> BN -> act -> k x k conv -> BN,\n"
    "    plus the shortcut, then act (torchvision).\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual):\n"
    "        super().__init__()\n"
    "        self.residual = residual\n"
    "        self.conv1 = conv(c_in, inner, kernel, stride)\n"
    "        self.bn1 = nn.BatchNorm2d(inner)\n"
    "        self.conv2 = conv(inner, c_out, kernel)\n"
    "        self.bn2 = nn.BatchNorm2d(c_out)\n"
    "        self.act = make_act(act)\n"
    "        self.shortcut = make_shortcut(residual, c_in, c_out, stride)\n\n"
    "    def last_bn(self):\n"
    "        return self.bn2\n\n"
    "    def forward(self, x):\n"
    "        out = self.act(self.bn1(self.conv1(x)))\n"
    "        out = self.bn2(self.conv2(out))\n"
    "        return self.act(add_residual(self, out, x))\n";

static const char py_bottleneck[] =
    "\n\nclass Bottleneck(nn.Module):\n"
    "    \"\"\"ResNet bottleneck (v1.5, stride on the k x k conv): 1x1 -> BN -> act ->\n"
    "    k x k (stride) -> BN -> act -> 1x1 -> BN, plus the shortcut, then act.\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual):\n"
    "        super().__init__()\n"
    "        self.residual = residual\n"
    "        self.conv1 = conv(c_in, inner, 1)\n"
    "        self.bn1 = nn.BatchNorm2d(inner)\n"
    "        self.conv2 = conv(inner, inner, kernel, stride)\n"
    "        self.bn2 = nn.BatchNorm2d(inner)\n"
    "        self.conv3 = conv(inner, c_out, 1)\n"
    "        self.bn3 = nn.BatchNorm2d(c_out)\n"
    "        self.act = make_act(act)\n"
    "        self.shortcut = make_shortcut(residual, c_in, c_out, stride)\n\n"
    "    def last_bn(self):\n"
    "        return self.bn3\n\n"
    "    def forward(self, x):\n"
    "        out = self.act(self.bn1(self.conv1(x)))\n"
    "        out = self.act(self.bn2(self.conv2(out)))\n"
    "        out = self.bn3(self.conv3(out))\n"
    "        return self.act(add_residual(self, out, x))\n";

static const char py_se[] =
    "\n\nclass SqueezeExcite(nn.Module):\n"
    "    \"\"\"x * sigmoid(fc2(act(fc1(mean of x over space)))), fc1 and fc2 biased 1x1 convs.\"\"\"\n\n"
    "    def __init__(self, channels, squeeze, act):\n"
    "        super().__init__()\n"
    "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
    "        self.fc1 = nn.Conv2d(channels, squeeze, 1)\n"
    "        self.act = make_act(act)\n"
    "        self.fc2 = nn.Conv2d(squeeze, channels, 1)\n"
    "        self.gate = nn.Sigmoid()\n\n"
    "    def forward(self, x):\n"
    "        return x * self.gate(self.fc2(self.act(self.fc1(self.pool(x)))))\n";

static const char py_mbconv[] =
    "\n\nclass MBConv(nn.Module):\n"
    "    \"\"\"Inverted residual (MobileNetV2; EfficientNet's MBConv with se > 0):\n"
    "    [1x1 expand -> BN -> act] -> depthwise k x k (stride) -> BN -> act\n"
    "    -> [squeeze-excitation] -> 1x1 project -> BN, plus x when residual is\n"
    "    \"identity\"; no activation after the add.\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual, expand=True, se=0):\n"
    "        super().__init__()\n"
    "        self.residual = residual\n"
    "        self.shortcut = None\n"
    "        self.expand = ConvBNAct(c_in, inner, 1, act=act) if expand else None\n"
    "        self.dw = ConvBNAct(inner, inner, kernel, stride, groups=inner, act=act)\n"
    "        self.se = SqueezeExcite(inner, se, act) if se else None\n"
    "        self.project = ConvBNAct(inner, c_out, 1)\n\n"
    "    def last_bn(self):\n"
    "        return self.project.bn\n\n"
    "    def forward(self, x):\n"
    "        out = self.expand(x) if self.expand is not None else x\n"
    "        out = self.dw(out)\n"
    "        if self.se is not None:\n"
    "            out = self.se(out)\n"
    "        return add_residual(self, self.project(out), x)\n";

static const char py_reset[] =
    "\n    def reset_parameters(self, zero_init_residual=False):\n"
    "        \"\"\"Conventional initialisation (torchvision's): convs Kaiming-normal\n"
    "        (fan-out, ReLU gain) with zero bias, BN weight 1 and bias 0, the\n"
    "        classifier N(0, 0.01) with zero bias.  With zero_init_residual the\n"
    "        last BN of every residual branch starts at weight 0, so each residual\n"
    "        block starts as the identity (Goyal et al., 2017).\"\"\"\n"
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
    "                if getattr(m, \"residual\", \"none\") != \"none\":\n"
    "                    nn.init.zeros_(m.last_bn().weight)\n";

/* The paper style's SE and mbconv (the reference code's SE and
   ResK1DWSEK1; SPEC section 8).  The bottleneck needs no class of its
   own: ResK1KXK1 is Bottleneck with an "avgpool-conv" or "identity"
   residual. */
static const char py_paper_se[] =
    "\n\nclass PaperSqueezeExcite(nn.Module):\n"
    "    \"\"\"The reference code's squeeze-excitation: x * sigmoid(bn2(fc2(act(bn1(fc1(\n"
    "    mean of x over space)))))), fc1 and fc2 bias-free 1x1 convs, each with a BN.\"\"\"\n\n"
    "    def __init__(self, channels, squeeze, act):\n"
    "        super().__init__()\n"
    "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
    "        self.fc1 = nn.Conv2d(channels, squeeze, 1, bias=False)\n"
    "        self.bn1 = nn.BatchNorm2d(squeeze)\n"
    "        self.act = make_act(act)\n"
    "        self.fc2 = nn.Conv2d(squeeze, channels, 1, bias=False)\n"
    "        self.bn2 = nn.BatchNorm2d(channels)\n"
    "        self.gate = nn.Sigmoid()\n\n"
    "    def forward(self, x):\n"
    "        s = self.act(self.bn1(self.fc1(self.pool(x))))\n"
    "        return x * self.gate(self.bn2(self.fc2(s)))\n";

static const char py_paper_mbconv[] =
    "\n\nclass PaperMBConv(nn.Module):\n"
    "    \"\"\"The reference code's ResK1DWSEK1 (style paper): 1x1 expand -> BN -> act ->\n"
    "    depthwise k x k (stride) -> BN -> act -> [PaperSqueezeExcite] -> 1x1 project\n"
    "    -> BN, plus x (\"identity\") or its 2x2 average (\"avgpool\": strided, same\n"
    "    width), then act: unlike MBConv, the activation follows the add.\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual, se,\n"
    "                 se_act, expand=True):\n"
    "        super().__init__()\n"
    "        self.residual = residual\n"
    "        self.expand = ConvBNAct(c_in, inner, 1, act=act) if expand else None\n"
    "        self.dw = ConvBNAct(inner, inner, kernel, stride, groups=inner, act=act)\n"
    "        self.se = PaperSqueezeExcite(inner, se, se_act) if se else None\n"
    "        self.project = ConvBNAct(inner, c_out, 1)\n"
    "        self.shortcut = nn.AvgPool2d(stride, stride) if residual == \"avgpool\" else None\n"
    "        self.act = make_act(act)\n\n"
    "    def last_bn(self):\n"
    "        return self.project.bn\n\n"
    "    def forward(self, x):\n"
    "        out = self.expand(x) if self.expand is not None else x\n"
    "        out = self.dw(out)\n"
    "        if self.se is not None:\n"
    "            out = self.se(out)\n"
    "        return self.act(add_residual(self, self.project(out), x))\n";

/* ORDER DM_BLOCK */
static const char *const block_class[] = {"BasicBlock", "Bottleneck", "MBConv"};
static const char *const block_text[] = {py_basic, py_bottleneck, py_mbconv};
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
                                        "add_residual"};
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
                            const char *cls, const dm_torch_options *opt) {
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
        "where bn.* is weight, bias, running_mean, running_var, num_batches_tracked.\n\n"
        "Needs only torch:\n"
        "    model = %s()   # or %s(zero_init_residual=True)\n"
        "    out = model(torch.randn(1, %d, %d, %d))\n\"\"\"\n\n",
        cls, cls, (int)a->in_channels, (int)a->input_size, (int)a->input_size);
}

/* ---------------------------------------------------------------------- */
/* The net class                                                          */
/* ---------------------------------------------------------------------- */

/* An mbconv whose activation follows the add is the paper's (PaperMBConv). */
static bool paper_mbconv(const dm_block_info *bi) {
    return bi->kind == DM_BLOCK_MBCONV && dmi_act_after_add(bi);
}

static void write_block(dmi_buf *b, const dm_block_info *bi) {
    bool paper = paper_mbconv(bi);
    dmi_buf_printf(b, "                %s(%d, %d, %d, kernel=%d, stride=%d, act=\"%s\", "
                      "residual=\"%s\"", paper ? "PaperMBConv" : block_class[bi->kind],
                   (int)bi->c_in, (int)bi->inner, (int)bi->c_out, (int)bi->kernel,
                   (int)bi->stride, dm_act_name(bi->act), residual_names[bi->residual]);
    if (paper) /* SE arguments always, since the class has no SE default */
        dmi_buf_printf(b, ", se=%d, se_act=\"%s\"", (int)bi->se_channels,
                       dm_act_name(dmi_se_act(bi)));
    if (bi->kind == DM_BLOCK_MBCONV && !bi->has_expand) dmi_buf_printf(b, ", expand=False");
    if (!paper && bi->se_channels) dmi_buf_printf(b, ", se=%d", (int)bi->se_channels);
    dmi_buf_printf(b, "),\n");
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
        write_block(b, bi);
        if (bi->index == dm_net_arch(net)->sb[bi->sb].depth - 1)
            dmi_buf_printf(b, "            ),\n");
    }
    dmi_buf_printf(b, "        )\n");
}

static void write_init(dmi_buf *b, const dm_net *net, const char *cls) {
    const dm_arch *a = dm_net_arch(net);
    dmi_buf_printf(b, "\n\nclass %s(nn.Module):\n    \"\"\"The exported network; see the "
                      "module docstring.\"\"\"\n\n", cls);
    dmi_buf_printf(b, "    def __init__(self, zero_init_residual=False):\n"
                      "        super().__init__()\n");
    dmi_buf_printf(b, "        self.stem = ConvBNAct(%d, %d, %d, %d, act=\"%s\")\n",
                   (int)a->in_channels, (int)a->stem.out, (int)a->stem.kernel,
                   (int)a->stem.stride, dm_act_name(a->stem.act));
    if (a->stem.maxpool) dmi_buf_printf(b, "        self.maxpool = nn.MaxPool2d(3, 2, 1)\n");
    write_stages(b, net);
    const dm_layer *head = find_layer(net, DM_ROLE_HEAD);
    const dm_layer *fc = find_layer(net, DM_ROLE_CLASSIFIER);
    if (head)
        dmi_buf_printf(b, "        self.head = ConvBNAct(%d, %d, 1, act=\"%s\")\n",
                       (int)head->c_in, (int)head->c_out, dm_act_name(a->head_act));
    dmi_buf_printf(b, "        self.pool = nn.AdaptiveAvgPool2d(1)\n");
    if (fc)
        dmi_buf_printf(b, "        self.classifier = nn.Linear(%d, %d)\n", (int)fc->c_in,
                       (int)fc->c_out);
    dmi_buf_printf(b, "        self.reset_parameters(zero_init_residual)\n");
}

static void write_forward(dmi_buf *b, const dm_arch *a) {
    dmi_buf_printf(b, "\n    def forward(self, x):\n        x = self.stem(x)\n");
    if (a->stem.maxpool) dmi_buf_printf(b, "        x = self.maxpool(x)\n");
    dmi_buf_printf(b, "        x = self.stages(x)\n");
    if (a->head > 0) dmi_buf_printf(b, "        x = self.head(x)\n");
    dmi_buf_printf(b, "        x = torch.flatten(self.pool(x), 1)\n");
    if (a->classes > 0) dmi_buf_printf(b, "        x = self.classifier(x)\n");
    dmi_buf_printf(b, "        return x\n");
}

/* The helper classes this net uses, each once. */
static void write_classes(dmi_buf *b, const dm_net *net) {
    int used[DM_BLOCK_COUNT] = {0}, shortcut = 0, se = 0, paper = 0, paper_se = 0;
    for (int32_t i = 0; i < dm_net_block_count(net); i++) {
        const dm_block_info *bi = dm_net_block(net, i);
        bool p = paper_mbconv(bi);
        used[bi->kind] |= !p;
        paper |= p;
        se |= !p && bi->se_channels > 0;
        paper_se |= p && bi->se_channels > 0;
        shortcut |= bi->kind != DM_BLOCK_MBCONV;
    }
    dmi_buf_printf(b, "%s", py_imports);
    if (shortcut) dmi_buf_printf(b, "%s", py_shortcut);
    if (se) dmi_buf_printf(b, "%s", py_se);
    for (int k = 0; k < DM_BLOCK_COUNT; k++)
        if (used[k]) dmi_buf_printf(b, "%s", block_text[k]);
    if (paper_se) dmi_buf_printf(b, "%s", py_paper_se);
    if (paper) dmi_buf_printf(b, "%s", py_paper_mbconv);
}

dm_status dm_export_torch(const dm_net *net, const dm_metrics *m, const dm_torch_options *opt,
                          char **out_src, dm_error *err) {
    if (!out_src) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_torch needs an output");
    *out_src = NULL;
    if (!net) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_torch needs a network");
    const char *cls = opt && opt->class_name ? opt->class_name : "DeepMADNet";
    dm_status s = check_class_name(cls, err);
    if (s) return s;
    dmi_buf b = {0};
    write_docstring(&b, net, m, cls, opt);
    write_classes(&b, net);
    write_init(&b, net, cls);
    dmi_buf_printf(&b, "%s", py_reset);
    write_forward(&b, dm_net_arch(net));
    return dmi_buf_finish(&b, out_src, err);
}
