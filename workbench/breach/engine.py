"""Vectorised FAIR Monte Carlo.

One trial is one year. For a scenario the engine draws, once and independently of the posture:

* the threat-event frequency ``TEF`` (PERT) and a base vulnerability ``V0`` (PERT) per trial;
* the number of *candidate* loss events ``K ~ Poisson(TEF · Vmax)``, where ``Vmax`` is the
  vulnerability under the worst posture the scenario allows; each candidate gets a uniform ``W``;
* every per-event magnitude (costs per record, churn, downtime, fine lottery and size...).

A posture then gives ``V = min(1, V0 · Π multipliers) <= Vmax`` and a candidate is a loss event
when ``W < V / Vmax``. By Poisson thinning the loss events per year are ``Poisson(TEF · V)``,
i.e. FAIR's ``LEF = TEF × Vuln`` with integer event counts. Because nothing random depends on
the posture, re-evaluating with a control fixed uses the *same* draws (common random numbers):
a better posture can only remove events or shrink their magnitude, trial by trial.

Loss per event = primary (response, productivity) + secondary (notification, lost business,
fines): the components are *added* (pyfair issue #43 multiplies the secondary loss instead).
Annual loss = sum over the year's events, aggregated with ``np.bincount``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .content import Laws, Prior, Scenario

Z90 = 1.2815515655446004
COMPONENTS = ("response", "productivity", "notification", "lost_business", "fines")
PRIMARY = ("response", "productivity")
SECONDARY = ("notification", "lost_business", "fines")
PERCENTILES = {"p50": 50, "p90": 90, "p95": 95, "p99": 99}


def pert(rng: np.random.Generator, lo: float, mode: float, hi: float, size: int) -> np.ndarray:
    """PERT(lo, mode, hi) samples via the beta distribution (mean ``(lo + 4·mode + hi) / 6``)."""
    if hi == lo:
        return np.full(size, float(lo))
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    return lo + (hi - lo) * rng.beta(a, b, size)


def sample(prior: Prior, rng: np.random.Generator, size: int, scale: float = 1.0) -> np.ndarray:
    """Draw ``size`` values of a prior (PERT, lognormal from median/P90, or constant), times ``scale``."""
    if prior.kind == "pert":
        out = pert(rng, prior.min, prior.mode, prior.max, size)
    elif prior.kind == "lognormal":
        sigma = (math.log(prior.p90) - math.log(prior.median)) / Z90
        out = rng.lognormal(math.log(prior.median), sigma, size) if sigma > 0 else np.full(size, prior.median)
    else:
        out = np.full(size, float(prior.value))
    return out * scale if scale != 1.0 else out


def fair_basic(rng: np.random.Generator, trials: int, tef: tuple, vuln: tuple, plm: tuple,
               slef: tuple, slem: tuple) -> np.ndarray:
    """The classic FAIR tree with PERT inputs, as pyfair computes it (no Poisson counts).

    ``ALE = TEF · Vuln · (PLM + SLEF · SLEM)`` per trial; each argument is ``(min, mode, max)``.
    Secondary loss is added to primary loss, not multiplied.
    """
    lef = pert(rng, *tef, trials) * pert(rng, *vuln, trials)
    lm = pert(rng, *plm, trials) + pert(rng, *slef, trials) * pert(rng, *slem, trials)
    return lef * lm


@dataclass
class Draws:
    """Posture-independent random draws for one scenario (common random numbers)."""

    trials: int
    v0: np.ndarray                     # base vulnerability per trial
    vmax: np.ndarray                   # vulnerability under the worst posture, per trial
    event_trial: np.ndarray            # trial index of each candidate event
    event_u: np.ndarray                # uniform per candidate event
    mags: dict[str, np.ndarray] = field(default_factory=dict)  # per-event magnitudes (USD or shares)
    fine_u: dict[str, np.ndarray] = field(default_factory=dict)
    fine_size: dict[str, np.ndarray] = field(default_factory=dict)  # share of cap or award per subject


@dataclass
class Context:
    """What the engine needs from the organisation and the law, already in the org currency."""

    currency: str
    usd: float                          # 1 USD in the org currency
    revenue: float                      # annual revenue (org currency)
    revenue_per_customer: float
    caps: dict[str, dict[str, float]]   # regime -> tier -> cap (org currency)
    per_subject_fx: dict[str, float]    # regime -> factor from its statutory currency to org currency


@dataclass
class Result:
    """Annual losses per trial for one scenario, in total and by component."""

    loss: np.ndarray
    components: dict[str, np.ndarray]
    fines_by_regime: dict[str, np.ndarray]
    events: np.ndarray                  # loss events per trial


def worst_multiplier(scn: Scenario) -> float:
    m = 1.0
    for mod in scn.vulnerability.moved_by:
        if mod.effect == "increases":
            m *= 1 + mod.strength
    return m


def multiplier(scn: Scenario, inputs: dict[str, float]) -> float:
    """Product of the scenario's posture modifiers for these inputs (each input in [0, 1])."""
    m = 1.0
    for mod in scn.vulnerability.moved_by:
        x = min(1.0, max(0.0, float(inputs[mod.input])))
        m *= (1 - mod.strength * x) if mod.effect == "reduces" else (1 + mod.strength * x)
    return m


def draw(scn: Scenario, laws: Laws, rng: np.random.Generator, trials: int) -> Draws:
    """Draw everything random for ``scn`` (see the module docstring)."""
    tef = sample(scn.tef, rng, trials)
    v0 = sample(scn.vulnerability.base, rng, trials)
    vmax = np.minimum(v0 * worst_multiplier(scn), 1.0)
    counts = rng.poisson(tef * vmax)
    n = int(counts.sum())
    d = Draws(trials=trials, v0=v0, vmax=vmax,
              event_trial=np.repeat(np.arange(trials, dtype=np.int64), counts), event_u=rng.random(n))
    L = scn.loss
    for name in ("response_fixed", "response_per_record", "identity_protection_per_record",
                 "notification_per_record", "churn", "records_share", "downtime_no_backup_hours",
                 "downtime_immutable_rto_multiple", "downtime_tested_rto_multiple", "revenue_dependency"):
        p = getattr(L, name)
        if p is not None:
            d.mags[name] = sample(p, rng, n)
    if L.fines:
        for rid, reg in sorted(laws.regimes.items()):
            d.fine_u[rid] = rng.random(n)
            size = reg.enforcement.share_of_cap if reg.tiers else reg.enforcement.award_per_subject
            d.fine_size[rid] = sample(size, rng, n)
    return d


def evaluate(d: Draws, scn: Scenario, exposure, inputs: dict[str, float], ctx: Context, laws: Laws,
             notice_records: float) -> Result:
    """Annual losses for one posture (``inputs``) and one exposure, from the shared draws.

    ``exposure`` needs ``records``, ``by_jurisdiction`` and ``high_risk``; ``notice_records`` is
    how many exposed records must be told individually (see :func:`law.notice_records`).
    """
    T = d.trials
    v = np.minimum(d.v0 * multiplier(scn, inputs), d.vmax)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d.vmax > 0, v / d.vmax, 0.0)
    ok = d.event_u < ratio[d.event_trial]
    et = d.event_trial[ok]
    m = {k: a[ok] for k, a in d.mags.items()}
    share = m.get("records_share", 1.0)
    usd = ctx.usd
    R = float(exposure.records)
    per_record = m["response_per_record"] + (m["identity_protection_per_record"] if exposure.high_risk else 0.0)
    comp: dict[str, np.ndarray | float] = {
        "response": (m["response_fixed"] + per_record * R * share) * usd,
        "notification": m["notification_per_record"] * notice_records * share * usd,
        "lost_business": m["churn"] * R * share * ctx.revenue_per_customer,
    }
    if "downtime_no_backup_hours" in m:
        hours = m["downtime_no_backup_hours"]
        rto = float(inputs.get("rto_hours", 24.0))
        if inputs.get("immutable_offsite"):
            hours = np.minimum(hours, m["downtime_immutable_rto_multiple"] * rto)
            if inputs.get("restore_tested"):
                hours = np.minimum(hours, m["downtime_tested_rto_multiple"] * rto)
        comp["productivity"] = hours * (ctx.revenue / 8760.0) * m["revenue_dependency"]
    else:
        comp["productivity"] = 0.0
    fines_by: dict[str, np.ndarray] = {}
    fines_total = np.zeros(et.size)
    for rid in d.fine_u:
        reg = laws.regimes[rid]
        n_j = float(exposure.by_jurisdiction.get(reg.jurisdiction, 0))
        if n_j <= 0 or (reg.requires_sensitive and not exposure.high_risk):
            continue
        p = (reg.enforcement.probability_high_risk if exposure.high_risk else reg.enforcement.probability).value
        hit = d.fine_u[rid][ok] < p
        if reg.tiers:
            f = hit * d.fine_size[rid][ok] * ctx.caps[rid]["high_risk" if exposure.high_risk else "normal"]
        else:
            f = hit * d.fine_size[rid][ok] * n_j * share * ctx.per_subject_fx[rid]
        fines_by[rid] = np.bincount(et, weights=f, minlength=T)
        fines_total = fines_total + f
    comp["fines"] = fines_total
    out = {}
    total = np.zeros(T)
    for k in COMPONENTS:
        c = comp[k]
        if np.isscalar(c):
            agg = np.zeros(T) if c == 0 else np.bincount(et, minlength=T) * float(c)
        else:
            agg = np.bincount(et, weights=np.broadcast_to(c, et.shape), minlength=T)
        out[k] = agg
        total += agg
    return Result(loss=total, components=out, fines_by_regime=fines_by,
                  events=np.bincount(et, minlength=T))


def summary(loss: np.ndarray) -> dict[str, float]:
    """Mean and P50/P90/P95/P99 of annual losses."""
    q = np.percentile(loss, list(PERCENTILES.values()))
    return {"mean": float(loss.mean()), **{k: float(v) for k, v in zip(PERCENTILES, q)}}


def exceedance(loss: np.ndarray, points: int = 60) -> dict[str, list[float]]:
    """Loss exceedance curve: P(annual loss > x) on a log-spaced grid of x."""
    s = np.sort(loss)
    pos = s[s > 0]
    if pos.size == 0:
        return {"loss": [], "probability": []}
    lo, hi = max(pos[0], pos[-1] * 1e-6), pos[-1]
    xs = np.unique(np.geomspace(lo, hi, points)) if hi > lo else np.array([lo])
    p = 1.0 - np.searchsorted(s, xs, side="right") / s.size
    return {"loss": xs.tolist(), "probability": p.tolist()}
