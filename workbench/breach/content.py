"""Breach content: scenario YAML (``assessments/scenarios/*.yaml``) and ``assessments/laws.yaml``.

Both are read with ``yaml.safe_load`` and validated with pydantic; any failure is a
:class:`~workbench.errors.ContentError` naming the file and the key. Every prior carries a
``source`` that must be a key of the file's ``sources`` mapping.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ContentError
from ..files import load_yaml_mapping, validate_model

REPO = Path(__file__).resolve().parents[2]
SCENARIO_DIR = REPO / "assessments" / "scenarios"
LAWS_FILE = REPO / "assessments" / "laws.yaml"

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

    @model_validator(mode="after")
    def _shape(self) -> "Prior":
        pert = [self.min, self.mode, self.max]
        logn = [self.median, self.p90]
        kinds = [all(v is not None for v in pert), all(v is not None for v in logn), self.value is not None]
        if sum(kinds) != 1 or (any(v is not None for v in pert) and not kinds[0]) or \
                (any(v is not None for v in logn) and not kinds[1]):
            raise ValueError("give exactly one of {min, mode, max} (PERT), {median, p90} (lognormal) or {value}")
        if kinds[0] and not (self.min <= self.mode <= self.max):
            raise ValueError(f"PERT needs min <= mode <= max (got {self.min}, {self.mode}, {self.max})")
        if kinds[1] and not (0 < self.median <= self.p90):
            raise ValueError("lognormal needs 0 < median <= p90")
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

    @model_validator(mode="after")
    def _cap(self) -> "Modifier":
        if self.effect == "reduces" and self.strength > 1:
            raise ValueError("a 'reduces' strength is a share and must be <= 1")
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
            raise ValueError("give exactly one of role, rule or system")
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
            raise ValueError("downtime needs all of downtime_no_backup_hours, downtime_immutable_rto_multiple, "
                             "downtime_tested_rto_multiple and revenue_dependency")
        return self

    @property
    def has_downtime(self) -> bool:
        return self.downtime_no_backup_hours is not None


class Source(_Strict):
    title: str
    figure: str | None = None
    url: str | None = None
    kind: Literal["publication", "statute", "assumption"] = "publication"


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
                raise ValueError(f"{key}.source '{p.source}' is not a key of 'sources'")
        for key in ("tef", "vulnerability.base"):
            p = self.priors()[key]
            lo = p.min if p.kind == "pert" else p.value if p.kind == "constant" else 0
            if lo is None or lo < 0:
                raise ValueError(f"{key} must be a PERT or constant >= 0")
        vb = self.vulnerability.base
        if vb.kind == "lognormal" or (vb.max if vb.kind == "pert" else vb.value) > 1:
            raise ValueError("vulnerability.base is a probability: PERT or value within [0, 1]")
        for name in ("churn", "margin", "records_share", "revenue_dependency"):
            p = getattr(self.loss, name)
            if p is not None and (p.kind == "lognormal" or (p.max if p.kind == "pert" else p.value) > 1):
                raise ValueError(f"loss.{name} is a share: PERT or value within [0, 1]")
        return self


# ---------------------------------------------------------------- laws.yaml

class Tier(_Strict):
    fixed_cap: float = Field(ge=0)
    currency: str
    turnover_share: float = Field(ge=0, le=1)
    basis: str
    source: str


class PerSubject(_Strict):
    min: float = Field(ge=0)
    max: float = Field(ge=0)
    currency: str
    basis: str
    source: str


class Enforcement(_Strict):
    probability: Prior
    probability_high_risk: Prior
    share_of_cap: Prior | None = None
    award_per_subject: Prior | None = None

    @model_validator(mode="after")
    def _probs(self) -> "Enforcement":
        for name in ("probability", "probability_high_risk"):
            p = getattr(self, name)
            if p.kind != "constant" or not 0 <= p.value <= 1:
                raise ValueError(f"{name} must be a constant 'value' within [0, 1]")
        if self.probability_high_risk.value < self.probability.value:
            raise ValueError("probability_high_risk must be >= probability")
        if self.share_of_cap is not None and (self.share_of_cap.kind != "pert" or self.share_of_cap.max > 1
                                              or self.share_of_cap.min < 0):
            raise ValueError("share_of_cap must be a PERT within [0, 1]")
        return self


class Regime(_Strict):
    jurisdiction: str
    title: str
    tiers: dict[Literal["normal", "high_risk"], Tier] | None = None
    whichever: Literal["higher"] = "higher"
    per_subject: PerSubject | None = None
    requires_sensitive: bool = False
    enforcement: Enforcement

    @model_validator(mode="after")
    def _kind(self) -> "Regime":
        if (self.tiers is None) == (self.per_subject is None):
            raise ValueError("give exactly one of 'tiers' or 'per_subject'")
        if self.tiers is not None:
            if set(self.tiers) != {"normal", "high_risk"}:
                raise ValueError("tiers needs 'normal' and 'high_risk'")
            if self.enforcement.share_of_cap is None:
                raise ValueError("enforcement.share_of_cap is required for a tiered regime")
        if self.per_subject is not None:
            a = self.enforcement.award_per_subject
            if a is None or a.kind != "pert" or a.min < self.per_subject.min or a.max > self.per_subject.max:
                raise ValueError("enforcement.award_per_subject must be a PERT within per_subject min..max")
        return self


class Obligation(_Strict):
    id: str
    jurisdiction: str
    to: str
    deadline_hours: float | None = Field(default=None, ge=0)
    deadline: str
    basis: str
    when: Literal["any", "high_risk"] = "any"
    min_records: int = 1
    source: str


class Fx(_Strict):
    base: str
    as_of: str
    rates: dict[str, float]
    source: str

    def convert(self, amount: float, frm: str, to: str) -> float:
        return amount * self.factor(frm, to)

    def factor(self, frm: str, to: str) -> float:
        for c in (frm, to):
            if c not in self.rates:
                raise ContentError(f"{LAWS_FILE.name}: key 'currency.rates': no rate for '{c}'",
                                   f"add {c} (units per 1 {self.base}) to currency.rates")
        return self.rates[to] / self.rates[frm]


class Laws(_Strict):
    currency: Fx
    regimes: dict[str, Regime]
    notifications: list[Obligation]
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _cited(self) -> "Laws":
        cited: dict[str, str] = {"currency": self.currency.source}
        for rid, r in self.regimes.items():
            for t, tier in (r.tiers or {}).items():
                cited[f"regimes.{rid}.tiers.{t}"] = tier.source
            if r.per_subject:
                cited[f"regimes.{rid}.per_subject"] = r.per_subject.source
            for name in Enforcement.model_fields:
                p = getattr(r.enforcement, name)
                if p is not None:
                    cited[f"regimes.{rid}.enforcement.{name}"] = p.source
        for i, o in enumerate(self.notifications):
            cited[f"notifications.{i}"] = o.source
        for key, src in cited.items():
            if src not in self.sources:
                raise ValueError(f"{key}.source '{src}' is not a key of 'sources'")
        if self.currency.base not in self.currency.rates:
            raise ValueError("currency.rates must include the base currency")
        return self


def _read(path: Path, model: type[BaseModel], what: str) -> Any:
    return validate_model(load_yaml_mapping(path, what), model, path, what)


def load_scenarios(directory: str | Path | None = None, ids: list[str] | None = None) -> list[Scenario]:
    """Load every ``*.yaml`` scenario in ``directory`` (sorted by id); ``ids`` selects some."""
    d = Path(directory) if directory is not None else SCENARIO_DIR
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise ContentError(f"{d}: no scenario files (*.yaml)", "point to assessments/scenarios")
    out: dict[str, Scenario] = {}
    for f in files:
        s = _read(f, Scenario, "scenario file")
        if s.id != f.stem:
            raise ContentError(f"{f}: key 'id': '{s.id}' differs from the file name", f"rename the file to {s.id}.yaml")
        out[s.id] = s
    if ids:
        unknown = [i for i in ids if i not in out]
        if unknown:
            raise ContentError(f"unknown scenario id '{unknown[0]}'", f"known: {', '.join(sorted(out))}")
        return [out[i] for i in sorted(set(ids))]
    return [out[k] for k in sorted(out)]


def load_laws(path: str | Path | None = None) -> Laws:
    """Load and validate ``assessments/laws.yaml``."""
    return _read(Path(path) if path is not None else LAWS_FILE, Laws, "laws file")
