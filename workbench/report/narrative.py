"""The sentences that explain the numbers of the executive report (Markdown, values escaped);
every sentence from the message catalogue (:mod:`workbench.i18n`)."""
from __future__ import annotations

import math

from ..i18n import t
from ..presentation import count, money, percent, text
from .executive import AMBER, GREEN, Results, _scenario_title


def section(key: str) -> str:
    """A section heading and its one-paragraph introduction (``section.<key>`` in the catalogue)."""
    return f"## {t(f'section.{key}.title')}\n\n{t(f'section.{key}.intro')}"


def status_legend() -> str:
    """How a domain gets its red/amber/green status."""
    return t("legend.status", green=f"{GREEN:.0f}", amber=f"{AMBER:.0f}")


def loss_explanation(r: Results) -> str:
    """The loss model in a few sentences, with this quarter's numbers: how often a loss event
    happens, what drives each scenario, and why a percentile can be 0."""
    scen = r.simulation.get("scenarios", []) or []
    trials = r.simulation.get("trials")
    lines = [t("loss.model", trials=count(int(trials))) if trials else t("loss.model_short"), ""]
    rare = []
    for s in scen:
        rate = s.get("loss_events_per_year")
        if rate is None:
            continue
        chance = 1 - math.exp(-float(rate))
        loss = s.get("loss") or {}
        if chance < 0.10 and (loss.get("mean") or 0) > 0:
            rare.append(t("loss.rare_item", scenario=text(_scenario_title(s)), chance=percent(chance, 1)))
    lines.append(t("loss.why_zero") + (t("loss.why_zero_holds", items="; ".join(rare)) if rare else ""))
    total = (r.simulation.get("total") or {})
    if total.get("mean") is not None:
        lines += ["", t("loss.total", mean=money(total["mean"], r.currency), p99=money(total.get("p99"), r.currency))]
    return "\n".join(lines)
