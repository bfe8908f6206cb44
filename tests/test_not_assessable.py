"""An export without posture inputs is "not assessable", not "overall 0.0" (issue 20, item 6);
PII-001 reads every free-text column of every table."""
from __future__ import annotations

import json
from pathlib import Path

from workbench.assess import assess
from workbench.cli import main
from workbench.dataset import load_dataset
from workbench.scoring import ASSESSABLE_COVERAGE, not_assessable, scores

NOTES = ["Please call back tomorrow about the delivery window and the invoice.",
         "Customer prefers letters; wrote to anna.private@gmail.com about the refund last week.",
         "Spoke to the customer about the new loyalty programme, no change needed for now."]


def _export(tmp_path: Path) -> Path:
    d = tmp_path / "export"
    d.mkdir()
    (d / "customers.csv").write_text("customer_id,full_name,email,notes\n" + "".join(
        f"C{i},Person {i},p{i}@example.com,\"{NOTES[i % 3] if i % 3 != 1 else NOTES[0]}\"\n" for i in range(12)),
        encoding="utf-8")
    # an other table with free text: a support ticket log the checks never saw before
    (d / "tickets.csv").write_text("ticket_id,customer_id,body\n" + "".join(
        f"T{i},C{i},\"{NOTES[i % 3]}\"\n" for i in range(9)), encoding="utf-8")
    (d / "dataset.yaml").write_text("name: bare export\nas_of: 2026-09-30\ntables:\n  customers: {path: customers.csv}\n",
                                    encoding="utf-8")
    return d


def test_bare_export_is_not_assessable(tmp_path, capsys):
    folder = _export(tmp_path)
    out = tmp_path / "out"
    assert main(["assess", str(folder), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    applicable = [f for f in doc["findings"] if f["status"] != "not_applicable"]
    lacking = [f for f in applicable if f["status"] == "insufficient_data"]
    assert doc["scores"]["overall"] is None
    assert doc["overall_reason"] == f"not assessable: {len(lacking)} of {len(applicable)} checks lacked data"
    assert doc["overall_reason"] in text and "overall n/a" in text and "0 failed check(s)" not in text
    # a threshold cannot be met by what was not measured
    assert main(["assess", str(folder), "--out", str(tmp_path / "o2"), "--fail-under", "10"]) == 3
    assert "not assessable" in capsys.readouterr().err


def test_committed_sample_keeps_its_overall(sample_dataset):
    a = assess(sample_dataset)
    assert a.scores["overall"] is not None and a.to_dict()["overall_reason"] is None


def test_threshold_is_half_of_the_applicable_points():
    def f(status, sev="medium"):
        return {"status": status, "severity": sev, "weight": 1.0, "domain": "access", "affected": 0, "total": 1}
    half = [f("pass"), f("insufficient_data")]              # 2 of 4 points measured: exactly the bar
    below = [f("pass", "low"), f("insufficient_data")]      # 1 of 3
    assert ASSESSABLE_COVERAGE == 0.5
    assert not_assessable(half) is None and scores(half)["overall"] == 50.0
    assert not_assessable(below) == "not assessable: 1 of 2 checks lacked data"
    assert scores(below)["overall"] is None and scores(below)["access"] is not None
    assert not_assessable([f("not_applicable")]) is None   # nothing applicable: no score, no claim either


def test_pii001_reads_every_table(tmp_path):
    a = assess(load_dataset(_export(tmp_path)))
    f = a.finding("PII-001")
    # the note with an e-mail is in tickets rows T1, T4, T7 (file rows 2, 5, 8) and in no customer's
    # notes: only the other table fails the check; total counts both tables' records
    assert (f.status, f.affected, f.total) == ("fail", 3, 12 + 9)
    assert set(f.evidence["table"]) == {"tickets"} and set(f.evidence["record"]) == {"row 2", "row 5", "row 8"}
    assert "anna.private" not in f.evidence.to_csv()
    assert "tickets.body" in f.note


def test_report_verdict_says_not_assessable(tmp_path):
    import pandas as pd

    from workbench.report.executive import Results
    from workbench.report.first_screen import verdict

    doc = assess(load_dataset(_export(tmp_path))).to_dict()
    r = Results(quarter="2026Q3", folder=tmp_path, findings=doc, register=pd.DataFrame(), simulation={}, training={},
                history={"scores": {"overall": {"current": None, "previous": None}}})
    applicable = [f for f in doc["findings"] if f["status"] != "not_applicable"]
    lacking = sum(f["status"] == "insufficient_data" for f in applicable)
    html = verdict(r)
    assert f"not assessable — {lacking} of {len(applicable)} checks lacked data" in html
