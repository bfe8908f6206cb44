"""The dataset contract: sources, encodings, mapping, type coercion, samples."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from workbench import DatasetError, load_dataset

ZH_ROWS = "customer_id,full_name,address,consent_marketing,created_at\nC1,王伟,北京市朝阳区建国路88号,是,2026-01-02T10:00:00Z\nC2,李娜,上海市浦东新区世纪大道1号,否,2026-01-03\n"


def write_ds(d: Path, customers: bytes | str, extra_yaml: str = "", encoding: str | None = None, name: str = "customers.csv") -> Path:
    d.mkdir(parents=True, exist_ok=True)
    data = customers.encode("utf-8") if isinstance(customers, str) else customers
    (d / name).write_bytes(data)
    enc = f", encoding: {encoding}" if encoding else ""
    (d / "dataset.yaml").write_text(f"name: t\nas_of: 2026-09-30\ntables:\n  customers: {{path: {name}{enc}}}\n{extra_yaml}", encoding="utf-8")
    return d


@pytest.mark.parametrize("encoding,declared", [("gb18030", None), ("gb18030", "gb18030"), ("gbk", None),
                                               ("utf-8-sig", None), ("utf-8-sig", "utf-8"), ("utf-8", None)])
def test_chinese_csv_encodings_load(tmp_path, encoding, declared):
    ds = load_dataset(write_ds(tmp_path, ZH_ROWS.encode(encoding), encoding=declared))
    c = ds.tables["customers"]
    assert c["full_name"].tolist() == ["王伟", "李娜"]
    assert c["address"].iloc[0] == "北京市朝阳区建国路88号"
    assert list(c.columns[:2]) == ["customer_id", "full_name"]  # a BOM must not stick to the first header
    assert c["consent_marketing"].tolist() == [True, False]


def test_datetimes_with_and_without_z_and_booleans(tmp_path):
    rows = ("customer_id,created_at,consent_marketing\nC1,2026-01-02T10:00:00Z,true\nC2,2026-01-02T10:00:00,Y\n"
            "C3,2026-01-02,0\nC4,2026-01-02 10:00:00+02:00,No\nC5,,\n")
    c = load_dataset(write_ds(tmp_path, rows)).tables["customers"]
    assert c["created_at"].tolist()[:4] == [pd.Timestamp("2026-01-02 10:00"), pd.Timestamp("2026-01-02 10:00"),
                                            pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-02 08:00")]
    assert pd.isna(c["created_at"].iloc[4])
    assert c["consent_marketing"].tolist()[:4] == [True, True, False, False]
    assert pd.isna(c["consent_marketing"].iloc[4])


def test_column_mapping_keeps_extra_columns(tmp_path):
    rows = "Id,Email__c,Field7\nC1,a@example.com,x@example.com\n"
    ds = load_dataset(write_ds(tmp_path, rows, "columns:\n  customers: {customer_id: Id, email: Email__c}\n"))
    assert list(ds.tables["customers"].columns) == ["customer_id", "email", "Field7"]
    assert ds.mapped["customers"] == ["customer_id", "email"]


def test_sqlite_source_table_and_query(tmp_path):
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE Contact (Id TEXT, Mail TEXT, Created TEXT)")
        con.executemany("INSERT INTO Contact VALUES (?,?,?)", [("C1", "a@example.com", "2026-01-01"), ("C2", "b@example.com", "2026-02-01")])
    (tmp_path / "dataset.yaml").write_text(
        "name: t\ntables:\n  customers: {sql: 'sqlite:///crm.db', table: Contact}\n"
        "  users: {sql: 'sqlite:///crm.db', query: \"SELECT Id AS user_id, 'active' AS status FROM Contact WHERE Id = 'C1'\"}\n"
        "columns:\n  customers: {customer_id: Id, email: Mail, created_at: Created}\n", encoding="utf-8")
    ds = load_dataset(tmp_path, as_of="2026-09-30")
    assert ds.tables["customers"]["email"].tolist() == ["a@example.com", "b@example.com"]
    assert ds.tables["customers"]["created_at"].iloc[1] == pd.Timestamp("2026-02-01")
    assert ds.tables["users"]["user_id"].tolist() == ["C1"]
    assert ds.sources["customers"].kind == "sql"


def test_missing_sqlite_file_is_dataset_error(tmp_path):
    (tmp_path / "dataset.yaml").write_text("name: t\ntables:\n  customers: {sql: 'sqlite:///nope.db', table: X}\n")
    with pytest.raises(DatasetError, match="SQLite file .*nope.db not found"):
        load_dataset(tmp_path)


def test_sqlite_unknown_table_is_dataset_error(tmp_path):
    with sqlite3.connect(tmp_path / "crm.db") as con:
        con.execute("CREATE TABLE A (x TEXT)")
    (tmp_path / "dataset.yaml").write_text("name: t\ntables:\n  customers: {sql: 'sqlite:///crm.db', table: Customer}\n")
    with pytest.raises(DatasetError, match="no table 'Customer'"):
        load_dataset(tmp_path)


def test_parquet_and_excel_sources(tmp_path):
    df = pd.DataFrame({"customer_id": ["C1", "C2"], "created_at": pd.to_datetime(["2026-01-01", "2026-01-02"], utc=True),
                       "consent_marketing": [True, False]})
    df.to_parquet(tmp_path / "c.parquet")
    pd.DataFrame({"user_id": ["U1"], "status": ["Active"], "mfa_enabled": ["是"]}).to_excel(tmp_path / "u.xlsx", index=False)
    (tmp_path / "dataset.yaml").write_text("name: t\ntables:\n  customers: {path: c.parquet}\n  users: {path: u.xlsx}\n")
    ds = load_dataset(tmp_path)
    assert ds.tables["customers"]["created_at"].dt.tz is None
    assert ds.tables["customers"]["consent_marketing"].tolist() == [True, False]
    assert ds.tables["users"]["status"].tolist() == ["active"]  # enums are lower-cased
    assert ds.tables["users"]["mfa_enabled"].tolist() == [True]


def test_as_of_defaults_and_override(tmp_path):
    d = write_ds(tmp_path, "customer_id\nC1\n")
    assert str(load_dataset(d).as_of) == "2026-09-30"
    assert str(load_dataset(d, as_of="2026-12-31").as_of) == "2026-12-31"
    with pytest.raises(DatasetError, match="not a date"):
        load_dataset(d, as_of="yesterday")


def test_jurisdiction_is_derived(tmp_path):
    rows = "customer_id,country,state\nC1,DE,\nC2,US,CA\nC3,US,NY\nC4,CN,\nC5,BR,\nC6,,\n"
    c = load_dataset(write_ds(tmp_path, rows)).tables["customers"]
    assert c["jurisdiction"].tolist()[:5] == ["EU", "US-CA", "US", "CN", "BR"]
    assert pd.isna(c["jurisdiction"].iloc[5])


def test_committed_samples_load(sample_dir, mini_dir):
    ds = load_dataset(sample_dir)
    assert len(ds.tables["customers"]) == 3000 and set(ds.tables) == {"customers", "transactions", "users", "access_log", "backups",
                                                                   "training_results"}
    assert ds.permissions is not None and ds.posture is not None
    assert set(ds.tables["customers"]["jurisdiction"].dropna()) == {"EU", "CN", "US-CA", "US"}
    mini = load_dataset(mini_dir)
    assert mini.sources["customers"].kind == "sql" and mini.sources["users"].kind == "excel"
    assert "Field7" in mini.tables["customers"].columns
    truth = json.loads((mini_dir / "ground_truth.json").read_text())
    assert truth["checks"]["AC-004"]["status"] == "insufficient_data"  # no access log in that shape
