"""Loss-event frequency anchored on outside data (issue 22 §4).

The scenarios' threat-event frequencies and vulnerabilities are analyst estimates. Their sum of
expected loss events per year (``Σ E[TEF] · E[V0]``) is rescaled so that it matches an anchor:

* the organisation's own incident history, ``incidents:`` in dataset.yaml (a YAML file of
  ``years`` observed and the ``incidents`` in them), which overrides the published prior: rate
  ``(K + 0.5) / years`` (the mean of the Jeffreys posterior of a Poisson rate, so that zero
  incidents in a short history does not give a zero rate);
* else the published annual probability of a significant incident for the organisation's
  revenue tier (``frequency`` in ``assessments/calibration.yaml``: Cyentia IRIS figures as quoted
  there, marked with their uncertainty), turned into a Poisson rate ``-ln(1 - p)``.

Each scenario keeps its share of the prior total; every TEF draw is multiplied by the same
factor, so the relative order of the scenarios and every what-if stay as the priors set them.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import DatasetError
from ..files import load_yaml_mapping, validate_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Incident(_Strict):
    date: dt.date
    scenario: str | None = None      # a scenario id, when known (reported; shares stay the priors')
    records: int | None = Field(default=None, ge=0)
    note: str | None = None


class Incidents(_Strict):
    """``incidents.yaml``: the loss events (breaches, not attempts) seen in ``years`` of history."""

    years: float = Field(gt=0)
    incidents: list[Incident] = Field(default_factory=list)


def load_incidents(dataset) -> tuple[Incidents, Path] | None:
    """The dataset's incident history (None when dataset.yaml names none); bad input is a
    :class:`DatasetError` naming the file and key."""
    root = Path(getattr(dataset, "root", "") or ".")
    yml = root / "dataset.yaml"
    if not yml.is_file():
        return None
    name = load_yaml_mapping(yml, "dataset.yaml", DatasetError).get("incidents")
    if not name:
        return None
    path = root / str(name)
    raw = load_yaml_mapping(path, "incidents file", DatasetError,
                            missing_hint="create it (years: N, incidents: [...]) or remove 'incidents' from dataset.yaml")
    return validate_model(raw, Incidents, path, "incidents file", DatasetError), path


def prior_rate(scenarios) -> float:
    """Expected loss events per year the scenario priors give (base vulnerability, no posture)."""
    return float(sum(s.tef.mean * s.vulnerability.base.mean for s in scenarios))


def anchor(dataset, scenarios, revenue_usd: float, industry: str) -> dict:
    """The anchored rate, where it comes from and the factor applied to every TEF draw."""
    from .calibration import load_calibration

    prior = prior_rate(scenarios)
    hist = load_incidents(dataset)
    if hist is not None:
        inc, path = hist
        k = len(inc.incidents)
        rate = (k + 0.5) / inc.years
        out = {"from": "incidents", "file": path.name, "incidents": k, "years": inc.years,
               "rate": round(rate, 6), "note": f"own history: ({k} + 0.5) / {inc.years:g} years (Jeffreys posterior mean); "
                                               "overrides the published prior"}
    else:
        freq = load_calibration().frequency
        if freq is None:
            return {"from": "scenario priors", "rate": round(prior, 6), "prior_rate": round(prior, 6), "scale": 1.0}
        tier = freq.tier_for(revenue_usd)
        factor = freq.industry_factor.get(industry, freq.industry_factor.get("default", 1.0))
        p = min(0.999, tier.probability * factor)
        rate = -math.log(1 - p)
        out = {"from": "published", "tier": tier.label, "probability": tier.probability, "industry": industry,
               "industry_factor": factor, "rate": round(rate, 6), "source": tier.source,
               "uncertainty": tier.uncertainty, "note": tier.note}
    scale = out["rate"] / prior if prior > 0 else 1.0
    out.update({"prior_rate": round(prior, 6), "scale": round(scale, 6)})
    return out


def describe(freq: dict) -> str:
    """One sentence saying where the loss-event frequency comes from (CLI, report, playbook)."""
    if freq.get("from") == "incidents":
        return (f"loss-event frequency from the organisation's own history ({freq['file']}: {freq['incidents']} "
                f"incidents in {freq['years']:g} years -> {freq['rate']:.3f} a year; scenario priors x {freq['scale']:.3f})")
    if freq.get("from") == "published":
        return (f"loss-event frequency anchored on {freq['probability']:.1%} a year for the {freq['tier']} tier "
                f"({freq['source']}, uncertainty {freq['uncertainty'].split(':')[0]}) -> {freq['rate']:.3f} a year; "
                f"scenario priors ({freq['prior_rate']:.2f} a year) x {freq['scale']:.3f}; see docs/calibration.md")
    return f"loss-event frequency from the scenario files as given ({freq.get('prior_rate', 0):.2f} a year before posture)"
