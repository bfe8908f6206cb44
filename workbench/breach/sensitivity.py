"""Sensitivity (tornado) of a scenario's expected annual loss to each prior.

Each prior is set in turn to its low and its high value — PERT min and max, lognormal P10 and
P90 — while every other input keeps its simulated draws (common random numbers), so the swing
is the prior's own effect. Magnitude priors are re-evaluated exactly; the threat-event
frequency and the base vulnerability scale the loss-event count linearly (the expected number
of Poisson events is ``E[TEF · V]``), and a fine's share of the cap scales that regime's fines.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .content import Prior, Scenario
from .engine import Z90, Context, Draws, Result, evaluate


def bounds(p: Prior) -> tuple[float, float] | None:
    """(low, high) of a prior, or None for a constant."""
    if p.kind == "pert":
        return (p.min, p.max) if p.max > p.min else None
    if p.kind == "lognormal":
        sigma = (math.log(p.p90) - math.log(p.median)) / Z90
        return (p.median * math.exp(-Z90 * sigma), p.p90) if sigma > 0 else None
    return None


def tornado(d: Draws, scn: Scenario, exposure, inputs: dict, ctx: Context, laws, notice: float,
            records: dict[str, float], base: Result, high: dict[str, float] | None = None) -> list[dict]:
    """Rows ``{prior, low, high, loss_low, loss_high, swing, note}``, largest swing first."""
    rows = []
    mean = base.mean

    def add(name: str, b: tuple[float, float], lo: float, hi: float, note: str = "") -> None:
        if abs(hi - lo) < 0.005:
            note = note or "no effect under the current posture (e.g. a backup multiple without immutable copies)"
        rows.append({"prior": name, "low": round(b[0], 6), "high": round(b[1], 6), "loss_low": round(lo, 2),
                     "loss_high": round(hi, 2), "swing": round(abs(hi - lo), 2), "note": note})

    for name, prior in (("tef", scn.tef), ("vulnerability.base", scn.vulnerability.base)):
        b = bounds(prior)
        if b and prior.mean > 0:
            add(name, b, mean * b[0] / prior.mean, mean * b[1] / prior.mean, "scales the loss-event count")
    for name, arr in sorted(d.mags.items()):
        prior = getattr(scn.loss, name)
        b = bounds(prior)
        if b is None:
            continue
        if name == "margin" and ctx.gross_margin is not None:
            continue   # organisation.gross_margin replaces the prior
        if name == "identity_protection_per_record" and not exposure.high_risk:
            continue   # only paid when national ids or cards leak
        out = []
        for v in b:
            dv = replace(d, mags={**d.mags, name: np.full(arr.size, float(v))})
            out.append(evaluate(dv, scn, exposure, inputs, ctx, laws, notice, per_trial=False,
                                regime_records=records, regime_high=high).mean)
        add(f"loss.{name}", b, out[0], out[1])
    for rid, fines in sorted(base.fines_by_regime.items()):
        enf = laws.regimes[rid].enforcement
        prior = enf.share_of_cap if enf.share_of_cap is not None else enf.award_per_subject
        b = bounds(prior)
        if b and fines > 0:
            add(f"fines.{rid}", b, mean - fines + fines * b[0] / prior.mean, mean - fines + fines * b[1] / prior.mean,
                "share of the cap" if enf.share_of_cap is not None else "award per subject")
    rows.sort(key=lambda r: (-r["swing"], r["prior"]))
    return rows
