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
  exposed at all; a free-text column listed in ``redacted`` (what-if: identifiers redacted from
  notes) still counts as exposed but no longer carries sensitive identifiers.
* ``by_state``: exposed US subjects per state (USPS code from ``customers.state``; full names
  mapped; ``unknown`` when empty; customers with country ``PR`` count as Puerto Rico), which US
  state breach laws key on. Counted in the engine like the jurisdictions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import q
from ..errors import ContentError
from .content import Scenario
from .subjects import ELEMENTS, Group, profile, satisfies

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
        found: set[str] = set()
        if dataset.column_types(table)[col].startswith("VARCHAR") and dataset.stats(table)[col] > 0:
            import polars as pl

            from ..pii.engine import polars_hits

            # streamed from the engine in batches; stops as soon as every category has been seen
            for batch in dataset.engine.batches(f"SELECT {q(col)} FROM {q(table)} WHERE {q(col)} IS NOT NULL"):
                hits = polars_hits(pl.from_arrow(batch.column(0)).cast(pl.String), SENSITIVE_CATEGORIES)
                found |= {c for c in SENSITIVE_CATEGORIES if bool(hits[c].any())}
                if len(found) == len(SENSITIVE_CATEGORIES):
                    break
        cache[key] = tuple(c for c in SENSITIVE_CATEGORIES if c in found)
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
    by_state: dict[str, int] = field(default_factory=dict)    # US subjects per state code
    redacted: list[str] = field(default_factory=list)         # free-text columns redacted (what-if)
    groups: list[Group] | None = None   # people per jurisdiction/state × own exposed elements (subjects.py)

    def subjects(self) -> list[Group]:
        """The per-person groups; for an exposure built by hand (no engine count), every exposed
        person is assumed to carry every element the exposed columns hold."""
        if self.groups is not None:
            return self.groups
        els = set()
        if "full_name" in self.fields:
            els.add("name")
        for f in self.sensitive_fields:
            cat = f.split(":")[-1] if ":" in f else f
            els.add("gov_id" if cat in ("national_id",) else "card" if cat == "card_number" else cat)
        e = frozenset(els)
        out = [Group(j, None, None, e, int(n)) for j, n in sorted(self.by_jurisdiction.items())
               if not j.startswith("US") and int(n) > 0]
        out += [Group("US-CA" if st == "CA" else "US", "US", st, e, int(n)) for st, n in sorted(self.by_state.items())
                if int(n) > 0]
        us = sum(int(n) for j, n in self.by_jurisdiction.items() if j.startswith("US"))
        if us > sum(int(n) for n in self.by_state.values()):
            out.append(Group("US", "US", "unknown", e, us - sum(int(n) for n in self.by_state.values())))
        return out

    def count(self, combos: list[list[str]] | None = None, jurisdictions=None, state: str | None = None,
              countries=None) -> int:
        """People whose own elements meet ``combos`` (any person when None), optionally only in
        some jurisdictions, one US state or some countries."""
        n = 0
        for g in self.subjects():
            if jurisdictions is not None and g.jurisdiction not in jurisdictions:
                continue
            if state is not None and g.state != state:
                continue
            if countries is not None and g.country not in countries:
                continue
            if combos is None or satisfies(g.elements, combos):
                n += g.n
        return n

    def element_counts(self) -> dict[str, dict[str, int]]:
        """Exposed people per jurisdiction carrying each element (simulation.json ``subjects``)."""
        out: dict[str, dict[str, int]] = {}
        for g in self.subjects():
            d = out.setdefault(g.jurisdiction, {"people": 0, **{e: 0 for e in ELEMENTS}})
            d["people"] += g.n
            for e in g.elements:
                d[e] = d.get(e, 0) + g.n
        return dict(sorted(out.items()))

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
                "encrypted_excluded": sorted(self.encrypted_excluded), "note": self.note,
                "by_state": {k: int(v) for k, v in sorted(self.by_state.items())},
                **({"redacted": sorted(self.redacted)} if self.redacted else {}),
                "subjects": {"per_person": self.groups is not None, "by_jurisdiction": self.element_counts()}}


def _encrypted(dataset, extra: frozenset[str]) -> set[str]:
    enc = set(dataset.posture.encrypted_fields()) if dataset.posture else set()
    return enc | set(extra)


def _is_encrypted(table: str, col: str, enc: set[str]) -> bool:
    return col in enc or f"{table}.{col}" in enc


def _columns(dataset, table: str) -> list[str]:
    return [str(c) for c in dataset.columns.get(table, []) if c not in DERIVED]


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
            raise ContentError.of("error.scenario.role", scenario=scn.id, role=c.role, known=", ".join(roles))
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
        raise ContentError.of("error.scenario.system", scenario=scn.id, name=name)
    return sysm.name, [t for t in PERSONAL_TABLES if t in sysm.stores]


def exposure(dataset, scn: Scenario, extra_encrypted: frozenset[str] = frozenset(),
             cache: dict | None = None, *, redacted: frozenset[str] = frozenset()) -> Exposure:
    """Exposure of ``scn`` on ``dataset``; ``extra_encrypted`` adds field-encrypted columns (what-if).

    ``cache``: a dict kept by the caller for one dataset (content scans of free-text columns, the
    compromised scope and the counts, which no what-if changes); ``redacted``: free-text columns
    (``col`` or ``table.col``) whose identifiers are redacted."""
    cache = {} if cache is None else cache
    key = ("scope", scn.id)
    if key not in cache:   # who or what is compromised does not depend on the what-if
        if scn.compromised.system is not None:
            label, tables = _system_tables(dataset, scn)
            cache[key] = ({t: _columns(dataset, t) for t in tables if _columns(dataset, t)},
                          f"system:{label}", "every column the system stores")
        else:
            role, note = choose_role(dataset, scn)
            cache[key] = (readable(dataset, role), f"role:{role}" if role else "role:*", note)
    cols, via, note = cache[key]
    enc = _encrypted(dataset, extra_encrypted)
    excluded = sorted(f"{t}.{c}" for t, cs in cols.items() for c in cs if _is_encrypted(t, c, enc))
    cols = {t: [c for c in cs if not _is_encrypted(t, c, enc)] for t, cs in cols.items()}
    cols = {t: cs for t, cs in cols.items() if cs}
    sensitive = sorted(c for t, cs in cols.items() for c in cs
                       if c in SENSITIVE[t] and dataset.stats(t)[c] > 0)
    red = sorted(f"{t}.{c}" for t, cs in cols.items() for c in cs if _is_encrypted(t, c, set(redacted)))
    sensitive += sorted(f"{t}.{c}:{cat}" for t, cs in cols.items() for c in cs if c not in SENSITIVE[t]
                        and f"{t}.{c}" not in red for cat in content_sensitive(dataset, t, c, cache))
    where = _held_where(dataset, cols)
    if ("held", where) not in cache:
        cache["held", where] = (held_by_jurisdiction(dataset, cols), held_by_state(dataset, cols))
    by_j, by_state = cache["held", where]
    hits = {(t, c): content_sensitive(dataset, t, c, cache) for t, cs in cols.items() for c in cs
            if c not in SENSITIVE[t] and f"{t}.{c}" not in red}
    hits = {k: v for k, v in hits.items() if v}
    pkey = ("profile", where, tuple(sorted((t, tuple(sorted(cs))) for t, cs in cols.items())), tuple(sorted(hits.items())))
    if pkey not in cache:
        if "text_candidates" not in cache:   # every text column with identifiers, exposed or not (one count)
            cands = {(t, c): content_sensitive(dataset, t, c, cache) for t in PERSONAL_TABLES
                     for c in _columns(dataset, t) if c not in SENSITIVE[t]}
            cache["text_candidates"] = {k: v for k, v in cands.items() if v}
        cache[pkey] = profile(dataset, cols, where, hits, cache, cache["text_candidates"])
    return Exposure(via=via, records=sum(by_j.values()), by_jurisdiction=by_j, tables=cols,
                    sensitive_fields=sensitive, encrypted_excluded=excluded, note=note,
                    by_state=by_state, redacted=red, groups=cache[pkey])


def _held_where(dataset, cols: dict[str, list[str]]) -> str | None:
    """SQL condition on ``customers`` for the subjects the exposed columns reveal (None: nobody)."""
    ccols = dataset.columns["customers"]
    alive = "erased_at IS NULL" if "erased_at" in ccols else "TRUE"
    if [c for c in cols.get("customers", []) if c != "customer_id"]:
        return alive
    if "transactions" in cols and "customer_id" in dataset.columns.get("transactions", []):
        return f"{alive} AND customer_id IN (SELECT customer_id FROM transactions)"
    return None


def held_by_jurisdiction(dataset, cols: dict[str, list[str]]) -> dict[str, int]:
    """Customers not erased whose data the exposed columns reveal, per jurisdiction (in the engine):
    every one when customer columns beyond the id are exposed; with only transactions exposed,
    those appearing there; none otherwise."""
    where = _held_where(dataset, cols)
    if where is None:
        return {}
    ccols = dataset.columns["customers"]
    j = "coalesce(CAST(jurisdiction AS VARCHAR), 'unknown')" if "jurisdiction" in ccols else "'unknown'"
    df = dataset.sql(f"SELECT {j} AS j, count(*) AS n FROM customers WHERE {where} GROUP BY 1")
    return {str(k): int(v) for k, v in sorted(zip(df["j"], df["n"])) if int(v)}


def held_by_state(dataset, cols: dict[str, list[str]]) -> dict[str, int]:
    """The same subjects, US residents only, per state code (in the engine; codes mapped here)."""
    where = _held_where(dataset, cols)
    ccols = dataset.columns["customers"]
    if where is None or "country" not in ccols:
        return {}
    from .states import state_code

    state = "CAST(state AS VARCHAR)" if "state" in ccols else "CAST(NULL AS VARCHAR)"
    # Puerto Rico has its own ISO code and its own breach law
    df = dataset.sql(f"SELECT CASE WHEN upper(trim(CAST(country AS VARCHAR))) = 'PR' THEN 'PR' ELSE {state} END AS s, "
                     f"count(*) AS n FROM customers WHERE {where} AND upper(trim(CAST(country AS VARCHAR))) IN ('US', 'PR') "
                     "GROUP BY 1")
    out: dict[str, int] = {}
    for s, n in zip(df["s"], df["n"]):
        code = state_code(s) or "unknown"
        out[code] = out.get(code, 0) + int(n)
    return dict(sorted(out.items()))
