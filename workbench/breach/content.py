"""Breach content: scenario YAML (``assessments/scenarios/*.yaml``) and ``assessments/laws.yaml``.

Both are read with ``yaml.safe_load`` and validated with pydantic; any failure is a
:class:`~workbench.errors.ContentError` naming the file and the key. Every prior carries a
``source`` that must be a key of the file's ``sources`` mapping.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ContentError, KeyedValueError
from ..files import load_yaml_mapping, validate_model

REPO = Path(__file__).resolve().parents[2]
SCENARIO_DIR = REPO / "assessments" / "scenarios"

# Names of the posture inputs a scenario may be moved by (see workbench.breach.posture).
INPUTS = ("mfa_coverage", "training_completion", "backups_encrypted", "access_review",
          "unauthorised_exports", "terminated_active")
RULES = ("widest_read", "widest_export", "service_account", "most_common_role")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Prior(_Strict):
    """A distribution: PERT (min/mode/max), lognormal (median/p90) or a constant (value)."""

    min: float | None = None
    mode: float | None = None
    max: float | None = None
    median: float | None = None
    p90: float | None = None
    value: float | None = None
    currency: str | None = None
    source: str
    note: str | None = None
    reviewed_by: str | None = None     # review trail: who last checked this prior against its source
    reviewed_at: dt.date | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Prior":
        pert = [self.min, self.mode, self.max]
        logn = [self.median, self.p90]
        kinds = [all(v is not None for v in pert), all(v is not None for v in logn), self.value is not None]
        if sum(kinds) != 1 or (any(v is not None for v in pert) and not kinds[0]) or \
                (any(v is not None for v in logn) and not kinds[1]):
            raise KeyedValueError("error.validator.prior_kind")
        if kinds[0] and not (self.min <= self.mode <= self.max):
            raise KeyedValueError("error.validator.pert_order", min=self.min, mode=self.mode, max=self.max)
        if kinds[1] and not (0 < self.median <= self.p90):
            raise KeyedValueError("error.validator.lognormal")
        return self

    @property
    def kind(self) -> str:
        return "pert" if self.min is not None else "lognormal" if self.median is not None else "constant"

    @property
    def mean(self) -> float:
        import math
        if self.kind == "pert":
            return (self.min + 4 * self.mode + self.max) / 6
        if self.kind == "lognormal":
            sigma = (math.log(self.p90) - math.log(self.median)) / 1.2815515655446004
            return self.median * math.exp(sigma * sigma / 2)
        return float(self.value)


class Modifier(_Strict):
    input: Literal[INPUTS]  # type: ignore[valid-type]
    effect: Literal["reduces", "increases"]
    strength: float = Field(ge=0)
    finding: str | None = None
    source: str
    note: str | None = None
    reviewed_by: str | None = None
    reviewed_at: dt.date | None = None

    @model_validator(mode="after")
    def _cap(self) -> "Modifier":
        if self.effect == "reduces" and self.strength > 1:
            raise KeyedValueError("error.validator.reduces_share")
        return self


class Vulnerability(_Strict):
    base: Prior
    moved_by: list[Modifier] = Field(default_factory=list)


class Compromised(_Strict):
    role: str | None = None
    rule: Literal[RULES] | None = None  # type: ignore[valid-type]
    system: str | None = None  # "customer_store", "backups" or a system name from posture.yaml

    @model_validator(mode="after")
    def _one(self) -> "Compromised":
        if sum(x is not None for x in (self.role, self.rule, self.system)) != 1:
            raise KeyedValueError("error.validator.via_one")
        return self


class Loss(_Strict):
    response_fixed: Prior
    response_per_record: Prior
    identity_protection_per_record: Prior
    notification_per_record: Prior
    churn: Prior
    margin: Prior
    records_share: Prior | None = None
    downtime_no_backup_hours: Prior | None = None
    downtime_immutable_rto_multiple: Prior | None = None
    downtime_tested_rto_multiple: Prior | None = None
    revenue_dependency: Prior | None = None
    fines: bool = True

    @model_validator(mode="after")
    def _downtime(self) -> "Loss":
        dt = [self.downtime_no_backup_hours, self.downtime_immutable_rto_multiple,
              self.downtime_tested_rto_multiple, self.revenue_dependency]
        if any(d is not None for d in dt) and not all(d is not None for d in dt):
            raise KeyedValueError("error.validator.downtime_all")
        return self

    @property
    def has_downtime(self) -> bool:
        return self.downtime_no_backup_hours is not None


class Source(_Strict):
    title: str
    figure: str | None = None
    url: str | None = None
    kind: Literal["publication", "statute", "assumption"] = "publication"
    reviewed_by: str | None = None
    reviewed_at: dt.date | None = None


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str = ""
    compromised: Compromised
    tef: Prior
    vulnerability: Vulnerability
    loss: Loss
    sources: dict[str, Source]

    def priors(self) -> dict[str, Prior | Modifier]:
        """Every cited item, keyed by its dotted path in the YAML."""
        out: dict[str, Prior | Modifier] = {"tef": self.tef, "vulnerability.base": self.vulnerability.base}
        for i, m in enumerate(self.vulnerability.moved_by):
            out[f"vulnerability.moved_by.{i}"] = m
        for name in Loss.model_fields:
            v = getattr(self.loss, name)
            if isinstance(v, Prior):
                out[f"loss.{name}"] = v
        return out

    @model_validator(mode="after")
    def _cited(self) -> "Scenario":
        for key, p in self.priors().items():
            if p.source not in self.sources:
                raise KeyedValueError("error.validator.source_key", key=key, source=p.source)
        for key in ("tef", "vulnerability.base"):
            p = self.priors()[key]
            lo = p.min if p.kind == "pert" else p.value if p.kind == "constant" else 0
            if lo is None or lo < 0:
                raise KeyedValueError("error.validator.nonnegative_prior", key=key)
        vb = self.vulnerability.base
        if vb.kind == "lognormal" or (vb.max if vb.kind == "pert" else vb.value) > 1:
            raise KeyedValueError("error.validator.probability_prior", key="vulnerability.base")
        for name in ("churn", "margin", "records_share", "revenue_dependency"):
            p = getattr(self.loss, name)
            if p is not None and (p.kind == "lognormal" or (p.max if p.kind == "pert" else p.value) > 1):
                raise KeyedValueError("error.validator.share_prior", key=f"loss.{name}")
        return self


def _read(path: Path, model: type[BaseModel], what: str) -> Any:
    return validate_model(load_yaml_mapping(path, what), model, path, what)


def load_scenarios(directory: str | Path | None = None, ids: list[str] | None = None) -> list[Scenario]:
    """Load every ``*.yaml`` scenario in ``directory`` (sorted by id); ``ids`` selects some."""
    d = Path(directory) if directory is not None else SCENARIO_DIR
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise ContentError.of("error.scenario.none", path=d)
    out: dict[str, Scenario] = {}
    for f in files:
        s = _read(f, Scenario, "scenario file")
        if s.id != f.stem:
            raise ContentError.of("error.scenario.id", path=f, id=s.id)
        out[s.id] = s
    if ids:
        unknown = [i for i in ids if i not in out]
        if unknown:
            raise ContentError.of("error.scenario.unknown", id=unknown[0], known=", ".join(sorted(out)))
        return [out[i] for i in sorted(set(ids))]
    return [out[k] for k in sorted(out)]


# laws.yaml lives in statutes.py; re-exported here for the callers that import it from content
from .statutes import (  # noqa: E402
    LAWS_FILE, Enforcement, Fx, Laws, Obligation, PerSubject, Regime, Tier, load_laws,
)

__all__ = ["Prior", "Modifier", "Scenario", "Source", "load_scenarios", "load_laws", "LAWS_FILE", "Laws",
           "Regime", "Obligation", "Tier", "PerSubject", "Enforcement", "Fx"]
