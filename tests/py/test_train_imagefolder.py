"""`python3 -m deepmad.train` on an ImageFolder directory (issue 17's other
data source), single process on CPU.

A directory of PNG files is written here with PIL: `train/` and `val/`,
each with the classes `dark` and `light` (uniform grey images, 0-90 and
165-255, a little noise), 24 training and 8 validation images per class,
40 x 30 px (not square: the transforms must crop).  Trained 3 epochs at
--input-size 32 with the Fashion-MNIST study's small net (the recipe's
crop and flip; AutoAugment, mixup and erasing off, as they change or mix
brightness, the one thing that tells the classes apart), the run must:
  - adapt the net to the data: 3 input channels, 2 classes, 32 px (the
    written arch.json's input and classes; the state dict's stem and
    classifier shapes);
  - log 3 records with the step count 48 images / batch 16 = 3 steps an
    epoch, and test accuracy measured on the 16 validation images
    (a multiple of 1/16);
  - learn the task: the two classes differ in brightness only, so the
    last epoch's test accuracy must be at least 0.75 (chance is 0.5; the
    net reaches 1.0 in about 2 epochs here);
  - refuse a directory without `val/` with one line naming what is missing.

usage: /usr/bin/python3 test_train_imagefolder.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_common as tc  # noqa: E402
tc.ec.need("PIL")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

CLASSES = {"dark": (0, 90), "light": (165, 255)}


def write_folder(root, per_class, rng):
    for name, (lo, hi) in CLASSES.items():
        d = os.path.join(root, name)
        os.makedirs(d)
        for i in range(per_class):
            level = rng.integers(lo, hi + 1)
            img = np.clip(level + rng.integers(-8, 9, size=(30, 40, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(img, "RGB").save(os.path.join(d, "%03d.png" % i))


def main():
    binary, source = sys.argv[1], os.path.abspath(sys.argv[2])
    env = tc.package_env(binary, source)
    c = tc.ec.Checks()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        write_folder(os.path.join(data, "train"), 24, rng)
        write_folder(os.path.join(data, "val"), 8, rng)
        out = os.path.join(tmp, "run")
        args = ["-m", "deepmad.train", os.path.join(source, tc.SMALL_NET), "--data", data,
                "--input-size", "32", "--epochs", "3", "--batch-size", "16", "--warmup-epochs", "0",
                "--lr", "0.05", "--no-autoaugment", "--mixup", "0", "--erasing", "0", "--threads", "1", "--workers", "0", "--quiet", "--out", out]
        p = subprocess.run([tc.PY] + args, env=env, cwd=tmp, capture_output=True, text=True)
        if not c.check(p.returncode == 0, "train exit %d:\n%s" % (p.returncode, p.stderr[-3000:])):
            return c.finish()
        arch = json.load(open(os.path.join(out, "arch.json")))
        c.check(arch["input"]["channels"] == 3 and arch["input"]["size"] == 32 and arch["classes"] == 2,
                "arch.json adapted to 3 channels, 32 px, 2 classes: %s, %s" % (arch["input"], arch["classes"]))
        state = torch.load(os.path.join(out, "model.pt"))
        stem = [v for k, v in state.items() if k.startswith("stem") and v.dim() == 4]
        fc = [v for k, v in state.items() if v.dim() == 2]
        c.check(len(stem) == 1 and stem[0].shape[1] == 3, "the stem conv takes 3 channels")
        c.check(len(fc) == 1 and fc[0].shape[0] == 2, "the classifier has 2 outputs")
        log = [json.loads(l) for l in open(os.path.join(out, "log.jsonl"))]
        c.check([r["epoch"] for r in log] == [1, 2, 3], "log has epochs 1..3: %s" % [r.get("epoch") for r in log])
        c.check(log and log[-1]["step"] == 9, "3 steps an epoch, 9 in all: %s" % (log and log[-1]["step"]))
        accs = [r["test_acc"] for r in log]
        c.check(all(abs(a * 16 - round(a * 16)) < 1e-6 for a in accs),
                "test accuracy is over the 16 validation images: %s" % accs)
        c.check(accs and accs[-1] >= 0.75, "the brightness task is learnt: test accuracy %s" % accs)

        os.rename(os.path.join(data, "val"), os.path.join(data, "elsewhere"))
        p = subprocess.run([tc.PY] + args[:-1] + [os.path.join(tmp, "run2")], env=env, cwd=tmp,
                           capture_output=True, text=True)
        err = p.stderr.strip().splitlines()
        c.check(p.returncode != 0 and len(err) == 1 and "val" in err[0] and "Traceback" not in p.stderr,
                "no val/: one-line refusal naming it, got exit %d: %s" % (p.returncode, p.stderr[-1500:]))
        print("test accuracy by epoch: %s" % accs)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
