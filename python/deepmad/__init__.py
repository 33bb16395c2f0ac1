"""deepmad: design convolutional networks by mathematics (DeepMAD, CVPR 2023).

A Python face of the C library libdeepmad (the `deepmad` command's engine),
through the C extension ``deepmad._core``: the same numbers, the same JSON,
the same exported files as the command line.

    >>> import deepmad
    >>> r = deepmad.design(preset="r18")           # design --preset r18 --json
    >>> r["metrics"]["params"] <= 11689512
    True
    >>> net = deepmad.build_torch(r["architecture"], features_only=True)
    >>> deepmad.analyze("resnet50")["params"]      # analyze resnet50 --json
    25557032

Functions: analyze, design, export, build_torch, zoo, presets.  Errors of
the library raise deepmad.Error (a ValueError) carrying its message; an
infeasible design problem raises deepmad.Infeasible (an Error) whose
``result`` is the answer (which budget binds, and the least value that
works).  Bad keyword arguments raise TypeError or ValueError.  The whole
API: docs/python.md.
"""
import itertools
import json
import linecache
import os
import sys
import types

from . import _core

__version__ = _core.VERSION

Error = _core.Error
Infeasible = _core.Infeasible

__all__ = ["analyze", "design", "export", "build_torch", "zoo", "presets", "Error",
           "Infeasible", "__version__"]


def _infeasible_result(self):
    return json.loads(self.result_json) if getattr(self, "result_json", None) else None


Infeasible.result = property(_infeasible_result, doc="the infeasible answer as a dict")


def zoo():
    """The zoo's network names: torchvision 0.14 nets and the paper's published
    DeepMAD nets (what `deepmad zoo` lists)."""
    return _core.zoo()


def presets():
    """The design presets of the paper ("r18", "r34", "r50", "b0", "mb", "29m",
    "29m-288", "50m", "89m")."""
    return _core.presets()


def _model(model):
    """(value, kind) for the extension: a zoo name or path, a path, or text."""
    if isinstance(model, str):
        return model, "name"
    if isinstance(model, os.PathLike):
        path = os.fspath(model)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        return path, "path"
    if isinstance(model, (bytes, bytearray)):
        return bytes(model).decode("utf-8", "surrogateescape"), "text"
    if isinstance(model, dict):
        # A design() result: its architecture.
        if "architecture" in model and "format" not in model:
            model = model["architecture"]
        if not isinstance(model, dict):
            raise TypeError("the architecture of a design result must be a dict")
        return json.dumps(model), "text"
    raise TypeError("model must be a zoo name, a file path, an architecture dict or the "
                    "description's text as bytes, not %s" % type(model).__name__)


def _opt_int(name, v):
    if v is None:
        return -1
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError("%s must be an int, not %s" % (name, type(v).__name__))
    if v < 0 or v > 2**31 - 1:
        raise ValueError("%s must be in [0, 2**31 - 1], got %d" % (name, v))
    return v


def analyze(model, *, input_size=None, classes=None, style=None, alpha=None, beta=None,
            penalty=None, penalty_skip=None):
    """Exact params and MACs and the DeepMAD scores of a network, as a dict.

    The same object as ``deepmad analyze MODEL --json``: params, macs,
    peak_activation, layers, rho, entropy, depth_penalty, objective,
    stages [{resolution, channels, layers, log_width_sum, rho, alpha,
    entropy}] and plausibility {...} (docs/plausibility.md); for an MLP
    params, macs, layers, log_width_sum, mean_width, rho, entropy.

    model: a zoo name (see zoo(); a zoo name wins over a file of that name:
    pass pathlib.Path("resnet18") for the file), a file path (JSON schema of
    docs/arch-json.md, the paper's reference format, or an MLP JSON), an
    architecture dict (e.g. design(...)["architecture"], or the design
    result itself), or a description's text as bytes.

    Options, as the command's: input_size (pixels), classes (0 = no
    classifier), style ("torchvision" | "paper"), alpha (stage weights, a
    list), beta (depth-penalty weight), penalty ("std" | "var"),
    penalty_skip (leading superblocks left out of the depth list).
    """
    value, kind = _model(model)
    return json.loads(_core.analyze(
        value, kind, _opt_int("input_size", input_size), _opt_int("classes", classes),
        style, None if alpha is None else list(alpha), beta, penalty,
        _opt_int("penalty_skip", penalty_skip)))


def design(preset=None, **problem):
    """Solve a DeepMAD design problem; the result as a dict.

    The same object as ``deepmad design ... --json``: status ("optimal" or
    "gap"), architecture (a dict that analyze, export and build_torch take),
    metrics, bound, gap, seconds (this solve's wall time), stop, nodes, ...,
    plausibility.  An infeasible problem raises deepmad.Infeasible whose
    ``result`` is the command's infeasible object (constraint, least, limit,
    proven, message).

    preset: "r18", "r34", "r50", "b0", "mb", "29m", "29m-288", "50m", "89m"
    (presets()); or family= "bottleneck" (default) | "basic" | "mbconv".
    Every other keyword is a `deepmad design` option with '_' for '-':
    space ("open" | "paper"), style, se (bool), act, macs, params (ints or
    counts like "1.8G", "11.7M"), rho, latency (ms, a number) with
    latency_table (a file from `deepmad profile`), refine (bool: measure
    the design's own op shapes into latency_table on this machine and solve
    again until they are all measured, as `design --refine`; the result
    gains "refine": {solves, measured, estimated}), input_size, in_channels,
    classes, stem_stride, stem_kernel, strides (list), depth ((min, max) of
    every superblock), kernels (list), inner ((min, max)), inner_round
    ("up" | "nearest"), granularity, channels ((min, max)), stem_channels
    ((min, max)), head (bool), head_max, head_ratio ((min, max)), max_layers,
    max_peak, alpha (list), beta, penalty ("std" | "var"), penalty_skip,
    no_multiscale, no_depth_penalty, no_monotone (bools), nodes, effort.
    The library validates the problem (dm_problem_validate): a bad value
    raises ValueError with its message.  The design is deterministic.
    """
    family = problem.pop("family", None)
    space = problem.pop("space", None)
    for name, v in (("preset", preset), ("family", family), ("space", space)):
        if v is not None and not isinstance(v, str):
            raise TypeError("%s must be a str, not %s" % (name, type(v).__name__))
    if family == "mlp":
        raise ValueError("family 'mlp' is not available from Python yet: use the command "
                         "`deepmad design --family mlp`")
    if "latency_table" in problem and isinstance(problem["latency_table"], os.PathLike):
        problem["latency_table"] = os.fspath(problem["latency_table"])
    text, refined = _core.design(preset, family, space, problem)
    result = json.loads(text)
    if refined is not None:
        result["refine"] = dict(zip(("solves", "measured", "estimated"), refined))
    return result


def export(arch, format, path=None, *, class_name=None, note=None, seed=0, weights=True,
           opset=None, input_size=None, classes=None):
    """Write a network as `deepmad export` does.

    format: "torch" (a self-contained PyTorch module), "onnx" (opset 13 by
    default, seeded-random weights), "json" (docs/arch-json.md) or
    "tinynas" (the paper's reference format).  An MLP exports as torch,
    onnx or json.  arch: anything analyze() takes.

    Without path: returns the file's contents, bytes for onnx and str for
    the text formats.  With path: writes the file atomically (all or
    nothing) and returns None.

    Options as the command's: class_name, note (docstring text), seed,
    weights (False: ONNX weights become graph inputs), opset (13..17),
    input_size, classes.
    """
    if not isinstance(format, str):
        raise TypeError("format must be a str, not %s" % type(format).__name__)
    value, kind = _model(arch)
    source = value if kind in ("name", "path") else None
    data = _core.export(value, kind, format, class_name, note, source, seed, bool(weights),
                        _opt_int("opset", opset), _opt_int("input_size", input_size),
                        _opt_int("classes", classes))
    if path is not None:
        _core.write_file(os.fspath(path), data)
        return None
    return data if format == "onnx" else data.decode("utf-8")


_built = itertools.count()

# build_torch's keyword arguments and the defaults of the exported class:
# only those that differ are passed, so the call works with every exporter
# that takes them.
_TORCH_DEFAULTS = {"num_classes": None, "in_chans": None, "features_only": False,
                   "out_indices": None, "drop_rate": 0.0, "drop_path_rate": 0.0}


def _load_source(src, what):
    """Execute module source `src` as a fresh module, its text registered
    with linecache under a unique pseudo file name, so that inspect (and
    torch.jit.script, which reads class sources) finds it."""
    n = next(_built)
    name = "deepmad._built_%d" % n
    filename = "<deepmad.build_torch %d: %s>" % (n, what)
    mod = types.ModuleType(name)
    mod.__file__ = filename
    # mtime None: linecache.checkcache keeps entries that have no file.
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    sys.modules[name] = mod   # inspect finds a class's file through its module
    exec(compile(src, filename, "exec"), mod.__dict__)
    return mod


def build_torch(arch, num_classes=None, in_chans=None, features_only=False, out_indices=None,
                drop_rate=0.0, drop_path_rate=0.0, zero_init_residual=True):
    """Build a network as a torch.nn.Module, in memory (no files written).

    arch: anything analyze() takes (a zoo name, a file, an architecture dict,
    a design() result).  The module is the class `deepmad export --format
    torch` writes, from the same C exporter, executed here: its
    state_dict keys are the ONNX export's initializer names
    (docs/export.md), and torch.jit.script can compile it.

    num_classes, in_chans: override the classifier outputs and input
    channels; features_only: return one feature map per stage end
    (out_indices selects stages); drop_rate: dropout before the classifier;
    drop_path_rate: stochastic depth; zero_init_residual: zero the last BN
    of each residual branch (default True: deep designs train stably).
    These are the exported class's constructor arguments.
    """
    value, kind = _model(arch)
    src = _core.export(value, kind, "torch", None, None,
                       value if kind in ("name", "path") else None, 0, True, -1, -1, -1)
    src = src.decode("utf-8")
    import torch  # noqa: F401  (the module's own import; a clear error when missing)
    what = value if kind == "name" else "architecture"
    mod = _load_source(src, what)
    kwargs = {"zero_init_residual": bool(zero_init_residual)}
    given = {"num_classes": num_classes, "in_chans": in_chans, "features_only": features_only,
             "out_indices": out_indices, "drop_rate": drop_rate, "drop_path_rate": drop_path_rate}
    for k, v in given.items():
        if v != _TORCH_DEFAULTS[k]:
            kwargs[k] = v
    if hasattr(mod, "DeepMADNet"):
        return mod.DeepMADNet(**kwargs)
    extra = sorted(k for k in kwargs if k != "zero_init_residual")
    if extra:
        raise ValueError("an MLP takes none of %s" % ", ".join(extra))
    return mod.DeepMADMLP()
