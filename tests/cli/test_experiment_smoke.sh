#!/usr/bin/env bash
# CI smoke run of the Fashion-MNIST study (experiments/fashion-mnist, issue #6):
# 2 networks, 1 seed, 1 epoch on 2,000 train / 2,000 test images, then two
# reruns (same recipe: kept; another recipe: retrained).  Checks that
# the pipeline runs end to end and that what it writes is sane, against truths
# outside the pipeline: the dataset's own reader (mnist_reader.py shipped by
# Debian's dataset-fashion-mnist) for the IDX loader, and PyTorch's parameter
# count for the exported nets.  Installs nothing: skips (exit 77) with a message
# when the data, torch or matplotlib is missing.
#   bash test_experiment_smoke.sh <deepmad-binary> <source-dir>
set -u
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRC="$(cd "$2" && pwd)"
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1   # importing train.py must not litter the source tree
DATA=/usr/share/datasets/fashion-mnist
EXP="$SRC/experiments/fashion-mnist"
if [ ! -f "$DATA/train-images-idx3-ubyte.gz" ]; then
  echo "SKIP: $DATA not found (Debian: apt-get install dataset-fashion-mnist)"; exit 77
fi
if ! $PY -c 'import torch, matplotlib' 2>/dev/null; then
  echo "SKIP: $PY cannot import torch and matplotlib (python3-torch, python3-matplotlib)"; exit 77
fi
# train.py uses the deepmad Python package that the build puts next to the binary.
export PYTHONPATH="$(dirname "$BIN")/python${PYTHONPATH:+:$PYTHONPATH}"
if ! $PY -c 'import deepmad.train' 2>/dev/null; then
  echo "SKIP: $PY cannot import deepmad.train from $(dirname "$BIN")/python (needs python3-dev at build time)"; exit 77
fi
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else echo "FAIL: $1"; fail=$((fail+1)); fi; }

# 1. train.py's IDX reader (deepmad.data's) agrees with the dataset's own reader, all 70,000 labels
#    and the first 1,000 training images.
READER=/usr/share/doc/dataset-fashion-mnist/utils
check "IDX loader matches mnist_reader.py" "$PY - '$EXP' '$READER' '$DATA' <<'PYEOF'
import sys, numpy as np
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import train, mnist_reader
for kind, prefix in (('train', 'train'), ('t10k', 't10k')):
    x_ref, y_ref = mnist_reader.load_mnist(sys.argv[3], kind=kind)
    x, y = train.load_split(sys.argv[3], prefix)
    assert np.array_equal(y.numpy(), y_ref), kind
    assert np.array_equal((x[:1000, 0] * 255).round().numpy().astype(np.uint8).reshape(1000, -1), x_ref[:1000]), kind
    assert len(x) == len(x_ref) == (60000 if kind == 'train' else 10000)
PYEOF"

# 2. The smoke run itself, into a temp dir.
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
check "run.sh --smoke exits 0" "bash '$EXP/run.sh' --smoke --deepmad '$BIN' --out '$OUT' > '$OUT/log.txt' 2>&1 || { cat '$OUT/log.txt'; false; }"
for f in results.csv results.md plot.png designs/baseline.py designs/rho-0.3.py; do
  check "$f written" "[ -s '$OUT/$f' ]"
done
check "plot.png is a PNG" "[ \"\$(head -c 8 '$OUT/plot.png' | od -An -tx1 | tr -d ' \n')\" = 89504e470d0a1a0a ]"

# 3. The table: 2 rows, accuracies in [0,1], one above chance (10%); params
#    in the table (deepmad analyze) equal PyTorch's count of the trained module.
check "results.csv sane" "$PY - '$OUT' <<'PYEOF'
import csv, json, sys, glob
rows = list(csv.DictReader(open(sys.argv[1] + '/results.csv')))
assert [r['network'] for r in rows] == ['baseline', 'rho-0.3'], rows
accs = [float(r['acc_mean']) for r in rows]
assert all(0.0 <= a <= 1.0 for a in accs), accs
assert max(accs) > 0.15, accs
for r in rows:
    run = json.loads(open(glob.glob(sys.argv[1] + '/runs/' + r['network'] + '-seed0.json')[0]).read())
    assert run['params'] == int(r['params']), (run['params'], r['params'])
    assert run['train_images'] == 2000 and run['test_images'] == 2000
PYEOF"

# 4. A rerun keeps a finished run only when both the net and the recipe match:
#    the same command retrains nothing; another test subset retrains both nets.
check "rerun with the same recipe keeps both runs" "bash '$EXP/run.sh' --smoke --deepmad '$BIN' --out '$OUT' > '$OUT/log2.txt' 2>&1 &&
  [ \"\$(grep -c '^kept: ' '$OUT/log2.txt')\" = 2 ] || { cat '$OUT/log2.txt'; false; }"
check "rerun with another recipe retrains" "TEST_SUBSET=1000 bash '$EXP/run.sh' --smoke --deepmad '$BIN' --out '$OUT' > '$OUT/log3.txt' 2>&1 &&
  ! grep -q '^kept: ' '$OUT/log3.txt' && grep -q '\"test_images\": 1000' '$OUT/runs/baseline-seed0.json' || { cat '$OUT/log3.txt'; false; }"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
