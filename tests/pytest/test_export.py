"""deepmad.export against `deepmad export`: the same bytes in every format."""
import pytest

import deepmad
from conftest import SRC_DIR

FORMATS = ["torch", "onnx", "json", "tinynas"]


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "deepmad-r50", "deepmad-29m-224"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_bytes_equal_cli(name, fmt, cli):
    p = cli("export", name, "--format", fmt, "-o", "-", ok=False)
    if p.returncode != 0:     # tinynas cannot write torchvision-style nets: both refuse
        with pytest.raises(deepmad.Error) as e:
            deepmad.export(name, fmt)
        assert p.stderr.decode().strip() == "deepmad: " + str(e.value)
        assert e.value.status == "unsupported"
        return
    got = deepmad.export(name, fmt)
    assert isinstance(got, bytes if fmt == "onnx" else str)
    assert (got if fmt == "onnx" else got.encode()) == p.stdout


def test_options_equal_cli(cli):
    want = cli("export", "efficientnet_b0", "--format", "onnx", "--seed", "7", "--opset", "17",
               "--no-weights", "--input-size", "256", "--classes", "10", "-o", "-").stdout
    assert deepmad.export("efficientnet_b0", "onnx", seed=7, opset=17, weights=False,
                          input_size=256, classes=10) == want
    want = cli("export", "resnet18", "--format", "torch", "--class-name", "Net", "--note",
               "hello", "-o", "-").stdout
    assert deepmad.export("resnet18", "torch", class_name="Net", note="hello").encode() == want


def test_path_writes_the_file(cli, tmp_path):
    out = tmp_path / "r.onnx"
    assert deepmad.export("resnet18", "onnx", out) is None
    assert out.read_bytes() == cli("export", "resnet18", "--format", "onnx", "-o", "-").stdout
    with pytest.raises(deepmad.Error):
        deepmad.export("resnet18", "onnx", tmp_path / "no" / "such" / "dir.onnx")


def test_mlp(cli):
    path = SRC_DIR / "tests" / "golden" / "mlp.json"
    for fmt in ("torch", "onnx", "json"):
        want = cli("export", str(path), "--format", fmt, "-o", "-").stdout
        got = deepmad.export(path, fmt)
        assert (got if fmt == "onnx" else got.encode()) == want
    with pytest.raises(ValueError):
        deepmad.export(path, "tinynas")


def test_bad_arguments():
    with pytest.raises(ValueError, match="format"):
        deepmad.export("resnet18", "keras")
    with pytest.raises(TypeError):
        deepmad.export("resnet18", 1)
    with pytest.raises(ValueError):
        deepmad.export("resnet18", "torch", class_name="not an identifier")
    with pytest.raises(ValueError):
        deepmad.export("resnet18", "onnx", seed=-1)
    with pytest.raises(deepmad.Error):
        deepmad.export("resnet18", "onnx", opset=12)
