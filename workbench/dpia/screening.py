"""Screening: is a DPIA (GDPR Art. 35, WP248 rev.01) or a PIPIA (PIPL Art. 55) required?

Each criterion of ``assessments/dpia/screening.yaml`` is answered by a rule below from the
evidence when it can be (``met`` True/False with the reason and the evidence it rests on), else
by the analyst's answers file; ``met is None`` means nobody has answered yet. Reasons are given in
both languages because the document is rendered in either.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import LANGS, each, t
from .answers import Answers
from .content import Content, Criterion
from .evidence import Evidence

# Jurisdictions whose data subjects make the PIPL apply (PIPL Art. 3: processing in China, or of
# people in China).
PIPL_JURISDICTIONS = ("CN",)
# GDPR Art. 35(4) lists of the supervisory authorities transcribed in screening.yaml
NATIONAL_LISTS = ("DE_DSK", "FR_CNIL")


Verdict = tuple[bool | None, dict[str, str], list[str]]  # met, reason {en, zh}, evidence ids


def sensitive_columns(ev: Evidence) -> list[str]:
    """``table.column:category`` of every high-sensitivity category and special category found."""
    cols = {f"{c['table']}.{c['column']}:{c['category']}" for c in ev.inventory.get("inventory", [])
            if c.get("sensitivity") == "high"}
    for ft in ev.inventory.get("free_text", []):
        cols |= {f"{ft['table']}.{ft['column']}:{cat}" for cat in ft.get("special_categories", {})}
    return sorted(cols)


def _sensitive_data(ev: Evidence, c: Content, a: Answers) -> Verdict:
    cols = sensitive_columns(ev)
    if cols:
        return True, each("dpia.screen.sensitive", n=len(cols), columns=", ".join(cols)), ["inventory", "ENC-001"]
    return False, each("dpia.screen.no_sensitive"), ["inventory"]


def _large_scale(ev: Evidence, c: Content, a: Answers) -> Verdict:
    n, limit = ev.facts.get("customers"), c.screening.large_scale_subjects
    if n is None:
        return None, each("dpia.screen.customers_unmeasured"), []
    met = n >= limit
    return met, each("dpia.screen.large_scale" if met else "dpia.screen.below_large_scale", n=f"{n:,}", limit=f"{limit:,}"), \
        ["inventory"]


def _matching_combining(ev: Evidence, c: Content, a: Answers) -> Verdict:
    """WP248 criterion 6 means combining datasets of *different* operations or controllers
    beyond what people expect; copies of one customer table in several systems are not that.
    The evidence cannot tell operations apart, so the analyst answers; the reason lists what the
    export shows (copies, and other personal tables that could come from other operations)."""
    rec = ev.record("customers") or {}
    systems = rec.get("systems") or [s["name"] for s in ev.facts.get("systems", []) if "customers" in s["stores"]]
    others = sorted(str(x["table"]) for x in ev.inventory.get("tables", [])
                    if x.get("role") == "other" and x.get("categories"))
    def reason(lang: str) -> str:
        parts = [t("dpia.screen.copies", lang, n=len(systems), systems=", ".join(systems))] if len(systems) > 1 else []
        parts.append(t("dpia.screen.other_tables", lang, tables=", ".join(others)) if others
                     else t("dpia.screen.no_other_tables", lang))
        return t("dpia.sep.clause", lang).join([*parts, t("dpia.screen.combining", lang)])
    return None, {lang: reason(lang) for lang in LANGS}, ["posture", "inventory"]


def _special_large_scale(ev: Evidence, c: Content, a: Answers) -> Verdict:
    """GDPR Art. 35(3)(b): special categories (Art. 9) or criminal data (Art. 10) on a large scale."""
    special = sorted({f"{ft['table']}.{ft['column']}:{cat}" for ft in ev.inventory.get("free_text", [])
                      for cat in ft.get("special_categories", {})})
    n, limit = ev.facts.get("customers"), c.screening.large_scale_subjects
    if not special:
        return False, each("dpia.screen.no_special"), ["inventory"]
    if n is None:
        return None, each("dpia.screen.special_unmeasured", columns=", ".join(special)), ["inventory"]
    met = n >= limit
    return met, each("dpia.screen.special_large_scale" if met else "dpia.screen.special_below_large_scale",
                     columns=", ".join(special), n=f"{n:,}", limit=f"{limit:,}"), ["inventory"]


def _minors(ev: Evidence, law: str) -> int | None:
    m = ev.facts.get("minors")
    return None if m is None else int(m.get(law, 0))


def _vulnerable_subjects(ev: Evidence, c: Content, a: Answers) -> Verdict:
    n, age = _minors(ev, "WP248"), c.screening.minor_age["WP248"]
    if n is None:
        return None, each("dpia.screen.no_birth_dates"), []
    source = lambda lang: t("dpia.screen.children_source", lang, age=age)  # noqa: E731
    if n:
        return True, each("dpia.screen.children", n=f"{n:,}", age=age, source=source), ["inventory"]
    return False, each("dpia.screen.no_children", age=age, source=source), ["inventory"]


def _pipl_sensitive(ev: Evidence, c: Content, a: Answers) -> Verdict:
    # high-sensitivity inventory categories (identity numbers, financial accounts) and special categories
    cols = sensitive_columns(ev)
    n, age = _minors(ev, "PIPL"), c.screening.minor_age["PIPL"]
    parts = ([("dpia.screen.pipl_sensitive", {"columns": ", ".join(cols)})] if cols else []) + \
        ([("dpia.screen.pipl_minors", {"n": f"{n:,}", "age": age})] if n else [])
    if parts:
        return True, {lang: t("dpia.sep.clause", lang).join(t(k, lang, **v) for k, v in parts) for lang in LANGS}, ["inventory"]
    if n is None:
        return False, each("dpia.screen.pipl_none_unknown"), ["inventory"]
    return False, each("dpia.screen.pipl_none"), ["inventory"]


def _pipl_entrust(ev: Evidence, c: Content, a: Answers) -> Verdict:
    svc = ev.facts.get("service_roles")
    if svc is None:
        return None, each("dpia.screen.service_unmeasured"), []
    if svc:
        return True, each("dpia.screen.service_accounts", roles=", ".join(svc)), ["permissions", "integration-key-leak"]
    return False, each("dpia.screen.no_service_accounts"), ["permissions"]


def hosting(a: Answers) -> dict[str, str]:
    """``context.hosting`` answered as lines ``system: REGION``."""
    out = {}
    for line in str(a.value("context.hosting", "")).replace(";", "\n").splitlines():
        name, sep, region = line.partition(":")
        if sep and name.strip() and region.strip():
            out[name.strip()] = region.strip().upper()
    return out


def _region(j: str) -> str:
    return j.split("-")[0]


def _cross_border(ev: Evidence, c: Content, a: Answers) -> Verdict:
    regions: dict[str, int] = {}
    for j, n in ev.facts.get("jurisdictions", {}).items():
        if j != "unknown" and n:
            regions[_region(j)] = regions.get(_region(j), 0) + int(n)
    if not regions:
        return None, each("dpia.screen.jurisdictions_unknown"), []
    rec = ev.record("customers") or {}
    systems = rec.get("systems") or [s["name"] for s in ev.facts.get("systems", []) if "customers" in s["stores"]]
    where = hosting(a)
    if where and systems and all(s in where for s in systems):
        hosts = sorted({_region(where[s]) for s in systems})
        abroad = sorted(r for r in regions if any(h != r for h in hosts))
        if abroad:
            return True, each("dpia.screen.hosted_abroad", abroad=", ".join(abroad), hosts=", ".join(hosts)), ["context.hosting"]
        return False, each("dpia.screen.hosted_at_home", hosts=", ".join(hosts)), ["context.hosting"]
    listing = ", ".join(f"{r} {n:,}" for r, n in sorted(regions.items()))
    if len(regions) > 1:
        return True, each("dpia.screen.shared_systems", n=len(regions), listing=listing), ["inventory", "posture"]
    return False, each("dpia.screen.one_jurisdiction", listing=listing), ["inventory"]


RULES: dict[str, Callable[[Evidence, Content, Answers], Verdict]] = {
    "sensitive_data": _sensitive_data, "large_scale": _large_scale, "matching_combining": _matching_combining,
    "vulnerable_subjects": _vulnerable_subjects, "pipl_sensitive": _pipl_sensitive,
    "special_large_scale": _special_large_scale,
    "pipl_entrust_provide_publish": _pipl_entrust, "cross_border": _cross_border,
}


def _criterion(cr: Criterion, ev: Evidence, c: Content, a: Answers, done: dict[str, dict]) -> dict[str, Any]:
    key = f"screening.{cr.id}"
    if cr.evidence != "analyst":
        derived, reason, ids = RULES[cr.evidence](ev, c, a)
    elif cr.same_as and done.get(cr.same_as, {}).get("met") is not None:
        derived, ids = done[cr.same_as]["met"], [f"screening.{cr.same_as}"]
        reason = each("dpia.screen.same_as", criterion=cr.same_as)
    else:
        derived, reason, ids = None, each("dpia.screen.to_answer"), []
    met, origin = a.check_override(key, derived) if derived is not None else (a.value(key), "analyst")
    entry = a.get(key)
    if origin == "analyst" and met is None:
        origin = "open"
    if origin in ("override", "analyst") and entry is not None and entry.reason:
        reason = each("dpia.screen.analyst_reason" if origin == "analyst" else "dpia.screen.override_reason", reason=entry.reason)
    elif origin == "analyst":
        reason = each("dpia.screen.answered")
    return {"id": cr.id, "law": cr.law, "met": met, "derived": derived, "origin": origin, "reason": reason,
            "evidence": ids}


def screen(ev: Evidence, c: Content, a: Answers) -> dict[str, Any]:
    """The screening block of dpia.json: every criterion, the verdicts and their reasons."""
    done: dict[str, dict] = {}
    for cr in c.screening.criteria:
        done[cr.id] = _criterion(cr, ev, c, a, done)
    crit = list(done.values())
    wp = [x for x in crit if x["law"] == "WP248"]
    pipl = [x for x in crit if x["law"] == "PIPL"]
    wp_met = [x["id"] for x in wp if x["met"]]
    pipl_met = [x["id"] for x in pipl if x["met"]]
    mandatory_met = [x["id"] for x in crit if x["law"] == "GDPR35_3" and x["met"]]
    national_met = [x["id"] for x in crit if x["law"] in NATIONAL_LISTS and x["met"]]
    threshold = c.screening.wp248_threshold
    jur = set(ev.facts.get("jurisdictions", {})) | set(ev.facts.get("organisation", {}).get("jurisdictions", []))
    pipl_applies = any(_region(j) in PIPL_JURISDICTIONS for j in jur)
    dpia = len(wp_met) >= threshold or bool(mandatory_met) or bool(national_met)
    pipia = pipl_applies and bool(pipl_met)
    open_ids = [x["id"] for x in crit if x["met"] is None]
    reasons = [each("dpia.screen.wp248", n=len(wp_met), criteria=_ids(wp_met, "none"), threshold=threshold),
               each("dpia.screen.art35_3", criteria=_ids(mandatory_met, "no")),
               each("dpia.screen.art35_4", criteria=_ids(national_met, "no"))]
    if pipl_applies:
        reasons.append(each("dpia.screen.pipl55", n=len(pipl_met), criteria=_ids(pipl_met, "none")))
        reasons.append(each("dpia.screen.pipl56", years=c.pipia.retention_years))
    else:
        reasons.append(each("dpia.screen.no_pipl"))
    if open_ids:
        reasons.append(each("dpia.screen.open", n=len(open_ids), criteria=", ".join(open_ids)))
    return {"required": dpia or pipia, "dpia_required": dpia, "mandatory_met": mandatory_met, "national_lists_met": national_met,
            "pipia_before_processing": pipl_applies, "pipia_retention_years": c.pipia.retention_years, "pipia_required": pipia, "pipl_applies": pipl_applies,
            "wp248_met": len(wp_met), "wp248_threshold": threshold, "open": open_ids, "reasons": reasons,
            "criteria": crit}


def _ids(ids: list[str], empty: str) -> Callable[[str], str]:
    """Criteria ids joined, or the catalogue's word for none (``none``/``no``) in each language."""
    return lambda lang: ", ".join(ids) or t(f"dpia.screen.{empty}", lang)


def screen_one(cr: Criterion, ev: Evidence, c: Content, a: Answers) -> Verdict:
    """The evidence rule's verdict on one criterion (before any analyst answer)."""
    return RULES[cr.evidence](ev, c, a)


def prior_consultation(risks: list[dict[str, Any]]) -> dict[str, Any]:
    """GDPR Art. 36(1): consult the supervisory authority before processing when the DPIA shows
    a high residual risk, i.e. a risk whose severity and likelihood *after* the planned measures
    both stay at 3 or 4 on the CNIL scale ("important" or "maximal")."""
    high = [r["id"] for r in risks if r.get("severity_after", 0) >= 3 and r.get("likelihood_after", 0) >= 3]
    return {"required": bool(high), "risks": high, "basis": "GDPR Art. 36(1)",
            "reason": each("dpia.screen.consult", risks=", ".join(high)) if high else each("dpia.screen.no_consult")}
