"""deepmad.build_torch: in-memory modules from the C exporter.  Their
parameters counted by PyTorch equal analyze's params; they run; the
backbone interface (features_only, out_indices, feature_info) and
torch.jit.script work.  Skipped when torch is missing."""
import functools
import inspect

import pytest

import deepmad


def count(net):
    return sum(p.numel() for p in net.parameters())


@functools.lru_cache(maxsize=None)
def designed(preset):
    return deepmad.design(preset=preset)


# every zoo net and every preset's design (issue 16: scripting, params and
# feature_info hold for all of them)
MODELS = deepmad.zoo() + ["design:" + p for p in deepmad.presets()]


def model(name):
    return designed(name[7:]) if name.startswith("design:") else name


@pytest.mark.parametrize("name", MODELS)
def test_params_equal_analyze(name, torch):
    net = deepmad.build_torch(model(name))
    assert isinstance(net, torch.nn.Module)
    assert count(net) == deepmad.analyze(model(name))["params"]


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "design:r18"])
def test_runs_and_classifies(name, torch):
    a = deepmad.analyze(model(name), input_size=64)
    net = deepmad.build_torch(model(name)).eval()
    with torch.no_grad():
        y = net(torch.randn(2, 3, 224, 224))
    assert tuple(y.shape) == (2, 1000)
    assert a["params"] == count(net)


def test_source_is_registered_for_inspect(torch):
    net = deepmad.build_torch("resnet18")
    lines, _ = inspect.getsourcelines(type(net))
    assert lines[0].lstrip().startswith("class ")
    # the same source the exporter writes
    assert "".join(lines) in deepmad.export("resnet18", "torch")


def test_zero_init_residual(torch):
    net = deepmad.build_torch("resnet18")
    zeroed = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)
              and m.weight.detach().abs().sum() == 0]
    assert zeroed       # the last BN of each residual branch starts at zero
    net = deepmad.build_torch("resnet18", zero_init_residual=False)
    assert not [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)
                and m.weight.detach().abs().sum() == 0]


def test_mlp(torch):
    from conftest import SRC_DIR
    path = SRC_DIR / "tests" / "golden" / "mlp.json"
    net = deepmad.build_torch(path)
    assert count(net) == deepmad.analyze(path)["params"]
    with pytest.raises(ValueError):
        deepmad.build_torch(path, features_only=True)


def test_errors(torch, tmp_path):
    with pytest.raises(deepmad.Error):
        deepmad.build_torch(str(tmp_path / "missing.json"))
    with pytest.raises(TypeError):
        deepmad.build_torch(42)


# -- the backbone interface and TorchScript (issue #16, the exporter's part) --

@pytest.mark.parametrize("name", MODELS)
def test_features_only_matches_feature_info(name, torch):
    net = deepmad.build_torch(model(name), features_only=True).eval()
    with torch.no_grad():
        feats = net(torch.randn(1, 3, 224, 224))
    info = net.feature_info
    assert len(feats) == len(info) > 1
    for f, i in zip(feats, info):
        assert f.shape[1] == i["num_chs"]
        assert 224 // f.shape[-1] == i["reduction"]
    sub = deepmad.build_torch(model(name), features_only=True, out_indices=(1, 2)).eval()
    with torch.no_grad():
        two = sub(torch.randn(1, 3, 224, 224))
    assert len(two) == 2


def test_num_classes_in_chans(torch):
    net = deepmad.build_torch("resnet18", num_classes=10, in_chans=1, drop_rate=0.2,
                              drop_path_rate=0.1).eval()
    with torch.no_grad():
        y = net(torch.randn(2, 1, 64, 64))
    assert tuple(y.shape) == (2, 10)
    assert count(net) == deepmad.analyze("resnet18", classes=10)["params"] - 2 * 64 * 49


@pytest.mark.parametrize("name", MODELS)
def test_jit_script(name, torch):
    net = deepmad.build_torch(model(name)).eval()
    scripted = torch.jit.script(net)
    x = torch.randn(1, 3, 64, 64) if "29m-288" not in name else torch.randn(1, 3, 96, 96)
    with torch.no_grad():
        assert torch.allclose(scripted(x), net(x), atol=1e-5)
