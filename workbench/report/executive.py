"""Tables and figures of the executive notebook (``10_quarterly_report``).

They read only this run's result files (findings.json, risk_register.csv, simulation.json,
training.json — DESIGN contracts) and, when there is one, the previous quarter's folder.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ExecutionError, InputError
from ..files import write_json_atomic
from . import history

DOMAINS = ("encryption", "access", "backup", "privacy", "data", "training")
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


@dataclass
class Results:
    """This quarter's results and, if found, the previous quarter's."""

    quarter: str
    folder: Path
    findings: dict[str, Any]
    register: pd.DataFrame
    simulation: dict[str, Any]
    training: dict[str, Any]
    previous_quarter: str | None = None
    previous_findings: dict[str, Any] | None = None
    previous_simulation: dict[str, Any] | None = None
    previous_training: dict[str, Any] | None = None
    history: dict[str, Any] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return str(self.simulation.get("currency") or "")


def _require(folder: Path, name: str) -> dict[str, Any]:
    data = history.read_json(folder / name)
    if data is None:
        raise InputError(f"{folder / name}: missing or not a JSON object",
                         hint="results_dir must hold this run's findings.json, simulation.json and training.json")
    return data


def load_results(results_dir: str | Path, previous_dir: str | Path = "", *, quarter: str = "",
                 dataset: str | Path = "") -> Results:
    """Read a run's result files; with ``results_dir == ""`` compute them for ``dataset`` first."""
    if not str(results_dir):
        if not str(dataset):
            raise InputError("neither results_dir nor dataset was given", hint="set one of the two parameters")
        results_dir = compute_results(dataset)
    folder = Path(results_dir)
    reg_path = folder / "risk_register.csv"
    register = pd.read_csv(reg_path) if reg_path.is_file() and reg_path.stat().st_size else pd.DataFrame()
    prev = Path(previous_dir) if str(previous_dir) else None
    res = Results(quarter=str(quarter), folder=folder, findings=_require(folder, "findings.json"), register=register,
                  simulation=_require(folder, "simulation.json"), training=_require(folder, "training.json"))
    if prev is not None:
        res.previous_findings = history.read_json(prev / "findings.json")
        res.previous_simulation = history.read_json(prev / "simulation.json")
        res.previous_training = history.read_json(prev / "training.json")
        res.previous_quarter = prev.name if res.previous_findings is not None else None
    res.history = history.history(folder, prev if res.previous_quarter else None, str(quarter))
    return res


def compute_results(dataset: str | Path, out_dir: str | Path | None = None, *, trials: int = 20_000,
                    seed: int = 7, store: str | None = None) -> Path:
    """Run assessment, simulation and training summary for ``dataset`` into ``out_dir`` (a new
    temporary folder by default) — what the notebook does when run alone with its defaults."""
    try:
        from .. import assess as assess_mod
        from .. import breach, training
        from ..dataset import load_dataset
    except ImportError as e:
        raise ExecutionError(f"cannot compute results: {e}", hint="run `workbench report` instead") from None
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="workbench-results-"))
    out.mkdir(parents=True, exist_ok=True)
    ds = load_dataset(dataset)
    assessment = assess_mod.assess(ds)
    assess_mod.write_outputs(assessment, out)
    findings = history.read_json(out / "findings.json")
    breach.write_simulation(breach.simulate(ds, findings, trials=trials, seed=seed), out)
    # real records only (the store, else the dataset's training_results); never a simulated cohort
    write_json_atomic(out / "training.json", training.training_summary(ds, store))
    return out


# ---------------------------------------------------------------- training.json accessors
def training_completion(t: dict[str, Any] | None) -> float | None:
    """Overall completion (0–1) from training.json, tolerant of its two usual shapes."""
    if not t:
        return None
    c = t.get("completion", t.get("completion_rate"))
    if isinstance(c, dict):
        c = c.get("overall", c.get("rate"))
    return history._num(c)


def training_by_department(t: dict[str, Any] | None) -> dict[str, float]:
    if not t:
        return {}
    c = t.get("completion")
    dep = (c.get("by_department") if isinstance(c, dict) else None) or t.get("by_department") or {}
    if isinstance(dep, list):  # [{"department": .., "completion": ..}]
        dep = {d.get("department"): d.get("completion", d.get("rate")) for d in dep if isinstance(d, dict)}
    out = {}
    for k, v in dep.items():  # value: a share, or {"staff", "current", "share"}
        v = history._num(v.get("share", v.get("completion")) if isinstance(v, dict) else v)
        if v is not None:
            out[str(k)] = v
    return out


def _overdue(t: dict[str, Any]) -> tuple[float | None, float | None]:
    o = t.get("overdue")
    if isinstance(o, dict):
        return history._num(o.get("count", o.get("staff"))), history._num(o.get("privileged"))
    return history._num(o if o is not None else t.get("overdue_count")), history._num(t.get("overdue_privileged"))


# ---------------------------------------------------------------- tables
def show(df: pd.DataFrame) -> Any:
    """Display form of a table: thousands separators, no spurious decimals, "—" for missing."""
    if df.empty:
        return df
    fmt: dict[str, Any] = {}
    for c in df.columns:
        v = pd.to_numeric(df[c], errors="coerce")
        if v.notna().sum() < df[c].notna().sum() or pd.api.types.is_bool_dtype(df[c]):
            continue  # text column
        whole = bool(((v.dropna() % 1) == 0).all())
        fmt[c] = "{:,.0f}" if whole or v.abs().max() >= 1000 else "{:,.1f}"
    # escape="html": cells, index and headers may carry data values (departments, roles): the
    # output boundary escapes them so that markup in a CRM field never becomes a live element
    styled = (df.style.format(fmt, na_rep="—", escape="html")
              .format(na_rep="—", subset=[c for c in df.columns if c not in fmt], escape="html")
              .format_index(escape="html", axis=0).format_index(escape="html", axis=1))
    # a default 0..n-1 index carries no meaning for a reader: hide it
    return styled.hide(axis="index") if isinstance(df.index, pd.RangeIndex) and df.index.name is None else styled


def summary_markdown(r: Results) -> str:
    """The headline paragraph: score, change, failures, expected loss."""
    s = r.history["scores"]["overall"]
    d = r.history["findings"]
    loss = r.history["expected_loss"]
    title = f"# Quarterly privacy risk report — {r.quarter}" if r.quarter else "# Quarterly privacy risk report"
    overall = f"**Overall score {s['current']:.0f}/100**" if s["current"] is not None else "**Overall score: n/a**"
    if r.previous_quarter and s["previous"] is not None:
        overall += f" {s['trend']} (was {s['previous']:.0f} in {r.previous_quarter})"
    lines = [title, "", f"Dataset *{r.findings.get('dataset', '')}*, data as of {r.findings.get('as_of', '')}.", "",
             f"- {overall}",
             f"- Failed checks: {len(history.failed_ids(r.findings))} — new {len(d['new'])}, "
             f"resolved {len(d['resolved'])}, persisting {len(d['persisting'])}"]
    if loss["current"] is not None:
        text = f"- Expected annual loss: {_money(loss['current'], loss['currency'])}"
        if loss["previous"] is not None:
            text += f" {loss['trend']} ({_signed_money(loss['change'], loss['currency'])} since {r.previous_quarter})"
        lines.append(text)
    comp = training_completion(r.training)
    if comp is not None:
        lines.append(f"- Training completion: {comp:.0%}" + (" (SIMULATED results — demo store)"
                                                              if r.training.get("simulated") else ""))
    elif r.training.get("note"):
        lines.append(f"- Training: {r.training['note']}")
    if not r.previous_quarter:
        lines += ["", f"*{history.NO_PREVIOUS.capitalize()}: trends start next quarter.*"]
    return "\n".join(lines)


def scorecard(r: Results) -> pd.DataFrame:
    """Overall and domain scores: this quarter, previous, change, trend arrow."""
    rows = []
    for key, v in r.history["scores"].items():
        rows.append({"score": key, "this quarter": v["current"], "previous": v["previous"], "change": v["change"],
                     "trend": v["trend"] or "—"})
    return pd.DataFrame(rows).set_index("score") if rows else pd.DataFrame()


def findings_changes(r: Results) -> pd.DataFrame:
    """Every failed check of this or the previous quarter: new, persisting or resolved."""
    now, before = history.failed_ids(r.findings), history.failed_ids(r.previous_findings)
    rows = []
    for change, ids in (("new", r.history["findings"]["new"]), ("persisting", r.history["findings"]["persisting"]),
                        ("resolved", r.history["findings"]["resolved"])):
        for cid in ids:
            f = now.get(cid) or before.get(cid) or {}
            rows.append({"check": cid, "change": change, "severity": f.get("severity", ""),
                         "domain": f.get("domain", ""), "title": f.get("title", ""),
                         "affected": (now.get(cid) or {}).get("affected") if cid in now else None,
                         "affected before": (before.get(cid) or {}).get("affected") if cid in before else None})
    if not rows:
        return pd.DataFrame(columns=["check", "change", "severity", "domain", "title", "affected", "affected before"])
    df = pd.DataFrame(rows)
    for c in ("affected", "affected before"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    df["_s"] = df["severity"].map(_SEVERITY).fillna(9)
    return df.sort_values(["_s", "check"], kind="stable").drop(columns="_s").set_index("check")


def top_risks(r: Results, n: int = 10) -> pd.DataFrame:
    """The ``n`` highest-rated rows of the risk register."""
    reg = r.register
    if reg.empty:
        return reg
    key = next((c for c in ("rating", "score", "risk") if c in reg.columns), None)
    reg = reg.sort_values([key, reg.columns[0]], ascending=[False, True], kind="stable") if key else reg
    keep = [c for c in ("id", "check", "title", "domain", "severity", "affected", "likelihood", "impact", "rating",
                        "level", "owner", "due_date")
            if c in reg.columns] or list(reg.columns)
    top = reg[keep].head(n).reset_index(drop=True)
    top.index = pd.RangeIndex(1, len(top) + 1, name="rank")
    return top


def loss_table(r: Results) -> pd.DataFrame:
    """Annualised loss per scenario (mean, p90, p95, p99) with last quarter's mean and the change."""
    prev = {s.get("id"): s for s in (r.previous_simulation or {}).get("scenarios", [])}
    rows = []
    for s in r.simulation.get("scenarios", []):
        loss = s.get("loss", {})
        before = ((prev.get(s.get("id")) or {}).get("loss") or {}).get("mean")
        rows.append({"scenario": s.get("title") or s.get("id"), "records exposed": (s.get("exposure") or {}).get("records"),
                     "mean": loss.get("mean"), "p90": loss.get("p90"), "p95": loss.get("p95"), "p99": loss.get("p99"),
                     "mean last quarter": before,
                     "change": None if before is None or loss.get("mean") is None else loss["mean"] - before})
    t = r.simulation.get("total") or {}
    if t:
        before = ((r.previous_simulation or {}).get("total") or {}).get("mean")
        rows.append({"scenario": "All scenarios", "records exposed": None, "mean": t.get("mean"), "p90": t.get("p90"),
                     "p95": t.get("p95"), "p99": t.get("p99"), "mean last quarter": before,
                     "change": None if before is None or t.get("mean") is None else t["mean"] - before})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    for c in ("mean", "p90", "p95", "p99", "mean last quarter", "change"):
        df[c] = pd.to_numeric(df[c], errors="coerce").round(0)
    return df.set_index("scenario")


def training_table(r: Results) -> pd.DataFrame:
    """Training headline figures, with last quarter's beside them."""
    t, p = r.training, r.previous_training or {}
    od, odp = _overdue(t)
    pod, podp = _overdue(p) if p else (None, None)
    pct = lambda v: None if v is None else round(100 * v, 1)  # noqa: E731
    rows = [("completion (%)", pct(training_completion(t)), pct(training_completion(p))),
            ("mean score (%)", pct(history._num(t.get("mean_score"))), pct(history._num(p.get("mean_score")))),
            ("pass rate (%)", pct(history._num(t.get("pass_rate"))), pct(history._num(p.get("pass_rate")))),
            ("overdue staff", od, pod), ("overdue staff in privileged roles", odp, podp)]
    df = pd.DataFrame([{"measure": m, "this quarter": c, "previous": v, "trend": history.arrow(c, v, tolerance=1e-9) or "—"}
                       for m, c, v in rows if c is not None])
    return df.set_index("measure") if not df.empty else df


def training_departments(r: Results) -> pd.DataFrame:
    dep = training_by_department(r.training)
    prev = training_by_department(r.previous_training)
    df = pd.DataFrame([{"department": k, "completion (%)": round(100 * v, 1),
                        "previous (%)": None if prev.get(k) is None else round(100 * prev[k], 1)}
                       for k, v in sorted(dep.items())])
    return df.set_index("department") if not df.empty else df


def notification_table(r: Results) -> pd.DataFrame:
    """Who must be told, by when, after a breach: one row per jurisdiction and recipient."""
    seen: dict[tuple, dict[str, Any]] = {}
    for s in r.simulation.get("scenarios", []):
        for n in s.get("notifications", []) or []:
            key = (n.get("jurisdiction", ""), n.get("to", ""), n.get("deadline_hours"), n.get("basis", ""))
            row = seen.setdefault(key, {"jurisdiction": key[0], "notify": key[1], "deadline (hours)": key[2],
                                        "basis": key[3], "records at most": None, "scenarios": set()})
            row["scenarios"].add(s.get("id", ""))
            rec = history._num(n.get("records"))
            if rec is not None:
                row["records at most"] = max(rec, row["records at most"] or 0)
    rows = [{**v, "scenarios": len(v["scenarios"])} for v in seen.values()]
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["_d"] = pd.to_numeric(df["deadline (hours)"], errors="coerce").fillna(1e9)
    return df.sort_values(["jurisdiction", "_d", "notify"], kind="stable").drop(columns="_d").reset_index(drop=True)


def next_actions(r: Results) -> pd.DataFrame:
    """The simulator's what-if controls ranked by expected-loss reduction."""
    total = history._num((r.simulation.get("total") or {}).get("mean"))
    rows = []
    for w in r.simulation.get("what_if", []) or []:
        red = history._num(w.get("mean_reduction"))
        share = history._num(w.get("reduction_share"))
        if share is None and red is not None and total:
            share = red / total
        rows.append({"action": w.get("description") or w.get("title") or w.get("control"), "control": w.get("control"),
                     "expected loss reduction": None if red is None else round(red),
                     "share of expected loss (%)": None if share is None else round(100 * share, 1)})
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.sort_values(["expected loss reduction", "control"], ascending=[False, True], kind="stable", na_position="last")
    df.insert(0, "rank", range(1, len(df) + 1))
    return df.set_index("rank")


def write_history(r: Results, output_dir: str | Path) -> Path | None:
    """Write ``history.json`` (the comparison with last quarter) into ``output_dir`` atomically."""
    if not str(output_dir):
        return None
    return write_json_atomic(Path(output_dir) / "history.json", r.history)


def _money(v: float, currency: str) -> str:
    return f"{v:,.0f} {currency}".strip()


def _signed_money(v: float | None, currency: str) -> str:
    return "n/a" if v is None else f"{'+' if v >= 0 else '−'}{abs(v):,.0f} {currency}".strip()
