"""Where to look for a person: the columns the PII inventory marked with each category, the
free-text columns, and the key columns that link a table to the customers.

The inventory comes from ``pii_inventory.json`` (``workbench scan``) when one is given, else from a
quick classification of a spread sample of every text column (the first step of the scan, without
its full-column pass: enough to decide *where* to search, not to report shares). The canonical
``customers`` columns ``email``, ``phone`` and ``national_id`` are always searched as well: the
operator mapped them, so they hold what their name says even where the sample is empty.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DatasetError

SEARCHED = ("email", "phone", "national_id")
UNSEARCHED = ("person_name", "address")
# customers columns the operator mapped: they hold what their name says (the summary's categories)
CANONICAL_CATEGORIES = {"email": "email", "phone": "phone", "national_id": "national_id", "full_name": "person_name",
                        "address": "address"}
KEY_NAMES = ("customer_id",)  # a column of this name in any table links its rows to a customer
DERIVED = {("customers", "jurisdiction")}


@dataclass
class SearchColumns:
    """``by_category``: category -> [(table, column)]; ``free_text``: [(table, column)];
    ``categories``: (table, column) -> categories the inventory gave it."""

    by_category: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    free_text: list[tuple[str, str]] = field(default_factory=list)
    categories: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    source: str = "sample"

    def columns_for(self, category: str | None, table: str) -> list[str]:
        return [c for t, c in self.by_category.get(category or "", []) if t == table]

    def free_in(self, table: str) -> list[str]:
        return [c for t, c in self.free_text if t == table]

    def add(self, table: str, column: str, category: str) -> None:
        lst = self.by_category.setdefault(category, [])
        if (table, column) not in lst:
            lst.append((table, column))
        cats = self.categories.setdefault((table, column), [])
        if category not in cats:
            cats.append(category)


def key_columns(ds: Any, table: str) -> list[str]:
    """Columns of ``table`` that hold a customer id (never the customers table's own key)."""
    if table == "customers":
        return []
    return [c for c in ds.columns[table] if c in KEY_NAMES]


def _text_column(ds: Any, table: str, column: str) -> bool:
    t = ds.column_types(table).get(column, "VARCHAR")
    return t.startswith(("VARCHAR", "STRING", "TEXT", "CHAR")) and (table, column) not in DERIVED


def from_inventory(ds: Any, path: str | Path) -> SearchColumns:
    """The search columns of a ``pii_inventory.json`` written by ``workbench scan`` for this dataset."""
    p = Path(path)
    try:
        inv = json.loads(p.read_text(encoding="utf-8"))
        entries = [(str(e["table"]), str(e["column"]), str(e["category"])) for e in inv["inventory"]]
        free = [(str(e["table"]), str(e["column"])) for e in inv.get("free_text", [])]
    except (OSError, ValueError, KeyError, TypeError):
        raise DatasetError.of("error.subject.inventory", path=p) from None
    out = SearchColumns(source=str(p))
    for t, c, cat in entries + [(t, c, "") for t, c in free]:
        if t not in ds.columns or c not in ds.columns[t]:
            raise DatasetError.of("error.subject.inventory_column", path=p, table=t, column=c)
    out.free_text = sorted(set(free))
    for t, c, cat in entries:  # a free-text column's categories are searched as text, not as values
        if (t, c) not in out.free_text:
            out.add(t, c, cat)
    _canonical(ds, out)
    return out


def from_sample(ds: Any, catalog: Any = None) -> SearchColumns:
    """Search columns from a spread sample of rows of each table (one engine query per table, no
    full-column pass): about ``sample_size`` rows, every text column of them classified as the scan
    classifies its own sample (phones read in each row's ``country`` where the table has one)."""
    from ..pii.classify import classify_sample
    from ..pii.detectors import load_catalog
    from ..pii.engine import free_text_values, non_empty_with
    from ..pii.phones import region_codes

    # names and addresses are never searched for (no selector has them) and their evidence (name
    # dictionaries) is the costliest part of a classification: left out here
    cat = dataclasses.replace(catalog or load_catalog(), detectors=tuple(
        d for d in (catalog or load_catalog()).detectors if d.category not in UNSEARCHED))
    out = SearchColumns(source="sample")
    for table in sorted(ds.columns):
        stats = ds.stats(table)
        cols = [c for c in ds.columns[table] if _text_column(ds, table, c) and stats.get(c, 0) > 0]
        if not cols:
            continue
        # the fullest column first: the sample is rows where it has a value, spread over the table
        cols.sort(key=lambda c: -stats.get(c, 0))
        country = "country" in ds.columns[table]
        fetch = cols + (["country"] if country and "country" not in cols else [])
        parts = dict(zip(fetch, ds.text_columns(table, fetch, sample=cat.sample_size)))
        regions = region_codes(parts["country"]) if country else None
        for column in cols:
            values, regs = non_empty_with(parts[column], regions if column != "country" else None)
            if free_text_values(values, column, cat):
                out.free_text.append((table, column))
                continue
            for category in classify_sample(values, regs, column, cat, None):
                out.add(table, column, category)
    out.free_text.sort()
    _canonical(ds, out)
    return out


def _canonical(ds: Any, out: SearchColumns) -> None:
    for column, category in CANONICAL_CATEGORIES.items():
        if column in ds.columns.get("customers", []) and ("customers", column) not in out.free_text:
            out.add("customers", column, category)
