"""Paper-style exports against the network the paper's reference code builds.

tests/py/paper_ref.py is an independent PyTorch model of the reference
code's CnnNet (written from SPEC section 8, not from deepmad's C code).
This test checks, for every published net (data/tinynas/*.txt) and three
small paper-style designs of its own:

  a. the model's parameter count equals SPEC section 8's table (published
     nets, 1000-class Linear with bias included);
  b. `deepmad export FILE --format torch` builds the same network: the same
     parameter count, `deepmad analyze --json` params equal to it and MACs
     equal to forward-hook MACs of the model (SPEC section 6: every conv
     and Linear, SE included), the same state tensor shapes in the same
     order, and -- with the model's randomised weights (BN statistics
     included) loaded positionally -- the same outputs in eval mode;
  c. a design's `--format tinynas` file is the structure written out here
     by hand, and the model built from it equals the design's own torch
     export (design file -> the paper's format -> the paper's network);
  d. `--format onnx` of the small designs and two published nets passes
     onnx.checker (full check), its initializer names are the torch
     module's state_dict keys, and onnxruntime-node computes the model's
     outputs with the file's weights (skipped, exit 77 after the other
     checks pass, when onnxruntime-node is missing; see test_export_onnx.py).

The published nets are compared at 64 px (their total stride is 32), the
small designs at their own 32..48 px.

usage: /usr/bin/python3 test_export_paper.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402  (exits 77 without numpy or torch)
ec.need("onnx")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402

import paper_ref  # noqa: E402

# SPEC section 8: params of the reference code's nets, with a 1000-class
# Linear classifier with bias.
SPEC_PARAMS = {
    "deepmad-R18": 11826088,
    "deepmad-R50": 25441144,
    "deepmad-29M-224": 28669956,
    "deepmad-29M-288": 28703630,
    "deepmad-50M": 49408964,
    "deepmad-89M": 88325780,
}
# The other published file, compared with the model but not with SPEC.
OTHERS = ["deepmad-R34"]
SIZE = 64          # published nets: total stride 32 divides it
TOL = 1e-4         # relative to max(1, max |output|)
ONNX_PUBLISHED = ["deepmad-R18", "deepmad-29M-224"]


def design(size, stem, superblocks, head, classes):
    return {"format": "deepmad-arch", "version": 1, "style": "paper",
            "input": {"channels": 3, "size": size},
            "stem": {"out": stem[0], "kernel": stem[1], "stride": stem[2], "maxpool": False,
                     "act": "relu"},
            "superblocks": [dict(zip(("block", "out", "depth", "kernel", "stride", "inner"), s),
                                 **({"se": True, "act": "silu"} if s[0] == "mbconv"
                                    else {"act": "relu"}))
                            for s in superblocks],
            "head": {"out": head, "act": "relu"} if head else None,
            "classes": classes}


def conv(c_in, k, c_out, s):
    return {"class": "ConvKXBNRELU", "in": c_in, "k": k, "out": c_out, "s": s}


def sb(cls, depth, btn, c_in, k, c_out, s):
    name = {"bottleneck": "ResK1KXK1", "mbconv": "ResK1DWSEK1"}[cls]
    return {"L": depth, "btn": btn, "class": "Super" + name, "in": c_in, "inner_class": name,
            "k": k, "out": c_out, "s": s}


# Small designs with the cases the published nets lack, and the reference
# structure each must become (written by hand from the design).
SMALL = {
    # block 0 of superblock 0: mbconv, c_in == c_out at stride 1 (identity
    # residual, expand conv though inner is 3x); superblock 2: c_in == c_out
    # at stride 2 (the average-pool residual)
    "paper-mbconv": (
        design(32, (16, 3, 2), [("mbconv", 16, 2, 3, 1, 48), ("mbconv", 24, 2, 5, 2, 64),
                                ("mbconv", 24, 1, 3, 2, 72)], 64, 10),
        [conv(3, 3, 16, 2), sb("mbconv", 2, 48, 16, 3, 16, 1), sb("mbconv", 2, 64, 16, 5, 24, 2),
         sb("mbconv", 1, 72, 24, 3, 24, 2), conv(24, 1, 64, 1)]),
    # bottleneck block 0 with c_in == c_out at stride 1 (the forced
    # projection), and at stride 2 (pool + projection); no head
    "paper-bottleneck": (
        design(32, (16, 3, 1), [("bottleneck", 16, 2, 3, 1, 8), ("bottleneck", 32, 2, 5, 2, 16),
                                ("bottleneck", 32, 1, 3, 2, 8)], 0, 10),
        [conv(3, 3, 16, 1), sb("bottleneck", 2, 8, 16, 3, 16, 1),
         sb("bottleneck", 2, 16, 16, 5, 32, 2), sb("bottleneck", 1, 8, 32, 3, 32, 2)]),
    # both kinds in one net, an mbconv inner width equal to its input
    # (the paper style still expands), an SE width rounding to 8
    "paper-mixed": (
        design(48, (8, 3, 2), [("bottleneck", 24, 2, 3, 2, 12), ("mbconv", 24, 2, 5, 1, 24),
                               ("mbconv", 40, 1, 3, 2, 120)], 96, 5),
        [conv(3, 3, 8, 2), sb("bottleneck", 2, 12, 8, 3, 24, 2), sb("mbconv", 2, 24, 24, 5, 24, 1),
         sb("mbconv", 1, 120, 24, 3, 40, 2), conv(40, 1, 96, 1)]),
}


def export(binary, tmp, model, fmt, label, size=None, *extra):
    path = os.path.join(tmp, "%s.%s" % (label, {"torch": "py"}.get(fmt, fmt)))
    ec.run(binary, "export", model, "--format", fmt, "-o", path, *ec.size_args(size), *extra)
    return path


def ours(binary, tmp, model, label, size=None, *extra):
    path = export(binary, tmp, model, "torch", label, size, *extra)
    return ec.import_file(path).DeepMADNet().eval()


def shapes(net):
    return [tuple(v.shape) for v in net.state_dict().values()]


def load_positionally(dst, src):
    """dst gets src's state tensors in order (names ignored)."""
    keys = list(dst.state_dict())
    dst.load_state_dict(dict(zip(keys, src.state_dict().values())))


def count(net):
    return sum(p.numel() for p in net.parameters())


def compare(c, label, ref, net, size, want):
    """b: params, analyze's params and MACs, tensor order, outputs."""
    p_ref, p_net = count(ref), count(net)
    c.check(p_net == p_ref, "%s: export has %d params, the reference model %d" %
            (label, p_net, p_ref))
    c.check(want["params"] == p_ref, "%s: analyze says %d params, the reference model %d" %
            (label, want["params"], p_ref))
    macs, _ = ec.count_macs(ref, torch.zeros(1, 3, size, size))
    c.check(want["macs"] == macs, "%s: analyze says %d MACs at %d px, hooks on the reference "
            "model count %d" % (label, want["macs"], size, macs))
    same = shapes(ref) == shapes(net)
    c.check(same, "%s: state tensor shapes/order differ from the reference model "
            "(%d vs %d tensors)" % (label, len(shapes(ref)), len(shapes(net))))
    if not same:
        return None
    gen = torch.Generator().manual_seed(13)
    ref.randomise(gen)
    load_positionally(net, ref)
    x = torch.randn(2, 3, size, size, generator=gen)
    with torch.no_grad():
        y_ref, y_net = ref(x), net(x)
    scale = y_ref.abs().max().item()
    diff = (y_ref - y_net).abs().max().item()
    c.check(scale > 1e-2, "%s: outputs too small to compare (%g)" % (label, scale))
    c.check(diff <= TOL * max(1.0, scale), "%s: outputs differ by %g (max |output| %g)" %
            (label, diff, scale))
    print("ok %s: %d params, %d MACs at %d px, %d tensors in order, max |diff| %.2g "
          "(max |output| %.3g)" % (label, p_ref, macs, size, len(shapes(ref)), diff, scale))
    return diff


def check_published(c, binary, tmp, src, name):
    path = os.path.join(src, "data", "tinynas", name + ".txt")
    ref = paper_ref.RefNet(paper_ref.read_structure(path), 1000).eval()
    if name in SPEC_PARAMS:
        c.check(count(ref) == SPEC_PARAMS[name], "%s: the reference model has %d params, "
                "SPEC section 8 says %d" % (name, count(ref), SPEC_PARAMS[name]))
    net = ours(binary, tmp, path, name, SIZE)
    compare(c, name, ref, net, SIZE, ec.analyze(binary, path, SIZE))


def check_small(c, binary, tmp, label, arch, structure):
    """b and c for one design: its tinynas file is `structure`; the model
    of that file equals the design's torch export, and the tinynas file's
    own torch export is the same module."""
    path = os.path.join(tmp, label + ".json")
    with open(path, "w") as f:
        json.dump(arch, f)
    txt = export(binary, tmp, path, "tinynas", label)
    got = paper_ref.read_structure(txt)
    c.check(got == structure, "%s: tinynas export %s, want %s" % (label, got, structure))
    size, classes = arch["input"]["size"], arch["classes"]
    ref = paper_ref.RefNet(got, classes).eval()
    net = ours(binary, tmp, path, label)
    compare(c, label, ref, net, size, ec.analyze(binary, path))
    # the format records neither resolution nor classes: given here
    back = ours(binary, tmp, txt, label + "_back", size, "--classes", classes)
    c.check(shapes(back) == shapes(net) and list(back.state_dict()) == list(net.state_dict()),
            "%s: the tinynas file's torch export differs from the design's" % label)
    return path


def check_onnx(c, env, binary, tmp, label, model, structure, size, classes):
    """d: checker, names, and onnxruntime's output against the model with
    the file's weights (through the torch module: by name, then by
    position)."""
    path = export(binary, tmp, model, "onnx", label, size)
    onnx.checker.check_model(path, full_check=True)
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    net = ours(binary, tmp, model, label + "_onnx", size)
    sd = net.state_dict()
    keys = {k for k in sd if not k.endswith("num_batches_tracked")}
    c.check(set(inits) == keys, "%s: ONNX initializers != state_dict keys: %s" %
            (label, sorted(set(inits) ^ keys)[:6]))
    if set(inits) != keys or env is None:
        return
    net.load_state_dict({k: torch.from_numpy(inits[k].copy()) if k in inits else v
                         for k, v in sd.items()})
    ref = paper_ref.RefNet(structure, classes).eval()
    load_positionally(ref, net)
    x = np.random.RandomState(5).randn(2, 3, size, size).astype(np.float32)
    with torch.no_grad():
        want = ref(torch.from_numpy(x)).numpy()
    y = ec.ort_run(env, tmp, path, [x])[0]
    scale = float(np.abs(want).max())
    diff = float(np.abs(want - y).max()) if want.shape == y.shape else float("inf")
    c.check(scale > 1e-2, "%s: ONNX outputs too small to compare (%g)" % (label, scale))
    c.check(diff <= TOL * max(1.0, scale), "%s: onnxruntime differs from the reference model "
            "by %g (max |output| %g)" % (label, diff, scale))
    print("ok %s ONNX: checker, %d initializers, onnxruntime vs reference model max |diff| "
          "%.2g (max |output| %.3g)" % (label, len(inits), diff, scale))


def main():
    binary, src = sys.argv[1], sys.argv[2]
    c = ec.Checks()
    env = ec.node_env()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    with tempfile.TemporaryDirectory() as tmp:
        for name in list(SPEC_PARAMS) + OTHERS:
            try:
                check_published(c, binary, tmp, src, name)
            except Exception as e:  # one net's crash is a failure, not the end
                c.check(False, "%s: %s: %s" % (name, type(e).__name__, e))
        for label, (arch, structure) in SMALL.items():
            try:
                path = check_small(c, binary, tmp, label, arch, structure)
                check_onnx(c, env, binary, tmp, label, path, structure,
                           arch["input"]["size"], arch["classes"])
            except Exception as e:
                c.check(False, "%s: %s: %s" % (label, type(e).__name__, e))
        for name in ONNX_PUBLISHED:
            path = os.path.join(src, "data", "tinynas", name + ".txt")
            try:
                check_onnx(c, env, binary, tmp, name, path, paper_ref.read_structure(path),
                           SIZE, 1000)
            except Exception as e:
                c.check(False, "%s ONNX: %s: %s" % (name, type(e).__name__, e))
    rc = c.finish()
    if rc == 0 and env is None:
        print("SKIP: onnxruntime-node not found, the ONNX outputs were not compared "
              "(`npm install -g --ignore-scripts onnxruntime-node@1.30.0` or DM_ORT_NODE_DIR)")
        return ec.SKIP
    return rc


if __name__ == "__main__":
    sys.exit(main())
