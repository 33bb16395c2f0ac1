#!/bin/bash
# test_valgrind.sh -- the CLI's main paths (zoo, analyze, design, export,
# their error paths, MLPs) under valgrind memcheck: no invalid access, no
# use of uninitialised memory, no definite/indirect/possible leak, and the
# exit status each path should have.  Skips (exit 77, which CTest reports
# as skipped) with a message when valgrind is missing or the binary carries
# ASan (the two cannot share a process; the sanitizer build checks the same
# paths its own way).
# usage: bash test_valgrind.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
SRC=$2
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind is not installed (Debian: apt-get install valgrind)"
    exit 77
fi
if grep -q __asan_init "$BIN" 2>/dev/null; then
    echo "SKIP: $BIN is built with AddressSanitizer; valgrind cannot run it"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
VG=(valgrind -q --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes)

# vg EXPECTED_STATUS ARGS...: run `deepmad ARGS` under memcheck.
vg() {
    local want=$1; shift
    "${VG[@]}" "$BIN" "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then pass=$((pass+1)); return; fi
    fail=$((fail+1))
    echo "FAIL (exit $got, expected $want; 9 = memcheck error): deepmad $*"
    head -30 "$T/err"
}

vg 0 zoo
vg 0 analyze resnet50
vg 0 analyze efficientnet_b0 --json --input-size 256
vg 0 analyze "$SRC/data/tinynas/deepmad-R18.txt"
vg 0 export resnet18 --format json -o "$T/r18.json"
vg 0 analyze "$T/r18.json" --alpha 1,1,1,1,8 --penalty var
vg 0 export deepmad-r50 --format tinynas -o "$T/r50.txt"
vg 0 export mobilenet_v2 --format torch -o "$T/mb.py"
vg 0 export mobilenet_v2 --format onnx --no-weights -o "$T/mb.onnx"
vg 0 design --family mbconv --macs 50M --params 1M --input-size 64 --nodes 2000 -o "$T/d.json" --torch "$T/d.py"
vg 0 design --family bottleneck --macs 300M --params 3M --strides 2,2,2 --nodes 2000 --json
vg 0 analyze "$T/d.json" --json
vg 0 design --family mlp --help
# Error paths must free what they allocated too.
vg 1 design --family bottleneck --macs 1M --params 11.7M
vg 2 design --macs 0x10
vg 2 design --macs 1.8Q
printf '{"format": "deepmad-arch", "version": 1, "input": {"channels": 3}}' >"$T/bad.json"
vg 1 analyze "$T/bad.json"
printf "{ 'best_structures':[ [ {'class': 'ConvKXBNRELU', 'in': 3, 'k': 3" >"$T/bad.txt"
vg 1 analyze "$T/bad.txt"
vg 1 analyze "$T/missing.json"
vg 2 analyze resnet50 --alpha 1,nan
vg 1 export resnet18 --format tinynas -o "$T/r18.txt"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
