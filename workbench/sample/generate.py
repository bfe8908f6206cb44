"""Assemble a complete synthetic dataset folder and its ground truth.

Every problem is planted in a known number, and the ground truth file records, per check id of
DESIGN.md, the status and ``affected`` count a correct assessment must report.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
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
from .subjects import plant_subjects
from .staff import MFA_REQUIRED, PERMISSIONS, access_log_chunks, make_access_log, make_users
from .writers import TableWriter

RETENTION_DAYS, DORMANT_DAYS, ERASURE_DAYS, WINDOW_DAYS, HISTORY_DAYS = 1095, 90, 30, 90, 180
LAYOUTS = ("csv", "parquet", "mixed")
# Written into every sample folder: the files the generator made, the only ones `--force` replaces.
MARKER = ".workbench-sample.json"
# Customers per shard: customers and transactions are made and written one shard at a time, so
# memory stays near that of one million customers (about 2 GB) whatever --customers is.
SHARD_CUSTOMERS = 1_000_000
# The plants that live in the customers table: counted per shard and summed.
CUSTOMER_PLANTS = ("PRV-001", "PRV-001-us-negative", "PRV-002", "PRV-003", "PRV-003-pending-ok", "PRV-003-done",
                   "PII-001-phone", "PII-001-email", "PII-001-card_number", "PII-001-national_id")


# purposes, recipients and what erasure must keep (subject-access packages and erasure plans)
PROCESSING = {
    "purposes": [{"en": "Orders, delivery and customer service", "zh": "订单、配送与客户服务"},
                 {"en": "Marketing e-mails, with consent", "zh": "经同意的营销邮件"}],
    "recipients": [{"en": "Payment processor (card payments)", "zh": "支付服务商（银行卡支付）"},
                   {"en": "Parcel carriers (name and delivery address)", "zh": "快递承运商（姓名与收货地址）"}],
    "retention": [{"table": "transactions", "days": 3650,
                   "basis": {"en": "commercial and tax records: 10 years (HGB §257, AO §147)",
                             "zh": "商业与税务记录：10 年（德国商法典第 257 条、税收通则第 147 条）"}}],
    "backup_retention_days": 35,
}


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


def shard_sizes(customers: int, shard_size: int) -> list[int]:
    """Split ``customers`` into the fewest shards of at most ``shard_size``, as equal as possible
    (so that no shard is too small to carry its own plants)."""
    k = -(-customers // shard_size)
    return [customers // k + (1 if i < customers % k else 0) for i in range(k)]


def generate_sample(out: str | Path, customers: int = 3000, seed: int = 7, as_of: str = "2026-09-30",
                    layout: str = "csv", name: str = "Acme Retail CRM (synthetic)",
                    progress: Callable[[str], None] | None = None, force: bool = False,
                    shard_size: int = SHARD_CUSTOMERS) -> dict:
    """Write a dataset folder at ``out`` and return its ground truth.

    ``out`` may be absent, an empty folder (``.`` included) or, with ``force``, a previous sample
    (recognised by its :data:`MARKER`); anything else is refused before any work is done, so
    nothing the generator did not make is ever deleted.

    Memory stays bounded whatever ``customers``: customers and transactions are made and written
    in shards of at most ``shard_size`` customers (a hook for tests; the default is
    :data:`SHARD_CUSTOMERS`) and, beyond one shard, the access log in time-ordered chunks of about
    ``shard_size`` events (a million events take less memory than a million customers). Up to
    one shard the files are exactly those of the one-piece generator."""
    if layout not in LAYOUTS:
        raise InputError.of("error.sample.layout", value=layout, known=", ".join(LAYOUTS))
    if customers < 200:
        raise InputError.of("error.sample.customers", value=customers)
    if shard_size < 400:
        raise ValueError("shard_size below 400 leaves shards too small for their plants")
    try:
        day = np.datetime64(dt.date.fromisoformat(as_of), "s")
    except ValueError:
        raise InputError.of("error.sample.as_of", value=as_of) from None
    out = Path(out).expanduser().resolve()
    previous = check_target(out, force)  # refuse before any work: nothing is touched
    say = progress or (lambda _m: None)

    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    # the temp folder lives inside ``out``: same file system for os.replace, and `--out .` works
    # even when the parent folder is not writable
    tmp = Path(tempfile.mkdtemp(prefix=".workbench-sample.tmp-", dir=out))
    writer = TableWriter(tmp, layout)
    try:
        sizes = shard_sizes(customers, shard_size)
        if len(sizes) == 1:
            truth = _one_piece(writer, seed, day, customers, layout, as_of, say)
        else:
            truth = _sharded(writer, sizes, shard_size, seed, day, customers, layout, as_of, say)
        tables = writer.close()
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
        config["processing"] = PROCESSING
        _yaml(tmp / "dataset.yaml", config)
        _yaml(tmp / "permissions.yaml", {"roles": PERMISSIONS})
        _yaml(tmp / "posture.yaml", posture(RETENTION_DAYS, DORMANT_DAYS, ERASURE_DAYS, MFA_REQUIRED))
        (tmp / "ground_truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _install(tmp, out, previous)
    except BaseException:
        writer.abort()
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    return truth


def _one_piece(writer: TableWriter, seed: int, day: np.datetime64, customers: int, layout: str,
               as_of: str, say: Callable[[str], None]) -> dict:
    """Up to one shard: every table from one generator, drawn in the order the committed samples were."""
    rng = np.random.default_rng(seed)
    n_staff = max(40, customers // 50)
    counts = plant_counts(customers, n_staff)
    say(f"generating customers ({customers:,})")
    cust, cfacts = make_customers(rng, customers, day, counts, RETENTION_DAYS, ERASURE_DAYS)
    say("generating transactions")
    tx = make_transactions(rng, cust, day)
    subjects = plant_subjects(np.random.default_rng([seed, 9]), cust, tx, cfacts)  # a generator of its own
    say(f"writing customers and transactions ({layout})")
    writer.write("customers", cust)
    writer.write("transactions", tx)
    del cust, tx  # written: free them before the staff tables are made
    say(f"generating staff accounts ({n_staff:,})")
    users, ufacts = make_users(rng, n_staff, day, counts, DORMANT_DAYS)
    say("generating access log")
    log = make_access_log(rng, users, day, HISTORY_DAYS, WINDOW_DAYS, _events_per_user(customers), counts)
    writer.write("access_log", log)
    del log
    say("generating backup jobs")
    writer.write("backups", make_backups(rng, day, HISTORY_DAYS, WINDOW_DAYS, counts)[0])
    truth = _staff_tail(writer, users, ufacts, counts, cfacts, seed, day, customers, layout, as_of, say)
    truth["subjects"] = subjects
    return truth


def _sharded(writer: TableWriter, sizes: list[int], shard_size: int, seed: int, day: np.datetime64,
             customers: int, layout: str, as_of: str, say: Callable[[str], None]) -> dict:
    """Beyond one shard: shard k of customers (with its transactions) from a generator of its own,
    with plants proportional to its size and ids continuing the previous shard's; staff, access log
    and backups each from a generator of their own, the log written in chunks."""
    n_staff = max(40, customers // 50)
    counts = plant_counts(customers, n_staff)  # staff, log and backup plants: for the whole dataset
    planted = dict.fromkeys(CUSTOMER_PLANTS, 0)
    pii: dict[str, int] = {}
    first = first_tx = 0
    for k, n in enumerate(sizes):
        say(f"generating customers {first + 1:,}–{first + n:,} of {customers:,} (shard {k + 1}/{len(sizes)})")
        rng = np.random.default_rng([seed, 100 + k])
        shard_counts = plant_counts(n, n_staff)
        cust, cfacts = make_customers(rng, n, day, shard_counts, RETENTION_DAYS, ERASURE_DAYS, first_id=first + 1)
        tx = make_transactions(rng, cust, day, first_id=first_tx + 1)
        if k == 0:  # the planted data subjects live in the first shard
            subjects = plant_subjects(np.random.default_rng([seed, 9]), cust, tx, cfacts)
        writer.write("customers", cust)
        writer.write("transactions", tx)
        first_tx += len(tx)
        del cust, tx
        for key in CUSTOMER_PLANTS:
            planted[key] += shard_counts[key]
        for cat, v in cfacts["pii_by_category"].items():
            pii[cat] = pii.get(cat, 0) + v
        first += n
    counts.update(planted)
    say(f"generating staff accounts ({n_staff:,})")
    users, ufacts = make_users(np.random.default_rng([seed, 1]), n_staff, day, counts, DORMANT_DAYS)
    epu = _events_per_user(customers)
    for j, chunk in enumerate(access_log_chunks(np.random.default_rng([seed, 2]), users, day, HISTORY_DAYS,
                                                WINDOW_DAYS, epu, counts, shard_size)):
        say(f"generating access log, chunk {j + 1} ({len(chunk):,} events)")
        writer.write("access_log", chunk)
    say("generating backup jobs")
    writer.write("backups", make_backups(np.random.default_rng([seed, 3]), day, HISTORY_DAYS, WINDOW_DAYS, counts)[0])
    truth = _staff_tail(writer, users, ufacts, counts, {"pii_by_category": pii}, seed, day, customers, layout, as_of, say)
    truth["subjects"] = subjects
    return truth


def _staff_tail(writer: TableWriter, users: pd.DataFrame, ufacts: dict, counts: dict[str, int], cfacts: dict,
                seed: int, day: np.datetime64, customers: int, layout: str, as_of: str,
                say: Callable[[str], None]) -> dict:
    say("generating training records")
    # a generator of its own, so that adding this table left every other table byte-identical
    training, tfacts = make_training_results(np.random.default_rng([seed, 6]), users, day,
                                             ufacts["planted_rows"]["TRN-001"])
    writer.write("users", users)
    writer.write("training_results", training)
    truth = ground_truth(counts, cfacts, ufacts, users, customers, layout, seed, as_of)
    truth["training_results"] = tfacts
    return truth


def _events_per_user(customers: int) -> int:
    return 100 if customers >= 100_000 else 300


def check_target(out: Path, force: bool) -> set[str]:
    """The files a previous sample in ``out`` made (empty when ``out`` is absent or empty);
    raise :class:`InputError` when writing there could destroy anything the generator did not make."""
    if out.exists() and not out.is_dir():
        raise InputError.of("error.subject.out_file", path=out)
    if not out.exists():
        return set()
    entries = [p.name for p in out.iterdir()]
    if not entries:
        return set()
    marker = out / MARKER
    if not marker.is_file():
        raise InputError.of("error.sample.not_empty", path=out, n=len(entries))
    try:
        made = json.loads(marker.read_text(encoding="utf-8"))["files"]
        if not all(isinstance(f, str) and f and "/" not in f and f not in (".", "..") for f in made):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise InputError.of("error.sample.marker", path=marker) from None
    if not force:
        raise InputError.of("error.sample.previous", path=out)
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


def _yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
