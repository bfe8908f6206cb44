"""A quarter's results as the report reads them: this run's result files (findings.json,
risk_register.csv, simulation.json, training.json — DESIGN contracts) and, when there is one, the
previous quarter's folder; computed for a dataset when the notebook runs alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ExecutionError, InputError
from ..files import private_temp_dir, write_json_atomic
from . import actions as actions_mod
from . import history


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
    actions: list[dict[str, Any]] = field(default_factory=list)  # actions.review() rows
    previous_actions: dict[str, dict[str, Any]] = field(default_factory=dict)  # last quarter's review, by risk

    @property
    def currency(self) -> str:
        return str(self.simulation.get("currency") or "")


def _require(folder: Path, name: str) -> dict[str, Any]:
    data = history.read_json(folder / name)
    if data is None:
        raise InputError.of("error.results.file", path=folder / name)
    return data


def load_results(results_dir: str | Path, previous_dir: str | Path = "", *, quarter: str = "",
                 dataset: str | Path = "", actions: str | Path = "", lang: str = "en") -> Results:
    """Read a run's result files; with ``results_dir == ""`` compute them for ``dataset`` first.
    ``actions``: the ``actions.yaml`` to review against this quarter's findings ("": none).
    ``lang``: the language of every text the report shows from here on (``en`` or ``zh``)."""
    from .. import i18n

    i18n.use(lang)
    if not str(results_dir):
        if not str(dataset):
            raise InputError.of("error.results.none")
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
        res.previous_actions = {a.get("risk"): a for a in (history.read_json(prev / "history.json") or {})
                                .get("actions", []) if isinstance(a, dict)}
    as_of = dt.date.fromisoformat(str(res.findings.get("as_of") or dt.date.today())[:10])
    res.actions = actions_mod.review(actions_mod.load(actions) if str(actions) else [],
                                     history.failed_ids(res.findings), as_of)
    res.history = history.history(folder, prev if res.previous_quarter else None, str(quarter), actions=res.actions,
                                  accepted=actions_mod.accepted_ids(res.actions))
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
        raise ExecutionError.of("error.run.compute", detail=str(e)) from None
    # default: a private folder removed when the process (the notebook's kernel) exits
    out = Path(out_dir) if out_dir else private_temp_dir("workbench-results-")
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
