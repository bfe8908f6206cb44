"""``simulate(dataset, findings)``: scenarios → exposure, posture → Monte Carlo losses, fines,
notification obligations and what-if reductions; ``write_simulation`` writes simulation.json.

Each scenario draws from its own stream, seeded by ``(seed, crc32(scenario id))``, so a scenario's
figures do not depend on which other scenarios run alongside it. A trial is one year; the
total adds the scenarios trial by trial (scenarios are independent).
"""
from __future__ import annotations

import json
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..files import write_json_atomic
from .content import Laws, Scenario, load_laws, load_scenarios
from .engine import COMPONENTS, PRIMARY, SECONDARY, accepted, draw, evaluate, multiplier, stats
from .exposure import Exposure, exposure
from .law import assess, context, notice_records, regime_high_records, regime_records
from .posture import CONTROLS, PostureInputs, derive
from .sensitivity import tornado
from .whatif import EPS, fixed_exposures, rank, scenario_what_if, zero_reason
from .text import with_keys


@dataclass
class ScenarioOutcome:
    scenario: Scenario
    exposure: Exposure
    loss: np.ndarray
    components: dict[str, float]
    fines_by_regime: dict[str, float]
    events_mean: float
    vulnerability: dict[str, float]
    notifications: list[dict]
    exemptions: list[dict] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)


@dataclass
class Simulation:
    dataset: str
    as_of: str
    trials: int
    seed: int
    currency: str
    findings_source: str
    posture: PostureInputs
    laws: Laws
    outcomes: list[ScenarioOutcome]
    total: np.ndarray
    what_if: list[dict] = field(default_factory=list)
    organisation: dict = field(default_factory=dict)
    frequency: dict = field(default_factory=dict)    # the loss-event frequency anchor (frequency.py)
    _stats: dict = field(default_factory=dict, repr=False)

    def stats(self, key: str) -> tuple[dict, dict]:
        """(summary, exceedance curve) of a scenario id or "TOTAL", computed once."""
        if key not in self._stats:
            loss = self.total if key == "TOTAL" else next(o.loss for o in self.outcomes if o.scenario.id == key)
            self._stats[key] = stats(loss)
        return self._stats[key]

    def to_dict(self) -> dict:
        """simulation.json (DESIGN "Breach simulation"), money rounded to cents."""
        from .. import __version__

        scen = []
        for o in self.outcomes:
            s = o.scenario
            comps = {k: _c(v) for k, v in o.components.items()}
            o_mean = sum(o.components.values())
            scen.append({
                "id": s.id, "title": s.title, "exposure": o.exposure.to_dict(),
                "tef": {"min": s.tef.min, "mode": s.tef.mode, "max": s.tef.max} if s.tef.kind == "pert" else {"mean": s.tef.mean},
                "tef_anchored_mean": round(s.tef.mean * self.frequency.get("scale", 1.0), 6),
                "vulnerability": {k: round(v, 6) for k, v in o.vulnerability.items()},
                "loss_events_per_year": round(o.events_mean, 6),
                "loss": _summ(self.stats(s.id)[0]), "components": comps,
                "primary": _c(sum(o.components[k] for k in PRIMARY)),
                "secondary": _c(sum(o.components[k] for k in SECONDARY)),
                "fines_by_regime": {k: _c(v) for k, v in sorted(o.fines_by_regime.items())},
                "exceedance": _lec(self.stats(s.id)[1]),
                # each sentence's English, and in "i18n" the catalogue keys it came from (text.with_keys)
                "notifications": [with_keys(n) for n in o.notifications],
                "exemptions": [with_keys(n) for n in o.exemptions], "sensitivity": o.sensitivity,
                "per_event": _c(o_mean / o.events_mean) if o.events_mean > 0 else 0.0,
            })
        comp_total = {k: _c(sum(o.components[k] for o in self.outcomes)) for k in COMPONENTS}
        fx = self.laws.currency
        return {"dataset": self.dataset, "as_of": self.as_of, "trials": self.trials, "seed": self.seed,
                "currency": self.currency, "workbench_version": __version__,
                "fx": {"base": fx.base, "as_of": fx.as_of, "rates": dict(sorted(fx.rates.items()))},
                "findings_source": self.findings_source, "posture": self.posture.to_dict(),
                "scenarios": scen, "total": _summ(self.stats("TOTAL")[0]), "components": comp_total,
                "total_exceedance": _lec(self.stats("TOTAL")[1]), "what_if": [with_keys(w) for w in self.what_if],
                "organisation": self.organisation, "calibration": self.calibration(), "frequency": self.frequency}

    def calibration(self) -> dict:
        """Mean loss per loss event and per exposed record per event, over every scenario (the
        figures docs/calibration.md sets against the published ranges)."""
        from .calibration import per_event_and_record
        return per_event_and_record(self)

    # tables for notebooks and the CLI --------------------------------------------------
    def scenario_table(self) -> pd.DataFrame:
        rows = []
        for o in self.outcomes:
            rows.append({"scenario": o.scenario.id, "via": o.exposure.via, "records": o.exposure.records,
                         "sensitive": ", ".join(o.exposure.sensitive_fields) or "-",
                         "events_per_year": round(o.events_mean, 4), **{k: round(v, 2) for k, v in self.stats(o.scenario.id)[0].items()}})
        rows.append({"scenario": "TOTAL", "via": "", "records": None, "sensitive": "",
                     "events_per_year": round(sum(o.events_mean for o in self.outcomes), 4),
                     **{k: round(v, 2) for k, v in self.stats("TOTAL")[0].items()}})
        return pd.DataFrame(rows)

    def posture_table(self) -> pd.DataFrame:
        d = self.posture.to_dict()
        return pd.DataFrame([{"input": k, "value": v, "from": d["origin"].get(k, "exposure per scenario")}
                             for k, v in d["inputs"].items()])

    def components_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"scenario": o.scenario.id, **{k: round(o.components[k], 2) for k in COMPONENTS}}
                             for o in self.outcomes])

    def timeline(self) -> pd.DataFrame:
        from .law import timeline
        return timeline([{"id": o.scenario.id, "notifications": o.notifications} for o in self.outcomes])

    def what_if_table(self) -> pd.DataFrame:
        from . import localize
        cols = ["rank", "control", "description", "mean", "mean_reduction", "reduction_share", "reason"]
        return pd.DataFrame([{k: localize.what_if_cell(k, w) for k in cols} for w in self.what_if], columns=cols)

    def calibration_table(self) -> pd.DataFrame:
        """Mean loss per event and per exposed record beside the published band (docs/calibration.md)."""
        c = self.calibration()
        return pd.DataFrame([{"measure": f"mean loss per {k.replace('per_', '').replace('record', 'exposed record')}",
                              "simulated": c[k], "band low": c["band"][k]["low"], "band high": c["band"][k]["high"],
                              "inside": c["band"][k]["low"] <= c[k] <= c["band"][k]["high"]}
                             for k in ("per_event", "per_record")])

    def obligations_table(self, exemptions: bool = False) -> pd.DataFrame:
        """Who to tell, by when, how many records and why, per scenario (``exemptions``: the ones
        an exemption or the incident grading removes, with the reason in ``trigger``)."""
        from . import localize
        from .law import timeline
        key = "exemptions" if exemptions else "notifications"
        return timeline([{"id": o.scenario.id, "notifications": [localize.row(r, self.laws) for r in getattr(o, key)]}
                         for o in self.outcomes])

    def sensitivity_table(self, scenario: str | None = None) -> pd.DataFrame:
        """Tornado rows (prior, low, high, loss at each, swing) of one scenario or of all."""
        rows = [{"scenario": o.scenario.id, **r} for o in self.outcomes
                if scenario in (None, o.scenario.id) for r in o.sensitivity]
        return pd.DataFrame(rows, columns=["scenario", "prior", "low", "high", "loss_low", "loss_high", "swing", "note"])


def _c(x: float) -> float:
    return round(float(x), 2)


def _summ(summ: dict[str, float]) -> dict[str, float]:
    return {k: _c(v) for k, v in summ.items()}


def _lec(e: dict[str, list[float]]) -> dict[str, list[float]]:
    return {"loss": [_c(x) for x in e["loss"]], "probability": [round(p, 6) for p in e["probability"]]}


def _rng(seed: int, scenario_id: str) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), zlib.crc32(scenario_id.encode())])))


def _date(v):
    """as_of as a date (None when unknown: every law counts as in force)."""
    import datetime as dt
    if v is None or isinstance(v, dt.date):
        return v.date() if isinstance(v, dt.datetime) else v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _findings(dataset, findings: dict | None) -> tuple[dict | None, str]:
    if findings is not None:
        return findings, "given"
    try:
        from ..assess import assess  # built by the checks engineer; optional here
    except ImportError:
        return None, "dataset only (workbench.assess not available)"
    return assess(dataset).to_dict(), "workbench.assess"


def simulate(dataset, findings: dict | None = None, *, trials: int = 100_000, seed: int = 7,
             scenarios: list[str] | None = None, as_of: str | None = None,
             scenario_dir: str | Path | None = None, laws_path: str | Path | None = None,
             progress: Callable[[str], None] | None = None, workers: int = 1,
             anchor_frequency: bool | None = None) -> Simulation:
    """Simulate annual breach losses for ``dataset`` (a loaded Dataset or a folder path).

    ``findings`` is the parsed findings.json (None: run ``workbench.assess.assess`` if it exists,
    else derive the posture from the dataset; ``{}``: dataset only). ``workers`` > 1 runs
    scenarios in threads (numpy releases the GIL); results are identical for any value, and one
    thread was faster on the shared 2-core machine (see benchmarks/results/breach_engine.md).
    ``anchor_frequency``: rescale the scenarios' threat-event frequencies to the published
    incident rate of the organisation's revenue tier, or to its own ``incidents:`` history
    (:mod:`workbench.breach.frequency`); default: for the bundled scenarios and whenever the
    dataset has an incident history, not for scenario files of your own (their TEF stands).
    """
    from ..errors import InputError

    if isinstance(dataset, (str, Path)):
        from ..dataset import load_dataset
        dataset = load_dataset(dataset, as_of=as_of)
    if int(trials) < 1:
        raise InputError.of("error.simulate.trials", value=trials)
    say = progress or (lambda _m: None)
    scns = load_scenarios(scenario_dir, scenarios)
    org = dataset.organisation
    laws = load_laws(laws_path).in_force(_date(dataset.as_of), bool(getattr(org, "critical_infrastructure", False)), org)
    findings, fsrc = _findings(dataset, findings)
    post = derive(dataset, findings)
    rows = dataset.rows("customers")
    customers = getattr(org, "customers", None) or rows
    ctx = context(laws, org.currency, org.annual_revenue, customers, getattr(org, "gross_margin", None),
                  getattr(org, "group_revenue", None))
    inputs = post.as_inputs()
    from .frequency import anchor, load_incidents, prior_rate
    if anchor_frequency is None:
        anchor_frequency = scenario_dir is None or load_incidents(dataset) is not None
    every = load_scenarios(scenario_dir) if scenarios else scns   # the anchor does not depend on the selection
    freq = (anchor(dataset, every, laws.currency.convert(org.annual_revenue, org.currency, "USD"), org.industry)
            if anchor_frequency else {"from": "scenario files (not anchored)", "prior_rate": round(prior_rate(scns), 6),
                                      "rate": round(prior_rate(scns), 6), "scale": 1.0})
    scan_cache: dict = {}
    exps = {sc.id: exposure(dataset, sc, post.extra_encrypted, scan_cache) for sc in scns}
    fixed_ex = fixed_exposures(dataset, scns, post, exps, scan_cache)

    def run(sc: Scenario):
        """Draw, evaluate and what-if one scenario; the draws are dropped afterwards (memory)."""
        d = draw(sc, laws, _rng(seed, sc.id), int(trials), freq["scale"])
        ex = exps[sc.id]
        notice, records = notice_records(ex, laws, org, sc), regime_records(ex, laws, org)
        high = regime_high_records(ex, laws, org)
        r = evaluate(d, sc, ex, inputs, ctx, laws, notice, regime_records=records, regime_high=high)
        m = multiplier(sc, inputs)
        vuln = {"base_mean": sc.vulnerability.base.mean, "multiplier": m,
                "effective_mean": float(np.minimum(d.v0 * m, 1.0).mean())}
        # what-if postures are better and sensitivity keeps the posture: both only need the
        # events that are loss events now (exact, and far fewer than the candidates)
        d = accepted(d, sc, inputs)
        tor = tornado(d, sc, ex, inputs, ctx, laws, notice, records, r, high)
        return r, vuln, scenario_what_if(sc, d, ex, fixed_ex, post, ctx, laws, r.mean, org), tor

    outcomes, fixed_means = [], {}
    total = np.zeros(int(trials))
    n_workers = max(1, min(len(scns), int(workers)))
    say(f"simulating {trials:,} years for {len(scns)} scenarios with what-if ({n_workers} threads)")
    with ThreadPoolExecutor(n_workers) as pool:
        for i, (s, (r, vuln, wi, tor)) in enumerate(zip(scns, pool.map(run, scns)), 1):
            say(f"[{i}/{len(scns)}] {s.id}: mean annual loss {r.mean:,.0f} {ctx.currency}")
            ex = exps[s.id]
            fixed_means[s.id] = wi
            owed, exempt = assess(ex, laws, org, s, r.direct_over_share if r.events_mean > 0 else None)
            outcomes.append(ScenarioOutcome(
                scenario=s, exposure=ex, loss=r.loss, components=r.components,
                fines_by_regime=r.fines_by_regime, events_mean=r.events_mean, vulnerability=vuln,
                notifications=owed, exemptions=exempt, sensitivity=tor))
            total += r.loss
    reasons = {(c, o.scenario.id): zero_reason(c, o.scenario, o.exposure, fixed_ex[c, o.scenario.id], post)
               for o in outcomes for c in CONTROLS if o.components and
               sum(o.components.values()) - fixed_means[o.scenario.id][c] < EPS}
    wi = rank({o.scenario.id: sum(o.components.values()) for o in outcomes}, fixed_means, reasons)
    orgd = {"name": org.name, "established_in": list(getattr(org, "established_in", []) or []),
            "critical_infrastructure": bool(getattr(org, "critical_infrastructure", False)),
            "customers": int(customers), "customers_from": "organisation.customers" if getattr(org, "customers", None)
            else "rows in customers", "revenue_per_customer": _c(ctx.revenue_per_customer),
            "gross_margin": getattr(org, "gross_margin", None), "customer_rows": int(rows),
            **_org_law(org, rows, customers)}
    return Simulation(dataset=dataset.name, as_of=str(dataset.as_of), trials=int(trials), seed=int(seed),
                      currency=ctx.currency, findings_source=fsrc, posture=post, laws=laws, outcomes=outcomes,
                      total=total, what_if=wi, organisation=orgd, frequency=freq)


def _org_law(org, rows: int, customers: int) -> dict:
    """The organisation keys the law reads, and what was assumed where they are missing."""
    from .statutes import operates
    from .text import Joined, Text

    op = getattr(org, "operates_in", None)
    group = getattr(org, "group_revenue", None)
    return {
        "operates_in": list(op) if op is not None else list(getattr(org, "established_in", []) or []),
        "operates_in_from": "organisation.operates_in" if op is not None else Text("lawtext.operates_assumed"),
        "operates_in_cn": operates(org, "CN")[0],
        "group_revenue": float(group if group else org.annual_revenue),
        "group_revenue_from": "organisation.group_revenue" if group else Text("lawtext.group_assumed"),
        "lead_authority": getattr(org, "lead_authority", None),
        "records_from": (Joined([Text("lawtext.extract_rows", rows=f"{rows:,}"),
                                 Text("lawtext.thresholds_on_counts", customers=f"{customers:,}")])
                         if customers != rows else Text("lawtext.full_table", rows=f"{rows:,}")),
    }


def read_findings(path: str | Path | None) -> dict | None:
    """Parse a findings.json (``None`` or ``""`` → None); bad files raise InputError."""
    from ..errors import InputError

    if not path:
        return None
    p = Path(path)
    try:
        findings = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.of("error.findings.missing", path=p) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError.of("error.findings.json", "error.findings.hint", path=p, kind=type(e).__name__) from None
    if not isinstance(findings, dict) or not isinstance(findings.get("findings", []), list):
        raise InputError.of("error.findings.shape", "error.findings.hint", path=p)
    return findings


def parse_scenarios(value) -> list[str] | None:
    """Scenario ids from a notebook parameter: "a,b", ["a", "b"], "" or None (= all)."""
    if value is None or value == "" or value == []:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()] or None


def write_simulation(sim: Simulation, out_dir: str | Path) -> Path:
    """Write ``simulation.json`` atomically into ``out_dir``; return its path."""
    return write_json_atomic(Path(out_dir) / "simulation.json", sim.to_dict(), sort_keys=False)
