"""Train one exported deepmad network on Fashion-MNIST and print one JSON line.

The recipe is the same for every network (that is the point of the study):
SGD with momentum 0.9 and Nesterov, weight decay 5e-4 (not on BN/bias), batch
128, learning rate 0.1 with a one-epoch-fraction linear warm-up then cosine to
zero, per step; augmentation = random crop 28 from the image padded by 2 pixels
plus horizontal flip; inputs normalised with the training set's mean and std.
Data: the official IDX files of Debian's dataset-fashion-mnist, read with numpy;
nothing is downloaded. Train on the official train split (or its first
--subset images, for the CI smoke run), evaluate once on the test split.

The recipe's formulas (the lr schedule, the weight-decay groups, the
optimiser step) and the IDX reader are deepmad.train's and deepmad.data's
(python/deepmad, issue #17), called here with the study's own options, so
the published numbers stay what they were: this file keeps only the
study's data order and augmentation (one torch.Generator per run) and its
in-memory batches.  `python3 -m deepmad.train` runs the paper's recipe
instead (docs/training.md).  Needs the built package on PYTHONPATH
(run.sh sets it: build/python).

usage: train.py MODEL.py --epochs E --seed S [--subset N] [--threads T]
"""
import argparse
import hashlib
import importlib.util
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

try:
    from deepmad import data as D
    from deepmad import train as T
except ImportError as e:
    sys.exit(f"train.py: cannot import the deepmad package ({e}); build it (cmake --build build) "
             "and set PYTHONPATH=build/python")

DATA_DIR = D.FASHION_MNIST_DIR


def load_split(data_dir, prefix):
    """Images as float [N, 1, 28, 28] in [0, 1], labels int64 [N]."""
    try:
        x, y = D.load_idx_split(data_dir, prefix)
    except D.DataError as e:
        sys.exit(f"train.py: {e}")
    return x.float().div_(255).unsqueeze(1), y


def load_model(path, class_name):
    spec = importlib.util.spec_from_file_location("exported_net", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, class_name)()


def augment(xb, gen, pad=2):
    """Random 28x28 crop of the zero-padded (normalised-zero) image, and random h-flip."""
    n, _, h, w = xb.shape
    xp = F.pad(xb, (pad, pad, pad, pad))
    oy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
    ox = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
    rows = (oy[:, None] + torch.arange(h)[None, :])[:, :, None]
    cols = (ox[:, None] + torch.arange(w)[None, :])[:, None, :]
    out = xp[torch.arange(n)[:, None, None], 0, rows, cols].unsqueeze(1)
    flip = torch.rand(n, generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], out.flip(3), out)


def evaluate(model, x, y, bs=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), bs):
            correct += (model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--class-name", default="DeepMADNet")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--subset", type=int, default=0, help="train on the first N images only (0 = all)")
    ap.add_argument("--test-subset", type=int, default=0, help="evaluate on the first N test images (0 = all)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--wd", type=float, default=5e-4)
    ap.add_argument("--data-dir", default=DATA_DIR)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    xtr, ytr = load_split(a.data_dir, "train")
    xte, yte = load_split(a.data_dir, "t10k")
    if a.subset:
        xtr, ytr = xtr[:a.subset], ytr[:a.subset]
    if a.test_subset:
        xte, yte = xte[:a.test_subset], yte[:a.test_subset]
    mean, std = xtr.mean().item(), xtr.std().item()
    xtr, xte = (xtr - mean) / std, (xte - mean) / std

    model = load_model(a.model, a.class_name)
    n_params = sum(p.numel() for p in model.parameters())
    # The study's recipe: Nesterov, lr 0.1 for its batch of 128 (not scaled),
    # a quarter-epoch warm-up, no weight decay on BN and biases.
    opt = torch.optim.SGD(T.param_groups(model, a.wd), lr=a.lr, momentum=0.9, nesterov=True)
    steps_per_epoch = (len(xtr) + a.batch - 1) // a.batch
    total = a.epochs * steps_per_epoch
    warm = T.warmup_steps(0.25, steps_per_epoch)

    t0 = time.time()
    step, last_loss = 0, float("nan")
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), a.batch):
            idx = perm[i:i + a.batch]
            xb, yb = augment(xtr[idx], gen), ytr[idx]
            loss, _ = T.sgd_step(model, opt, xb, yb, T.lr_at(step, a.lr, warm, total))
            step += 1
            last_loss = loss.item()
        print(f"# {os.path.basename(a.model)} seed {a.seed} epoch {epoch + 1}/{a.epochs} "
              f"loss {last_loss:.4f} {time.time() - t0:.1f}s", file=sys.stderr, flush=True)
    train_s = time.time() - t0
    acc = evaluate(model, xte, yte)
    with open(a.model, "rb") as f:
        model_sha = hashlib.sha256(f.read()).hexdigest()
    # run.sh keeps a finished run only if the net's sha256 and this recipe both match.
    recipe = f"epochs={a.epochs} subset={a.subset} test_subset={a.test_subset} batch={a.batch} lr={a.lr} wd={a.wd}"
    print(json.dumps({"model": a.model, "model_sha256": model_sha, "recipe": recipe,
                      "seed": a.seed, "epochs": a.epochs, "train_images": len(xtr),
                      "test_images": len(xte), "params": n_params, "test_acc": acc,
                      "final_loss": last_loss, "train_seconds": round(train_s, 1),
                      "threads": a.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
