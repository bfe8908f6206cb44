"""``workbench scan``: writes pii_inventory.json (DESIGN shape), masked only, deterministic; bad input → 2."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main
from workbench.dataset import load_dataset
from workbench.pii import scan_dataset

from test_pii_detectors import ID1, ID2, VISA_PLAIN

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "acme_retail"

PLANTED = {
    "emails": ["planted.alice@example.com", "bob.planted@example.org", "zhang.planted@mail.example.cn"],
    "phones": ["13912345678", "+44 20 7946 0958", "15800001111"],
    "ids": [ID1, ID2, "536-22-1234"],
    "cards": [VISA_PLAIN, "5555555555554444", "4111111111111111"],
    "names": ["Alice Plantedson", "Bob Plantedsen", "张伟明"],
    "addresses": ["221 Baker Street", "北京市朝阳区建国路88号", "6257 Oak Ave, San Jose, CA 95154"],
}
NOTE_SECRET = "4012888888881881"   # Luhn-valid card pasted into a note
NOTE_ID = "11010519491231002X"      # valid China id glued to Chinese text in a note


def make_dataset(root: Path, n: int = 60) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        k = i % 3
        rows.append({
            "customer_id": f"C{i:04d}",
            "full_name": PLANTED["names"][k],
            "email": PLANTED["emails"][k],
            "phone": PLANTED["phones"][k],
            "national_id": PLANTED["ids"][k],
            "birth_date": f"19{70 + k}-0{k + 1}-1{k}",
            "address": PLANTED["addresses"][k],
            "country": ["DE", "CN", "US"][k],
            "state": ["", "", "CA"][k],
            "notes": ("Customer asked about the loyalty programme and delivery times." if i % 4 else
                      [f"Paid by card {NOTE_SECRET}, please call back tomorrow.",
                       f"客户身份证{NOTE_ID}，需要尽快回电处理退款。",
                       f"Diabetic customer, send mail to {PLANTED['emails'][0]} about the order."][i % 3]),
            "Field7": PLANTED["emails"][(k + 1) % 3],
        })
    pd.DataFrame(rows).to_csv(root / "customers.csv", index=False)
    pd.DataFrame({"transaction_id": [f"T{i}" for i in range(30)], "customer_id": [f"C{i:04d}" for i in range(30)],
                  "amount": [9.5] * 30, "currency": ["EUR"] * 30,
                  "card_number": [PLANTED["cards"][i % 3] for i in range(30)]}).to_csv(root / "transactions.csv", index=False)
    (root / "posture.yaml").write_text("systems:\n  - {name: crm-db, stores: [customers, transactions]}\n"
                                       "policies: {retention_days: 730}\n", encoding="utf-8")
    (root / "dataset.yaml").write_text(
        "name: PII test\nas_of: 2026-09-30\norganisation: {name: T, industry: retail, annual_revenue: 1000000, "
        "currency: EUR, jurisdictions: [EU, CN, US-CA]}\ntables:\n  customers: {path: customers.csv}\n"
        "  transactions: {path: transactions.csv}\nposture: posture.yaml\n", encoding="utf-8")
    return root


def test_scan_writes_inventory_with_masked_values_only(tmp_path, capsys) -> None:
    ds = make_dataset(tmp_path / "ds")
    out = tmp_path / "out"
    assert main(["scan", str(ds), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "scanned customers.notes" in err                  # progress on stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["pii_inventory.json"]                   # no temp file left behind
    doc = json.loads((out / "pii_inventory.json").read_text(encoding="utf-8"))

    inv = {(e["table"], e["column"], e["category"]): e for e in doc["inventory"]}
    assert all({"table", "column", "category", "share", "sensitivity", "evidence"} <= set(e) for e in doc["inventory"])
    assert {e["evidence"] for e in doc["inventory"]} <= {"content", "header+content"}
    for key in [("customers", "email", "email"), ("customers", "Field7", "email"), ("customers", "phone", "phone"),
                ("customers", "national_id", "national_id"), ("customers", "full_name", "person_name"),
                ("customers", "address", "address"), ("customers", "birth_date", "birth_date"),
                ("transactions", "card_number", "card_number")]:
        assert key in inv, key
        assert inv[key]["share"] == 1.0
    assert inv[("customers", "national_id", "national_id")]["sensitivity"] == "high"
    assert ("customers", "customer_id", "phone") not in inv

    free = {(f["table"], f["column"]): f for f in doc["free_text"]}
    notes = free[("customers", "notes")]
    assert notes["records"] == 60 and notes["affected_records"] == 15
    assert notes["by_category"] == {"card_number": 5, "email": 5, "national_id": 5}
    assert notes["special_categories"] == {"health": 5}
    assert notes["examples"]["card_number"] == ["**** **** **** 1881"]
    assert notes["examples"]["national_id"] == ["1101**********002X"]

    rec = {r["table"]: r for r in doc["processing_record"]}
    assert rec["customers"]["records"] == 60 and rec["customers"]["retention_days"] == 730
    assert rec["customers"]["subject_jurisdictions"] == {"CN": 20, "EU": 20, "US-CA": 20}
    assert rec["customers"]["special_categories"] == ["health"] and rec["customers"]["sensitivity"] == "high"
    assert rec["transactions"]["categories"] == ["card_number"] and rec["transactions"]["systems"] == ["crm-db"]

    raw = (out / "pii_inventory.json").read_text(encoding="utf-8")
    planted = [v for vs in PLANTED.values() for v in vs] + [NOTE_SECRET, NOTE_ID]
    leaked = [v for v in planted if v in raw or v.replace(" ", "") in raw.replace(" ", "")]
    assert leaked == []


def test_scan_is_deterministic(tmp_path) -> None:
    ds = make_dataset(tmp_path / "ds")
    assert main(["scan", str(ds), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["scan", str(ds), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert (tmp_path / "a" / "pii_inventory.json").read_bytes() == (tmp_path / "b" / "pii_inventory.json").read_bytes()


@pytest.mark.parametrize("breakage", ["missing", "yaml", "no_customers", "bad_detectors"])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, breakage: str) -> None:
    ds = make_dataset(tmp_path / "ds")
    args = ["scan", str(ds), "--out", str(tmp_path / "out")]
    if breakage == "missing":
        args[1] = str(tmp_path / "nope")
    elif breakage == "yaml":
        (ds / "dataset.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    elif breakage == "no_customers":
        (ds / "customers.csv").unlink()
    else:
        (tmp_path / "d.yaml").write_text("detectors: []\n", encoding="utf-8")
        args += ["--detectors", str(tmp_path / "d.yaml")]
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench scan: error:") and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_scan_dataset_api_on_fixture(tmp_path) -> None:
    inv = scan_dataset(load_dataset(make_dataset(tmp_path / "ds")))
    frame = inv.frame()
    assert list(frame.columns) == ["table", "column", "category", "share", "sensitivity"]
    assert inv.to_dict()["inventory"] == inv.columns


@pytest.mark.skipif(not (SAMPLE / "dataset.yaml").is_file(), reason="committed sample not generated yet")
def test_scan_committed_sample(tmp_path) -> None:
    assert main(["scan", str(SAMPLE), "--out", str(tmp_path), "--quiet"]) == 0
    doc = json.loads((tmp_path / "pii_inventory.json").read_text(encoding="utf-8"))
    truth = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))["pii_in_notes"]
    notes = next(f for f in doc["free_text"] if f["column"] == "notes")
    picked = {c: n for c, n in notes["by_category"].items() if c in ("email", "phone", "card_number", "national_id")}
    assert picked == truth["by_category"]
    cats = {(e["table"], e["column"]): e["category"] for e in doc["inventory"] if e["share"] >= 0.5}
    assert cats[("customers", "email")] == "email" and cats[("transactions", "card_number")] == "card_number"
