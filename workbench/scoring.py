"""Scores and the risk register, computed from findings alone (see docs/scoring.md).

Every function accepts findings as :class:`~workbench.checks.Finding` objects *or* as the dicts of
``findings.json``, so anyone can recompute the published scores from the file.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

SEVERITY_FACTOR = {"low": 1, "medium": 2, "high": 3, "critical": 4}
DOMAINS = ("encryption", "access", "backup", "privacy", "data", "training")
MIN_PENALTY = 0.2  # a fail always costs at least 20% of its points, however few it touches
IMPACT_BASE = {"low": 2, "medium": 3, "high": 4, "critical": 5}
SENSITIVITY_SHIFT = {"low": -1, "medium": 0, "high": 1}
LIKELIHOOD_BOUNDS = (0.001, 0.01, 0.1, 0.5)  # share ≤ bound → likelihood 1, 2, 3, 4; above → 5
# the overall score is given only when at least this share of the applicable checks' points was
# measured: an export without posture inputs (no posture.yaml, permissions, logs, backups) is
# "not assessable", not "0.0" (nor a high score from the two checks that could run)
ASSESSABLE_COVERAGE = 0.5
REGISTER_COLUMNS = ["id", "title", "domain", "severity", "affected", "total", "unit", "share", "likelihood",
                    "impact", "rating", "level", "owner", "remediation", "due_date"]


def _get(f: Any, key: str, default: Any = None) -> Any:
    return f.get(key, default) if isinstance(f, Mapping) else getattr(f, key, default)


def share(f: Any) -> float:
    """affected / total, 1.0 when total is missing or zero, capped at 1."""
    total, affected = _get(f, "total"), _get(f, "affected") or 0
    return 1.0 if not total else min(1.0, affected / total)


def points(f: Any) -> float:
    """The points a check is worth: weight × severity factor."""
    return float(_get(f, "weight", 1.0)) * SEVERITY_FACTOR[_get(f, "severity")]


def penalty(f: Any) -> float:
    """Points lost: 0 on pass; on fail points × (0.2 + 0.8 × √share); all of them on
    ``insufficient_data`` — what was not measured earns no credit, so that emptying or deleting
    data can never raise a score."""
    if _get(f, "status") == "insufficient_data":
        return points(f)
    if _get(f, "status") != "fail":
        return 0.0
    return points(f) * (MIN_PENALTY + (1 - MIN_PENALTY) * math.sqrt(share(f)))


def scores(findings: Iterable[Any]) -> dict[str, float | None]:
    """``{"overall": .., <domain>: ..}``, each 100 × (1 − lost / possible) over applicable checks
    (``insufficient_data`` ones count as possible points with no credit), rounded to one decimal;
    ``None`` for a domain with no applicable check."""
    findings = list(findings)
    possible = {d: 0.0 for d in DOMAINS}
    lost = {d: 0.0 for d in DOMAINS}
    for f in findings:
        if _get(f, "status") == "not_applicable":
            continue
        d = _get(f, "domain")
        possible[d] = possible.get(d, 0.0) + points(f)
        lost[d] = lost.get(d, 0.0) + penalty(f)

    def score(p: float, lo: float) -> float | None:
        return None if p == 0 else round(100.0 * (1.0 - lo / p), 1)

    overall = score(sum(possible.values()), sum(lost.values())) if not_assessable(findings) is None else None
    out: dict[str, float | None] = {"overall": overall}
    for d in sorted(possible, key=lambda d: (DOMAINS.index(d) if d in DOMAINS else 99, d)):
        out[d] = score(possible[d], lost[d])
    return out


def coverage(findings: Iterable[Any]) -> float | None:
    """Share of the applicable checks' points that were actually measured (not insufficient_data)."""
    fs = [f for f in findings if _get(f, "status") != "not_applicable"]
    possible = sum(points(f) for f in fs)
    seen = sum(points(f) for f in fs if _get(f, "status") != "insufficient_data")
    return None if not possible else round(seen / possible, 4)


def not_assessable(findings: Iterable[Any]) -> str | None:
    """Why there is no overall score (``"not assessable: N of M checks lacked data"``) when less
    than :data:`ASSESSABLE_COVERAGE` of the applicable points was measured; else None."""
    counts = lacking_data(findings)
    return None if counts is None else f"not assessable: {counts[0]} of {counts[1]} checks lacked data"


def lacking_data(findings: Iterable[Any]) -> tuple[int, int] | None:
    """(checks that lacked data, applicable checks) when there is no overall score; else None."""
    fs = [f for f in findings if _get(f, "status") != "not_applicable"]
    cov = coverage(fs)
    if cov is None or cov >= ASSESSABLE_COVERAGE:
        return None
    return sum(_get(f, "status") == "insufficient_data" for f in fs), len(fs)


def likelihood(f: Any) -> int:
    s = share(f)
    return 1 + sum(s > b for b in LIKELIHOOD_BOUNDS)


def impact(f: Any) -> int:
    base = IMPACT_BASE[_get(f, "severity")]
    return max(1, min(5, base + SENSITIVITY_SHIFT.get(_get(f, "sensitivity") or "medium", 0)))


def level(rating: int) -> str:
    return "critical" if rating >= 20 else "high" if rating >= 10 else "medium" if rating >= 5 else "low"


def risk_register(findings: Iterable[Any], as_of: dt.date, owners: Mapping[str, str],
                  due_days: Mapping[str, int]) -> pd.DataFrame:
    """One row per failed check, highest rating first (ties by id)."""
    rows = []
    for f in findings:
        if _get(f, "status") != "fail":
            continue
        li, im = likelihood(f), impact(f)
        sev = _get(f, "severity")
        rows.append({
            "id": _get(f, "id"), "title": _get(f, "title"), "domain": _get(f, "domain"), "severity": sev,
            "affected": int(_get(f, "affected") or 0), "total": _get(f, "total"), "unit": _get(f, "unit"),
            "share": round(share(f), 4), "likelihood": li, "impact": im, "rating": li * im, "level": level(li * im),
            "owner": owners.get(_get(f, "domain"), "Risk owner to be assigned"),
            "remediation": " ".join(str(_get(f, "remediation") or "").split()),
            "due_date": (as_of + dt.timedelta(days=int(due_days.get(sev, 90)))).isoformat(),
        })
    df = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
    if len(df):
        df = df.sort_values(["rating", "id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    df["total"] = df["total"].astype("Int64")
    return df
