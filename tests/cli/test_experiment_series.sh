#!/usr/bin/env bash
# test_experiment_series.sh -- the Fashion-MNIST study's series (README, "Two
# series"): run.sh --dry-run prints the design commands of the study's own
# basic-block series and of SPACE=paper's paper-space series (the layout flags
# the same, the space's own kernels), writes nothing, and refuses an unknown
# SPACE; report.py puts two series into one table.  Trains nothing.
#   bash test_experiment_series.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
SRC="$(cd "$2" && pwd)"
. "$SRC/tests/cli/lib.sh"
RUN="$SRC/experiments/fashion-mnist/run.sh"
LAYOUT="--input-size 28 --in-channels 1 --classes 10 --stem-stride 1 --strides 1,2,2"

# The study's series: unchanged command, names rho-R.
bash "$RUN" --dry-run --deepmad "$BIN" --out "$tmp/o" >"$tmp/basic" 2>/dev/null
if [ $? -eq 0 ] && [ "$(grep -c "design --family basic --kernels 3 --macs 7783872 --params 68642 --rho [0-9.]* $LAYOUT -o $tmp/o/designs/rho-[0-9.]*.json" "$tmp/basic")" = 8 ]; then ok; else bad "basic series: $(cat "$tmp/basic")"; fi
# SPACE=paper: bottlenecks in the paper space, no --kernels, names paper-rho-R.
SPACE=paper RHOS="0.2 0.5" bash "$RUN" --dry-run --deepmad "$BIN" --out "$tmp/o" >"$tmp/paper" 2>/dev/null
if [ $? -eq 0 ] && [ "$(grep -c "design --family bottleneck --space paper --macs 7783872 --params 68642 --rho 0\.[25] $LAYOUT -o $tmp/o/designs/paper-rho-0\.[25].json" "$tmp/paper")" = 2 ] &&
   ! grep -q -- --kernels "$tmp/paper"; then ok; else bad "paper series: $(cat "$tmp/paper")"; fi
if [ ! -e "$tmp/o" ]; then ok; else bad "--dry-run wrote $tmp/o"; fi
SPACE=nope bash "$RUN" --dry-run --deepmad "$BIN" --out "$tmp/o" >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q "SPACE must be unset or 'paper'" "$tmp/err"; then ok; else bad "SPACE=nope: $(cat "$tmp/err")"; fi

# report.py: a baseline and one net of each series, made up here; the table
# has both series, each rho_0 read from its own prefix.
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    mkdir -p "$tmp/r/designs" "$tmp/r/runs"
    i=0
    for n in baseline rho-0.3 paper-rho-0.3; do
        i=$((i + 1))
        echo "{\"n\": $i}" >"$tmp/r/designs/$n.json"
        echo "{\"rho\": 0.$i, \"entropy\": $i, \"objective\": $i, \"layers\": $i, \"params\": $i, \"macs\": $i}" \
            >"$tmp/r/designs/$n.metrics.json"
        for s in 0 1; do
            echo "{\"seed\": $s, \"test_acc\": 0.$i$s, \"epochs\": 1, \"train_images\": 10, \"test_images\": 10, \"recipe\": \"r\", \"train_seconds\": 1}" \
                >"$tmp/r/runs/$n-seed$s.json"
        done
    done
    /usr/bin/python3 "$SRC/experiments/fashion-mnist/report.py" "$tmp/r" baseline rho-0.3 paper-rho-0.3 >/dev/null
    if /usr/bin/python3 - "$tmp/r/results.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [(r["network"], r["series"], r["rho0"]) for r in rows] == \
    [("baseline", "baseline", ""), ("rho-0.3", "basic", "0.3"), ("paper-rho-0.3", "paper space", "0.3")], rows
# paired with the baseline seed by seed: 0.30 - 0.10 and 0.31 - 0.11 = +20 points.
assert abs(float(rows[2]["vs_base_mean"]) - 20.0) < 1e-9, rows[2]
PY
    then ok; else bad "report.py two series"; fi
    if [ -s "$tmp/r/plot.png" ] && grep -q "| paper-rho-0.3 | paper space | 0.3 |" "$tmp/r/results.md"; then ok; else bad "results.md / plot.png"; fi
else
    echo "note: matplotlib missing, report.py not checked"
fi
report test_experiment_series
