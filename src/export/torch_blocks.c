/*
** torch_blocks.c -- the Python text of the block classes the PyTorch
** export (export_torch.c) writes, each only when the net uses it.  The
** attribute names in these texts ARE the state_dict key scheme;
** export_onnx.c names its initializers with the same strings (KEYS: grep
** both files), and tests/py/test_export_onnx.py checks the two sets are
** equal for every zoo net.  TorchScript (docs/export.md): a block's
** residual form is a Final bool set in __init__ (class Residual), an
** optional submodule is None or a module and tested with `is not None`,
** and no function takes a module argument.
*/
#include "torch_blocks.h"
#include "block_acts.h"

static const char py_imports[] =
    "from typing import List\n\n"
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
    "\n\nclass DropPath(nn.Module):\n"
    "    \"\"\"Stochastic depth (Huang et al., 2016; torchvision's \"row\" mode): in training,\n"
    "    zero a sample's residual branch with probability p and scale the kept ones\n"
    "    by 1 / (1 - p); the identity in eval.\"\"\"\n\n"
    "    def __init__(self, p=0.0):\n"
    "        super().__init__()\n"
    "        self.p = p\n\n"
    "    def forward(self, x):\n"
    "        if self.p == 0.0 or not self.training:\n"
    "            return x\n"
    "        keep = 1.0 - self.p\n"
    "        return x * x.new_empty([x.shape[0], 1, 1, 1]).bernoulli_(keep) / keep\n"
    "\n\nclass Residual(nn.Module):\n"
    "    \"\"\"What every block shares: its residual form, decided in __init__ (a\n"
    "    constant to TorchScript), and the add of the (dropped-path) branch.\"\"\"\n\n"
    "    has_residual: torch.jit.Final[bool]\n\n"
    "    def __init__(self, residual, drop_path):\n"
    "        super().__init__()\n"
    "        self.has_residual = residual != \"none\"\n"
    "        self.drop_path = DropPath(drop_path)\n\n"
    "    def add_shortcut(self, out, x):\n"
    "        \"\"\"out plus x (or the projection shortcut of x) when the block is residual.\"\"\"\n"
    "        if not self.has_residual:\n"
    "            return out\n"
    "        if self.shortcut is not None:\n"
    "            return self.drop_path(out) + self.shortcut(x)\n"
    "        return self.drop_path(out) + x\n";

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
    "\n\nclass BasicBlock(Residual):\n"
    "    \"\"\"ResNet basic block: k x k conv (stride) -> BN -> act -> k x k conv -> BN,\n"
    "    plus the shortcut, then act (torchvision).\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual, drop_path=0.0):\n"
    "        super().__init__(residual, drop_path)\n"
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
    "        return self.act(self.add_shortcut(out, x))\n";

static const char py_bottleneck[] =
    "\n\nclass Bottleneck(Residual):\n"
    "    \"\"\"ResNet bottleneck (v1.5, stride on the k x k conv): 1x1 -> BN -> act ->\n"
    "    k x k (stride) -> BN -> act -> 1x1 -> BN, plus the shortcut, then act.\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual, drop_path=0.0):\n"
    "        super().__init__(residual, drop_path)\n"
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
    "        return self.act(self.add_shortcut(out, x))\n";

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
    "\n\nclass MBConv(Residual):\n"
    "    \"\"\"Inverted residual (MobileNetV2; EfficientNet's MBConv with se > 0):\n"
    "    [1x1 expand -> BN -> act] -> depthwise k x k (stride) -> BN -> act\n"
    "    -> [squeeze-excitation] -> 1x1 project -> BN, plus x when residual is\n"
    "    \"identity\"; no activation after the add.\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual, expand=True, se=0,\n"
    "                 drop_path=0.0):\n"
    "        super().__init__(residual, drop_path)\n"
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
    "        return self.add_shortcut(self.project(out), x)\n";

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
    "\n\nclass PaperMBConv(Residual):\n"
    "    \"\"\"The reference code's ResK1DWSEK1 (style paper): 1x1 expand -> BN -> act ->\n"
    "    depthwise k x k (stride) -> BN -> act -> [PaperSqueezeExcite] -> 1x1 project\n"
    "    -> BN, plus x (\"identity\") or its 2x2 average (\"avgpool\": strided, same\n"
    "    width), then act: unlike MBConv, the activation follows the add.\"\"\"\n\n"
    "    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual, se,\n"
    "                 se_act, expand=True, drop_path=0.0):\n"
    "        super().__init__(residual, drop_path)\n"
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
    "        return self.act(self.add_shortcut(self.project(out), x))\n";

/* ORDER DM_BLOCK */
static const char *const block_class[] = {"BasicBlock", "Bottleneck", "MBConv"};
static const char *const block_text[] = {py_basic, py_bottleneck, py_mbconv};
bool dmi_torch_paper_mbconv(const dm_block_info *bi) {
    return bi->kind == DM_BLOCK_MBCONV && dmi_act_after_add(bi);
}

const char *dmi_torch_block_class(const dm_block_info *bi) {
    return dmi_torch_paper_mbconv(bi) ? "PaperMBConv" : block_class[bi->kind];
}

void dmi_torch_blocks(dmi_buf *b, const dm_net *net) {
    int used[DM_BLOCK_COUNT] = {0}, shortcut = 0, se = 0, paper = 0, paper_se = 0;
    for (int32_t i = 0; i < dm_net_block_count(net); i++) {
        const dm_block_info *bi = dm_net_block(net, i);
        bool p = dmi_torch_paper_mbconv(bi);
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
