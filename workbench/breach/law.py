"""Law engine: fine caps per regime (converted to the organisation's currency) and notification
obligations per affected jurisdiction, from ``assessments/laws.yaml``.

Caps: GDPR Art. 83(4) EUR 10M or 2 % of worldwide turnover, Art. 83(5) EUR 20M or 4 %, whichever
is higher; PIPL Art. 66 CNY 1M (para. 1) or CNY 50M / 5 % of turnover (para. 2); CCPA §1798.150
USD 100-750 per consumer per incident. The high-risk tier applies when national ids or card
numbers were exposed in plaintext.
"""
from __future__ import annotations

import pandas as pd

from .content import Laws, Regime
from .engine import Context


def fine_cap(regime: Regime, tier: str, revenue: float, currency: str, laws: Laws) -> float:
    """Statutory maximum fine of a tiered regime, in ``currency``; ``revenue`` is in ``currency``."""
    if regime.tiers is None:
        raise ValueError("fine_cap applies to tiered regimes; per-subject damages scale with records")
    t = regime.tiers[tier]
    fixed = laws.currency.convert(t.fixed_cap, t.currency, currency)
    return max(fixed, t.turnover_share * revenue)


def context(laws: Laws, currency: str, revenue: float, customers: int) -> Context:
    """Everything currency- and organisation-dependent the engine needs."""
    caps = {rid: {tier: fine_cap(r, tier, revenue, currency, laws) for tier in r.tiers}
            for rid, r in laws.regimes.items() if r.tiers}
    per_subject = {rid: laws.currency.factor(r.per_subject.currency, currency)
                   for rid, r in laws.regimes.items() if r.per_subject}
    return Context(currency=currency, usd=laws.currency.factor("USD", currency), revenue=float(revenue),
                   revenue_per_customer=float(revenue) / customers if customers else 0.0,
                   caps=caps, per_subject_fx=per_subject)


def obligations(exposure, laws: Laws) -> list[dict]:
    """Notification obligations triggered by an exposure, sorted by deadline then jurisdiction.

    An obligation applies when its jurisdiction has exposed records (at least ``min_records``)
    and, for ``when: high_risk``, sensitive identifiers were exposed in plaintext.
    """
    rows = []
    for o in laws.notifications:
        n = int(exposure.by_jurisdiction.get(o.jurisdiction, 0))
        if n < max(1, o.min_records) or (o.when == "high_risk" and not exposure.high_risk):
            continue
        rows.append({"jurisdiction": o.jurisdiction, "to": o.to, "deadline_hours": o.deadline_hours,
                     "deadline": o.deadline, "basis": o.basis, "records": n, "obligation": o.id})
    rows.sort(key=lambda r: (r["deadline_hours"] if r["deadline_hours"] is not None else 1e9,
                             r["jurisdiction"], r["obligation"]))
    return rows


def notice_records(exposure, laws: Laws) -> float:
    """Exposed records whose subjects must be told individually.

    Jurisdictions with a data-subject obligation in laws.yaml follow it (PIPL: always; GDPR and
    California: when high risk); elsewhere subjects are told when sensitive identifiers leaked.
    """
    subject_rules: dict[str, list[str]] = {}
    for o in laws.notifications:
        if any(w in o.to.lower() for w in ("subject", "individual", "resident")):
            subject_rules.setdefault(o.jurisdiction, []).append(o.when)
    total = 0.0
    for j, n in exposure.by_jurisdiction.items():
        rules = subject_rules.get(j)
        if rules is None:
            total += n if exposure.high_risk else 0
        elif "any" in rules or exposure.high_risk:
            total += n
    return float(total)


def timeline(sim_scenarios: list[dict]) -> pd.DataFrame:
    """Notification timeline table: one row per scenario × obligation, earliest deadline first."""
    rows = [{"scenario": s["id"], **n} for s in sim_scenarios for n in s["notifications"]]
    cols = ["scenario", "jurisdiction", "to", "deadline_hours", "deadline", "basis", "records"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)[cols]
    df["_h"] = df["deadline_hours"].fillna(1e9)
    return df.sort_values(["_h", "scenario", "jurisdiction"]).drop(columns="_h").reset_index(drop=True)
