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

Loss per event = primary + secondary, every component *added* (pyfair issue #43 multiplies
secondary loss forms instead). With ``R`` exposed records and ``s`` the share taken in the event:

| component | per event |
|---|---|
| response (primary) | ``response_fixed + (response_per_record [+ identity_protection_per_record if national ids or cards leak]) · R · s`` |
| productivity (primary) | ``downtime hours · revenue / 8760 · revenue_dependency · margin``; hours = the no-backup draw, capped at ``immutable multiple · RTO`` with immutable offsite copies and at ``tested multiple · RTO`` when restores are also tested |
| notification (secondary) | ``notification_per_record · subjects who must be told · s`` |
| lost business (secondary) | ``churn · margin · R · s · revenue per customer`` |
| fines (secondary) | tiered (GDPR, PIPL, CSL): ``[U < p] · share_of_cap · cap(tier)``; per subject (CCPA, CPPA): ``[U < p] · award · covered records · s`` |

``margin`` is ``organisation.gross_margin`` when declared (lost revenue becomes lost profit at
that margin), else the scenario's ``margin`` prior; revenue per customer is
``annual_revenue / organisation.customers`` when declared, else per row of the extract. The
records a regime covers come from the law (GDPR Art. 3(1): every record of an EU-established
controller), see :func:`workbench.breach.law.regime_records`.

USD priors are converted to the organisation's currency. Annual loss = sum over the year's
loss events, aggregated with ``np.bincount``.
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
    """PERT(lo, mode, hi) samples via the beta distribution (mean ``(lo + 4·mode + hi) / 6``).

    Beta(a, b) is drawn as ``X / (X + Y)`` with ``X ~ Gamma(a)``, ``Y ~ Gamma(b)`` — exact, and
    about 20 % faster than ``Generator.beta`` here (PERT shapes are always >= 1).
    """
    if hi == lo:
        return np.full(size, float(lo))
    a = 1 + 4 * (mode - lo) / (hi - lo)
    b = 1 + 4 * (hi - mode) / (hi - lo)
    x = rng.standard_gamma(a, size)
    y = rng.standard_gamma(b, size)
    y += x
    x /= y
    x *= hi - lo
    if lo:
        x += lo
    return x


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


def secondary_loss(rng: np.random.Generator, trials: int, forms: dict[str, tuple[tuple, tuple]]) -> np.ndarray:
    """Secondary loss over several forms (reputation, legal...): ``Σ SLEF_i · SLEM_i``.

    Each form is ``((min, mode, max) of SLEF, (min, mode, max) of SLEM)``. Forms are *added*;
    pyfair's ``input_multi_data`` multiplies them (pyfair issue #43: two forms with SLEF 1 and
    SLEM 10 give 101 instead of 20).
    """
    out = np.zeros(trials)
    for name in sorted(forms):
        slef, slem = forms[name]
        f = pert(rng, *slef, trials)
        f *= pert(rng, *slem, trials)
        out += f
    return out


def fair_basic(rng: np.random.Generator, trials: int, tef: tuple, vuln: tuple, plm: tuple,
               slef: tuple, slem: tuple) -> np.ndarray:
    """The classic FAIR tree with PERT inputs, as pyfair computes it (no Poisson counts).

    ``ALE = TEF · Vuln · (PLM + SLEF · SLEM)`` per trial; each argument is ``(min, mode, max)``.
    Secondary loss is added to primary loss, not multiplied.
    """
    ale = pert(rng, *tef, trials)
    ale *= pert(rng, *vuln, trials)
    lm = pert(rng, *plm, trials)
    lm += secondary_loss(rng, trials, {"secondary": (slef, slem)})
    ale *= lm
    return ale


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
    gross_margin: float | None = None   # organisation.gross_margin; None: the scenario's margin prior
    direct_loss_threshold: float | None = None  # CN grading: RMB 5M direct loss, in the org currency
    fine_scale: object | None = None    # statutes.FineScale: tiered fines grow with people and severity


@dataclass
class Result:
    """Annual losses of one scenario: per trial (``loss``, None when only means were asked for)
    and the mean of each component, of each regime's fines and of the loss-event count."""

    loss: np.ndarray | None
    components: dict[str, float]
    fines_by_regime: dict[str, float]
    events_mean: float
    direct_over_share: float = 0.0     # share of loss events whose direct loss reaches ctx.direct_loss_threshold

    @property
    def mean(self) -> float:
        return float(sum(self.components.values()))


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


def draw(scn: Scenario, laws: Laws, rng: np.random.Generator, trials: int, tef_scale: float = 1.0) -> Draws:
    """Draw everything random for ``scn`` (see the module docstring); ``tef_scale`` anchors the
    threat-event frequency on outside data (:mod:`workbench.breach.frequency`)."""
    tef = sample(scn.tef, rng, trials, tef_scale)
    v0 = sample(scn.vulnerability.base, rng, trials)
    vmax = np.minimum(v0 * worst_multiplier(scn), 1.0)
    counts = rng.poisson(tef * vmax)
    n = int(counts.sum())
    d = Draws(trials=trials, v0=v0, vmax=vmax,
              event_trial=np.repeat(np.arange(trials, dtype=np.int64), counts), event_u=rng.random(n))
    L = scn.loss
    for name in ("response_fixed", "response_per_record", "identity_protection_per_record",
                 "notification_per_record", "churn", "margin", "records_share", "downtime_no_backup_hours",
                 "downtime_immutable_rto_multiple", "downtime_tested_rto_multiple", "revenue_dependency"):
        p = getattr(L, name)
        if p is not None:
            d.mags[name] = sample(p, rng, n)
    if L.fines:
        for rid, reg in sorted(laws.regimes.items()):
            # the size is drawn only where a fine is possible at the highest probability; a
            # posture with a lower probability fines a subset of those events (same draws)
            u = rng.random(n)
            cand = u < reg.enforcement.probability_high_risk.value
            size = np.zeros(n)
            prior = reg.enforcement.share_of_cap if reg.tiers else reg.enforcement.award_per_subject
            size[cand] = sample(prior, rng, int(cand.sum()))
            d.fine_u[rid], d.fine_size[rid] = u, size
    return d


def accepted(d: Draws, scn: Scenario, inputs: dict[str, float]) -> Draws:
    """The draws restricted to the candidate events that are loss events under ``inputs``.

    Exact for any posture at least as good as ``inputs`` (what-if) and for the same posture
    with other magnitudes (sensitivity): a better posture only removes events (common random
    numbers), and the kept events keep their uniforms, magnitudes and order."""
    v = np.minimum(d.v0 * multiplier(scn, inputs), d.vmax)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d.vmax > 0, v / d.vmax, 0.0)
    ok = d.event_u < ratio[d.event_trial]
    return Draws(trials=d.trials, v0=d.v0, vmax=d.vmax, event_trial=d.event_trial[ok], event_u=d.event_u[ok],
                 mags={k: a[ok] for k, a in d.mags.items()}, fine_u={k: a[ok] for k, a in d.fine_u.items()},
                 fine_size={k: a[ok] for k, a in d.fine_size.items()})


def evaluate(d: Draws, scn: Scenario, exposure, inputs: dict[str, float], ctx: Context, laws: Laws,
             notice_records: float, per_trial: bool = True,
             regime_records: dict[str, float] | None = None,
             regime_high: dict[str, float] | None = None) -> Result:
    """Annual losses for one posture (``inputs``) and one exposure, from the shared draws.

    ``exposure`` needs ``records``, ``by_jurisdiction`` and ``high_risk``; ``notice_records`` is
    how many exposed records must be told individually (see :func:`law.notice_records`).
    With ``per_trial=False`` only the means are computed (what-if), which skips the aggregation.
    ``regime_records``: records each fine regime covers (default: its jurisdiction's records);
    ``regime_high``: of those, the people whose own exposed elements are high risk (the fine's
    tier, probability and, with ``ctx.fine_scale``, its size; default: all when the exposure is
    high risk). Identity protection is paid for the high-risk people only.
    """
    T = d.trials
    v = np.minimum(d.v0 * multiplier(scn, inputs), d.vmax)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d.vmax > 0, v / d.vmax, 0.0)
    ok = d.event_u < ratio[d.event_trial]
    et = d.event_trial[ok]
    n = et.size
    m = {k: a[ok] for k, a in d.mags.items()}
    sh = m["records_share"] if "records_share" in m else 1.0
    usd = ctx.usd
    R = float(exposure.records)
    margin = m["margin"] if ctx.gross_margin is None else ctx.gross_margin
    R_high = _high_people(exposure, laws)
    parts = {
        "response": m["response_fixed"] * usd + m["response_per_record"] * sh * (R * usd)
        + (m["identity_protection_per_record"] * sh * (R_high * usd) if R_high else 0.0),
        "notification": m["notification_per_record"] * sh * (notice_records * usd),
        "lost_business": m["churn"] * margin * sh * (R * ctx.revenue_per_customer),
    }
    if "downtime_no_backup_hours" in m:
        hours = m["downtime_no_backup_hours"]
        rto = float(inputs.get("rto_hours", 24.0))
        if inputs.get("immutable_offsite"):
            hours = np.minimum(hours, m["downtime_immutable_rto_multiple"] * rto)
            if inputs.get("restore_tested"):
                hours = np.minimum(hours, m["downtime_tested_rto_multiple"] * rto)
        parts["productivity"] = hours * m["revenue_dependency"] * margin * (ctx.revenue / 8760.0)
    fines_by: dict[str, float] = {}
    fines = np.zeros(n)
    for rid in d.fine_u:
        reg = laws.regimes[rid]
        n_j = float(regime_records[rid] if regime_records and rid in regime_records
                    else exposure.by_jurisdiction.get(reg.jurisdiction, 0))
        n_high = float(regime_high[rid] if regime_high and rid in regime_high
                       else (n_j if exposure.high_risk else 0.0))
        high = n_high > 0
        if n_j <= 0 or (reg.requires_sensitive and not high) or (reg.requires_downtime and not scn.loss.has_downtime):
            continue
        p = (reg.enforcement.probability_high_risk if high else reg.enforcement.probability).value
        hit = d.fine_u[rid][ok] < p
        if reg.tiers:
            scale = ctx.fine_scale.factor(n_j, n_high) if ctx.fine_scale is not None else 1.0
            f = hit * d.fine_size[rid][ok] * (ctx.caps[rid]["high_risk" if high else "normal"] * scale)
        else:
            f = hit * d.fine_size[rid][ok] * (n_j * ctx.per_subject_fx[rid])
            f = f * sh
        fines_by[rid] = float(f.sum()) / T
        fines = fines + f
    parts["fines"] = fines
    per_event = sum(parts.values())
    over = 0.0
    if per_trial and ctx.direct_loss_threshold and n:
        # direct economic loss of an incident = its primary loss (response and downtime)
        direct = parts["response"] + parts.get("productivity", 0.0)
        over = float(np.count_nonzero(direct >= ctx.direct_loss_threshold)) / n
    loss = np.bincount(et, weights=per_event, minlength=T) if per_trial else None
    comps = {k: float(parts[k].sum()) / T if k in parts else 0.0 for k in COMPONENTS}
    return Result(loss=loss, components=comps, fines_by_regime=fines_by, events_mean=n / T, direct_over_share=over)


def _high_people(exposure, laws: Laws) -> float:
    """Exposed people whose own elements are high risk (all of them for a hand-built exposure)."""
    if hasattr(exposure, "count") and getattr(exposure, "groups", None) is not None:
        return float(exposure.count([[e] for e in laws.high_risk_elements]))
    return float(exposure.records) if exposure.high_risk else 0.0


def stats(loss: np.ndarray, points: int = 60) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Summary (mean, P50/P90/P95/P99 as numpy's linear percentiles) and loss exceedance curve.

    The curve is P(annual loss > x) on a log-spaced grid of x up to the largest loss, counted
    exactly with one ``searchsorted`` pass (no full sort: a sort of 1M values costs more than
    the sampling of a whole FAIR tree).
    """
    T = loss.size
    pos = loss[loss > 0]
    out = {"mean": float(loss.mean()), **_percentiles(pos, T)}
    if pos.size == 0:
        return out, {"loss": [], "probability": []}
    lo_x, hi_x = float(pos.min()), float(pos.max())
    lo_x = max(lo_x, hi_x * 1e-6)
    xs = np.unique(np.geomspace(lo_x, hi_x, points)) if hi_x > lo_x else np.array([lo_x])
    # idx = how many grid points lie strictly below each loss; loss > xs[j]  <=>  idx > j
    below = _below(xs, pos) if xs.size == points else np.searchsorted(xs, pos, side="left")
    counts = np.bincount(below, minlength=xs.size + 1)
    above = counts[::-1].cumsum()[::-1]          # above[k] = #losses with idx >= k
    p = above[1:] / T                            # P(loss > xs[j]) = #(idx >= j + 1) / T
    return out, {"loss": xs.tolist(), "probability": p.tolist()}


def _percentiles(pos: np.ndarray, T: int) -> dict[str, float]:
    """numpy's linear percentiles of ``T`` values of which ``pos`` are the positive ones (the rest
    are zeros), partitioning only the positive part."""
    z = T - pos.size
    need = {}
    for k, q in PERCENTILES.items():
        h = (T - 1) * q / 100.0
        lo = int(math.floor(h))
        need[k] = (lo, min(lo + 1, T - 1), h - lo)
    kth = sorted({i - z for lo, hi, _ in need.values() for i in (lo, hi) if i >= z})
    part = np.partition(pos, kth) if kth else pos

    def at(i: int) -> float:
        return 0.0 if i < z else float(part[i - z])

    return {k: at(lo) + (at(hi) - at(lo)) * f for k, (lo, hi, f) in need.items()}


def _below(xs: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``np.searchsorted(xs, v, side="left")`` for a geometric grid ``xs``, in O(1) per value:
    the index from logarithms, then one exact correction step each way (3x faster)."""
    n = xs.size
    if n == 1:
        return (v > xs[0]).astype(np.intp)
    step = math.log(xs[-1] / xs[0]) / (n - 1)
    g = np.log(v / xs[0])
    g /= step
    idx = np.floor(g).astype(np.intp) + 1
    np.clip(idx, 0, n, out=idx)
    up = idx < n
    up[up] = xs[idx[up]] < v[up]
    idx[up] += 1
    down = idx > 0
    down[down] = xs[idx[down] - 1] >= v[down]
    idx[down] -= 1
    return idx


def summary(loss: np.ndarray) -> dict[str, float]:
    """Mean and P50/P90/P95/P99 of annual losses."""
    return stats(loss)[0]


def exceedance(loss: np.ndarray, points: int = 60) -> dict[str, list[float]]:
    """Loss exceedance curve: P(annual loss > x) on a log-spaced grid of x."""
    return stats(loss, points)[1]
