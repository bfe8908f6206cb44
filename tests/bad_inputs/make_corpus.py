"""Regenerate the bad-input corpus: one folder per case, each a small dataset with one defect.

Each folder holds ``expect.txt``: a fragment the one-line error message must contain.
Run: .venv/bin/python tests/bad_inputs/make_corpus.py
"""
from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent

CUSTOMERS = ("customer_id,full_name,email,country,created_at,consent_marketing\n"
             "C1,王伟,wei.wang@example.cn,CN,2026-01-02T10:00:00Z,是\n"
             "C2,Anna Müller,anna.mueller@example.de,DE,2026-01-03,no\n")
USERS = "user_id,name,role,status,mfa_enabled\nU1,Kim Park,sales,active,Y\n"
DATASET = """name: bad input case
as_of: 2026-09-30
tables:
  customers: {path: customers.csv}
  users: {path: users.csv}
permissions: permissions.yaml
posture: posture.yaml
"""
PERMISSIONS = "roles:\n  sales:\n    customers: {read: [customer_id, email], export: false}\n"
POSTURE = "systems:\n  - name: crm-db\n    stores: [customers]\n    encryption_at_rest: {enabled: true}\npolicies:\n  retention_days: 1095\n"


def base(d: Path) -> None:
    d.mkdir(parents=True)
    (d / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (d / "users.csv").write_text(USERS, encoding="utf-8")
    (d / "dataset.yaml").write_text(DATASET, encoding="utf-8")
    (d / "permissions.yaml").write_text(PERMISSIONS, encoding="utf-8")
    (d / "posture.yaml").write_text(POSTURE, encoding="utf-8")


def case(name: str, expect: str):
    def deco(fn):
        d = HERE / name
        shutil.rmtree(d, ignore_errors=True)
        base(d)
        fn(d)
        (d / "expect.txt").write_text(expect + "\n", encoding="utf-8")
        return fn
    return deco


def main() -> None:
    @case("missing_file", "users.csv: file not found")
    def _(d): (d / "users.csv").unlink()

    @case("missing_dataset_yaml", "no dataset.yaml in this folder")
    def _(d): (d / "dataset.yaml").unlink()

    @case("yaml_syntax_error", "dataset.yaml: line")
    def _(d): (d / "dataset.yaml").write_text(DATASET.replace("  users: {path: users.csv}", "  users: {path: users.csv\n bad"), encoding="utf-8")

    @case("unknown_mapped_column", "mapped column 'EmailAddress'")
    def _(d): (d / "dataset.yaml").write_text(DATASET + "columns:\n  customers: {email: EmailAddress}\n", encoding="utf-8")

    # any other name under tables: is an other table (scanned, never checked); columns: and values:
    # apply to canonical tables only
    @case("unknown_table", "unknown table 'orders'")
    def _(d): (d / "dataset.yaml").write_text(DATASET + "columns:\n  orders: {customer_id: id}\n", encoding="utf-8")

    @case("canonical_name_typo", "did you mean 'customers'")
    def _(d): (d / "dataset.yaml").write_text(DATASET.replace("  users:", "  custmers: {path: users.csv}\n  users:"), encoding="utf-8")

    @case("unknown_values_column", "key 'values.users.state'")
    def _(d): (d / "dataset.yaml").write_text(DATASET + "values:\n  users: {state: {'1': active}}\n", encoding="utf-8")

    @case("values_column_absent", "key 'values.users.terminated_at': table 'users' has no column")
    def _(d): (d / "dataset.yaml").write_text(DATASET + "values:\n  users: {terminated_at: {'1': '2026-01-01'}}\n", encoding="utf-8")

    @case("values_not_a_mapping", "dataset.yaml: key 'values.users.status'")
    def _(d): (d / "dataset.yaml").write_text(DATASET + "values:\n  users: {status: active}\n", encoding="utf-8")

    @case("declared_other_table_missing", "address.csv: file not found")
    def _(d): (d / "dataset.yaml").write_text(DATASET.replace("  users:", "  address: {path: address.csv}\n  users:"), encoding="utf-8")

    @case("wrong_declared_encoding", "cannot be decoded as declared encoding 'utf-8'")
    def _(d):
        (d / "customers.csv").write_bytes(CUSTOMERS.encode("gb18030"))
        (d / "dataset.yaml").write_text(DATASET.replace("{path: customers.csv}", "{path: customers.csv, encoding: utf-8}"), encoding="utf-8")

    @case("undecodable_bytes", "byte 0xff is not UTF-8")
    def _(d): (d / "customers.csv").write_bytes(CUSTOMERS.encode("utf-8") + b"C3,Bad\xff\xfeName,x@example.com,DE,2026-01-01,no\n")

    @case("unparseable_date", "row 3, column 'created_at'")
    def _(d): (d / "customers.csv").write_text(CUSTOMERS.replace("2026-01-03", "31/12/2025"), encoding="utf-8")

    @case("duplicate_ids", "duplicate id at rows 2 and 3")
    def _(d): (d / "customers.csv").write_text(CUSTOMERS.replace("C2,", "C1,"), encoding="utf-8")

    @case("empty_file", "file is empty")
    def _(d): (d / "customers.csv").write_text("", encoding="utf-8")

    @case("bad_boolean", "column 'consent_marketing'")
    def _(d): (d / "customers.csv").write_text(CUSTOMERS.replace(",no\n", ",maybe\n"), encoding="utf-8")

    @case("bad_enum", "column 'status'")
    def _(d): (d / "users.csv").write_text(USERS.replace("active", "enabled"), encoding="utf-8")

    @case("malformed_permissions", "permissions.yaml: key 'roles.sales.customers.read':")
    def _(d): (d / "permissions.yaml").write_text(PERMISSIONS.replace("[customer_id, email]", "5"), encoding="utf-8")

    @case("malformed_posture", "posture.yaml: key 'policies.retention_days'")
    def _(d): (d / "posture.yaml").write_text(POSTURE.replace("1095", "three years"), encoding="utf-8")

    @case("missing_id_column", "has no 'customer_id' column")
    def _(d): (d / "customers.csv").write_text(CUSTOMERS.replace("customer_id,", "id,"), encoding="utf-8")


if __name__ == "__main__":
    main()
