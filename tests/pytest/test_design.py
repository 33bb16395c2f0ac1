"""deepmad.design against `deepmad design --json`: the same object (but
for the wall time), for presets and for problems given by options."""
import json

import pytest

import deepmad
from conftest import without_seconds


@pytest.mark.parametrize("preset", ["r18", "b0", "mb"])
def test_preset_equals_cli(preset, cli_json):
    got = deepmad.design(preset=preset)
    want = cli_json("design", "--preset", preset, "--json")
    assert without_seconds(got) == without_seconds(want)
    assert got["seconds"] >= 0


def test_options_equal_cli(cli_json):
    got = deepmad.design(family="bottleneck", macs="1G", params=8_000_000, rho=0.3,
                         strides=[2, 2, 2, 2], kernels=[3], depth=(1, 8), no_depth_penalty=True,
                         input_size=192, classes=100, channels=(16, 1024))
    want = cli_json("design", "--family", "bottleneck", "--macs", "1G", "--params", "8000000",
                    "--rho", "0.3", "--strides", "2,2,2,2", "--kernels", "3", "--depth", "1,8",
                    "--no-depth-penalty", "--input-size", "192", "--classes", "100",
                    "--channels", "16,1024", "--json")
    assert without_seconds(got) == without_seconds(want)
    assert got["metrics"]["macs"] <= 1_000_000_000 and got["metrics"]["params"] <= 8_000_000


def test_space_and_mbconv_options_equal_cli(cli_json):
    got = deepmad.design(family="mbconv", space="paper", macs=400e6, params="5.3M", act="silu",
                         head_ratio=(1, 4), effort=2)
    want = cli_json("design", "--family", "mbconv", "--space", "paper", "--macs", "400M",
                    "--params", "5.3M", "--act", "silu", "--head-ratio", "1,4", "--effort", "2",
                    "--json")
    assert without_seconds(got) == without_seconds(want)


def test_infeasible(cli):
    p = cli("design", "--macs", "1M", "--params", "1K", "--json", ok=False)
    assert p.returncode == 1
    with pytest.raises(deepmad.Infeasible) as e:
        deepmad.design(macs="1M", params="1K")
    import json
    assert e.value.result == json.loads(p.stdout)
    assert e.value.result["constraint"] == "macs"
    assert str(e.value) == e.value.result["message"]
    assert isinstance(e.value, deepmad.Error)


def test_bad_problems_raise_the_library_message(cli):
    with pytest.raises(ValueError) as e:
        deepmad.design(preset="r18", rho=-1.0)
    assert "rho" in str(e.value)
    with pytest.raises(ValueError, match="r19"):
        deepmad.design(preset="r19")
    with pytest.raises(ValueError, match="preset or family"):
        deepmad.design(preset="r18", family="basic")
    with pytest.raises(ValueError):
        deepmad.design(family="basic", space="paper")      # the paper space has no basic blocks
    with pytest.raises(ValueError):
        deepmad.design(macs="lots")
    with pytest.raises(ValueError):
        deepmad.design(macs=-5)
    with pytest.raises(ValueError, match="latency_table"):
        deepmad.design(preset="r18", latency=40)
    with pytest.raises(deepmad.Error):
        deepmad.design(preset="r18", latency=40, latency_table="/nonexistent/lat.json")
    with pytest.raises(ValueError):
        deepmad.design(preset="r18", depth=(1, 2, 3))
    with pytest.raises(ValueError, match="inner_round"):
        deepmad.design(preset="r18", inner_round="down")


def test_bad_keywords():
    with pytest.raises(TypeError, match="frobnicate"):
        deepmad.design(preset="r18", frobnicate=3)
    with pytest.raises(TypeError):
        deepmad.design(preset="r18", input_size="224")
    with pytest.raises(TypeError):
        deepmad.design(preset="r18", head="yes")
    with pytest.raises(TypeError):
        deepmad.design(preset=18)
    with pytest.raises(ValueError):
        deepmad.design(preset="r18", input_size=2**40)


SMALL = dict(family="basic", input_size=32, classes=10, strides=[2, 2], channels=(8, 32),
             depth=(1, 2))


def test_refine_measures_the_designs_shapes(cli, tmp_path):
    """refine=True: the design's op shapes are all in the table afterwards
    (the file grew by "measured"), its latency within the budget; refine
    without a table is a ValueError."""
    table = tmp_path / "lat.json"
    cli("profile", "--family", "basic", "--input-size", "32", "--classes", "10",
        "--strides", "2,2", "--channels", "8,32", "--depth", "1,2", "--runs", "2",
        "--warmup", "0", "--no-cache", "-o", str(table))
    before = json.loads(table.read_text())["entries"]
    free = deepmad.design(latency_table=table, **SMALL)
    budget = 0.9 * free["metrics"]["latency_ms"]
    r = deepmad.design(latency=budget, latency_table=table, refine=True, **SMALL)
    after = json.loads(table.read_text())["entries"]
    ref = r["refine"]
    assert 1 <= ref["solves"] <= 16 and ref["estimated"] == 0, ref
    assert len(after) == len(before) + ref["measured"]
    assert r["metrics"]["latency_ms"] <= budget
    assert "refine" not in free
    with pytest.raises(ValueError, match="latency_table"):
        deepmad.design(refine=True, **SMALL)
    with pytest.raises(TypeError):
        deepmad.design(latency_table=table, refine="yes", **SMALL)
