"""The fine regimes of ``assessments/laws.yaml`` (GDPR tiers, PIPL, CSL, CCPA per-subject damages)
and the base of every law-file item: a review trail and the dates it is in force. Loaded and
re-exported by :mod:`.statutes`."""
from __future__ import annotations

from ..errors import KeyedValueError

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .content import Prior


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Reviewed(_Strict):
    reviewed_by: str | None = None
    reviewed_at: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def in_force(self, on: dt.date | None) -> bool:
        if on is None:
            return True
        return (self.effective_from is None or self.effective_from <= on) and \
            (self.effective_to is None or on <= self.effective_to)


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
                raise KeyedValueError("error.validator.constant_probability", key=name)
        if self.probability_high_risk.value < self.probability.value:
            raise KeyedValueError("error.validator.high_risk_probability")
        if self.share_of_cap is not None and (self.share_of_cap.kind != "pert" or self.share_of_cap.max > 1
                                              or self.share_of_cap.min < 0):
            raise KeyedValueError("error.validator.pert_share", key="share_of_cap")
        return self


class Amendment(_Strict):
    """New amounts of a regime from a date (e.g. the CPPA's CPI adjustment of 2025)."""

    effective_from: dt.date
    per_subject: PerSubject | None = None
    tiers: dict[Literal["normal", "high_risk"], Tier] | None = None
    award_per_subject: Prior | None = None


class Regime(_Reviewed):
    jurisdiction: str
    scope: Literal["jurisdiction", "establishment"] = "jurisdiction"
    title: str
    tiers: dict[Literal["normal", "high_risk"], Tier] | None = None
    whichever: Literal["higher"] = "higher"
    per_subject: PerSubject | None = None
    requires_sensitive: bool = False
    cii: bool | None = None          # only for (True) or only not for (False) CII operators
    operates_in: str | None = None   # only when the organisation runs networks/services there (CSL)
    turnover: Literal["organisation", "undertaking"] = "organisation"   # undertaking: organisation.group_revenue
    requires_downtime: bool = False  # only for scenarios that interrupt the system (CII main functions)
    enforcement: Enforcement
    offshore_enforcement: Enforcement | None = None   # for an organisation neither established nor operating there
    uncertainty: str | None = None   # what is unsettled about the regime (shown with the fines)
    schedule: list[Amendment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind(self) -> "Regime":
        if (self.tiers is None) == (self.per_subject is None):
            raise KeyedValueError("error.validator.tiers_or_per_subject")
        if self.tiers is not None:
            if set(self.tiers) != {"normal", "high_risk"}:
                raise KeyedValueError("error.validator.tier_names")
            if self.enforcement.share_of_cap is None:
                raise KeyedValueError("error.validator.share_of_cap")
        for i, a in enumerate(self.schedule):
            if (a.per_subject is not None and self.per_subject is None) or (a.tiers is not None and self.tiers is None):
                raise KeyedValueError("error.validator.schedule", i=i)
        _check_award(self.per_subject, self.enforcement.award_per_subject)
        for a in self.schedule:
            _check_award(a.per_subject or self.per_subject, a.award_per_subject or self.enforcement.award_per_subject)
        return self

    def as_of(self, on: dt.date | None) -> "Regime":
        """The regime with the latest amendment in force on ``on`` applied."""
        r = self
        for a in sorted(self.schedule, key=lambda a: a.effective_from):
            if on is not None and a.effective_from <= on:
                enf = r.enforcement.model_copy(update={"award_per_subject": a.award_per_subject
                                                       or r.enforcement.award_per_subject})
                r = r.model_copy(update={"per_subject": a.per_subject or r.per_subject,
                                         "tiers": a.tiers or r.tiers, "enforcement": enf})
        return r


def _check_award(per: PerSubject | None, award: Prior | None) -> None:
    if per is None:
        return
    if award is None or award.kind != "pert" or award.min < per.min or award.max > per.max:
        raise KeyedValueError("error.validator.award")
