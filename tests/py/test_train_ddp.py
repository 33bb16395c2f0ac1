"""`torchrun --nproc_per_node 2 -m deepmad.train` on CPU (gloo), end to end.

Two processes train the Fashion-MNIST study's small baseline net for 2
short epochs on a 512-image subset of Debian's dataset-fashion-mnist at
28 px.  The run must leave a checkpoint (epoch 2, both ranks' RNG
states), a JSON-lines log with one record per epoch, the state dict, and
an ONNX file that passes onnx.checker and that onnxruntime (node's
onnxruntime-node, the real runtime) runs with the outputs PyTorch computes
in eval mode from the saved state dict.

usage: /usr/bin/python3 test_train_ddp.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_common as tc  # noqa: E402
tc.ec.need("onnx")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402


def main():
    binary, source = sys.argv[1], os.path.abspath(sys.argv[2])
    env = tc.package_env(binary, source)
    tc.need_fashion()
    node = tc.ec.node_env()
    if node is None:
        print("SKIP: node cannot require('onnxruntime-node') (Debian: scripts/install-deps.sh)")
        return tc.ec.SKIP
    c = tc.ec.Checks()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run")
        p = subprocess.run([tc.PY, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
                           + tc.TORCHRUN_FIX
                           + tc.train_args(os.path.join(source, tc.SMALL_NET), out, "--epochs", "2",
                                           "--workers", "1"),
                           env=env, cwd=tmp, capture_output=True, text=True)
        if not c.check(p.returncode == 0, "torchrun exit %d:\n%s" % (p.returncode, p.stderr[-3000:])):
            return c.finish()
        log = [json.loads(l) for l in open(os.path.join(out, "log.jsonl"))]
        c.check([r["epoch"] for r in log] == [1, 2], "log has epochs 1 and 2: %s" % log)
        for r in log:
            keys = ("loss", "train_acc", "lr", "images_per_s", "test_loss", "test_acc")
            c.check(all(isinstance(r.get(k), float) and np.isfinite(r[k]) for k in keys),
                    "log record %s has finite %s" % (r, keys))
        # 512 images / global batch 64 = 8 steps an epoch, whatever the process count.
        c.check(log[-1]["step"] == 16, "16 steps in 2 epochs, log says %s" % log[-1]["step"])
        ck = torch.load(os.path.join(out, "checkpoint.pt"))
        c.check(ck["epoch"] == 2 and ck["world"] == 2 and len(ck["rng"]) == 2,
                "checkpoint: epoch %s, world %s, %d RNG states" % (ck["epoch"], ck["world"], len(ck["rng"])))
        c.check(not torch.equal(ck["rng"][0]["torch"], ck["rng"][1]["torch"]), "each rank's own RNG state saved")
        for k in ("model", "optimizer", "scheduler", "scaler", "sampler_epoch", "batch_in_epoch"):
            c.check(k in ck, "checkpoint has %s" % k)
        state = torch.load(os.path.join(out, "model.pt"))
        c.check(all(torch.equal(state[k], v) for k, v in ck["model"].items()), "model.pt = checkpoint's weights")

        m = onnx.load(os.path.join(out, "model.onnx"))
        onnx.checker.check_model(m)
        c.check(True, "onnx.checker passes")
        inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
        trained = [k for k in state if not k.endswith("num_batches_tracked")]
        c.check(all(k in inits and np.array_equal(inits[k], state[k].numpy()) for k in trained),
                "every trained tensor (BN running stats too) is the ONNX initializer of its name")

        sys.path[:0] = env["PYTHONPATH"].split(os.pathsep)
        import deepmad
        arch = json.load(open(os.path.join(out, "arch.json")))
        net = deepmad.build_torch(arch)
        net.load_state_dict(state)
        net.eval()
        x = torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            want = net(x).numpy()
        got = tc.ec.ort_run(node, tmp, os.path.join(out, "model.onnx"), [x.numpy()])[0]
        err = float(np.abs(got - want).max())
        c.check(got.shape == (3, 10) and err <= 1e-4 * max(1.0, float(np.abs(want).max())),
                "onnxruntime = PyTorch eval outputs: shape %s, max error %g" % (got.shape, err))
        print("ok: 2-process run, final test accuracy %.3f, ONNX max error %g" % (log[-1]["test_acc"], err))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
