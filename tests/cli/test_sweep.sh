#!/bin/bash
# test_sweep.sh -- `deepmad sweep`: a small problem swept over rho0 (two
# infeasible points, then designs); each point agrees with a separate
# `deepmad design ... --rho R --json` at the same R; the plot renders
# (rsvg-convert), marks each infeasible point in each panel, and the PNG
# has the documented size; bad --rho ranges and usage exit 2, an
# unwritable -o exits 1 before solving.
# usage: bash test_sweep.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
SRC=$2
. "$SRC/tests/cli/lib.sh"
if ! command -v rsvg-convert >/dev/null; then
    echo "SKIP: rsvg-convert not found (Debian librsvg2-bin)"
    exit 77
fi
P=(--family bottleneck --macs 100M --params 1M --strides 2,2,2,2 --kernels 3)

expect 0 "" "$BIN" sweep --rho 0.05:1:4 "${P[@]}" -o "$tmp/s.svg" --json
cp "$tmp/out" "$tmp/points.json"
expect 0 "" rsvg-convert "$tmp/s.svg" -o "$tmp/s-svg.png"
expect 0 "" "$BIN" sweep --rho 0.05:1:4 "${P[@]}" -o "$tmp/s.png"
expect 0 "" "$BIN" sweep --rho 0.05:1:4 "${P[@]}" -o "$tmp/s2.svg"
if cmp -s "$tmp/s.svg" "$tmp/s2.svg"; then ok; else bad "two sweeps' SVGs differ"; fi

# Each point against design, called separately at the JSON's own rho0.
/usr/bin/python3 - "$tmp/points.json" >"$tmp/rhos" <<'PY'
import json, math, sys
pts = json.load(open(sys.argv[1]))["points"]
assert len(pts) == 4, pts
lo, hi = 0.05, 1.0   # log-spaced, ends included
for i, p in enumerate(pts):
    want = math.exp(math.log(lo) + i / 3 * (math.log(hi) - math.log(lo)))
    assert abs(p["rho0"] - want) <= 1e-12 * want, (p["rho0"], want)
print("\n".join(repr(p["rho0"]) for p in pts))
PY
[ $? -eq 0 ] && ok || bad "the sweep's rho0 values are not the log grid"
i=0
while read -r rho; do
    "$BIN" design "${P[@]}" --rho "$rho" --json >"$tmp/d$i.json" 2>/dev/null
    i=$((i + 1))
done <"$tmp/rhos"
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
pts = json.load(open(tmp + "/points.json"))["points"]
n_inf = 0
for i, p in enumerate(pts):
    d = json.load(open("%s/d%d.json" % (tmp, i)))
    assert p["status"] == d["status"], (i, p["status"], d["status"])
    if d["status"] == "infeasible":
        n_inf += 1
        assert p["constraint"] == d["constraint"] and p["least"] == d["least"], (p, d)
        continue
    m = d["metrics"]
    for k in ("objective", "entropy", "params", "macs", "rho"):
        assert p[k] == m[k], (i, k, p[k], m[k])
    assert p["depth"] == sum(s["depth"] for s in d["architecture"]["superblocks"]), i
    assert p["gap"] == d["gap"], (i, p["gap"], d["gap"])
assert n_inf == 2 and len(pts) - n_inf == 2, "want 2 infeasible and 2 designed points"
# The plot marks each infeasible point in each of its 4 panels (a red
# cross, one path each), plus the legend's cross.
svg = open(tmp + "/s.svg").read()
crosses = svg.count("stroke:rgb(85%,15%,15%)")
assert crosses == 4 * n_inf + 1, crosses
labels = svg.split("<desc>\n")[1].split("</desc>")[0].split("\n")
for want in ("objective", "entropy H", "depth (blocks)", "params", "rho0 (log)"):
    assert want in labels, want
PY
[ $? -eq 0 ] && ok || bad "sweep points disagree with design, or the plot misses them"
/usr/bin/python3 - "$tmp/s.png" "$SRC/tests/cli" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import png
w, h, rows = png.read(sys.argv[1])
assert (w, h) == (920, 700), (w, h)
assert len({p for r in rows[::5] for p in r[::5]}) > 5, "blank"
PY
[ $? -eq 0 ] && ok || bad "the sweep's PNG is not 920 x 700 or is blank"
# --linear: evenly spaced rho0.
expect 0 "" "$BIN" sweep --rho 0.2:0.5:3 --linear "${P[@]}" --json
grep -q '"rho0": 0.35' "$tmp/out" && ok || bad "--linear: no midpoint 0.35 ($(cat "$tmp/out"))"

# Bad usage: exit 2; an unwritable output: exit 1 before any solve.
ONE_LINE_ERRORS=1
expect 2 "first end must be below" "$BIN" sweep --rho 2:1 "${P[@]}" -o "$tmp/x.svg"
expect 2 "" "$BIN" sweep --rho 0:1 "${P[@]}" -o "$tmp/x.svg"
expect 2 "" "$BIN" sweep --rho 0.1:1:1 "${P[@]}" -o "$tmp/x.svg"
expect 2 "needs LO:HI" "$BIN" sweep --rho 0.5 "${P[@]}" -o "$tmp/x.svg"
expect 2 "" "$BIN" sweep --rho a:b "${P[@]}" -o "$tmp/x.svg"
expect 2 "needs --rho" "$BIN" sweep "${P[@]}" -o "$tmp/x.svg"
expect 2 "needs -o" "$BIN" sweep --rho 0.1:1 "${P[@]}"
expect 2 "cannot tell the picture format" "$BIN" sweep --rho 0.1:1 "${P[@]}" -o "$tmp/x.gif"
expect 2 "" "$BIN" sweep --rho 0.1:1 "${P[@]}" -o "$tmp/x.svg" --bogus
expect 2 "" "$BIN" sweep --rho 0.1:1 --family nosuch -o "$tmp/x.svg"
expect 1 "" "$BIN" sweep --rho 0.1:1 "${P[@]}" -o "$tmp/no/such/dir/x.svg"
if [ -e "$tmp/x.svg" ]; then bad "a failed sweep left x.svg"; else ok; fi
expect 0 "" "$BIN" sweep --help
grep -q "deepmad sweep --rho 0.1:2.0 --preset r18" "$tmp/out" && ok || bad "--help has no example"

report test_sweep
