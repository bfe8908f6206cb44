"""The data inventory: where personal data sits in a dataset, by content, plus an Art. 30 / PIPL
style processing record. ``write_inventory`` writes ``pii_inventory.json`` atomically.

Only masked values ever leave this module.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ..engine import q
from ..files import write_json_atomic
from ..masking import mask
from .classify import classify_sample, distinct_counts
from .detectors import Catalog, load_catalog
from .engine import (
    count_non_empty,
    free_text_values,
    hits_frame,
    non_empty_with,
    special_frame,
)
from .finder import find
from .phones import region_codes

DERIVED = {("customers", "jurisdiction")}  # added by the loader, not held by the organisation
EXAMPLES = 3
Progress = Callable[[str], None]


@dataclass
class Inventory:
    """Result of :func:`scan_dataset`; ``to_dict()`` is the content of ``pii_inventory.json``."""

    dataset: str
    as_of: str
    columns: list[dict[str, Any]] = field(default_factory=list)       # {table, column, category, share, sensitivity, evidence}
    free_text: list[dict[str, Any]] = field(default_factory=list)     # one entry per free-text column
    processing_record: list[dict[str, Any]] = field(default_factory=list)
    # every table: role (canonical name or "other"), kind, records, the keys reaching it, skipped columns
    tables: list[dict[str, Any]] = field(default_factory=list)
    skipped_tables: list[dict[str, str]] = field(default_factory=list)  # found beside the export, unreadable

    def to_dict(self) -> dict[str, Any]:
        from .. import __version__

        return {"dataset": self.dataset, "as_of": self.as_of, "workbench_version": __version__,
                "inventory": self.columns, "free_text": self.free_text, "processing_record": self.processing_record,
                "tables": self.tables, "skipped_tables": self.skipped_tables}

    def frame(self) -> pd.DataFrame:
        """The inventory list as a DataFrame (one row per table, column and category)."""
        cols = ["table", "column", "category", "share", "sensitivity"]
        return pd.DataFrame(self.columns, columns=cols)


def _skip(dataset: Any, table: str, column: str) -> bool:
    """Booleans, binary and all-empty columns hold nothing to classify."""
    return (dataset.column_types(table)[column] == "BOOLEAN" or _binary_type(dataset, table, column)
            or dataset.stats(table)[column] == 0)


def _binary_type(dataset: Any, table: str, column: str) -> bool:
    return dataset.column_types(table)[column].startswith(("BLOB", "BYTEA", "BINARY", "VARBINARY"))


# text that is an encoded binary object: a Postgres/MySQL hex dump (\x89504e47...), 0x..., a data:
# URI, or a long unbroken run of hex or base64 — an image or a document, never decoded as text
def binary_text(values: pl.Series) -> bool:
    """True when most of a text column's (sampled) values are encoded binary objects."""
    v = values.drop_nulls()
    if not len(v):
        return False
    return float(v.str.contains(r"^(?:\\x[0-9A-Fa-f]{8,}|0x[0-9A-Fa-f]{16,}|data:[\w/+.-]+;base64,.*|"
                                r"[0-9A-Fa-f]{256,}|[A-Za-z0-9+/=]{512,})$").mean() or 0.0) >= 0.5


def _numeric(dataset: Any, table: str, column: str) -> bool:
    t = dataset.column_types(table)[column]
    return not t.startswith(("VARCHAR", "STRING", "TEXT", "CHAR"))


def _free_text_entry(table: str, column: str, values: pl.Series, cat: Catalog,
                     regions: np.ndarray | None = None) -> dict[str, Any]:
    records = count_non_empty(values)
    # notes repeat (templates, "see ticket"): detect once per distinct text (and customer country),
    # weight by its count
    distinct = distinct_counts(values, regions=regions)
    if distinct is not None:
        texts, weights, text_regions = distinct
    else:
        texts, weights, text_regions = values, np.ones(len(values), dtype=np.int64), regions
    index = pd.RangeIndex(len(texts))
    hits = hits_frame(texts, index, cat, text_regions)
    special = special_frame(texts, index, cat)
    by_cat = {c: int(weights[hits[c].to_numpy()].sum()) for c in sorted(hits.columns) if hits[c].any()}
    rows = _keyed(values, regions) if by_cat else None
    examples: dict[str, list[str]] = {}
    for c in by_cat:
        first = _first_hit_rows(rows, texts, text_regions, hits[c].to_numpy(), distinct is not None)
        seen: list[str] = []
        for text, region in first.iter_rows():
            for m in find(str(text), {c}, cat, region=region or ""):
                masked = mask(m.value(str(text)), c)
                if masked not in seen:
                    seen.append(masked)
            if len(seen) >= EXAMPLES:
                break
        examples[c] = seen[:EXAMPLES]
    return {"table": table, "column": column, "records": records,
            "affected_records": int(weights[hits.any(axis=1).to_numpy()].sum()), "by_category": by_cat,
            "special_categories": {c: int(weights[special[c].to_numpy()].sum())
                                   for c in sorted(special.columns) if special[c].any()},
            "examples": examples}


def _keyed(texts: pl.Series, regions: np.ndarray | None) -> pl.DataFrame:
    """(text ``v``, region ``r``) per row; '' where rows have no region."""
    r = regions if regions is not None else np.full(len(texts), "")
    return pl.DataFrame({"v": texts, "r": pl.Series(r, dtype=pl.String)})


def _first_hit_rows(rows: pl.DataFrame, texts: pl.Series, text_regions: np.ndarray | None, hit: np.ndarray,
                    grouped: bool, n: int = 20) -> pl.DataFrame:
    """The first ``n`` (text, region) rows of the column, in row order, whose detection hit."""
    if not grouped:
        return rows.filter(pl.Series(hit)).head(n)
    keys = _keyed(texts, text_regions).filter(pl.Series(hit))
    near = rows.filter(pl.col("v").is_in(keys["v"].implode()))  # cheap first cut: the text alone
    return near.join(keys.unique().with_columns(__hit=pl.lit(True)), on=["v", "r"], how="left", nulls_equal=True,
                     maintain_order="left").filter(pl.col("__hit").fill_null(False)).select("v", "r").head(n)


def _jurisdictions(dataset: Any, table: str, links: list | None = None) -> dict[str, int]:
    """Data subjects per jurisdiction: of every customer, or of the customers a table refers to
    (by its ``customer_id`` when canonical, by a key linking it to customers when other)."""
    if "jurisdiction" not in dataset.columns.get("customers", []):
        return {}
    if table == "customers":
        sql = "SELECT coalesce(jurisdiction, 'unknown') AS j, count(*) AS n FROM customers GROUP BY 1"
    elif getattr(dataset, "role", lambda t: t)(table) != "other" and "customer_id" in dataset.columns.get(table, []):
        sql = (f"SELECT coalesce(c.jurisdiction, 'unknown') AS j, count(*) AS n FROM "
               f"(SELECT DISTINCT customer_id FROM {q(table)} WHERE customer_id IS NOT NULL) t "
               f"LEFT JOIN (SELECT customer_id, any_value(jurisdiction) AS jurisdiction FROM customers GROUP BY 1) c "
               f"ON t.customer_id = c.customer_id GROUP BY 1")
    else:
        link = next((k for k in links or [] if k.table == "customers" and k.holder == table), None)
        if link is None:
            return {}
        from ..links import _expr

        o, c = _expr(dataset, table, link.other_column), _expr(dataset, "customers", link.column)
        # the customers whose rows this table's rows are joined to, by the linking key
        sql = (f"SELECT coalesce(jurisdiction, 'unknown') AS j, count(*) AS n FROM customers "
               f"WHERE {c} IN (SELECT {o} FROM {q(table)}) GROUP BY 1")
    df = dataset.sql(sql)
    return {str(j): int(n) for j, n in sorted(zip(df["j"], df["n"]))}


def _reads_country(dataset: Any, table: str, column: str) -> bool:
    """A text column of a table with a ``country`` column: a national-format phone number in it is
    read in its own customer's country."""
    return column != "country" and "country" in dataset.columns.get(table, []) and not _numeric(dataset, table, column)


def _with_regions(dataset: Any, table: str, column: str, sample: int | None = None) -> tuple[pl.Series, np.ndarray | None]:
    """The column's values (all, or a spread sample of about ``sample``) and each row's phone region."""
    cols = [column, "country"] if _reads_country(dataset, table, column) else [column]
    parts = dataset.text_columns(table, cols, sample=sample)
    return parts[0], region_codes(parts[1]) if len(parts) > 1 else None


def _scan_column(dataset: Any, table: str, column: str, cat: Catalog) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Inventory entries of one column, plus its free-text entry when it holds free text.

    A spread sample is read first (the engine filters it); the whole column is fetched (bounded
    Arrow batches) only when the sample shows free text or a candidate category, and dropped after.
    A text column of encoded binary objects (hex images) is skipped: ``([], {"skipped": reason})``."""
    sample, s_regions = non_empty_with(*_with_regions(dataset, table, column, cat.sample_size))
    if not _numeric(dataset, table, column) and binary_text(sample):
        return [], {"skipped": "binary content (hex or base64 encoded), not decoded as text"}
    if not _numeric(dataset, table, column) and free_text_values(sample, column, cat):
        values, regions = _with_regions(dataset, table, column)
        free = _free_text_entry(table, column, values, cat, regions)
        denom = max(free["records"], 1)
        return [{"table": table, "column": column, "category": c, "share": round(n / denom, 4),
                 "sensitivity": cat.sensitivity(c), "evidence": "content"} for c, n in free["by_category"].items()], free

    def whole_column() -> tuple[pl.Series, np.ndarray | None]:
        return non_empty_with(*_with_regions(dataset, table, column))
    sampled_all = dataset.stats(table)[column] <= cat.sample_size  # the sample is every value
    evidence: dict[str, str] = {}
    found = classify_sample(sample, s_regions, column, cat, None if sampled_all else whole_column, evidence)
    return [{"table": table, "column": column, "category": c, "share": share, "sensitivity": cat.sensitivity(c),
             "evidence": evidence[c]} for c, share in found.items()], None


def scan_dataset(dataset: Any, *, progress: Progress | None = None, catalog: Catalog | None = None) -> Inventory:
    """Classify every column of every table by content and scan free-text columns cell by cell."""
    cat = catalog or load_catalog()
    say = progress or (lambda _msg: None)
    inv = Inventory(dataset=dataset.name, as_of=str(dataset.as_of))
    rank = cat.sensitivity_rank
    posture = getattr(dataset, "posture", None)
    role = getattr(dataset, "role", lambda t: t)
    skipped: dict[str, list[dict[str, str]]] = {}
    for table in sorted(dataset.columns):
        for column in dataset.columns[table]:
            if (table, column) not in DERIVED and _binary_type(dataset, table, column):
                skipped.setdefault(table, []).append(
                    {"column": str(column), "reason": f"binary ({dataset.column_types(table)[column]}), not decoded as text"})
    jobs = [(table, str(column)) for table in sorted(dataset.columns) for column in dataset.columns[table]
            if (table, column) not in DERIVED and not _skip(dataset, table, column)]
    links = _links(dataset)
    # Polars and DuckDB release the GIL: three columns at a time keep both cores busy while one
    # thread runs Python-side work (measured at 1M: 8.1 s with two, 7.8-8.0 s with three or four). The longest
    # tables go first, so that no core is left idle while the other finishes a 3M-row column; the
    # data subjects per jurisdiction (engine queries) are queued behind them. Results stay in order.
    with ThreadPoolExecutor(max_workers=3) as pool:
        order = sorted(range(len(jobs)), key=lambda i: -dataset.rows(jobs[i][0]))
        futures = {i: pool.submit(_scan_column, dataset, *jobs[i], cat) for i in order}
        subjects = {t: pool.submit(_jurisdictions, dataset, t, links.get(t, [])) for t in sorted(dataset.columns)}
        by_table: dict[str, list[tuple[list[dict[str, Any]], dict[str, Any] | None]]] = {}
        for i, (table, column) in enumerate(jobs):
            entries, free = futures[i].result()
            if free is not None and "skipped" in free:
                skipped.setdefault(table, []).append({"column": column, "reason": free["skipped"]})
                free = None
            by_table.setdefault(table, []).append((entries, free))
            say(f"scanned {table}.{column}")
        jurisdictions = {t: f.result() for t, f in subjects.items()}
    for table in sorted(dataset.columns):
        found: dict[str, str] = {}
        specials: set[str] = set()
        other = role(table) == "other"
        reached = [link.to_dict() for link in links.get(table, [])]
        for entries, free in by_table.get(table, []):
            if other:  # added fields only: a canonical table's entries keep their shape
                entries = [{**e, "role": "other", "reached_from": reached} for e in entries]
            inv.columns.extend(entries)
            found.update({e["category"]: e["sensitivity"] for e in entries})
            if free is not None:
                specials |= set(free["special_categories"])
                inv.free_text.append({**free, "role": "other", "reached_from": reached} if other else free)
        sens = max(found.values(), key=lambda x: rank.get(x, 0)) if found else None
        if specials:
            sens = "high"
        systems = sorted(s.name for s in posture.systems if table in s.stores) if posture else []
        inv.processing_record.append({
            "table": table, "records": dataset.rows(table), "categories": sorted(found),
            "special_categories": sorted(specials), "sensitivity": sens,
            "subject_jurisdictions": jurisdictions[table] if found else {},
            "retention_days": posture.policies.retention_days if posture else None,
            "systems": systems, **({"role": "other"} if other else {}),
        })
        info = getattr(dataset, "table_info", {}).get(table, {})
        inv.tables.append({"table": table, "role": role(table), "kind": info.get("kind", "table"),
                           "declared": info.get("declared", True), "records": dataset.rows(table),
                           "columns": len(dataset.columns[table]), "categories": sorted(found),
                           "reached_from": reached, "skipped_columns": skipped.get(table, [])})
    inv.skipped_tables = list(getattr(dataset, "skipped", []))
    from ..i18n import t as msg
    say(msg("appx.found_pairs", pairs=len(inv.columns), tables=len(inv.processing_record)))
    return inv


def _links(dataset: Any) -> dict[str, list]:
    """Other table -> links from canonical tables (none for a dataset without other tables)."""
    if not hasattr(dataset, "table_info") or all(dataset.role(t) != "other" for t in dataset.columns):
        return {}
    from ..links import find_links

    return find_links(dataset)


def write_inventory(inv: Inventory, out_dir: str | Path) -> Path:
    """Write ``pii_inventory.json`` into ``out_dir`` atomically (temp file + ``os.replace``)."""
    return write_json_atomic(Path(out_dir) / "pii_inventory.json", inv.to_dict())
