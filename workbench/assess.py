"""Run a posture assessment: checks → findings → scores → risk register → ``findings.json``.

``assess(dataset)`` returns an :class:`Assessment`; ``write_outputs`` writes ``findings.json``
and ``risk_register.csv`` atomically. Outputs are deterministic for a dataset + as_of, apart
from ``assessed_at``.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .checks import Finding, load_catalog, run_checks
from .dataset import Dataset
from .files import write_json_atomic, write_text_atomic
from .scoring import coverage, not_assessable, risk_register, scores

FLOAT_DIGITS = 4


@dataclass
class Assessment:
    dataset: str
    as_of: dt.date
    profile: str
    window_days: int
    findings: list[Finding]
    scores: dict[str, float | None]
    register: pd.DataFrame
    assessed_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    workbench_version: str = __version__

    def finding(self, check_id: str) -> Finding:
        return next(f for f in self.findings if f.id == check_id)

    def to_dict(self) -> dict[str, Any]:
        """The ``findings.json`` document (DESIGN "Checks and findings"), JSON-safe."""
        return {
            "dataset": self.dataset, "assessed_at": self.assessed_at, "as_of": self.as_of.isoformat(),
            "workbench_version": self.workbench_version, "profile": self.profile, "window_days": self.window_days,
            "scores": self.scores,
            # why scores.overall is null: less than half of the applicable points could be measured
            "overall_reason": not_assessable(self.findings),
            # share of the applicable checks' points actually measured, and what could not be seen
            "coverage": coverage(self.findings),
            "insufficient_data": [{"id": f.id, "title": f.title, "why": f.note} for f in self.findings
                                  if f.status == "insufficient_data"],
            "findings": [finding_dict(f) for f in self.findings],
        }

    def table(self) -> pd.DataFrame:
        """One row per finding (no evidence): for notebooks and the CLI summary."""
        return pd.DataFrame([{k: v for k, v in finding_dict(f).items() if k not in ("evidence", "mappings", "rationale", "remediation")}
                             for f in self.findings])


def _json_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.isoformat(timespec="seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else round(float(v), FLOAT_DIGITS)
    return str(v)


def evidence_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _json_value(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id, "domain": f.domain, "title": f.title, "severity": f.severity, "status": f.status,
        "affected": int(f.affected), "total": None if f.total is None else int(f.total), "unit": f.unit,
        "weight": round(float(f.weight), FLOAT_DIGITS), "sensitivity": f.sensitivity,
        "mappings": {k: list(v) for k, v in f.mappings.items()},
        "note": f.note, "evidence": evidence_rows(f.evidence),
        "rationale": " ".join(f.rationale.split()), "remediation": " ".join(f.remediation.split()),
    }


def assess(dataset: Dataset, *, window_days: int = 90, profile: str = "quarterly") -> Assessment:
    """Run the profile's checks on ``dataset`` (as of ``dataset.as_of``) and score them."""
    catalog = load_catalog()
    findings = run_checks(dataset, window_days=window_days, profile=profile, catalog=catalog)
    reg = risk_register(findings, dataset.as_of, catalog.owners, catalog.due_days)
    return Assessment(dataset=dataset.name, as_of=dataset.as_of, profile=profile, window_days=int(window_days),
                      findings=findings, scores=scores(findings), register=reg)


def write_outputs(assessment: Assessment, out_dir: str | Path) -> dict[str, Path]:
    """Write ``findings.json`` and ``risk_register.csv`` into ``out_dir`` (created), each atomically."""
    out = Path(out_dir)
    paths = {"findings": out / "findings.json", "risk_register": out / "risk_register.csv"}
    write_json_atomic(paths["findings"], assessment.to_dict(), sort_keys=False)
    write_text_atomic(paths["risk_register"], assessment.register.to_csv(index=False, lineterminator="\n"))
    return paths
