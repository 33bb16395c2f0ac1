"""DeepMADNet: a convolutional network exported by deepmad 0.1.0.

Source: /work/main/experiments/fashion-mnist/designs/paper-rho-0.3.json
Input: float32 NCHW (N, 1, 28, 28).  Output: (N, 10) logits.

Metrics (as `deepmad analyze` reports them):
    params            68618
    MACs              7559760
    main-path layers  19
    rho               0.296693
    entropy           3080.71
    depth penalty     41.1325
    objective         3039.58

Blocks: style paper, the DeepMAD reference code's (SPEC section 8):
bottleneck = ResK1KXK1 (Bottleneck), mbconv = ResK1DWSEK1 (PaperMBConv).

state_dict keys (docs/export.md), equal to the ONNX initializer names, in the
order the reference code's CnnNet holds the same tensors:
    stem.conv.weight, stem.bn.*           the stem conv and its BatchNorm
    stages.S.B.*                          block B of superblock S:
        bottleneck: conv1, bn1, conv2, bn2, conv3, bn3,
                    [shortcut.conv, shortcut.bn]
        mbconv: expand.conv, expand.bn, dw.conv, dw.bn, se.fc1, se.bn1,
                se.fc2, se.bn2, project.conv, project.bn
    head.conv.weight, head.bn.*           the 1x1 head conv
    classifier.weight, classifier.bias    the linear classifier
where bn.* is weight, bias, running_mean, running_var, num_batches_tracked.

Needs only torch:
    model = DeepMADNet()   # or DeepMADNet(zero_init_residual=True)
    out = model(torch.randn(1, 1, 28, 28))
"""

import torch
from torch import nn


def make_act(name):
    """The activation module a design names."""
    return {"relu": nn.ReLU, "relu6": nn.ReLU6, "silu": nn.SiLU}[name]()


def conv(c_in, c_out, kernel, stride=1, groups=1):
    """k x k convolution with padding k // 2 and no bias (a BatchNorm follows)."""
    return nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False)


class ConvBNAct(nn.Module):
    """conv -> BatchNorm2d -> activation (none when act is None)."""

    def __init__(self, c_in, c_out, kernel, stride=1, groups=1, act=None):
        super().__init__()
        self.conv = conv(c_in, c_out, kernel, stride, groups)
        self.bn = nn.BatchNorm2d(c_out)
        self.act = make_act(act) if act else nn.Identity()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))



def add_residual(block, out, x):
    """out plus the block's shortcut of x, by its residual form."""
    if block.residual == "none":
        return out
    return out + (block.shortcut(x) if block.shortcut is not None else x)


class Shortcut(nn.Module):
    """Projection for a residual whose shape changes: 1x1 conv (stride) -> BN, or,
    with pool > 1 (ResNet-D), AvgPool2d(pool) -> stride-1 1x1 conv -> BN."""

    def __init__(self, c_in, c_out, stride=1, pool=1):
        super().__init__()
        self.pool = (nn.AvgPool2d(pool, pool, ceil_mode=True, count_include_pad=False)
                     if pool > 1 else nn.Identity())
        self.conv = conv(c_in, c_out, 1, stride)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return self.bn(self.conv(self.pool(x)))


def make_shortcut(residual, c_in, c_out, stride):
    """The projection of a residual form, or None for \"identity\" and \"none\"."""
    if residual == "conv":
        return Shortcut(c_in, c_out, stride)
    if residual == "avgpool-conv":
        return Shortcut(c_in, c_out, 1, pool=stride)
    return None


class Bottleneck(nn.Module):
    """ResNet bottleneck (v1.5, stride on the k x k conv): 1x1 -> BN -> act ->
    k x k (stride) -> BN -> act -> 1x1 -> BN, plus the shortcut, then act."""

    def __init__(self, c_in, inner, c_out, kernel, stride, act, residual):
        super().__init__()
        self.residual = residual
        self.conv1 = conv(c_in, inner, 1)
        self.bn1 = nn.BatchNorm2d(inner)
        self.conv2 = conv(inner, inner, kernel, stride)
        self.bn2 = nn.BatchNorm2d(inner)
        self.conv3 = conv(inner, c_out, 1)
        self.bn3 = nn.BatchNorm2d(c_out)
        self.act = make_act(act)
        self.shortcut = make_shortcut(residual, c_in, c_out, stride)

    def last_bn(self):
        return self.bn3

    def forward(self, x):
        out = self.act(self.bn1(self.conv1(x)))
        out = self.act(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.act(add_residual(self, out, x))


class DeepMADNet(nn.Module):
    """The exported network; see the module docstring."""

    def __init__(self, zero_init_residual=False):
        super().__init__()
        self.stem = ConvBNAct(1, 32, 3, 1, act="relu")
        self.stages = nn.Sequential(
            # superblock 0: 1 x bottleneck, 32 -> 32 channels, 28 -> 28 px
            nn.Sequential(
                Bottleneck(32, 16, 32, kernel=3, stride=1, act="relu", residual="avgpool-conv"),
            ),
            # superblock 1: 1 x bottleneck, 32 -> 32 channels, 28 -> 14 px
            nn.Sequential(
                Bottleneck(32, 16, 32, kernel=3, stride=2, act="relu", residual="avgpool-conv"),
            ),
            # superblock 2: 4 x bottleneck, 32 -> 200 channels, 14 -> 7 px
            nn.Sequential(
                Bottleneck(32, 16, 200, kernel=5, stride=2, act="relu", residual="avgpool-conv"),
                Bottleneck(200, 16, 200, kernel=5, stride=1, act="relu", residual="identity"),
                Bottleneck(200, 16, 200, kernel=5, stride=1, act="relu", residual="identity"),
                Bottleneck(200, 16, 200, kernel=5, stride=1, act="relu", residual="identity"),
            ),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(200, 10)
        self.reset_parameters(zero_init_residual)

    def reset_parameters(self, zero_init_residual=False):
        """Conventional initialisation (torchvision's): convs Kaiming-normal
        (fan-out, ReLU gain) with zero bias, BN weight 1 and bias 0, the
        classifier N(0, 0.01) with zero bias.  With zero_init_residual the
        last BN of every residual branch starts at weight 0, so each residual
        block starts as the identity (Goyal et al., 2017)."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 0.01)
                nn.init.zeros_(m.bias)
        if zero_init_residual:
            for m in self.modules():
                if getattr(m, "residual", "none") != "none":
                    nn.init.zeros_(m.last_bn().weight)

    def forward(self, x):
        x = self.stem(x)
        x = self.stages(x)
        x = torch.flatten(self.pool(x), 1)
        x = self.classifier(x)
        return x
