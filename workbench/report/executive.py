"""Tables and figures of the executive notebook (``10_quarterly_report``).

They read only this run's result files (findings.json, risk_register.csv, simulation.json,
training.json — DESIGN contracts) and, when there is one, the previous quarter's folder.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import write_json_atomic
from .. import i18n
from ..breach.text import said
from ..checks.catalog import control_text, owner_text
from ..i18n import current, t, term
from ..presentation import Table, count, date, money, percent, score, show, text
from . import drift as drift_mod
from . import history
from .results import (Results, _overdue, compute_results, load_results, training_by_department,  # noqa: F401 (API)
                      training_completion)

DOMAINS = ("encryption", "access", "backup", "privacy", "data", "training")
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


# ---------------------------------------------------------------- headline
GREEN, AMBER = 80.0, 60.0  # RAG thresholds of a 0–100 score (the posture notebook's bar colours)


def rag(value: float | None) -> str:
    """Red/amber/green status of a score: green ≥ 80, amber ≥ 60, red below; "" when unscored."""
    if value is None:
        return ""
    return "green" if value >= GREEN else "amber" if value >= AMBER else "red"


def summary_markdown(r: Results) -> str:
    """The facts under the first screen's verdict: data date, trend, failed checks of how many,
    what could not be assessed, actions needing attention, loss change, training. The title is
    the report's header (shown once); the verdict, risks and actions are :mod:`.first_screen`."""
    s = r.history["scores"]["overall"]
    d = r.history["findings"]
    loss = r.history["expected_loss"]
    found = [f for f in r.findings.get("findings", []) or [] if isinstance(f, dict)]
    assessed = sum(1 for f in found if f.get("status") in ("pass", "fail"))
    lines = [t("summary.dataset", dataset=text(r.findings.get("dataset", "")), as_of=text(date(r.findings.get("as_of"))))]
    if r.history.get("freshness"):
        lines += ["", f"**{t('summary.warning', text=text(r.history['freshness']))}**"]
    lines.append("")
    if r.previous_quarter and s["previous"] is not None:
        lines.append("- " + t("summary.trend", trend=s["trend"], previous=score(s["previous"]),
                                quarter=text(r.previous_quarter)))
    failed = "- " + t("summary.failed", failed=count(len(d["failing"])), total=count(assessed))
    if r.previous_quarter:
        failed += t("summary.failed_changes", new=count(len(d["new"])), persisting=count(len(d["persisting"])),
                    resolved=count(len(d["resolved"])))
    if d["accepted"]:
        failed += t("summary.accepted", n=count(len(d["accepted"])))
    if r.previous_quarter or d["accepted"]:  # the bare count is in the first screen's verdict
        lines.append(failed)
    blind = [b for b in r.findings.get("insufficient_data") or [] if isinstance(b, dict)]
    if blind:  # never reported as a pass: say on the first screen what could not be seen
        lines.append("- " + t("summary.blind", n=count(len(blind)), total=count(len(found)))
                     + "; ".join(f"{text(b.get('id'))} ({text(b.get('why') or b.get('title') or '')})" for b in blind))
    flags = [a["flag"] for a in r.actions if a["flag"] and a["flag"] != "no action recorded"]
    if flags:
        counts = {f: flags.count(f) for f in dict.fromkeys(flags)}
        lines.append("- " + t("summary.flags") + ", ".join(f"{n} {term('value', f)}" for f, n in counts.items()))
    if loss["current"] is not None and loss["previous"] is not None:
        lines.append("- " + t("summary.loss_change", trend=loss["trend"],
                              change=money(loss["change"], loss["currency"], signed=True), quarter=text(r.previous_quarter)))
    comp = training_completion(r.training)
    if comp is not None:
        lines.append("- " + t("summary.training", completion=percent(comp))
                     + (t("summary.simulated") if r.training.get("simulated") else ""))
    elif r.training.get("note"):
        lines.append("- " + t("summary.training_note", note=text(r.training["note"])))
    if not r.previous_quarter:
        lines += ["", f"*{t('summary.no_previous')}*"]
    return "\n".join(lines)


# ---------------------------------------------------------------- tables (formatted, escaped)
def scorecard(r: Results) -> Table:
    """Overall and domain scores with their red/amber/green status, and the trend when there is
    a previous quarter."""
    rows = []
    for key, v in r.history["scores"].items():
        row = {"score": term("domain", key), "this quarter": v["current"], "status": rag(v["current"]) or "not scored"}
        if r.previous_quarter:
            row.update({"previous": v["previous"], "change": v["change"], "trend": v["trend"] or "—"})
        rows.append(row)
    return show(pd.DataFrame(rows), kinds={"this quarter": "score", "previous": "score", "change": "score"},
                empty=t("empty.scores"))


def findings_changes(r: Results) -> Table:
    """Every failed check of this quarter (and those resolved since the previous one)."""
    now, before = history.failed_ids(r.findings), history.failed_ids(r.previous_findings)
    d = r.history["findings"]
    groups = [("accepted risk", d["accepted"])]
    groups += [("new", d["new"]), ("persisting", d["persisting"]), ("resolved", d["resolved"])] if r.previous_quarter \
        else [("failing", [c for c in d["failing"] if c not in d["accepted"]])]
    rows = []
    for change, ids in groups:
        for cid in ids:
            f = now.get(cid) or before.get(cid) or {}
            row = {"check": cid, "change": change, "severity": f.get("severity", ""), "domain": f.get("domain", ""),
                   "title": control_text(cid, "title", current()) or f.get("title", ""),
                   "affected": of_total(now.get(cid))}
            if r.previous_quarter:
                row["affected before"] = of_total(before.get(cid))
            rows.append(row)
    df = pd.DataFrame(rows)
    if not df.empty:
        df["_s"] = df["severity"].map(_SEVERITY).fillna(9)
        df = df.sort_values(["_s", "check"], kind="stable").drop(columns="_s")
    return show(df, kinds={"affected": "text", "affected before": "text"}, empty=t("empty.no_failed"))


def of_total(f: dict[str, Any] | None) -> str | None:
    """A finding's count with what it counts and of how many: "51 of 2,988 records"."""
    if not f or f.get("affected") is None:
        return None
    unit = i18n.maybe(f"dpia.unit.{str(f.get('unit') or '').replace(' ', '_')}", str(f.get("unit") or ""))
    if f.get("total") is None:
        return f"{count(f['affected'])} {unit}".strip()
    return t("count.of_unit", n=count(f["affected"]), total=count(f["total"]), unit=unit).strip()


def top_risks(r: Results, n: int = 10) -> Table:
    """The ``n`` highest-rated rows of the risk register."""
    reg = r.register
    if reg.empty:
        return show(reg, empty=t("empty.register"))
    key = next((c for c in ("rating", "score", "risk") if c in reg.columns), None)
    reg = reg.sort_values([key, reg.columns[0]], ascending=[False, True], kind="stable") if key else reg
    keep = [c for c in ("id", "check", "title", "likelihood", "impact", "rating", "level", "owner", "due_date")
            if c in reg.columns] or list(reg.columns)
    top = reg[keep].head(n).reset_index(drop=True)
    if "title" in top.columns and "id" in top.columns:
        top["title"] = [control_text(str(i), "title", current()) or str(x) for i, x in zip(top["id"], top["title"])]
    if "owner" in top.columns:
        top["owner"] = [owner_text(str(o), current()) for o in top["owner"]]
    top.insert(0, "rank", range(1, len(top) + 1))
    return show(top)


def actions_table(r: Results) -> Table:
    """Actions from ``actions.yaml`` and failed checks without one; flagged rows first."""
    recorded = [a for a in r.actions if a["status"] is not None]
    unowned = [a["risk"] for a in r.actions if a["status"] is None]
    if not recorded:
        why = t("empty.no_actions")
        return show(pd.DataFrame(), empty=why + (t("empty.unowned", ids=", ".join(unowned)) if unowned else ""))
    # failed checks nobody owns are named in one caption line, not as rows of dashes
    rows = sorted(recorded, key=lambda a: (a["flag"] == "", a["risk"]))
    caption = t("empty.unowned_caption", ids=", ".join(unowned)) if unowned else ""
    df = pd.DataFrame(rows, columns=["risk", "title", "owner", "status", "due", "finding", "flag", "approver",
                                     "expires", "reason"])
    if r.previous_actions:  # carried across quarters: how each stood last quarter
        last = {k: " — ".join(x for x in (a.get("status"), a.get("flag")) if x) for k, a in r.previous_actions.items()}
        df["last quarter"] = df["risk"].map(last)
    return show(df.dropna(axis=1, how="all"), caption=caption)


def drift_table(r: Results) -> Table:
    """Personal-data columns and categories that appeared, grew or disappeared since last quarter."""
    d = r.history.get("inventory_drift")
    if d is None:
        why = t("empty.drift_no_previous") if not r.previous_quarter else t("empty.drift_no_inventory")
        return show(pd.DataFrame(), empty=t("empty.not_compared", why=why))
    return show(pd.DataFrame(drift_mod.rows(d)), empty=t("empty.drift_none"))


def _loss_frame(r: Results) -> pd.DataFrame:
    prev = {s.get("id"): s for s in (r.previous_simulation or {}).get("scenarios", [])}
    rows = []
    for s in r.simulation.get("scenarios", []):
        loss = s.get("loss", {})
        rate = history._num(s.get("loss_events_per_year"))
        row = {"scenario": _scenario_title(s), "records exposed": (s.get("exposure") or {}).get("records"),
               "chance of a loss event per year": None if rate is None else 1 - math.exp(-rate),
               "mean": loss.get("mean"), "p90": loss.get("p90"), "p95": loss.get("p95"), "p99": loss.get("p99")}
        if r.previous_simulation:
            before = ((prev.get(s.get("id")) or {}).get("loss") or {}).get("mean")
            row["change"] = None if before is None or loss.get("mean") is None else loss["mean"] - before
        rows.append(row)
    t = r.simulation.get("total") or {}
    if t:
        row = {"scenario": i18n.t("loss.all_scenarios"), "records exposed": None, "chance of a loss event per year": None,
               "mean": t.get("mean"), "p90": t.get("p90"), "p95": t.get("p95"), "p99": t.get("p99")}
        if r.previous_simulation:
            before = ((r.previous_simulation or {}).get("total") or {}).get("mean")
            row["change"] = None if before is None or t.get("mean") is None else t["mean"] - before
        rows.append(row)
    return pd.DataFrame(rows)


def loss_table(r: Results) -> Table:
    """Annualised loss per scenario: chance of a loss event, mean and tail percentiles, change."""
    df = _loss_frame(r)
    return show(df, currency=r.currency, kinds={"records exposed": "count"}, empty=t("empty.no_scenario"))


def training_table(r: Results) -> Table:
    """Training headline figures, with last quarter's beside them when there is one."""
    t, p = r.training, r.previous_training or {}
    od, odp = _overdue(t)
    pod, podp = _overdue(p) if p else (None, None)
    rows = [("completion", percent(training_completion(t)), percent(training_completion(p)) if p else None),
            ("mean score", percent(history._num(t.get("mean_score"))), percent(history._num(p.get("mean_score")))),
            ("pass rate", percent(history._num(t.get("pass_rate"))), percent(history._num(p.get("pass_rate")))),
            ("overdue staff", od, pod), ("overdue staff in privileged roles", odp, podp)]
    cols = ["measure", "this quarter"] + (["previous"] if r.previous_training else [])
    df = pd.DataFrame([dict(zip(cols, (m, c, v))) for m, c, v in rows if c not in (None, "—")], columns=cols)
    return show(df, kinds={"this quarter": "text", "previous": "text"},
                empty=str(t.get("note") or i18n.t("empty.training")))


def training_departments(r: Results) -> Table:
    dep = training_by_department(r.training)
    prev = training_by_department(r.previous_training)
    df = pd.DataFrame([{"department": k, "completion": v, **({"previous": prev.get(k)} if prev else {})}
                       for k, v in sorted(dep.items())])
    return show(df, kinds={"completion": "percent", "previous": "percent"}, empty=t("empty.departments"))


def notification_table(r: Results) -> Table:
    """Who must be told, by when, after a breach: one row per jurisdiction and recipient."""
    seen: dict[tuple, dict[str, Any]] = {}
    for s in r.simulation.get("scenarios", []):
        for n in s.get("notifications", []) or []:
            key = (n.get("jurisdiction", ""), n.get("to", ""), n.get("deadline_hours"), n.get("basis", ""))
            # the recipient and basis in the reader's language from the keys stored beside the English
            row = seen.setdefault(key, {"jurisdiction": key[0], "deadline_hours": key[2],
                                        "notify": said(n, "to") or term("recipient", key[1]),
                                        "deadline": n.get("deadline") or n.get("trigger") or "",
                                        "basis": said(n, "basis") or term("basis", key[3]),
                                        "records at most": None, "scenarios": set()})
            row["scenarios"].add(s.get("id", ""))
            rec = history._num(n.get("records"))
            if rec is not None:
                row["records at most"] = max(rec, row["records at most"] or 0)
    n_scen = len(r.simulation.get("scenarios", []) or [])
    df = pd.DataFrame([{**v, "scenarios": t("count.of", n=count(len(v["scenarios"])), total=count(n_scen))}
                       for v in seen.values()])
    if df.empty:
        return show(df, empty=t("empty.no_notification"))
    df["_d"] = pd.to_numeric(df["deadline_hours"], errors="coerce").fillna(1e9)
    df = df.sort_values(["jurisdiction", "_d", "notify"], kind="stable").drop(columns="_d").reset_index(drop=True)
    # "deadline" (the law's words) feeds the deadline formatter, then the column goes
    out = show(df, kinds={"records at most": "count", "scenarios": "text", "deadline": "text"})
    dl = term("column", "deadline")
    out.frame = out.frame.drop(columns=[dl]).rename(columns={term("column", "deadline hours"): dl})
    return out


def _scenario_title(s: dict[str, Any]) -> str:
    return i18n.maybe(f"scenario.{s.get('id')}", str(s.get("title") or s.get("id") or ""))


def _actions_frame(r: Results) -> pd.DataFrame:
    from .first_screen import why_nothing

    titles = {str(s.get("id")): _scenario_title(s) for s in r.simulation.get("scenarios", []) or []}
    total = history._num((r.simulation.get("total") or {}).get("mean"))
    rows = []
    for w in r.simulation.get("what_if", []) or []:
        red = history._num(w.get("mean_reduction"))
        share = history._num(w.get("reduction_share"))
        if share is None and red is not None and total:
            share = red / total
        rows.append({"action": i18n.maybe(f"control.{w.get('control')}", str(w.get("description") or w.get("title")
                                                                           or w.get("control"))),
                     "control": w.get("control"), "expected loss reduction": red, "share of expected loss": share,
                     "why it saves nothing": why_nothing(w, titles) if not red else None})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values(["expected loss reduction", "control"], ascending=[False, True], kind="stable",
                          na_position="last").reset_index(drop=True)


def next_actions(r: Results) -> Table:
    """The simulator's what-if controls ranked by expected-loss reduction."""
    df = _actions_frame(r)
    if not df.empty:
        df.insert(0, "rank", range(1, len(df) + 1))
    if not df.empty and df["why it saves nothing"].isna().all():
        df = df.drop(columns="why it saves nothing")
    return show(df, currency=r.currency, empty=t("empty.no_whatif"))


def write_history(r: Results, output_dir: str | Path) -> Path | None:
    """Write ``history.json`` (the comparison with last quarter) into ``output_dir`` atomically."""
    if not str(output_dir):
        return None
    return write_json_atomic(Path(output_dir) / "history.json", r.history)
