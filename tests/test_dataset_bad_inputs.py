"""The bad-input corpus: each case exits 2 with one line naming the culprit, no traceback, nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expect.txt").is_file())


def test_corpus_is_complete():
    required = {"missing_file", "yaml_syntax_error", "unknown_mapped_column", "wrong_declared_encoding",
                "undecodable_bytes", "unparseable_date", "duplicate_ids", "empty_file", "missing_dataset_yaml",
                "malformed_permissions"}
    assert required <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_validate_rejects_bad_input(case, cli):
    expect = (CORPUS / case / "expect.txt").read_text(encoding="utf-8").strip()
    r = cli("validate", str(CORPUS / case))
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert expect in lines[0]
    assert "hint:" in lines[0]


@pytest.mark.parametrize("command", ["scan", "assess", "simulate"])
@pytest.mark.parametrize("case", ["unparseable_date", "duplicate_ids", "malformed_permissions"])
def test_commands_write_nothing_on_bad_input(case, command, cli, tmp_path):
    out = tmp_path / "out"
    r = cli(command, str(CORPUS / case), "--out", str(out))
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_bad_value_is_described_by_shape_not_content(cli):
    # the value of a bad cell may be personal data: only its shape is shown
    r = cli("validate", str(CORPUS / "unparseable_date"))
    assert "31/12/2025" not in r.stderr and "99/99/9999" in r.stderr
