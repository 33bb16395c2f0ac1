#!/usr/bin/env bash
# The whole test suite: a normal gcc build with warnings as errors (all
# tests, the torchvision / ONNX / PyTorch checks included), a clang build
# (warnings as errors), and an ASan + UBSan build running the C and CLI
# tests.  Build trees go under build-test/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

run() { # name, extra cmake args...
  local dir=build-test/$1; shift
  echo "== $dir"
  cmake -S . -B "$dir" -DDEEPMAD_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
}

run gcc -DCMAKE_C_COMPILER=gcc
ctest --test-dir build-test/gcc --output-on-failure -j"$jobs"
run clang -DCMAKE_C_COMPILER=clang
run asan -DCMAKE_C_COMPILER=gcc -DDEEPMAD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-test/asan --output-on-failure -j"$jobs"
