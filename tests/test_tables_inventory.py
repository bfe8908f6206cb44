"""Every table of an export is inventoried (issue 20, item 1): other CSVs of the folder, other
tables and views of a SQLite source, declared other tables; each with its role, the key by which a
canonical table reaches it, and binary columns skipped with a note. Real files, real SQLite."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.dataset import load_dataset
from workbench.errors import DatasetError
from workbench.pii import scan_dataset

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") * 8

CUSTOMERS = "\n".join(
    ["customer_id,full_name,email,address_id,notes"]
    + [f"C{i},Person {i},p{i}@example.com,{i % 5 + 1},call me" for i in range(1, 21)]) + "\n"
STREETS = ["12 High Street", "8 Rue de Rivoli", "221 Baker Street", "5 Hauptstraße", "908 W. Capital Way"]
ADDRESS = "\n".join(["address_id,street,phone"] + [f"{i},{STREETS[i - 1]},+44 20 7946 000{i}" for i in range(1, 6)]) + "\n"


def _csv_folder(tmp_path: Path, yaml_extra: str = "") -> Path:
    d = tmp_path / "export"
    d.mkdir()
    (d / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (d / "address.csv").write_text(ADDRESS, encoding="utf-8")
    (d / "dataset.yaml").write_text("name: t\nas_of: 2026-09-30\ntables:\n  customers: {path: customers.csv}\n" + yaml_extra,
                                    encoding="utf-8")
    return d


def _inventory(folder: Path, tmp_path: Path) -> dict:
    out = tmp_path / "out"
    assert main(["scan", str(folder), "--out", str(out), "--quiet"]) == 0
    return json.loads((out / "pii_inventory.json").read_text(encoding="utf-8"))


def test_other_csv_in_the_folder_is_scanned_with_its_role_and_key(tmp_path):
    doc = _inventory(_csv_folder(tmp_path), tmp_path)
    tables = {t["table"]: t for t in doc["tables"]}
    assert tables["customers"]["role"] == "customers" and tables["address"]["role"] == "other"
    assert tables["address"]["declared"] is False and tables["address"]["kind"] == "file"
    link = tables["address"]["reached_from"][0]
    assert (link["table"], link["column"], link["other_column"], link["evidence"]) == ("customers", "address_id", "address_id", "inferred")
    found = {(e["table"], e["column"], e["category"]) for e in doc["inventory"]}
    assert ("address", "phone", "phone") in found and ("address", "street", "address") in found
    other = next(e for e in doc["inventory"] if e["table"] == "address")
    assert other["role"] == "other" and other["reached_from"][0]["via"] == "customers.address_id = address.address_id"
    # a canonical table's entries keep their shape: only other tables' entries carry the added fields
    assert all("role" not in e and "reached_from" not in e for e in doc["inventory"] if e["table"] == "customers")
    assert {p["table"] for p in doc["processing_record"]} == {"customers", "address"}


def test_declared_other_table_elsewhere_is_loaded_and_never_checked(tmp_path):
    side = tmp_path / "side"
    side.mkdir()
    (side / "addr.csv").write_text(ADDRESS, encoding="utf-8")
    folder = _csv_folder(tmp_path, f"  address_book: {{path: {json.dumps(str(side / 'addr.csv'))}}}\n")
    (folder / "address.csv").unlink()
    ds = load_dataset(folder)
    assert ds.role("address_book") == "other" and ds.table_info["address_book"]["declared"] is True
    assert ds.canonical_tables == ["customers"] and "address_book" not in ds.mapped
    assert ds.rows("address_book") == 5
    from workbench.assess import assess

    a = assess(ds)
    assert a.finding("AC-001").status == "insufficient_data"  # no users table: the other one is not it


def test_an_undeclared_file_never_takes_a_canonical_role(tmp_path):
    folder = _csv_folder(tmp_path)
    (folder / "users.csv").write_text("user_id,name,status\nU1,Kim Park,active\n", encoding="utf-8")
    ds = load_dataset(folder)
    assert "users" not in ds.columns and ds.role("users_other") == "other"


def test_unreadable_file_beside_the_export_is_skipped_with_a_note(tmp_path):
    folder = _csv_folder(tmp_path)
    (folder / "broken.csv").write_text('a,b\n1,"unbalanced\n', encoding="utf-8")
    doc = _inventory(folder, tmp_path)
    assert [s["table"] for s in doc["skipped_tables"]] == ["broken"]
    assert "malformed CSV" in doc["skipped_tables"][0]["reason"]
    # declared, the same file is bad input as before
    (folder / "dataset.yaml").write_text("name: t\ntables:\n  customers: {path: customers.csv}\n  broken: {path: broken.csv}\n",
                                         encoding="utf-8")
    with pytest.raises(DatasetError, match="broken.csv: malformed CSV"):
        load_dataset(folder)


def test_hex_image_text_column_is_skipped_not_decoded(tmp_path):
    folder = _csv_folder(tmp_path)
    rows = ["staff_id,first_name,email,picture"] + [
        f"{i},Mike,mike{i}@example.com,\\x{PNG.hex()}" for i in range(1, 4)]
    (folder / "staff.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = _inventory(folder, tmp_path)
    staff = next(t for t in doc["tables"] if t["table"] == "staff")
    assert staff["skipped_columns"] == [{"column": "picture", "reason": "binary content (hex or base64 encoded), not decoded as text"}]
    assert not any(e["column"] == "picture" for e in doc["inventory"])
    assert ("staff", "email") in {(e["table"], e["column"]) for e in doc["inventory"]}


def _sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE Customer (CustomerId INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, Email TEXT,
                               Country TEXT, AddressId INTEGER REFERENCES Address(AddressId));
        CREATE TABLE Address (AddressId INTEGER PRIMARY KEY, Street TEXT, City TEXT);
        CREATE TABLE Invoice (InvoiceId INTEGER PRIMARY KEY, CustomerId INTEGER REFERENCES Customer(CustomerId),
                              Total REAL, BillingAddress TEXT);
        CREATE TABLE Employee (EmployeeId INTEGER PRIMARY KEY, LastName TEXT, Photo BLOB);
        CREATE VIEW CustomerEmails AS SELECT CustomerId, Email FROM Customer;
    """)
    for i in range(1, 21):
        con.execute("INSERT INTO Address VALUES (?, ?, ?)", (i, STREETS[i % 5], "London"))
        con.execute("INSERT INTO Customer VALUES (?, ?, ?, ?, ?, ?)", (i, "Anna", f"Name{i}", f"a{i}@example.com", "DE", i))
        con.execute("INSERT INTO Invoice VALUES (?, ?, ?, ?)", (100 + i, i, 9.9, STREETS[i % 5]))
    con.execute("INSERT INTO Employee VALUES (1, 'Adams', ?)", (PNG,))
    con.commit()
    con.close()
    return path


def test_every_table_and_view_of_a_sqlite_source(tmp_path):
    d = tmp_path / "db"
    d.mkdir()
    _sqlite(d / "crm.db")
    (d / "dataset.yaml").write_text(
        "name: t\nas_of: 2026-09-30\ntables:\n  customers: {sql: 'sqlite:///crm.db', table: Customer}\n"
        "columns:\n  customers: {customer_id: CustomerId, email: Email, country: Country}\n", encoding="utf-8")
    doc = _inventory(d, tmp_path)
    tables = {t["table"]: t for t in doc["tables"]}
    assert set(tables) == {"customers", "Address", "Invoice", "Employee", "CustomerEmails"}
    assert tables["CustomerEmails"]["kind"] == "view" and tables["Invoice"]["kind"] == "table"
    assert all(t["role"] == "other" for n, t in tables.items() if n != "customers")
    # declared foreign keys, in both directions, in the engine's (mapped) column names
    assert [(k["via"], k["evidence"], k["holder"]) for k in tables["Address"]["reached_from"]] == \
        [("customers.AddressId = Address.AddressId", "declared", "customers")]
    assert [(k["via"], k["evidence"], k["holder"]) for k in tables["Invoice"]["reached_from"]] == \
        [("customers.customer_id = Invoice.CustomerId", "declared", "Invoice")]
    assert tables["Employee"]["skipped_columns"] == [{"column": "Photo", "reason": "binary (BLOB), not decoded as text"}]
    found = {(e["table"], e["column"], e["category"]) for e in doc["inventory"]}
    assert ("Address", "Street", "address") in found and ("CustomerEmails", "Email", "email") in found
    # an other table about customers counts their jurisdictions through the key
    invoice = next(p for p in doc["processing_record"] if p["table"] == "Invoice")
    assert invoice["subject_jurisdictions"] == {"EU": 20}


def test_blob_column_of_a_canonical_table_stays_binary(tmp_path):
    d = tmp_path / "db"
    d.mkdir()
    db = _sqlite(d / "crm.db")
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE Customer ADD COLUMN Picture BLOB")
    con.execute("UPDATE Customer SET Picture = ?", (PNG,))
    con.commit()
    con.close()
    (d / "dataset.yaml").write_text("name: t\ntables:\n  customers: {sql: 'sqlite:///crm.db', table: Customer}\n"
                                    "columns:\n  customers: {customer_id: CustomerId}\n", encoding="utf-8")
    ds = load_dataset(d)
    assert ds.column_types("customers")["Picture"] == "BLOB"
    inv = scan_dataset(ds)
    assert not any(e["column"] == "Picture" for e in inv.columns)
    assert {"column": "Picture", "reason": "binary (BLOB), not decoded as text"} in \
        next(t for t in inv.tables if t["table"] == "customers")["skipped_columns"]


def test_values_mapping_turns_1_0_into_the_closed_vocabulary(tmp_path):
    folder = _csv_folder(tmp_path, "  users: {path: staff.csv}\ncolumns:\n  users: {user_id: id, status: active}\n"
                                   "values:\n  users: {status: {1: active, 0: disabled}}\n")
    (folder / "staff.csv").write_text("id,name,active\nU1,Kim Park,1\nU2,Lee Chen,0\nU3,Ana Ruiz,\n", encoding="utf-8")
    ds = load_dataset(folder)
    assert ds.tables["users"]["status"].tolist()[:2] == ["active", "disabled"]
    assert ds.tables["users"]["status"].isna().tolist() == [False, False, True]


def test_committed_sample_tables_are_all_canonical(sample_dataset):
    inv = scan_dataset(sample_dataset)
    assert [(t["table"], t["role"]) for t in inv.tables] == [(t, t) for t in sorted(sample_dataset.columns)]
    assert inv.skipped_tables == [] and all("role" not in e for e in inv.columns)


def test_checks_read_canonical_tables_only_except_pii001(tmp_path):
    folder = _csv_folder(tmp_path, "posture: posture.yaml\n")
    (folder / "posture.yaml").write_text("systems:\n  - name: crm\n    stores: [customers]\n    field_encryption: []\n",
                                         encoding="utf-8")
    cards = ["4111111111111111", "5500005555555559", "4012888888881881", "4242424242424242"]
    (folder / "cards.csv").write_text("card_id,customer_id,pan\n" + "".join(f"K{i},C{i},{c}\n" for i, c in enumerate(cards)),
                                      encoding="utf-8")
    from workbench.assess import assess

    ds = load_dataset(folder)
    a = assess(ds)
    enc = a.finding("ENC-001")
    assert "cards" not in set(enc.evidence.get("table", [])) and enc.affected == 0
    inv = scan_dataset(ds)  # the inventory still reports the other table's card numbers
    assert ("cards", "pan", "card_number") in {(e["table"], e["column"], e["category"]) for e in inv.columns}


def test_validate_lists_other_tables_and_skipped_ones(tmp_path, capsys):
    folder = _csv_folder(tmp_path)
    (folder / "broken.csv").write_text('a,b\n1,"unbalanced\n', encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "other tables (1, scanned, never checked):" in out
    assert "address  5 rows  [file, found beside the export]" in out
    assert "skipped: broken (" in out


def test_a_broken_view_beside_the_declared_table_is_skipped_with_a_note(tmp_path):
    d = tmp_path / "db"
    d.mkdir()
    db = _sqlite(d / "crm.db")
    con = sqlite3.connect(db)
    con.executescript("CREATE TABLE Gone (x TEXT); CREATE VIEW Broken AS SELECT x FROM Gone; DROP TABLE Gone;")
    con.close()
    (d / "dataset.yaml").write_text("name: t\ntables:\n  customers: {sql: 'sqlite:///crm.db', table: Customer}\n"
                                    "columns:\n  customers: {customer_id: CustomerId}\n", encoding="utf-8")
    ds = load_dataset(d)
    assert "Broken" not in ds.columns and [s["table"] for s in ds.skipped] == ["Broken"]
    assert "cannot be read" in ds.skipped[0]["reason"] or "database error" in ds.skipped[0]["reason"]
