"""A Salesforce-style copy of the ``mini_sqlite`` sample, mapped differently from both samples.

``Contact.csv`` is the customers table as a Western European CRM exports it: Salesforce column
names (``Id``, ``Email``, ``MailingCountry`` ...) mapped under ``columns:``, no ``state`` and no
``national_id`` column, an extra column nobody mapped, and the file in Windows-1252 (declared in
dataset.yaml) with umlauts. The other tables are the sample's own files. Built from the committed
sample, so the engines can be compared on it (tests/test_engine_spark.py) and the DuckDB path
checked on it (tests/test_engine.py).
"""
from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "data" / "samples" / "mini_sqlite"

# Salesforce Contact field -> the sample's column (state and national id are not exported)
FIELDS = {"Id": "Id", "Name": "Name", "Email": "Email__c", "Phone": "Phone", "Birthdate": "Birthdate",
          "MailingStreet": "MailingStreet", "MailingCity": "MailingCity", "MailingCountry": "MailingCountry",
          "CreatedDate": "CreatedDate", "LastActivityDate": "LastActivityDate",
          "HasOptedInToEmail__c": "HasOptedIn__c", "Consent_Date__c": "ConsentDate__c",
          "Erasure_Requested__c": "ErasureRequested__c", "Description": "Description", "Secondary_Email__c": "Field7"}
MAPPING = {"customer_id": "Id", "full_name": "Name", "email": "Email", "phone": "Phone", "birth_date": "Birthdate",
           "address": "MailingStreet", "city": "MailingCity", "country": "MailingCountry",
           "created_at": "CreatedDate", "last_activity_at": "LastActivityDate",
           "consent_marketing": "HasOptedInToEmail__c", "consent_at": "Consent_Date__c",
           "erasure_requested_at": "Erasure_Requested__c", "notes": "Description"}
UMLAUTS = "äöüÄÖÜß"


def _cp1252(value: object, row: int) -> str:
    """The value as Windows-1252 can hold it: each character it cannot (CJK, Polish ł) becomes an
    umlaut, so that every row carries bytes that are not UTF-8."""
    if value is None:
        return ""
    out = []
    for ch in str(value):
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(UMLAUTS[(ord(ch) + row) % len(UMLAUTS)])
    return "".join(out)


def make_salesforce_export(root: Path) -> Path:
    """Write the dataset folder at ``root`` (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(MINI / "crm.db")
    try:
        cur = con.execute(f"SELECT {', '.join(FIELDS.values())} FROM Customer ORDER BY Id")
        rows = cur.fetchall()
    finally:
        con.close()
    with (root / "Contact.csv").open("w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        w.writerow(FIELDS)
        for i, r in enumerate(rows):
            w.writerow([_cp1252(v, i) for v in r])
    for name in ("transactions.parquet", "users.xlsx", "lms_export.csv", "permissions.yaml", "posture.yaml"):
        shutil.copy(MINI / name, root / name)
    mapping = "\n".join(f"    {k}: {v}" for k, v in MAPPING.items())
    (root / "dataset.yaml").write_text(
        "name: Salesforce export (cp1252, no state)\nas_of: 2026-09-30\n"
        "organisation:\n  name: Acme Retail GmbH\n  industry: retail\n  annual_revenue: 250000000\n"
        "  currency: EUR\n  jurisdictions: [EU, US-CA, CN]\n  established_in: [EU]\n  customers: 1000000\n"
        "tables:\n  customers: {path: Contact.csv, encoding: cp1252}\n  transactions: {path: transactions.parquet}\n"
        "  users: {path: users.xlsx}\n  training_results: {path: lms_export.csv, encoding: utf-8}\n"
        "permissions: permissions.yaml\nposture: posture.yaml\n"
        f"columns:\n  customers:\n{mapping}\n", encoding="utf-8")
    return root
