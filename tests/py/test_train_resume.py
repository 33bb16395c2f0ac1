"""Nothing lost on interruption: kill, resume, and get the same weights bit for bit.

On CPU with a fixed seed, `python3 -m deepmad.train` runs 2 epochs on a
512-image Fashion-MNIST subset uninterrupted.  A second run of the same
command is sent SIGTERM once epoch 1's checkpoint is on disk; it must save
a checkpoint and exit 143 (128 + SIGTERM); `--resume` then finishes it.
Its final state dict must equal the uninterrupted run's exactly
(torch.equal on every tensor, BN running statistics included), and so
must the log's records of the epochs both runs completed.  With one data
loader worker, so the augmentation runs in another process.

usage: /usr/bin/python3 test_train_resume.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_common as tc  # noqa: E402

import torch  # noqa: E402


def main():
    binary, source = sys.argv[1], os.path.abspath(sys.argv[2])
    env = tc.package_env(binary, source)
    tc.need_fashion()
    c = tc.ec.Checks()
    net = os.path.join(source, tc.SMALL_NET)
    # Every augmentation on (the defaults), mixup included, 16 steps an epoch.
    extra = ["--epochs", "2", "--workers", "1", "--batch-size", "32", "--seed", "7", "--no-onnx"]
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        p = subprocess.run([tc.PY] + tc.train_args(net, a, *extra), env=env, capture_output=True, text=True)
        if not c.check(p.returncode == 0, "uninterrupted run exit %d:\n%s" % (p.returncode, p.stderr[-3000:])):
            return c.finish()

        proc = subprocess.Popen([tc.PY] + tc.train_args(net, b, *extra), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ckpt = os.path.join(b, "checkpoint.pt")
        while proc.poll() is None and not os.path.exists(ckpt):
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate()
        c.check(proc.returncode == 128 + signal.SIGTERM,
                "SIGTERM after epoch 1: exit %d, want 143:\n%s" % (proc.returncode, err[-3000:]))
        ck = torch.load(ckpt)
        where = "epoch %d, %d batches into the next" % (ck["epoch"], ck["batch_in_epoch"])
        c.check(ck["epoch"] == 1, "interrupted checkpoint at %s, want epoch 1" % where)
        print("interrupted at %s" % where)

        p = subprocess.run([tc.PY] + tc.train_args(net, b, *extra, "--resume"), env=env,
                           capture_output=True, text=True)
        if not c.check(p.returncode == 0, "resumed run exit %d:\n%s" % (p.returncode, p.stderr[-3000:])):
            return c.finish()
        wa = torch.load(os.path.join(a, "model.pt"))
        wb = torch.load(os.path.join(b, "model.pt"))
        c.check(list(wa) == list(wb), "same state_dict keys")
        diff = [k for k in wa if not torch.equal(wa[k], wb[k])]
        c.check(not diff, "resumed weights differ from uninterrupted ones in %d tensors: %s" % (len(diff), diff[:5]))
        la = [json.loads(l) for l in open(os.path.join(a, "log.jsonl"))]
        lb = [json.loads(l) for l in open(os.path.join(b, "log.jsonl"))]
        strip = lambda r: {k: v for k, v in r.items() if k not in ("images_per_s", "seconds")}  # noqa: E731
        c.check([strip(r) for r in la] == [strip(r) for r in lb],
                "the logs' losses, accuracies and lr agree:\n%s\n%s" % (la, lb))
        ca = torch.load(os.path.join(a, "checkpoint.pt"))
        cb = torch.load(os.path.join(b, "checkpoint.pt"))
        mom = [k for k in ca["optimizer"]["state"]
               if not torch.equal(ca["optimizer"]["state"][k]["momentum_buffer"],
                                  cb["optimizer"]["state"][k]["momentum_buffer"])]
        c.check(not mom, "momentum buffers equal")
        print("ok: %d tensors equal after kill and resume" % len(wa))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
