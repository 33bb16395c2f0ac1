"""Train a deepmad network with the paper's recipe, on one process or many.

    python3 -m deepmad.train MODEL --data DIR|fashion-mnist --epochs N --out DIR
    torchrun --standalone --nproc_per_node 2 -m deepmad.train MODEL --data fashion-mnist ...

MODEL is a design or architecture file (JSON), or a zoo name.  The defaults
are the recipe of the paper's section 5.1 (docs/training.md gives each
value and what each option changes); every part can be switched off.

The run writes into --out: log.jsonl (one JSON line per epoch: loss,
accuracy, lr, images/s, test loss and accuracy), checkpoint.pt (at every
epoch end and on SIGTERM/SIGINT, atomically), arch.json (the architecture
as trained: classes, channels and size adapted to the data), model.pt (the
final state dict) and model.onnx (deepmad's ONNX export with the trained
weights put in by name).  --resume continues from checkpoint.pt; on CPU
with a fixed seed an interrupted and resumed run ends with exactly the
weights of an uninterrupted one.
"""
import argparse
import contextlib
import json
import math
import os
import random
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

PROG = "python3 -m deepmad.train"
# The paper's learning rate is 0.1 for a batch of 256, scaled linearly.
REF_BATCH = 256
# Weight decay: 4e-5 on ImageNet, 5e-4 on the small-image data set (CIFAR-100);
# "small" here = inputs of at most this many pixels a side.
WD_LARGE, WD_SMALL, SMALL_SIZE = 4e-5, 5e-4, 64


# --- The recipe's formulas (each in one place; the Fashion-MNIST study calls them too).

def scaled_lr(lr, lr_batch, global_batch):
    """The linear scaling rule: `lr` per `lr_batch` images, for `global_batch`."""
    return lr * global_batch / lr_batch


def warmup_steps(warmup_epochs, steps_per_epoch):
    """Warm-up length in steps (at least one when there is any warm-up)."""
    if warmup_epochs <= 0:
        return 0
    return max(1, int(warmup_epochs * steps_per_epoch))


def lr_at(step, base_lr, warmup, total):
    """The lr of optimiser step `step` (0-based): linear warm-up to base_lr over
    `warmup` steps ((step+1)/warmup of it), then cosine decay to zero at `total`."""
    if step < warmup:
        return base_lr * (step + 1) / warmup
    return 0.5 * base_lr * (1 + np.cos(np.pi * (step - warmup) / max(1, total - warmup)))


def param_groups(model, wd, decay_all=False):
    """Weight decay on the weights of convolutions and linear layers only (not on
    BN scales and shifts nor biases), unless decay_all."""
    if decay_all:
        return [{"params": list(model.parameters()), "weight_decay": wd}]
    decay, no_decay = [], []
    for p in model.parameters():
        (decay if p.ndim > 1 else no_decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def sgd_step(model, opt, x, y, lr, loss_fn=F.cross_entropy, scaler=None, autocast=False):
    """One optimiser step at learning rate `lr`; returns (loss tensor, logits)."""
    for g in opt.param_groups:
        g["lr"] = lr
    with torch.autocast("cuda") if autocast else contextlib.nullcontext():
        out = model(x)
        loss = loss_fn(out, y)
    opt.zero_grad(set_to_none=True)
    if scaler is not None:
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    else:
        loss.backward()
        opt.step()
    return loss, out


def soft_cross_entropy(logits, target):
    """Cross-entropy against a probability target (mixup, label smoothing)."""
    return torch.sum(-target * F.log_softmax(logits, dim=1), dim=1).mean()


def mixup(x, y, classes, alpha, smoothing):
    """Mixup (Zhang et al. 2018): x' = lam x + (1-lam) x[perm] with lam ~ Beta(alpha, alpha),
    and the same mix of the (label-smoothed) one-hot targets.  Draws from torch's
    generator, which the checkpoint saves."""
    lam = float(torch.distributions.Beta(alpha, alpha).sample())
    perm = torch.randperm(x.shape[0]).to(x.device)
    t = F.one_hot(y, classes).float() * (1 - smoothing) + smoothing / classes
    return lam * x + (1 - lam) * x[perm], lam * t + (1 - lam) * t[perm]


# --- Architecture

def load_arch(model):
    """The architecture dict of MODEL: a zoo name, or a design/architecture
    file (deepmad's JSON, a `deepmad design --json` result, the paper's
    reference format), read by deepmad's own parser (a zoo name wins over a
    file of that name, as on the command line)."""
    import deepmad
    return json.loads(deepmad.export(model, "json"))


def adapt_arch(arch, classes, channels, size):
    """The architecture fitted to the data: its classifier, input channels and size."""
    if not arch.get("classes"):
        raise ValueError("the architecture has no classifier (classes 0); training needs one")
    arch = json.loads(json.dumps(arch))
    arch["classes"] = classes
    arch.setdefault("input", {})
    arch["input"]["channels"] = channels
    arch["input"]["size"] = size
    return arch


# --- Checkpoints

def atomic_save(obj, path):
    """torch.save to a temporary file in the same folder, then os.replace: a
    reader sees the old checkpoint or the new one, never half of one."""
    tmp = f"{path}.tmp.{os.getpid()}"
    torch.save(obj, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def rng_state():
    s = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        s["cuda"] = torch.cuda.get_rng_state_all()
    return s


def set_rng_state(s):
    random.setstate(s["python"])
    np.random.set_state(s["numpy"])
    torch.set_rng_state(s["torch"])
    if "cuda" in s and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(s["cuda"])


# --- The command

def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a deepmad network (design/architecture file or zoo name) with the "
                    "DeepMAD paper's recipe (section 5.1) as the default.",
        epilog="""examples:
  # a design on Fashion-MNIST (Debian's dataset-fashion-mnist), 1 process:
  python3 -m deepmad.train net.json --data fashion-mnist --epochs 30 --out runs/net
  # a quick run on 512 images, 2 processes (gloo on CPU, NCCL on GPUs):
  torchrun --standalone --nproc_per_node 2 -m deepmad.train net.json --data fashion-mnist \\
      --subset 512 --epochs 2 --out runs/smoke
  # (Debian 12's torch 1.13 on Python 3.11: add --redirects 2 --tee 2 to torchrun)
  # ImageNet-style folder on 2 machines with 8 GPUs each (run on each, node_rank 0 and 1):
  torchrun --nnodes 2 --node_rank 0 --master_addr 10.0.0.1 --master_port 29500 \\
      --nproc_per_node 8 -m deepmad.train net.json --data /data/imagenet --epochs 480 --out runs/in1k
  # continue after an interruption (SIGTERM/SIGINT save a checkpoint):
  python3 -m deepmad.train net.json --data fashion-mnist --epochs 30 --out runs/net --resume

Recipe and options: docs/training.md.  Exit status: 0 done, 1 failure,
2 usage, 128+signal when stopped by SIGTERM/SIGINT (after saving).""")
    ap.add_argument("model", help="design/architecture JSON file, or a zoo name (deepmad zoo)")
    ap.add_argument("--data", required=True,
                    help="'fashion-mnist' (Debian's files), a folder of the Fashion-MNIST IDX files, "
                         "or an ImageFolder directory with train/ and val/")
    ap.add_argument("--out", required=True, help="output folder (log, checkpoint, weights, ONNX)")
    ap.add_argument("--epochs", type=int, default=480, help="training epochs (paper: 480 ImageNet, 1440 CIFAR-100)")
    ap.add_argument("--batch-size", type=int, default=256, help="global batch, over all processes (default 256)")
    ap.add_argument("--lr", type=float, default=0.1, help="learning rate per --lr-batch images (default 0.1)")
    ap.add_argument("--lr-batch", type=int, default=REF_BATCH,
                    help="the batch --lr is for; the lr used is lr * batch-size / lr-batch (default 256)")
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--nesterov", action="store_true", help="Nesterov momentum (paper: off)")
    ap.add_argument("--wd", type=float, default=None,
                    help=f"weight decay (default {WD_SMALL:g} for inputs <= {SMALL_SIZE} px, else {WD_LARGE:g})")
    ap.add_argument("--wd-all", action="store_true", help="decay BN parameters and biases too")
    ap.add_argument("--warmup-epochs", type=float, default=5, help="linear warm-up length (default 5)")
    ap.add_argument("--label-smoothing", type=float, default=0.1, help="0 = off (default 0.1)")
    ap.add_argument("--mixup", type=float, default=0.2, help="mixup Beta alpha, 0 = off (default 0.2)")
    ap.add_argument("--erasing", type=float, default=0.25, help="random erasing probability, 0 = off (default 0.25)")
    ap.add_argument("--crop-scale", type=float, nargs=2, default=(0.08, 1.0), metavar=("MIN", "MAX"),
                    help="random resized crop area range (default 0.08 1)")
    ap.add_argument("--no-crop", action="store_true", help="no random resized crop")
    ap.add_argument("--no-flip", action="store_true", help="no random horizontal flip")
    ap.add_argument("--no-autoaugment", action="store_true", help="no AutoAugment")
    ap.add_argument("--input-size", type=int, default=0,
                    help="train and test at this size (default: the images' own, or the architecture's for folders)")
    ap.add_argument("--drop-rate", type=float, default=0.0, help="dropout before the classifier")
    ap.add_argument("--drop-path-rate", type=float, default=0.0, help="stochastic depth")
    ap.add_argument("--no-zero-init", action="store_true", help="do not zero the last BN scale of each residual block")
    ap.add_argument("--subset", type=int, default=0, help="train on the first N images only (0 = all)")
    ap.add_argument("--test-subset", type=int, default=0, help="evaluate on the first N test images (0 = all)")
    ap.add_argument("--eval-every", type=int, default=1, help="evaluate every N epochs and at the end (0 = only at the end)")
    ap.add_argument("--workers", type=int, default=2, help="data loader processes per training process")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads per process (0 = torch's default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cpu", action="store_true", help="train on CPU even if GPUs are there")
    ap.add_argument("--no-amp", action="store_true", help="no mixed precision on GPU (CPU never uses it)")
    ap.add_argument("--deterministic", action="store_true",
                    help="deterministic algorithms on GPU too (always on CPU)")
    ap.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    ap.add_argument("--no-onnx", action="store_true", help="do not write model.onnx")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    a = ap.parse_args(argv)
    for name in ("epochs", "batch_size", "lr_batch"):
        if getattr(a, name) <= 0:
            ap.error(f"--{name.replace('_', '-')} must be positive")
    if not 0 <= a.label_smoothing < 1 or not 0 <= a.erasing <= 1 or a.mixup < 0 or a.warmup_epochs < 0:
        ap.error("--label-smoothing in [0,1), --erasing in [0,1], --mixup and --warmup-epochs >= 0")
    return a


class Dist:
    """The process group (or its absence, in a plain single-process run)."""

    def __init__(self, cpu):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local = int(os.environ.get("LOCAL_RANK", "0"))
        gpu = torch.cuda.is_available() and not cpu
        self.device = torch.device(f"cuda:{self.local}" if gpu else "cpu")
        if gpu:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            torch.distributed.init_process_group("nccl" if gpu else "gloo")

    def sum(self, values):
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            torch.distributed.all_reduce(t)
        return t.tolist()

    def gather(self, obj):
        if self.world == 1:
            return [obj]
        out = [None] * self.world
        torch.distributed.all_gather_object(out, obj)
        return out

    def close(self):
        # Every rank waits for rank 0's writes: a rank that leaves the group
        # early leaves the others hanging in gloo.
        if self.world > 1:
            torch.distributed.barrier()
            torch.distributed.destroy_process_group()


class Stop:
    """SIGTERM/SIGINT: note it; the loop checkpoints at the next step and exits.
    A second signal, or one outside the training loop, acts as usual."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.signum = 0
        self.old = {s: signal.signal(s, self._note) for s in self.SIGNALS}

    def _note(self, signum, frame):
        self.signum = signum
        self.restore()

    def restore(self):
        for s, h in self.old.items():
            signal.signal(s, h)


def evaluate(model, loader, dist, autocast):
    model.eval()
    loss = correct = n = 0.0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(dist.device, non_blocking=True), y.to(dist.device, non_blocking=True)
            with torch.autocast("cuda") if autocast else contextlib.nullcontext():
                out = model(x)
            loss += F.cross_entropy(out.float(), y, reduction="sum").item()
            correct += (out.argmax(1) == y).sum().item()
            n += len(y)
    loss, correct, n = dist.sum([loss, correct, n])
    return loss / max(n, 1), correct / max(n, 1)


def write_onnx(arch, state, path):
    """deepmad's ONNX export of `arch` with the trained tensors put in by name
    (the exporter names each initializer after its state_dict key)."""
    import onnx
    from onnx import numpy_helper
    import deepmad
    tmp = f"{path}.tmp.{os.getpid()}"
    deepmad.export(arch, "onnx", tmp)
    m = onnx.load(tmp)
    names = {init.name for init in m.graph.initializer}
    for key, t in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        if key not in names:
            raise RuntimeError(f"ONNX export has no initializer named {key}")
    for init in m.graph.initializer:
        if init.name in state:
            old = numpy_helper.to_array(init)
            new = state[init.name].detach().cpu().numpy().astype(old.dtype)
            if new.shape != old.shape:
                raise RuntimeError(f"{init.name}: trained shape {new.shape}, exported {old.shape}")
            init.CopyFrom(numpy_helper.from_array(new, init.name))
    onnx.checker.check_model(m)
    onnx.save(m, tmp)
    os.replace(tmp, path)


def main(argv=None):
    a = parse_args(argv)
    import deepmad
    from . import data as D

    dist = Dist(a.cpu)
    rank0 = dist.rank == 0
    gpu = dist.device.type == "cuda"
    if a.threads:
        torch.set_num_threads(a.threads)
    if not gpu or a.deterministic:
        if gpu:
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False
    if a.batch_size % dist.world:
        sys.exit(f"{PROG}: --batch-size {a.batch_size} is not divisible by the {dist.world} processes")
    per_rank = a.batch_size // dist.world
    stop = Stop()

    try:
        ds = D.open_data(a.data, a.subset, a.test_subset)
        arch0 = load_arch(a.model)
    except (D.DataError, OSError, ValueError, deepmad.Error) as e:
        sys.exit(f"{PROG}: {e}")
    size = a.input_size or ds["size"] or (arch0.get("input") or {}).get("size") or 224
    try:
        arch = adapt_arch(arch0, ds["classes"], ds["channels"], size)
    except ValueError as e:
        sys.exit(f"{PROG}: {a.model}: {e}")
    wd = a.wd if a.wd is not None else (WD_SMALL if size <= SMALL_SIZE else WD_LARGE)

    torch.manual_seed(a.seed)          # the same initial weights on every rank
    try:
        model = deepmad.build_torch(arch, drop_rate=a.drop_rate, drop_path_rate=a.drop_path_rate,
                                    zero_init_residual=not a.no_zero_init).to(dist.device)
    except deepmad.Error as e:
        sys.exit(f"{PROG}: {a.model} fitted to {ds['channels']} channels, {size} px, "
                 f"{ds['classes']} classes: {e} (--input-size picks another size)")
    train_t = D.augmentation(size, ds["mean"], ds["std"],
                             crop_scale=None if a.no_crop else a.crop_scale, flip=not a.no_flip,
                             autoaugment=not a.no_autoaugment, erasing=a.erasing, pil=ds["pil"])
    test_t = D.evaluation(size, ds["mean"], ds["std"], pil=ds["pil"], native=ds["size"])
    train_set = D.Augmented(ds["train"], train_t, a.seed)
    test_set = D.Augmented(ds["test"], test_t, a.seed)
    sampler = torch.utils.data.DistributedSampler(train_set, dist.world, dist.rank, shuffle=True,
                                                  seed=a.seed, drop_last=True)
    steps_per_epoch = len(sampler) // per_rank
    if steps_per_epoch == 0:
        sys.exit(f"{PROG}: {len(train_set)} training images are fewer than one batch of {a.batch_size}")
    total = a.epochs * steps_per_epoch
    base_lr = scaled_lr(a.lr, a.lr_batch, a.batch_size)
    warm = warmup_steps(a.warmup_epochs, steps_per_epoch)
    opt = torch.optim.SGD(param_groups(model, wd, a.wd_all), lr=base_lr, momentum=a.momentum,
                          nesterov=a.nesterov)
    scaler = torch.cuda.amp.GradScaler() if gpu and not a.no_amp else None
    autocast = scaler is not None
    # Each rank's own draws (mixup) differ; the checkpoint keeps every rank's.
    torch.manual_seed(a.seed * 1000 + dist.rank)
    random.seed(a.seed * 1000 + dist.rank)
    np.random.seed((a.seed * 1000 + dist.rank) % (1 << 32))

    os.makedirs(a.out, exist_ok=True)
    ckpt_path = os.path.join(a.out, "checkpoint.pt")
    log_path = os.path.join(a.out, "log.jsonl")
    epoch, step, batch_in_epoch = 0, 0, 0
    partial = (0, 0.0, 0.0)
    if a.resume:
        if not os.path.exists(ckpt_path):
            sys.exit(f"{PROG}: --resume: {ckpt_path} does not exist")
        ck = torch.load(ckpt_path, map_location="cpu")
        if ck["arch"] != arch or ck["world"] != dist.world:
            sys.exit(f"{PROG}: --resume: {ckpt_path} is of another architecture or process count")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        if scaler is not None and ck.get("scaler"):
            scaler.load_state_dict(ck["scaler"])
        epoch, step, batch_in_epoch = ck["epoch"], ck["scheduler"]["step"], ck["batch_in_epoch"]
        set_rng_state(ck["rng"][dist.rank])
        partial = tuple(ck["epoch_sums"][dist.rank])
    elif rank0 and os.path.exists(log_path):
        os.remove(log_path)
    if rank0:
        with open(os.path.join(a.out, "arch.json"), "w") as f:
            json.dump(arch, f, indent=2)
    net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[dist.local] if gpu else None) \
        if dist.world > 1 else model

    def checkpoint(done_batches, sums=(0, 0.0, 0.0)):
        # sums: this rank's (images, loss sum, correct) of a part-done epoch,
        # so that the resumed epoch's log record covers the whole epoch.
        states = dist.gather(rng_state())
        sums = dist.gather(sums)
        if rank0:
            atomic_save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                         "scheduler": {"step": step, "base_lr": base_lr, "warmup": warm, "total": total},
                         "scaler": scaler.state_dict() if scaler else None, "rng": states,
                         "epoch": epoch, "batch_in_epoch": done_batches, "epoch_sums": sums, "sampler_epoch": epoch,
                         "world": dist.world, "arch": arch, "args": vars(a)}, ckpt_path)

    def log(rec):
        if rank0:
            with open(log_path, "a") as f:
                f.write(json.dumps(rec) + "\n")

    test_loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(test_set, range(dist.rank, len(test_set), dist.world)),
        batch_size=max(per_rank, 64), num_workers=a.workers)
    if a.mixup > 0 or a.label_smoothing > 0:
        loss_fn = soft_cross_entropy if a.mixup > 0 else \
            (lambda out, y: F.cross_entropy(out, y, label_smoothing=a.label_smoothing))
    else:
        loss_fn = F.cross_entropy
    bar = None
    if rank0 and not a.quiet and sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(total=total, initial=step, unit="step", dynamic_ncols=True)

    while epoch < a.epochs:
        sampler.set_epoch(epoch)
        train_set.set_epoch(epoch)
        order = list(sampler)[batch_in_epoch * per_rank:]   # a resumed epoch skips what was done
        # The loader's own generator: its worker seeds must not come from (and
        # shift) the global one that mixup draws from, or a resumed epoch,
        # whose loader starts after the restore, would draw differently.
        loader = torch.utils.data.DataLoader(train_set, batch_size=per_rank, sampler=order,
                                             num_workers=a.workers, drop_last=True,
                                             pin_memory=gpu, persistent_workers=False,
                                             generator=torch.Generator().manual_seed(a.seed + epoch))
        net.train()
        t0 = time.time()
        seen, loss_sum, correct = partial
        partial = (0, 0.0, 0.0)
        stopped = False
        for x, y in loader:
            x, y = x.to(dist.device, non_blocking=True), y.to(dist.device, non_blocking=True)
            target = y
            if a.mixup > 0:
                x, target = mixup(x, y, ds["classes"], a.mixup, a.label_smoothing)
            loss, out = sgd_step(net, opt, x, target, lr_at(step, base_lr, warm, total),
                                 loss_fn, scaler, autocast)
            step += 1
            batch_in_epoch += 1
            seen += len(y)
            loss_sum += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            if bar is not None:
                bar.update(1)
                bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.3f}")
            # Every rank stops at the same step, whichever got the signal.
            if (dist.sum([stop.signum])[0] if dist.world > 1 else stop.signum) and batch_in_epoch < steps_per_epoch:
                stopped = True
                break
        if stopped:
            checkpoint(batch_in_epoch, (seen, loss_sum, correct))
            if rank0:
                print(f"{PROG}: stopped by signal at epoch {epoch + 1} step {step}; "
                      f"{ckpt_path} saved, --resume continues", file=sys.stderr)
            dist.close()
            return 128 + (stop.signum or signal.SIGTERM)
        dt = time.time() - t0
        loss_sum, correct, seen = dist.sum([loss_sum, correct, seen])
        epoch += 1
        batch_in_epoch = 0
        rec = {"epoch": epoch, "step": step, "lr": float(lr_at(step - 1, base_lr, warm, total)),
               "loss": loss_sum / max(seen, 1), "train_acc": correct / max(seen, 1),
               "images_per_s": seen / dt if dt > 0 else None, "seconds": dt}
        if epoch == a.epochs or (a.eval_every and epoch % a.eval_every == 0):
            rec["test_loss"], rec["test_acc"] = evaluate(model, test_loader, dist, autocast)
        log(rec)
        checkpoint(0)
        if stop.signum:
            dist.close()
            return 128 + stop.signum
    stop.restore()
    if bar is not None:
        bar.close()
    if rank0:
        state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
        atomic_save(state, os.path.join(a.out, "model.pt"))
        if not a.no_onnx:
            write_onnx(arch, state, os.path.join(a.out, "model.onnx"))
    dist.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
