"""The three CNIL risks, each with severity and likelihood on the CNIL 1-4 scale, derived from the
findings and the simulation with every step shown, before and after the planned measures.

Likelihood weighs two measurements equally (ties round up, out of prudence):

* the state of the controls: points of the risk's failing checks (low 1, medium 2, high 3,
  critical 4; a check that could not see its data counts 1, because unknown is not safe), against
  ``check_points_levels`` in ``assessments/dpia/risks.yaml``;
* the simulation: expected loss events per year over the risk's scenarios, against
  ``frequency_levels``. After the planned measures each scenario's frequency shrinks by the share
  of its expected loss the simulator's what-if removes (capped at 90%: no measure removes a threat).

Severity (the impact on data subjects) starts at 2 when personal data is at stake and rises for
what makes the impact worse; measures on the data itself (field encryption, cleaning free text,
immutable copies) lower it after the plan. Analysts may override any level with a reason.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..checks.catalog import control_text, owner_text
from ..i18n import DEFAULT, each, joined, t, term
from .answers import Answers
from .content import Content, Risk
from .evidence import Evidence

POINTS = {"low": 1, "medium": 2, "high": 3, "critical": 4}
UNKNOWN_POINTS = 1
MAX_REDUCTION = 0.9
Step = dict[str, str]


def _level(value: float, thresholds: list[float], strict: bool) -> int:
    return 1 + sum((value > x) if strict else (value >= x) for x in thresholds)


def check_points(ev: Evidence, checks: list[str], fixed: set[str] = frozenset()) -> tuple[int, list[dict[str, Any]]]:
    """Points of the failing (or unverifiable) checks among ``checks``, skipping ``fixed`` ones."""
    total, rows = 0, []
    for cid in checks:
        f = ev.finding(cid)
        status = ev.status(cid)
        pts = 0
        if cid not in fixed:
            if status == "fail":
                pts = POINTS.get(f.get("severity", "medium"), 2)
            elif status == "insufficient_data":
                pts = UNKNOWN_POINTS
        total += pts
        rows.append({"id": cid, "status": status, "severity": f.get("severity") if f else None, "points": pts})
    return total, rows


def frequency(ev: Evidence, scenarios: list[str], after: bool) -> tuple[float | None, list[dict[str, Any]]]:
    """Expected loss events per year over ``scenarios`` (None without a simulation of them)."""
    total, rows, seen = 0.0, [], False
    for sid in scenarios:
        s = ev.scenario(sid)
        if s is None:
            continue
        seen = True
        rate = float(s.get("loss_events_per_year", 0.0))
        share = 0.0
        if after:
            mean = float(s.get("loss", {}).get("mean", 0.0))
            cut = sum(float(w.get("by_scenario", {}).get(sid, 0.0)) for w in ev.simulation.get("what_if", []))
            share = min(MAX_REDUCTION, cut / mean) if mean > 0 else 0.0
            rate *= 1 - share
        total += rate
        rows.append({"id": sid, "events_per_year": round(rate, 6), "what_if_reduction": round(share, 4)})
    return (round(total, 6) if seen else None), rows


def planned_checks(ev: Evidence) -> set[str]:
    """Checks with a remediation in the risk register (the planned measures)."""
    return {str(r["id"]) for r in ev.register if r.get("id")}


def likelihood(ev: Evidence, c: Content, risk: Risk, after: bool) -> tuple[int, list[Step], dict[str, Any]]:
    fixed = planned_checks(ev) if after else set()
    pts, rows = check_points(ev, risk.checks, fixed)
    lc = _level(pts, c.risks.check_points_levels, strict=True)
    freq, srows = frequency(ev, risk.scenarios, after)
    failing = [r["id"] for r in rows if r["points"]]
    steps = [each("dpia.risk.controls", points=pts, n=len(failing), level=lc,
                  checks=lambda lang: t("dpia.risk.checks", lang, ids=joined(failing, lang)) if failing else "",
                  after=lambda lang: t("dpia.risk.after_fixes", lang) if after else "")]
    if freq is None:
        level = lc
        steps.append(each("dpia.risk.no_scenario"))
    else:
        lf = _level(freq, c.risks.frequency_levels, strict=False)
        level = math.ceil((lc + lf) / 2)
        steps.append(each("dpia.risk.simulation", events=f"{freq:.3f}", level=lf,
                          scenarios=lambda lang: joined((r["id"] for r in srows), lang),
                          after=lambda lang: t("dpia.risk.after_what_if", lang) if after else ""))
        steps.append(each("dpia.risk.likelihood", controls=lc, simulation=lf, level=level))
    return level, steps, {"check_points": pts, "checks": rows, "events_per_year": freq, "scenarios": srows}


def _exposure(ev: Evidence, risk: Risk) -> tuple[int, list[str]]:
    recs, sens = 0, set()
    for sid in risk.scenarios:
        s = ev.scenario(sid)
        if s:
            recs = max(recs, int(s.get("exposure", {}).get("records", 0)))
            sens |= set(s.get("exposure", {}).get("sensitive_fields", []))
    return recs, sorted(sens)


def _specials(ev: Evidence) -> list[str]:
    return sorted({cat for ft in ev.inventory.get("free_text", []) for cat in ft.get("special_categories", {})})


def _personal(ev: Evidence) -> bool:
    return any(r.get("categories") for r in ev.inventory.get("processing_record", []))


def _fixed_by_plan(ev: Evidence, checks: tuple[str, ...]) -> bool:
    """True when every failing one of ``checks`` is in the plan (and at least one was failing)."""
    failing = [cid for cid in checks if ev.status(cid) in ("fail", "insufficient_data")]
    return bool(failing) and set(failing) <= planned_checks(ev)


def severity(ev: Evidence, c: Content, risk: Risk, after: bool) -> tuple[int, list[Step]]:
    if not _personal(ev):
        return 1, [each("dpia.risk.no_personal_data")]
    steps = [each("dpia.risk.personal_data")]
    level = 2
    specials = _specials(ev)
    if risk.id == "illegitimate_access":
        recs, sens = _exposure(ev, risk)
        if sens and not (after and _fixed_by_plan(ev, ("ENC-001", "PII-001"))):
            level += 1
            steps.append(each("dpia.risk.sensitive_exposed", fields=", ".join(sens)))
        elif sens:
            steps.append(each("dpia.risk.sensitive_planned"))
        big = recs >= c.screening.large_scale_subjects
        if specials or big:
            level += 1
            steps.append(_special_categories(specials) if specials else each("dpia.risk.large_scale", records=f"{recs:,}"))
        else:
            steps.append(each("dpia.risk.below_large_scale", records=f"{recs:,}"))
    elif risk.id == "unwanted_modification":
        tx = ev.record("transactions")
        if (tx and tx.get("records")) or ev.status("PRV-001") in ("pass", "fail"):
            level += 1
            steps.append(each("dpia.risk.financial_legal"))
        if specials:
            level += 1
            steps.append(_special_categories(specials))
    else:  # disappearance
        no_copy = ev.status("BK-003") in ("fail", "insufficient_data")
        if no_copy and not (after and _fixed_by_plan(ev, ("BK-003",))):
            level += 1
            steps.append(each("dpia.risk.no_immutable_copy", status=_status(ev, "BK-003")))
            unreliable = [cid for cid in ("BK-001", "BK-004") if ev.status(cid) in ("fail", "insufficient_data")]
            if len(unreliable) == 2:
                level += 1
                steps.append(each("dpia.risk.irreversible", backup_status=_status(ev, "BK-001"),
                                  restore_status=_status(ev, "BK-004")))
        elif no_copy:
            steps.append(each("dpia.risk.plan_adds_copy"))
        else:
            steps.append(each("dpia.risk.copy_exists"))
    return min(level, 4), steps


def _special_categories(specials: list[str]) -> Step:
    return each("dpia.risk.special_categories", categories=lambda lang: joined(specials, lang))


def _status(ev: Evidence, cid: str) -> Callable[[str], str]:
    """A check's status in a language: the status key in English (``insufficient_data``, as the
    findings write it), the catalogue's word in another (未通过, 数据不足 ...)."""
    status = ev.status(cid)
    return lambda lang: status if lang == DEFAULT else term("value", status, lang)


def measures(ev: Evidence, risk: Risk, lang: str = "en") -> dict[str, list[dict[str, Any]]]:
    """Existing measures: passed checks by what they verify; planned: the register's remediations."""
    existing = [{"id": cid, "title": control_text(cid, "verifies", lang) or ev.finding(cid)["title"]}
                for cid in risk.checks if ev.status(cid) == "pass"]
    reg = {str(r["id"]): r for r in ev.register}
    planned = [{"id": cid, "title": control_text(cid, "title", lang) or reg[cid].get("title"),
                "owner": owner_text(str(reg[cid].get("owner")), lang), "due_date": reg[cid].get("due_date"),
                "remediation": control_text(cid, "remediation", lang) or reg[cid].get("remediation")}
               for cid in risk.checks if cid in reg]
    return {"existing": existing, "planned": planned}


def assess_risk(ev: Evidence, c: Content, a: Answers, risk: Risk, lang: str) -> dict[str, Any]:
    """One entry of dpia.json ``risks``."""
    sev, sev_steps = severity(ev, c, risk, after=False)
    lik, lik_steps, lik_inputs = likelihood(ev, c, risk, after=False)
    sev_a, sev_a_steps = severity(ev, c, risk, after=True)
    lik_a, lik_a_steps, lik_a_inputs = likelihood(ev, c, risk, after=True)
    derived = {"severity": sev, "likelihood": lik, "severity_after": sev_a, "likelihood_after": lik_a}
    out: dict[str, Any] = {"id": risk.id, "title": risk.title.get(lang)}
    origin, overrides = {}, []
    for k, v in derived.items():
        key = f"risks.{risk.id}.{k}"
        out[k], origin[k] = a.check_override(key, v)
        if origin[k] == "override":
            overrides.append({"field": k, "derived": v, "value": out[k], "reason": a.get(key).reason})
    scenarios = [s for s in risk.scenarios if ev.scenario(s)]
    failing = [r["id"] for r in lik_inputs["checks"] if r["status"] in ("fail", "insufficient_data")]
    out.update({
        "derived": derived, "origin": origin, "overrides": overrides,
        "sources": risk.sources.get(lang), "threats": risk.threats.get(lang), "impacts": risk.impacts.get(lang),
        "evidence": {"checks": risk.checks, "failing_checks": failing, "scenarios": scenarios},
        "derivation": {"severity": [s[lang] for s in sev_steps], "likelihood": [s[lang] for s in lik_steps],
                       "severity_after": [s[lang] for s in sev_a_steps], "likelihood_after": [s[lang] for s in lik_a_steps]},
        "inputs": {"before": lik_inputs, "after": lik_a_inputs},
        "measures": measures(ev, risk, lang),
    })
    return out


def assess_risks(ev: Evidence, c: Content, a: Answers, lang: str = "en") -> list[dict[str, Any]]:
    return [assess_risk(ev, c, a, r, lang) for r in c.risks.risks]
