"""The exported PyTorch module as a deployable backbone (issue 16), against
PyTorch and torchvision themselves.

For every zoo net (64 px), the two edge-case designs and every `deepmad
design` preset in both styles (torchvision and paper, 64 px):
  - torch.jit.script compiles the module, plain and features_only, and the
    scripted module computes what the eager one does (random weights);
    torch.fx.symbolic_trace traces both, with the same outputs;
  - features_only: one map per stage end, each of feature_info's channels
    and input_size / reduction pixels; the maps are found independently by
    forward hooks on the stem and every superblock: the last output at each
    distinct resolution, and each is the output of feature_info's `module`;
    no head conv or classifier is built; out_indices picks (negative ones
    from the end) and feature_info follows;
  - num_classes and in_chans change the classifier and the stem;
  - drop_path_rate: the identity in eval, random in train (two passes
    differ, while without it they agree); drop_rate likewise; jit.trace
    (these for the nets in FULL);
  - zero_init_residual (the default): exactly the residual blocks' last BN
    (bn2, bn3 or project.bn by the documented key scheme) has weight 0.
For every torchvision net of the zoo: torchvision's own (randomised)
state_dict loads by name, strictly, and both compute the same outputs,
eager and scripted.  And the exported MLP scripts.

usage: /usr/bin/python3 test_export_backbone.py DEEPMAD_BINARY SOURCE_DIR
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402
ec.need("torchvision")  # exits 77 (skipped) when missing

import torch  # noqa: E402
import torchvision  # noqa: E402

# Where the constructor's other options (out_indices, num_classes, in_chans,
# drops) are checked too: one net of each block kind and style, the edge
# cases.  Every net is scripted, fx-traced and checked as a backbone.
FULL = {"resnet18@64", "efficientnet_b0@64", "mobilenet_v2@64", "deepmad-r18@64",
        "edge-resnetd", "edge-odd-strides", "design-b0-paper@64", "design-r50@64"}
TORCHVISION = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
               "mobilenet_v2", "efficientnet_b0"]
TOL = 1e-4


def export(binary, tmp, model, size, label, *more):
    path = os.path.join(tmp, "".join(ch if ch.isalnum() else "_" for ch in label) + ".py")
    ec.run(binary, "export", model, "--format", "torch", "-o", path, *ec.size_args(size), *more)
    return ec.import_file(path)


def close(a, b):
    scale = max(1.0, b.abs().max().item())
    return a.shape == b.shape and (a - b).abs().max().item() <= TOL * scale


def cases(binary, tmp):
    """ec.cases at 64 px only (the native sizes are test_export_torch's), plus
    every preset designed in the paper style."""
    out = [case for case in ec.cases(binary, tmp) if case[2] != None or  # noqa: E711
           case[0].startswith("edge-")]
    for label, path in ec.design_files(binary, tmp, "--style", "paper"):
        out.append((label + "-paper@%d" % ec.SMALL, path, ec.SMALL))
    return out


def stage_outputs(net, x):
    """net(x), and [(module name, output)] of the stem (before any max-pool)
    and each superblock, in forward order, by forward hooks."""
    seen, hooks = [], []
    named = [("stem", net.stem)] + [("stages.%d" % i, m) for i, m in enumerate(net.stages)]
    for name, m in named:
        hooks.append(m.register_forward_hook(
            lambda mod, inp, out, name=name: seen.append((name, out))))
    with torch.no_grad():
        out = net(x)
    for h in hooks:
        h.remove()
    return out, seen


def want_stage_ends(outputs):
    """The last output at each resolution, in order: the stage ends by the
    rule's definition, computed from what the module does."""
    ends = []
    for name, out in outputs:
        if ends and ends[-1][1].shape[-1] == out.shape[-1]:
            ends[-1] = (name, out)
        else:
            ends.append((name, out))
    return ends


def check_script_fx(c, label, net, x, want):
    """Scripted and fx-traced net against the eager output `want`."""
    with torch.no_grad():
        scripted = torch.jit.script(net)
        got = scripted(x)
        traced = torch.fx.symbolic_trace(net)(x)
    if isinstance(want, list):
        ok = len(got) == len(want) and all(close(g, w) for g, w in zip(got, want))
        ok_fx = len(traced) == len(want) and all(close(g, w) for g, w in zip(traced, want))
    else:
        ok, ok_fx = close(got, want), close(traced, want)
    c.check(ok, "%s: scripted output differs from eager" % label)
    c.check(ok_fx, "%s: fx-traced output differs from eager" % label)
    return scripted, want


def check_features(c, label, fnet, net, x, r, outputs):
    """features_only (fnet) against the stage outputs of the full module
    (same weights), seen by hooks."""
    fnet.load_state_dict({k: v for k, v in net.state_dict().items() if k in fnet.state_dict()})
    keys = fnet.state_dict().keys()
    c.check(not any(k.startswith(("head.", "classifier.")) for k in keys),
            "%s: features_only still builds the head or classifier" % label)
    info = fnet.feature_info
    with torch.no_grad():
        feats = fnet(x)
    scripted, _ = check_script_fx(c, label + " features_only", fnet, x, feats)
    ends = want_stage_ends(outputs)
    c.check([i["module"] for i in info] == [n for n, _ in ends],
            "%s: feature_info modules %s, stage ends %s" %
            (label, [i["module"] for i in info], [n for n, _ in ends]))
    ok = len(feats) == len(info) == len(ends)
    for f, i, (_, e) in zip(feats, info, ends):
        ok = ok and r % i["reduction"] == 0 and \
            tuple(f.shape) == (x.shape[0], i["num_chs"], r // i["reduction"], r // i["reduction"]) \
            and close(f, e)
    c.check(ok, "%s: feature maps %s vs feature_info %s" %
            (label, [tuple(f.shape) for f in feats], info))
    reds = [i["reduction"] for i in info]
    c.check(reds == sorted(set(reds)), "%s: reductions %s repeat or fall" % (label, reds))
    with torch.no_grad():  # without the head, the last stage end is the last map
        c.check(close(scripted.forward_features(x), feats[-1]),
                "%s: scripted forward_features differs" % label)
    return feats


def check_out_indices(c, label, mod, fnet, feats, x):
    info = fnet.feature_info
    n = len(info)
    sel = mod.DeepMADNet(features_only=True, out_indices=[0, -1]).eval()
    sel.load_state_dict(fnet.state_dict())
    with torch.no_grad():
        picked = sel(x)
    c.check(sel.feature_info == [info[0], info[n - 1]] and len(picked) == 2 and
            close(picked[0], feats[0]) and close(picked[1], feats[n - 1]),
            "%s: out_indices [0, -1] picked %s" % (label, sel.feature_info))
    for bad in ([n], [0, 0], []):
        try:
            mod.DeepMADNet(features_only=True, out_indices=bad)
            c.check(False, "%s: out_indices %s accepted" % (label, bad))
        except ValueError:
            c.check(True, "")


def check_constructor(c, label, mod, net, x, r):
    pooled = net.forward_features(x).shape[1]
    other = mod.DeepMADNet(num_classes=7, in_chans=2).eval()
    with torch.no_grad():
        out = other(torch.randn(2, 2, r, r))
    c.check(tuple(out.shape) == (2, 7) and other.stem.conv.in_channels == 2,
            "%s: num_classes=7, in_chans=2 gave %s" % (label, tuple(out.shape)))
    bare = mod.DeepMADNet(num_classes=0).eval()
    with torch.no_grad():
        out = torch.jit.script(bare)(x)
    c.check(tuple(out.shape) == (x.shape[0], pooled) and
            not any(k.startswith("classifier.") for k in bare.state_dict()),
            "%s: num_classes=0 gave %s, want (N, %d) pooled features" %
            (label, tuple(out.shape), pooled))


def check_drop(c, label, mod, net, x):
    """drop_path_rate and drop_rate: identity in eval, random in train.  BN
    uses batch statistics in train mode, which are the same for the same
    batch, so only the drops can make two passes differ."""
    x = torch.cat([x, -x])  # train-mode BN needs two values per channel
    sd = net.state_dict()
    plain = mod.DeepMADNet(num_classes=5)
    dropping = mod.DeepMADNet(num_classes=5, drop_rate=0.5, drop_path_rate=0.5)
    for m in (plain, dropping):  # same weights in both, classifier included
        m.load_state_dict({k: v for k, v in sd.items() if not k.startswith("classifier.")},
                          strict=False)
    dropping.classifier.load_state_dict(plain.classifier.state_dict())
    with torch.no_grad():
        ev = close(dropping.eval()(x), plain.eval()(x))
        torch.manual_seed(1)
        a, b = dropping.train()(x), dropping(x)
        p, q = plain.train()(x), plain(x)
    c.check(ev, "%s: drop_path / dropout change the eval output" % label)
    c.check(close(p, q), "%s: two train passes differ without drops" % label)
    c.check(not close(a, b), "%s: two train passes agree with drop_path_rate 0.5" % label)
    rates = [m.p for m in dropping.modules() if type(m).__name__ == "DropPath"]
    c.check(rates[0] == 0.0 and all(u < v for u, v in zip(rates, rates[1:])) and
            rates[-1] < 0.5, "%s: drop-path rates %s do not rise linearly below 0.5" %
            (label, rates[:3]))


def last_bn(block_prefix, keys):
    """The last BN of a block's residual branch, by the documented key
    scheme: project.bn (mbconv), else the highest bnK."""
    if block_prefix + "project.bn.weight" in keys:
        return block_prefix + "project.bn.weight"
    return max(k for k in keys if k.startswith(block_prefix + "bn"))


def check_zero_init(c, label, net):
    """`net` as constructed with the default zero_init_residual=True."""
    sd = net.state_dict()
    want = set()
    for name, m in net.named_modules():
        if name.count(".") == 2 and name.startswith("stages.") and m.has_residual:
            want.add(last_bn(name + ".", sd.keys()))
    zero = {k for k, v in sd.items() if k.endswith(".weight") and v.dim() == 1 and not v.any()}
    c.check(want and zero == want, "%s: zero_init_residual zeroed %d BNs, %d residual blocks"
            % (label, len(zero), len(want)))


def check_case(c, binary, tmp, label, model, size):
    mod = export(binary, tmp, model, size, label)
    r = size or ec.doc_size(mod.__name__)
    torch.manual_seed(0)
    net = mod.DeepMADNet().eval()
    fnet = mod.DeepMADNet(features_only=True).eval()
    want = ec.analyze(binary, model, size)
    c.check(sum(p.numel() for p in net.parameters()) == want["params"],
            "%s: params differ from analyze" % label)
    check_zero_init(c, label, net)
    ec.randomise(net)
    x = torch.randn(1, net.stem.conv.in_channels, r, r)
    out, outputs = stage_outputs(net, x)
    check_script_fx(c, label, net, x, out)
    feats = check_features(c, label, fnet, net, x, r, outputs)
    if label in FULL:
        with torch.no_grad():
            c.check(close(torch.jit.trace(net, x)(x), net(x)),
                    "%s: jit.trace output differs" % label)
        check_out_indices(c, label, mod, fnet, feats, x)
        check_constructor(c, label, mod, net, x, r)
        check_drop(c, label, mod, net, x)
    print("ok %s: stage ends at reductions %s" %
          (label, [i["reduction"] for i in fnet.feature_info]))
    sys.stdout.flush()


def check_torchvision(c, binary, tmp, name, size=64):
    torch.manual_seed(0)
    ref = getattr(torchvision.models, name)().eval()
    ec.randomise(ref)
    ours = export(binary, tmp, name, size, "tv_" + name).DeepMADNet().eval()
    ours.load_state_dict(ref.state_dict())  # strict: every key renamed, none missing
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        want = ref(x)
        got, scripted = ours(x), torch.jit.script(ours)(x)
    c.check(want.abs().max().item() > 0.1, "%s: outputs too small to compare" % name)
    c.check(close(got, want) and close(scripted, want),
            "%s: output differs from torchvision's by %g" % (name, (got - want).abs().max()))
    ours.load_state_dict(ours.state_dict())  # its own keys still load
    print("ok %s loads torchvision's state_dict (max |diff| %.2g)" %
          (name, (got - want).abs().max().item()))


def check_mlp(c, binary, tmp):
    path = os.path.join(tmp, "mlp.json")
    ec.run(binary, "design", "--family", "mlp", "--in-features", 32, "--out-features", 4,
           "--params", "10K", "-o", path)
    mod = export(binary, tmp, path, None, "mlp")
    net = mod.DeepMADMLP().eval()
    x = torch.randn(3, 32)
    with torch.no_grad():
        c.check(close(torch.jit.script(net)(x), net(x)), "MLP: scripted output differs")


def main():
    binary = sys.argv[1]
    c = ec.Checks()
    torch.set_num_threads(1)  # 2 cores, shared with the other tests
    with tempfile.TemporaryDirectory() as tmp:
        for label, model, size in cases(binary, tmp):
            try:
                check_case(c, binary, tmp, label, model, size)
            except Exception as e:  # a crash in one net is a failure, not the end
                c.check(False, "%s: %s: %s" % (label, type(e).__name__, e))
        for name in TORCHVISION:
            try:
                check_torchvision(c, binary, tmp, name)
            except Exception as e:
                c.check(False, "%s: %s: %s" % (name, type(e).__name__, e))
        check_mlp(c, binary, tmp)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
