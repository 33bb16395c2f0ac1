"""Shared fixtures of the Python package's tests (tests/pytest).

The package is the one CMake builds (build/python, on PYTHONPATH through
ctest) or an installed one.  Independent truth is the command line: the
`deepmad` binary named by $DM_CLI (ctest sets it), whose --json objects and
exported files the package must reproduce byte for byte, and PyTorch's own
parameter counts.
"""
import json
import os
import subprocess

import pathlib

import pytest

import deepmad  # noqa: F401  (fails the run early when the package is missing)


SRC_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("DM_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("no deepmad CLI to compare with (set DM_CLI)")

    def run(*args, ok=True):
        p = subprocess.run([path, *args], capture_output=True)
        if ok and p.returncode != 0:
            raise AssertionError("deepmad %s failed (%d): %s" % (" ".join(args), p.returncode,
                                                                  p.stderr.decode()))
        return p
    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    def run(*args):
        return json.loads(cli(*args).stdout)
    return run


@pytest.fixture(scope="session")
def torch():
    return pytest.importorskip("torch")


def without_seconds(d):
    """A design result without its wall time (the one key that differs run to run)."""
    d = dict(d)
    d.pop("seconds", None)
    return d
