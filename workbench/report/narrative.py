"""The sentences that explain the numbers of the executive report (Markdown, values escaped);
every sentence from the message catalogue (:mod:`workbench.i18n`)."""
from __future__ import annotations

import math

from .. import i18n
from ..i18n import t
from ..presentation import count, money, percent, text
from .executive import AMBER, GREEN, _scenario_title
from .results import Results


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
    anchor = frequency_anchor(r.simulation)
    if anchor:
        lines += ["", anchor]
    return "\n".join(lines)


def _rate(v: float) -> str:
    return text(i18n.fmt_decimal(float(v), 3 if float(v) < 1 else 2))


def _gamma_cdf(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x), by its power series (a ≥ 1/2, x ≥ 0)."""
    if x <= 0:
        return 0.0
    term = total = 1.0 / a
    n = 0
    while term > total * 1e-15 and n < 10_000:
        n += 1
        term *= x / (a + n)
        total += term
    return min(1.0, total * math.exp(a * math.log(x) - x - math.lgamma(a)))


def _poisson_interval(k: int, years: float) -> tuple[float, float]:
    """5th and 95th percentile of the Jeffreys posterior Gamma(k + 1/2, rate ``years``) of a
    Poisson rate: the spread of yearly rates that ``k`` incidents in ``years`` years allow."""
    a = k + 0.5

    def quantile(q: float) -> float:
        lo, hi = 0.0, a + 20 * math.sqrt(a) + 20
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if _gamma_cdf(a, mid) < q else (lo, mid)
        return (lo + hi) / 2 / years

    return quantile(0.05), quantile(0.95)


def frequency_anchor(simulation: dict) -> str:
    """Where the loss-event frequency comes from (simulation.json ``frequency``: the published
    rate or the organisation's own ``incidents.yaml``), the loss events a year it gives and how
    uncertain that is; then whether record counts come from an extract (``organisation``)."""
    freq = simulation.get("frequency") or {}
    org = simulation.get("organisation") or {}
    parts = []
    prior = freq.get("prior_rate")
    if freq.get("from") == "published":
        level, _, reason = str(freq.get("uncertainty") or "").partition(":")
        unc = i18n.term("value", level.strip()) if level.strip() else "—"
        if reason.strip() and i18n.current() == "en":  # the reason is calibration.yaml's English text
            unc = f"{unc} ({reason.strip()})"
        parts.append(t("loss.anchor.published", probability=text(percent(freq.get("probability"), 1)),
                       source=text(freq.get("source") or "—"), rate=_rate(freq["rate"]), prior=_rate(prior or 0),
                       uncertainty=text(unc)))
    elif freq.get("from") == "incidents":
        k, years = int(freq.get("incidents") or 0), float(freq.get("years") or 1)
        low, high = _poisson_interval(k, years)
        parts.append(t("loss.anchor.incidents", file=text(freq.get("file") or "incidents.yaml"), incidents=count(k),
                       years=text(f"{years:g}"), rate=_rate(freq["rate"]), prior=_rate(prior or 0),
                       low=_rate(low), high=_rate(high)))
    elif prior is not None:
        parts.append(t("loss.anchor.none", prior=_rate(prior)))
    rows, customers = org.get("customer_rows"), org.get("customers")
    if rows is not None and customers is not None:
        parts.append(t("loss.anchor.extract", rows=count(rows), customers=count(customers))
                     if int(rows) != int(customers) else t("loss.anchor.full", rows=count(rows)))
    return "\n\n".join(parts)
