#!/usr/bin/env bash
# Installs the Debian 12 packages deepmad needs to build and test, skipping
# those already present.  Run as root or with sudo available.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang valgrind   # toolchain, sanitizers, memcheck
  libcjson-dev                                      # JSON reader/writer
  libdnnl-dev                                       # oneDNN: measuring latency (src/run)
  protobuf-c-compiler libprotobuf-c-dev libonnx-dev # ONNX export (onnx.proto)
  python3-torch python3-torchvision python3-onnx    # the real consumers in tests
  dataset-fashion-mnist python3-matplotlib          # the experiment's smoke run
  python3-dev python3-setuptools python3-pip python3-venv  # the deepmad Python package (C extension)
  python3-pytest python3-tqdm                       # its tests; the trainer's progress bar
  libcairo2-dev librsvg2-bin                        # draw/sweep pictures; rendering them in tests
)

# onnxruntime-node (npm) runs the exported ONNX files in the tests; its
# install script only fetches optional GPU binaries, so it is skipped.
ORT_VERSION=1.30.0

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d "$(npm root -g)/onnxruntime-node" ]; then
  echo "installing: onnxruntime-node@$ORT_VERSION (npm)"
  $SUDO npm install -g --ignore-scripts --no-audit --no-fund "onnxruntime-node@$ORT_VERSION" >/dev/null
fi
