"""Find one person in every table of a dataset, in the engine.

Three ways a row belongs to the request, in this order of precedence:

* ``direct`` — a column the inventory marked with the selector's category holds the value (for a
  customer id: the customers table's own key);
* ``key`` — the row points (``customer_id``) to a customers row found directly;
* ``mention`` — a free-text column mentions the value (another customer's note about this person).

Every test is SQL (DuckDB dialect, transpiled for Spark): one aggregate query per table for the
summary, one filtered query per table for the rows of an export. Nothing reads a whole table into
Python; only the matching rows (for an export) or counts and dates (for a summary) come back.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..engine import lit, q
from ..errors import InputError
from ..masking import mask
from ..schema import KEYS
from .columns import SearchColumns, from_sample, key_columns
from .selector import Selector

MAX_CUSTOMERS = 10_000  # a selector matching more customer records than this is not one person
KINDS = ("direct", "key", "mention")


@dataclass
class TableMatch:
    """The subject's rows in one table: the SQL that selects them and what the summary counted."""

    table: str
    direct: str | None
    key: str | None
    mentions: dict[str, str]                 # free-text column -> SQL condition
    key_column: str | None                   # the table's own key (row identity), if any
    links: list[tuple[str, list[str]]] = field(default_factory=list)  # (column, values) reached from customers
    rows: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    mention_rows: dict[str, int] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    oldest: str | None = None
    newest: str | None = None

    @property
    def where(self) -> str:
        return " OR ".join(f"({c})" for c in self._conds())

    @property
    def kind_sql(self) -> str:
        parts = [f"WHEN {c} THEN {lit(k)}" for k, c in (("direct", self.direct), ("key", self.key)) if c]
        return f"CASE {' '.join(parts)} ELSE 'mention' END" if parts else "'mention'"

    def _conds(self) -> list[str]:
        return [c for c in (self.direct, self.key, *self.mentions.values()) if c]


@dataclass
class Finding:
    """Result of :func:`find_subject`. ``customer_ids`` are raw (used to build SQL); everything
    :meth:`summary` returns is masked."""

    dataset: str
    as_of: str
    selector: Selector
    tables: list[TableMatch]
    customer_ids: list[str]
    columns: SearchColumns

    @property
    def found(self) -> bool:
        return any(t.rows for t in self.tables)

    def hits(self) -> list[TableMatch]:
        return [t for t in self.tables if t.rows]

    def summary(self) -> dict[str, Any]:
        """Masked: tables, row counts by kind, categories, oldest and newest record."""
        hits = self.hits()
        dates = [d for t in hits for d in (t.oldest, t.newest) if d]
        return {
            "dataset": self.dataset, "as_of": self.as_of,
            "selector": {"kind": self.selector.kind, "value": self.selector.masked()},
            "found": bool(hits), "rows": sum(t.rows for t in hits),
            "customer_records": [mask(c, "customer_id") for c in self.customer_ids],
            "oldest": min(dates) if dates else None, "newest": max(dates) if dates else None,
            "searched": {"inventory": self.columns.source, "tables": len(self.tables),
                         "columns": sorted({f"{t}.{c}" for cols in self.columns.by_category.values() for t, c in cols}),
                         "free_text": sorted(f"{t}.{c}" for t, c in self.columns.free_text)},
            "tables": [{"table": t.table, "rows": t.rows, "by_kind": {k: t.by_kind.get(k, 0) for k in KINDS},
                        "mentions": dict(sorted(t.mention_rows.items())), "categories": t.categories,
                        "oldest": t.oldest, "newest": t.newest} for t in hits],
        }

    def frame(self) -> pd.DataFrame:
        """The summary's tables as a DataFrame (masked: counts, categories and dates only)."""
        rows = [{"table": t["table"], "rows": t["rows"], **{k: t["by_kind"][k] for k in KINDS},
                 "categories": ", ".join(t["categories"]), "oldest": t["oldest"], "newest": t["newest"]}
                for t in self.summary()["tables"]]
        return pd.DataFrame(rows, columns=["table", "rows", *KINDS, "categories", "oldest", "newest"])


def _direct(ds: Any, sel: Selector, cols: SearchColumns, table: str) -> str | None:
    if sel.kind == "customer_id":
        found = [c for c in ("customer_id",) if table == "customers" and c in ds.columns[table]]
    else:
        found = cols.columns_for(sel.category, table)
    conds = [sel.column_match(q(c)) for c in found]
    return " OR ".join(f"({c})" for c in conds) if conds else None


def _dated(ds: Any, table: str, cols: SearchColumns) -> list[str]:
    """Columns dating a record: timestamps and dates, birth dates excepted."""
    out = []
    for c, t in ds.column_types(table).items():
        if c.startswith("__wb_") or c not in ds.columns[table] or not t.startswith(("TIMESTAMP", "DATE")):
            continue
        if "birth" in c.lower() or "birth_date" in cols.categories.get((table, c), []):
            continue
        out.append(c)
    return out


def _iso(v: Any) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v)[:10]


def find_subject(ds: Any, selector: Selector, columns: SearchColumns | None = None) -> Finding:
    """Every row of every table that belongs to or mentions the person ``selector`` names."""
    cols = columns or from_sample(ds)
    ids: list[str] = []
    if "customers" in ds.columns and "customer_id" in ds.columns["customers"]:
        cond = _direct(ds, selector, cols, "customers")
        if cond:
            df = ds.sql(f"SELECT DISTINCT CAST(customer_id AS VARCHAR) AS k FROM customers WHERE ({cond}) "
                        f"AND customer_id IS NOT NULL ORDER BY 1 LIMIT {MAX_CUSTOMERS + 1}")
            ids = [str(v) for v in df["k"]]
    if len(ids) > MAX_CUSTOMERS:
        raise InputError.of("error.subject.too_many", option=selector.kind.replace("_", "-"), value=selector.masked(),
                             n=f"{MAX_CUSTOMERS:,}")
    linked = _linked(ds, ids)
    tables = [_match_table(ds, selector, cols, t, ids, linked.get(t, [])) for t in sorted(ds.columns)]
    return Finding(ds.name, str(ds.as_of), selector, tables, ids, cols)


def _linked(ds: Any, ids: list[str]) -> dict[str, list[tuple[str, list[str]]]]:
    """Other tables (not canonical) reached from the customers found, by the links the inventory
    reports (``customers.address_id`` = ``address.id``, ``orders.CustomerId`` = ``customers.customer_id``):
    table -> [(its column, the values the person's customer rows hold)]."""
    if not ids or not hasattr(ds, "role") or not any(ds.role(t) == "other" for t in ds.columns):
        return {}
    from ..links import find_links

    in_list = ", ".join(lit(i) for i in ids)
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for other, links in find_links(ds).items():
        for link in links:
            if link.table != "customers":
                continue
            df = ds.sql(f"SELECT DISTINCT CAST({q(link.column)} AS VARCHAR) AS v FROM customers "
                        f"WHERE CAST(customer_id AS VARCHAR) IN ({in_list}) AND {q(link.column)} IS NOT NULL ORDER BY 1")
            if len(df):
                out.setdefault(other, []).append((link.other_column, [str(v) for v in df["v"]]))
    return out


def _match_table(ds: Any, sel: Selector, cols: SearchColumns, table: str, ids: list[str],
                 linked: list[tuple[str, list[str]]]) -> TableMatch:
    keys = key_columns(ds, table)
    conds = []
    if ids and keys:
        in_list = ", ".join(lit(i) for i in ids)
        conds += [f"CAST({q(k)} AS VARCHAR) IN ({in_list})" for k in keys]
    conds += [f"CAST({q(c)} AS VARCHAR) IN ({', '.join(lit(v) for v in vals)})" for c, vals in linked if c not in keys]
    key_cond = " OR ".join(conds) or None
    mentions = {c: m for c in cols.free_in(table) if (m := sel.text_match(q(c)))}
    own_key = KEYS.get(table) if KEYS.get(table) in ds.columns[table] else None
    tm = TableMatch(table, _direct(ds, sel, cols, table), key_cond, mentions, own_key,
                    [(c, v) for c, v in linked if c not in keys])
    if not tm._conds():
        return tm
    _count(ds, tm, cols, sel.category or "customer_id")
    return tm


def _count(ds: Any, tm: TableMatch, cols: SearchColumns, mention_category: str) -> None:
    t = tm.table
    dated = _dated(ds, t, cols)
    if len(dated) > 1:
        lo = f"least({', '.join(f'CAST({q(c)} AS TIMESTAMP)' for c in dated)})"
        hi = f"greatest({', '.join(f'CAST({q(c)} AS TIMESTAMP)' for c in dated)})"
    elif dated:
        lo = hi = f"CAST({q(dated[0])} AS TIMESTAMP)"
    else:
        lo = hi = "CAST(NULL AS TIMESTAMP)"
    # a free-text column's categories are those of some notes, not of every note: not counted here
    cat_cols = [c for c in ds.columns[t] if cols.categories.get((t, c)) and (t, c) not in cols.free_text]
    inner = [f"{tm.kind_sql} AS kind", f"{lo} AS lo", f"{hi} AS hi"]
    inner += [f"CASE WHEN {m} THEN 1 ELSE 0 END AS m{i}" for i, m in enumerate(tm.mentions.values())]
    inner += [f"CASE WHEN {q(c)} IS NULL THEN 0 ELSE 1 END AS c{i}" for i, c in enumerate(cat_cols)]
    outer = ["kind", "count(*) AS n", "min(lo) AS lo", "max(hi) AS hi"]
    outer += [f"sum(m{i}) AS m{i}" for i in range(len(tm.mentions))] + [f"sum(c{i}) AS c{i}" for i in range(len(cat_cols))]
    df = ds.sql(f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {q(t)} WHERE {tm.where}) s GROUP BY kind")
    found: set[str] = set()
    los, his = [], []
    for _, r in df.iterrows():
        kind = str(r["kind"])
        tm.by_kind[kind] = int(r["n"])
        for i, c in enumerate(tm.mentions):
            if int(r[f"m{i}"] or 0):
                tm.mention_rows[c] = tm.mention_rows.get(c, 0) + int(r[f"m{i}"])
        if kind == "mention":
            found.add(mention_category)
            continue
        found |= {cat for i, c in enumerate(cat_cols) if int(r[f"c{i}"] or 0) for cat in cols.categories[(t, c)]}
        los.append(_iso(r["lo"]))
        his.append(_iso(r["hi"]))
    tm.rows = sum(tm.by_kind.values())
    tm.categories = sorted(c for c in found if c)
    tm.oldest = min((d for d in los if d), default=None)
    tm.newest = max((d for d in his if d), default=None)


def subject_rows(ds: Any, finding: Finding, tm: TableMatch) -> Iterator[pd.DataFrame]:
    """The subject's rows of one table with their ``__kind`` and, per free-text column,
    ``__m_<column>`` (whether it mentions the person), in key (else source) order; in bounded batches."""
    cols = ", ".join(q(c) for c in ds.columns[tm.table] if (tm.table, c) not in {("customers", "jurisdiction")})
    flags = "".join(f", ({m}) AS {q('__m_' + c)}" for c, m in tm.mentions.items())
    order = q(tm.key_column) if tm.key_column else (ds.position(tm.table) if _has_position(ds, tm.table) else "1")
    sql = f"SELECT {cols}, {tm.kind_sql} AS __kind{flags} FROM {q(tm.table)} WHERE {tm.where} ORDER BY {order}"
    for batch in ds.engine.batches(sql):
        yield batch.to_pandas()


def _has_position(ds: Any, table: str) -> bool:
    return "__wb_row" in ds.column_types(table) or bool(ds.engine.table_position)
