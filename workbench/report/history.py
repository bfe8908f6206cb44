"""Quarters and what changed since the previous one: finding diff, score trends, loss change."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
NO_PREVIOUS = "no previous quarter"


def parse_quarter(text: str) -> tuple[int, int]:
    """``"2026Q4"`` → ``(2026, 4)``; anything else is an :class:`InputError`."""
    m = _QUARTER.match(str(text).strip())
    if not m:
        raise InputError.of("error.report.quarter", value=text)
    return int(m.group(1)), int(m.group(2))


def quarter_folders(out_dir: Path) -> dict[tuple[int, int], Path]:
    """Quarter folders directly under ``out_dir`` (hidden temporary folders are ignored)."""
    found: dict[tuple[int, int], Path] = {}
    if Path(out_dir).is_dir():
        for p in Path(out_dir).iterdir():
            m = _QUARTER.match(p.name)
            if m and p.is_dir():
                found[(int(m.group(1)), int(m.group(2)))] = p
    return found


def find_previous(out_dir: Path, quarter: str) -> Path | None:
    """The latest quarter folder before ``quarter`` in ``out_dir`` holding a ``findings.json``."""
    q = parse_quarter(quarter)
    earlier = [(k, p) for k, p in quarter_folders(out_dir).items() if k < q and (p / "findings.json").is_file()]
    return max(earlier)[1] if earlier else None


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file as a dict, or ``None`` when absent or unreadable (history is best-effort)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def arrow(current: float | None, previous: float | None, *, higher_is_better: bool = True,
          tolerance: float = 0.05) -> str:
    """▲ up, ▼ down, ▶ unchanged (within ``tolerance``); "" when either side is unknown.

    The arrow shows the direction of the number; whether that is good depends on the metric
    (see :func:`verdict`)."""
    if current is None or previous is None:
        return ""
    if abs(current - previous) <= tolerance:
        return "▶"
    return "▲" if current > previous else "▼"


def verdict(current: float | None, previous: float | None, *, higher_is_better: bool = True,
            tolerance: float = 0.05) -> str:
    """"better", "worse", "unchanged" or "" (unknown)."""
    if current is None or previous is None:
        return ""
    if abs(current - previous) <= tolerance:
        return "unchanged"
    return "better" if (current > previous) == higher_is_better else "worse"


def failed_ids(findings: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Failed findings of a findings.json dict, by check id."""
    if not findings:
        return {}
    return {f["id"]: f for f in findings.get("findings", []) if f.get("status") == "fail"}


def diff_findings(current: dict[str, Any], previous: dict[str, Any] | None,
                  accepted: set[str] | frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """New, resolved, persisting and accepted failed check ids (sorted), and every failing id.

    Without a previous quarter nothing is "new" (there is nothing to be new against); a risk under
    a valid acceptance is listed as accepted, never as new."""
    now, before = set(failed_ids(current)), set(failed_ids(previous))
    accepted = set(accepted) & now
    return {"new": sorted(now - before - accepted) if previous is not None else [],
            "resolved": sorted(before - now), "persisting": sorted((now & before) - accepted),
            "accepted": sorted(accepted), "failing": sorted(now)}


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``quarter``."""
    year, q = parse_quarter(quarter)
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)) - dt.timedelta(days=1)
    return start, end


def freshness(quarter: str, as_of: str | dt.date | None) -> str:
    """A warning when the data's ``as_of`` lies outside the reported quarter; "" when inside."""
    if not quarter or not as_of:
        return ""
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)[:10])
    start, end = quarter_bounds(quarter)
    if day > end:
        return f"the data is as of {day}, {(day - end).days} days after {quarter} ended ({end}): " \
               f"this report describes a later state than its quarter"
    if day < start:
        return f"the data is as of {day}, {(end - day).days} days before the end of {quarter} ({end}): " \
               f"this report describes an earlier state than its quarter"
    return ""


def score_trends(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Per score (overall first, then domains): current, previous, change and arrow."""
    cur = current.get("scores", {}) or {}
    prev = (previous or {}).get("scores", {}) or {}
    keys = ["overall"] + sorted(k for k in set(cur) | set(prev) if k != "overall")
    out: dict[str, dict[str, Any]] = {}
    for k in keys:
        c, p = _num(cur.get(k)), _num(prev.get(k))
        out[k] = {"current": c, "previous": p, "change": None if c is None or p is None else round(c - p, 2),
                  "trend": arrow(c, p), "verdict": verdict(c, p)}
    return out


def loss_change(current: dict[str, Any] | None, previous: dict[str, Any] | None) -> dict[str, Any]:
    """Expected annual loss (``total.mean`` of simulation.json) now and before, with the change."""
    c = _num(((current or {}).get("total") or {}).get("mean"))
    p = _num(((previous or {}).get("total") or {}).get("mean"))
    return {"current": c, "previous": p, "change": None if c is None or p is None else c - p,
            "trend": arrow(c, p, tolerance=0.5), "verdict": verdict(c, p, higher_is_better=False, tolerance=0.5),
            "currency": (current or {}).get("currency") or (previous or {}).get("currency") or ""}


def history(results_dir: Path, previous_dir: Path | None, quarter: str = "", *,
            actions: list[dict[str, Any]] | None = None, accepted: set[str] | frozenset[str] = frozenset()
            ) -> dict[str, Any]:
    """Everything that compares this run with the previous quarter, as one JSON-able dict:
    finding changes, score trends, loss change, freshness, the actions review and the
    personal-data inventory drift (``None`` without a previous inventory)."""
    from .drift import drift

    cur_f = read_json(Path(results_dir) / "findings.json") or {}
    cur_s = read_json(Path(results_dir) / "simulation.json")
    prev_f = read_json(Path(previous_dir) / "findings.json") if previous_dir else None
    prev_s = read_json(Path(previous_dir) / "simulation.json") if previous_dir else None
    cur_i = read_json(Path(results_dir) / "pii_inventory.json")
    prev_i = read_json(Path(previous_dir) / "pii_inventory.json") if previous_dir else None
    return {
        "quarter": quarter,
        "previous_quarter": Path(previous_dir).name if prev_f is not None else None,
        "note": "" if prev_f is not None else NO_PREVIOUS,
        "as_of": cur_f.get("as_of"),
        "freshness": freshness(quarter, cur_f.get("as_of")) if quarter and cur_f.get("as_of") else "",
        "findings": diff_findings(cur_f, prev_f, accepted),
        "scores": score_trends(cur_f, prev_f),
        "expected_loss": loss_change(cur_s, prev_s),
        "actions": actions or [],
        "inventory_drift": drift(cur_i, prev_i),
    }


def _num(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None
