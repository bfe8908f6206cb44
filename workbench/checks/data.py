"""Data checks (PII-*): personal data where it should not be (free-text columns)."""
from __future__ import annotations

import pandas as pd

from ..masking import mask
from .base import EVIDENCE_ROWS, CheckContext, Finding, check, measured, not_applicable

FREE_TEXT_CATEGORIES = ("email", "phone", "card_number", "national_id")


@check("PII-001")
def pii_in_free_text(ctx: CheckContext) -> Finding:
    """Customers whose free-text columns hold an email, phone, card number or national id.

    Unit: records; total = customers. Free-text columns are found by content
    (``workbench.pii.is_free_text``), so ``notes`` and unmapped extras like ``Comments__c`` count.
    """
    cid = "PII-001"
    c = ctx.table("customers", "customer_id")
    if c is None:
        return not_applicable(cid, "no customers table")
    try:
        from .. import pii
    except ImportError:
        return not_applicable(cid, "PII detector (workbench.pii) unavailable")
    cols = [col for col in c.columns
            if col != "jurisdiction" and (pd.api.types.is_string_dtype(c[col]) or c[col].dtype == object)
            and c[col].notna().any() and pii.is_free_text(c[col].dropna(), col)]
    if not cols:
        return not_applicable(cid, "customers have no free-text column")
    hits: dict[tuple[str, str], pd.Series] = {}
    for col in sorted(cols):
        frame = pii.text_hits(c[col].fillna(""), FREE_TEXT_CATEGORIES)
        for cat in FREE_TEXT_CATEGORIES:
            if cat in frame:
                hits[(col, cat)] = frame[cat].reindex(c.index, fill_value=False).astype(bool)
    if not hits:
        return measured(cid, 0, len(c), note=f"free-text columns: {', '.join(sorted(cols))}")
    m = pd.DataFrame(hits, index=c.index)
    any_hit = m.any(axis=1)
    bad = c.loc[any_hit, ["customer_id"]].sort_values("customer_id").head(EVIDENCE_ROWS)
    ev = pd.DataFrame({
        "customer_id": [mask(v) for v in bad["customer_id"]],
        "columns": [",".join(sorted({k[0] for k in m.columns if m.at[i, k]})) for i in bad.index],
        "categories": [",".join(sorted({k[1] for k in m.columns if m.at[i, k]})) for i in bad.index],
    })
    return measured(cid, int(any_hit.sum()), len(c), ev, note=f"free-text columns: {', '.join(sorted(cols))}")
