"""The data inventory: where personal data sits in a dataset, by content, plus an Art. 30 / PIPL
style processing record. ``write_inventory`` writes ``pii_inventory.json`` atomically.

Only masked values ever leave this module.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..masking import mask
from .detectors import Catalog, load_catalog
from .engine import classify_column, is_free_text, special_hits, text_hits
from .finder import find

DERIVED = {("customers", "jurisdiction")}  # added by the loader, not held by the organisation
EXAMPLES = 3
Progress = Callable[[str], None]


@dataclass
class Inventory:
    """Result of :func:`scan_dataset`; ``to_dict()`` is the content of ``pii_inventory.json``."""

    dataset: str
    as_of: str
    columns: list[dict[str, Any]] = field(default_factory=list)       # {table, column, category, share, sensitivity}
    free_text: list[dict[str, Any]] = field(default_factory=list)     # one entry per free-text column
    processing_record: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from .. import __version__

        return {"dataset": self.dataset, "as_of": self.as_of, "workbench_version": __version__,
                "inventory": self.columns, "free_text": self.free_text, "processing_record": self.processing_record}

    def frame(self) -> pd.DataFrame:
        """The inventory list as a DataFrame (one row per table, column and category)."""
        cols = ["table", "column", "category", "share", "sensitivity"]
        return pd.DataFrame(self.columns, columns=cols)


def _skip(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series) or series.notna().sum() == 0


def _free_text_entry(table: str, column: str, series: pd.Series, cat: Catalog) -> dict[str, Any]:
    hits = text_hits(series, catalog=cat)
    special = special_hits(series, catalog=cat)
    non_empty = int((series.notna() & (series.astype("string").str.strip() != "")).sum())
    by_cat = {c: int(hits[c].sum()) for c in sorted(hits.columns) if hits[c].any()}
    any_hit = hits.any(axis=1)
    examples: dict[str, list[str]] = {}
    for c in by_cat:
        seen: list[str] = []
        for text in series[hits[c]].head(20):
            for m in find(str(text), {c}, cat):
                masked = mask(m.value(str(text)), c)
                if masked not in seen:
                    seen.append(masked)
            if len(seen) >= EXAMPLES:
                break
        examples[c] = seen[:EXAMPLES]
    return {"table": table, "column": column, "records": non_empty, "affected_records": int(any_hit.sum()),
            "by_category": by_cat,
            "special_categories": {c: int(special[c].sum()) for c in sorted(special.columns) if special[c].any()},
            "examples": examples,
            "_hits": hits}


def _jurisdictions(dataset: Any, table: str, df: pd.DataFrame) -> dict[str, int]:
    cust = dataset.tables.get("customers")
    if cust is None or "jurisdiction" not in cust:
        return {}
    if table == "customers":
        j = cust["jurisdiction"].fillna("unknown")
        return {str(k): int(v) for k, v in sorted(j.value_counts().items())}
    if "customer_id" in df and "customer_id" in cust:
        ids = df["customer_id"].dropna().unique()
        j = cust.set_index("customer_id")["jurisdiction"].reindex(ids).fillna("unknown")
        return {str(k): int(v) for k, v in sorted(j.value_counts().items())}
    return {}


def scan_dataset(dataset: Any, *, progress: Progress | None = None, catalog: Catalog | None = None) -> Inventory:
    """Classify every column of every table by content and scan free-text columns cell by cell."""
    cat = catalog or load_catalog()
    say = progress or (lambda _msg: None)
    inv = Inventory(dataset=dataset.name, as_of=str(dataset.as_of))
    rank = cat.sensitivity_rank
    posture = getattr(dataset, "posture", None)
    for table in sorted(dataset.tables):
        df = dataset.tables[table]
        say(f"scanning {table} ({len(df):,} rows, {len(df.columns)} columns)")
        found: dict[str, str] = {}
        specials: set[str] = set()
        for column in df.columns:
            s = df[column]
            if (table, column) in DERIVED or _skip(s):
                continue
            if is_free_text(s, str(column), cat):
                entry = _free_text_entry(table, str(column), s, cat)
                hits = entry.pop("_hits")
                denom = max(entry["records"], 1)
                for c, n in entry["by_category"].items():
                    inv.columns.append({"table": table, "column": str(column), "category": c,
                                        "share": round(n / denom, 4), "sensitivity": cat.sensitivity(c)})
                    found[c] = cat.sensitivity(c)
                specials |= set(entry["special_categories"])
                inv.free_text.append(entry)
                del hits
                continue
            for c, share in classify_column(s, str(column), cat).items():
                inv.columns.append({"table": table, "column": str(column), "category": c, "share": share,
                                    "sensitivity": cat.sensitivity(c)})
                found[c] = cat.sensitivity(c)
        sens = max(found.values(), key=lambda x: rank.get(x, 0)) if found else None
        if specials:
            sens = "high"
        systems = sorted(s.name for s in posture.systems if table in s.stores) if posture else []
        inv.processing_record.append({
            "table": table, "records": int(len(df)), "categories": sorted(found),
            "special_categories": sorted(specials), "sensitivity": sens,
            "subject_jurisdictions": _jurisdictions(dataset, table, df) if found else {},
            "retention_days": posture.policies.retention_days if posture else None,
            "systems": systems,
        })
    say(f"found {len(inv.columns)} column/category pairs in {len(inv.processing_record)} tables")
    return inv


def write_inventory(inv: Inventory, out_dir: str | Path) -> Path:
    """Write ``pii_inventory.json`` into ``out_dir`` atomically (temp file + ``os.replace``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "pii_inventory.json"
    text = json.dumps(inv.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".pii_inventory.", suffix=".tmp", dir=out)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
