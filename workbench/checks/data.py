"""Data checks (PII-*): personal data where it should not be (free-text columns).

The customers' text columns are streamed from the engine in Arrow batches of (id, text); the
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
    """Customers whose free-text columns hold an email, phone, card number or national id.

    Unit: records; total = customers. Free-text columns are found by content
    (``workbench.pii.is_free_text``), so ``notes`` and unmapped extras like ``Comments__c`` count.
    """
    cid = "PII-001"
    why = ctx.missing("customers", "customer_id")
    if why:
        return insufficient(cid, why)
    from ..pii.engine import polars_hits
    from ..pii.phones import region_codes

    cols = free_text_columns(ctx, "customers")
    if not cols:
        why = ctx.missing_if_present("customers", "notes")
        return insufficient(cid, why) if why else not_applicable(cid, "customers have no free-text column")
    found: dict[str, dict[str, set[str]]] = {}  # customer id -> {columns, categories}
    # a national-format phone number in a note is read in that customer's own country
    country = "country" if "country" in ctx.dataset.columns.get("customers", []) else "NULL"
    for col in cols:
        sql = f"SELECT customer_id, {q(col)} AS t, {country} AS c FROM customers WHERE {q(col)} IS NOT NULL"
        for batch in ctx.dataset.engine.batches(sql):
            texts = pl.from_arrow(batch.column(1)).cast(pl.String).fill_null("")
            regions = region_codes(pl.from_arrow(batch.column(2)).cast(pl.String))
            hits = polars_hits(texts, FREE_TEXT_CATEGORIES, regions=regions)
            ids = np.asarray(batch.column(0).to_pylist(), dtype=object)
            for cat_name, rows in hits.items():
                for cust in ids[rows]:
                    entry = found.setdefault(str(cust), {"columns": set(), "categories": set()})
                    entry["columns"].add(col)
                    entry["categories"].add(cat_name)
    note = f"free-text columns: {', '.join(cols)}"
    total = ctx.dataset.rows("customers")
    if not found:
        return measured(cid, 0, total, note=note)
    first = sorted(found)[:EVIDENCE_ROWS]
    ev = pd.DataFrame({"customer_id": [mask(v, "customer_id") for v in first],  # keyed pseudonyms
                       "columns": [",".join(sorted(found[v]["columns"])) for v in first],
                       "categories": [",".join(sorted(found[v]["categories"])) for v in first]})
    return measured(cid, len(found), total, ev, note=note)
