"""`workbench init` on exports shaped like real sample databases (issue 20, item 2): views,
BLOB and hex images, several person tables, link tables, 1/0 and t/f status columns, hostile
file names. The draft must validate unedited. Real SQLite files and CSVs built here."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from workbench.cli import main
from workbench.dataset import load_dataset
from workbench.onboarding import draft_dataset

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") * 8
FIRST = ["Anna", "Peter", "Maria", "John", "Li", "Sofia", "David", "Emma", "Lukas", "Julia"]
LAST = ["Schmidt", "Miller", "Garcia", "Brown", "Wang", "Rossi", "Smith", "Jones", "Weber", "Martin"]
STREETS = ["12 High Street", "8 Rue de Rivoli", "221 Baker Street", "5 Hauptstraße", "908 W. Capital Way"]


def _db(path: Path) -> Path:
    """Chinook/Northwind-shaped: customers, employees (staff headers, photo), a bigger address
    table, an invoice table, a link table and a view that repeats the customers' ids."""
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE Customer (CustomerId INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, Email TEXT,
                               Phone TEXT, Country TEXT, SupportRepId INTEGER);
        CREATE TABLE Employee (EmployeeId INTEGER PRIMARY KEY, LastName TEXT, FirstName TEXT, Title TEXT,
                               HireDate TEXT, Email TEXT, Status INTEGER, Photo BLOB);
        CREATE TABLE address (address_id INTEGER PRIMARY KEY, address TEXT, district TEXT, phone TEXT);
        CREATE TABLE Invoice (InvoiceId INTEGER PRIMARY KEY, CustomerId INTEGER, InvoiceDate TEXT, Total REAL);
        CREATE TABLE EmployeeTerritories (EmployeeId INTEGER, TerritoryId INTEGER);
        CREATE VIEW CustomerInvoices AS SELECT c.CustomerId, c.FirstName, c.LastName, c.Email, i.Total
                                        FROM Customer c JOIN Invoice i ON i.CustomerId = c.CustomerId;
    """)
    for i in range(40):
        con.execute("INSERT INTO Customer VALUES (?,?,?,?,?,?,?)",
                    (i + 1, FIRST[i % 10], LAST[i // 4 % 10], f"c{i}@example.com", f"+49 30 1234{i:04d}", "DE", i % 3 + 1))
        for k in range(2):
            con.execute("INSERT INTO Invoice VALUES (?,?,?,?)", (1000 + 2 * i + k, i + 1, "2026-01-05", 9.5))
    for i in range(300):
        con.execute("INSERT INTO address VALUES (?,?,?,?)", (i + 1, STREETS[i % 5], "Berlin", f"+49 30 555{i:04d}"))
    for i in range(3):
        con.execute("INSERT INTO Employee VALUES (?,?,?,?,?,?,?,?)",
                    (i + 1, LAST[i], FIRST[i], "Sales Agent", "2020-01-01", f"staff{i}@example.com", i % 2, PNG))
        con.execute("INSERT INTO EmployeeTerritories VALUES (?, ?)", (i + 1, 10 + i))
    con.commit()
    con.close()
    return path


def test_init_chooses_tables_by_content_and_the_draft_validates(tmp_path, capsys):
    export = tmp_path / "export"
    export.mkdir()
    _db(export / "crm.db")
    assert main(["init", str(export), "--out", str(tmp_path / "ds")]) == 0
    doc = yaml.safe_load((tmp_path / "ds" / "dataset.yaml").read_text(encoding="utf-8"))
    picked = {t: s["table"] for t, s in doc["tables"].items()}
    # the person table with a unique id, not the biggest table nor the view repeating its ids;
    # the staff table, not the link table
    assert picked == {"customers": "Customer", "users": "Employee", "transactions": "Invoice"}
    assert doc["columns"]["users"]["status"] == "Status"
    assert doc["values"]["users"]["status"] == {"1": "active", "1.0": "active", "0": "disabled", "0.0": "disabled"}
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "ds")]) == 0          # unedited
    ds = load_dataset(tmp_path / "ds")
    assert sorted(ds.tables["users"]["status"]) == ["active", "disabled", "disabled"]
    assert ds.table_info["CustomerInvoices"]["kind"] == "view" and ds.role("address") == "other"


def test_blob_columns_never_reach_the_sample(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    _db(export / "crm.db")
    d = draft_dataset(export)
    emp = d.tables["users"]
    assert emp.binary == ["Photo"] and "Photo" not in emp.sample.columns


def test_csv_export_with_hex_pictures_and_t_f_status_validates(tmp_path):
    """Sakila-shaped: one CSV per table, a staff table with t/f and a hex picture, an empty payments file."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "customer.csv").write_text("customer_id,first_name,last_name,email,address_id,create_date\n" + "".join(
        f"{i},{FIRST[i % 10].upper()},{LAST[i % 10].upper()},{FIRST[i % 10]}.{i}@example.org,{i},2006-02-14\n"
        for i in range(1, 60)), encoding="utf-8")
    (export / "staff.csv").write_text("staff_id,first_name,last_name,email,username,password,active,picture\n"
                                      f"1,Mike,Hillyer,Mike.Hillyer@example.com,Mike,8cb2237d0679,t,\\x{PNG.hex()}\n"
                                      "2,Jon,Stephens,Jon.Stephens@example.com,Jon,8cb2237d0679,f,\n", encoding="utf-8")
    (export / "payment.csv").write_text("payment_id,customer_id,staff_id,amount,payment_date\n", encoding="utf-8")
    (export / "payment_2007.csv").write_text("payment_id,customer_id,staff_id,amount,payment_date\n" + "".join(
        f"{100 + i},{i},1,1.99,2007-01-24 21:40:19\n" for i in range(1, 40)), encoding="utf-8")
    (export / "address.csv").write_text("address_id,address,phone\n" + "".join(
        f"{i},{STREETS[i % 5]},+1 555 010{i % 10}\n" for i in range(1, 200)), encoding="utf-8")
    d = draft_dataset(export)
    assert {t: s.label for t, s in d.tables.items()} == {"customers": "customer.csv", "users": "staff.csv",
                                                           "transactions": "payment_2007.csv"}
    assert d.tables["users"].binary == ["picture"]
    assert main(["init", str(export), "--out", str(tmp_path / "ds")]) == 0
    assert main(["validate", str(tmp_path / "ds")]) == 0
    assert load_dataset(tmp_path / "ds").tables["users"]["status"].tolist() == ["active", "disabled"]


def test_a_status_the_loader_rejects_is_left_out_with_a_comment(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "customers.csv").write_text("customer_id,full_name,email\n" + "".join(
        f"C{i},{FIRST[i % 10]} {LAST[i % 10]},p{i}@example.com\n" for i in range(30)), encoding="utf-8")
    (export / "users.csv").write_text("user_id,name,department,status\nU1,Kim Park,sales,pending\nU2,Lee Chen,it,on leave\n",
                                      encoding="utf-8")
    assert main(["init", str(export), "--out", str(tmp_path / "ds")]) == 0
    text = (tmp_path / "ds" / "dataset.yaml").read_text(encoding="utf-8")
    assert "# left out so that validate passes: table users <- users.csv" in text
    assert main(["validate", str(tmp_path / "ds")]) == 0


def test_hostile_names_cannot_add_keys_to_the_draft(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "customers.csv").write_text("customer_id,full_name,email\n" + "".join(
        f"C{i},{FIRST[i % 10]} {LAST[i % 10]},p{i}@example.com\n" for i in range(30)), encoding="utf-8")
    evil = "x\nposture: evil.yaml\n\u2028permissions: p.yaml\x07.csv"
    (export / evil).write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["init", str(export), "--out", str(tmp_path / "ds")]) == 0
    text = (tmp_path / "ds" / "dataset.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert "posture" not in doc and "permissions" not in doc
    assert all(line.startswith(("#", " ")) or line.split(":")[0] in
               ("name", "as_of", "organisation", "tables", "columns", "values") for line in text.splitlines() if line)


def test_debug_after_the_subcommand(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing"), "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "dataset folder not found" in err
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_init_and_scan_agree_on_columns_found_by_content(tmp_path):
    """One classifier: the columns init maps by their content are exactly those scan reports in
    that category (at init's 80% bar), and a column init does not call an address is no address to scan."""
    from workbench.onboarding.draft import CONTENT

    export = tmp_path / "export"
    export.mkdir()
    (export / "customers.csv").write_text("customer_id,Field3,Field9,Field4\n" + "".join(
        f"C{i},p{i}@example.com,{STREETS[i % 5]},+44 20 7946 {i:04d}\n" for i in range(40)), encoding="utf-8")
    assert main(["init", str(export), "--out", str(tmp_path / "ds")]) == 0
    doc = yaml.safe_load((tmp_path / "ds" / "dataset.yaml").read_text(encoding="utf-8"))
    by_content = {(canon, CONTENT[canon]) for canon in doc["columns"]["customers"] if canon in CONTENT}
    assert {("email", "email"), ("phone", "phone")} <= by_content
    out = tmp_path / "out"
    assert main(["scan", str(tmp_path / "ds"), "--out", str(out), "--quiet"]) == 0
    import json

    inv = json.loads((out / "pii_inventory.json").read_text(encoding="utf-8"))["inventory"]
    scanned = {(e["column"], e["category"]) for e in inv if e["share"] >= 0.8 and e["category"] in CONTENT.values()}
    named = {(CONTENT_COLUMN.get(c, c), k) for c, k in scanned}
    assert named == by_content


CONTENT_COLUMN = {"Field9": "address"}  # an unmapped column scan calls an address would be init's address


def test_a_1_0_status_column_already_named_status_gets_a_value_map(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "customers.csv").write_text("customer_id,full_name,email\n" + "".join(
        f"C{i},{FIRST[i % 10]} {LAST[i % 10]},p{i}@example.com\n" for i in range(30)), encoding="utf-8")
    (export / "users.csv").write_text("user_id,name,department,status\nU1,Kim Park,sales,1\nU2,Lee Chen,it,0\n",
                                      encoding="utf-8")
    assert main(["init", str(export), "--out", str(tmp_path / "ds")]) == 0
    doc = yaml.safe_load((tmp_path / "ds" / "dataset.yaml").read_text(encoding="utf-8"))
    assert doc["values"] == {"users": {"status": {"0": "disabled", "0.0": "disabled", "1": "active", "1.0": "active"}}}
    assert load_dataset(tmp_path / "ds").tables["users"]["status"].tolist() == ["active", "disabled"]
