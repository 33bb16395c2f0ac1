"""What the exporter checks share: running the CLI, the cases every check
covers (zoo nets, hand-made edge-case designs, `deepmad design` presets),
importing an exported PyTorch file, and counting params and MACs in PyTorch.

Not a test itself (CTest runs tests/py/test_*.py only).
"""
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys

# CTest's SKIP_RETURN_CODE: a check whose prerequisite is missing exits with
# it and is reported as skipped, never as passed.
SKIP = 77


def need(*modules):
    """Import each module or exit SKIP, saying which one is missing."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:
            print("SKIP: %s cannot import %s (%s); Debian: scripts/install-deps.sh"
                  % (sys.executable, name, e))
            sys.stdout.flush()
            sys.exit(SKIP)


need("numpy", "torch")
import numpy as np  # noqa: E402
import torch  # noqa: E402

# Resolution for the all-nets sweep: small enough for 2 cores, large enough
# that every zoo net's total stride (32) divides it.
SMALL = 64
# Nets also checked at their native resolution.
NATIVE = ["resnet18", "mobilenet_v2", "efficientnet_b0"]

# Hand-made designs for what the zoo lacks: ResNet-D shortcuts (strided and
# not), basic blocks, relu6 / silu in residual nets, kernel 5 bottlenecks,
# stride 3 and 4, no max-pool, an mbconv without expand conv but with SE,
# expansion-ratio widths, one input channel, no classifier.
EDGE = {
    "edge-resnetd": {
        "format": "deepmad-arch", "version": 1,
        "input": {"channels": 3, "size": 64},
        "stem": {"out": 24, "kernel": 3, "stride": 1, "maxpool": False, "act": "silu"},
        "superblocks": [
            {"block": "basic", "out": 32, "depth": 2, "kernel": 3, "stride": 2, "inner": 16,
             "act": "relu6", "shortcut": "avgpool-conv"},
            {"block": "bottleneck", "out": 64, "depth": 2, "kernel": 5, "stride": 1,
             "inner": 24, "act": "silu", "shortcut": "avgpool-conv"},
            {"block": "bottleneck", "out": 64, "depth": 1, "kernel": 3, "stride": 2,
             "expand": 0.5, "act": "relu", "shortcut": "conv"},
            {"block": "mbconv", "out": 64, "depth": 2, "kernel": 3, "stride": 1,
             "expand": 1, "se": True, "act": "relu6"},
        ],
        "head": {"out": 96, "act": "relu6"},
        "classes": 0,
    },
    "edge-odd-strides": {
        "format": "deepmad-arch", "version": 1,
        "input": {"channels": 1, "size": 72},
        "stem": {"out": 16, "kernel": 5, "stride": 3, "maxpool": True, "act": "relu"},
        "superblocks": [
            {"block": "basic", "out": 24, "depth": 2, "kernel": 3, "stride": 3, "inner": 24,
             "act": "relu", "shortcut": "avgpool-conv"},
            {"block": "mbconv", "out": 40, "depth": 2, "kernel": 5, "stride": 4,
             "expand": 3, "se": False, "act": "silu"},
        ],
        "head": None,
        "classes": 10,
    },
}


class Checks:
    """Counts checks and prints one line per failure, closing with the
    'N passed, N failed' line CTest's log readers expect."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL " + what)
        sys.stdout.flush()
        return ok

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0


def run(binary, *args, ok=True):
    """Run the CLI; returns the CompletedProcess.  ok=True insists on exit 0."""
    p = subprocess.run([binary] + [str(a) for a in args], capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise RuntimeError("deepmad %s failed (%d): %s" % (" ".join(map(str, args)),
                                                           p.returncode, p.stderr.strip()))
    return p


def analyze(binary, model, size=None):
    args = ["analyze", model, "--json"] + (["--input-size", size] if size else [])
    return json.loads(run(binary, *args).stdout)


def design_files(binary, tmp, *more):
    """[(name, path)] of every `deepmad design` preset (names from its
    --help), designed with the options `more` (e.g. "--style", "paper");
    raises when the help or the preset list cannot be read, so a broken
    `design` fails the check instead of dropping the designs."""
    p = run(binary, "design", "--help")
    m = re.search(r"--preset NAME\s+([-\w ]+)\(", p.stdout)
    names = m.group(1).split() if m else []
    if not names:
        raise RuntimeError("cannot find the preset names in `deepmad design --help`")
    out = []
    for name in names:
        path = os.path.join(tmp, "design-%s%s.json" % (name, "".join(more).replace("-", "_")))
        run(binary, "design", "--preset", name, "-o", path, *more)
        out.append(("design-" + name, path))
    return out


def cases(binary, tmp, with_designs=True):
    """[(label, MODEL argument, input size or None for the model's own)]."""
    out = []
    for name in run(binary, "zoo").stdout.split():
        out.append((name + "@%d" % SMALL, name, SMALL))
        if name in NATIVE:
            out.append((name, name, None))
    for name, arch in EDGE.items():
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(arch, f)
        out.append((name, path, None))
    if with_designs:
        for name, path in design_files(binary, tmp):
            out.append((name + "@%d" % SMALL, path, SMALL))
    return out


def size_args(size):
    return ["--input-size", size] if size else []


_imported = [0]


def import_file(path):
    """Import an exported file as a fresh module (registered in sys.modules
    under a new name, so its classes can find their module)."""
    _imported[0] += 1
    name = "deepmad_exported_%d" % _imported[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def doc_size(module_name):
    """The input resolution an exported file's docstring records:
    "Input: float32 NCHW (N, C, R, R)"."""
    doc = sys.modules[module_name].__doc__
    line = next(l for l in doc.splitlines() if l.startswith("Input:"))
    return int(line.split("(")[1].split(",")[2])


def count_macs(model, x):
    """MACs of one forward pass per sample, by hooks on Conv2d and Linear:
    output elements x input channels per group x kernel area; in x out."""
    macs = [0]

    def conv_hook(mod, inp, out):
        per_out = mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
        macs[0] += out.numel() // out.shape[0] * per_out

    def linear_hook(mod, inp, out):
        macs[0] += mod.in_features * mod.out_features

    hooks = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        out = model(x)
    for h in hooks:
        h.remove()
    return macs[0], out


def randomise(model):
    """Weights that keep activations near 1 through any depth (torchvision's
    own init makes EfficientNet's outputs ~1e-14, and zero_init_residual
    makes every residual branch 0, which compares nothing): Kaiming-uniform
    convs and linear, random BN affine and statistics."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                fan_in = m.weight[0].numel()
                a = (6.0 / fan_in) ** 0.5
                m.weight.uniform_(-a, a)
                if m.bias is not None:
                    m.bias.uniform_(-fan_in ** -0.5, fan_in ** -0.5)
            elif isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)


# The documented state_dict key scheme (docs/export.md); se.bn1, se.bn2 are the
# paper style's SE BatchNorms.
_BN = r"bn\.(weight|bias|running_mean|running_var|num_batches_tracked)"
_BN_I = r"bn[123]\.(weight|bias|running_mean|running_var|num_batches_tracked)"
KEY_RE = re.compile(
    r"^(stem\.conv\.weight|stem\." + _BN + r"|head\.conv\.weight|head\." + _BN +
    r"|classifier\.(weight|bias)"
    r"|stages\.\d+\.\d+\.(conv[123]\.weight|" + _BN_I +
    r"|shortcut\.conv\.weight|shortcut\." + _BN +
    r"|(expand|dw|project)\.conv\.weight|(expand|dw|project)\." + _BN +
    r"|se\.fc[12]\.(weight|bias)|se\.bn[12]\.(weight|bias|running_mean|running_var"
    r"|num_batches_tracked)))$")


# onnxruntime-node, the real runtime every ONNX check uses.
HERE = os.path.dirname(os.path.abspath(__file__))


def node_env():
    """Environment in which `require('onnxruntime-node')` works, or None."""
    dirs = [os.path.join(os.environ["DM_ORT_NODE_DIR"], "node_modules")] \
        if os.environ.get("DM_ORT_NODE_DIR") else []
    try:
        dirs.append(subprocess.run(["npm", "root", "-g"], capture_output=True, text=True,
                                   check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    env = dict(os.environ, NODE_PATH=os.pathsep.join(dirs))
    try:
        ok = subprocess.run(["node", "-e", "require('onnxruntime-node')"], env=env,
                            capture_output=True).returncode == 0
    except OSError:
        ok = False
    return env if ok else None


def ort_run(env, tmp, path, xs):
    """Outputs of the ONNX file at `path` in onnxruntime-node, one per input."""
    args = ["node", os.path.join(HERE, "ort_run.js"), path]
    for i, x in enumerate(xs):
        x.astype("<f4").tofile(os.path.join(tmp, "x%d.bin" % i))
        args += [os.path.join(tmp, "x%d.bin" % i), os.path.join(tmp, "y%d.bin" % i),
                 ",".join(map(str, x.shape))]
    p = subprocess.run(args, env=env, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("onnxruntime-node: " + p.stderr.strip())
    dims = [json.loads(l)["dims"] for l in p.stdout.splitlines()]
    return [np.fromfile(os.path.join(tmp, "y%d.bin" % i), dtype="<f4").reshape(d)
            for i, d in enumerate(dims)]
