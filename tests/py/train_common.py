"""What the trainer checks share: finding the `deepmad` Python package and
running `python3 -m deepmad.train` with it.

Not a test itself (CTest runs tests/py/test_*.py only).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402  (exits 77 without numpy/torch)

PY = "/usr/bin/python3"
FASHION = "/usr/share/datasets/fashion-mnist"
# torch 1.13's torchrun on Python 3.11 (Debian 12) fails with its default
# --redirects 0 --tee 0 (Std.from_str("0") is None: 3.11's Flag iteration
# skips the zero member); redirecting and teeing stderr avoids the lookup.
TORCHRUN_FIX = ["--redirects", "2", "--tee", "2"] if sys.version_info >= (3, 11) else []
# A small net at the data's own size: the Fashion-MNIST study's baseline
# (ResNet-20 style at width 0.5, 28 px, 1 channel, 10 classes).
SMALL_NET = os.path.join("experiments", "fashion-mnist", "designs", "baseline-resnet20-k0.5.json")


def package_env(binary, source):
    """Environment in which `import deepmad` gives build_torch and export, or exit 77.

    Where the built package lies: $DM_PYTHONPATH, else the build tree of the
    CLI under test (its python/ folder, which `cmake --build` fills)."""
    cands = [os.environ["DM_PYTHONPATH"]] if os.environ.get("DM_PYTHONPATH") else []
    cands.append(os.path.join(os.path.dirname(os.path.abspath(binary)), "python"))
    for c in cands:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [c] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])),
            OMP_NUM_THREADS="1")
        ok = subprocess.run([PY, "-c", "import deepmad, deepmad.train; deepmad.build_torch; deepmad.export"],
                            env=env, capture_output=True).returncode == 0
        if ok:
            return env
    print("SKIP: the deepmad Python package (with build_torch) is not importable from %s" % cands)
    sys.stdout.flush()
    sys.exit(ec.SKIP)


def need_fashion():
    if not os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
        print("SKIP: %s missing (Debian: apt-get install dataset-fashion-mnist)" % FASHION)
        sys.stdout.flush()
        sys.exit(ec.SKIP)


def train_args(net, out, *extra):
    """A short run: 512 training images, 256 test images, batch 64, 1 thread."""
    return ["-m", "deepmad.train", net, "--data", "fashion-mnist", "--subset", "512",
            "--test-subset", "256", "--batch-size", "64", "--warmup-epochs", "1",
            "--threads", "1", "--quiet", "--out", out] + list(extra)
