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

from functools import lru_cache

import pandas as pd

from .engine import Context
from .states import state_rows
from .statutes import Laws, Obligation, Regime, offshore, operates
from .text import Joined, Phrase, Term, Text

# Fields that identify nobody on their own: exposing only these is "unlikely to result in a risk".
NON_IDENTIFYING = {"customer_id", "country", "state", "city", "created_at", "last_activity_at",
                   "consent_marketing", "consent_at", "erasure_requested_at", "erased_at",
                   "transaction_id", "amount", "currency"}
SUBJECT_WORDS = ("subject", "individual", "resident")


@lru_cache(maxsize=None)
def element_word(e: str) -> Text:
    """A high-risk element's name ("national or government id (SSN, state id, passport)")."""
    return Text(f"lawword.{e}")


def _n(n: int) -> str:
    return f"{n:,}"


def _none_or(items: list[str]) -> Phrase | str:
    return ", ".join(items) or Text("lawword.none")


def fine_cap(regime: Regime, tier: str, revenue: float, currency: str, laws: Laws) -> float:
    """Statutory maximum fine of a tiered regime, in ``currency``; ``revenue`` is in ``currency``."""
    if regime.tiers is None:
        raise ValueError("fine_cap applies to tiered regimes; per-subject damages scale with records")
    t = regime.tiers[tier]
    fixed = laws.currency.convert(t.fixed_cap, t.currency, currency)
    return max(fixed, t.turnover_share * revenue)


def context(laws: Laws, currency: str, revenue: float, customers: int,
            gross_margin: float | None = None, group_revenue: float | None = None) -> Context:
    """Everything currency- and organisation-dependent the engine needs. ``customers`` is the
    organisation's real customer count (``organisation.customers``, else the rows of the extract);
    ``group_revenue`` the undertaking's turnover for regimes capped on it (GDPR; default ``revenue``)."""
    caps = {rid: {tier: fine_cap(r, tier, group_revenue if r.turnover == "undertaking" and group_revenue else revenue,
                                 currency, laws) for tier in r.tiers}
            for rid, r in laws.regimes.items() if r.tiers}
    per_subject = {rid: laws.currency.factor(r.per_subject.currency, currency)
                   for rid, r in laws.regimes.items() if r.per_subject}
    return Context(currency=currency, usd=laws.currency.factor("USD", currency), revenue=float(revenue),
                   revenue_per_customer=float(revenue) / customers if customers else 0.0,
                   caps=caps, per_subject_fx=per_subject, gross_margin=gross_margin,
                   direct_loss_threshold=laws.currency.convert(
                       laws.cn_incident_grading.relatively_major_direct_loss_cny, "CNY", currency),
                   fine_scale=laws.fine_scale)


def _org(org) -> tuple[str, set[str], bool]:
    if org is None:
        return "the organisation", set(), False
    return org.name, set(org.established_in or []), bool(org.critical_infrastructure)


def _in_scope(scope: str, jurisdiction: str, org) -> set[str] | None:
    """Jurisdictions whose subjects a law covers (None: every exposed subject, GDPR Art. 3(1))."""
    _, est, _ = _org(org)
    if scope == "establishment" and jurisdiction in est:
        return None
    return {jurisdiction}


def scope_records(scope: str, jurisdiction: str, exposure, org=None) -> tuple[int, Phrase]:
    """How many exposed records a law covers, and why (GDPR Art. 3(1)/3(2) for ``establishment``)."""
    name, est, _ = _org(org)
    n_j = int(exposure.by_jurisdiction.get(jurisdiction, 0))
    if scope == "establishment" and jurisdiction in est:
        return int(exposure.records), Text("lawtext.est_all", name=name, j=jurisdiction, n=_n(exposure.records), nj=_n(n_j))
    if scope == "establishment":
        return n_j, Joined([Text("lawtext.not_established", j=jurisdiction), Text("lawtext.targeting", n=_n(n_j))])
    return n_j, Text("lawtext.in_j", n=_n(n_j), j=jurisdiction)


def high_risk_records(exposure, laws: Laws, scope: str, jurisdiction: str, org=None) -> int:
    """Subjects a law covers whose *own* exposed elements make the breach high risk for them."""
    return exposure.count([[e] for e in laws.high_risk_elements], _in_scope(scope, jurisdiction, org))


def ccpa_records(exposure, laws: Laws) -> int:
    """California residents whose own record exposes personal information as §1798.81.5(d) /
    §1798.82(h) define it (the elements of the CA rule in us_breach_laws.yaml)."""
    rule = laws.states.states.get("CA") if laws.states else None
    combos = rule.elements if rule else [["name", "gov_id"], ["name", "card", "access_code"]]
    return exposure.count(combos, state="CA")


def regime_records(exposure, laws: Laws, org=None) -> dict[str, float]:
    """Exposed records each fine regime covers (the engine scales or gates fines with them);
    per-subject damages that need sensitive identifiers (CCPA §1798.150) count per person."""
    return {rid: float(ccpa_records(exposure, laws) if r.requires_sensitive and r.per_subject
                       else scope_records(r.scope, r.jurisdiction, exposure, org)[0])
            for rid, r in laws.regimes.items()}


def regime_high_records(exposure, laws: Laws, org=None) -> dict[str, float]:
    """Covered subjects whose own elements are high risk, per regime (fine tier and size)."""
    return {rid: float(ccpa_records(exposure, laws) if r.requires_sensitive and r.per_subject
                       else high_risk_records(exposure, laws, r.scope, r.jurisdiction, org))
            for rid, r in laws.regimes.items()}


def elements_sentence(exposure, laws: Laws, scope: str, jurisdiction: str, org=None) -> Phrase:
    """"national or government id (310), card or account number (7)": people in scope per element."""
    juris = _in_scope(scope, jurisdiction, org)
    parts = [Joined([element_word(e), f" ({exposure.count([[e]], juris):,})"], "") for e in laws.high_risk_elements
             if exposure.count([[e]], juris)]
    return Joined(parts, ", ") if parts else Text("lawword.none")


def grade(exposure, laws: Laws, org=None, scenario=None, direct_over: float | None = None) -> tuple[bool, Phrase]:
    """Whether an incident is graded relatively major (较大) or above under the 2025 CAC measures.

    ``direct_over``: the share of simulated loss events whose direct loss (response and downtime)
    reaches RMB 5M; when the typical incident reaches it (share >= 50 %) the scenario is graded
    relatively major, otherwise the share is reported so the responder checks the real loss."""
    g = laws.cn_incident_grading
    _, _, cii = _org(org)
    n = int(exposure.records)
    least, cny = _n(g.relatively_major_min_records), f"{g.relatively_major_direct_loss_cny:,.0f}"
    if n >= g.relatively_major_min_records:
        return True, Text("lawtext.major_records", n=_n(n), min=least)
    if cii and g.cii_downtime_counts and scenario is not None and scenario.loss.has_downtime:
        return True, Text("lawtext.major_cii")
    if direct_over is not None and direct_over >= 0.5:
        # the typical (median) simulated incident reaches the direct-loss criterion
        return True, Text("lawtext.major_direct", cny=cny, share=f"{direct_over:.0%}")
    loss = (Text("lawtext.loss_share", cny=cny, share=f"{direct_over:.0%}") if direct_over is not None else
            Text("lawtext.loss_check", cny=cny))
    return False, Joined([Text("lawtext.below" if cii else "lawtext.below_cii", n=_n(n), min=least), loss])


def _identifying(exposure) -> list[str]:
    return [f for f in exposure.fields if f not in NON_IDENTIFYING]


def _exemption(o: Obligation, exposure, high: int | None = None) -> Phrase | None:
    """The exemption that removes ``o`` for this exposure, as a sentence, or None."""
    enc_ids = [c for c in exposure.encrypted_excluded if c.split(".")[-1] in ("national_id", "card_number")]
    for e in o.exempt_if:
        if e == "risk_unlikely" and not _identifying(exposure):
            enc = [Text("lawtext.encrypted_list", fields=", ".join(exposure.encrypted_excluded))] \
                if exposure.encrypted_excluded else []
            return Joined([Text("lawtext.exempt_unlikely", basis=Term(o.basis), fields=_none_or(list(exposure.fields))),
                           *enc, Text("lawtext.document")])
        if e == "encrypted" and not (high if high is not None else exposure.high_risk) and enc_ids:
            return Text("lawtext.exempt_encrypted", basis=Term(o.basis), ids=", ".join(enc_ids))
    return None


def _territory(o: Obligation, org) -> Phrase | None:
    """Why an obligation keyed to where the organisation operates is not owed (None: it is)."""
    if not o.operates_in:
        return None
    does, declared = operates(org, o.operates_in)
    if does:
        return None
    if declared:
        return Joined([Text("lawtext.territory_not", basis=Term(o.basis), t=o.operates_in),
                       Text("lawtext.territory_lacks", list=_none_or(list(org.operates_in)), t=o.operates_in)])
    est = _none_or(list(getattr(org, "established_in", None) or []))
    return Joined([Text("lawtext.territory_check", est=est), Text("lawtext.territory_binds", basis=Term(o.basis), t=o.operates_in),
                   Text("lawtext.territory_declare")])


def _authority(o: Obligation, exposure, org) -> tuple[str, Phrase | None]:
    """(recipient, why) of a GDPR Art. 33 notice: the lead authority of an EU-established
    controller (Art. 56), else every authority where affected subjects live (Art. 3(2))."""
    if o.scope != "establishment" or "authority" not in o.to:
        return o.to, None
    _, est, _ = _org(org)
    if o.jurisdiction in est:
        lead = getattr(org, "lead_authority", None)
        return (Text("lawtext.lead_named", lead=lead) if lead else
                Text("recipient.lead_supervisory_authority_(name_it_in_organisation.lead_authority)")), \
            Text("lawtext.one_stop")
    countries: dict[str, int] = {}
    for g in exposure.subjects():
        if g.jurisdiction == o.jurisdiction:
            countries[g.country or "unknown"] = countries.get(g.country or "unknown", 0) + g.n
    where = _none_or([f"{c} ({n:,})" for c, n in sorted(countries.items())])
    return Text("lawtext.every_authority", where=where), Text("lawtext.no_one_stop")


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
        if o.offshore_only and (org is None or not offshore(org, o.jurisdiction)):
            continue
        to, twhy = _authority(o, exposure, org)
        row = {"jurisdiction": o.jurisdiction, "to": to, "deadline_hours": o.deadline_hours, "deadline": o.deadline,
               "basis": o.basis, "records": n, "trigger": "", "content": list(o.content), "obligation": o.id,
               **({"beside": o.beside} if o.beside else {})}
        why = [why]
        if twhy is not None:
            why.append(twhy)
        if o.offshore_only:
            why.append(Text("lawtext.offshore", j=o.jurisdiction))
        terr = _territory(o, org)
        if terr is not None:
            exempt.append({**row, "trigger": terr})
            continue
        if o.grade is not None:
            major, gwhy = grade(exposure, laws, org, scenario, direct_over)
            if not major:
                exempt.append({**row, "trigger": Text("lawtext.not_owed", why=gwhy)})
                continue
            why.append(gwhy)
        high = high_risk_records(exposure, laws, o.scope, o.jurisdiction, org) if o.when == "high_risk" else None
        reason = _exemption(o, exposure, high)
        if reason is not None:
            exempt.append({**row, "trigger": reason})
            continue
        if o.when == "high_risk":
            if not high:
                exempt.append({**row, "records": 0, "trigger": Text(
                    "lawtext.no_high", n=_n(n), elements=Joined([element_word(e) for e in laws.high_risk_elements], ", "))})
                continue
            row["records"] = high
            why.append(Text("lawtext.high", h=_n(high), n=_n(n),
                            elements=elements_sentence(exposure, laws, o.scope, o.jurisdiction, org)))
        if o.deadline_hours is None:
            why.append(Text("lawtext.no_hours", deadline=Term(o.deadline.split(';')[0].split('(')[0].strip())))
        row["trigger"] = Joined(why)
        rows.append(row)
    srows, sexempt = state_rows(exposure, laws, laws.us_state_content)
    rows += srows
    exempt += sexempt
    return _sorted(rows), _sorted(exempt)


def _sorted(rows: list[dict]) -> list[dict]:
    """Earliest deadline first; a row with ``beside`` (GDPR Art. 34) right after the row it sits
    beside (Art. 33) instead of among the rows with no hour count."""
    hours = {r["obligation"]: r["deadline_hours"] for r in rows}

    def key(r: dict) -> tuple:
        b = r.get("beside")
        h = hours.get(b) if b in hours else r["deadline_hours"]
        return (h if h is not None else 1e9, r["jurisdiction"], b or r["obligation"], 1 if b in hours else 0)
    return sorted(rows, key=key)


def obligations(exposure, laws: Laws, org=None, scenario=None) -> list[dict]:
    """Notification obligations triggered by an exposure, sorted by deadline then jurisdiction."""
    return assess(exposure, laws, org, scenario)[0]


def notice_records(exposure, laws: Laws, org=None, scenario=None) -> float:
    """Exposed people who must be told individually (each person once).

    Per jurisdiction, the largest of the subject notices that apply there (GDPR Art. 34 counts
    the high-risk subjects of every jurisdiction for an EU-established controller, PIPL Art. 57
    every CN subject, a US state law its residents whose own elements trigger it); subjects in
    places without such a rule in the law files are told when their own elements are high risk."""
    to = {o.id: o.to for o in laws.notifications}   # the recipient as the law file words it
    rows = [r for r in obligations(exposure, laws, org, scenario)
            if any(w in to.get(r["obligation"], r["to"]).lower() for w in SUBJECT_WORDS)]
    told: dict[str, float] = {}
    high_by_j = {j: exposure.count([[e] for e in laws.high_risk_elements], {j}) for j in exposure.by_jurisdiction}
    for r in rows:
        if r["obligation"] == "gdpr-art34" and _in_scope("establishment", "EU", org) is None:
            for j, h in high_by_j.items():
                told[j] = max(told.get(j, 0.0), float(h))
            continue
        j = "US-CA" if r["jurisdiction"] == "US-CA" else ("US" if r["jurisdiction"].startswith("US-") else r["jurisdiction"])
        told[j] = told.get(j, 0.0) + float(r["records"]) if r["jurisdiction"].startswith("US-") and j == "US" \
            else max(told.get(j, 0.0), float(r["records"]))
    ruled = {o.jurisdiction for o in laws.notifications} | {"US", "US-CA"}
    for j, h in high_by_j.items():
        if j not in ruled:
            told[j] = max(told.get(j, 0.0), float(h))
    return float(min(float(exposure.records), sum(told.values())))


def timeline(sim_scenarios: list[dict]) -> pd.DataFrame:
    """Notification timeline table: one row per scenario × obligation, earliest deadline first
    (an obligation shown ``beside`` another, GDPR Art. 34 beside Art. 33, follows it)."""
    rows = [{"scenario": s["id"], "_i": i, **n} for s in sim_scenarios for i, n in enumerate(_sorted(s["notifications"]))]
    cols = ["scenario", "jurisdiction", "to", "deadline_hours", "deadline", "basis", "records", "trigger"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    first = {(s["id"], n["obligation"]): n["deadline_hours"] for s in sim_scenarios for n in s["notifications"]}
    df["_h"] = [first.get((sc, b), h) if isinstance(b, str) else h
                for sc, b, h in zip(df["scenario"], df.get("beside", pd.Series([None] * len(df))), df["deadline_hours"])]
    df["_h"] = pd.to_numeric(df["_h"], errors="coerce").fillna(1e9)
    return df.sort_values(["_h", "scenario", "_i"], kind="stable")[cols].reset_index(drop=True)
