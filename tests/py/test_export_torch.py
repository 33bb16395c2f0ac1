"""`deepmad export --format torch` against PyTorch itself (Debian's python3-torch).

For every zoo net (at 64 px, and three at their native size), two hand-made
edge-case designs and every `deepmad design` preset: the exported file
imports with only torch, its parameter count equals `deepmad analyze`'s
"params", MACs counted by forward hooks equal "macs", the output is
(N, classes) -- or (N, features) without a classifier -- for N = 1 and 3,
and every state_dict key follows the documented scheme.

Independent of deepmad's own arithmetic, the torchvision nets are checked
against torchvision: the exported module's parameters have torchvision's
shapes in torchvision's order, and with torchvision's (randomised) weights
copied in, both compute the same outputs.

usage: /usr/bin/python3 test_export_torch.py DEEPMAD_BINARY SOURCE_DIR
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402
ec.need("torchvision")  # exits 77 (skipped) when missing

import torch  # noqa: E402
import torchvision  # noqa: E402

TORCHVISION = ["resnet18", "resnet50", "mobilenet_v2", "efficientnet_b0"]


def export(binary, tmp, model, size, label):
    path = os.path.join(tmp, label.replace("@", "_").replace("-", "_") + ".py")
    ec.run(binary, "export", model, "--format", "torch", "-o", path, *ec.size_args(size))
    return path


def check_net(c, binary, tmp, label, model, size):
    want = ec.analyze(binary, model, size)
    mod = ec.import_file(export(binary, tmp, model, size, label))
    net = mod.DeepMADNet().eval()
    params = sum(p.numel() for p in net.parameters())
    c.check(params == want["params"], "%s: params %d, analyze says %d" %
            (label, params, want["params"]))
    ch, r = net.stem.conv.in_channels, size or ec.doc_size(mod.__name__)
    width = net.classifier.out_features if net.classifier is not None else None
    for n in (1, 3):
        macs, out = ec.count_macs(net, torch.randn(n, ch, r, r))
        c.check(macs == want["macs"], "%s: N=%d MACs %d, analyze says %d" %
                (label, n, macs, want["macs"]))
        shape_ok = out.dim() == 2 and out.shape[0] == n and \
            (width is None or out.shape[1] == width) and torch.isfinite(out).all()
        c.check(shape_ok, "%s: N=%d output shape %s" % (label, n, tuple(out.shape)))
    bad = [k for k in net.state_dict() if not ec.KEY_RE.match(k)]
    c.check(not bad, "%s: keys outside the documented scheme: %s" % (label, bad[:5]))
    print("ok %s: %d params, %d MACs at %d px" % (label, params, want["macs"], r))


def check_torchvision(c, binary, tmp, name, size=64):
    """Same parameter shapes in the same order as torchvision, and the same
    outputs with torchvision's weights (randomised BN statistics included)."""
    torch.manual_seed(0)
    ref = getattr(torchvision.models, name)().eval()
    ours = ec.import_file(export(binary, tmp, name, size, "tv_" + name)).DeepMADNet().eval()
    a, b = list(ref.state_dict().items()), list(ours.state_dict().items())
    shapes_ok = [v.shape for _, v in a] == [v.shape for _, v in b]
    c.check(shapes_ok, "%s: state_dict shapes/order differ from torchvision" % name)
    if not shapes_ok:
        return
    with torch.no_grad():
        ec.randomise(ref)
        # by name: the exported module renames torchvision's keys itself
        ours.load_state_dict(ref.state_dict())
        x = torch.randn(2, 3, size, size)
        want = ref(x)
        diff = (want - ours(x)).abs().max().item()
    scale = want.abs().max().item()
    c.check(scale > 0.1, "%s: outputs too small to compare (%g)" % (name, scale))
    c.check(diff <= 1e-4 * max(1.0, scale), "%s: output differs from torchvision by %g" % (name, diff))
    print("ok %s equals torchvision (max |diff| %.2g, max |output| %.3g)" % (name, diff, scale))


def check_zero_init(c, binary, tmp):
    """zero_init_residual zeroes exactly each residual branch's last BN."""
    mod = ec.import_file(export(binary, tmp, "resnet18", 64, "zi"))
    net = mod.DeepMADNet()  # zero_init_residual=True is the default
    zero = sorted(k for k, v in net.state_dict().items()
                  if k.endswith("weight") and v.dim() == 1 and not v.any())
    want = sorted("stages.%d.%d.bn2.weight" % (s, b) for s in range(4) for b in range(2))
    c.check(zero == want, "zero_init_residual zeroed %s" % zero)
    plain = mod.DeepMADNet(zero_init_residual=False)
    c.check(all(v.any() for k, v in plain.state_dict().items() if k.endswith("bn2.weight")),
            "zero_init_residual=False zeroes a BN weight")


def main():
    binary = sys.argv[1]
    c = ec.Checks()
    with tempfile.TemporaryDirectory() as tmp:
        for label, model, size in ec.cases(binary, tmp):
            try:
                check_net(c, binary, tmp, label, model, size)
            except Exception as e:  # a crash in one net is a failure, not the end
                c.check(False, "%s: %s: %s" % (label, type(e).__name__, e))
        for name in TORCHVISION:
            check_torchvision(c, binary, tmp, name)
        check_zero_init(c, binary, tmp)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
