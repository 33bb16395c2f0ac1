"""`deepmad export --format onnx` against the real consumers.

For every zoo net (at 64 px, three also at native size), two hand-made
edge-case designs and every `deepmad design` preset:
  - Debian's python3-onnx: onnx.checker.check_model(full_check=True), which
    includes strict shape inference; input "input" (N, C, R, R) with N
    dynamic, output "logits" (N, classes) or "features" (read from shape
    inference on the --no-weights file, the same graph without weights);
  - the initializer names are exactly the exported PyTorch module's
    state_dict keys (plus the two Clip bounds where relu6 is used);
  - onnxruntime-node runs the file for N = 1 and 3, and its output equals the
    PyTorch module's, loaded with the file's weights by name, within 1e-4;
  - the --no-weights file passes the checker too, with the weights as
    graph inputs.
And: the same export twice is the same bytes, another --seed other weights,
--opset 17 runs too.

onnxruntime-node comes from npm, installed without its download step:
    npm install -g --ignore-scripts onnxruntime-node@1.30.0
(or anywhere, with DM_ORT_NODE_DIR naming the folder holding its
node_modules).

usage: /usr/bin/python3 test_export_onnx.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402
ec.need("onnx")  # exits 77 (skipped) when missing

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper, shape_inference  # noqa: E402

TOL = 1e-4


def dims_of(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def check_structure(c, label, path, want_name, width):
    """Checker and strict shape inference on the file at `path`; its input
    and output names and shapes."""
    onnx.checker.check_model(path, full_check=True)
    g = shape_inference.infer_shapes(onnx.load(path), check_type=True, strict_mode=True).graph
    inp, out = dims_of(g.input[0]), dims_of(g.output[0])
    c.check(g.input[0].name == "input" and len(inp) == 4 and inp[0] == "N",
            "%s: input %s %s" % (label, g.input[0].name, inp))
    c.check(g.output[0].name == want_name and out == ["N", width],
            "%s: output %s %s, want %s (N, %d)" % (label, g.output[0].name, out, want_name,
                                                   width))
    return g


def load_torch(binary, tmp, model, size):
    path = os.path.join(tmp, "m.py")
    ec.run(binary, "export", model, "--format", "torch", "-o", path, *ec.size_args(size))
    return ec.import_file(path).DeepMADNet().eval()


def load_weights(c, label, net, onnx_model):
    """Copy the file's initializers into the module by name; the names must
    be exactly its state_dict keys.  Returns the keys."""
    inits = {t.name: numpy_helper.to_array(t) for t in onnx_model.graph.initializer}
    sd = net.state_dict()
    keys = {k for k in sd if not k.endswith("num_batches_tracked")}
    consts = {k for k in inits if k.startswith("const.")}
    c.check(set(inits) - consts == keys, "%s: initializers != state_dict keys: %s" %
            (label, sorted(set(inits) ^ keys)[:6]))
    c.check(consts in (set(), {"const.relu6_min", "const.relu6_max"}),
            "%s: extra constants %s" % (label, consts))
    net.load_state_dict({k: torch.from_numpy(inits[k].copy()) if k in inits else v
                         for k, v in sd.items()})
    return keys


def check_net(c, env, binary, tmp, label, model, size):
    path = os.path.join(tmp, "m.onnx")
    ec.run(binary, "export", model, "--format", "onnx", "-o", path, *ec.size_args(size))
    onnx_model = onnx.load(path)
    net = load_torch(binary, tmp, model, size)
    keys = load_weights(c, label, net, onnx_model)
    c_in, r = net.stem.conv.in_channels, ec.doc_size(net.__class__.__module__)
    rng = np.random.RandomState(0)
    xs = [rng.randn(n, c_in, r, r).astype(np.float32) for n in (1, 3)]
    with torch.no_grad():
        wants = [net(torch.from_numpy(x)).numpy() for x in xs]
    # The full checker (with strict shape inference) on the file with its
    # weights; the output shape from inference on the same graph without.
    onnx.checker.check_model(path, full_check=True)
    name = "logits" if net.classifier is not None else "features"
    check_no_weights(c, binary, tmp, label, model, size, keys, name, wants[0].shape[1])
    for x, want, y in zip(xs, wants, ec.ort_run(env, tmp, path, xs)):
        diff = float(np.abs(want - y).max()) if want.shape == y.shape else float("inf")
        c.check(diff <= TOL, "%s: N=%d onnxruntime %s vs torch %s, max |diff| %g" %
                (label, x.shape[0], y.shape, want.shape, diff))
    scale = float(np.abs(wants[1]).max())
    c.check(scale > 1e-2, "%s: outputs too small to compare (%g)" % (label, scale))
    print("ok %s: %d weights, max |output| %.3g, max |diff| %.2g" %
          (label, len(keys), scale, diff))


def check_no_weights(c, binary, tmp, label, model, size, keys, name, width):
    """The --no-weights file: checker, shapes, the weights as graph inputs."""
    path = os.path.join(tmp, "nw.onnx")
    ec.run(binary, "export", model, "--format", "onnx", "--no-weights", "-o", path,
           *ec.size_args(size))
    g = check_structure(c, label + " --no-weights", path, name, width)
    names = [i.name for i in g.input]
    c.check(names[0] == "input" and set(names[1:]) == keys and
            all(t.name.startswith("const.") for t in g.initializer),
            "%s: --no-weights inputs/initializers wrong" % label)


def check_seeds(c, binary, tmp):
    def export(*extra):
        path = os.path.join(tmp, "s.onnx")
        ec.run(binary, "export", "resnet18", "--input-size", "64", "-o", path, *extra)
        with open(path, "rb") as f:
            return f.read()
    a, b, d = export(), export(), export("--seed", "18446744073709551615")
    c.check(a == b, "the same export twice gave different bytes")
    # The seed is recorded (metadata, doc string), so compare the weights.
    wa, wd = [{t.name: t.raw_data for t in onnx.load_from_string(x).graph.initializer}
              for x in (a, d)]
    c.check(wa.keys() == wd.keys() and any(wa[k] != wd[k] for k in wa),
            "another --seed gave the same weights")


def check_opsets(c, env, binary, tmp, model):
    """Every accepted opset is recorded, passes the checker and computes
    what opset 13 does."""
    x = np.random.RandomState(1).randn(2, 3, 64, 64).astype(np.float32)
    outs = {}
    for opset in range(13, 18):
        path = os.path.join(tmp, "o%d.onnx" % opset)
        ec.run(binary, "export", model, "--opset", opset, "-o", path)
        onnx.checker.check_model(path, full_check=True)
        m = onnx.load(path)
        c.check(m.opset_import[0].version == opset, "opset %d not recorded" % opset)
        outs[opset] = ec.ort_run(env, tmp, path, [x])[0]
        c.check(np.abs(outs[opset] - outs[13]).max() <= TOL, "opset %d computes otherwise" % opset)


def main():
    binary = sys.argv[1]
    c = ec.Checks()
    env = ec.node_env()
    if env is None:
        print("SKIP: onnxruntime-node not found: install it with "
              "`npm install -g --ignore-scripts onnxruntime-node@1.30.0` or set DM_ORT_NODE_DIR")
        return ec.SKIP
    with tempfile.TemporaryDirectory() as tmp:
        for label, model, size in ec.cases(binary, tmp):
            try:
                check_net(c, env, binary, tmp, label, model, size)
            except Exception as e:  # one net's crash is a failure, not the end
                c.check(False, "%s: %s: %s" % (label, type(e).__name__, e))
        check_seeds(c, binary, tmp)
        check_opsets(c, env, binary, tmp, os.path.join(tmp, "edge-resnetd.json"))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
