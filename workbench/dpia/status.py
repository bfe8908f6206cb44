"""DPIA status for the quarterly report: is one required, is it draft or validated (and when),
and has the evidence behind a validated DPIA changed since (a new sensitive column, a risk up)?

Works from a run folder's result files (``pii_inventory.json``, ``findings.json``,
``simulation.json``, ``risk_register.csv``) so the report needs no second scan or simulation.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from .answers import load_answers
from .content import load_content
from .document import build
from .evidence import from_results

REVIEW_DAYS = 365  # a DPIA is a living document: review at least yearly (WP248 rev.01, p. 14)


def dpia_status(results_dir: str | Path, answers: str | Path | None = "", lang: str = "en") -> dict[str, Any]:
    """The DPIA status block: required?, status, last validated, warnings (evidence changes)."""
    content = load_content()
    ev = from_results(results_dir)
    ans = load_answers(answers if answers and Path(answers).is_file() else None, content)
    doc = build(ev, content, ans, lang=lang)
    s, v = doc["screening"], doc["validation"]
    on_record = bool(ans.data.history or ans.data.answers)
    warnings = list(v["evidence_changed"])
    if answers and not Path(answers).is_file():
        warnings.append(f"DPIA answers file not found: {Path(answers).name}")
    if s["required"] and not on_record:
        warnings.append("a DPIA is required and none is on record: run notebook 06_dpia or `workbench dpia`")
    elif s["required"] and v["status"] != "validated" and v["last_validated"] is None:
        warnings.append("a DPIA is required and is still a draft")
    if v["status"] == "validated" and not v["evidence_recorded"]:
        warnings.append("validated without recorded evidence (edited by hand): save it through notebook 06_dpia")
    if v["last_validated"] and ev.as_of:
        try:
            age = (dt.date.fromisoformat(ev.as_of) - dt.date.fromisoformat(v["last_validated"][:10])).days
        except ValueError:
            age = None
        if age is not None and age > REVIEW_DAYS:
            warnings.append(f"last validated {age} days before {ev.as_of}: review it (at least yearly)")
    return {"required": s["required"], "dpia_required": s["dpia_required"], "pipia_required": s["pipia_required"],
            "reasons": s["reasons"], "status": v["status"] if on_record else "none",
            "last_validated": v["last_validated"], "validated_by": v["validated_by"],
            "answers_version": v["answers_version"], "warnings": warnings,
            "risks": doc["risk_map"]["before"]}


def status_table(status: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The status as a two-column table for the report, in ``lang`` (the message catalogue)."""
    from ..i18n import maybe, t

    yn = {True: t("value.yes", lang), False: t("value.no", lang)}
    rows = [(t("dpia.table.required", lang), t("dpia.table.required_value", lang, required=yn[status["required"]],
                                                  dpia=yn[status["dpia_required"]], pipia=yn[status["pipia_required"]])),
            (t("dpia.table.status", lang), maybe(f"dpia.status.{status['status']}", str(status["status"]), lang)),
            (t("dpia.table.last_validated", lang), status["last_validated"] or t("dpia.label.never", lang)),
            (t("dpia.table.risks", lang), ", ".join(f"{maybe(f'dpia.short.' + str(r['id']), str(r['id']), lang) if lang != 'en' else r['id']} "
                                                    f"{r['severity']}×{r['likelihood']}" for r in status["risks"]))]
    rows += [(t("dpia.table.warning", lang), t(f"dpia.warning.{_WARNINGS[w]}", lang) if w in _WARNINGS else w)
             for w in status["warnings"]]
    return pd.DataFrame(rows, columns=["item", "value"])


_WARNINGS = {"none_on_record": "a DPIA is required and none is on record: run notebook 06_dpia or `workbench dpia`",
             "draft": "a DPIA is required and is still a draft"}
_WARNINGS = {v: k for k, v in _WARNINGS.items()}  # the English text → its catalogue key


def report_table(results_dir: str | Path, answers: str | Path | None = "", lang: str | None = None) -> pd.DataFrame:
    """What the quarterly report shows: :func:`status_table`, or one row saying why there is no
    status (a run folder without ``pii_inventory.json``, e.g. the executive notebook run alone)."""
    from ..errors import InputError
    from ..i18n import current, t

    lang = lang or current()
    try:
        return status_table(dpia_status(results_dir, answers, lang), lang)
    except InputError as e:
        return pd.DataFrame([(t("dpia.table.title", lang), t("dpia.table.unavailable", lang, why=e.message))],
                            columns=["item", "value"])
