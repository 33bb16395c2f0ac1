#!/usr/bin/env bash
# Installs the Debian 12 packages deepmad needs to build and test, skipping
# those already present.  Run as root or with sudo available.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang valgrind   # toolchain, sanitizers, memcheck
  libcjson-dev                                      # JSON reader/writer
  protobuf-c-compiler libprotobuf-c-dev libonnx-dev # ONNX export (onnx.proto)
  python3-torch python3-torchvision python3-onnx    # the real consumers in tests
  python3-opencv                                    # an ONNX runtime (OpenCV DNN)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
