"""Assemble ``dpia.json``: screening, the CNIL PIA sections, the three risks and their map, the
action plan, validation (with the history of the answers file) and the PIPL Art. 56 view.

Every text an analyst typed passes :func:`workbench.masking.mask_text` before it is kept, so a
personal value pasted into an answer is masked like any other output. The document carries no
timestamp of its own: the same evidence and answers give the same bytes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import __version__
from ..files import write_json_atomic
from ..i18n import t
from ..masking import mask_text
from .answers import Answers
from .content import Content, Question
from .evidence import Evidence
from .prefill import prefilled
from .risks import assess_risks
from .screening import prior_consultation, screen, sensitive_columns

FORMAT = "workbench-dpia/1"


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        return mask_text(v)
    if isinstance(v, list):
        return [_clean(x) for x in v]
    return v


def answer(q: Question, ev: Evidence, c: Content, a: Answers, lang: str) -> dict[str, Any]:
    """A question with its pre-filled value, the analyst's answer and where the value came from."""
    pre, ids = prefilled(q.prefill, ev, c, a, lang) if q.prefill else (None, [])
    entry = a.get(q.id)
    if q.prefill:
        value, origin = a.check_override(q.id, pre)
    else:
        value = entry.value if entry is not None else None
        origin = "analyst" if value not in (None, "", []) else "open"
    return {"id": q.id, "question": q.text.get(lang), "help": q.help.get(lang), "kind": q.kind,
            "value": _clean(value), "prefilled": _clean(pre), "origin": origin,
            "reason": _clean(entry.reason) if entry is not None and entry.reason else None, "evidence": ids}


def fingerprint(screening: dict[str, Any], risks: list[dict[str, Any]], ev: Evidence) -> dict[str, Any]:
    """What a validated DPIA rests on; a later change to any of it earns a warning."""
    return {"required": bool(screening["required"]), "sensitive_columns": sensitive_columns(ev),
            "criteria_met": sorted(x["id"] for x in screening["criteria"] if x["met"]),
            "risks": {r["id"]: {"severity": r["derived"]["severity"], "likelihood": r["derived"]["likelihood"]} for r in risks}}


def evidence_changes(then: dict[str, Any], now: dict[str, Any], lang: str = "en") -> list[str]:
    """Human-readable differences between the evidence at validation and today's."""
    if not then:
        return []
    out = [t("dpia.change.sensitive_column", lang, column=col)
           for col in sorted(set(now.get("sensitive_columns", [])) - set(then.get("sensitive_columns", [])))]
    out += [t("dpia.change.criterion_met", lang, criterion=cid)
            for cid in sorted(set(now.get("criteria_met", [])) - set(then.get("criteria_met", [])))]
    if now.get("required") and not then.get("required"):
        out.append(t("dpia.change.now_required", lang))
    for rid, lv in now.get("risks", {}).items():
        old = then.get("risks", {}).get(rid, {})
        for k in ("severity", "likelihood"):
            if k in old and lv[k] > old[k]:
                out.append(t(f"dpia.change.{k}_up", lang, risk=rid, old=old[k], new=lv[k]))
    return out


def _action_plan(ev: Evidence, risks: list[dict[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    from ..checks.catalog import control_text, owner_text
    from ..i18n import term

    by_check: dict[str, list[str]] = {}
    for r in risks:
        for cid in r["evidence"]["checks"]:
            by_check.setdefault(cid, []).append(r["id"])
    rows = []
    for r in sorted(ev.register, key=lambda x: (-(x.get("rating") or 0), str(x.get("id")))):
        cid = str(r["id"])
        rows.append({"id": r["id"], "title": control_text(cid, "title", lang) or r.get("title"),
                     "severity": term("value", r.get("severity"), lang) if lang != "en" else r.get("severity"),
                     "rating": r.get("rating"), "owner": owner_text(str(r.get("owner")), lang), "due_date": r.get("due_date"),
                     "remediation": control_text(cid, "remediation", lang) or r.get("remediation"),
                     "risks": by_check.get(str(r["id"]), [])})
    return rows


def _validation(a: Answers, fp: dict[str, Any], lang: str) -> dict[str, Any]:
    v = a.data.validated
    return {
        "status": a.status, "dpo_opinion": _clean(a.value("validation.dpo_opinion")),
        "data_subjects_views": _clean(a.value("validation.data_subjects_views")),
        "signed_off_by": _clean(a.value("validation.signed_off_by")),
        "last_validated": v.at if v else None, "validated_by": _clean(v.by) if v else None,
        "validated_version": v.version if v else None,
        "evidence_recorded": bool(v and v.evidence),
        "evidence_changed": evidence_changes(v.evidence, fp, lang) if v else [],
        "answers_version": a.version,
        "history": [{"version": h.version, "by": _clean(h.by), "at": h.at, "changed": h.changed, "note": _clean(h.note)}
                    for h in a.data.history],
    }


def build(ev: Evidence, c: Content, a: Answers, *, lang: str = "en", trials: int | None = None,
          seed: int | None = None) -> dict[str, Any]:
    """The whole DPIA as a JSON-safe dict (the content of ``dpia.json``)."""
    screening = screen(ev, c, a)
    for x in screening["criteria"]:
        x["reason"] = _clean(x["reason"][lang])
    screening["reasons"] = [r[lang] for r in screening["reasons"]]
    crit_text = {cr.id: cr for cr in c.screening.criteria}
    for x in screening["criteria"]:
        x["text"], x["help"] = crit_text[x["id"]].text.get(lang), crit_text[x["id"]].help.get(lang)
    sections = {s.id: {"title": s.title.get(lang), "answers": [answer(q, ev, c, a, lang) for q in s.questions]}
                for s in c.pia.sections}
    risks = assess_risks(ev, c, a, lang)
    for r in risks:
        for o in r["overrides"]:
            o["reason"] = _clean(o["reason"])
    fp = fingerprint(screening, risks, ev)
    answered = {q["id"]: q for s in sections.values() for q in s["answers"]}
    pipia = [{"id": it.id, "text": it.text.get(lang), "answers": it.answers, "risks": it.risks,
              "open": [q for q in it.answers if answered[q]["origin"] == "open"]} for it in c.pipia.items]
    scale = {str(k): v.get(lang) for k, v in c.risks.scale.items()}
    return {
        "format": FORMAT, "dataset": ev.dataset, "as_of": ev.as_of, "lang": lang, "workbench_version": __version__,
        "organisation": ev.facts.get("organisation", {}).get("name"),
        "inputs": {"trials": trials, "seed": seed, "answers_file": Path(a.path).name if a.data.history or a.data.answers else None,
                   "answers_version": a.version, "findings_overall": ev.findings.get("scores", {}).get("overall"),
                   "simulation_total_mean": ev.simulation.get("total", {}).get("mean"),
                   "currency": ev.simulation.get("currency")},
        "screening": screening,
        "context": sections.get("context"), "principles": sections.get("principles"),
        "measures": sections.get("measures"),
        "risks": risks, "scale": scale,
        "prior_consultation": {**(pc := prior_consultation(risks)), "reason": pc["reason"][lang]},
        "risk_map": {when: [{"id": r["id"], "severity": r["severity" + sfx], "likelihood": r["likelihood" + sfx]} for r in risks]
                     for when, sfx in (("before", ""), ("after", "_after"))},
        "action_plan": _action_plan(ev, risks, lang),
        "validation": {**_validation(a, fp, lang), "questions": sections.get("validation")},
        "pipia": {"applies": screening["pipl_applies"], "required": screening["pipia_required"],
                  "retention_years": c.pipia.retention_years, "items": pipia},
        "fingerprint": fp,
    }


def write_json(doc: dict[str, Any], out_dir: str | Path) -> Path:
    return write_json_atomic(Path(out_dir) / "dpia.json", doc, sort_keys=False)
