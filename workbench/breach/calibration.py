"""Calibration: the simulated mean loss per loss event and per exposed record per event, set
against the band ``assessments/calibration.yaml`` derives from published figures (IBM Cost of a
Data Breach 2025, NetDiligence SME claims); ``docs/calibration.md`` explains the derivation."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..files import load_yaml_mapping, validate_model

CALIBRATION_FILE = Path(__file__).resolve().parents[2] / "assessments" / "calibration.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Figure(_Strict):
    value: float
    unit: str
    source: str
    note: str = ""


class Range(_Strict):
    low: float
    high: float
    currency: str


class Band(_Strict):
    per_event: Range
    per_record: Range


class Tier(_Strict):
    label: str
    max_revenue_usd: float | None = None     # upper bound of the tier (None: no bound)
    probability: float = Field(gt=0, lt=1)   # annual probability of a significant incident
    source: str
    uncertainty: str
    note: str = ""


class Frequency(_Strict):
    """Published incident rates by revenue tier (and industry factors) anchoring the scenarios'
    loss-event frequency (workbench/breach/frequency.py)."""

    tiers: list[Tier]
    industry_factor: dict[str, float] = Field(default_factory=lambda: {"default": 1.0})
    note: str = ""

    def tier_for(self, revenue_usd: float) -> Tier:
        for t in sorted(self.tiers, key=lambda t: float("inf") if t.max_revenue_usd is None else t.max_revenue_usd):
            if t.max_revenue_usd is None or revenue_usd < t.max_revenue_usd:
                return t
        return self.tiers[-1]


class Calibration(_Strict):
    published: dict[str, Figure]
    band: Band
    frequency: Frequency | None = None
    sources: dict[str, dict]


def load_calibration(path: str | Path | None = None) -> Calibration:
    p = Path(path) if path is not None else CALIBRATION_FILE
    cal = validate_model(load_yaml_mapping(p, "calibration file"), Calibration, p, "calibration file")
    cited = {f"published.{k}": f.source for k, f in cal.published.items()}
    cited.update({f"frequency.tiers.{i}": t.source for i, t in enumerate(cal.frequency.tiers)} if cal.frequency else {})
    for key, src in cited.items():
        if src not in cal.sources:
            from ..errors import ContentError
            raise ContentError.of("error.calibration.source", path=p, key=key, source=src)
    return cal


def per_event_and_record(sim) -> dict:
    """Mean loss per loss event and per exposed record per event (all scenarios pooled and per
    scenario), in the simulation's currency, with the band converted to that currency."""
    rows = {}
    loss = events = record_events = 0.0
    for o in sim.outcomes:
        mean = sum(o.components.values())
        share = o.scenario.loss.records_share.mean if o.scenario.loss.records_share is not None else 1.0
        rec = o.events_mean * o.exposure.records * share
        loss, events, record_events = loss + mean, events + o.events_mean, record_events + rec
        rows[o.scenario.id] = {"per_event": round(mean / o.events_mean, 2) if o.events_mean else 0.0,
                               "per_record": round(mean / rec, 2) if rec else 0.0}
    cal = load_calibration()
    fx = sim.laws.currency

    def conv(r: Range) -> dict:
        return {"low": round(fx.convert(r.low, r.currency, sim.currency), 2),
                "high": round(fx.convert(r.high, r.currency, sim.currency), 2)}

    return {"per_event": round(loss / events, 2) if events else 0.0,
            "per_record": round(loss / record_events, 2) if record_events else 0.0,
            "band": {"per_event": conv(cal.band.per_event), "per_record": conv(cal.band.per_record)},
            "by_scenario": rows}
