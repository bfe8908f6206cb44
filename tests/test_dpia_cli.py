"""`workbench dpia`: outputs, determinism, bad input (exit 2), no leak of planted values, the
versioned answers file and the DPIA status the quarterly report shows."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from workbench.cli import main
from workbench.dpia import dpia_status, gather, load_answers, run_dpia, save_answers, status_table
from workbench.dpia.answers import Entry
from leaks import found_in

FORMAT = "workbench-dpia-answers/1"


def _write(path: Path, answers: dict, **extra) -> Path:
    path.write_text(yaml.safe_dump({"format": FORMAT, "answers": answers, **extra}, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_writes_json_and_html_and_prints_summary(sample_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["dpia", str(sample_dir), "--trials", "2000", "--out", str(out)]) == 0
    cap = capsys.readouterr()
    doc = json.loads((out / "dpia.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.iterdir()) == ["dpia.html", "dpia.json"]
    assert [r["id"] for r in doc["risks"]] == ["illegitimate_access", "unwanted_modification", "disappearance"]
    for r in doc["risks"]:
        assert all(1 <= r[k] <= 4 for k in ("severity", "likelihood", "severity_after", "likelihood_after"))
        assert r["sources"] and r["threats"] and r["impacts"] and r["evidence"]["checks"] and r["measures"]
    assert doc["screening"]["required"] is True and doc["validation"]["status"] == "draft"
    assert doc["action_plan"] and all(a["owner"] and a["due_date"] for a in doc["action_plan"])
    assert {"before", "after"} == set(doc["risk_map"])
    page = (out / "dpia.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page.replace('href="#', "") and "Risk map (CNIL)" in page
    assert "DPIA required: yes" in cap.out and "dpia:" in cap.err and "dpia:" not in cap.out


def test_rerun_gives_identical_documents(sample_dir, tmp_path):
    for d in ("a", "b"):
        assert main(["dpia", str(sample_dir), "--trials", "2000", "--lang", "zh", "--out", str(tmp_path / d)]) == 0
    for name in ("dpia.json", "dpia.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "风险地图" in (tmp_path / "a" / "dpia.html").read_text(encoding="utf-8")


def test_override_without_reason_is_bad_input(sample_dir, tmp_path, cli):
    answers = _write(tmp_path / "answers.yaml", {"risks.illegitimate_access.likelihood": {"value": 1}})
    out = tmp_path / "out"
    p = cli("dpia", str(sample_dir), "--trials", "500", "--answers", str(answers), "--out", str(out))
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) <= 4  # progress lines + one error line
    err = p.stderr.strip().splitlines()[-1]
    assert "answers.yaml" in err and "risks.illegitimate_access.likelihood" in err and "reason" in err
    assert not (out / "dpia.json").exists() and not (out / "dpia.html").exists()


@pytest.mark.parametrize("setup, message", [
    (lambda d: (d / "other.txt").write_text("mine"), "holds other files"),
    (lambda d: None, "not found"),
])
def test_bad_folder_or_missing_answers_exit_2(sample_dir, tmp_path, capsys, setup, message):
    out = tmp_path / "out"
    out.mkdir()
    setup(out)
    args = ["dpia", str(sample_dir), "--trials", "500", "--out", str(out)]
    if message == "not found":
        args += ["--answers", str(tmp_path / "missing.yaml")]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not (out / "dpia.json").exists()


def _raw_values(ds: Path) -> set[str]:
    vals = set()
    with open(ds / "customers.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for col in ("email", "phone", "national_id", "address"):
                if row[col] and len(row[col]) >= 6:
                    vals.add(row[col])
            if row["full_name"] and (" " in row["full_name"] or len(row["full_name"]) >= 3):
                vals.add(row["full_name"])
    with open(ds / "transactions.csv", encoding="utf-8") as fh:
        vals |= {row["card_number"] for row in csv.DictReader(fh) if row["card_number"]}
    return vals


def test_no_personal_value_reaches_any_output(sample_dir, tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(sample_dir, ds)
    planted_email, planted_id, planted_card = "zhang.planted@example.com", "11010519491231002X", "4111111111111111"
    with open(ds / "customers.csv", "a", encoding="utf-8") as fh:  # a planted customer, and the values in free text
        fh.write(f'"C9999999","张三丰","{planted_email}","13800138000","{planted_id}","1990-01-01","北京市朝阳区建国路1号","北京市",,"CN",'
                 f'"2026-01-01T00:00:00","2026-09-01T00:00:00","true","2026-01-01T00:00:00",,,"card {planted_card} id {planted_id}"\n')
    answers = _write(tmp_path / "answers.yaml", {
        "context.purposes": {"value": f"service; escalations go to {planted_email}"},
        "context.data_categories": {"value": [f"customer {planted_id}"], "reason": f"example card {planted_card}"},
        "validation.dpo_opinion": {"value": f"ok, call 13800138000 or {planted_email}"},
    })
    doc, paths = run_dpia(ds, tmp_path / "out", answers=answers, trials=1000, lang="zh")
    saved = save_answers(load_answers(answers), tmp_path / "saved.yaml", by=f"DPO {planted_email}", at="2026-10-01T00:00:00+00:00")
    raw = _raw_values(ds) | {planted_email, planted_id, planted_card, "13800138000"}
    for f in [*paths.values(), saved]:
        text = f.read_text(encoding="utf-8")
        leaked = found_in(raw, text)
        assert not leaked, f"{f.name} leaks {len(leaked)} value(s)"
    assert "z***@example.com" in (tmp_path / "out" / "dpia.json").read_text(encoding="utf-8")


def test_answers_history_validation_and_status_warnings(sample_dataset, tmp_path):
    ev = gather(sample_dataset, trials=2000)
    results = tmp_path / "run"
    results.mkdir()
    for name, data in (("pii_inventory.json", ev.inventory), ("findings.json", ev.findings), ("simulation.json", ev.simulation)):
        (results / name).write_text(json.dumps(data), encoding="utf-8")
    st = dpia_status(results, "")
    assert st["required"] and st["status"] == "none" and "none is on record" in st["warnings"][0]

    path = tmp_path / "answers.yaml"
    a = load_answers(None)
    a.data.answers["context.purposes"] = Entry(value="customer service and orders")
    save_answers(a, path, by="A. Analyst", at="2026-10-01T09:00:00+00:00")
    a = load_answers(path)
    for k, v in (("validation.dpo_opinion", "acceptable with the action plan"), ("validation.signed_off_by", "B. Boss, COO"),
                 ("validation.status", "validated")):
        a.data.answers[k] = Entry(value=v)
    doc, _ = run_dpia(sample_dataset, evidence=ev, answers=a)
    save_answers(a, path, by="C. DPO", at="2026-10-05T10:00:00+00:00", evidence=doc["fingerprint"])
    saved = load_answers(path)
    assert [(h.version, h.by, h.at) for h in saved.data.history] == [
        (1, "A. Analyst", "2026-10-01T09:00:00+00:00"), (2, "C. DPO", "2026-10-05T10:00:00+00:00")]
    assert saved.data.history[1].changed == ["validation.dpo_opinion", "validation.signed_off_by", "validation.status"]
    assert saved.data.validated.at == "2026-10-05T10:00:00+00:00" and saved.data.validated.version == 2

    st = dpia_status(results, path)
    assert st["status"] == "validated" and st["last_validated"].startswith("2026-10-05") and st["warnings"] == []

    # the evidence changes: a new sensitive column, and ransomware became far more frequent
    inv = json.loads((results / "pii_inventory.json").read_text())
    inv["inventory"].append({"table": "customers", "column": "Field7", "category": "iban", "share": 1.0, "sensitivity": "high"})
    (results / "pii_inventory.json").write_text(json.dumps(inv))
    sim = json.loads((results / "simulation.json").read_text())
    next(s for s in sim["scenarios"] if s["id"] == "ransomware-crm-db")["loss_events_per_year"] = 2.0
    (results / "simulation.json").write_text(json.dumps(sim))
    st = dpia_status(results, path)
    assert "new sensitive column: customers.Field7:iban" in st["warnings"]
    assert "disappearance likelihood up from 3 to 4" in st["warnings"]
    table = status_table(st)
    assert list(table.columns) == ["item", "value"] and (table["item"] == "warning").sum() == len(st["warnings"])


@pytest.mark.browser
def test_pdf_via_headless_chromium(sample_dir, tmp_path):
    from workbench.report.export import find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium not installed (make browser)")
    assert main(["dpia", str(sample_dir), "--trials", "500", "--lang", "zh", "--pdf", "--out", str(tmp_path / "o")]) == 0
    pdf = (tmp_path / "o" / "dpia.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_report_table_explains_when_no_inventory(tmp_path):
    from workbench.dpia import report_table

    t = report_table(tmp_path, "")
    assert t.iloc[0]["item"] == "DPIA status" and "pii_inventory.json" in t.iloc[0]["value"]
