"""Personal-data inventory drift: what changed in ``pii_inventory.json`` since last quarter.

New columns or categories mean the GDPR Art. 30 / PIPL processing record must be updated;
a category whose share grew means more records hold it than before.
"""
from __future__ import annotations

from typing import Any

GREW_BY = 0.05  # share points: smaller moves are noise between exports


def _entries(inventory: dict[str, Any] | None) -> dict[tuple[str, str, str], dict[str, Any]]:
    rows = (inventory or {}).get("inventory") or []
    return {(str(e.get("table")), str(e.get("column")), str(e.get("category"))): e for e in rows if isinstance(e, dict)}


def drift(current: dict[str, Any] | None, previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{appeared, disappeared, grew}`` lists of ``{table, column, category, share, previous_share,
    sensitivity}``; ``None`` when either quarter has no inventory (nothing to compare)."""
    if current is None or previous is None:
        return None
    now, before = _entries(current), _entries(previous)

    def row(key: tuple[str, str, str], change: str) -> dict[str, Any]:
        e, p = now.get(key) or {}, before.get(key) or {}
        return {"change": change, "table": key[0], "column": key[1], "category": key[2],
                "share": e.get("share"), "previous_share": p.get("share"),
                "sensitivity": e.get("sensitivity") or p.get("sensitivity")}

    grew = [k for k in sorted(set(now) & set(before))
            if float(now[k].get("share") or 0) - float(before[k].get("share") or 0) >= GREW_BY]
    return {"appeared": [row(k, "appeared") for k in sorted(set(now) - set(before))],
            "disappeared": [row(k, "disappeared") for k in sorted(set(before) - set(now))],
            "grew": [row(k, "grew") for k in grew]}


def rows(d: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One table of every change, appeared first."""
    if not d:
        return []
    return [*d["appeared"], *d["grew"], *d["disappeared"]]
