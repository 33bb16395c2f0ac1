"""An independent PyTorch model of the network the DeepMAD reference code
(alibaba/lightweight-neural-architecture-search, tinynas/deploy/cnnnet)
builds from a structure file, written from SPEC section 8 and the rules in
docs/tinynas-format.md -- not from deepmad's C code, and not a copy of the
reference's Python.  tests/py/test_export_paper.py compares deepmad's
exports against it.

What it models (facts of the reference code):
  * the file is read as the reference reads it: its lines stripped and
    joined, then ast.literal_eval; the structure is best_structures[0];
  * ConvKXBNRELU: k x k conv (padding (k-1)//2, no bias) -> BN -> ReLU;
  * SuperResK1KXK1 / SuperResK1DWSEK1: L blocks; block 0 has the given
    in, out and stride, the others out -> out at stride 1; all share btn;
  * ResK1KXK1 (ReLU): 1x1 -> BN -> act -> k x k (stride) -> BN -> act ->
    1x1 -> BN; plus the residual: 2x2/2 average pool when strided, then a
    1x1 conv + BN when in != out or in block 0 (the forced projection);
    then act;
  * ResK1DWSEK1 (SiLU): 1x1 expand -> BN -> act -> depthwise k x k (stride)
    -> BN -> act -> SE -> 1x1 project -> BN; plus the residual only when
    in == out (x, or its 2x2/2 average when strided); then act (with or
    without a residual);
  * SE on width B: average over space -> 1x1 conv B -> S (no bias) -> BN ->
    SiLU -> 1x1 conv S -> B (no bias) -> BN -> sigmoid -> times the input,
    S = max(1, round(B * 0.25) // 8) * 8 (Python's round);
  * the classifier: global average pool, flatten, Linear(out, classes)
    with bias.

Tensors are registered in the reference's order: per block conv1 (conv,
BN), conv2, [SE: conv1, BN, conv2, BN], conv3, then the projection (conv,
BN); the stem first, a head conv last, the Linear after everything.
Module names here are this file's own.

Not a test itself (CTest runs tests/py/test_*.py only).
"""
import ast

import torch
from torch import nn


def read_structure(path):
    """The block list of a reference-format file, read the reference's way."""
    with open(path) as f:
        text = "".join(line.strip() for line in f)
    return ast.literal_eval(text)["best_structures"][0]


def se_width(b):
    return max(1, round(b * 0.25) // 8) * 8


class ConvBN(nn.Module):
    """conv (no bias) -> BN; groups for the depthwise conv."""

    def __init__(self, c_in, c_out, k, stride=1, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, stride, (k - 1) // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return self.bn(self.conv(x))


class ConvBNReLU(ConvBN):
    def forward(self, x):
        return torch.relu(super().forward(x))


class SE(nn.Module):
    def __init__(self, width):
        super().__init__()
        s = se_width(width)
        self.squeeze = ConvBN(width, s, 1)
        self.excite = ConvBN(s, width, 1)

    def forward(self, x):
        w = x.mean(dim=(2, 3), keepdim=True)
        w = self.excite(nn.functional.silu(self.squeeze(w)))
        return x * torch.sigmoid(w)


def pool2(x):
    return nn.functional.avg_pool2d(x, 2, 2)


class K1KXK1(nn.Module):
    """ResK1KXK1; `forced` is block 0's forced projection."""

    def __init__(self, c_in, c_out, btn, k, stride, forced):
        super().__init__()
        self.stride = stride
        self.a = ConvBN(c_in, btn, 1)
        self.b = ConvBN(btn, btn, k, stride)
        self.c = ConvBN(btn, c_out, 1)
        self.proj = ConvBN(c_in, c_out, 1) if (c_in != c_out or forced) else None

    def residual_last_bn(self):
        return self.c.bn

    def forward(self, x):
        y = self.c(torch.relu(self.b(torch.relu(self.a(x)))))
        r = pool2(x) if self.stride == 2 else x
        if self.proj is not None:
            r = self.proj(r)
        return torch.relu(y + r)


class K1DWSEK1(nn.Module):
    """ResK1DWSEK1."""

    def __init__(self, c_in, c_out, btn, k, stride):
        super().__init__()
        self.stride = stride
        self.add = c_in == c_out
        self.a = ConvBN(c_in, btn, 1)
        self.b = ConvBN(btn, btn, k, stride, groups=btn)
        self.se = SE(btn)
        self.c = ConvBN(btn, c_out, 1)

    def residual_last_bn(self):
        return self.c.bn if self.add else None

    def forward(self, x):
        act = nn.functional.silu
        y = self.c(self.se(act(self.b(act(self.a(x))))))
        if self.add:
            y = y + (pool2(x) if self.stride == 2 else x)
        return act(y)


BLOCKS = {"SuperResK1KXK1": K1KXK1, "SuperResK1DWSEK1": K1DWSEK1}


class RefNet(nn.Module):
    """The reference's network for a structure (a list of block dicts),
    with a `classes`-way Linear (classes 0: the pooled features)."""

    def __init__(self, structure, classes=1000):
        super().__init__()
        layers = []
        for d in structure:
            if d["class"] == "ConvKXBNRELU":
                layers.append(ConvBNReLU(d["in"], d["out"], d["k"], d["s"]))
                continue
            for i in range(d["L"]):
                c_in, stride = (d["in"], d["s"]) if i == 0 else (d["out"], 1)
                if d["class"] == "SuperResK1KXK1":
                    layers.append(K1KXK1(c_in, d["out"], d["btn"], d["k"], stride, i == 0))
                elif d["class"] == "SuperResK1DWSEK1":
                    layers.append(K1DWSEK1(c_in, d["out"], d["btn"], d["k"], stride))
                else:
                    raise ValueError("unknown class %r" % d["class"])
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(structure[-1]["out"], classes) if classes else None

    def forward(self, x):
        x = torch.flatten(self.body(x).mean(dim=(2, 3), keepdim=True), 1)
        return self.fc(x) if self.fc is not None else x

    def randomise(self, gen):
        """Weights that keep activations of order 1 through any depth:
        Kaiming-uniform convs and Linear, random BN statistics, and a small
        last BN on each residual branch (so many residual adds stay
        bounded)."""
        small = {id(m.residual_last_bn()) for m in self.body
                 if hasattr(m, "residual_last_bn") and m.residual_last_bn() is not None}
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    fan_in = m.weight[0].numel()
                    a = (6.0 / fan_in) ** 0.5
                    m.weight.copy_(torch.empty_like(m.weight).uniform_(-a, a, generator=gen))
                    if m.bias is not None:
                        b = fan_in ** -0.5
                        m.bias.copy_(torch.empty_like(m.bias).uniform_(-b, b, generator=gen))
                elif isinstance(m, nn.BatchNorm2d):
                    lo, hi = (0.0, 0.25) if id(m) in small else (0.5, 1.5)
                    m.weight.copy_(torch.empty_like(m.weight).uniform_(lo, hi, generator=gen))
                    m.bias.copy_(torch.empty_like(m.bias).uniform_(-0.1, 0.1, generator=gen))
                    m.running_mean.copy_(
                        torch.empty_like(m.running_mean).uniform_(-0.1, 0.1, generator=gen))
                    m.running_var.copy_(
                        torch.empty_like(m.running_var).uniform_(0.5, 1.5, generator=gen))
