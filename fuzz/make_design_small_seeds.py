#!/usr/bin/env python3
# make_design_small_seeds.py DIR -- write fuzz/corpus/design_small/seed00..11.
# Seeds for fuzz/corpus/design_small: valid small problems, encoded the way
# fz_decode_small (fuzz/fuzz_targets.h) reads them (typical selectors only).
import random, sys
def I(b, v, lo):            # fz_int typical value v
    r = v - lo; b += bytes([0, r >> 8, r & 255])
def D(b, x, lo, hi):        # fz_double typical value x
    r = round((x - lo) / (hi - lo) * 65535); b += bytes([0, r >> 8, r & 255])
def budget(b, rng):
    if rng.random() < 0.4: b.append(0); return          # no limit
    b += bytes([100, rng.randrange(256)])                # 10^(4 + 8 u/255)
def seed(rng, fam):
    b = bytearray([fam])
    size = rng.choice([16, 32, 64]); I(b, size, 1)
    ss = rng.choice([1, 2]); I(b, ss, 1); I(b, rng.choice([0, 1, 2]), 0)
    n = rng.randint(1, 3); I(b, n, 1)
    twos = {16: 4, 32: 5, 64: 6}[size] - (ss == 2)
    for i in range(4):
        st = 2 if twos > 0 and rng.random() < 0.6 else 1
        twos -= st == 2
        I(b, st, 1); dmin = rng.randint(1, 2); I(b, dmin, 1); I(b, rng.randint(dmin, 4), 1)
    b.append(0)                                          # end the superblock loop
    I(b, rng.randint(1, 2), 1)
    for j in range(8): I(b, rng.randint(0, 1), 0)
    I(b, rng.randint(0, 1) if fam == 2 else 0, 0)        # se
    I(b, rng.randint(0, 2), 0)                           # act
    I(b, 3, 1); I(b, rng.choice([10, 100]), 0)
    if fam == 2: D(b, 1.0, 0, 2); D(b, rng.choice([2.0, 4.0]), 0.5, 4)
    else: D(b, 0.25, 0, 2); D(b, 1.0, 0.5, 4)
    g = rng.choice([4, 8, 16]); I(b, g, 1); I(b, g, 1); I(b, g * rng.randint(4, 8), 8)
    I(b, rng.randint(0, 1), 0)                           # head
    budget(b, rng); budget(b, rng)
    D(b, rng.choice([0.3, 0.5, 1.0, 2.0]), 0.02, 3.0)
    b += bytes([rng.randint(0, 1) * 3])                  # max_layers flag (3: read one)
    if b[-1] & 1: I(b, rng.randint(5, 30), 0)
    b += bytes([0, 0])                                   # no peak cap, default score
    b.append(rng.randrange(8))                           # drops
    I(b, rng.randint(20, 200), 0); I(b, 1, 0)            # node limit, effort
    return bytes(b)
rng = random.Random(12)
for k in range(12):
    open('%s/seed%02d' % (sys.argv[1], k), 'wb').write(seed(rng, k % 3))
