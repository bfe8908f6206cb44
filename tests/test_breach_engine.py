"""FAIR engine: closed forms, determinism, Monte Carlo error, additive secondary loss."""
from __future__ import annotations

import numpy as np
import pytest

from breach_helpers import make_dataset, scenario_dict, write_scenarios
from workbench.breach import simulate
from workbench.breach.content import Prior, load_laws
from workbench.breach.engine import fair_basic, pert, sample, stats
from workbench.dataset import load_dataset


def test_pert_sample_mean_converges():
    rng = np.random.default_rng(1)
    for lo, mode, hi in [(0, 1, 10), (0.15, 0.343, 0.6), (100, 100, 750), (5, 5, 5)]:
        x = pert(rng, lo, mode, hi, 400_000)
        assert x.min() >= lo and x.max() <= hi
        assert abs(x.mean() - (lo + 4 * mode + hi) / 6) <= 4 * x.std() / np.sqrt(x.size) + 1e-12


def test_lognormal_prior_median_and_p90():
    p = Prior(median=100.0, p90=400.0, source="s")
    x = sample(p, np.random.default_rng(2), 400_000)
    assert np.median(x) == pytest.approx(100, rel=0.01)
    assert np.quantile(x, 0.9) == pytest.approx(400, rel=0.02)
    assert x.mean() == pytest.approx(p.mean, rel=0.02)


def test_fair_basic_constant_inputs_equal_hand_computation():
    ale = fair_basic(np.random.default_rng(0), 1000, (2, 2, 2), (0.5, 0.5, 0.5), (1000, 1000, 1000),
                     (0.2, 0.2, 0.2), (5000, 5000, 5000))
    # LEF 1/yr × (primary 1000 + 0.2 × 5000 secondary) — secondary ADDED, not multiplied (pyfair #43)
    assert np.all(ale == 2 * 0.5 * (1000 + 0.2 * 5000))


def test_fair_basic_pert_mean_is_product_of_pert_means():
    m = lambda a, b, c: (a + 4 * b + c) / 6  # noqa: E731
    tef, v, plm, slef, slem = (1, 3, 8), (0.1, 0.3, 0.7), (1e4, 5e4, 3e5), (0.1, 0.4, 0.9), (1e4, 1e5, 1e6)
    ale = fair_basic(np.random.default_rng(3), 1_000_000, tef, v, plm, slef, slem)
    expect = m(*tef) * m(*v) * (m(*plm) + m(*slef) * m(*slem))
    assert ale.mean() == pytest.approx(expect, rel=0.01)


@pytest.fixture
def const_env(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds", customers=40))
    scen = write_scenarios(tmp_path / "scn", scenario_dict())
    return ds, scen


def _hand_magnitude(ds, usd_eur: float) -> float:
    records = 40
    response = (1000 + (1 + 2) * records) * usd_eur       # high risk: national ids readable by admin
    notification = 0.5 * records * usd_eur                # every subject told (high risk)
    lost = 0.01 * 0.5 * records * ds.organisation.annual_revenue / records
    return response + notification + lost


def test_constant_inputs_equal_hand_computation(const_env):
    ds, scen = const_env
    sim = simulate(ds, {}, trials=200_000, seed=11, scenario_dir=scen)
    laws = load_laws()
    M = _hand_magnitude(ds, laws.currency.factor("USD", "EUR"))
    o = sim.outcomes[0]
    assert o.exposure.records == 40 and o.exposure.high_risk
    # every year's loss is (number of loss events) × M exactly
    k = o.loss / M
    assert np.allclose(k, np.round(k), atol=1e-9)
    lam = 2.0 * 0.5
    assert o.events_mean == pytest.approx(lam, abs=4 * np.sqrt(lam / 200_000))
    assert o.loss.mean() == pytest.approx(lam * M, rel=4 * np.sqrt(lam / 200_000) / lam)
    # components add up to the total (primary + secondary, no multiplication)
    assert sum(o.components.values()) == pytest.approx(o.loss.mean(), rel=1e-9)
    assert o.components["fines"] == 0 and o.components["productivity"] == 0


def test_pert_tef_and_vuln_mean_converges(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    d = scenario_dict(tef={"min": 0.5, "mode": 2, "max": 6, "source": "s"},
                      vulnerability={"base": {"min": 0.1, "mode": 0.3, "max": 0.8, "source": "s"}})
    scen = write_scenarios(tmp_path / "scn", d)
    sim = simulate(ds, {}, trials=400_000, seed=5, scenario_dir=scen)
    M = _hand_magnitude(ds, load_laws().currency.factor("USD", "EUR"))
    lef = (0.5 + 8 + 6) / 6 * (0.1 + 1.2 + 0.8) / 6
    assert sim.outcomes[0].loss.mean() == pytest.approx(lef * M, rel=0.01)


def test_same_seed_identical_different_seed_within_mc_error(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    a = simulate(ds, {}, trials=50_000, seed=7)
    b = simulate(ds, {}, trials=50_000, seed=7)
    c = simulate(ds, {}, trials=50_000, seed=8)
    assert a.to_dict() == b.to_dict()
    assert np.array_equal(a.total, b.total)
    se = a.total.std() / np.sqrt(a.trials)
    assert abs(a.total.mean() - c.total.mean()) < 5 * np.sqrt(2) * se
    assert not np.array_equal(a.total, c.total)


def test_scenario_stream_does_not_depend_on_other_scenarios(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    alone = simulate(ds, {}, trials=20_000, seed=3, scenarios=["ransomware-crm-db"])
    together = simulate(ds, {}, trials=20_000, seed=3)
    r = next(o for o in together.outcomes if o.scenario.id == "ransomware-crm-db")
    assert np.array_equal(alone.outcomes[0].loss, r.loss)


def test_stats_match_numpy_percentiles():
    rng = np.random.default_rng(4)
    x = rng.lognormal(10, 2, 100_001) * (rng.random(100_001) < 0.2)
    s, lec = stats(x)
    assert [s[k] for k in ("p50", "p90", "p95", "p99")] == pytest.approx(np.percentile(x, [50, 90, 95, 99]))
    assert s["mean"] == pytest.approx(x.mean())
    p = np.array(lec["probability"])
    assert np.all(np.diff(p) <= 0) and p[0] <= 0.2 + 1e-9
    xs = np.array(lec["loss"])
    assert p[10] == pytest.approx((x > xs[10]).mean())


def test_secondary_loss_forms_are_added_not_multiplied():
    # pyfair issue #43: two forms with SLEF 1 and SLEM 10 must give 20 (pyfair gives 101)
    from workbench.breach.engine import secondary_loss
    rng = np.random.default_rng(0)
    one = ((1, 1, 1), (10, 10, 10))
    zero = ((0, 0, 0), (10, 10, 10))
    assert np.all(secondary_loss(rng, 10, {"Reputational": one, "Legal": one}) == 20)
    assert np.all(secondary_loss(rng, 10, {"Reputational": zero, "Legal": zero}) == 0)
    assert np.all(secondary_loss(rng, 10, {"a": one, "b": one, "c": one}) == 30)
