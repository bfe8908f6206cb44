"""Data checks (PII-*): personal data where it should not be (free-text columns).

Every table's free-text columns are streamed from the engine in Arrow batches of (id, text); the
detectors run per batch and only the ids of records with a hit are kept.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl

from ..engine import q
from ..masking import mask
from .base import EVIDENCE_ROWS, CheckContext, Finding, check, insufficient, measured, not_applicable

FREE_TEXT_CATEGORIES = ("email", "phone", "card_number", "national_id")


def free_text_columns(ctx: CheckContext, table: str) -> list[str]:
    """Text columns of ``table`` whose content reads as sentences: the classification ENC-001 makes
    on each column's engine-side sample (one sampling pass serves both checks)."""
    from .encryption import column_categories

    cols = column_categories(ctx)
    return sorted(cols.loc[(cols["table"] == table) & cols["free_text"].astype(bool), "column"].tolist())


@check("PII-001")
def pii_in_free_text(ctx: CheckContext) -> Finding:
    """Records whose free-text columns hold an email, phone, card number or national id, in every
    table of the export (customers' notes, a staff table's notes, an other table's comments).

    Unit: records; total = the records of the tables that have a free-text column (customers
    always count). Free-text columns are found by content (``workbench.pii.is_free_text``), so
    ``notes`` and unmapped extras like ``Comments__c`` count.
    """
    cid = "PII-001"
    why = ctx.missing("customers", "customer_id")
    if why:
        return insufficient(cid, why)
    by_table = {t: free_text_columns(ctx, t) for t in sorted(ctx.dataset.columns)}
    by_table = {t: cols for t, cols in by_table.items() if cols}
    if not by_table:
        why = ctx.missing_if_present("customers", "notes")
        return insufficient(cid, why) if why else not_applicable(cid, "no table has a free-text column")
    found: dict[tuple[str, str], dict[str, set[str]]] = {}  # (table, record) -> {columns, categories}
    for table, cols in by_table.items():
        for col in cols:
            _scan_free_text(ctx, table, col, found)
    note = "free-text columns: " + ", ".join(c if t == "customers" else f"{t}.{c}" for t, cols in by_table.items() for c in cols)
    total = ctx.dataset.rows("customers") + sum(ctx.dataset.rows(t) for t in by_table if t != "customers")
    if not found:
        return measured(cid, 0, total, note=note)
    first = sorted(found, key=lambda k: (k[0] != "customers", k[0], k[1]))[:EVIDENCE_ROWS]
    ev = pd.DataFrame({"customer_id": [mask(r, "customer_id") if t == "customers" else None for t, r in first],
                       "columns": [",".join(sorted(found[k]["columns"])) for k in first],
                       "categories": [",".join(sorted(found[k]["categories"])) for k in first],
                       "table": [t for t, _ in first],
                       "record": [mask(r, "customer_id") if t == "customers" or not r.startswith("row ") else r
                                  for t, r in first]})
    return measured(cid, len(found), total, ev, note=note)


def _scan_free_text(ctx: CheckContext, table: str, col: str, found: dict[tuple[str, str], dict[str, set[str]]]) -> None:
    """Add the records of ``table`` whose ``col`` holds personal data to ``found`` (streamed in batches)."""
    from ..pii.engine import polars_hits
    from ..pii.phones import region_codes
    from ..schema import KEYS

    ds = ctx.dataset
    key = KEYS.get(table) if table in KEYS and ds.role(table) == table else None
    rec = q(key) if key else f"'row ' || CAST({ds.position(table)} + 1 AS VARCHAR)"
    # a national-format phone number in a note is read in that record's own country
    country = "country" if "country" in ds.columns.get(table, []) else "CAST(NULL AS VARCHAR)"
    sql = f"SELECT {rec} AS k, CAST({q(col)} AS VARCHAR) AS t, {country} AS c FROM {q(table)} WHERE {q(col)} IS NOT NULL"
    for batch in ds.engine.batches(sql):
        texts = pl.from_arrow(batch.column(1)).cast(pl.String).fill_null("")
        regions = region_codes(pl.from_arrow(batch.column(2)).cast(pl.String))
        hits = polars_hits(texts, FREE_TEXT_CATEGORIES, regions=regions)
        ids = np.asarray(batch.column(0).to_pylist(), dtype=object)
        for cat_name, rows in hits.items():
            for rid in ids[rows]:
                entry = found.setdefault((table, str(rid)), {"columns": set(), "categories": set()})
                entry["columns"].add(col)
                entry["categories"].add(cat_name)
