"""The law as data: ``assessments/laws.yaml`` (fine regimes, notification obligations, China's
incident grading) and ``assessments/us_breach_laws.yaml`` (50 states, DC and Puerto Rico).

Read with ``yaml.safe_load``, validated with pydantic; a failure is a
:class:`~workbench.errors.ContentError` naming the file and the key. Every item cites a key of
its file's ``sources`` and carries a review trail (``reviewed_by`` / ``reviewed_at``, null =
not reviewed). :func:`in_force` picks what applies on a date to an organisation.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import ContentError, KeyedValueError
from ..files import load_yaml_mapping, validate_model

REPO = Path(__file__).resolve().parents[2]
LAWS_FILE = REPO / "assessments" / "laws.yaml"
STATES_FILE = REPO / "assessments" / "us_breach_laws.yaml"
EXEMPTIONS = ("risk_unlikely", "encrypted")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


from .content import Source  # noqa: E402  (content re-exports this module's names)
from .regimes import (  # noqa: E402,F401  (re-exported: content and callers import them from here)
    Amendment, Enforcement, PerSubject, Regime, Tier, _Reviewed,
)


class Obligation(_Reviewed):
    id: str
    jurisdiction: str
    scope: Literal["jurisdiction", "establishment"] = "jurisdiction"
    to: str
    deadline_hours: float | None = Field(default=None, ge=0)
    deadline: str
    basis: str
    when: Literal["any", "high_risk"] = "any"
    min_records: int = 1
    grade: Literal["relatively_major"] | None = None   # China's incident grading
    cii: bool | None = None
    operates_in: str | None = None   # owed only by an organisation running networks/services there (CAC measures)
    offshore_only: bool = False      # owed only by a processor outside the territory (PIPL Art. 3(2) / Art. 53)
    beside: str | None = None        # shown beside this obligation in the timeline (GDPR Art. 34 beside Art. 33)
    exempt_if: list[Literal[EXEMPTIONS]] = Field(default_factory=list)  # type: ignore[valid-type]
    content: list[str] = Field(default_factory=list)
    content_zh: list[str] = Field(default_factory=list)   # the same items in Chinese (rendered with --lang zh)
    source: str

    @model_validator(mode="after")
    def _clock(self) -> "Obligation":
        if self.deadline_hours == 0:
            raise KeyedValueError("error.validator.zero_clock")
        _same_items(f"notification '{self.id}'", "content", self.content, self.content_zh)
        return self


def _same_items(where: str, key: str, en: list[str] | None, zh: list[str] | None) -> None:
    """A Chinese list beside every English one, item for item (a missing zh text is a content error)."""
    if len(en or []) != len(zh or []) or any(not str(x).strip() for x in zh or []):
        raise KeyedValueError("error.validator.zh_items", where=where, key=key, en=len(en or []), zh=len(zh or []))


class Grading(_Strict):
    relatively_major_min_records: int = Field(gt=0)
    relatively_major_direct_loss_cny: float = Field(gt=0)
    cii_downtime_counts: bool = True
    source: str
    reviewed_by: str | None = None
    reviewed_at: dt.date | None = None


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
                raise ContentError.of("error.laws.rate", file=LAWS_FILE.name, currency=c, base=self.base)
        return self.rates[to] / self.rates[frm]


ELEMENT_NAMES = ("name", "gov_id", "card", "access_code")
# a state notice item cites its subsection: "(§ 75-65(d)(1))", "(815 ILCS 530/10(a))", "（§ 899-aa(7)）"
CITATION = re.compile(r"[(（][^()（）]*(§|ILCS)")


def _check_elements(combos: list[list[str]]) -> None:
    for combo in combos:
        bad = [e for e in combo if e not in ELEMENT_NAMES]
        if bad or not combo:
            raise KeyedValueError("error.validator.element", element=bad[0] if bad else "", known=", ".join(ELEMENT_NAMES))


class StateAmendment(_Strict):
    """A state rule's new terms from a date (e.g. California's SB 446 from 2026-01-01)."""

    effective_from: dt.date
    statute: str | None = None
    deadline_hours: float | None = Field(default=None, gt=0)
    deadline: str | None = None
    regulator_deadline_hours: float | None = Field(default=None, gt=0)
    regulator_deadline: str | None = None


class StateRule(_Reviewed):
    name: str
    statute: str
    deadline_hours: float | None = Field(default=None, gt=0)
    deadline: str
    regulator: str | None = None
    regulator_threshold: int | None = Field(default=None, ge=1)
    regulator_deadline_hours: float | None = Field(default=None, gt=0)
    regulator_deadline: str
    encryption_safe_harbour: bool = True
    # per person: a resident counts when their own exposed elements meet one combination (AND)
    elements: list[list[str]] = Field(default_factory=lambda: [["name", "gov_id"], ["name", "card", "access_code"]])
    elements_note: str | None = None
    # what the statute requires the resident notice to contain, each item citing its subsection;
    # [] with content_note: the statute prescribes none (the default list is shown as good practice)
    content: list[str] | None = None
    forbidden_content: list[str] = Field(default_factory=list)   # what it must NOT contain
    content_note: str | None = None                  # e.g. "the statute prescribes no content ..."
    content_confidence: Literal["high", "medium", "low"] | None = None   # how sure the compiler is
    good_practice: bool | None = None                # show the default list as good practice (None: when content is [])
    content_zh: list[str] | None = None              # the same lists and notes in Chinese (--lang zh)
    forbidden_content_zh: list[str] = Field(default_factory=list)
    content_note_zh: str | None = None
    elements_note_zh: str | None = None
    credit_monitoring_months: int | None = Field(default=None, ge=1)   # owed when SSNs leak
    schedule: list[StateAmendment] = Field(default_factory=list)
    source: str

    @model_validator(mode="after")
    def _regulator(self) -> "StateRule":
        if (self.regulator is None) != (self.regulator_threshold is None):
            raise KeyedValueError("error.validator.regulator_pair")
        _check_elements(self.elements)
        _same_items(f"state {self.name}", "content", self.content, self.content_zh)
        _same_items(f"state {self.name}", "forbidden_content", self.forbidden_content, self.forbidden_content_zh)
        if bool(self.elements_note) != bool(self.elements_note_zh):
            raise KeyedValueError("error.validator.note_zh", state=self.name, key="elements_note")
        if bool(self.content_note) != bool(self.content_note_zh):
            raise KeyedValueError("error.validator.note_zh", state=self.name, key="content_note")
        if self.content is None:
            raise KeyedValueError("error.validator.state_content", state=self.name)
        if not self.content and not self.content_note:
            raise KeyedValueError("error.validator.state_content_note", state=self.name)
        for key in ("content", "content_zh", "forbidden_content", "forbidden_content_zh"):
            for item in getattr(self, key) or []:
                if not CITATION.search(item):
                    raise KeyedValueError("error.validator.uncited", state=self.name, key=key, item=item[:60])
        return self

    @property
    def shows_good_practice(self) -> bool:
        """Whether the playbook shows the default list beside this state's own (as good practice)."""
        return self.good_practice if self.good_practice is not None else not self.content

    def as_of(self, on: dt.date | None) -> "StateRule":
        """The rule with its amendments in force on ``on`` applied (None: the latest)."""
        r = self
        for a in sorted(self.schedule, key=lambda a: a.effective_from):
            if on is None or a.effective_from <= on:
                upd = {k: v for k, v in a.model_dump(exclude={"effective_from"}).items() if v is not None}
                r = r.model_copy(update=upd)
        return r


class States(_Strict):
    sources: dict[str, Source]
    defaults: dict = Field(default_factory=dict)
    states: dict[str, StateRule]

    @model_validator(mode="after")
    def _cited(self) -> "States":
        for code, r in self.states.items():
            if r.source not in self.sources:
                raise KeyedValueError("error.validator.source_key", key=f"states.{code}", source=r.source)
        return self


class FineScale(_Strict):
    """How a tiered fine grows with the people affected and the severity (a modelling choice;
    GDPR Art. 83(2)(a) names the number of data subjects and the damage as factors)."""

    reference_people: int = Field(gt=1)
    normal_weight: float = Field(ge=0, le=1)
    floor: float = Field(default=0.1, ge=0, le=1)
    basis: str
    source: str

    def factor(self, people: float, high_risk_people: float) -> float:
        """``min(1, log10(1 + eff) / log10(1 + reference))`` with ``eff = high + weight · rest``."""
        import math
        eff = float(high_risk_people) + self.normal_weight * max(0.0, float(people) - float(high_risk_people))
        if eff <= 0:
            return 0.0
        return max(self.floor, min(1.0, math.log10(1 + eff) / math.log10(1 + self.reference_people)))


class Laws(_Strict):
    currency: Fx
    cn_incident_grading: Grading
    high_risk_elements: list[str] = Field(default_factory=lambda: ["gov_id", "card"])
    fine_scale: FineScale | None = None
    regimes: dict[str, Regime]
    notifications: list[Obligation]
    us_state_content: dict[str, list[str]] = Field(default_factory=dict)
    us_state_content_zh: dict[str, list[str]] = Field(default_factory=dict)
    sources: dict[str, Source]
    states: States | None = None     # us_breach_laws.yaml, attached by load_laws

    @model_validator(mode="after")
    def _cited(self) -> "Laws":
        cited: dict[str, str] = {"currency": self.currency.source, "cn_incident_grading": self.cn_incident_grading.source}
        for rid, r in self.regimes.items():
            for t, tier in (r.tiers or {}).items():
                cited[f"regimes.{rid}.tiers.{t}"] = tier.source
            if r.per_subject:
                cited[f"regimes.{rid}.per_subject"] = r.per_subject.source
            for name in Enforcement.model_fields:
                p = getattr(r.enforcement, name)
                if p is not None:
                    cited[f"regimes.{rid}.enforcement.{name}"] = p.source
            for i, a in enumerate(r.schedule):
                for name in ("per_subject", "award_per_subject"):
                    if getattr(a, name) is not None:
                        cited[f"regimes.{rid}.schedule.{i}.{name}"] = getattr(a, name).source
        ids = [o.id for o in self.notifications]
        if len(set(ids)) != len(ids):
            raise KeyedValueError("error.validator.notification_ids")
        for i, o in enumerate(self.notifications):
            cited[f"notifications.{i}"] = o.source
        for key, src in cited.items():
            if src not in self.sources:
                raise KeyedValueError("error.validator.source_key", key=key, source=src)
        if self.currency.base not in self.currency.rates:
            raise KeyedValueError("error.validator.base_rate")
        if "default" not in self.us_state_content:
            raise KeyedValueError("error.validator.default_content")
        for code in sorted(set(self.us_state_content) | set(self.us_state_content_zh)):
            _same_items("us_state_content", code, self.us_state_content.get(code), self.us_state_content_zh.get(code))
        if self.fine_scale is not None:
            cited["fine_scale"] = self.fine_scale.source
            if self.fine_scale.source not in self.sources:
                raise KeyedValueError("error.validator.source_key", key="fine_scale", source=self.fine_scale.source)
        _check_elements([self.high_risk_elements])
        return self

    def in_force(self, on: dt.date | None, critical_infrastructure: bool = False, org=None) -> "Laws":
        """The regimes and obligations that apply on ``on`` to an organisation (CII or not), with
        the amounts in force then (e.g. CPI-adjusted CCPA damages from 2025-01-01, California's
        SB 446 clocks from 2026-01-01). With ``org``: regimes keyed to a territory the
        organisation does not operate in are dropped (CSL fines without CN in ``operates_in``)
        and a regime's ``offshore_enforcement`` replaces its enforcement for an organisation
        neither established nor operating in the regime's jurisdiction."""
        regimes = {}
        for rid, r in self.regimes.items():
            if not r.in_force(on) or (r.cii is not None and r.cii != bool(critical_infrastructure)):
                continue
            if org is not None and r.operates_in and not operates(org, r.operates_in)[0]:
                continue
            r = r.as_of(on)
            if org is not None and r.offshore_enforcement is not None and offshore(org, r.jurisdiction):
                r = r.model_copy(update={"enforcement": r.offshore_enforcement})
            regimes[rid] = r
        notes = [o for o in self.notifications if o.in_force(on)]
        states = self.states
        if states is not None:
            states = states.model_copy(update={"states": {k: v.as_of(on) for k, v in states.states.items()
                                                          if v.in_force(on)}})
        return self.model_copy(update={"regimes": regimes, "notifications": notes, "states": states})


def operates(org, territory: str) -> tuple[bool, bool]:
    """(whether ``org`` runs networks or services in ``territory``, whether that was declared):
    ``organisation.operates_in`` when given, else assumed from ``established_in``."""
    declared = getattr(org, "operates_in", None)
    if declared is not None:
        return territory in declared, True
    return territory in (getattr(org, "established_in", None) or []), False


def offshore(org, territory: str) -> bool:
    """An organisation neither established nor operating in ``territory`` (e.g. PIPL Art. 3(2))."""
    return territory not in (getattr(org, "established_in", None) or []) and not operates(org, territory)[0]


def load_states(path: str | Path | None = None) -> States:
    """Load ``us_breach_laws.yaml``; ``defaults`` fill keys an entry leaves out."""
    p = Path(path) if path is not None else STATES_FILE
    raw = load_yaml_mapping(p, "US state breach-law file")
    defaults = raw.get("defaults") or {}
    if isinstance(raw.get("states"), dict) and isinstance(defaults, dict):
        raw = {**raw, "states": {k: ({**defaults, **v} if isinstance(v, dict) else v)
                                 for k, v in raw["states"].items()}}
    return validate_model(raw, States, p, "US state breach-law file")


def load_laws(path: str | Path | None = None, states_path: str | Path | None = None) -> Laws:
    """Load and validate ``assessments/laws.yaml`` with the US state rules attached."""
    p = Path(path) if path is not None else LAWS_FILE
    laws = validate_model(load_yaml_mapping(p, "laws file"), Laws, p, "laws file")
    return laws.model_copy(update={"states": load_states(states_path)})
