"""The first screen of the quarterly report: the verdict, the three largest risks in money (with
owner and due date) and the three actions that save most. Every string comes from the message
catalogue (:mod:`workbench.i18n`); every value is escaped.

A risk is a breach scenario (its expected annual loss and its 1-in-100-year loss); its owner and
due date are those of the failed check behind the control that lowers it most (the simulator's
what-if), taken from ``actions.yaml`` when an action is recorded, else from the risk register.
"""
from __future__ import annotations

import re
from typing import Any

from .. import i18n
from ..checks.catalog import owner_text
from ..boundary import safe_html
from ..presentation import MISSING, cell, count, date, money, percent, score
from . import history
from ..breach.text import said_text
from .executive import rag
from .results import Results
from .export import TOC_MARKER

# The checks behind each what-if control (workbench.breach.posture.CONTROLS): who owns the fix.
CONTROL_CHECKS: dict[str, tuple[str, ...]] = {
    "mfa-all-privileged": ("AC-001",),
    "encrypt-national-ids": ("ENC-001",),
    "immutable-offsite-backups": ("BK-003", "BK-004"),
    "train-everyone": ("TRN-001",),
    "encrypt-backups": ("BK-005",),
    "redact-notes": ("PII-001",),
    "encrypt-ids-and-redact-notes": ("ENC-001", "PII-001"),
}


def _h(value: Any) -> str:
    """A value for this HTML block: formatted, then through the output boundary (escaped, masked)."""
    return safe_html(cell(value))


class Block:
    """Ready HTML for a notebook cell (``_repr_html_``), plain text for terminals."""

    def __init__(self, body: str, plain: str = "") -> None:
        self.body, self.plain = body, plain

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return self.plain or re.sub(r"<[^>]+>", " ", self.body)


def scenario_title(s: dict[str, Any]) -> str:
    """A scenario's title in the reader's language (never its slug when a title exists)."""
    sid = str(s.get("id") or "")
    return i18n.maybe(f"scenario.{sid}", str(s.get("title") or sid))


def control_title(w: dict[str, Any]) -> str:
    cid = str(w.get("control") or "")
    return i18n.maybe(f"control.{cid}", str(w.get("description") or cid))


def check_title(f: dict[str, Any]) -> str:
    """A check's failure title in the reader's language (controls.yaml ``title_zh``)."""
    from ..checks.catalog import control_text

    return control_text(str(f.get("id") or ""), "title", i18n.current()) or str(f.get("title") or f.get("id") or "")


def zero_reason(reason: str, titles: dict[str, str]) -> tuple[str, str]:
    """One of the simulator's reasons (``lawtext.scenario_reason`` in simulation.json: "<scenario>: <reason.*>")
    as (scenario title, why) in the reader's language, from the catalogue key its English was made from."""
    from ..breach.text import parse

    sid, _, rest = str(reason).partition(": ")
    for name, text in ((titles.get(sid, sid), parse(rest, "reason.")), ("", parse(str(reason), "reason."))):
        if text is not None:   # a scenario's reason, else one for no scenario ("no scenario is affected")
            return name, i18n.t(text.key, **{k: i18n.term("input", v) if k == "input" else v for k, v in text.params.items()})
    return (titles.get(sid, sid), rest) if rest else ("", str(reason))


def why_nothing(w: dict[str, Any], titles: dict[str, str]) -> str:
    """Why an action saves nothing: each distinct reason once, followed by the scenarios (by title) it holds for."""
    grouped: dict[str, list[str]] = {}
    keyed = ((w.get("i18n") or {}).get("no_saving") or {})
    if keyed:   # written with its catalogue keys (text.with_keys): no English to parse back
        for sid in keyed:
            why = said_text((keyed[sid].get("params") or {}).get("reason"))
            grouped.setdefault(why or str(w["no_saving"].get(sid, "")), []).append(titles.get(sid, sid))
    for x in ([] if keyed else list((w.get("no_saving") or {}).values())
              or [x for x in str(w.get("reason") or "").split("; ") if x]):
        name, why = zero_reason(x, titles)
        grouped.setdefault(why, []).append(name)
    sep = i18n.t("common.list_sep")
    return "; ".join(i18n.t("common.reason_for", why=why, scenarios=sep.join(n for n in names if n)) if any(names) else why
                     for why, names in grouped.items()) or i18n.t("reason.no_effect")


def _register(r: Results) -> dict[str, dict[str, Any]]:
    reg = r.register
    if reg.empty or "id" not in reg.columns:
        return {}
    return {str(row["id"]): row for row in reg.to_dict("records")}


def _owner(r: Results, checks: tuple[str, ...]) -> tuple[str, str, str]:
    """(check, owner, due) of the first failing check of ``checks``: actions.yaml first, then the register."""
    reg, acts = _register(r), {a["risk"]: a for a in r.actions if a.get("status") is not None}
    for cid in checks:
        if cid in acts:
            return cid, str(acts[cid]["owner"]), date(acts[cid].get("due") or acts[cid].get("expires"))
        if cid in reg:
            return cid, owner_text(str(reg[cid].get("owner") or MISSING), i18n.current()), date(reg[cid].get("due_date"))
    return "", MISSING, MISSING


def largest_risks(r: Results, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` scenarios with the largest expected annual loss, each with the control that lowers
    it most and that control's owner and due date."""
    scen = sorted((s for s in r.simulation.get("scenarios", []) or [] if history._num((s.get("loss") or {}).get("mean"))),
                  key=lambda s: (-float(s["loss"]["mean"]), str(s.get("id"))))[:n]
    whatifs = r.simulation.get("what_if", []) or []
    out = []
    for s in scen:
        best = max(whatifs, key=lambda w: ((w.get("by_scenario") or {}).get(s.get("id")) or 0.0), default=None)
        saves = (best.get("by_scenario") or {}).get(s.get("id")) or 0.0 if best else 0.0
        cid, owner, due = _owner(r, CONTROL_CHECKS.get(best["control"], ())) if best and saves > 0 else ("", MISSING, MISSING)
        out.append({"title": scenario_title(s), "mean": s["loss"]["mean"], "p99": (s.get("loss") or {}).get("p99"),
                    "fix": control_title(best) if best and saves > 0 else "", "check": cid, "owner": owner, "due": due})
    return out


def best_actions(r: Results, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` what-if controls that save most, with the owner and due date of their check."""
    ws = sorted(r.simulation.get("what_if", []) or [], key=lambda w: (-(history._num(w.get("mean_reduction")) or 0.0),
                                                                   str(w.get("control"))))[:n]
    out = []
    for w in ws:
        cid, owner, due = _owner(r, CONTROL_CHECKS.get(str(w.get("control")), ()))
        out.append({"title": control_title(w), "saves": history._num(w.get("mean_reduction")) or 0.0,
                    "share": history._num(w.get("reduction_share")), "check": cid, "owner": owner, "due": due})
    return out


def _table(head: list[str], rows: list[list[str]], num: set[int]) -> str:
    th = "".join(f"<th>{safe_html(h)}</th>" for h in head)
    def td(i: int, c: str) -> str:  # money right-aligned, the due date (last column) never broken
        cls = "num" if i in num and len(c) < 40 else "tok" if i == len(head) - 1 else ""
        return f'<td class="{cls}">{c}</td>' if cls else f"<td>{c}</td>"

    body = "".join("<tr>" + "".join(td(i, c) for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return f'<table class="wb short"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def verdict(r: Results) -> str:
    """One sentence: status, score, failed checks of how many, expected and 1-in-100-year loss."""
    s = r.history["scores"]["overall"]
    found = [f for f in r.findings.get("findings", []) or [] if isinstance(f, dict)]
    failed = sum(1 for f in found if f.get("status") == "fail")
    assessed = sum(1 for f in found if f.get("status") in ("pass", "fail"))
    status = rag(s["current"])
    lacking = sum(1 for f in found if f.get("status") == "insufficient_data")
    applicable = sum(1 for f in found if f.get("status") != "not_applicable")
    head = (i18n.t("first.verdict", status=i18n.t(f"value.{status}"), score=score(s["current"]))
            if s["current"] is not None
            else i18n.t("first.not_assessable", lacking=count(lacking), total=count(applicable))
            if r.findings.get("overall_reason") else i18n.t("first.not_measured"))
    parts = [i18n.t("first.failed", failed=count(failed), total=count(assessed))]
    blind = [b for b in r.findings.get("insufficient_data") or [] if isinstance(b, dict)]
    if blind:  # never a pass: what could not be seen belongs on the first screen
        parts.append(i18n.t("first.blind", n=count(len(blind)), total=count(len(found)),
                            ids=", ".join(str(b.get("id")) for b in blind)))
    t = r.simulation.get("total") or {}
    if t.get("mean") is not None:
        parts.append(i18n.t("first.loss", mean=money(t["mean"], r.currency), p99=money(t.get("p99"), r.currency)))
    return (f'<p class="verdict verdict-{status or "none"}"><strong>{safe_html(head)}</strong> '
            f'{safe_html(" ".join(parts))}</p>')


def first_screen(r: Results) -> Block:
    """Verdict, three largest risks, three best actions, then the contents box (placed by the export)."""
    out = [verdict(r)]
    risks = largest_risks(r)
    if risks:
        rows = [[_h(x["title"]), _h(money(x["mean"], r.currency)), _h(money(x["p99"], r.currency)),
                 _h(x["fix"] or i18n.t("first.no_fix")), _h(x["owner"]), _h(x["due"])] for x in risks]
        out += [f"<h3>{safe_html(i18n.t('first.risks_title'))}</h3>",
                _table([i18n.t(f"first.col.{k}") for k in ("risk", "mean", "p99", "fix", "owner", "due")], rows, {1, 2})]
    acts = best_actions(r)
    if acts:
        titles = {str(s.get("id")): scenario_title(s) for s in r.simulation.get("scenarios", []) or []}
        ws = {control_title(w): w for w in r.simulation.get("what_if", []) or []}
        rows = [[_h(a["title"]), _h(money(a["saves"], r.currency)) if a["saves"] > 0
                 else _h(i18n.t("first.saves_nothing", why=why_nothing(ws[a["title"]], titles))),
                 _h(percent(a["share"], 1)) if a["saves"] > 0 else MISSING, _h(a["owner"]), _h(a["due"])]
                for a in acts]
        out += [f"<h3>{safe_html(i18n.t('first.actions_title'))}</h3>",
                _table([i18n.t(f"first.col.{k}") for k in ("action", "saves", "share", "owner", "due")], rows, {1, 2})]
    return Block(f'<div class="wb-first-screen">{"".join(out)}</div>{TOC_MARKER}')
