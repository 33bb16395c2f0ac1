#!/usr/bin/env bash
# Builds what the README's Quick start uses, offline, after
# scripts/install-deps.sh:
#   build/deepmad        the library and the command-line tool (CMake)
#   .venv                a virtual environment that sees Debian's torch,
#                        with the Python package deepmad installed in it
# usage: scripts/build.sh [--python-only] [VENV_DIR]   (VENV_DIR: .venv)
#   --python-only   only the package into VENV_DIR (what tests/py/
#                   test_pip_install.py checks on a copy of the tree)
set -euo pipefail
cd "$(dirname "$0")/.."
python_only=0
if [ "${1:-}" = "--python-only" ]; then python_only=1; shift; fi
venv=${1:-.venv}
jobs=$(nproc 2>/dev/null || echo 2)

if [ "$python_only" -eq 0 ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$jobs"
fi
# --system-site-packages: torch, torchvision and onnx come from Debian;
# --no-build-isolation --no-index: setuptools from Debian, no package index.
[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
CMAKE_BUILD_PARALLEL_LEVEL=$jobs "$venv/bin/python" -m pip install --quiet --no-index --no-build-isolation .
[ "$python_only" -eq 1 ] || echo "built: build/deepmad"
echo "installed: the Python package deepmad in $venv ($venv/bin/python -c 'import deepmad')"
