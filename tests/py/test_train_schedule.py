"""The recipe's formulas in deepmad.train against hand-computed values.

The linear lr scaling (0.1 per 256 images), the warm-up length, the lr of
each step (linear warm-up to the peak, then cosine to zero), weight decay
on weights only, mixup's targets, and the lr the optimiser really used in
a step.  Pure Python and torch: no data, no network built.

usage: /usr/bin/python3 test_train_schedule.py DEEPMAD_BINARY SOURCE_DIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_common as tc  # noqa: E402

import torch  # noqa: E402


def close(a, b):
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def main():
    binary, source = sys.argv[1], os.path.abspath(sys.argv[2])
    env = tc.package_env(binary, source)
    sys.path[:0] = env["PYTHONPATH"].split(os.pathsep)
    from deepmad import train as T
    c = tc.ec.Checks()

    # Linear scaling: 0.1 per 256 images.
    for batch, want in ((256, 0.1), (1024, 0.4), (64, 0.025), (128, 0.05), (8192, 3.2)):
        got = T.scaled_lr(0.1, 256, batch)
        c.check(close(got, want), "scaled_lr(0.1, 256, %d) = %r, want %r" % (batch, got, want))

    # Warm-up length: 5 epochs of 100 steps = 500; fractions round down; at least 1.
    for args, want in (((5, 100), 500), ((0.25, 469), 117), ((0.25, 3), 1), ((0, 100), 0)):
        got = T.warmup_steps(*args)
        c.check(got == want, "warmup_steps%r = %d, want %d" % (args, got, want))

    # 10 epochs x 100 steps, 5 warm-up epochs, peak 0.4 (batch 1024).
    peak, warm, total = 0.4, 500, 1000
    hand = {0: 0.4 / 500, 1: 0.4 * 2 / 500, 249: 0.2, 499: 0.4,         # warm-up: (s+1)/500 of the peak
            500: 0.4,                                                    # cosine starts at the peak
            625: 0.2 * (1 + math.sqrt(0.5)),                             # a quarter: cos(pi/4)
            750: 0.2,                                                    # half-way: cos(pi/2) = 0
            875: 0.2 * (1 - math.sqrt(0.5)),
            1000: 0.0}
    for s, want in hand.items():
        got = float(T.lr_at(s, peak, warm, total))
        c.check(abs(got - want) < 1e-15, "lr_at(%d) = %r, want %r" % (s, got, want))
    # Without warm-up the cosine starts at step 0.
    c.check(close(float(T.lr_at(0, 0.1, 0, 100)), 0.1) and close(float(T.lr_at(50, 0.1, 0, 100)), 0.05),
            "lr_at without warm-up")
    # Monotone: up during warm-up, down after.
    lrs = [float(T.lr_at(s, peak, warm, total)) for s in range(total)]
    c.check(all(a < b for a, b in zip(lrs[:warm], lrs[1:warm])), "warm-up rises")
    c.check(all(a >= b for a, b in zip(lrs[warm:], lrs[warm + 1:])), "cosine falls")

    # Weight decay on conv/linear weights only, unless decay_all.
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(),
                              torch.nn.Linear(4, 2))
    groups = T.param_groups(net, 5e-4)
    decayed = {id(p) for g in groups if g["weight_decay"] > 0 for p in g["params"]}
    c.check(decayed == {id(net[0].weight), id(net[3].weight)}, "weight decay on conv and linear weights only")
    c.check(len(T.param_groups(net, 5e-4, decay_all=True)[0]["params"]) == 6, "decay_all decays all 6 tensors")

    # sgd_step really steps at the lr given: plain SGD on w with loss = w (gradient 1).
    w = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([w], lr=123.0, momentum=0.0)
    T.sgd_step(lambda x: w * x, opt, torch.tensor([1.0]), None, 0.25, loss_fn=lambda out, y: out.sum())
    c.check(close(w.item(), 0.75), "sgd_step at lr 0.25 moved w from 1 to %r, want 0.75" % w.item())

    # Mixup: rows of the targets are probability vectors; with smoothing 0.1 over
    # 10 classes and no mixing partner, the true class gets 0.91 and the others 0.01.
    torch.manual_seed(0)
    x = torch.randn(8, 1, 4, 4)
    y = torch.arange(8) % 10
    xm, t = T.mixup(x, y, 10, 0.2, 0.1)
    c.check(xm.shape == x.shape and torch.allclose(t.sum(1), torch.ones(8)), "mixup targets sum to 1")
    _, t1 = T.mixup(x[:1], y[:1], 10, 0.2, 0.1)
    c.check(abs(t1[0, 0].item() - 0.91) < 1e-6 and abs(t1[0, 1:] - 0.01).max().item() < 1e-6,
            "label smoothing 0.1 over 10 classes: %s" % t1[0].tolist())
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
