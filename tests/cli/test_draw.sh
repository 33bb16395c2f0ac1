#!/bin/bash
# test_draw.sh -- `deepmad draw`: every zoo net and a design of each block
# family draws; rsvg-convert (an independent SVG reader) renders each SVG;
# the labels the SVG draws (its glyphs, decoded through the <desc> that
# lists them) carry the numbers `deepmad analyze --json` gives; the PNG
# has the documented size, is not blank, and its bars' heights are
# proportional to the units' channels and their lengths to the depths;
# same input, same bytes; bad usage exits 2, I/O failure 1.
# usage: bash test_draw.sh <deepmad-binary> <source-dir>
set -u
BIN=$1
SRC=$2
. "$SRC/tests/cli/lib.sh"
if ! command -v rsvg-convert >/dev/null; then
    echo "SKIP: rsvg-convert not found (Debian librsvg2-bin)"
    exit 77
fi

# Every zoo net, as SVG, read back by rsvg-convert.
for net in $("$BIN" zoo); do
    expect 0 "" "$BIN" draw "$net" -o "$tmp/$net.svg"
    expect 0 "" rsvg-convert "$tmp/$net.svg" -o "$tmp/$net-svg.png"
done
# A design of each family (small budgets: fast), a reference-format file.
for fam in basic bottleneck mbconv; do
    expect 0 "" "$BIN" design --family $fam --macs 100M --params 1M --strides 2,2,2,2 \
        --kernels 3 -o "$tmp/$fam.json"
    expect 0 "" "$BIN" draw "$tmp/$fam.json" -o "$tmp/$fam.svg"
    expect 0 "" rsvg-convert "$tmp/$fam.svg" -o "$tmp/$fam-svg.png"
    expect 0 "" "$BIN" draw "$tmp/$fam.json" -o "$tmp/$fam.png"
done
expect 0 "" "$BIN" draw "$SRC/data/tinynas/deepmad-R18.txt" -o "$tmp/tinynas.svg"
expect 0 "" rsvg-convert "$tmp/tinynas.svg" -o "$tmp/tinynas-svg.png"
expect 0 "" "$BIN" draw resnet18 -o "$tmp/resnet18.png"
expect 0 "" "$BIN" draw efficientnet_b0 -o "$tmp/efficientnet_b0.png"

# What the pictures show, against analyze --json and the model files.
check() {   # check MODEL NAME: NAME.svg and NAME.png drawn from MODEL
    "$BIN" analyze "$1" --json >"$tmp/$2.analyze.json" || { bad "analyze $1"; return; }
    "$BIN" export "$1" --format json -o "$tmp/$2.arch.json" >/dev/null 2>&1 ||
        { bad "export $1"; return; }
    if /usr/bin/python3 - "$tmp" "$2" "$SRC/tests/cli" <<'PY'
import json, re, sys
tmp, name, here = sys.argv[1:4]
sys.path.insert(0, here)
import png

m = json.load(open("%s/%s.analyze.json" % (tmp, name)))
a = json.load(open("%s/%s.arch.json" % (tmp, name)))
svg = open("%s/%s.svg" % (tmp, name)).read()
labels = re.search(r"<desc>\n(.*?)</desc>", svg, re.S).group(1).split("\n")[:-1]
labels = [l.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for l in labels]

# 1. The glyphs drawn spell the labels: one text group per label, one
# glyph per character, and (font subset, glyph) <-> character one to one
# over the whole picture, so each group is its label, letter for letter.
groups = re.findall(r'<g style="fill:[^"]*">\s*((?:<use [^>]*>\s*)+)</g>', svg)
assert len(groups) == len(labels), (len(groups), len(labels))
g2c, c2g = {}, {}
for text, label in zip(groups, labels):
    glyphs = re.findall(r'#glyph(\d+)-(\d+)', text)
    assert len(glyphs) == len(label), (label, len(glyphs))
    sub = {g[0] for g in glyphs}
    assert len(sub) == 1, label   # one font per label
    for g, ch in zip(glyphs, label):
        assert g2c.setdefault(g, ch) == ch, ("glyph", g, "is", g2c[g], "and", ch)
        assert c2g.setdefault((g[0], ch), g) == g, ("char", ch, "drawn as two glyphs")

# 2. The labels say what analyze and the architecture say.
def count(v):
    return "{:,}".format(v)
cap = labels[1]
assert "params %s" % count(m["params"]) in cap, cap
assert "MACs %s" % count(m["macs"]) in cap, cap
assert "rho %.6f" % m["rho"] in cap, cap
assert "objective %.4f" % m["objective"] in cap, cap
units = [("stem", a["stem"]["out"], 1)]
units += [(s["block"], s["out"], s["depth"]) for s in a["superblocks"]]
if a.get("head"):
    units.append(("head", a["head"]["out"] if isinstance(a["head"], dict) else a["head"], 1))
i = labels.index("rho (prefix)") + 1   # after the row names
for kind, ch, d in units:
    assert labels[i:i + 3] == [kind, str(ch), "x%d" % d], (labels[i:i + 3], kind, ch, d)
    i += 5
stages = [l for l in labels if re.fullmatch(r"stage \d+", l)]
assert len(stages) == len(m["stages"]), (stages, len(m["stages"]))
for k, st in enumerate(m["stages"]):
    j = labels.index("stage %d" % (k + 1))
    want = ["%d px" % st["resolution"], "%d ch" % st["channels"], "%.2f" % st["entropy"],
            "%.4f" % st["rho"]]
    assert labels[j + 1:j + 5] == want, (labels[j + 1:j + 5], want)

# 3. The PNG: the documented size, not blank, bars to scale.
w, h, rows = png.read("%s/%s.png" % (tmp, name))
n_cols = len(units) + (1 if a.get("classes", 1000) else 0)
assert (w, h) == (max(900, 140 + 84 * n_cols), 587), (w, h, n_cols)
colours = {p for r in rows[::7] for p in r[::7]}
assert len(colours) > 5, "blank picture"
white = lambda p: min(p) >= 250
base = 339                          # the row just above the bars' bottom (340)
runs, x = [], 0
while x < w:                        # bars: non-white runs, 3+ white px apart
    if white(rows[base][x]):
        x += 1
        continue
    x0 = x
    while x < w and not (all(white(rows[base][x + k]) for k in range(3) if x + k < w)):
        x += 1
    runs.append((x0, x))
assert len(runs) == n_cols, (runs, n_cols)
heights = []
for x0, x1 in runs:
    cx = max(range(x0, x1), key=lambda x: sum(not white(rows[y][x]) for y in range(base + 1)))
    y = base
    while y > 0 and not white(rows[y][cx]):
        y -= 1
    heights.append(base - y)
widest = max(u[1] for u in units)
for (kind, ch, d), hh in zip(units, heights):
    assert abs(hh - 230.0 * ch / widest) <= 1.5, (kind, ch, hh, 230.0 * ch / widest)
lens = [(x1 - x0 + 1) / d for (x0, x1), (_, _, d) in zip(runs, units)]
assert max(lens) - min(lens) <= 1.5, ("block lengths", lens)
PY
    then ok; else bad "$1: the picture does not show what analyze says"; fi
}
check "$tmp/bottleneck.json" bottleneck
check "$tmp/mbconv.json" mbconv
check "$tmp/basic.json" basic
check resnet18 resnet18
check efficientnet_b0 efficientnet_b0

# Same input, same bytes.
"$BIN" draw resnet50 -o "$tmp/a.svg" && "$BIN" draw resnet50 -o "$tmp/b.svg"
if cmp -s "$tmp/a.svg" "$tmp/b.svg"; then ok; else bad "two SVGs of resnet50 differ"; fi
"$BIN" draw resnet50 -o "$tmp/a.png" && "$BIN" draw resnet50 -o "$tmp/b.png"
if cmp -s "$tmp/a.png" "$tmp/b.png"; then ok; else bad "two PNGs of resnet50 differ"; fi
# --format overrides the extension; '-' is standard output.
expect 0 "" "$BIN" draw resnet18 --format png -o "$tmp/r18.img"
if head -c 8 "$tmp/r18.img" | grep -q PNG; then ok; else bad "--format png wrote no PNG"; fi
"$BIN" draw resnet18 --format svg -o - >"$tmp/stdout.svg"
if grep -q "<svg" "$tmp/stdout.svg"; then ok; else bad "-o - wrote no SVG"; fi

# Bad usage: exit 2 with a message; failures: exit 1; nothing written.
ONE_LINE_ERRORS=1
expect 2 "cannot tell the picture format" "$BIN" draw resnet18 -o "$tmp/x.jpg"
expect 2 "cannot tell the picture format" "$BIN" draw resnet18 -o "$tmp/x"
expect 2 "needs -o" "$BIN" draw resnet18
expect 2 "needs a MODEL" "$BIN" draw -o "$tmp/x.svg"
expect 2 "unknown picture format 'gif'" "$BIN" draw resnet18 --format gif -o "$tmp/x.svg"
expect 2 "" "$BIN" draw resnet18 -o "$tmp/x.svg" --bogus
expect 1 "" "$BIN" draw resnet18 -o "$tmp/no/such/folder/x.svg"
expect 1 "" "$BIN" draw "$tmp/missing.json" -o "$tmp/x.svg"
echo '{"format": "deepmad-mlp", "version": 1, "in_features": 784, "hidden": [64], "out_features": 10}' >"$tmp/mlp.json"
expect 1 "is an MLP: draw pictures CNNs only" "$BIN" draw "$tmp/mlp.json" -o "$tmp/x.svg"
if [ -e "$tmp/x.svg" ]; then bad "a failed draw left x.svg"; else ok; fi
expect 0 "" "$BIN" draw --help
grep -q "deepmad draw resnet50 -o resnet50.svg" "$tmp/out" && ok || bad "--help has no example"

report test_draw
