"""Zoo nets against torchvision itself: exact params and MACs.

Builds each torchvision model, counts parameters as PyTorch does and MACs
with forward hooks on Conv2d and Linear (output elements x input channels
per group x kernel area; Linear in x out), and compares with
`deepmad analyze NAME --json`, at the native 224 px and at 160 px.

usage: /usr/bin/python3 test_torchvision_counts.py DEEPMAD_BINARY SOURCE_DIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_common as ec  # noqa: E402
ec.need("torchvision")  # exits 77 (skipped) when missing

import torch  # noqa: E402
import torchvision  # noqa: E402

NETS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
        "mobilenet_v2", "efficientnet_b0"]


def torch_counts(model, size):
    model.eval()
    macs, _ = ec.count_macs(model, torch.zeros(1, 3, size, size))
    return sum(p.numel() for p in model.parameters()), macs


def deepmad_counts(binary, name, size):
    out = subprocess.run([binary, "analyze", name, "--input-size", str(size), "--json"],
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    return d["params"], d["macs"]


def main():
    binary = sys.argv[1]
    passed = failed = 0
    for name in NETS:
        for size in (224, 160):
            want = torch_counts(getattr(torchvision.models, name)(), size)
            got = deepmad_counts(binary, name, size)
            ok = want == got
            passed += ok
            failed += not ok
            print("%s %s @%d: torchvision params %d MACs %d, deepmad params %d MACs %d"
                  % ("ok  " if ok else "FAIL", name, size, want[0], want[1], got[0], got[1]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
