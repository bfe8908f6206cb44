"""The engine layer: sources read by the engine, encodings, typing in SQL, permissions typos.

Parity between engines (DuckDB and Spark) lives in tests/test_engine_spark.py.
"""
from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml

from workbench import DatasetError, load_dataset
from workbench.assess import assess
from workbench.pii import scan_dataset

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "acme_retail"


def _key(findings):
    return {f.id: (f.status, f.affected, f.total) for f in findings}


def test_parquet_copy_gives_the_same_findings_and_inventory(tmp_path):
    """Every table of the sample as Parquet (read in place, typed by Arrow) → the same results as CSV."""
    dst = tmp_path / "pq"
    shutil.copytree(SAMPLE, dst)
    cfg = yaml.safe_load((dst / "dataset.yaml").read_text(encoding="utf-8"))
    for t, src in cfg["tables"].items():
        csv = dst / src["path"]
        table = pacsv.read_csv(csv)  # Arrow infers types: timestamps, booleans, numbers
        pq.write_table(table, dst / f"{t}.parquet", row_group_size=1000)
        csv.unlink()
        cfg["tables"][t] = {"path": f"{t}.parquet"}
    (dst / "dataset.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    ref, got = load_dataset(SAMPLE), load_dataset(dst)
    assert {k: s.kind for k, s in got.sources.items()} == {t: "parquet" for t in cfg["tables"]}
    assert _key(assess(got).findings) == _key(assess(ref).findings)
    assert scan_dataset(got).columns == scan_dataset(ref).columns


def _dataset(tmp_path: Path, users_bytes: bytes, encoding: str | None = None) -> Path:
    (tmp_path / "customers.csv").write_text("customer_id,email\nC1,a@example.com\n", encoding="utf-8")
    (tmp_path / "users.csv").write_bytes(users_bytes)
    users = {"path": "users.csv", **({"encoding": encoding} if encoding else {})}
    (tmp_path / "dataset.yaml").write_text(yaml.safe_dump(
        {"name": "enc", "as_of": "2026-09-30", "tables": {"customers": {"path": "customers.csv"}, "users": users}}),
        encoding="utf-8")
    return tmp_path


NAMES = ["Jürgen Müller", "Zoë Brontë", "François Lefèvre", "Łukasz Żółć"]


@pytest.mark.parametrize("enc,names", [("cp1252", NAMES[:3]), ("gb18030", ["王伟", "李娜", "张三丰"]),
                                       ("utf-16", NAMES), ("utf-8-sig", NAMES)])
def test_encodings_are_detected_and_read_right(tmp_path, enc, names):
    rows = "".join(f"U{i},{n},Sales department of the retail division\n" for i, n in enumerate(names * 20))
    data = ("user_id,name,department\n" + rows).encode(enc)
    ds = load_dataset(_dataset(tmp_path, data))
    got = ds.tables["users"]["name"].tolist()
    assert got[: len(names)] == names


def test_cp1252_is_never_read_as_gb18030(tmp_path):
    # the old UTF-8 → GB18030 fallback turned this into "J黵gen M黮ler"
    data = "user_id,name\nU1,Jürgen Müller\nU2,René Ærø\n".encode("cp1252")
    names = load_dataset(_dataset(tmp_path, data)).tables["users"]["name"].tolist()
    assert names == ["Jürgen Müller", "René Ærø"]


def test_declared_encoding_is_honoured(tmp_path):
    data = "user_id,name\nU1,Jürgen Müller\n".encode("latin-1")
    assert load_dataset(_dataset(tmp_path, data, "latin-1")).tables["users"]["name"].tolist() == ["Jürgen Müller"]


def test_unidentifiable_bytes_ask_for_an_encoding(tmp_path, cli):
    data = b"user_id,name\n" + bytes(range(0x80, 0x100)) * 3 + b",x\n"
    r = cli("validate", str(_dataset(tmp_path, data)))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "users.csv: line 2" in r.stderr and "encoding" in r.stderr and "Traceback" not in r.stderr


def test_timestamps_with_offsets_become_utc(tmp_path):
    (tmp_path / "customers.csv").write_text(
        "customer_id,created_at\nC1,2026-01-01T10:00:00+02:00\nC2,2026-01-01T10:00:00Z\nC3,2026-01-01\n"
        "C4,2026-01-01 10:00:00.5-05:00\n", encoding="utf-8")
    (tmp_path / "dataset.yaml").write_text("name: t\ntables: {customers: {path: customers.csv}}\n", encoding="utf-8")
    got = load_dataset(tmp_path).tables["customers"]["created_at"].tolist()
    assert got == [pd.Timestamp("2026-01-01 08:00"), pd.Timestamp("2026-01-01 10:00"), pd.Timestamp("2026-01-01"),
                   pd.Timestamp("2026-01-01 15:00:00.5")]


def test_malformed_csv_names_the_line_not_its_content(tmp_path, cli):
    (tmp_path / "customers.csv").write_text("customer_id,email\nC1,a@example.com\nC2,secret@example.com,extra\n",
                                            encoding="utf-8")
    (tmp_path / "dataset.yaml").write_text("name: t\ntables: {customers: {path: customers.csv}}\n", encoding="utf-8")
    r = cli("validate", str(tmp_path))
    assert r.returncode == 2 and "malformed CSV" in r.stderr and "secret@example.com" not in r.stderr


@pytest.mark.parametrize("edit,expect", [
    (lambda p: p["roles"].__setitem__("sales", {"userz": {"read": ["user_id"]}}), "no table 'userz' — hint: did you mean 'users'?"),
    (lambda p: p["roles"]["support"]["customers"].__setitem__("read", ["customer_id", "emial"]),
     "has no field 'emial' — hint: did you mean 'email'?"),
])
def test_permission_typos_are_bad_input(tmp_path, cli, edit, expect):
    dst = tmp_path / "ds"
    shutil.copytree(SAMPLE, dst)
    perms = yaml.safe_load((dst / "permissions.yaml").read_text(encoding="utf-8"))
    edit(perms)
    (dst / "permissions.yaml").write_text(yaml.safe_dump(perms), encoding="utf-8")
    r = cli("validate", str(dst))
    assert r.returncode == 2, r.stdout + r.stderr
    assert expect in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_long_tables_stay_in_the_engine(sample_dataset):
    """assess() answers from the engine: the customers and access_log tables are never pulled into pandas."""
    ds = load_dataset(SAMPLE)
    assess(ds)
    assert "customers" not in ds.tables._cache and "access_log" not in ds.tables._cache
    assert "users" in ds.tables._cache  # the staff table is small: the account checks read it as pandas


def test_arrow_batches_are_bounded():
    from workbench.engine import connect

    eng = connect()
    eng.register_arrow("t", pa.table({"v": [str(i) for i in range(1000)]}))
    sizes = [b.num_rows for b in eng.batches("SELECT v FROM t", rows=300)]
    assert sum(sizes) == 1000 and max(sizes) <= 1024  # DuckDB rounds a batch up to its vector size
    eng.close()


def test_bom_is_not_part_of_the_first_column(tmp_path):
    (tmp_path / "customers.csv").write_bytes(codecs.BOM_UTF8 + "customer_id,email\nC1,a@example.com\n".encode())
    (tmp_path / "dataset.yaml").write_text("name: t\ntables: {customers: {path: customers.csv}}\n", encoding="utf-8")
    assert load_dataset(tmp_path).columns["customers"][0] == "customer_id"


def test_errors_never_print_database_passwords(tmp_path, cli):
    (tmp_path / "dataset.yaml").write_text(
        "name: t\ntables: {customers: {sql: 'postgresql://crm:S3cretPw@127.0.0.1:1/crm', table: c}}\n", encoding="utf-8")
    r = cli("validate", str(tmp_path))
    assert r.returncode == 2 and "S3cretPw" not in r.stderr and "***" in r.stderr, r.stderr
    with pytest.raises(DatasetError):
        load_dataset(tmp_path)


def test_load_cache_serves_the_same_tables_to_a_second_process(tmp_path, monkeypatch, cli):
    """The report's load cache: the first load writes the canonical tables to a DuckDB file, later
    loads (other notebooks' processes) attach it read-only — with identical findings."""
    monkeypatch.setenv("WORKBENCH_LOAD_CACHE", str(tmp_path / "cache"))
    first = load_dataset(SAMPLE)
    ref = _key(assess(first).findings)
    assert len(list((tmp_path / "cache").glob("*.duckdb"))) == 1
    second = load_dataset(SAMPLE)
    assert "cache" in set(second.engine.frame("SELECT database_name FROM duckdb_databases()")["database_name"])
    assert _key(assess(second).findings) == ref
    r = cli("assess", str(SAMPLE), "--out", str(tmp_path / "out"))  # another process, same cache (env inherited)
    assert r.returncode == 0, r.stderr
    import json
    got = {f["id"]: (f["status"], f["affected"], f["total"])
           for f in json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]}
    assert got == ref
    assert len(list((tmp_path / "cache").glob("*.duckdb"))) == 1  # reused, not rebuilt


def test_load_cache_key_changes_with_the_inputs(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LOAD_CACHE", str(tmp_path / "cache"))
    dst = tmp_path / "ds"
    shutil.copytree(SAMPLE, dst)
    load_dataset(dst)
    with (dst / "users.csv").open("a", encoding="utf-8") as fh:
        fh.write("U99999,New Starter,Sales,sales,active,true,2026-09-01T09:00:00,,false,2026-09-02T09:00:00\n")
    assert load_dataset(dst).rows("users") == load_dataset(SAMPLE).rows("users") + 1
    assert len(list((tmp_path / "cache").glob("*.duckdb"))) == 3  # the copy before and after, and the sample


def test_a_long_table_keeps_the_file_order(tmp_path):
    """Row positions (samples, evidence) are the file's order however the engine parallelises the
    load: DuckDB's IN-list rewrite once shuffled 1M customers whose consent column is a boolean."""
    n = 400_000  # a file of 30 MB: the parallel CSV reader really splits it
    ids = [f"C{i:07d}" for i in range(n)]
    pd.DataFrame({"customer_id": ids, "consent_marketing": ["yes", "no", "是", "false"] * (n // 4),
                  "country": ["DE", "US", "CN", "FR"] * (n // 4),
                  "notes": ["called about the invoice, will call back next week"] * n}).to_csv(tmp_path / "customers.csv", index=False)
    (tmp_path / "users.csv").write_text("user_id,role\nU1,admin\n", encoding="utf-8")
    (tmp_path / "dataset.yaml").write_text(yaml.safe_dump(
        {"name": "order", "as_of": "2026-09-30",
         "tables": {"customers": {"path": "customers.csv"}, "users": {"path": "users.csv"}}}), encoding="utf-8")
    for _ in range(2):
        ds = load_dataset(tmp_path)
        assert ds.text_column("customers", "customer_id").to_list() == ids


def test_load_statistics_equal_a_fresh_count():
    """The statistics the load pass returns (rows, values per column) are those a separate count gives."""
    from workbench.engine import q

    ds = load_dataset(SAMPLE)
    assert set(ds._stats) == set(ds.columns)  # every table's, from the load itself
    for t, st in ds._stats.items():
        cols = ds.columns[t]
        row = ds.engine.row(f"SELECT count(*), {', '.join(f'count({q(c)})' for c in cols)} FROM {q(t)}")
        assert st == {"__rows__": int(row[0]), **{c: int(n) for c, n in zip(cols, row[1:])}}, t


def test_an_engine_fault_while_parsing_is_not_called_a_malformed_csv(tmp_path):
    """Spark's analysis error while typing a CSV was reported as "malformed CSV near line 1"
    (the line number came from Spark's 'line 1 pos 1129' of the SQL): an error the engine has
    already named passes through; only the engine's raw parse failures become malformed CSV."""
    from workbench.engine.spark import SparkQueryError
    from workbench.sources import ResolvedSource, csv_errors

    rs = ResolvedSource("customers", "csv", path=tmp_path / "Contact.csv")
    with pytest.raises(SparkQueryError):
        with csv_errors(rs):
            raise SparkQueryError("the Spark engine could not run the workbench's SQL while building 'customers'")
    with pytest.raises(DatasetError, match="malformed CSV near line 3"):
        with csv_errors(rs):
            raise ValueError("CSV Error on Line: 3")
