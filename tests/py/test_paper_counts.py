"""The paper style's counts against an independent re-derivation of the
reference code's rules (SPEC section 8), in plain Python.

The reference implementation (alibaba/lightweight-neural-architecture-search,
tinynas/deploy/cnnnet/modules/*.py) builds a structure file's blocks as
follows; this file restates those rules from that code's facts, without
deepmad's C code and without torch:

* ConvKXBNRELU (stem, head): conv (no bias) + BN + ReLU.
* SuperResK1KXK1 / SuperResK1DWSEK1: L blocks; block 0 has the
  superblock's in, out and stride, blocks 1..L-1 map out -> out at stride 1;
  all share btn and k.  force_resproj is True for block 0 of a ResK1KXK1
  superblock only.
* ResK1KXK1: 1x1 in->btn, kxk btn->btn (stride), 1x1 btn->out, each
  conv + BN; residual: 2x2/2 avg-pool when strided, then a 1x1 in->out
  conv + BN when in != out or force_resproj.
* ResK1DWSEK1: 1x1 in->btn (always), depthwise kxk btn (stride), SE on
  btn, 1x1 btn->out, each conv + BN; SE: global avg-pool, 1x1 btn->Bse +
  BN, SiLU, 1x1 Bse->btn + BN, sigmoid, with Bse = max(1, round(btn *
  0.25) // 8) * 8 (Python's round); residual only when in == out (2x2/2
  avg-pool when strided); force_resproj is never set for it.
* The classifier: global avg-pool, Linear(last channels, 1000) with bias.

Params: every conv's weights (in/groups * out * k^2), 2 per BN channel,
the Linear's weights and bias.  MACs (SPEC section 6): every conv and
linear layer, weights x output positions; SE convs at 1x1; the shortcut
conv after the pool, at the output resolution; pooling, BN, activations,
additions count nothing.  Main-path layers: stem, head, and every conv of
a block except the SE convs and the shortcut.

Checked against `deepmad analyze FILE --json` for
  - the published files in data/tinynas (the repository's copies), whose
    params must also be SPEC section 8's (hard-coded below);
  - every file in shared/reference/tinynas beside the source tree, when
    there (the R*-like files are only there; a plain clone has no shared/,
    and then they are left out with a note);
  - a few hundred seeded random paper-style structures written in the
    reference format to a temporary folder: random widths, btn (also equal
    to in, and below 8), k in {3, 5, 7}, L, strides 1 and 2, in == out.

usage: /usr/bin/python3 test_paper_counts.py DEEPMAD_BINARY SOURCE_DIR
"""
import ast
import json
import os
import random
import subprocess
import sys
import tempfile

# SPEC section 8: params of the published nets, backbone and backbone + a
# 1000-class linear classifier.  deepmad-R34 is not in SPEC; its total was
# derived by hand in tests/test_zoo.c (21,073,160 + 617,000).
SPEC_PARAMS = {
    "deepmad-R18.txt": (11153088, 11826088),
    "deepmad-R34.txt": (21073160, 21690160),
    "deepmad-R50.txt": (24208144, 25441144),
    "deepmad-29M-224.txt": (26876956, 28669956),
    "deepmad-29M-288.txt": (26910630, 28703630),
    "deepmad-50M.txt": (47359964, 49408964),
    "deepmad-89M.txt": (85764780, 88325780),
}

CLASSES = 1000


def read_structure(text):
    """The block list of a reference-format file: a Python literal."""
    d = ast.literal_eval("".join(line.strip() for line in text.splitlines()))
    (blocks,) = d["best_structures"]
    return blocks


def out_size(r, k, s):
    """PyTorch's output size of a conv with padding (k - 1) // 2."""
    return (r + 2 * ((k - 1) // 2) - k) // s + 1


class Counter:
    """Params, MACs and main-path layers of one built network."""

    def __init__(self):
        self.params = self.macs = self.layers = 0

    def conv(self, cin, cout, k, r_out, groups=1, main=True):
        w = cin // groups * cout * k * k
        self.params += w + 2 * cout          # conv without bias, then BN
        self.macs += w * r_out * r_out
        self.layers += main

    def linear(self, cin, cout):
        self.params += cin * cout + cout
        self.macs += cin * cout


def se_width(m):
    return max(1, round(m * 0.25) // 8) * 8


def res_k1kxk1(c, cin, cout, btn, k, s, force, r):
    r2 = out_size(r, k, s)
    c.conv(cin, btn, 1, r)
    c.conv(btn, btn, k, r2)
    c.conv(btn, cout, 1, r2)
    if cin != cout or force:
        pooled = r // 2 if s == 2 else r     # AvgPool2d(2, 2) before the conv
        c.conv(cin, cout, 1, pooled, main=False)
    return r2


def res_k1dwsek1(c, cin, cout, btn, k, s, r):
    r2 = out_size(r, k, s)
    c.conv(cin, btn, 1, r)
    c.conv(btn, btn, k, r2, groups=btn)
    q = se_width(btn)
    c.conv(btn, q, 1, 1, main=False)
    c.conv(q, btn, 1, 1, main=False)
    c.conv(btn, cout, 1, r2)
    # residual only when cin == cout: identity or avg-pool, no params
    return r2


def reference_counts(blocks, size):
    """(params, MACs, main-path layers) of the structure at size px, with
    the 1000-class classifier."""
    c = Counter()
    r = size
    for b in blocks:
        cls = b["class"]
        s = b.get("s", 1)
        if cls == "ConvKXBNRELU":
            r = out_size(r, b["k"], s)
            c.conv(b["in"], b["out"], b["k"], r)
            continue
        for i in range(b["L"]):
            cin = b["in"] if i == 0 else b["out"]
            stride = s if i == 0 else 1
            if cls == "SuperResK1KXK1":
                r = res_k1kxk1(c, cin, b["out"], b["btn"], b["k"], stride, i == 0, r)
            elif cls == "SuperResK1DWSEK1":
                r = res_k1dwsek1(c, cin, b["out"], b["btn"], b["k"], stride, r)
            else:
                raise ValueError("class %s" % cls)
    c.linear(blocks[-1]["out"], CLASSES)
    return c.params, c.macs, c.layers


def deepmad_counts(binary, path, size):
    out = subprocess.run([binary, "analyze", path, "--input-size", str(size), "--json"],
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    return d["params"], d["macs"], d["layers"]


def random_structure(rng):
    """A random paper-style structure the reference code builds and
    deepmad reads: strides dividing 224 (at most five stride-2 units)."""
    strides_left = 5
    s = rng.choice([1, 2])
    strides_left -= s == 2
    c = rng.choice([8, 16, 24, 32, 40])
    blocks = [{"class": "ConvKXBNRELU", "in": 3, "k": rng.choice([1, 3, 5, 7]), "out": c, "s": s}]
    for _ in range(rng.randint(1, 5)):
        cls = rng.choice(["SuperResK1KXK1", "SuperResK1DWSEK1"])
        out = c if rng.random() < 0.3 else rng.randint(1, 96)
        if cls == "SuperResK1KXK1":
            btn = rng.choice([rng.randint(1, 16), rng.randint(1, out), c])
        else:
            btn = rng.choice([c, out, rng.randint(1, 12), rng.randint(out, 6 * out),
                              rng.choice([30, 42, 46, 125, 126, 127, 158, 240])])
        s = rng.choice([1, 2]) if strides_left > 0 else 1
        strides_left -= s == 2
        blocks.append({"L": rng.randint(1, 4), "btn": btn, "class": cls, "in": c,
                       "k": rng.choice([3, 5, 7]), "out": out, "s": s})
        c = out
    if rng.random() < 0.5:
        blocks.append({"class": "ConvKXBNRELU", "in": c, "k": 1, "out": rng.randint(8, 512), "s": 1})
    return blocks


def write_structure(path, blocks):
    """The reference format: one block per line, as the published files."""
    lines = ["{ 'best_structures':[ [ "]
    lines += ["    %r%s" % (b, "," if i + 1 < len(blocks) else "]],")
              for i, b in enumerate(blocks)]
    lines.append("'space_arch': 'CnnNet'}  ")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        self.passed += ok
        self.failed += not ok
        if not ok:
            print("FAIL " + what)


def check_file(rep, binary, path, sizes=(224,)):
    with open(path) as f:
        blocks = read_structure(f.read())
    for size in sizes:
        want = reference_counts(blocks, size)
        got = deepmad_counts(binary, path, size)
        rep.check(want == got, "%s @%d: re-derived params %d MACs %d layers %d, deepmad %d %d %d"
                  % ((os.path.basename(path), size) + want + got))
    return blocks


def check_published(rep, binary, folder):
    for name, (backbone, total) in sorted(SPEC_PARAMS.items()):
        path = os.path.join(folder, name)
        blocks = check_file(rep, binary, path, (224, 288) if "288" in name else (224,))
        params = reference_counts(blocks, 224)[0]
        classifier = blocks[-1]["out"] * CLASSES + CLASSES
        rep.check(params == total and params - classifier == backbone,
                  "%s: re-derived params %d (backbone %d), SPEC %d (%d)"
                  % (name, params, params - classifier, total, backbone))


def check_rules_by_hand(rep):
    """The re-derivation itself against hand-counted numbers, so that a
    wrong rule here cannot agree with a wrong rule in deepmad unnoticed."""
    for m, q in [(1, 8), (8, 8), (30, 8), (42, 8), (46, 8), (125, 24), (126, 32),
                 (127, 32), (158, 40), (240, 56), (1872, 464)]:
        rep.check(se_width(m) == q, "SE width of %d: %d, by hand %d" % (m, se_width(m), q))
    # Block 0 of tests/test_metrics.c's net (a), 8 -> 8, m 4, k 3 at 8 px,
    # forced projection: 40 + 152 + 48 + 80 = 320 params, 2048 + 9216 +
    # 2048 + 4096 = 17408 MACs.
    c = Counter()
    res_k1kxk1(c, 8, 8, 4, 3, 1, True, 8)
    rep.check((c.params, c.macs, c.layers) == (320, 17408, 3), "forced projection block")
    c = Counter()
    # The block of test_metrics.c's net (c): 16 -> 16, m 24, k 3, stride 2
    # at 8 px: 432 + 264 + 208 + 240 + 416 = 1560 params, 24576 + 3456 +
    # 2 x 192 + 6144 = 34560 MACs.
    res_k1dwsek1(c, 16, 16, 24, 3, 2, 8)
    rep.check((c.params, c.macs, c.layers) == (1560, 34560, 3), "strided mbconv block")


def main():
    binary, src = sys.argv[1], sys.argv[2]
    rep = Report()
    check_rules_by_hand(rep)
    check_published(rep, binary, os.path.join(src, "data", "tinynas"))
    shared = os.path.join(src, "..", "shared", "reference", "tinynas")
    if os.path.isdir(shared):
        for name in sorted(os.listdir(shared)):
            check_file(rep, binary, os.path.join(shared, name))
    else:
        print("note: %s not found (no shared/ beside the source tree): its R*-like files "
              "are not checked" % shared)
    rng = random.Random(20231013)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(300):
            path = os.path.join(tmp, "random-%03d.txt" % i)
            write_structure(path, random_structure(rng))
            check_file(rep, binary, path)
            if rep.failed > 20:
                break
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
