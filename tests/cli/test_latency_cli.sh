#!/bin/bash
# test_latency_cli.sh -- the latency prediction and budget as a user meets
# them (docs/latency.md): analyze --latency-table (text and JSON, per stage
# and in total, nothing added without a table), and the clear errors of
# analyze and design (a budget without a table, a bad time, a missing
# file, a table that does not fit).  The table is measured here, small and
# fast; no time is asserted, only structure: the stages add up to the
# total.
# usage: bash test_latency_cli.sh <deepmad-binary> <source-dir>
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export XDG_CACHE_HOME="$tmp/cache"
cd "$tmp" || exit 1

expect 0 "" "$bin" profile resnet18 --input-size 32 --runs 1 --warmup 0 --no-cache -o lat.json
expect 0 "" "$bin" analyze resnet18 --input-size 32 --latency-table lat.json --json
cp "$tmp/out" a.json
"$PY" - a.json <<'PYEOF' && ok || bad "analyze --json latency: $(head -c 600 a.json)"
import json, sys
d = json.load(open(sys.argv[1]))
st = [s["latency_ms"] for s in d["stages"]]
assert d["latency_ms"] > 0 and all(v >= 0 for v in st), d
assert abs(sum(st) - d["latency_ms"]) <= 1e-6 * d["latency_ms"], (st, d["latency_ms"])
PYEOF
expect 0 "" "$bin" analyze resnet18 --input-size 32 --latency-table lat.json
grep -q "predicted latency .* ms" "$tmp/out" && ok || bad "analyze text has no predicted latency"
grep -q "per stage (ms)" "$tmp/out" && ok || bad "analyze text has no per-stage latency"
expect 0 "" "$bin" analyze resnet18 --input-size 32 --json
grep -q "latency_ms" "$tmp/out" && bad "analyze --json without a table has latency_ms" || ok

ONE_LINE_ERRORS=1 expect 1 "cannot estimate the op" "$bin" analyze efficientnet_b0 --input-size 32 \
    --latency-table lat.json
ONE_LINE_ERRORS=1 expect 1 "no-such.json" "$bin" analyze resnet18 --latency-table no-such.json
printf '{"format": "deepmad-latency-table", "version": 2}' >v2.json
ONE_LINE_ERRORS=1 expect 1 "version" "$bin" analyze resnet18 --latency-table v2.json

small="--family basic --input-size 32 --classes 10 --strides 2,2 --channels 8,32 --depth 1,2"
# shellcheck disable=SC2086
ONE_LINE_ERRORS=1 expect 2 "latency-table" "$bin" design $small --latency 5ms
for t in 5xs ms -1ms 1e12 abc; do
    # shellcheck disable=SC2086
    ONE_LINE_ERRORS=1 expect 2 "latency" "$bin" design $small --latency "$t" --latency-table lat.json
done
# shellcheck disable=SC2086
expect 0 "" "$bin" design $small --latency 0 --nodes 200   # 0 = no limit, as --macs 0
# shellcheck disable=SC2086
ONE_LINE_ERRORS=1 expect 1 "no-such.json" "$bin" design $small --latency 0.005s \
    --latency-table no-such.json
# shellcheck disable=SC2086
ONE_LINE_ERRORS=1 expect 1 "does not fit this problem" "$bin" design $small --latency 40 \
    --latency-table lat.json
# profile reads design's problem options: its table fits that problem.
# shellcheck disable=SC2086
expect 0 "" "$bin" profile $small --runs 1 --warmup 0 --no-cache -o small.json
# shellcheck disable=SC2086
expect 0 "" "$bin" design $small --latency 1000 --latency-table small.json --nodes 200 --json
grep -q '"latency_ms"' "$tmp/out" && ok || bad "design with the profiled table has no latency_ms"
cp "$tmp/out" free.json
# --refine: the design's shapes measured into the table until its latency
# is a sum of measured times; the table file grows by what was measured.
# shellcheck disable=SC2086
ONE_LINE_ERRORS=1 expect 2 "--refine needs --latency-table" "$bin" design $small --refine
lat=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["latency_ms"])' free.json)
budget=$("$PY" -c "print('%.6f' % (0.9 * $lat))")
cp small.json refined.json
# shellcheck disable=SC2086
expect 0 "" "$bin" design $small --latency "$budget" --latency-table refined.json --refine \
    --nodes 200 --json
cp "$tmp/out" r.json
"$PY" - r.json small.json refined.json "$budget" <<'PYEOF' && ok || bad "design --refine: $(tail -c 400 r.json)"
import json, sys
r = json.load(open(sys.argv[1]))
before = json.load(open(sys.argv[2]))["entries"]
after = json.load(open(sys.argv[3]))["entries"]
ref = r["refine"]
assert 1 <= ref["solves"] <= 16 and ref["estimated"] == 0, ref
assert len(after) == len(before) + ref["measured"], (len(before), len(after), ref)
assert r["metrics"]["latency_ms"] <= float(sys.argv[4]), r["metrics"]
PYEOF
# shellcheck disable=SC2086
expect 0 "" "$bin" design $small --latency "$budget" --latency-table refined.json --refine --nodes 200
grep -q "^refined .* measured into refined.json" "$tmp/out" && ok || bad "design --refine text has no 'refined' line"
sed 's/"cpu": "[^"]*"/"cpu": "Another CPU 9000"/' refined.json >foreign.json
# shellcheck disable=SC2086
ONE_LINE_ERRORS=1 expect 1 "Another CPU 9000" "$bin" design $small --latency "$budget" \
    --latency-table foreign.json --refine --nodes 200
ONE_LINE_ERRORS=1 expect 2 "give --preset or --family" "$bin" profile --strides 2,2 -o x.json
ONE_LINE_ERRORS=1 expect 2 "unknown option '--torch'" "$bin" profile --preset r18 --torch x.py \
    -o x.json
expect 0 "" "$bin" design --help
grep -q -- "--latency TIME" "$tmp/out" && ok || bad "design --help has no --latency"
report test_latency_cli
