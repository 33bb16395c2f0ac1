#!/bin/bash
# test_design.sh -- `deepmad design`: exit codes, messages, the -o file
# re-analysed by `deepmad analyze`, --json keys, determinism, the --torch file.
# usage: bash test_design.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL line ${BASH_LINENO[0]}: $*"; fi; }

"$BIN" design --help >"$T/help" ; ok test $? -eq 0
for opt in --preset --family --macs --params --rho --strides --kernels --inner --depth --granularity \
           --max-layers --max-peak --no-multiscale --no-depth-penalty --no-monotone --json -o --torch; do
    ok grep -q -- "$opt" "$T/help"
done

"$BIN" design --preset r18 -o "$T/r18.json" >"$T/out"; ok test $? -eq 0
ok grep -q "^bound" "$T/out"
ok grep -q "gap not zero" "$T/out"
"$BIN" analyze "$T/r18.json" --json >"$T/an.json"; ok test $? -eq 0
"$BIN" design --preset r18 --json >"$T/d.json"; ok test $? -eq 0
/usr/bin/python3 - "$T/d.json" "$T/an.json" <<'PY' ; ok test $? -eq 0
import json, sys
d = json.load(open(sys.argv[1])); a = json.load(open(sys.argv[2]))
pa, pd = a.pop("plausibility"), d["plausibility"]  # judged against different spaces
assert all(pa[k] == pd[k] for k in pa if k not in ("space", "at_limit")), (pa, pd)
assert set(["architecture", "metrics", "bound", "gap", "seconds"]) <= set(d), d.keys()
assert d["metrics"] == a, "analyze of the -o file differs from design's metrics"
assert d["bound"] >= d["metrics"]["objective"] and abs(d["gap"] - (d["bound"] - d["metrics"]["objective"])) < 1e-6
assert d["metrics"]["macs"] <= 1814073344 and d["metrics"]["params"] <= 11689512 and d["metrics"]["rho"] <= 0.3
PY
# Same problem, same bytes (the timing line aside).
"$BIN" design --preset 29m | grep -v '^time' >"$T/a"; "$BIN" design --preset 29m | grep -v '^time' >"$T/b"
ok cmp -s "$T/a" "$T/b"

# Infeasible: exit 1 naming the constraint and the least value.
"$BIN" design --family bottleneck --macs 1M --params 11.7M 2>"$T/err"; ok test $? -eq 1
ok grep -q "MACs budget 1000000 is below the least any bottleneck network" "$T/err"
# Bad usage: exit 2.
"$BIN" design --preset nope 2>/dev/null; ok test $? -eq 2
"$BIN" design --macs 1.8Q 2>/dev/null; ok test $? -eq 2
"$BIN" design --macs -5 2>/dev/null; ok test $? -eq 2
"$BIN" design --bogus 1 2>/dev/null; ok test $? -eq 2
"$BIN" design --strides 2,3 --input-size 224 2>/dev/null; ok test $? -eq 2
# A small custom problem is solved to optimality.
"$BIN" design --family bottleneck --input-size 32 --classes 10 --strides 2,2 --channels 8,24 \
    --depth 1,2 --kernels 3 --inner 0.34,1 --rho 1 --macs 200K >"$T/small"; ok test $? -eq 0
ok grep -q "optimal" "$T/small"

# --torch: the module `deepmad export` writes for the -o file, plus a docstring
# paragraph with the budgets given here and design's own bound and gap.
"$BIN" design --family basic --macs 7.7M --params 68K --rho 0.2 --input-size 28 --in-channels 1 \
    --classes 10 --stem-stride 1 --strides 1,2,2 --kernels 3 -o "$T/f.json" --torch "$T/f.py" --json \
    >"$T/f.out"; ok test $? -eq 0
"$BIN" export "$T/f.json" -o "$T/fe.py"; ok test $? -eq 0
ok grep -q "^Designed by deepmad design (basic, custom space, 28 px, 10 classes) under rho <= 0.2, MACs <= 7700000, params <= 68000: objective" "$T/f.py"
/usr/bin/python3 - "$T/f.out" "$T/f.py" <<'PY' ; ok test $? -eq 0
import json, re, sys
d = json.load(open(sys.argv[1])); doc = open(sys.argv[2]).read()
m = re.search(r"objective ([0-9.e+-]+), bound ([0-9.e+-]+), gap ([0-9.e+-]+) \((not )?proven optimal\)", doc)
assert m, "no objective/bound/gap in the docstring"
for got, want in ((m[1], d["metrics"]["objective"]), (m[2], d["bound"]), (m[3], d["gap"])):
    assert abs(float(got) - want) <= 1e-5 * abs(want), (got, want)   # 6 significant digits
assert (m[4] is None) == (d["stop"] == "optimal")
PY
# The same sentence as export of the -o file writes (the design record's,
# dm_design_record_note): the two files differ only in their source line.
grep -v '^Source: ' "$T/f.py" >"$T/f1"
grep -v '^Source: ' "$T/fe.py" >"$T/f2"
ok cmp -s "$T/f1" "$T/f2"
# No limit given: the paragraph does not invent one.
"$BIN" design --family basic --macs 7.7M --rho 0.2 --input-size 28 --in-channels 1 --classes 10 \
    --stem-stride 1 --strides 1,2,2 --kernels 3 --torch "$T/g.py" >/dev/null; ok test $? -eq 0
ok grep -q "under rho <= 0.2, MACs <= 7700000: objective" "$T/g.py"
# '-' is not standard output here (the summary is): a usage error, no file named '-'.
ABS="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
(cd "$T" && "$ABS" design --preset r18 --torch - >/dev/null 2>"$T/err"); ok test $? -eq 2
(cd "$T" && "$ABS" design --preset r18 -o - >/dev/null 2>"$T/err"); ok test $? -eq 2
ok test ! -e "$T/-"
# An unwritable path fails with exit 1 and leaves nothing.
"$BIN" design --preset r18 --torch "$T/no/such/dir/x.py" >/dev/null 2>"$T/err"; ok test $? -eq 1
ok test -s "$T/err"
ok test ! -e "$T/no/such/dir/x.py"

echo "$pass passed, $fail failed"
test $fail -eq 0
