#!/usr/bin/env bash
# The Fashion-MNIST study (issue #6), end to end: design, export, train, report.
#
#   experiments/fashion-mnist/run.sh [--smoke] [--dry-run] [--deepmad PATH] [--out DIR]
#
# Full run (defaults below: all 60,000 training images, 4 epochs, 3 seeds; about
# 70 min on 2 quiet cores): writes designs/, runs/, results.csv, results.md and
# plot.png under --out (default: this folder).
# A run whose runs/NET-seedS.json records the sha256 of the same exported net and
# the same recipe (epochs, subsets) is kept, not retrained (so more SEEDS can be
# added later); a changed design (a newer solver) or recipe is retrained; FRESH=1
# retrains everything.
# --smoke: 2 networks, 1 seed, 1 epoch on 2,000 train / 2,000 test images (CI).
# Everything is overridable by environment: EPOCHS SUBSET TEST_SUBSET SEEDS RHOS
# JOBS THREADS FRESH, and INNER (e.g. 1,1: pass --inner to every design; the ablation
# in the README).  The recipe is in train.py and is the same for every network.
# SPACE selects the series of designs to make and train (README, "Two series"):
#   unset   the study's own: basic blocks in the baseline's design space, rho-R
#   paper   bottleneck blocks in the paper's search space (--space paper), paper-rho-R
# into the same folder; the report shows every series whose designs are there.
# --dry-run: print the design commands and stop (nothing designed or trained).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY=/usr/bin/python3                 # Debian's python3-torch lives here
DEEPMAD="${DEEPMAD:-}"
OUT="$HERE"
SMOKE=0
DRY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --dry-run) DRY=1 ;;
    --deepmad) DEEPMAD="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$DEEPMAD" ]; then
  for c in "$ROOT"/build/deepmad "$ROOT"/build-*/deepmad; do [ -x "$c" ] && DEEPMAD="$c" && break; done
fi
[ -x "$DEEPMAD" ] || { echo "run.sh: deepmad binary not found; pass --deepmad PATH" >&2; exit 2; }
# train.py calls deepmad.train's recipe functions: the Python package that
# `cmake --build` puts next to the binary (BUILD/python/deepmad).
export PYTHONPATH="$(cd "$(dirname "$DEEPMAD")" && pwd)/python${PYTHONPATH:+:$PYTHONPATH}"

if [ "$SMOKE" = 1 ]; then
  : "${EPOCHS:=1}" "${SUBSET:=2000}" "${TEST_SUBSET:=2000}" "${SEEDS:=0}" "${RHOS:=0.3}"
else
  : "${EPOCHS:=4}" "${SUBSET:=0}" "${TEST_SUBSET:=0}" "${SEEDS:=0 1 2}" "${RHOS:=0.1 0.2 0.3 0.4 0.5 0.7 1.0 2.0}"
fi
# Two one-thread workers = the 2 cores.  One two-thread worker was measured 9x
# slower on this shared machine (OpenMP threads spinning against other load).
: "${JOBS:=$(nproc)}" "${THREADS:=1}"

# The budget is the baseline's: a ResNet-20-style CIFAR ResNet with width
# multiplier 0.5 (stem 8, superblocks 8/16/32 x depth 3, strides 1,2,2).
BASE="$HERE/designs/baseline-resnet20-k0.5.json"
if [ "$DRY" = 0 ]; then
  mkdir -p "$OUT/designs" "$OUT/runs"
  [ "$OUT/designs/baseline.json" -ef "$BASE" ] || cp "$BASE" "$OUT/designs/baseline.json"
fi
read -r MACS PARAMS < <("$DEEPMAD" analyze "$BASE" --json | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["macs"], d["params"])')
echo "budget: $MACS MACs, $PARAMS params (the baseline's)" >&2

# The series: its name prefix and the design options that are not the layout.
case "${SPACE:-}" in
  # Basic blocks and 3x3 kernels: the baseline's own design space, so only the
  # widths and depths differ.
  "") PREFIX=rho-; SPACE_ARGS=(--family basic --kernels 3) ;;
  # The paper's ResK1KXK1 bottlenecks in its search space (SPEC section 8:
  # inner/out 0.1..1, kernels 3 and 5, channels <= 2048, stem 16..64): the
  # space decides the kernels, so the study's --kernels 3 is not passed.
  paper) PREFIX=paper-rho-; SPACE_ARGS=(--family bottleneck --space paper) ;;
  *) echo "run.sh: SPACE must be unset or 'paper', not '$SPACE'" >&2; exit 2 ;;
esac
# The layout is the study's for every series: 28 px, 1 channel, 10 classes,
# stem stride 1, 3 superblocks at strides 1,2,2.
LAYOUT=(--input-size 28 --in-channels 1 --classes 10 --stem-stride 1 --strides 1,2,2)
nets=(baseline)
for r in $RHOS; do
  n="$PREFIX$r"
  cmd=("$DEEPMAD" design "${SPACE_ARGS[@]}" --macs "$MACS" --params "$PARAMS" --rho "$r" \
       "${LAYOUT[@]}" ${INNER:+--inner "$INNER"} -o "$OUT/designs/$n.json")
  if [ "$DRY" = 1 ]; then echo "${cmd[*]} > $OUT/designs/$n.design.txt"; continue; fi
  if ! "${cmd[@]}" > "$OUT/designs/$n.design.txt" 2>"$OUT/designs/$n.err"; then
    # A rho_0 no design of this space reaches (the paper space's stem of at
    # least 16 and forced projections cost more than basic blocks) is
    # recorded and skipped; any other failure stops the study.
    answer=$("${cmd[@]:0:${#cmd[@]}-2}" --json 2>/dev/null || true)   # the same problem, without -o
    if grep -q '"status": "infeasible"' <<<"$answer"; then
      cat "$OUT/designs/$n.err" > "$OUT/designs/$n.design.txt"
      rm -f "$OUT/designs/$n.json" "$OUT/designs/$n.err"
      echo "skipped: $n is infeasible: $(cat "$OUT/designs/$n.design.txt")" >&2
      continue
    fi
    cat "$OUT/designs/$n.err" >&2; exit 1
  fi
  rm -f "$OUT/designs/$n.err"
  nets+=("$n")
done
[ "$DRY" = 1 ] && exit 0
for n in "${nets[@]}"; do
  "$DEEPMAD" analyze "$OUT/designs/$n.json" --json > "$OUT/designs/$n.metrics.json"
  "$DEEPMAD" export "$OUT/designs/$n.json" --format torch -o "$OUT/designs/$n.py"
done

# Identical designs (rho_0 above the largest rho reachable) are trained once.
jobs_file="$OUT/runs/jobs.txt"; : > "$jobs_file"
declare -A seen=()
for n in "${nets[@]}"; do
  key=$(sha256sum < "$OUT/designs/$n.json" | cut -c1-16)
  [ -n "${seen[$key]:-}" ] && continue
  seen[$key]=$n
  for s in $SEEDS; do echo "$n $s" >> "$jobs_file"; done
done
echo "training $(wc -l < "$jobs_file") runs, $JOBS at a time: $EPOCHS epochs, subset ${SUBSET}" >&2
export PY OUT EPOCHS SUBSET TEST_SUBSET THREADS HERE FRESH
t0=$(date +%s)
xargs -P "$JOBS" -L 1 bash -c '
  n=$0; s=$1; f="$OUT/runs/$n-seed$s"
  sha=$(sha256sum < "$OUT/designs/$n.py" | cut -c1-64)
  recipe="epochs=$EPOCHS subset=$SUBSET test_subset=$TEST_SUBSET "
  if [ -z "${FRESH:-}" ] && grep -q "\"model_sha256\": \"$sha\"" "$f.json" 2>/dev/null &&
     grep -q "\"recipe\": \"$recipe" "$f.json"; then
    echo "kept: $n seed $s (same design, same recipe already trained; FRESH=1 retrains)" >&2; exit 0; fi
  $PY "$HERE/train.py" "$OUT/designs/$n.py" --epochs "$EPOCHS" --seed "$s" \
      --subset "$SUBSET" --test-subset "$TEST_SUBSET" --threads "$THREADS" \
      > "$f.json" 2> "$f.log" || { echo "run.sh: $n seed $s failed, see $f.log" >&2; exit 255; }
  echo "done: $n seed $s: $(cat "$f.json")" >&2' < "$jobs_file"
echo "$(date -u +%FT%TZ) trained seeds '$SEEDS' x $EPOCHS epochs: wall time $(( $(date +%s) - t0 )) s" | tee -a "$OUT/runs/wall.txt" >&2

# Every series whose designs are in $OUT goes into one table and plot: the one
# just trained and those trained before (kept as they are, not redesigned).
shown=(baseline)
INFEASIBLE=""
for p in rho- paper-rho-; do
  for r in $RHOS; do
    if [ -f "$OUT/designs/$p$r.json" ]; then shown+=("$p$r")
    elif [ -f "$OUT/designs/$p$r.design.txt" ]; then INFEASIBLE+="$p$r "; fi
  done
done
export INFEASIBLE
SERIES_LABEL="DeepMAD design, basic blocks${INNER:+ (--inner $INNER)}" $PY "$HERE/report.py" "$OUT" "${shown[@]}"
