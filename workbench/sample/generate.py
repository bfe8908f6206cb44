"""Assemble a complete synthetic dataset folder and its ground truth.

Every problem is planted in a known number, and the ground truth file records, per check id of
DESIGN.md, the status and ``affected`` count a correct assessment must report.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..boundary import output_mode
from ..errors import InputError
from .backups import SYSTEMS, make_backups, posture
from .lms import make_training_results
from .people import make_customers, make_transactions
from .staff import MFA_REQUIRED, PERMISSIONS, make_access_log, make_users

RETENTION_DAYS, DORMANT_DAYS, ERASURE_DAYS, WINDOW_DAYS, HISTORY_DAYS = 1095, 90, 30, 90, 180
LAYOUTS = ("csv", "parquet", "mixed")
# Written into every sample folder: the files the generator made, the only ones `--force` replaces.
MARKER = ".workbench-sample.json"
# The mixed layout renames customer columns the way a Salesforce export would.
SALESFORCE = {"customer_id": "Id", "full_name": "Name", "email": "Email__c", "phone": "Phone",
              "national_id": "National_ID__c", "birth_date": "Birthdate", "address": "MailingStreet",
              "city": "MailingCity", "state": "MailingState", "country": "MailingCountry",
              "created_at": "CreatedDate", "last_activity_at": "LastActivityDate",
              "consent_marketing": "HasOptedIn__c", "consent_at": "ConsentDate__c",
              "erasure_requested_at": "ErasureRequested__c", "erased_at": "ErasedDate__c", "notes": "Description"}


def plant_counts(n_customers: int, n_staff: int) -> dict[str, int]:
    """How many of each problem to plant: proportional to size, at least one."""
    def c(share: float, floor: int = 1) -> int:
        return max(floor, round(n_customers * share))

    def s(share: float, floor: int = 1) -> int:
        return max(floor, round(n_staff * share))

    return {
        "PRV-001": c(0.012, 2), "PRV-001-us-negative": c(0.003), "PRV-002": c(0.017, 2), "PRV-003": c(0.003),
        "PRV-003-pending-ok": c(0.002), "PRV-003-done": c(0.004),
        "PII-001-phone": c(0.005), "PII-001-email": c(0.004), "PII-001-card_number": c(0.003),
        "PII-001-national_id": c(0.004),
        "AC-001": s(0.05), "AC-002": s(0.034), "AC-003": s(0.067), "TRN-001": s(0.1, 3), "AC-006-extra": 0,
        "AC-004": c(0.0077, 3), "AC-004-outside": c(0.0023), "AC-005": c(0.0037, 2), "AC-005-outside": c(0.0013),
        "BK-001-failed": 3, "BK-001-partial": 2, "BK-001-outside": 2, "BK-005": 4, "BK-005-outside": 3,
    }


def generate_sample(out: str | Path, customers: int = 3000, seed: int = 7, as_of: str = "2026-09-30",
                    layout: str = "csv", name: str = "Acme Retail CRM (synthetic)",
                    progress: Callable[[str], None] | None = None, force: bool = False) -> dict:
    """Write a dataset folder at ``out`` and return its ground truth.

    ``out`` may be absent, an empty folder (``.`` included) or, with ``force``, a previous sample
    (recognised by its :data:`MARKER`); anything else is refused before any work is done, so
    nothing the generator did not make is ever deleted."""
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout '{layout}'", f"choose one of {', '.join(LAYOUTS)}")
    if customers < 200:
        raise InputError(f"--customers {customers} is too small to plant every problem", "use 200 or more")
    try:
        day = np.datetime64(dt.date.fromisoformat(as_of), "s")
    except ValueError:
        raise InputError(f"--as-of '{as_of}' is not a date", "use YYYY-MM-DD") from None
    out = Path(out).expanduser().resolve()
    previous = check_target(out, force)  # refuse before any work: nothing is touched
    say = progress or (lambda _m: None)
    rng = np.random.default_rng(seed)
    n_staff = max(40, customers // 50)
    counts = plant_counts(customers, n_staff)

    say(f"generating customers ({customers:,})")
    cust, cfacts = make_customers(rng, customers, day, counts, RETENTION_DAYS, ERASURE_DAYS)
    say("generating transactions")
    tx = make_transactions(rng, cust, day)
    say(f"generating staff accounts ({n_staff:,})")
    users, ufacts = make_users(rng, n_staff, day, counts, DORMANT_DAYS)
    say("generating access log")
    log = make_access_log(rng, users, day, HISTORY_DAYS, WINDOW_DAYS, 100 if customers >= 100_000 else 300, counts)
    say("generating backup jobs")
    backups, _ = make_backups(rng, day, HISTORY_DAYS, WINDOW_DAYS, counts)
    say("generating training records")
    # a generator of its own, so that adding this table left every other table byte-identical
    training, tfacts = make_training_results(np.random.default_rng([seed, 6]), users, day,
                                             ufacts["planted_rows"]["TRN-001"])
    truth = ground_truth(counts, cfacts, ufacts, users, customers, layout, seed, as_of)
    truth["training_results"] = tfacts

    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    # the temp folder lives inside ``out``: same file system for os.replace, and `--out .` works
    # even when the parent folder is not writable
    tmp = Path(tempfile.mkdtemp(prefix=".workbench-sample.tmp-", dir=out))
    try:
        say(f"writing {layout} files")
        tables = _write_tables(tmp, layout, cust, tx, users, log, backups, training)
        config = {"name": name, "as_of": dt.date.fromisoformat(as_of),
                  "organisation": {"name": "Acme Retail GmbH", "industry": "retail", "annual_revenue": 250_000_000,
                                   "currency": "EUR", "jurisdictions": ["EU", "US-CA", "CN"],
                                   # the files are an extract of a retailer with about a million
                                   # customers (EUR 250 revenue each), established in the EU
                                   "established_in": ["EU"], "critical_infrastructure": False,
                                   "customers": max(customers, 1_000_000), "gross_margin": 0.3},
                  "tables": tables["tables"], "permissions": "permissions.yaml", "posture": "posture.yaml"}
        if tables.get("columns"):
            config["columns"] = tables["columns"]
        _yaml(tmp / "dataset.yaml", config)
        _yaml(tmp / "permissions.yaml", {"roles": PERMISSIONS})
        _yaml(tmp / "posture.yaml", posture(RETENTION_DAYS, DORMANT_DAYS, ERASURE_DAYS, MFA_REQUIRED))
        (tmp / "ground_truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _install(tmp, out, previous)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    return truth


def check_target(out: Path, force: bool) -> set[str]:
    """The files a previous sample in ``out`` made (empty when ``out`` is absent or empty);
    raise :class:`InputError` when writing there could destroy anything the generator did not make."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file, not a folder", "choose a new or empty folder")
    if not out.exists():
        return set()
    entries = [p.name for p in out.iterdir()]
    if not entries:
        return set()
    marker = out / MARKER
    if not marker.is_file():
        raise InputError(f"--out {out}: folder is not empty and holds no previous sample ({len(entries)} entries); nothing was changed",
                         "choose a new or empty folder (workbench sample only replaces a folder it wrote itself)")
    try:
        made = json.loads(marker.read_text(encoding="utf-8"))["files"]
        if not all(isinstance(f, str) and f and "/" not in f and f not in (".", "..") for f in made):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{marker}: unreadable sample marker; nothing was changed",
                         "remove the folder yourself or choose another --out") from None
    if not force:
        raise InputError(f"--out {out}: holds a previous sample; nothing was changed",
                         "add --force to replace it (only the files the generator wrote are replaced)")
    return set(made)


def _install(tmp: Path, out: Path, previous: set[str]) -> None:
    """Move the files from ``tmp`` into ``out`` one ``os.replace`` at a time, then remove the files
    of the previous sample that the new one does not have. The marker is written first listing
    old and new files, so an interrupted run still leaves every generated file recognisable."""
    new = sorted(p.name for p in tmp.iterdir() if p.name != MARKER)
    _write_marker(out, sorted(set(new) | previous))
    for name in new:
        os.replace(tmp / name, out / name)
    for name in sorted(previous - set(new)):
        target = out / name
        if target.is_file() or target.is_symlink():
            target.unlink()
    _write_marker(out, new)


def _write_marker(out: Path, files: list[str]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{MARKER}.", dir=out)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"made_by": "workbench sample", "files": files}, indent=2) + "\n")
    os.chmod(tmp, output_mode())
    os.replace(tmp, out / MARKER)


def ground_truth(counts: dict[str, int], cf: dict, uf: dict, users: pd.DataFrame, n: int, layout: str,
                 seed: int, as_of: str) -> dict:
    active = users["status"] == "active"
    staff = active & ~users["is_service_account"]
    mfa_roles = active & users["role"].isin(MFA_REQUIRED)
    has_log = has_backups = layout != "mixed"
    pii = cf["pii_by_category"]

    def f(affected: int, total: int | None = None) -> dict:
        return {"status": "fail", "affected": affected, "total": total}

    def na() -> dict:  # the table is absent from this layout: the check cannot see its inputs
        return {"status": "insufficient_data", "affected": 0, "total": None}

    checks = {
        "ENC-001": f(1, 2), "ENC-002": f(1, 3), "ENC-003": {"status": "pass", "affected": 0, "total": 3},
        "ENC-004": f(1, 3),
        "PII-001": f(sum(pii.values()), n),
        "AC-001": f(counts["AC-001"], int(mfa_roles.sum())), "AC-002": f(counts["AC-002"], int(active.sum())),
        "AC-003": f(counts["AC-003"], int(staff.sum())),
        "AC-004": f(counts["AC-004"]) if has_log else na(), "AC-005": f(counts["AC-005"]) if has_log else na(),
        "AC-006": f(uf["admins"], int(active.sum())),
        "BK-001": f(counts["BK-001-failed"] + counts["BK-001-partial"]) if has_backups else na(),
        "BK-002": f(2, len(SYSTEMS)) if has_backups else na(),
        "BK-003": f(1, len(SYSTEMS)) if has_backups else na(),
        "BK-004": f(1, len(SYSTEMS)) if has_backups else na(),
        "BK-005": f(counts["BK-005"]) if has_backups else na(),
        "PRV-001": f(counts["PRV-001"]), "PRV-002": f(counts["PRV-002"]), "PRV-003": f(counts["PRV-003"]),
        "TRN-001": f(counts["TRN-001"], int(staff.sum())),
    }
    return {
        "generator": {"seed": seed, "customers": n, "layout": layout, "as_of": as_of, "window_days": WINDOW_DAYS},
        "checks": checks,
        "pii_in_notes": {"records": sum(pii.values()), "by_category": dict(sorted(pii.items()))},
        "units": {"ENC-001": "columns", "ENC-002": "systems", "ENC-003": "systems", "ENC-004": "systems",
                  "PII-001": "customer records", "AC-001": "accounts", "AC-002": "accounts", "AC-003": "accounts",
                  "AC-004": "log events", "AC-005": "log events", "AC-006": "accounts", "BK-001": "jobs",
                  "BK-002": "systems", "BK-003": "systems", "BK-004": "systems", "BK-005": "jobs",
                  "PRV-001": "customer records", "PRV-002": "customer records", "PRV-003": "customer records",
                  "TRN-001": "accounts"},
        "planted_not_counted": {
            "PRV-001": f"{counts['PRV-001-us-negative']} US customers marketed without consent_at (opt-out regime)",
            "PRV-003": f"{counts['PRV-003-pending-ok']} requests still inside the deadline; {counts['PRV-003-done']} carried out",
            "AC-004": f"{counts['AC-004-outside']} violations older than the window",
            "AC-005": f"{counts['AC-005-outside']} violations older than the window",
            "BK-001": f"{counts['BK-001-outside']} failures older than the window (analytics-warehouse)",
            "BK-005": f"{counts['BK-005-outside']} unencrypted jobs older than the window",
            "TRN-001": "service accounts have no training date (they are not staff); in training_results, "
                       "some TRN-001 staff failed an attempt within the year (a fail is not completed training)",
        },
    }


def _iso(s: pd.Series, z: bool) -> pd.Series:
    """ISO 8601 to the second; numpy formats in C, ~3x faster than ``dt.strftime`` on millions of rows."""
    vals = pd.to_datetime(s).to_numpy(dtype="datetime64[s]")
    out = np.datetime_as_string(vals, unit="s")
    if z:
        out = np.strings.add(out, "Z")
    out = out.astype(object)
    out[np.isnat(vals)] = None
    return pd.Series(out, index=s.index)


def _csv_ready(df: pd.DataFrame, z: bool) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = _iso(df[c], z)
        elif pd.api.types.is_bool_dtype(df[c]):
            df[c] = df[c].map({True: "true", False: "false"})
    return df


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV through Arrow's multi-threaded writer (~6x pandas ``to_csv`` at 1M rows).
    Arrow quotes every string field, which any CSV reader accepts."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(df, preserve_index=False)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def _write_tables(tmp: Path, layout: str, cust, tx, users, log, backups, training) -> dict:
    frames = {"customers": cust, "transactions": tx, "users": users, "access_log": log, "backups": backups,
              "training_results": training}
    if layout == "csv":
        for i, (t, df) in enumerate(frames.items()):
            _write_csv(_csv_ready(df, z=i % 2 == 1), tmp / f"{t}.csv")
        return {"tables": {t: {"path": f"{t}.csv", "encoding": "utf-8"} for t in frames}}
    if layout == "parquet":
        for t, df in frames.items():
            df.to_parquet(tmp / f"{t}.parquet", index=False, row_group_size=100_000)
        return {"tables": {t: {"path": f"{t}.parquet"} for t in frames}}
    # mixed: customers in SQLite with Salesforce-style names plus an unlabelled e-mail column,
    # transactions as Parquet, users as Excel, training records as an LMS's CSV export; no access
    # log and no backups.
    c = _csv_ready(cust, z=True).rename(columns=SALESFORCE)
    c["Field7"] = cust["email"].str.replace("@", ".alt@", regex=False)
    with sqlite3.connect(tmp / "crm.db") as con:
        c.to_sql("Customer", con, index=False)
    tx.to_parquet(tmp / "transactions.parquet", index=False, row_group_size=100_000)
    with pd.ExcelWriter(tmp / "users.xlsx", engine="openpyxl") as xw:
        _csv_ready(users, z=False).to_excel(xw, index=False)
        # a fixed creation time keeps the workbook byte-identical between runs
        xw.book.properties.created = xw.book.properties.modified = dt.datetime(2026, 1, 1)
    _freeze_zip_times(tmp / "users.xlsx")
    _write_csv(_csv_ready(training, z=False), tmp / "lms_export.csv")
    return {"tables": {"customers": {"sql": "sqlite:///crm.db", "table": "Customer"},
                       "transactions": {"path": "transactions.parquet"}, "users": {"path": "users.xlsx"},
                       "training_results": {"path": "lms_export.csv", "encoding": "utf-8"}},
            "columns": {"customers": dict(SALESFORCE)}}


def _freeze_zip_times(path: Path) -> None:
    """Rewrite an .xlsx (a zip) with fixed member timestamps so that reruns are byte-identical."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if name == "docProps/core.xml":  # openpyxl stamps 'modified' with the save time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def _yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
