"""Provenance in exported ONNX files (doc_string, metadata_props) and the
problem a design records, read with the real consumer (Debian's
python3-onnx) and compared with independent truth:

  - every file passes onnx.checker.check_model(full_check=True);
  - params, macs, layers equal `deepmad analyze --json`'s; rho, entropy,
    objective are Python's '%.6g' of analyze's values (6 significant digits);
    input, classes, family, style as the description says; the deepmad
    version as `deepmad --version` prints it; weights "untrained" (or
    "none" with --no-weights) and the doc string says so;
  - the doc string's recipe for trained weights works: a PyTorch module's
    state_dict copied in by initializer name gives a valid model whose
    initializers are exactly that state_dict;
  - a design's problem (the -o file's and design --json's architecture's
    "problem", and the ONNX
    problem.* keys of an export of the file that records it) equals the
    flags given to `design`; design.* are '%.6g' of --json's objective,
    bound and gap; `export --format json` keeps the record;
  - a file whose problem is wrong is refused with its JSON path.

usage: /usr/bin/python3 test_onnx_metadata.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402
ec.need("onnx")  # exits 77 (skipped) when missing

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402


def load(path):
    onnx.checker.check_model(path, full_check=True)
    m = onnx.load(path)
    return m, {p.key: p.value for p in m.metadata_props}


def g6(v):
    return "%.6g" % v


def check_common(c, label, m, meta, version, weights=True):
    c.check(meta.get("deepmad_version") == version, "%s: version %r" % (label, meta.get("deepmad_version")))
    c.check(meta.get("weights") == ("untrained" if weights else "none"),
            "%s: weights %r" % (label, meta.get("weights")))
    doc = m.doc_string
    c.check("deepmad " + version in doc, "%s: no version in the doc string" % label)
    c.check("state_dict" in doc, "%s: the doc string does not say how to load weights" % label)
    if weights:
        c.check("untrained" in doc and "PLACEHOLDERS" in doc,
                "%s: the doc string does not say the weights are placeholders" % label)


def check_cnn(c, binary, tmp, version, label, model, extra=()):
    path = os.path.join(tmp, label + ".onnx")
    ec.run(binary, "export", model, "-o", path, *extra)
    m, meta = load(path)
    size_args = [a for a in extra if a != "--no-weights"]
    a = json.loads(ec.run(binary, "analyze", model, "--json", *size_args).stdout)
    check_common(c, label, m, meta, version, "--no-weights" not in extra)
    for key in ("params", "macs", "layers"):
        c.check(meta.get(key) == str(a[key]), "%s: %s %r, analyze %r" % (label, key, meta.get(key), a[key]))
    for key in ("rho", "entropy", "objective", "depth_penalty"):
        c.check(meta.get(key) == g6(a[key]), "%s: %s %r, analyze %s" % (label, key, meta.get(key), g6(a[key])))
    c.check(str(a["params"]) in m.doc_string and str(a["macs"]) in m.doc_string,
            "%s: the doc string lacks params/MACs" % label)
    inp = m.graph.input[0].type.tensor_type.shape.dim
    c.check(meta.get("input_channels") == str(inp[1].dim_value)
            and meta.get("input_size") == str(inp[2].dim_value),
            "%s: input %r %r" % (label, meta.get("input_channels"), meta.get("input_size")))
    out = m.graph.output[0]
    want_classes = out.type.tensor_type.shape.dim[1].dim_value if out.name == "logits" else 0
    c.check(meta.get("classes") == str(want_classes), "%s: classes %r" % (label, meta.get("classes")))
    c.check(not any(k.startswith("problem.") for k in meta), "%s: a problem without a design" % label)
    return m, meta


def check_recipe(c, binary, tmp):
    """The doc string's recipe: trained weights go in by initializer name."""
    py = os.path.join(tmp, "r18.py")
    path = os.path.join(tmp, "r18-recipe.onnx")
    ec.run(binary, "export", "resnet18", "--input-size", "64", "--format", "torch", "-o", py)
    ec.run(binary, "export", "resnet18", "--input-size", "64", "-o", path)
    net = ec.import_file(py).DeepMADNet()
    sd = net.state_dict()
    m = onnx.load(path)
    for t in m.graph.initializer:   # the recipe as the doc string gives it
        t.CopyFrom(numpy_helper.from_array(sd[t.name].numpy(), t.name))
    onnx.checker.check_model(m, full_check=True)
    same = all((numpy_helper.to_array(t) == sd[t.name].numpy()).all() for t in m.graph.initializer)
    c.check(same and len(m.graph.initializer) > 0, "recipe: initializers differ from the state_dict")
    c.check("for t in model.graph.initializer" in m.doc_string, "recipe: not in the doc string")


def check_mlp(c, binary, tmp, version, src):
    mlp = os.path.join(src, "tests", "golden", "mlp.json")
    a = json.loads(ec.run(binary, "analyze", mlp, "--json").stdout)
    path = os.path.join(tmp, "mlp.onnx")
    ec.run(binary, "export", mlp, "--seed", "5", "-o", path)
    m, meta = load(path)
    check_common(c, "mlp", m, meta, version)
    spec = json.load(open(mlp))
    for key in ("params", "macs", "layers"):
        c.check(meta.get(key) == str(a[key]), "mlp: %s %r, analyze %r" % (key, meta.get(key), a[key]))
    for key in ("rho", "entropy"):
        c.check(meta.get(key) == g6(a[key]), "mlp: %s %r" % (key, meta.get(key)))
    c.check(meta.get("objective") == g6(a["entropy"]), "mlp: objective is not H")
    c.check(meta.get("in_features") == str(spec["in_features"])
            and meta.get("out_features") == str(spec["out_features"]), "mlp: features")
    c.check(meta.get("model") == "mlp" and meta.get("weight_seed") == "5", "mlp: model/seed")


# The designs: (label, flags, what the problem must record).
DESIGNS = [
    ("mbconv-open", ["--family", "mbconv", "--macs", "300M", "--params", "5M", "--rho", "0.7",
                     "--input-size", "64", "--classes", "10"],
     {"family": "mbconv", "se": True, "space": "open", "input_size": 64, "classes": 10,
      "rho0": 0.7, "budgets": {"max_macs": 300000000, "max_params": 5000000}}),
    ("basic-custom", ["--family", "basic", "--macs", "100M", "--kernels", "3", "--rho", "0.25",
                      "--input-size", "64", "--classes", "0"],
     {"family": "basic", "se": False, "space": "custom", "input_size": 64, "classes": 0,
      "rho0": 0.25, "budgets": {"max_macs": 100000000}}),
]


def check_design(c, binary, tmp, version, label, flags, want):
    d = json.loads(ec.run(binary, "design", *flags, "--json").stdout)
    p = d["architecture"].get("problem", {})
    # design -o writes the same architecture, its problem included.
    out = os.path.join(tmp, label + "-o.json")
    ec.run(binary, "design", *flags, "-o", out)
    c.check(json.load(open(out)) == d["architecture"], "%s: -o differs from --json's" % label)
    for k, v in want.items():
        c.check(p.get(k) == v, "%s: --json problem.%s %r, want %r" % (label, k, p.get(k), v))
    c.check(p.get("objective") == d["metrics"]["objective"] and p.get("bound") == d["bound"]
            and p.get("gap") == d["gap"], "%s: the outcome differs from --json's" % label)
    c.check(p.get("status") == d["status"], "%s: status %r" % (label, p.get("status")))
    path = out
    onnx_path = os.path.join(tmp, label + ".onnx")
    ec.run(binary, "export", path, "-o", onnx_path)
    m, meta = load(onnx_path)
    check_common(c, label, m, meta, version)
    for k in ("family", "space", "input_size", "classes"):
        c.check(meta.get("problem." + k) == str(want[k]), "%s: problem.%s %r" % (label, k, meta.get("problem." + k)))
    c.check(meta.get("problem.se") == ("true" if want["se"] else "false"), "%s: problem.se" % label)
    c.check(float(meta.get("problem.rho0", "nan")) == want["rho0"], "%s: problem.rho0" % label)
    for k, v in want["budgets"].items():
        c.check(meta.get("problem." + k) == str(v), "%s: problem.%s %r" % (label, k, meta.get("problem." + k)))
    unset = {"max_macs", "max_params", "max_layers", "max_peak_activation", "max_latency_ms"} - set(want["budgets"])
    c.check(not any("problem." + k in meta for k in unset), "%s: a budget that was not given" % label)
    c.check(meta.get("design.objective") == g6(d["metrics"]["objective"])
            and meta.get("design.bound") == g6(d["bound"]) and meta.get("design.gap") == g6(d["gap"])
            and meta.get("design.status") == d["status"], "%s: design.* %r" % (label, meta))
    c.check(meta.get("params") == str(d["metrics"]["params"]), "%s: params" % label)
    c.check("Designed by deepmad design" in m.doc_string, "%s: the doc string lacks the problem" % label)
    # export --format torch says it in the module's docstring.
    py = os.path.join(tmp, label + ".py")
    ec.run(binary, "export", path, "--format", "torch", "-o", py)
    doc = ec.import_file(py).__doc__ or ""
    budgets = ", ".join("%s <= %d" % ({"max_macs": "MACs", "max_params": "params"}[k], v)
                        for k, v in want["budgets"].items())
    c.check("Designed by deepmad design" in doc and ("rho <= %g, %s:" % (want["rho0"], budgets)) in doc
            and ("bound %s" % g6(d["bound"])) in doc, "%s: torch docstring %r" % (label, doc[:400]))
    # export --format json keeps the record.
    again = os.path.join(tmp, label + "-again.json")
    ec.run(binary, "export", path, "--format", "json", "-o", again)
    c.check(json.load(open(again)).get("problem") == p, "%s: export --format json lost the problem" % label)
    return path


def check_refusals(c, binary, tmp, good):
    arch = json.load(open(good))
    for edit, needle in [(("rho0", 0), "problem.rho0"), (("space", "wide"), "problem.space"),
                         (("colour", 1), 'unknown key "colour"')]:
        bad = dict(arch, problem=dict(arch["problem"], **{edit[0]: edit[1]}))
        path = os.path.join(tmp, "bad.json")
        with open(path, "w") as f:
            json.dump(bad, f)
        p = ec.run(binary, "export", path, "-o", os.path.join(tmp, "bad.onnx"), ok=False)
        c.check(p.returncode == 1 and needle in p.stderr, "bad %s: rc %d, %r" % (edit, p.returncode, p.stderr))
        c.check(not os.path.exists(os.path.join(tmp, "bad.onnx")), "bad %s: a file was written" % (edit,))


def main():
    binary, src = sys.argv[1], sys.argv[2]
    c = ec.Checks()
    version = ec.run(binary, "--version").stdout.split()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        check_cnn(c, binary, tmp, version, "resnet18-64", "resnet18", ["--input-size", "64"])
        check_cnn(c, binary, tmp, version, "effb0-64", "efficientnet_b0", ["--input-size", "64"])
        check_cnn(c, binary, tmp, version, "mbv2-features", "mobilenet_v2",
                  ["--input-size", "64", "--classes", "0"])
        check_cnn(c, binary, tmp, version, "r29m-noweights", "deepmad-29m-224",
                  ["--input-size", "64", "--no-weights"])
        check_recipe(c, binary, tmp)
        check_mlp(c, binary, tmp, version, src)
        good = None
        for label, flags, want in DESIGNS:
            good = check_design(c, binary, tmp, version, label, flags, want)
        check_refusals(c, binary, tmp, good)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
