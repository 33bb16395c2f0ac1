#!/bin/bash
# test_design_space.sh -- `deepmad design` in the paper space (issue #13):
# every preset's design is within its budgets, keeps every rule of the
# paper space (checked from --json by an independent checker written below
# from docs/spaces.md), scores at least the paper's published net re-scored
# the same way (`deepmad analyze NET --json`: the default scoring, which the
# presets use), and exports to the reference format.  Also: --space open and
# the explicit --family command lines mean the open space, explicit flags
# override the space wherever they stand, and what the paper space refuses.
# usage: bash test_design_space.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
. "$2/tests/cli/lib.sh"

"$BIN" design --help >"$tmp/help" || bad "design --help failed"
for opt in --space --style --stem-channels --head-max --head-ratio --inner-round; do
    grep -q -- "$opt" "$tmp/help" && ok || bad "--help lacks $opt"
done
grep -q "Two search spaces" "$tmp/help" && ok || bad "--help does not explain the spaces"

# The published net of each preset (none for b0, mb: then "-").
published() {
    case "$1" in
    r18 | r34 | r50) echo "deepmad-$1" ;;
    29m) echo deepmad-29m-224 ;;
    29m-288 | 50m | 89m) echo "deepmad-$1" ;;
    *) echo - ;;
    esac
}

# The torchvision net whose exact counts are a preset's budgets (SPEC section 7).
reference() {
    case "$1" in
    r18) echo resnet18 ;; r34) echo resnet34 ;; r50) echo resnet50 ;;
    b0) echo efficientnet_b0 ;; mb) echo mobilenet_v2 ;; *) echo - ;;
    esac
}

for p in r18 r34 r50 b0 mb 29m 29m-288 50m 89m; do
    "$BIN" design --preset "$p" --json -o "$tmp/$p.json" >"$tmp/$p.out" 2>"$tmp/err" \
        && ok || { bad "design --preset $p: $(cat "$tmp/err")"; continue; }
    "$BIN" design --preset "$p" --space open --json >"$tmp/$p.open" 2>"$tmp/err" \
        && ok || bad "design --preset $p --space open: $(cat "$tmp/err")"
    ref=$(reference "$p")
    if [ "$ref" != - ]; then "$BIN" analyze "$ref" --json >"$tmp/$p.ref" || bad "analyze $ref"
    else echo null >"$tmp/$p.ref"; fi
    pub=$(published "$p")
    if [ "$pub" != - ]; then "$BIN" analyze "$pub" --json >"$tmp/$p.pub" || bad "analyze $pub"
    else echo null >"$tmp/$p.pub"; fi
    /usr/bin/python3 - "$p" "$tmp/$p.out" "$tmp/$p.json" "$tmp/$p.pub" "$tmp/$p.open" "$tmp/$p.ref" <<'PY' && ok || bad "preset $p breaks a rule above"
import json, sys
name, out, arch, pub, opn, ref = sys.argv[1:]
d = json.load(open(out)); a = json.load(open(arch)); pub = json.load(open(pub)); o = json.load(open(opn))
ref = json.load(open(ref))
assert d["architecture"] == a, "the -o file differs from --json's architecture"
# Budgets of SPEC section 7: torchvision nets' exact counts, or round figures.
rounds = {"29m": (4.5e9, 29e6), "29m-288": (4.5e9, 29e6), "50m": (8.7e9, 50e6), "89m": (15.4e9, 89e6)}
B = (ref["macs"], ref["params"]) if ref is not None else rounds[name]
m = d["metrics"]
assert m["macs"] <= B[0] and m["params"] <= B[1], (m["macs"], m["params"], B)
mb = a["superblocks"][0]["block"] == "mbconv"
assert m["rho"] <= (0.5 if mb else 0.3) + 1e-12
# The paper space, written out again (docs/spaces.md).
assert a.get("style") == "paper", "not paper style"
assert a["stem"]["act"] == "relu" and 16 <= a["stem"]["out"] <= 64, a["stem"]
cap = 1280 if mb else 2048
prev = a["stem"]["out"]
def nearest8(v):   # Python's round: ties to even, at least 8
    return max(8, round(v / 8) * 8)
for s in a["superblocks"]:
    c, mi = s["out"], s["inner"]
    assert c % 8 == 0 and mi % 8 == 0 and prev <= c <= cap, s
    assert s["kernel"] in ((3, 5, 7) if mb else (3, 5)), s
    assert s["act"] == ("silu" if mb else "relu"), s
    lo = nearest8((1.5 if mb else 0.1) * c)
    hi = 6 * c if mb else c
    assert lo <= mi <= hi, (s, lo, hi)
    if mb: assert s.get("se") is True, s
    prev = c
if a["head"]:
    h = a["head"]["out"]
    assert a["head"]["act"] == "relu", a["head"]
    assert prev <= h <= 6 * prev and h <= 6 * cap and h % 8 == 0, h
# At least the published net, re-scored under the same (default) scoring.
if pub is not None:
    assert m["objective"] >= pub["objective"], (m["objective"], pub["objective"])
# --space open: the torchvision-style blocks of before (no "style" key).
assert "style" not in o["architecture"], "--space open gave a paper-style design"
PY
    "$BIN" export "$tmp/$p.json" --format tinynas -o "$tmp/$p.txt" 2>"$tmp/err" \
        && ok || bad "export $p to the reference format: $(cat "$tmp/err")"
    # ... and the reference file, read back, is the same network (same counts and score;
    # the format has no input size: 288 px for 29m-288, else 224).
    size=224; [ "$p" = 29m-288 ] && size=288
    "$BIN" analyze "$tmp/$p.txt" --input-size $size --json >"$tmp/$p.back" 2>"$tmp/err" || bad "analyze $p.txt: $(cat "$tmp/err")"
    /usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); a.pop("plausibility", None); d=json.load(open(sys.argv[2]))["metrics"]; sys.exit(0 if a==d else 1)' \
        "$tmp/$p.back" "$tmp/$p.out" && ok || bad "$p: the reference file reads back to other metrics"
done

# The explicit command lines of issue #14 (no --space) mean the open space:
# the same bytes as the preset with --space open (the timing line aside).
same() { # same "ARGS1" "ARGS2": the two summaries agree but for the time line
    local a b
    read -r -a a <<<"$1"
    read -r -a b <<<"$2"
    "$BIN" design "${a[@]}" | grep -v '^time' >"$tmp/s1"
    "$BIN" design "${b[@]}" | grep -v '^time' >"$tmp/s2"
    cmp -s "$tmp/s1" "$tmp/s2" && ok || bad "'$1' and '$2' differ: $(diff "$tmp/s1" "$tmp/s2" | head -5)"
}
same "--preset r18 --space open" "--family bottleneck --macs 1814073344 --params 11689512"
same "--preset 29m --space open" "--family mbconv --macs 4.5G --params 29M --strides 1,2,2,2,2"
# A flag overrides the space wherever it stands.
same "--preset r18 --kernels 3 --space paper --nodes 2000" "--preset r18 --space paper --kernels 3 --nodes 2000"
same "--family bottleneck --space paper --macs 1G --nodes 2000" "--preset r18 --macs 1G --params 0 --nodes 2000"
"$BIN" design --family mbconv --space paper --head-ratio 1,2 --stem-channels 24,24 --macs 400M \
    --params 5M --json -o "$tmp/h.json" >/dev/null && ok || bad "mbconv with --head-ratio 1,2"
/usr/bin/python3 - "$tmp/h.json" <<'PY' && ok || bad "--head-ratio 1,2 or --stem-channels 24,24 not kept"
import json, sys
a = json.load(open(sys.argv[1]))
last = a["superblocks"][-1]["out"]
h = a["head"]["out"]
assert a["stem"]["out"] == 24 and last <= h <= 2 * last, (a["stem"], last, h)
PY
grep -q "paper space, paper-style blocks" <("$BIN" design --preset r18 --nodes 1000) && ok \
    || bad "the summary does not name the paper space and style"
"$BIN" design --preset r18 --nodes 1000 --torch "$tmp/r.py" >/dev/null \
    && grep -q "^Designed by deepmad design (bottleneck, paper space, 224 px, 1000 classes) under" "$tmp/r.py" \
    && ok || bad "the --torch note does not name the paper space"

# What the paper space refuses.
expect 2 "paper space has no basic blocks" "$BIN" design --family basic --space paper
expect 2 "paper style has no basic blocks" "$BIN" design --family basic --style paper
expect 2 "search space" "$BIN" design --preset r18 --space wide
expect 2 "stem width range" "$BIN" design --preset r18 --stem-channels 64,16
expect 2 "head ratio range" "$BIN" design --preset 29m --head-ratio 4,2
expect 2 "up or nearest" "$BIN" design --preset 29m --inner-round down

report test_design_space
