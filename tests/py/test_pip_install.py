"""The README's install of the Python package, on a fresh virtual
environment, offline, then the README's Python example:

  - a copy of the source tree (no build directories, no .git) is installed with
    `scripts/build.sh --python-only VENV`, the Python half of the Quick
    start's build (venv with Debian's site packages, pip with --no-index);
  - in that venv, from a directory outside the tree, `import deepmad`
    resolves to the installed package and its version is include/deepmad.h's
    DM_VERSION;
  - the README's ```python block under "* **Python**" runs unchanged and
    prints the feature maps of the design `deepmad design --preset r18
    --json` gives: the stem's, then one per stage end (a stage ends where
    the next superblock changes resolution, and at the last one), each
    (1, C, H, H) with C and H derived here from the architecture.

usage: /usr/bin/python3 test_pip_install.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402  (exits 77 without numpy/torch)

SKIP = 77


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


def readme_example(src):
    """The ```python block of the README's "* **Python**" item, dedented."""
    text = open(os.path.join(src, "README.md"), encoding="utf-8").read()
    at = text.find("* **Python**")
    m = re.search(r"```python\n(.*?)```", text[at:], re.S) if at >= 0 else None
    if not m:
        raise RuntimeError("README.md has no ```python block under '* **Python**'")
    lines = m.group(1).splitlines()
    indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
    return "\n".join(l[indent:] for l in lines) + "\n"


def expected_maps(binary):
    """The (1, C, H, W) maps of the example's design (--preset r18 at 224
    px), from the CLI's architecture, timm's convention: the stem's output,
    then the last superblock of every run of equal resolution (a superblock
    with stride > 1 starts a new one; the last superblock always ends one)."""
    arch = json.loads(ec.run(binary, "design", "--preset", "r18", "--json").stdout)["architecture"]
    stem, sbs = arch["stem"], arch["superblocks"]
    h = 224 // stem["stride"] // (2 if stem.get("maxpool") else 1)
    maps = [(1, stem["out"], h, h)]
    for i, sb in enumerate(sbs):
        h //= sb["stride"]
        if i + 1 == len(sbs) or sbs[i + 1]["stride"] > 1:
            maps.append((1, sb["out"], h, h))
    return maps


def main():
    binary, src = sys.argv[1], os.path.abspath(sys.argv[2])
    try:
        import venv  # noqa: F401
        import ensurepip  # noqa: F401
    except ImportError as e:
        skip("no venv/ensurepip for %s (%s); Debian: python3-venv" % (sys.executable, e))
    if not os.path.exists(os.path.join(sys.base_prefix, "include",
                                       "python%d.%d" % sys.version_info[:2], "Python.h")):
        skip("no Python.h for %s; Debian: python3-dev" % sys.executable)
    c = ec.Checks()
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, "src")
        shutil.copytree(src, tree, ignore=lambda d, names: [
            n for n in names if n in (".venv", ".git", "__pycache__", "node_modules")
            or (n.startswith("build") and os.path.isdir(os.path.join(d, n)))])
        venv = os.path.join(tmp, "venv")
        p = subprocess.run(["bash", os.path.join(tree, "scripts", "build.sh"), "--python-only", venv],
                           capture_output=True, text=True)
        if not c.check(p.returncode == 0, "scripts/build.sh --python-only exited %d: %s"
                       % (p.returncode, (p.stdout + p.stderr)[-3000:])):
            return c.finish()
        py = os.path.join(venv, "bin", "python")
        away = os.path.join(tmp, "elsewhere")
        os.mkdir(away)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        p = subprocess.run([py, "-c", "import deepmad; print(deepmad.__file__); print(deepmad.__version__)"],
                           capture_output=True, text=True, cwd=away, env=env)
        version = re.search(r'#define DM_VERSION "([^"]+)"',
                            open(os.path.join(src, "include", "deepmad.h")).read()).group(1)
        out = p.stdout.split()
        c.check(p.returncode == 0 and len(out) == 2, "import deepmad in the venv: %s" % p.stderr[-2000:])
        if len(out) == 2:
            c.check(os.path.realpath(out[0]).startswith(os.path.realpath(venv)),
                    "deepmad imported from %s, not from the venv" % out[0])
            c.check(out[1] == version, "deepmad.__version__ %s, DM_VERSION %s" % (out[1], version))
        p = subprocess.run([py, "-c", readme_example(src)], capture_output=True, text=True, cwd=away, env=env)
        c.check(p.returncode == 0, "the README's Python example exited %d: %s" % (p.returncode, p.stderr[-2000:]))
        shapes = [tuple(int(v) for v in re.findall(r"\d+", l)) for l in p.stdout.splitlines() if l.strip()]
        want = expected_maps(binary)
        c.check(shapes == want, "feature maps printed %s, the design's stem and stage ends %s"
                % (shapes, want))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
