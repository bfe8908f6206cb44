"""The formatting layer, actions.yaml and inventory drift (fast: no kernels)."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from workbench import presentation as p
from workbench.errors import InputError
from workbench.report import actions, drift, history


def test_values_read_as_a_reader_expects():
    assert p.money(2988.0, "EUR") == "2,988 EUR" and p.money(-1500.4, "EUR", signed=True) == "−1,500 EUR"
    assert p.percent(0.1364, 1) == "13.6%" and p.percent(0.0001) == "<1%" and p.percent(None) == "—"
    assert p.count(720.0) == "720" and p.score(54.66) == "54.7" and p.date(pd.Timestamp("2026-09-30 12:00")) == "2026-09-30"
    assert [p.deadline(h) for h in (0, 4, 72, 720, 1080)] == ["immediately", "4 h", "72 h", "30 days", "45 days"]
    assert p.deadline(None, "without undue delay") == "without undue delay" and p.deadline(None, "immediately") == "immediately"
    assert p.cell(float("nan")) == p.cell(pd.NaT) == p.cell(None) == "—"
    assert p.cell({"overall": 54.7}) == "overall: 54.7" and p.cell(("a", "b")) == "a, b"
    from pathlib import Path
    assert p.cell(Path("/tmp/.2026Q3.tmp-x/pii_inventory.json")) == "pii_inventory.json"


def test_show_escapes_formats_and_drops_row_numbers():
    df = pd.DataFrame({"department": ["<img src=x onerror=alert(1)>", "Sales"], "share": [0.5, math.nan],
                       "mean": [1234.5, None], "last_trained_at": [pd.Timestamp("2026-01-02"), pd.NaT],
                       "deadline_hours": [0, None], "deadline": ["immediately", "without undue delay"]},
                      index=[7, 3])
    html = p.show(df, currency="EUR", kinds={"deadline": "text"})._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    for bad in ("NaN", "NaT", "None", ">7<", ">3<", "nan"):
        assert bad not in html, bad
    assert "50.0%" in html and "1,234 EUR" in html and "2026-01-02" in html and "immediately" in html
    assert "without undue delay" in html and "last trained at" in html


def test_empty_table_says_why():
    html = p.show(pd.DataFrame(), empty="no check failed")._repr_html_()
    assert "no check failed" in html and "<table" not in html


def test_styler_input_keeps_its_caption_but_not_its_markup():
    sty = pd.DataFrame({"name": ["<b>x</b>"]}).style.set_caption("evidence <i>")
    html = p.show(sty)._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "evidence &lt;i&gt;" in html


def test_actions_file_is_validated(tmp_path):
    f = tmp_path / "actions.yaml"
    f.write_text("actions:\n  - {risk: AC-001, owner: IT, status: accepted, approver: CISO}\n")
    with pytest.raises(InputError, match=r"actions.yaml: actions.0: .*reason, expires"):
        actions.load(f)
    f.write_text("actions:\n  - {risk: AC-001, owner: IT, status: finished, due: 2026-12-31}\n")
    with pytest.raises(InputError, match=r"actions.0.status"):
        actions.load(f)
    f.write_text("actions: [\n")
    with pytest.raises(InputError, match="not readable YAML"):
        actions.load(f)
    assert actions.load(tmp_path / "absent.yaml") == []


def test_actions_review_flags(tmp_path):
    f = tmp_path / "actions.yaml"
    f.write_text("""actions:
  - {risk: AC-001, owner: IT, status: done, due: 2026-09-01}
  - {risk: AC-002, owner: IT, status: in progress, due: 2026-09-01}
  - {risk: AC-003, owner: IT, status: open, due: 2027-01-01}
  - {risk: BK-003, owner: IT, status: accepted, approver: CISO, reason: move, expires: 2026-09-01}
  - {risk: BK-004, owner: IT, status: accepted, approver: CISO, reason: move, expires: 2027-09-01}
  - {risk: ENC-001, owner: IT, status: done, due: 2026-09-01}
""")
    failing = {c: {"title": c} for c in ("AC-001", "AC-002", "AC-003", "BK-003", "BK-004", "PRV-001")}
    rows = {r["risk"]: r["flag"] for r in actions.review(actions.load(f), failing, dt.date(2026, 9, 30))}
    assert rows == {"AC-001": "done but persisting", "AC-002": "overdue", "AC-003": "", "BK-003": "acceptance expired",
                    "BK-004": "", "ENC-001": "", "PRV-001": "no action recorded"}
    reviewed = actions.review(actions.load(f), failing, dt.date(2026, 9, 30))
    assert actions.accepted_ids(reviewed) == {"BK-004"}
    current = {"findings": [{"id": c, "status": "fail"} for c in failing]}
    d = history.diff_findings(current, {"findings": []}, actions.accepted_ids(reviewed))
    assert "BK-004" not in d["new"] and d["accepted"] == ["BK-004"] and "BK-003" in d["new"]


def test_inventory_drift():
    before = {"inventory": [{"table": "customers", "column": "email", "category": "email", "share": 0.5},
                            {"table": "customers", "column": "fax", "category": "phone", "share": 0.9}]}
    now = {"inventory": [{"table": "customers", "column": "email", "category": "email", "share": 0.9},
                         {"table": "customers", "column": "Field7", "category": "email", "share": 1.0}]}
    d = drift.drift(now, before)
    assert [r["column"] for r in d["appeared"]] == ["Field7"] and [r["column"] for r in d["disappeared"]] == ["fax"]
    assert [r["column"] for r in d["grew"]] == ["email"] and drift.drift(now, None) is None


@pytest.mark.parametrize("quarter,as_of,warn", [("2026Q3", "2026-09-30", False), ("2026Q3", "2026-07-01", False),
                                                ("2027Q1", "2026-09-30", True), ("2026Q2", "2026-09-30", True)])
def test_freshness(quarter, as_of, warn):
    msg = history.freshness(quarter, as_of)
    assert bool(msg) == warn
    if warn:
        assert as_of in msg and quarter in msg
