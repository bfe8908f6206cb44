"""workbench subject erase-plan: masked plan, retention and legal holds kept, SQL that does exactly
what the plan says when run (SQLite), with hostile values that cannot break out of their literals."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from pathlib import Path

import pandas as pd
import yaml


def truth(sample_dir: Path) -> dict:
    return {s["id"]: s for s in json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))["subjects"]}


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def sqlite_copy(sample_dir: Path, db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db)
    for t in ("customers", "transactions"):
        pd.read_csv(sample_dir / f"{t}.csv", dtype=str, keep_default_na=False).to_sql(t, con, index=False)
    return con


def test_erase_plan_is_masked_keeps_what_retention_requires_and_its_sql_does_what_it_says(cli, sample_dir, tmp_path):
    s1 = truth(sample_dir)["S1"]
    before = digest(sample_dir)
    out = tmp_path / "plan"
    r = cli("subject", "erase-plan", str(sample_dir), "--email", s1["identifiers"]["email"], "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert digest(sample_dir) == before  # the export is never changed
    assert "nothing was changed" in r.stderr and "0600" in r.stderr
    assert stat.S_IMODE((out / "erase_plan.sql").stat().st_mode) == 0o600
    plan = json.loads((out / "erase_plan.json").read_text(encoding="utf-8"))
    masked = (out / "erase_plan.json").read_text(encoding="utf-8") + (out / "erase_plan.md").read_text(encoding="utf-8")
    for raw in [*filter(None, s1["identifiers"].values()), *filter(None, s1["also"].values())]:
        assert raw not in masked and raw.upper() not in masked
    touch = {t["table"]: t for t in plan["touch"]}
    assert touch["customers"]["rows"] == 2 and touch["customers"]["mentions"] == {"notes": 1}
    assert touch["transactions"]["action"] == "keep (retention)"  # every purchase is younger than 10 years
    assert plan["keep"][0]["why"] == "retention" and "HGB" in plan["keep"][0]["basis"][0]
    assert plan["backups"]["retention_days"] == 35 and plan["backups"]["jobs"]
    assert plan["logs"]["events"] > 0 and plan["changes_export"] is False

    con = sqlite_copy(sample_dir, tmp_path / "crm.db")
    n_customers = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    n_tx = con.execute("SELECT count(*) FROM transactions").fetchone()[0]
    con.executescript((out / "erase_plan.sql").read_text(encoding="utf-8"))
    ids = s1["expected"]["email"]["rows"]["customers"]
    assert con.execute("SELECT count(*) FROM customers").fetchone()[0] == n_customers - len(ids)
    assert con.execute(f"SELECT count(*) FROM customers WHERE customer_id IN ({','.join('?' * len(ids))})", ids).fetchone()[0] == 0
    note = con.execute("SELECT notes FROM customers WHERE customer_id = ?", (s1["expected"]["email"]["mentions"][0]["key"],)).fetchone()[0]
    assert "[erased]" in note and s1["identifiers"]["email"] not in note.lower()
    assert con.execute("SELECT count(*) FROM transactions").fetchone()[0] == n_tx  # kept under retention


def hostile_dataset(root: Path, holds: list | None = None) -> Path:
    root.mkdir()
    evil = "C1'); DROP TABLE customers; --"
    pd.DataFrame({"customer_id": [evil, "C2", "C3"], "email": ["o'brien@example.org", "b@example.org", "c@example.org"],
                  "notes": ["", "ask o'brien@example.org about it", "nothing"],
                  "created_at": ["2020-01-01T00:00:00"] * 3}).to_csv(root / "customers.csv", index=False)
    pd.DataFrame({"transaction_id": ["T1", "T2", "T3"], "customer_id": [evil, evil, "C2"], "amount": [1.0, 2.0, 3.0],
                  "created_at": ["2010-01-01T00:00:00", "2026-01-01T00:00:00", "2026-01-01T00:00:00"]}).to_csv(root / "transactions.csv", index=False)
    cfg = {"name": "hostile", "as_of": "2026-09-30", "tables": {"customers": {"path": "customers.csv"}, "transactions": {"path": "transactions.csv"}},
           "processing": {"retention": [{"table": "transactions", "days": 3650, "basis": "tax"}], "legal_holds": holds or []}}
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return root


def test_hostile_values_stay_inside_their_literals(cli, tmp_path):
    ds = hostile_dataset(tmp_path / "ds")
    out = tmp_path / "plan"
    r = cli("subject", "erase-plan", str(ds), "--email", "O'Brien@example.org", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(tmp_path / "crm.db")
    for t in ("customers", "transactions"):
        pd.read_csv(ds / f"{t}.csv", dtype=str, keep_default_na=False).to_sql(t, con, index=False)
    con.executescript((out / "erase_plan.sql").read_text(encoding="utf-8"))
    assert [r[0] for r in con.execute("SELECT customer_id FROM customers ORDER BY 1")] == ["C2", "C3"]
    assert con.execute("SELECT notes FROM customers WHERE customer_id = 'C2'").fetchone()[0] == "ask [erased] about it"
    # the 2010 purchase is past its 10 years: deleted; the 2026 one is kept; C2's is not the person's
    assert [r[0] for r in con.execute("SELECT transaction_id FROM transactions ORDER BY 1")] == ["T2", "T3"]


def test_a_legal_hold_keeps_everything_it_covers(cli, tmp_path):
    ds = hostile_dataset(tmp_path / "ds", holds=[{"reason": "claim 2026-17", "tables": ["customers"]}])
    out = tmp_path / "plan"
    r = cli("subject", "erase-plan", str(ds), "--email", "o'brien@example.org", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    plan = json.loads((out / "erase_plan.json").read_text(encoding="utf-8"))
    assert {"table": "customers", "rows": 2, "why": "legal hold", "basis": ["claim 2026-17"]} in plan["keep"]
    sql = (out / "erase_plan.sql").read_text(encoding="utf-8")
    assert 'DELETE FROM "customers"' not in sql and "UPDATE \"customers\"" not in sql and "legal hold" in sql


def test_retention_naming_an_unknown_table_is_bad_input(cli, tmp_path):
    ds = hostile_dataset(tmp_path / "ds")
    cfg = yaml.safe_load((ds / "dataset.yaml").read_text(encoding="utf-8"))
    cfg["processing"]["retention"][0]["table"] = "invoices"
    (ds / "dataset.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    r = cli("subject", "erase-plan", str(ds), "--email", "c@example.org", "--out", str(tmp_path / "p"), "--quiet")
    assert r.returncode == 2 and "processing.retention" in r.stderr and "invoices" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "p").exists()
