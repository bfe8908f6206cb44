"""Law engine: fine caps, fines inside the simulation, notification obligations."""
from __future__ import annotations

import pytest
import yaml

from breach_helpers import make_dataset, scenario_dict, write_scenarios
from workbench.breach import simulate
from workbench.breach.content import LAWS_FILE, load_laws
from workbench.breach.law import fine_cap, notice_records, obligations
from workbench.dataset import load_dataset


@pytest.fixture(scope="module")
def laws():
    return load_laws()


def test_gdpr_caps_whichever_is_higher(laws):
    g = laws.regimes["gdpr"]
    assert fine_cap(g, "normal", 250e6, "EUR", laws) == 10e6          # 2 % = 5M < EUR 10M
    assert fine_cap(g, "normal", 1e9, "EUR", laws) == pytest.approx(20e6)    # 2 % of 1bn
    assert fine_cap(g, "high_risk", 250e6, "EUR", laws) == 20e6
    assert fine_cap(g, "high_risk", 1e9, "EUR", laws) == pytest.approx(40e6)
    usd = fine_cap(g, "normal", 0, "USD", laws)
    assert usd == pytest.approx(10e6 * laws.currency.rates["USD"])


def test_pipl_caps(laws):
    p = laws.regimes["pipl"]
    assert fine_cap(p, "high_risk", 100e6, "CNY", laws) == 50e6
    assert fine_cap(p, "high_risk", 2e9, "CNY", laws) == pytest.approx(100e6)   # 5 %
    assert fine_cap(p, "normal", 2e9, "CNY", laws) == 1e6
    eur = fine_cap(p, "high_risk", 250e6, "EUR", laws)
    assert eur == pytest.approx(max(50e6 / laws.currency.rates["CNY"], 0.05 * 250e6))


def _certain_fines_laws(tmp_path):
    raw = yaml.safe_load(LAWS_FILE.read_text(encoding="utf-8"))
    for r in raw["regimes"].values():
        r["enforcement"]["probability"] = {"value": 1.0, "source": "enforcement-assumption"}
        r["enforcement"]["probability_high_risk"] = {"value": 1.0, "source": "enforcement-assumption"}
        if "share_of_cap" in r["enforcement"]:
            r["enforcement"]["share_of_cap"] = {"min": 1, "mode": 1, "max": 1, "source": "enforcement-assumption"}
        else:
            top = r["per_subject"]["max"]
            r["enforcement"]["award_per_subject"] = {"min": top, "mode": top, "max": top, "source": "ccpa"}
        for a in r.get("schedule", []):   # amounts in force on as_of (CPI-adjusted from 2025)
            top = a["per_subject"]["max"]
            a["award_per_subject"] = {"min": top, "mode": top, "max": top, "source": "ccpa"}
    raw.pop("fine_scale", None)   # every fine at the full cap, whatever the number of people
    path = tmp_path / "laws.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_fines_in_simulation_never_exceed_the_cap(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds", revenue=250e6, org={"operates_in": ["CN"]}))
    d = scenario_dict()
    d["loss"]["fines"] = True
    scen = write_scenarios(tmp_path / "scn", d)
    lp = _certain_fines_laws(tmp_path)
    laws = load_laws(lp)
    sim = simulate(ds, {}, trials=20_000, seed=1, scenario_dir=scen, laws_path=lp)
    o = sim.outcomes[0]
    ev = o.events_mean
    # every loss event fined exactly at the cap (share 1, probability 1), never above
    assert o.fines_by_regime["gdpr"] == pytest.approx(ev * 20e6)
    assert o.fines_by_regime["pipl"] == pytest.approx(ev * max(50e6 / laws.currency.rates["CNY"], 0.05 * 250e6))
    ca = o.exposure.by_jurisdiction["US-CA"]
    usd = laws.currency.rates["USD"]
    # as_of 2026-09-30: the CPI-adjusted §1798.150 maximum (USD 799) and CPPA fine (USD 2,663) apply
    assert o.fines_by_regime["ccpa"] == pytest.approx(ev * ca * 799 / usd)
    assert o.fines_by_regime["cppa"] == pytest.approx(ev * ca * 2663 / usd)
    # the amended Cybersecurity Law (in force 2026-01-01) Art. 61(3), large leak: up to RMB 2M
    assert o.fines_by_regime["csl"] == pytest.approx(ev * 2e6 / laws.currency.rates["CNY"])
    assert "csl-cii" not in o.fines_by_regime
    # default priors: mean fine per event well below the cap
    sim2 = simulate(ds, {}, trials=20_000, seed=1, scenario_dir=scen)
    o2 = sim2.outcomes[0]
    assert 0 < o2.fines_by_regime["gdpr"] < o2.events_mean * 20e6


def test_ccpa_needs_sensitive_identifiers(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds", national_ids=False))
    d = scenario_dict()
    d["loss"]["fines"] = True
    scen = write_scenarios(tmp_path / "scn", d)
    sim = simulate(ds, {}, trials=5_000, seed=1, scenario_dir=scen, laws_path=_certain_fines_laws(tmp_path))
    o = sim.outcomes[0]
    assert not o.exposure.high_risk
    assert "ccpa" not in o.fines_by_regime
    assert o.fines_by_regime["gdpr"] == pytest.approx(o.events_mean * 10e6)   # Art. 83(4) tier


def _rows(ds, scn_id="stolen-credentials"):
    sim = simulate(ds, {}, trials=2_000, seed=1, scenarios=[scn_id])
    return {r["obligation"]: r for r in sim.outcomes[0].notifications}, sim


def test_notification_table_high_risk(tmp_path):
    rows, sim = _rows(load_dataset(make_dataset(tmp_path / "ds", customers=40)))
    assert rows["gdpr-art33"]["deadline_hours"] == 72 and rows["gdpr-art33"]["basis"] == "GDPR Art. 33(1)"
    assert rows["gdpr-art34"]["deadline_hours"] is None and "undue delay" in rows["gdpr-art34"]["deadline"]
    assert "no hour count" in rows["gdpr-art34"]["trigger"]
    assert rows["us-ca-residents"]["deadline_hours"] == 720 and rows["us-ca-residents"]["records"] == 10
    assert "us-ca-regulator" not in rows          # only 10 California residents
    assert rows["us-ny-residents"]["deadline_hours"] == 720 and rows["us-ny-regulator"]["records"] == 5
    # PIPL Art. 57: "immediately", no hour clock; the 4 h CAC report needs a relatively major incident
    assert rows["pipl-art57-authority"]["deadline_hours"] is None
    assert "cac-incident-report" not in rows
    assert all(r["content"] and r["trigger"] for r in rows.values())
    hours = [r["deadline_hours"] for r in sim.outcomes[0].notifications]
    known = [h for h in hours if h is not None]
    assert known == sorted(known) and hours[-1] is None
    tl = sim.timeline()
    assert list(tl.columns[:3]) == ["scenario", "jurisdiction", "to"] and len(tl) == len(rows)


def test_notification_attorney_general_over_500(tmp_path):
    rows, _ = _rows(load_dataset(make_dataset(tmp_path / "ds", customers=2100)))
    assert rows["us-ca-regulator"]["records"] == 525
    assert rows["us-ca-regulator"]["deadline_hours"] == 1080


def test_notification_not_high_risk(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds", national_ids=False))
    rows, _ = _rows(ds)
    # the test organisation declares no establishment: an offshore processor for China (Art. 53)
    assert set(rows) == {"gdpr-art33", "pipl-art57-authority", "pipl-art57-individuals", "pipl-art53-representative"}
    laws = load_laws()
    sim = simulate(ds, {}, trials=1000, seed=1, scenarios=["stolen-credentials"])
    ex = sim.outcomes[0].exposure
    assert notice_records(ex, laws) == ex.by_jurisdiction["CN"]        # PIPL tells individuals anyway
    assert obligations(ex, sim.laws, ds.organisation) == sim.outcomes[0].notifications
