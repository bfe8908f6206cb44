"""Law engine: fine caps per regime (converted to the organisation's currency), who each law
covers, and the notification obligations an exposure triggers, from ``assessments/laws.yaml``
and ``assessments/us_breach_laws.yaml``.

Caps: GDPR Art. 83(4) EUR 10M or 2 % of worldwide turnover, Art. 83(5) EUR 20M or 4 %, whichever
is higher; PIPL Art. 66 CNY 1M (para. 1) or CNY 50M / 5 % of turnover (para. 2); amended
Cybersecurity Law fine bands; CCPA §1798.150 damages and CPPA fines per consumer (amounts in
force on ``as_of``, see :meth:`Laws.in_force`). The high-risk tier applies when national ids or
card numbers were exposed in plaintext.

Scope (DESIGN "Breach simulation"): GDPR covers every exposed record of an EU-established
controller (Art. 3(1)) and otherwise the EU subjects it targets (Art. 3(2)); China's 2025
incident-reporting clocks apply to incidents graded relatively major or above (1 h for
critical-information-infrastructure operators); US state laws follow the customer's ``state``.
Every obligation carries ``trigger`` (why it applies) and ``content`` (what the notice must say);
exempted ones are listed apart with the exemption in ``trigger``.
"""
from __future__ import annotations

import pandas as pd

from .engine import Context
from .states import state_rows
from .statutes import Laws, Obligation, Regime

# Fields that identify nobody on their own: exposing only these is "unlikely to result in a risk".
NON_IDENTIFYING = {"customer_id", "country", "state", "city", "created_at", "last_activity_at",
                   "consent_marketing", "consent_at", "erasure_requested_at", "erased_at",
                   "transaction_id", "amount", "currency"}
SUBJECT_WORDS = ("subject", "individual", "resident")


def fine_cap(regime: Regime, tier: str, revenue: float, currency: str, laws: Laws) -> float:
    """Statutory maximum fine of a tiered regime, in ``currency``; ``revenue`` is in ``currency``."""
    if regime.tiers is None:
        raise ValueError("fine_cap applies to tiered regimes; per-subject damages scale with records")
    t = regime.tiers[tier]
    fixed = laws.currency.convert(t.fixed_cap, t.currency, currency)
    return max(fixed, t.turnover_share * revenue)


def context(laws: Laws, currency: str, revenue: float, customers: int,
            gross_margin: float | None = None) -> Context:
    """Everything currency- and organisation-dependent the engine needs. ``customers`` is the
    organisation's real customer count (``organisation.customers``, else the rows of the extract)."""
    caps = {rid: {tier: fine_cap(r, tier, revenue, currency, laws) for tier in r.tiers}
            for rid, r in laws.regimes.items() if r.tiers}
    per_subject = {rid: laws.currency.factor(r.per_subject.currency, currency)
                   for rid, r in laws.regimes.items() if r.per_subject}
    return Context(currency=currency, usd=laws.currency.factor("USD", currency), revenue=float(revenue),
                   revenue_per_customer=float(revenue) / customers if customers else 0.0,
                   caps=caps, per_subject_fx=per_subject, gross_margin=gross_margin,
                   direct_loss_threshold=laws.currency.convert(
                       laws.cn_incident_grading.relatively_major_direct_loss_cny, "CNY", currency))


def _org(org) -> tuple[str, set[str], bool]:
    if org is None:
        return "the organisation", set(), False
    return org.name, set(org.established_in or []), bool(org.critical_infrastructure)


def scope_records(scope: str, jurisdiction: str, exposure, org=None) -> tuple[int, str]:
    """How many exposed records a law covers, and why (GDPR Art. 3(1)/3(2) for ``establishment``)."""
    name, est, _ = _org(org)
    n_j = int(exposure.by_jurisdiction.get(jurisdiction, 0))
    if scope == "establishment" and jurisdiction in est:
        return int(exposure.records), (f"Art. 3(1): {name} is established in {jurisdiction}, so all "
                                       f"{exposure.records:,} exposed records count ({n_j:,} of subjects in {jurisdiction})")
    if scope == "establishment":
        return n_j, f"Art. 3(2): not established in {jurisdiction}; {n_j:,} exposed records of subjects there (targeting)"
    return n_j, f"{n_j:,} exposed records of subjects in {jurisdiction}"


def regime_records(exposure, laws: Laws, org=None) -> dict[str, float]:
    """Exposed records each fine regime covers (the engine scales or gates fines with them)."""
    return {rid: float(scope_records(r.scope, r.jurisdiction, exposure, org)[0]) for rid, r in laws.regimes.items()}


def grade(exposure, laws: Laws, org=None, scenario=None, direct_over: float | None = None) -> tuple[bool, str]:
    """Whether an incident is graded relatively major (较大) or above under the 2025 CAC measures.

    ``direct_over``: the share of simulated loss events whose direct loss (response and downtime)
    reaches RMB 5M; when the typical incident reaches it (share >= 50 %) the scenario is graded
    relatively major, otherwise the share is reported so the responder checks the real loss."""
    g = laws.cn_incident_grading
    _, _, cii = _org(org)
    n = int(exposure.records)
    if n >= g.relatively_major_min_records:
        return True, f"graded relatively major: personal information of {n:,} people >= {g.relatively_major_min_records:,}"
    if cii and g.cii_downtime_counts and scenario is not None and scenario.loss.has_downtime:
        return True, "graded relatively major: a critical information infrastructure is interrupted (downtime scenario)"
    if direct_over is not None and direct_over >= 0.5:
        # the typical (median) simulated incident reaches the direct-loss criterion
        return True, (f"graded relatively major: direct loss >= RMB {g.relatively_major_direct_loss_cny:,.0f} "
                      f"in {direct_over:.0%} of simulated loss events (the typical incident)")
    loss = (f"direct loss >= RMB {g.relatively_major_direct_loss_cny:,.0f} in {direct_over:.0%} of simulated loss "
            "events: if the actual incident reaches it, the clock applies" if direct_over is not None else
            f"direct loss >= RMB {g.relatively_major_direct_loss_cny:,.0f} would also make it relatively major: check it")
    return False, (f"graded below relatively major: {n:,} people < {g.relatively_major_min_records:,}"
                   + ("" if cii else ", not a CII operator") + f"; {loss}")


def _identifying(exposure) -> list[str]:
    return [f for f in exposure.fields if f not in NON_IDENTIFYING]


def _exemption(o: Obligation, exposure) -> str | None:
    """The exemption that removes ``o`` for this exposure, as a sentence, or None."""
    enc_ids = [c for c in exposure.encrypted_excluded if c.split(".")[-1] in ("national_id", "card_number")]
    for e in o.exempt_if:
        if e == "risk_unlikely" and not _identifying(exposure):
            enc = f"; {', '.join(exposure.encrypted_excluded)} encrypted" if exposure.encrypted_excluded else ""
            return (f"exempt ({o.basis}: unlikely to result in a risk): only non-identifying fields exposed "
                    f"({', '.join(exposure.fields) or 'none'}){enc}; document the breach internally")
        if e == "encrypted" and not exposure.high_risk and enc_ids:
            return (f"exempt ({o.basis}; encryption): {', '.join(enc_ids)} exposed only under field encryption "
                    "with keys held elsewhere (GDPR Art. 34(3)(a) / data rendered unintelligible)")
    return None


def assess(exposure, laws: Laws, org=None, scenario=None,
           direct_over: float | None = None) -> tuple[list[dict], list[dict]]:
    """(obligations that apply, obligations an exemption or the grading removes), each a row with
    ``jurisdiction, to, deadline_hours, deadline, basis, records, trigger, content, obligation``."""
    rows, exempt = [], []
    _, _, cii = _org(org)
    for o in laws.notifications:
        n, why = scope_records(o.scope, o.jurisdiction, exposure, org)
        if n < max(1, o.min_records) or (o.cii is not None and o.cii != cii):
            continue
        row = {"jurisdiction": o.jurisdiction, "to": o.to, "deadline_hours": o.deadline_hours, "deadline": o.deadline,
               "basis": o.basis, "records": n, "trigger": "", "content": list(o.content), "obligation": o.id}
        if o.grade is not None:
            major, gwhy = grade(exposure, laws, org, scenario, direct_over)
            if not major:
                exempt.append({**row, "trigger": f"not owed: {gwhy}"})
                continue
            why = f"{why}; {gwhy}"
        reason = _exemption(o, exposure)
        if reason is not None:
            exempt.append({**row, "trigger": reason})
            continue
        if o.when == "high_risk":
            if not exposure.high_risk:
                continue
            why = f"{why}; high risk: {', '.join(exposure.sensitive_fields)} exposed in plaintext"
        if o.deadline_hours is None:
            why = f"{why}; the law says \"{o.deadline.split(';')[0].split('(')[0].strip()}\": no hour count"
        row["trigger"] = why
        rows.append(row)
    srows, sexempt = state_rows(exposure, laws, laws.us_state_content)
    rows += srows
    exempt += sexempt
    return _sorted(rows), _sorted(exempt)


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (r["deadline_hours"] if r["deadline_hours"] is not None else 1e9,
                                       r["jurisdiction"], r["obligation"]))


def obligations(exposure, laws: Laws, org=None, scenario=None) -> list[dict]:
    """Notification obligations triggered by an exposure, sorted by deadline then jurisdiction."""
    return assess(exposure, laws, org, scenario)[0]


def notice_records(exposure, laws: Laws, org=None, scenario=None) -> float:
    """Exposed records whose subjects must be told individually (each subject once).

    The subject notices that apply decide (GDPR Art. 34 for every record of an EU-established
    controller, PIPL Art. 57, the US state laws); subjects in places without such a rule in the
    law files are told when sensitive identifiers leaked."""
    rows = [r for r in obligations(exposure, laws, org, scenario)
            if any(w in r["to"].lower() for w in SUBJECT_WORDS)]
    R = float(exposure.records)
    if any(r["obligation"] == "gdpr-art34" and r["records"] >= R for r in rows):
        return R
    told = sum(float(r["records"]) for r in rows)
    ruled = {o.jurisdiction for o in laws.notifications} | {"US", "US-CA"}
    if exposure.high_risk:
        told += sum(n for j, n in exposure.by_jurisdiction.items() if j not in ruled)
    return float(min(R, told))


def timeline(sim_scenarios: list[dict]) -> pd.DataFrame:
    """Notification timeline table: one row per scenario × obligation, earliest deadline first."""
    rows = [{"scenario": s["id"], **n} for s in sim_scenarios for n in s["notifications"]]
    cols = ["scenario", "jurisdiction", "to", "deadline_hours", "deadline", "basis", "records", "trigger"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)[cols]
    df["_h"] = df["deadline_hours"].fillna(1e9)
    return df.sort_values(["_h", "scenario", "jurisdiction"], kind="stable").drop(columns="_h").reset_index(drop=True)
