"""Which canonical table reaches an other table, and by which key (one hop).

A customer's address often sits in an ``address`` table reached by ``customers.address_id``; a
customer's orders in an ``orders`` table that holds ``customer_id``. A link is either declared
(a foreign key of the SQL database) or inferred: two columns with the same name once case and
punctuation are dropped (``CustomerId`` = ``customer_id``), ending in ``id``, one of them unique in
its table, and at least 90% of the other's distinct values found in it.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .canonical import _text
from .engine import q
from .sources import sql_foreign_keys

CONTAINMENT = 0.9  # share of the referencing column's distinct values found in the referenced key


@dataclass(frozen=True)
class Link:
    """``table`` (canonical) reaches ``other`` by ``table.column`` = ``other.other_column``."""

    table: str
    column: str
    other: str
    other_column: str
    evidence: str      # declared | inferred
    holder: str        # the table holding the reference (the other side is its key)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["via"] = f"{self.table}.{self.column} = {self.other}.{self.other_column}"
        return d


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z\u3400-\u9fff]", "", str(name).lower())


def _raw_names(ds: Any, table: str) -> dict[str, str]:
    """column as the engine has it -> the name it had in the source (mapped canonical columns)."""
    mapped = ds.table_info.get(table, {}).get("mapped_from", {})
    return {c: mapped.get(c, c) for c in ds.columns[table]}


def _expr(ds: Any, table: str, column: str) -> str:
    return _text(column, ds.column_types(table).get(column, "VARCHAR"))


def _unique(ds: Any, table: str, column: str) -> bool:
    e = _expr(ds, table, column)
    n, d = ds.engine.row(f"SELECT count({e}), count(DISTINCT {e}) FROM {q(table)}")
    return bool(n) and n == d


def _contained(ds: Any, a: str, ac: str, b: str, bc: str) -> bool:
    ea, eb = _expr(ds, a, ac), _expr(ds, b, bc)
    hit, n = ds.engine.row(
        f"SELECT count(r.k), count(*) FROM (SELECT DISTINCT {ea} AS k FROM {q(a)} WHERE {ea} IS NOT NULL) s "
        f"LEFT JOIN (SELECT DISTINCT {eb} AS k FROM {q(b)}) r ON s.k = r.k")
    return bool(n) and hit / n >= CONTAINMENT


def _declared(ds: Any) -> list[tuple[str, str, str, str]]:
    """Foreign keys of the SQL sources, in engine table names: (holder, column, referenced, key)."""
    by_url: dict[str, dict[str, str]] = {}
    for t, rs in ds.sources.items():
        if rs.kind == "sql" and rs.sql_url and rs.sql_table:
            by_url.setdefault(rs.sql_url, {})[rs.sql_table] = t
    out = []
    for url, names in sorted(by_url.items()):
        for holder, col, ref, key in sql_foreign_keys(url, sorted(names)):
            if holder in names and ref in names:
                out.append((names[holder], col, names[ref], key))
    return out


def find_links(ds: Any) -> dict[str, list[Link]]:
    """Other table -> the links by which canonical tables reach it (declared first, then inferred)."""
    roles = {t: ds.role(t) for t in ds.columns}
    canon = [t for t in ds.columns if roles[t] != "other"]
    others = [t for t in ds.columns if roles[t] == "other"]
    out: dict[str, list[Link]] = {}
    seen: set[tuple[str, str, str, str]] = set()

    def add(link: Link) -> None:
        key = (link.table, link.column, link.other, link.other_column)
        if key not in seen:
            seen.add(key)
            out.setdefault(link.other, []).append(link)

    for holder, col, ref, key in _declared(ds):
        hc = _engine_name(ds, holder, col)
        rc = _engine_name(ds, ref, key)
        if hc is None or rc is None:
            continue
        if roles[holder] != "other" and roles[ref] == "other":
            add(Link(holder, hc, ref, rc, "declared", holder))
        elif roles[holder] == "other" and roles[ref] != "other":
            add(Link(ref, rc, holder, hc, "declared", holder))
    for c in canon:
        craw = _raw_names(ds, c)
        for o in others:
            for cc, raw in craw.items():
                for oc in ds.columns[o]:
                    n = _norm(oc)
                    if not n.endswith("id") or n == "id" or n not in (_norm(cc), _norm(raw)):
                        continue
                    if (c, cc, o, oc) in seen:
                        continue
                    if _unique(ds, o, oc) and _contained(ds, c, cc, o, oc):
                        add(Link(c, cc, o, oc, "inferred", c))
                    elif _unique(ds, c, cc) and _contained(ds, o, oc, c, cc):
                        add(Link(c, cc, o, oc, "inferred", o))
    return {o: sorted(v, key=lambda k: (k.evidence != "declared", k.table, k.column)) for o, v in sorted(out.items())}


def _engine_name(ds: Any, table: str, source_column: str) -> str | None:
    """The engine's name for a source column (mapped canonical tables rename it)."""
    for col, raw in _raw_names(ds, table).items():
        if raw == source_column:
            return col
    return None
