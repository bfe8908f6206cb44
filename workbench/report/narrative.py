"""The sentences that explain the numbers of the executive report (Markdown, values escaped)."""
from __future__ import annotations

import math

from ..presentation import money, percent, text
from .executive import AMBER, GREEN, Results


def status_legend() -> str:
    """How a domain gets its red/amber/green status."""
    return (f"Status: **green** at {GREEN:.0f} or more, **amber** from {AMBER:.0f} to below {GREEN:.0f}, "
            f"**red** below {AMBER:.0f}. A check that could not see its data earns no credit, so a domain none of whose checks could run scores 0, never green.")


def loss_explanation(r: Results) -> str:
    """The loss model in a few sentences, with this quarter's numbers: how often a loss event
    happens, what drives each scenario, and why a percentile can be 0."""
    scen = r.simulation.get("scenarios", []) or []
    trials = r.simulation.get("trials")
    lines = [
        f"Each scenario is simulated over {int(trials):,} years (a FAIR-style Monte Carlo): how often the threat "
        "occurs, how often it succeeds against this quarter's controls (the posture findings), and what one "
        "event costs — response, notification, lost business, downtime and fines capped per law. "
        "*Mean* is the expected loss per year; *p90/p95/p99* are the losses that 90/95/99 years in 100 stay below."
        if trials else "Each scenario is simulated year by year (a FAIR-style Monte Carlo).", ""]
    rare = []
    for s in scen:
        rate = s.get("loss_events_per_year")
        if rate is None:
            continue
        chance = 1 - math.exp(-float(rate))
        loss = s.get("loss") or {}
        if chance < 0.10 and (loss.get("mean") or 0) > 0:
            rare.append(f"{text(s.get('title') or s.get('id'))} ({percent(chance, 1)} a year)")
    lines.append(
        "**Why a percentile can be 0.** In most years nothing happens. When the chance of at least one loss event "
        "in a year is below 10%, more than 90 years in 100 lose nothing, so p90 is 0 while the mean — rare "
        "losses spread over all years — is positive: a 0 is a result, not missing data."
        + (f" This quarter that holds for: {'; '.join(rare)}." if rare else ""))
    total = (r.simulation.get("total") or {}).get("mean")
    if total is not None:
        lines += ["", f"All scenarios together: an expected {money(total, r.currency)} a year."]
    return "\n".join(lines)
