#!/bin/bash
# test_golden.sh -- the CLI's output for a few zoo nets, designs and
# exports, byte for byte against tests/golden/, so that a change in what
# deepmad prints or writes is seen and reviewed, never drifts in.
#
# The files in tests/golden/ were first taken from the CLI as it was before
# the redesign of issue #11 (same commands as below).  Each name says what
# made it: an-* `analyze` (text ends with the exit status), de-* `design`
# (the summary with its `time` line normalised, or the -o file), ex-*
# `export -o`, mlp* the MLP family.  Not here on purpose: `design --json`
# and the --help texts (still being reworked), error messages.
#
# usage: bash test_golden.sh <deepmad-binary> <source-dir>
# A deliberate change: regenerate, then review and commit the difference:
#   UPDATE_GOLDEN=1 bash tests/cli/test_golden.sh build/deepmad .
#   git diff tests/golden/
# (that mode compares nothing, so it exits 77: skipped, not passed).
set -u
BIN=$(readlink -f "$1")
GOLD=$(cd "$2" && pwd)/tests/golden
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
NEW=$T/new
mkdir "$NEW" "$T/work"
cd "$T/work" || exit 1   # designs are written here: mlp-an.txt prints the path as given

normalise_time() { sed -E 's/^time .*/time X/'; }

# Every golden file, made into $NEW.
B=$BIN
{ $B analyze resnet50; echo "rc=$?"; } >"$NEW/an-resnet50.txt" 2>&1
{ $B analyze deepmad-r18; echo "rc=$?"; } >"$NEW/an-deepmad-r18.txt" 2>&1
$B analyze resnet50 --json >"$NEW/an-resnet50.json" 2>&1
$B analyze resnet50 --input-size 160 --json >"$NEW/an-r50-160.json" 2>&1
$B analyze efficientnet_b0 --json >"$NEW/an-efficientnet_b0.json" 2>&1
$B export deepmad-r18 --format torch -o "$NEW/ex-deepmad-r18.torch" >/dev/null
$B export deepmad-r50 --format tinynas -o "$NEW/ex-deepmad-r50.tinynas" >/dev/null
$B export mobilenet_v2 --format json -o "$NEW/ex-mobilenet_v2.json" >/dev/null
$B design --preset r18 -o "$NEW/de-r18.json" --torch de-r18.py >/dev/null 2>&1
$B design --preset b0 -o de-b0.json --torch de-b0.py 2>&1 | normalise_time >"$NEW/de-b0.txt"
$B design --family mlp --in-features 784 --out-features 10 --params 1M --rho 0.5 -o mlp.json >/dev/null 2>&1
cp mlp.json "$NEW/mlp.json" 2>/dev/null
$B analyze mlp.json >"$NEW/mlp-an.txt" 2>&1
$B analyze mlp.json --json >"$NEW/mlp-an.json" 2>&1
$B export mlp.json --format torch -o "$NEW/mlp.ex.torch" >/dev/null

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$GOLD"
    for f in "$GOLD"/*; do
        [ -e "$f" ] && [ ! -e "$NEW/$(basename "$f")" ] && { rm "$f"; echo "removed $(basename "$f")"; }
    done
    for f in "$NEW"/*; do
        cmp -s "$f" "$GOLD/$(basename "$f")" || { cp "$f" "$GOLD/"; echo "updated $(basename "$f")"; }
    done
    echo "tests/golden/ regenerated: review it with git diff before committing"
    echo "SKIP: nothing compared (UPDATE_GOLDEN=1)"
    exit 77   # skipped, not passed, should CTest ever run with UPDATE_GOLDEN set
fi

pass=0 fail=0
for f in "$NEW"/*; do
    name=$(basename "$f")
    if [ ! -f "$GOLD/$name" ]; then
        echo "FAIL $name: made by this test but not in tests/golden/"
        fail=$((fail+1))
    elif cmp -s "$GOLD/$name" "$f"; then
        pass=$((pass+1))
    else
        echo "FAIL $name differs from tests/golden/$name (--- golden, +++ now):"
        diff -u "$GOLD/$name" "$f" | head -40
        fail=$((fail+1))
    fi
done
for f in "$GOLD"/*; do
    name=$(basename "$f")
    [ -e "$NEW/$name" ] || { echo "FAIL $name: in tests/golden/ but no longer made (command failed?)"; fail=$((fail+1)); }
done
if [ "$fail" -gt 0 ]; then
    echo "If the change is deliberate: UPDATE_GOLDEN=1 bash tests/cli/test_golden.sh BINARY SOURCE_DIR,"
    echo "then review git diff tests/golden/ and name the change in the commit."
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
