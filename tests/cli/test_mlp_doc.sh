#!/bin/bash
# docs/mlp.md's worked example must be what the command it shows prints:
# for each rho0, the doc's table row holds the design's L, rho and H.
# usage: test_mlp_doc.sh DEEPMAD_BINARY SOURCE_DIR
bin=$1 src=$2 pass=0 fail=0
doc="$src/docs/mlp.md"
for rho in 0.1 0.5 1.0; do
    cmd="deepmad design --family mlp --in-features 784 --out-features 10 --params 1M --rho $rho"
    if grep -qF -- "$cmd" "$doc"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL doc lacks: $cmd"; fi
    out=$("$bin" design --family mlp --in-features 784 --out-features 10 --params 1M --rho "$rho" --json) ||
        { fail=$((fail + 1)); echo "FAIL design rho $rho exited $?"; continue; }
    row=$(/usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1]); m = d["metrics"]
print("| %s | %d | %.4f | %.2f |" % (sys.argv[2], m["layers"], m["rho"], m["mean_width"]))
print("%.4f | %.4f" % (m["entropy"], d["bound"]))' "$out" "$rho")
    while IFS= read -r piece; do
        if grep -qF -- "$piece" "$doc"; then pass=$((pass + 1))
        else fail=$((fail + 1)); echo "FAIL docs/mlp.md lacks '$piece' (rho0 $rho)"; fi
    done <<< "$row"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
