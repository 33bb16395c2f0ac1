#!/bin/bash
# test_measure_profile.sh -- `deepmad measure` and `deepmad profile` as a
# user meets them: --help that names every JSON key, the keys themselves,
# clear errors (bad thread counts, unknown files, MLPs), the table file,
# and the per-machine cache (a second profile measures nothing new).
# Structure only: no time is asserted (the machines are shared and noisy).
# usage: bash test_measure_profile.sh <deepmad-binary> <source-dir>
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export XDG_CACHE_HOME="$tmp/cache"
cd "$tmp" || exit 1

# keys FILE KEY...: FILE is one JSON object holding every KEY.
keys() {
    local f=$1
    shift
    "$PY" - "$f" "$@" <<'EOF' && ok || bad "$f lacks one of: $*"
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if all(k in d for k in sys.argv[2:]) else 1)
EOF
}

# --- measure ------------------------------------------------------------------
MKEYS="model input_size measured_ms spread_ms runs warmup threads batch reorders cpu engine"
expect 0 "" "$bin" measure --help
for k in $MKEYS; do grep -q "$k" "$tmp/out" && ok || bad "measure --help does not name $k"; done
grep -q "median" "$tmp/out" && ok || bad "measure --help does not say what is reported"

small="--input-size 32 --runs 2 --warmup 0"
for opts in "--threads 1" "--threads 2" "--batch 2"; do
    # shellcheck disable=SC2086
    expect 0 "" "$bin" measure resnet18 $small $opts --json
    cp "$tmp/out" m.json
    # shellcheck disable=SC2086
    keys m.json $MKEYS
    "$PY" -c "import json,sys; d=json.load(open('m.json')); sys.exit(0 if d['measured_ms'] > 0 \
and d['spread_ms'] >= 0 and d['runs'] == 2 and d['engine'].startswith('oneDNN') else 1)" \
        && ok || bad "measure $opts: $(cat m.json)"
done
"$PY" -c "import json; d=json.load(open('m.json')); assert d['batch'] == 2" && ok \
    || bad "--batch 2 is not batch 2"
# shellcheck disable=SC2086
expect 0 "" "$bin" measure efficientnet_b0 $small
grep -q "measured .* ms" "$tmp/out" && ok || bad "measure's text has no measured line"

ONE_LINE_ERRORS=1 expect 2 "threads" "$bin" measure resnet18 --threads 0
ONE_LINE_ERRORS=1 expect 2 "runs" "$bin" measure resnet18 --runs 0
ONE_LINE_ERRORS=1 expect 1 "no-such.json" "$bin" measure no-such.json
ONE_LINE_ERRORS=1 expect 2 "MODEL" "$bin" measure
"$bin" design --family mlp --in-features 16 --out-features 4 --params 10K -o mlp.json >/dev/null
ONE_LINE_ERRORS=1 expect 1 "MLP" "$bin" measure mlp.json
ONE_LINE_ERRORS=1 expect 2 "MLP" "$bin" measure mlp.json --threads 2

# --- profile ------------------------------------------------------------------
PKEYS="output shapes measured reused seconds cache cpu engine threads batch"
expect 0 "" "$bin" profile --help
for k in $PKEYS; do grep -q "$k" "$tmp/out" && ok || bad "profile --help does not name $k"; done
grep -q "XDG_CACHE_HOME" "$tmp/out" && ok || bad "profile --help does not say where the cache is"

prof="--input-size 32 --runs 2 --warmup 0"
# shellcheck disable=SC2086
expect 0 "" "$bin" profile resnet18 efficientnet_b0 $prof -o t1.json --json
cp "$tmp/out" p1.json
# shellcheck disable=SC2086
keys p1.json $PKEYS
"$PY" -c "import json,sys; d=json.load(open('p1.json')); sys.exit(0 if d['shapes'] > 20 \
and d['measured'] == d['shapes'] and d['reused'] == 0 else 1)" && ok || bad "first profile: $(cat p1.json)"
"$PY" -c "import json; json.load(open('t1.json'))" && ok || bad "t1.json is not JSON"
ls "$XDG_CACHE_HOME"/deepmad/latency-*-t1-b1.json >/dev/null 2>&1 && ok || bad "no cache file"
# Again, with one model: every shape from the cache, the same entries.
# shellcheck disable=SC2086
expect 0 "" "$bin" profile resnet18 $prof -o t2.json --json
cp "$tmp/out" p2.json
"$PY" -c "import json,sys; d=json.load(open('p2.json')); sys.exit(0 if d['measured'] == 0 \
and d['reused'] == d['shapes'] > 0 else 1)" && ok || bad "second profile: $(cat p2.json)"
# --no-cache measures again and touches no cache.
rm -rf "$XDG_CACHE_HOME"
# shellcheck disable=SC2086
expect 0 "" "$bin" profile resnet18 $prof -o t3.json --no-cache --json
[ ! -e "$XDG_CACHE_HOME" ] && ok || bad "--no-cache wrote a cache"
"$PY" -c "import json,sys; d=json.load(open('$tmp/out')); sys.exit(0 if d['cache'] is None \
and d['measured'] == d['shapes'] else 1)" && ok || bad "--no-cache: $(cat "$tmp/out")"

ONE_LINE_ERRORS=1 expect 2 "-o" "$bin" profile resnet18
ONE_LINE_ERRORS=1 expect 2 "MODEL" "$bin" profile -o t.json
ONE_LINE_ERRORS=1 expect 2 "threads" "$bin" profile resnet18 -o t.json --threads 0
ONE_LINE_ERRORS=1 expect 1 "no-such.json" "$bin" profile no-such.json -o t.json
ONE_LINE_ERRORS=1 expect 1 "MLP" "$bin" profile mlp.json -o t.json
[ ! -e t.json ] && ok || bad "a failed profile wrote its output"

report test_measure_profile
