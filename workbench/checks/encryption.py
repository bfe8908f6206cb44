"""Encryption checks (ENC-*): field encryption of identifiers, encryption at rest, TLS, key rotation."""
from __future__ import annotations

import re

import pandas as pd

from .base import CheckContext, Finding, check, insufficient, measured, not_applicable

# Tables whose rows are about people (customers, staff, their activity): a system storing one
# of them stores personal data. ``backups`` only describes jobs.
PERSONAL_TABLES = frozenset({"customers", "transactions", "users", "access_log"})
IDENTIFIER_CATEGORIES = ("national_id", "card_number")
CLASSIFY_SAMPLE = 20_000  # values per column handed to the detector (evenly spaced, deterministic)
MAX_ROTATION_DAYS = 365


def stores_personal_data(stores: list[str]) -> bool:
    return "*" in stores or bool(PERSONAL_TABLES.intersection(stores))


def column_categories(ctx: CheckContext) -> pd.DataFrame:
    """Every text column of every table with the personal-data categories its *content* shows.

    Columns: table, column, free_text (bool), categories (dict category → share). Cached on ``ctx``.
    """
    if "column_categories" in ctx.cache:
        return ctx.cache["column_categories"]
    from ..pii import load_catalog
    from ..pii.classify import classify_values
    from ..pii.engine import free_text_values, non_empty

    cat = load_catalog()
    ds = ctx.dataset
    rows = []
    for tname in sorted(ds.columns):
        types, st = ds.column_types(tname), ds.stats(tname)
        cols = [c for c in ds.columns[tname]
                if c != "jurisdiction" and types[c].startswith("VARCHAR") and st[c] > 0]
        for col, values in ds.sample_columns(tname, cols, CLASSIFY_SAMPLE).items():
            values = non_empty(values)
            free = bool(free_text_values(values, col, cat))
            cats = {} if free else dict(classify_values(values, col, cat))
            rows.append({"table": tname, "column": col, "free_text": free, "categories": cats})
    out = pd.DataFrame(rows, columns=["table", "column", "free_text", "categories"])
    ctx.cache["column_categories"] = out
    return out


@check("ENC-001")
def plaintext_identifiers(ctx: CheckContext) -> Finding:
    """Columns whose values are national ids or card numbers and that are not field-encrypted.

    Unit: columns. total = structured (non-free-text) columns whose content the detector
    classifies as national_id or card_number; affected = those not listed in any system's
    ``field_encryption`` (as ``column`` or ``table.column``). Free-text columns are PII-001's.
    """
    cid = "ENC-001"
    if ctx.posture is None:
        return insufficient(cid, "no posture.yaml: which columns are field-encrypted is unknown")
    # an identifier column that is there but empty hides what it would hold: not a pass
    why = ctx.missing_if_present("customers", "national_id") or ctx.missing_if_present("transactions", "card_number")
    if why:
        return insufficient(cid, why)
    cols = column_categories(ctx)
    # checks read canonical tables only (DESIGN); other tables are the inventory's (and PII-001's)
    roles = getattr(ctx.dataset, "role", lambda t: t)
    cols = cols[[roles(t) != "other" for t in cols["table"]]] if len(cols) else cols
    encrypted = ctx.posture.encrypted_fields()
    rows = []
    for r in cols.itertuples(index=False):
        found = [c for c in IDENTIFIER_CATEGORIES if c in r.categories]
        if not found:
            continue
        listed = r.column in encrypted or f"{r.table}.{r.column}" in encrypted
        rows.append({"table": r.table, "column": r.column, "category": ",".join(found),
                     "share_matching": round(float(max(r.categories[c] for c in found)), 4),
                     "field_encrypted": listed})
    ev = pd.DataFrame(rows, columns=["table", "column", "category", "share_matching", "field_encrypted"])
    bad = ev[~ev["field_encrypted"].astype(bool)] if len(ev) else ev
    return measured(cid, len(bad), len(ev), bad, note=f"{len(ev)} column(s) hold national ids or card numbers")


def _systems_frame(ctx: CheckContext) -> pd.DataFrame:
    rows = [{"system": s.name, "stores": ",".join(s.stores), "personal": stores_personal_data(s.stores),
             "encryption_at_rest": s.encryption_at_rest.enabled, "algorithm": s.encryption_at_rest.algorithm,
             "key_rotation_days": s.encryption_at_rest.key_rotation_days, "tls_min_version": s.tls_min_version}
            for s in ctx.posture.systems] if ctx.posture else []
    return pd.DataFrame(rows, columns=["system", "stores", "personal", "encryption_at_rest", "algorithm",
                                       "key_rotation_days", "tls_min_version"])


@check("ENC-002")
def encryption_at_rest(ctx: CheckContext) -> Finding:
    """Systems storing personal data with encryption at rest disabled. Unit: systems."""
    cid = "ENC-002"
    if ctx.posture is None:
        return insufficient(cid, "no posture.yaml: the systems are unknown")
    if not ctx.posture.systems:
        return insufficient(cid, "posture.yaml lists no systems")
    sysf = _systems_frame(ctx)
    sysf = sysf[sysf["personal"].astype(bool)]
    if sysf.empty:
        return not_applicable(cid, "no system in posture.yaml stores personal data")
    bad = sysf[~sysf["encryption_at_rest"].astype(bool)]
    return measured(cid, len(bad), len(sysf), bad[["system", "stores", "encryption_at_rest"]])


def tls_version(text: str | None) -> float | None:
    """``"1.2"``, ``"TLSv1.1"``, ``"TLS 1.3"`` → 1.2/1.1/1.3; ``"SSLv3"`` → 0.3; unparseable → None."""
    if text is None:
        return None
    t = str(text).strip().lower().replace(" ", "")
    m = re.search(r"(\d+)(?:\.(\d+))?", t)
    if not m:
        return None
    major, minor = int(m.group(1)), int(m.group(2) or 0)
    if t.startswith("ssl"):
        return major / 10  # SSL 2/3 are older than any TLS
    return major + minor / 10


@check("ENC-003")
def tls_minimum(ctx: CheckContext) -> Finding:
    """Systems whose TLS minimum version is below 1.2. Unit: systems that declare a TLS minimum."""
    cid = "ENC-003"
    if ctx.posture is None:
        return insufficient(cid, "no posture.yaml: the systems are unknown")
    if not ctx.posture.systems:
        return insufficient(cid, "posture.yaml lists no systems")
    sysf = _systems_frame(ctx)
    sysf = sysf[sysf["tls_min_version"].notna()]
    if sysf.empty:
        return insufficient(cid, "no system in posture.yaml declares tls_min_version")
    ver = sysf["tls_min_version"].map(tls_version)
    bad = sysf[ver.isna() | (ver < 1.2)]  # an unparseable version cannot be shown to be ≥ 1.2
    return measured(cid, len(bad), len(sysf), bad[["system", "tls_min_version"]])


@check("ENC-004")
def key_rotation(ctx: CheckContext) -> Finding:
    """Systems storing personal data whose key rotation period is absent or over 365 days.

    Unit: systems; total = systems storing personal data (the scope of ENC-002). A system
    without encryption at rest but with a rotation period is judged on the period only: the
    missing encryption is ENC-002's finding.
    """
    cid = "ENC-004"
    if ctx.posture is None:
        return insufficient(cid, "no posture.yaml: the systems are unknown")
    if not ctx.posture.systems:
        return insufficient(cid, "posture.yaml lists no systems")
    sysf = _systems_frame(ctx)
    sysf = sysf[sysf["personal"].astype(bool)]
    if sysf.empty:
        return not_applicable(cid, "no system in posture.yaml stores personal data")
    days = pd.to_numeric(sysf["key_rotation_days"], errors="coerce")
    bad = sysf[days.isna() | (days > MAX_ROTATION_DAYS)]
    return measured(cid, len(bad), len(sysf), bad[["system", "encryption_at_rest", "algorithm", "key_rotation_days"]])
