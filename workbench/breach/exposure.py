"""What a scenario exposes, read from the dataset itself.

* A **role** (named, or chosen by a rule) exposes the columns of ``customers`` and
  ``transactions`` it may read under ``permissions.yaml``. Without a permissions file every role
  is treated as all-access.
* A **system** (``customer_store``: the posture system that stores ``customers``; ``backups``: a
  copy of that store; or a system name) exposes every column of the personal tables it stores.
* Records are customers not yet erased (``erased_at`` empty); with only ``transactions``
  readable, the customers appearing there. Counts per jurisdiction come from the
  ``customers.jurisdiction`` column (``unknown`` when absent).
* Sensitive fields are ``national_id`` and ``card_number`` when present with values, plus free
  text (``notes``) and non-canonical columns in which the PII detector (``workbench.pii``, with
  Luhn / check-digit validation) finds national ids or card numbers — reported as
  ``table.column:category``. A column under field-level encryption (posture
  ``field_encryption``, ``col`` or ``table.col``) with keys held elsewhere does not count as
  exposed at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import ContentError
from .content import Scenario

PERSONAL_TABLES = ("customers", "transactions")
SENSITIVE = {"customers": ("national_id",), "transactions": ("card_number",)}
DERIVED = {"jurisdiction"}
SENSITIVE_CATEGORIES = ("national_id", "card_number")
FREE_TEXT = {"customers": ("notes",)}


def content_sensitive(dataset, table: str, col: str, cache: dict | None = None) -> tuple[str, ...]:
    """Sensitive categories the PII detector finds in a free-text or non-canonical column.

    ``cache`` (a dict the caller keeps per dataset) avoids scanning a column once per scenario.
    """
    from ..schema import CANONICAL

    if col in CANONICAL.get(table, {}) and col not in FREE_TEXT.get(table, ()):
        return ()
    cache = {} if cache is None else cache
    key = (table, col)
    if key not in cache:
        series = dataset.tables[table][col]
        found: tuple[str, ...] = ()
        if pd.api.types.is_string_dtype(series) and series.notna().any():
            try:
                from ..pii import text_hits
            except ImportError:  # the PII engine is optional for the simulator
                text_hits = None
            if text_hits is not None:
                hits = text_hits(series.dropna(), SENSITIVE_CATEGORIES)
                found = tuple(c for c in SENSITIVE_CATEGORIES if c in hits and bool(hits[c].any()))
        cache[key] = found
    return cache[key]


@dataclass
class Exposure:
    via: str                                   # "role:<name>" or "system:<name>"
    records: int
    by_jurisdiction: dict[str, int]
    tables: dict[str, list[str]]               # table -> exposed columns
    sensitive_fields: list[str]
    encrypted_excluded: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def fields(self) -> list[str]:
        return sorted({c for cols in self.tables.values() for c in cols})

    @property
    def high_risk(self) -> bool:
        return bool(self.sensitive_fields)

    def to_dict(self) -> dict:
        return {"via": self.via, "records": int(self.records),
                "by_jurisdiction": {k: int(v) for k, v in sorted(self.by_jurisdiction.items())},
                "fields": self.fields, "sensitive_fields": sorted(self.sensitive_fields),
                "tables": {t: sorted(c) for t, c in sorted(self.tables.items())},
                "encrypted_excluded": sorted(self.encrypted_excluded), "note": self.note}


def _encrypted(dataset, extra: frozenset[str]) -> set[str]:
    enc = set(dataset.posture.encrypted_fields()) if dataset.posture else set()
    return enc | set(extra)


def _is_encrypted(table: str, col: str, enc: set[str]) -> bool:
    return col in enc or f"{table}.{col}" in enc


def _columns(dataset, table: str) -> list[str]:
    df = dataset.tables.get(table)
    return [] if df is None else [str(c) for c in df.columns if c not in DERIVED]


def readable(dataset, role: str | None) -> dict[str, list[str]]:
    """Personal-table columns a role may read (all of them for ``role=None``)."""
    out = {}
    for t in PERSONAL_TABLES:
        cols = _columns(dataset, t)
        if role is not None and dataset.permissions is not None:
            cols = [c for c in cols if dataset.permissions.can_read(role, t, c)]
        if cols:
            out[t] = cols
    return out


def _active_roles(dataset, service: bool | None = None) -> list[str]:
    users = dataset.tables.get("users")
    if users is None or "role" not in users:
        return []
    u = users
    if "status" in u:
        u = u[u["status"].fillna("active") == "active"]
    if service is not None and "is_service_account" in u:
        u = u[u["is_service_account"].fillna(False).astype(bool) == service]
    return u["role"].dropna().astype(str).value_counts().sort_index(kind="stable").sort_values(
        ascending=False, kind="stable").index.tolist()


def _widest(dataset, roles: list[str]) -> str:
    def score(r: str) -> tuple:
        cols = readable(dataset, r)
        n_sensitive = sum(c in SENSITIVE[t] for t, cs in cols.items() for c in cs)
        return (sum(len(c) for c in cols.values()), n_sensitive, "customers" in cols)
    return sorted(roles, key=lambda r: (tuple(-x for x in score(r)), r))[0]


def choose_role(dataset, scn: Scenario) -> tuple[str | None, str]:
    """The role a scenario compromises, and how it was chosen."""
    perms = dataset.permissions
    c = scn.compromised
    if perms is None:
        return None, "no permissions.yaml: every role is treated as all-access"
    roles = sorted(perms.roles)
    if c.role is not None:
        if c.role not in perms.roles:
            raise ContentError(f"scenario '{scn.id}': key 'compromised.role': role '{c.role}' is not in permissions.yaml",
                               f"roles: {', '.join(roles)}")
        return c.role, "named in the scenario"
    in_use = [r for r in _active_roles(dataset) if r in perms.roles] or roles
    if c.rule == "widest_read":
        return _widest(dataset, in_use), "role in use with the widest read"
    if c.rule == "widest_export":
        ex = [r for r in in_use if any(perms.can_export(r, t) for t in PERSONAL_TABLES)]
        if ex:
            return _widest(dataset, ex), "exporting role with the widest read"
        return _widest(dataset, in_use), "no role may export: role with the widest read"
    if c.rule == "service_account":
        svc = [r for r in _active_roles(dataset, service=True) if r in perms.roles]
        if svc:
            return _widest(dataset, svc), "service-account role with the widest read"
        named = [r for r in roles if any(w in r.lower() for w in ("integration", "api", "service", "sync"))]
        if named:
            return _widest(dataset, named), "integration role (by name) with the widest read"
        return _widest(dataset, in_use), "no service accounts: role with the widest read"
    common = [r for r in _active_roles(dataset, service=False) if r in perms.roles]
    return (common[0], "role held by the most active staff") if common else (_widest(dataset, in_use), "widest read")


def _system_tables(dataset, scn: Scenario) -> tuple[str, list[str]]:
    name = scn.compromised.system
    systems = dataset.posture.systems if dataset.posture else []
    if name in ("customer_store", "backups"):
        store = next((s for s in sorted(systems, key=lambda s: s.name) if "customers" in s.stores), None)
        label = store.name if store else "crm"
        tables = [t for t in PERSONAL_TABLES if store is None or t in store.stores]
        return (f"{label} backups" if name == "backups" else label), tables
    sysm = next((s for s in systems if s.name == name), None)
    if sysm is None:
        raise ContentError(f"scenario '{scn.id}': key 'compromised.system': no system '{name}' in posture.yaml",
                           "use customer_store, backups or a system name from posture.yaml")
    return sysm.name, [t for t in PERSONAL_TABLES if t in sysm.stores]


def exposure(dataset, scn: Scenario, extra_encrypted: frozenset[str] = frozenset(),
             cache: dict | None = None) -> Exposure:
    """Exposure of ``scn`` on ``dataset``; ``extra_encrypted`` adds field-encrypted columns (what-if).

    ``cache``: a dict kept by the caller for one dataset (content scans of free-text columns)."""
    if scn.compromised.system is not None:
        label, tables = _system_tables(dataset, scn)
        cols = {t: _columns(dataset, t) for t in tables if _columns(dataset, t)}
        via, note = f"system:{label}", "every column the system stores"
    else:
        role, note = choose_role(dataset, scn)
        cols = readable(dataset, role)
        via = f"role:{role}" if role else "role:*"
    enc = _encrypted(dataset, extra_encrypted)
    excluded = sorted(f"{t}.{c}" for t, cs in cols.items() for c in cs if _is_encrypted(t, c, enc))
    cols = {t: [c for c in cs if not _is_encrypted(t, c, enc)] for t, cs in cols.items()}
    cols = {t: cs for t, cs in cols.items() if cs}
    sensitive = sorted(c for t, cs in cols.items() for c in cs
                       if c in SENSITIVE[t] and dataset.tables[t][c].notna().any())
    sensitive += sorted(f"{t}.{c}:{cat}" for t, cs in cols.items() for c in cs if c not in SENSITIVE[t]
                        for cat in content_sensitive(dataset, t, c, cache))
    cust = dataset.tables["customers"]
    if "erased_at" in cust:
        cust = cust[cust["erased_at"].isna()]
    personal = [c for c in cols.get("customers", []) if c != "customer_id"]
    if personal:
        held = cust
    elif "transactions" in cols and "customer_id" in dataset.tables["transactions"]:
        held = cust[cust["customer_id"].isin(dataset.tables["transactions"]["customer_id"])]
    else:
        held = cust.iloc[0:0]
    if "jurisdiction" in held:
        by = held["jurisdiction"].fillna("unknown").astype(str).value_counts()
        by_j = {str(k): int(v) for k, v in sorted(by.items())}
    else:
        by_j = {"unknown": int(len(held))} if len(held) else {}
    return Exposure(via=via, records=int(len(held)), by_jurisdiction=by_j, tables=cols,
                    sensitive_fields=sensitive, encrypted_excluded=excluded, note=note)
