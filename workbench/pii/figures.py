"""Tables and plotly figures of the data inventory (for notebooks and the quarterly report).

Every function accepts an :class:`~workbench.pii.inventory.Inventory` or the parsed
``pii_inventory.json`` dict, and shows masked values only.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t as msg
from .detectors import CATEGORIES

_LEVELS = ["high", "medium", "low"]


def _doc(inv: Any) -> dict[str, Any]:
    return inv.to_dict() if hasattr(inv, "to_dict") else inv


def inventory_table(inv: Any) -> pd.DataFrame:
    """One row per table, column and category: share of values and sensitivity."""
    df = pd.DataFrame(_doc(inv)["inventory"], columns=["table", "column", "category", "share", "sensitivity"])
    return df.sort_values(["table", "column", "category"], ignore_index=True)


def heatmap(inv: Any) -> go.Figure:
    """Table × category heat map: the highest share of any column of the table (hover lists the columns)."""
    df = inventory_table(inv)
    tables = sorted(df["table"].unique()) if len(df) else []
    cats = [c for c in CATEGORIES if c in set(df["category"])]
    z, text = [], []
    for t in tables:
        row, hover = [], []
        for c in cats:
            sub = df[(df["table"] == t) & (df["category"] == c)]
            row.append(float(sub["share"].max()) if len(sub) else None)
            hover.append(", ".join(f"{col} ({s:.0%})" for col, s in zip(sub["column"], sub["share"])) or "—")
        z.append(row)
        text.append(hover)
    fig = go.Figure(go.Heatmap(z=z, x=cats, y=tables, text=text, zmin=0, zmax=1, colorscale="Reds",
                               hovertemplate="%{y} · %{x}<br>share %{z:.1%}<br>columns: %{text}<extra></extra>",
                               colorbar={"title": "share"}))
    fig.update_layout(title=msg("appx.fig_heatmap"),
                      xaxis_title="category", yaxis_title="table", height=200 + 40 * max(len(tables), 1))
    return fig


def sensitivity_summary(inv: Any) -> pd.DataFrame:
    """Per sensitivity level: how many columns, which tables and categories."""
    df = inventory_table(inv)
    rows = []
    for level in _LEVELS:
        sub = df[df["sensitivity"] == level]
        rows.append({"sensitivity": level, "columns": int(sub[["table", "column"]].drop_duplicates().shape[0]),
                     "tables": ", ".join(sorted(sub["table"].unique())),
                     "categories": ", ".join(sorted(sub["category"].unique()))})
    return pd.DataFrame(rows)


def free_text_table(inv: Any) -> pd.DataFrame:
    """Free-text findings: records per category with masked examples, and special categories."""
    rows = []
    for f in _doc(inv)["free_text"]:
        for c, n in sorted(f["by_category"].items()):
            rows.append({"table": f["table"], "column": f["column"], "category": c, "records": n,
                         "of_records": f["records"], "masked_examples": "; ".join(f["examples"].get(c, []))})
        for c, n in sorted(f["special_categories"].items()):
            rows.append({"table": f["table"], "column": f["column"], "category": f"special: {c}", "records": n,
                         "of_records": f["records"], "masked_examples": ""})
    return pd.DataFrame(rows, columns=["table", "column", "category", "records", "of_records", "masked_examples"])


def processing_record_table(inv: Any) -> pd.DataFrame:
    """GDPR Art. 30 / PIPL style record: per table, categories, subjects' jurisdictions, retention."""
    rows = []
    for r in _doc(inv)["processing_record"]:
        rows.append({"table": r["table"], "records": r["records"], "categories": ", ".join(r["categories"]) or "—",
                     "special_categories": ", ".join(r["special_categories"]) or "—",
                     "sensitivity": r["sensitivity"] or "—",
                     "subject_jurisdictions": ", ".join(f"{k}: {v}" for k, v in r["subject_jurisdictions"].items()) or "—",
                     "retention_days": r["retention_days"], "systems": ", ".join(r["systems"]) or "—"})
    return pd.DataFrame(rows)


def sensitivity_bar(inv: Any) -> go.Figure:
    """Columns holding personal data per table, stacked by sensitivity."""
    df = inventory_table(inv)
    cols = df.sort_values("sensitivity", key=lambda s: s.map({lv: i for i, lv in enumerate(_LEVELS)}))
    cols = cols.drop_duplicates(["table", "column"])
    fig = go.Figure()
    for level, colour in zip(_LEVELS, ["#c0392b", "#e67e22", "#f1c40f"]):
        counts = cols[cols["sensitivity"] == level].groupby("table").size()
        fig.add_bar(name=level, x=list(counts.index), y=[int(v) for v in counts.values], marker_color=colour)
    fig.update_layout(barmode="stack", title=msg("appx.fig_sensitivity"),
                      xaxis_title="table", yaxis_title="columns")
    return fig
