#!/bin/bash
# test_plausibility.sh -- the plausibility block of `analyze` and `design`
# (docs/plausibility.md) against independent truth: the published
# DeepMAD-R18's classifier from SPEC section 8's two counts, EfficientNet-B0's
# head and expansions from its published table, and the at-limit list
# re-derived here in Python from the documented domain rules.
# usage: bash test_plausibility.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
. "$2/tests/cli/lib.sh"
PY=/usr/bin/python3

# check NAME CMD...: run CMD, count its status (Python checks exit 1 on failure).
check() {
    local name=$1
    shift
    if "$@"; then ok; else bad "$name"; fi
}

# --- analyze: text --------------------------------------------------------
"$BIN" analyze deepmad-r18 >"$tmp/r18.txt"
# SPEC section 8: 11,826,088 with the classifier, 11,153,088 without: the
# classifier is 673,000 params, 5.69 % of all.
check "r18 head line" grep -q "^  head + classifier  673,000 params  (5.7% of all)$" "$tmp/r18.txt"
check "r18 space" grep -q "^plausibility (limits of the paper space of bottleneck nets):$" "$tmp/r18.txt"
# Its inner widths 40, 40, 64, 104, 104 on 96, 384, 384, 1024, 672: the
# floor 0.1 x out, rounded up to a multiple of 8, is 16, 40, 40, 104, 72.
check "r18 floor" grep -q "^warning: inner width of superblocks 2, 4 is at its floor 0.1 x out of the paper space$" "$tmp/r18.txt"
check "r18 ratios" grep -q "^  inner/out          0.102 (superblock 4) .. 0.417 (superblock 1)" "$tmp/r18.txt"
# torchvision basic blocks have inner = out: every one at the open space's cap 1 x out.
"$BIN" analyze resnet18 >"$tmp/rn18.txt"
check "resnet18 cap" grep -q "^warning: inner width of superblocks 1, 2, 3, 4 is at its cap 1 x out of the open space$" "$tmp/rn18.txt"
check "resnet18 ratio" grep -q "^  inner/out          1.000 in every superblock" "$tmp/rn18.txt"

# --- analyze --json ---------------------------------------------------------
"$BIN" analyze efficientnet_b0 --json >"$tmp/b0.json"
check "b0 json" "$PY" - "$tmp/b0.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["plausibility"]
# EfficientNet-B0 (Tan & Le, table 1): head 1x1 320 -> 1280 + BN, classifier 1280 -> 1000 + bias.
head = 320 * 1280 + 2 * 1280 + 1280 * 1000 + 1000
assert p["head_params"] == head, p
assert abs(p["head_share"] - head / 5288548) < 1e-15, p       # torchvision's 5,288,548 params
# Block 0 of each stage: (expansion, input, output); m = expansion * input.
stages = [(1, 32, 16), (6, 16, 24), (6, 24, 40), (6, 40, 80), (6, 80, 112), (6, 112, 192), (6, 192, 320)]
r = [e * i / o for e, i, o in stages]
assert p["inner_ratio_min"] == min(r) and p["inner_ratio_min_superblock"] == r.index(min(r)) + 1, p
assert p["inner_ratio_max"] == max(r) and p["inner_ratio_max_superblock"] == r.index(max(r)) + 1, p
assert p["head"] == 1280 and p["head_ratio"] == 4 and p["stem"] == 32, p
# Open mbconv space: kernels {3, 5}; B0's stages 3, 5, 6 use 5.  Nothing else is at an end.
assert p["space"] == "open", p
assert [(h["variable"], h.get("superblock"), h["end"]) for h in p["at_limit"]] == \
    [("kernel", 3, "max"), ("kernel", 5, "max"), ("kernel", 6, "max")], p["at_limit"]
PY

# The at-limit list, re-derived from the rules of docs/plausibility.md.
cat >"$tmp/derive.py" <<'PY'
import json, math, sys

def fl(x): return math.floor(x / 8 + 1e-9) * 8
def ce(x): return math.ceil(x / 8 - 1e-9) * 8

def end(v, lo, hi, low=True):
    if v >= fl(hi): return "max"
    if low and v <= ce(lo): return "min"
    return None

def derive(a, sp):
    """(variable, superblock, end) of every variable at an end; depth aside."""
    hits = []
    e = end(a["stem"]["out"], *sp["stem"])
    if e: hits.append(("stem", None, e))
    for i, b in enumerate(a["superblocks"], 1):
        c, m = b["out"], b["inner"]
        e = end(c, *sp["channels"])
        if e: hits.append(("channels", i, e))
        lo = max(8, ce(sp["inner"][0] * c))
        hi = max(lo, fl(sp["inner"][1] * c))
        if m <= lo: hits.append(("inner", i, "min"))
        elif m >= hi: hits.append(("inner", i, "max"))
        if b["kernel"] >= max(sp["kernels"]): hits.append(("kernel", i, "max"))
    if a.get("head"):
        h, last = a["head"]["out"], a["superblocks"][-1]["out"]
        if end(h, 8, sp["head_cap"], low=False): hits.append(("head", None, "max"))
        if sp.get("ratio"):
            if h >= fl(sp["ratio"][1] * last): hits.append(("head_ratio", None, "max"))
            elif h <= ce(sp["ratio"][0] * last): hits.append(("head_ratio", None, "min"))
    return hits

def got(p):
    return [(h["variable"], h.get("superblock"), h["end"]) for h in p["at_limit"] if h["variable"] != "depth"]

SPACES = {  # SPEC section 8 (paper) and the defaults (open)
    "paper-bottleneck": dict(stem=(16, 64), channels=(8, 2048), inner=(0.1, 1), kernels=[3, 5]),
    "open-mbconv": dict(stem=(8, 4096), channels=(8, 4096), inner=(1, 6), kernels=[3, 5], head_cap=4096),
}
PY

"$BIN" analyze deepmad-r18 --json >"$tmp/r18.json"
"$BIN" export deepmad-r18 --format json -o "$tmp/r18.arch.json" >/dev/null
check "r18 json" "$PY" - "$tmp" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1]); from derive import *
p = json.load(open(sys.argv[1] + "/r18.json"))["plausibility"]
a = json.load(open(sys.argv[1] + "/r18.arch.json"))
assert p["head_params"] == 11826088 - 11153088 and p["head"] == 0, p
assert p["space"] == "paper", p
want = derive(a, SPACES["paper-bottleneck"])
assert got(p) == want, (got(p), want)
assert ("inner", 2, "min") in want and ("kernel", 1, "max") in want   # the check has teeth
PY

# --- design: text and --json, the problem's domains --------------------------
# An open-space mbconv problem (--family: the defaults' domains, docs/solver.md).
args=(--family mbconv --params 5.3M --macs 400M)
"$BIN" design "${args[@]}" -o "$tmp/d.arch.json" >"$tmp/d.txt"
check "design text rc" test $? -eq 0
check "design header" grep -q "^plausibility (limits of the design problem):$" "$tmp/d.txt"
check "design head line" grep -q "^  head + classifier  [0-9,]* params  ([0-9.]*% of all)$" "$tmp/d.txt"
"$BIN" design "${args[@]}" --json >"$tmp/d.json"
check "design json" "$PY" - "$tmp" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1]); from derive import *
d = json.load(open(sys.argv[1] + "/d.json"))
a, p = d["architecture"], d["plausibility"]
assert a == json.load(open(sys.argv[1] + "/d.arch.json"))
h, last, k = a["head"]["out"], a["superblocks"][-1]["out"], a["classes"]
head = last * h + 2 * h + h * k + k            # 1x1 conv + BN, Linear + bias
assert p["head_params"] == head and abs(p["head_share"] - head / d["metrics"]["params"]) < 1e-15, p
r = [b["inner"] / b["out"] for b in a["superblocks"]]
assert p["inner_ratio_min"] == min(r) and p["inner_ratio_max"] == max(r), (p, r)
assert p["space"] == "problem", p
want = derive(a, SPACES["open-mbconv"])
assert got(p) == want, (got(p), want)
PY
# Each JSON hit has its warning line (superblocks grouped).
check "design warnings" "$PY" - "$tmp" <<'PY'
import json, re, sys
p = json.load(open(sys.argv[1] + "/d.json"))["plausibility"]
text = open(sys.argv[1] + "/d.txt").read()
for h in p["at_limit"]:
    name = {"channels": "out width", "inner": "inner width"}.get(h["variable"], h["variable"])
    if "superblock" in h:
        listed = [int(n) for l in text.splitlines()
                  for m in [re.match(r"warning: %s of superblocks? ([0-9, ]+) is" % name, l)] if m
                  for n in m.group(1).split(",")]
        assert h["superblock"] in listed, (h, listed)
    else:
        assert "warning: %s width" % h["variable"].split("_")[0] in text, (h, text)
PY

report test_plausibility
