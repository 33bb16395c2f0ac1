#!/bin/bash
# test_design_infeasible.sh -- infeasibility is an answer: `deepmad design
# ... --json` on an infeasible problem prints one JSON object
#   {"status": "infeasible", "constraint", "least", "limit", "proven", "message"}
# on standard output and exits 1, and the one-line message stays on stderr.
#
# DEPENDS ON THE SOLVER WORK (branch `space`, issue #11 item 3): dm_solve /
# dm_mlp_solve must fill stop = DM_STOP_INFEASIBLE, binding, least and
# proven.  Without it the CLI prints no object and this test FAILS by design.
# (The MLP case below needs the same from dm_mlp_solve, which branch `io`
# provides: it passes without `space`.)
# usage: bash test_design_infeasible.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL line ${BASH_LINENO[0]}: $*"; fi; }

# MACs-infeasible: the least bottleneck network of this layout has 6853888 MACs.
"$BIN" design --family bottleneck --macs 1M --params 1K --rho 0.3 --json >"$T/out" 2>"$T/err"
ok test $? -eq 1
ok test "$(wc -l <"$T/err")" -eq 1
ok grep -q "^deepmad: MACs budget 1000000 is below the least" "$T/err"
/usr/bin/python3 - "$T/out" "$T/err" <<'PY'; ok test $? -eq 0
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
assert text.count("\n") == 1, "not one line"
assert list(d) == ["status", "constraint", "least", "limit", "proven", "message"], list(d)
assert d["status"] == "infeasible" and d["constraint"] == "macs", d
assert d["least"] == 6853888 and d["limit"] == 1000000, d
assert isinstance(d["proven"], bool)
err = open(sys.argv[2]).read()
assert err == "deepmad: " + d["message"] + "\n", (err, d["message"])
PY

# An MLP whose smallest design breaks the params budget.
"$BIN" design --family mlp --in-features 784 --out-features 10 --params 6000 --json \
    >"$T/mlp" 2>/dev/null
ok test $? -eq 1
/usr/bin/python3 - "$T/mlp" <<'PY'; ok test $? -eq 0
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "infeasible" and d["constraint"] == "params", d
assert d["least"] == 6370 and d["limit"] == 6000, d
PY

# Without --json nothing goes to standard output.
"$BIN" design --family bottleneck --macs 1M --params 1K >"$T/plain" 2>/dev/null
ok test $? -eq 1
ok test ! -s "$T/plain"

echo "$pass passed, $fail failed"
test $fail -eq 0
