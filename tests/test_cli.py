"""The command line: help everywhere, usage errors exit 2 on one line, sample writes a dataset."""
from __future__ import annotations

import json

import pytest

from workbench.cli import COMMANDS, build_parser


def registered() -> list[str]:
    return sorted(build_parser()._subparsers._group_actions[0].choices)


def test_every_designed_subcommand_is_registered():
    assert set(COMMANDS) == set(registered())


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command, cli):
    r = cli(command, "--help")
    assert r.returncode == 0 and "usage: workbench" in r.stdout and r.stderr == ""


def test_top_level_help_and_version(cli):
    r = cli("--help")
    assert r.returncode == 0 and "Exit codes" in r.stdout
    assert cli("--version").stdout.startswith("workbench ")


def test_usage_errors_exit_2_one_line(cli):
    for args in (["frobnicate"], ["sample"], ["sample", "--customers", "ten", "--out", "x"], []):
        r = cli(*args)
        assert r.returncode == 2, args
        assert "Traceback" not in r.stderr


def test_sample_bad_values_exit_2(cli, tmp_path):
    r = cli("sample", "--customers", "10", "--out", str(tmp_path / "s"))
    assert r.returncode == 2 and "too small" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "s").exists()
    r = cli("sample", "--as-of", "30.09.2026", "--out", str(tmp_path / "s"))
    assert r.returncode == 2 and "--as-of" in r.stderr


def test_sample_then_validate(cli, tmp_path):
    out = tmp_path / "ds"
    r = cli("sample", "--customers", "500", "--seed", "5", "--layout", "parquet", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "generating customers" in r.stderr  # progress is shown
    truth = json.loads((out / "ground_truth.json").read_text())
    assert truth["generator"]["customers"] == 500
    r = cli("validate", str(out))
    assert r.returncode == 0 and "customers" in r.stdout and "[parquet]" in r.stdout
    assert list(tmp_path.iterdir()) == [out]  # no temporary folder left behind


def test_python_m_workbench_and_debug_traceback(cli):
    r = cli("--debug", "validate", "does/not/exist")
    assert r.returncode == 2 and "dataset folder not found" in r.stderr
