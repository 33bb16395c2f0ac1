#!/bin/bash
# `deepmad design --family mlp`, `analyze` and `export` of MLP files: exit
# codes, messages and files.  usage: test_mlp_cli.sh DEEPMAD_BINARY SOURCE_DIR
bin=$1 pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
expect() { # expect CODE PATTERN CMD...: exit code CODE, stdout+stderr matching PATTERN
    local code=$1 pat=$2; shift 2
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" -eq "$code" ] && grep -qE -- "$pat" <<< "$out"; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL ($rc, want $code /$pat/): $*"; echo "$out" | head -3; fi
}
d="$bin design --family mlp --in-features 784 --out-features 10"
expect 0 "usage: deepmad design --family mlp" $d --help
expect 2 "needs --in-features" "$bin" design --family mlp --params 1M
expect 2 "budget" $d
expect 2 "--rho" $d --params 1M --rho 0
expect 2 "unknown option" $d --params 1M --kernels 3
expect 1 "smallest MLP \(2 layers\) has 6370 params" $d --params 6000
expect 1 "rho <= 0.001" $d --params 1M --rho 0.001 --layers 1,4
expect 0 "status +optimal" $d --params 100K --rho 0.3
expect 0 '"stop": "optimal"' $d --params 100K --rho 0.3 --json -o "$tmp/m.json"
expect 0 "deepmad-mlp" cat "$tmp/m.json"
expect 0 "entropy" "$bin" analyze "$tmp/m.json"
expect 0 '"rho": ' "$bin" analyze "$tmp/m.json" --json
expect 2 "only --json" "$bin" analyze "$tmp/m.json" --input-size 32
expect 0 "" "$bin" export "$tmp/m.json" -o "$tmp/m.py"
expect 0 "class DeepMADMLP" cat "$tmp/m.py"
expect 2 "torch, onnx or json" "$bin" export "$tmp/m.json" -o "$tmp/m.txt"
echo '{"format": "deepmad-mlp", "version": 1, "in_features": 4, "hidden": [0], "out_features": 2}' > "$tmp/bad.json"
expect 1 "hidden\[0\]" "$bin" analyze "$tmp/bad.json"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
