"""Every table of an export, not only the canonical ones.

Real CRMs keep personal data beyond the six canonical tables (address books, staff, suppliers,
order addresses). :func:`plan_tables` lists what a dataset holds: the tables named under
``tables:`` (canonical, or any other name: ``address: {path: address.csv}``), plus, found beside
them, the other CSV/Parquet/xlsx files of the export folders and every other table and view of
each SQL database a source reads. Other tables are loaded as they are (no typing, no mapping),
scanned and linked by key, and never checked. One found beside the declared sources that cannot
be read is skipped with a note; a declared one is bad input as usual.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import DatasetConfig, TableSource
from .engine import Engine, q
from .errors import DatasetError
from .schema import CANONICAL
from .sources import NotUtf8, ResolvedSource, csv_errors, register, resolve, sql_relations

FILE_SUFFIXES = (".csv", ".tsv", ".parquet", ".xlsx")
OWN_OUTPUTS = {"risk_register.csv"}  # written by `assess`; never an export table
RESERVED = ("__raw_", "__wb_", "__vals_")


@dataclass(frozen=True)
class TablePlan:
    """One table to load: its name in the engine, its source, role and whether dataset.yaml names it."""

    name: str
    source: ResolvedSource
    role: str          # a canonical table name, or "other"
    declared: bool     # listed under tables: (else found beside the declared sources)

    def info(self) -> dict[str, Any]:
        kind = "view" if self.source.view else "table" if self.source.kind in ("sql", "spark_table") else "file"
        return {"role": self.role, "kind": kind, "source": self.source.describe(), "declared": self.declared}


def check_table_names(cfg: DatasetConfig, yml: Path) -> None:
    """Table names under ``tables:``, and the tables ``columns:`` and ``values:`` refer to."""
    for t in cfg.tables:
        if t not in CANONICAL:
            if not t.strip() or t.startswith(RESERVED) or any(ord(ch) < 32 for ch in t):
                raise DatasetError.of("error.tables.bad_name", path=yml, table=t)
            near = difflib.get_close_matches(t.lower(), list(CANONICAL), n=1, cutoff=0.85)
            if near and near[0] != t:
                raise DatasetError.of("error.tables.near", path=yml, table=t, near=near[0], known=", ".join(CANONICAL))
    for key, section in (("columns", cfg.columns), ("values", cfg.values)):
        for t in section:
            if t not in CANONICAL:
                raise DatasetError.of("error.tables.unknown", path=yml, section=key, table=t, known=", ".join(CANONICAL))
            if t not in cfg.tables:
                raise DatasetError.of("error.tables.not_listed", path=yml, section=key, table=t)
    for t, cols in cfg.values.items():
        for c in cols:
            if c not in CANONICAL[t]:
                raise DatasetError.of("error.tables.values_column", path=yml, table=t, column=c, known=", ".join(CANONICAL[t]))


def _unique(name: str, used: set[str]) -> str:
    base = name if not name.startswith(RESERVED) else f"t{name}"
    if base.lower() in CANONICAL:  # an undeclared table never takes a canonical role by its name
        base = f"{base}_other"
    out, n = base, 2
    while out.lower() in used:
        out, n = f"{base}_{n}", n + 1
    used.add(out.lower())
    return out


def plan_tables(cfg: DatasetConfig, root: Path, yml: Path) -> list[TablePlan]:
    """The declared tables in their order, then those found beside them (files, then database relations)."""
    plans = [TablePlan(t, resolve(t, src, root), t if t in CANONICAL else "other", True) for t, src in cfg.tables.items()]
    used = {p.name.lower() for p in plans}
    files = {p.source.path for p in plans if p.source.path is not None}
    folders = [root.resolve()] + [p.source.path.parent for p in plans if p.source.path is not None and p.source.path.is_file()]
    found: list[TablePlan] = []
    for folder in dict.fromkeys(folders):
        for path in sorted(folder.iterdir()):
            if (path.suffix.lower() not in FILE_SUFFIXES or path.name.startswith(".") or not path.is_file()
                    or path.resolve() in files or path.name in OWN_OUTPUTS):
                continue
            name = _unique(path.stem, used)
            files.add(path.resolve())
            found.append(TablePlan(name, resolve(name, TableSource(path=str(path.resolve())), root), "other", False))
    declared_sql: dict[str, set[str]] = {}
    for p in plans:
        if p.source.kind == "sql" and p.source.sql_url:
            declared_sql.setdefault(p.source.sql_url, set()).add(p.source.sql_table or "")
    views: dict[str, set[str]] = {}
    for url, named in declared_sql.items():
        relations = sql_relations(url, next(p.name for p in plans if p.source.sql_url == url))
        views[url] = {n for n, v in relations if v}
        for rel, is_view in relations:
            if rel in named:
                continue
            name = _unique(rel, used)
            found.append(TablePlan(name, ResolvedSource(name, "sql", sql_url=url, sql_table=rel, first_row=1,
                                                        view=is_view), "other", False))
    # a declared table that is a view in its database says so too
    plans = [TablePlan(p.name, _as_view(p.source), p.role, True)
             if p.source.sql_table and p.source.sql_table in views.get(p.source.sql_url or "", set()) else p
             for p in plans]
    return plans + found


def _as_view(rs: ResolvedSource) -> ResolvedSource:
    from dataclasses import replace

    return replace(rs, view=True)


def load_other(engine: Engine, plan: TablePlan, workdir: Path) -> list[str]:
    """Load an other table as it is (columns as the source has them); return its column names."""
    rs, name = plan.source, plan.name
    raw = f"__raw_{name}"
    for detect in (False, True):
        try:
            if rs.kind != "csv":  # Parquet (a view with its row numbers), SQL and xlsx (copied in)
                register(engine, rs, name, workdir)
                break
            register(engine, rs, raw, workdir, detect_encoding=detect)
            with csv_errors(rs):
                engine.materialise(name, f"SELECT * FROM {q(raw)}")
            engine.drop(raw)
            break
        except NotUtf8:
            if detect:
                raise DatasetError.of("error.tables.not_utf8", where=rs.describe()) from None
        except DatasetError:
            raise
        except Exception as e:  # noqa: BLE001 - a view over a missing table, a driver refusing a type
            raise DatasetError.of("error.tables.unreadable", where=rs.describe(), kind=type(e).__name__) from None
    return [n for n, _ in engine.schema(name) if not n.startswith("__wb_")]


def value_mapped(engine: Engine, raw: str, table: str, cfg: DatasetConfig, yml: Path) -> str:
    """``raw`` with the ``values:`` mapping of ``table`` applied (a view), or ``raw`` itself when none.

    A source value listed in the mapping becomes its canonical value; others pass unchanged (and
    the canonical validation still names a value outside a closed vocabulary)."""
    mapping = cfg.values.get(table)
    if not mapping:
        return raw
    rename = cfg.columns.get(table, {})
    names = [n for n, _ in engine.schema(raw)]
    exprs = {}
    for canon, values in mapping.items():
        src = rename.get(canon, canon)
        if src not in names:
            raise DatasetError.of("error.tables.values_source", path=yml, table=table, canon=canon, column=src)
        text = f"trim(CAST({q(src)} AS VARCHAR))"
        cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in sorted(values.items()))
        exprs[src] = f"CASE {text} {cases} ELSE CAST({q(src)} AS VARCHAR) END AS {q(src)}"
    view = f"__vals_{table}"
    engine.view(view, f"SELECT {', '.join(exprs.get(n, q(n)) for n in names)} FROM {q(raw)}")
    return view


def _lit(v: str) -> str:
    return "'" + str(v).replace("'", "''") + "'"
