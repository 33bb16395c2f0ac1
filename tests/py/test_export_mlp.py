"""MLP exports against their real consumers: the PyTorch file is imported
and run by torch; the ONNX file passes onnx.checker (full_check, with shape
inference) and runs in onnxruntime-node, the runtime the CNN exports are
checked with, with the initializers loaded into the torch module by name:
outputs must agree within 1e-4.  Params and MACs counted in PyTorch equal `deepmad analyze`.

usage: test_export_mlp.py DEEPMAD_BINARY SOURCE_DIR
"""
import importlib.util
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
import onnx.numpy_helper  # noqa: E402
import torch  # noqa: E402

BIN = sys.argv[1]
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)
    sys.stdout.flush()


def run(*args):
    r = subprocess.run([BIN] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("deepmad %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def write_mlp(path, in_f, hidden, out_f, act="relu", bias=True):
    with open(path, "w") as f:
        json.dump({"format": "deepmad-mlp", "version": 1, "in_features": in_f,
                   "hidden": hidden, "out_features": out_f, "act": act, "bias": bias}, f)


def import_module(path):
    spec = importlib.util.spec_from_file_location("mlp_export_%d" % abs(hash(path)), path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.DeepMADMLP().eval()


def dims(value_info):
    return [d.dim_value if d.HasField("dim_value") else d.dim_param
            for d in value_info.type.tensor_type.shape.dim]


def check_case(tmp, name, path):
    metrics = json.loads(run("analyze", path, "--json"))
    spec = json.load(open(path))
    in_f, out_f = spec["in_features"], spec["out_features"]
    py, ox = os.path.join(tmp, name + ".py"), os.path.join(tmp, name + ".onnx")
    run("export", path, "--format", "torch", "-o", py)
    run("export", path, "-o", ox)
    net = import_module(py)
    x = torch.randn(3, in_f, generator=torch.Generator().manual_seed(1))
    params = sum(p.numel() for p in net.parameters())
    check(params == metrics["params"], "%s: torch params %d, analyze %d" % (name, params, metrics["params"]))
    macs = ec.count_macs(net, x[:1])[0]
    check(macs == metrics["macs"], "%s: torch MACs %d, analyze %d" % (name, macs, metrics["macs"]))
    check(len(net.layers) == metrics["layers"], "%s: layer count" % name)
    model = onnx.load(ox)
    try:
        onnx.checker.check_model(model, full_check=True)
        check(True, "")
    except Exception as e:  # noqa: BLE001 - report any checker failure
        check(False, "%s: onnx checker: %s" % (name, e))
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    check(dims(inferred.graph.input[0])[1:] == [in_f], "%s: ONNX input dims" % name)
    check(dims(inferred.graph.output[0])[1:] == [out_f], "%s: ONNX output dims" % name)
    names = {i.name for i in model.graph.initializer if not i.name.startswith("const.")}
    check(names == set(net.state_dict().keys()), "%s: initializers != state_dict keys" % name)
    state = {i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy())
             for i in model.graph.initializer if i.name in names}
    net.load_state_dict(state)
    with torch.no_grad():
        want = net(x).numpy()
    check(want.shape == (3, out_f), "%s: torch output shape %s" % (name, want.shape))
    got = ec.ort_run(ENV, tmp, ox, [x.numpy()])[0]
    err = float(np.max(np.abs(got - want)))
    check(got.shape == want.shape and err <= 1e-4, "%s: ONNX vs torch max error %g" % (name, err))
    nw = os.path.join(tmp, name + "-nw.onnx")
    run("export", path, "--format", "onnx", "--no-weights", "-o", nw)
    m2 = onnx.load(nw)
    onnx.checker.check_model(m2, full_check=True)
    check({i.name for i in m2.graph.input} >= names, "%s: --no-weights inputs" % name)


def main():
    global ENV
    ENV = ec.node_env()
    if ENV is None:
        print("SKIP: onnxruntime-node not found (scripts/install-deps.sh installs it)")
        return ec.SKIP
    with tempfile.TemporaryDirectory() as tmp:
        cases = {}
        designed = os.path.join(tmp, "designed.json")
        run("design", "--family", "mlp", "--in-features", "64", "--out-features", "10",
            "--params", "60K", "--rho", "0.5", "-o", designed)
        cases["designed"] = designed
        wide = os.path.join(tmp, "designed-out.json")
        run("design", "--family", "mlp", "--in-features", "32", "--out-features", "8,64",
            "--params", "20K", "--rho", "1.0", "--act", "silu", "--no-bias", "-o", wide)
        cases["designed-out"] = wide
        for name, args in {"relu6": (20, [16, 12], 5, "relu6", True),
                           "silu-nobias": (7, [9, 3, 11], 4, "silu", False),
                           "one-layer": (13, [], 6, "relu", True)}.items():
            cases[name] = os.path.join(tmp, name + ".json")
            write_mlp(cases[name], *args)
        for name, path in cases.items():
            check_case(tmp, name, path)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
