"""deepmad.analyze against `deepmad analyze --json`: the same object for
every zoo net, with options, for files, dicts and MLPs."""
import json
import pathlib

import pytest

import deepmad

SRC = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", deepmad.zoo())
def test_zoo_equals_cli(name, cli_json):
    assert deepmad.analyze(name) == cli_json("analyze", name, "--json")


def test_zoo_lists_the_cli_zoo(cli):
    names = cli("zoo").stdout.decode()
    for n in deepmad.zoo():
        assert n in names


def test_options_equal_cli(cli_json):
    got = deepmad.analyze("resnet50", input_size=160, classes=10, alpha=[1, 1, 1, 1, 4],
                          beta=2.5, penalty="var", penalty_skip=1)
    want = cli_json("analyze", "resnet50", "--input-size", "160", "--classes", "10",
                    "--alpha", "1,1,1,1,4", "--beta", "2.5", "--penalty", "var",
                    "--penalty-skip", "1", "--json")
    assert got == want
    assert got["stages"][0]["resolution"] == 80   # the stem halves 160


def test_style_equals_cli(cli_json):
    assert deepmad.analyze("resnet50", style="paper") == \
        cli_json("analyze", "resnet50", "--style", "paper", "--json")


def test_file_dict_bytes_and_path(cli_json, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(deepmad.export("deepmad-r18", "json"))
    want = cli_json("analyze", str(path), "--json")
    assert deepmad.analyze(str(path)) == want
    assert deepmad.analyze(path) == want
    assert deepmad.analyze(json.loads(path.read_text())) == want
    assert deepmad.analyze(path.read_bytes()) == want


def test_reference_format_file(cli_json):
    path = SRC / "data" / "tinynas"
    files = sorted(path.glob("*.txt"))
    assert files
    assert deepmad.analyze(files[0]) == cli_json("analyze", str(files[0]), "--json")


def test_mlp_file(cli_json):
    path = SRC / "tests" / "golden" / "mlp.json"
    assert deepmad.analyze(path) == cli_json("analyze", str(path), "--json")
    with pytest.raises(ValueError, match="MLP"):
        deepmad.analyze(path, input_size=32)


def test_design_result_is_a_model(cli_json, tmp_path):
    r = deepmad.design(preset="b0")
    path = tmp_path / "b0.json"
    deepmad.export(r, "json", path)
    assert deepmad.analyze(r) == deepmad.analyze(r["architecture"]) == \
        cli_json("analyze", str(path), "--json")
    # the design's own metrics are analyze's (the design's score parameters are the defaults)
    a = deepmad.analyze(r)
    for k in ("params", "macs", "layers", "rho", "entropy", "objective"):
        assert a[k] == r["metrics"][k]


def test_errors_carry_the_library_message(cli, tmp_path):
    with pytest.raises(deepmad.Error) as e:
        deepmad.analyze(str(tmp_path / "missing.json"))
    assert "missing.json" in str(e.value) and e.value.status == "i/o error"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "deepmad-arch", "version": 1, "stem": ')
    with pytest.raises(deepmad.Error) as e:
        deepmad.analyze(bad)
    msg = cli("analyze", str(bad), ok=False).stderr.decode().strip()
    assert msg == "deepmad: " + str(e.value)
    assert isinstance(e.value, ValueError)
    with pytest.raises(deepmad.Error, match="unknown"):
        deepmad.analyze({"format": "deepmad-arch", "nonsense": 1})
    with pytest.raises(deepmad.Error):
        deepmad.analyze("resnet50", style="fancy")
    with pytest.raises(deepmad.Error):
        deepmad.analyze("resnet50", input_size=100)   # 100 / 32 is no integer


def test_bad_arguments():
    with pytest.raises(TypeError):
        deepmad.analyze(3)
    with pytest.raises(TypeError):
        deepmad.analyze("resnet50", input_size="224")
    with pytest.raises(ValueError):
        deepmad.analyze("resnet50", input_size=-5)
    with pytest.raises(TypeError):
        deepmad.analyze("resnet50", bogus=1)
    with pytest.raises(ValueError, match="NUL"):
        deepmad.analyze("res\0net50")
    with pytest.raises(TypeError):
        deepmad.analyze("resnet50", alpha=["a"])
    with pytest.raises(ValueError):
        deepmad.analyze("resnet50", alpha=[1.0] * 100)
