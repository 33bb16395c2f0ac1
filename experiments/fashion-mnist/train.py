"""Train one exported deepmad network on Fashion-MNIST and print one JSON line.

The recipe is the same for every network (that is the point of the study):
SGD with momentum 0.9 and Nesterov, weight decay 5e-4 (not on BN/bias), batch
128, learning rate 0.1 with a one-epoch-fraction linear warm-up then cosine to
zero, per step; augmentation = random crop 28 from the image padded by 2 pixels
plus horizontal flip; inputs normalised with the training set's mean and std.
Data: the official IDX files of Debian's dataset-fashion-mnist, read with numpy;
nothing is downloaded. Train on the official train split (or its first
--subset images, for the CI smoke run), evaluate once on the test split.

usage: train.py MODEL.py --epochs E --seed S [--subset N] [--threads T]
"""
import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """An IDX file (gzip'd or not) as a numpy array; the header gives dtype and shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        sys.exit(f"train.py: {path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        sys.exit(f"train.py: {path}: size does not match header {shape}")
    return data.reshape(shape)


def load_split(data_dir, prefix):
    def find(stem):
        for name in (stem + ".gz", stem):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return p
        sys.exit(f"train.py: {stem} not found in {data_dir} (apt-get install dataset-fashion-mnist)")
    x = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    return torch.from_numpy(x.copy()).float().div_(255).unsqueeze(1), torch.from_numpy(y.astype(np.int64))


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


def param_groups(model, wd):
    decay, no_decay = [], []
    for p in model.parameters():
        (decay if p.ndim > 1 else no_decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


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
    opt = torch.optim.SGD(param_groups(model, a.wd), lr=a.lr, momentum=0.9, nesterov=True)
    steps_per_epoch = (len(xtr) + a.batch - 1) // a.batch
    total = a.epochs * steps_per_epoch
    warm = max(1, steps_per_epoch // 4)

    def lr_at(step):
        if step < warm:
            return a.lr * (step + 1) / warm
        return 0.5 * a.lr * (1 + np.cos(np.pi * (step - warm) / max(1, total - warm)))

    t0 = time.time()
    step, last_loss = 0, float("nan")
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        for i in range(0, len(xtr), a.batch):
            idx = perm[i:i + a.batch]
            xb, yb = augment(xtr[idx], gen), ytr[idx]
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
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
