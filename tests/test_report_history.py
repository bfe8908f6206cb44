"""History: quarters, previous-quarter lookup, finding diff, trends (no kernels: fast)."""
from __future__ import annotations

import json

import pytest

from workbench.errors import InputError
from workbench.report import history

from _report_fixtures import write_results


@pytest.mark.parametrize("bad", ["2026Q5", "2026-Q4", "26Q1", "Q4 2026", "2026q4", "", "2026Q0"])
def test_bad_quarter_is_input_error(bad):
    with pytest.raises(InputError) as e:
        history.parse_quarter(bad)
    assert e.value.exit_code == 2 and "YYYYQn" in str(e.value)


def test_parse_quarter():
    assert history.parse_quarter("2026Q4") == (2026, 4)


def test_find_previous_picks_latest_earlier_quarter_with_findings(tmp_path):
    write_results(tmp_path / "2025Q4", ["AC-001"], 50, 1)
    write_results(tmp_path / "2026Q2", ["AC-001"], 60, 1)
    (tmp_path / "2026Q3").mkdir()                       # no findings.json: skipped
    write_results(tmp_path / "2027Q1", ["AC-001"], 70, 1)  # later: ignored
    write_results(tmp_path / ".2026Q3.tmp-abc", ["AC-001"], 70, 1)  # hidden temp: ignored
    assert history.find_previous(tmp_path, "2026Q4").name == "2026Q2"
    assert history.find_previous(tmp_path, "2026Q2").name == "2025Q4"
    assert history.find_previous(tmp_path, "2025Q4") is None
    assert history.find_previous(tmp_path / "absent", "2026Q1") is None


def test_diff_and_trends(tmp_path):
    prev = write_results(tmp_path / "2026Q2", ["AC-001", "BK-001"], 60, 150_000)
    cur = write_results(tmp_path / "2026Q3", ["AC-001", "ENC-002"], 70, 100_000)
    h = history.history(cur, prev, "2026Q3")
    assert h["findings"] == {"new": ["ENC-002"], "resolved": ["BK-001"], "persisting": ["AC-001"], "accepted": [],
                             "failing": ["AC-001", "ENC-002"]}
    assert h["previous_quarter"] == "2026Q2" and h["note"] == ""
    assert h["scores"]["overall"] == {"current": 70.0, "previous": 60.0, "change": 10.0, "trend": "▲", "verdict": "better"}
    assert h["scores"]["access"]["trend"] == "▶"
    assert h["expected_loss"]["change"] == -50_000 and h["expected_loss"]["trend"] == "▼"
    assert h["expected_loss"]["verdict"] == "better"  # less loss is better
    assert list(h["scores"])[0] == "overall"
    json.dumps(h)  # JSON-able


def test_first_run_says_no_previous_quarter(tmp_path):
    cur = write_results(tmp_path / "2026Q3", ["AC-001"], 70, 100)
    h = history.history(cur, None, "2026Q3")
    assert h["note"] == "no previous quarter" and h["previous_quarter"] is None
    # nothing is "new" without a quarter to be new against
    assert h["findings"]["new"] == [] and h["findings"]["failing"] == ["AC-001"] and h["findings"]["resolved"] == []
    assert h["scores"]["overall"]["trend"] == "" and h["expected_loss"]["previous"] is None


def test_arrows():
    assert history.arrow(1, 2) == "▼" and history.arrow(2, 1) == "▲" and history.arrow(1, 1.01) == "▶"
    assert history.arrow(None, 1) == "" and history.verdict(3, 1, higher_is_better=False) == "worse"
