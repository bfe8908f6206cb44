"""Breach law per data subject (issue 22 §1-2): counts from each person's own exposed elements,
checked against an independent count over the sample's CSV files (pandas + workbench.pii.find),
and China's rules by where the organisation operates, on the bundled sample and on copies whose
organisation operates in China, is a CII operator, or is established only in the US."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from breach_helpers import acme_copy, make_dataset
from workbench.breach import playbook, simulate
from workbench.breach.content import load_laws, load_scenarios
from workbench.breach.exposure import exposure
from workbench.breach.law import ccpa_records, regime_records
from workbench.dataset import load_dataset
from workbench.pii import find

ACME = Path(__file__).resolve().parents[1] / "data" / "samples" / "acme_retail"
EU = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
      "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"}


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    """One row per customer not erased, with the elements of their own row, computed without the
    workbench's engine: pandas over the CSV, the public detector over the notes; transactions'
    card numbers are field-encrypted in posture.yaml, so only cards in notes count."""
    c = pd.read_csv(ACME / "customers.csv", dtype=str, keep_default_na=False)
    c = c[c["erased_at"] == ""].copy()
    cats = c["notes"].map(lambda t: {m.category for m in find(t)} if t else set())
    c["name"] = c["full_name"].str.strip() != ""
    c["gov_id"] = (c["national_id"].str.strip() != "") | cats.map(lambda s: "national_id" in s)
    c["card"] = cats.map(lambda s: "card_number" in s)
    return c


@pytest.fixture(scope="module")
def acme():
    return simulate(ACME, trials=2_000, seed=7)


def _rows(o, exempt=False):
    return {r["obligation"]: r for r in (o.exemptions if exempt else o.notifications)}


def _outcome(sim, sid="stolen-credentials"):
    return next(o for o in sim.outcomes if o.scenario.id == sid)


def test_state_counts_are_per_person_and_match_an_independent_count(acme, truth):
    o = _outcome(acme)
    for st, n_all, n_ssn_column in (("CA", 619, 307), ("NY", 143, 72)):
        t = truth[(truth["country"] == "US") & (truth["state"] == st)]
        assert len(t) == n_all == o.exposure.by_state[st]
        assert int((t["national_id"] != "").sum()) == n_ssn_column          # the figures
        expected = int((t["name"] & t["gov_id"]).sum())                      # + ids found in their notes
        assert o.exposure.count([["name", "gov_id"], ["name", "card", "access_code"]], state=st) == expected
        rows = _rows(o)
        assert rows[f"us-{st.lower()}-residents"]["records"] == expected
    assert _rows(o)["us-ca-residents"]["records"] == 308 and _rows(o)["us-ny-residents"]["records"] == 72
    # cards in notes have no access code: counted nowhere, said so
    assert "without its access code" in _rows(o)["us-ca-residents"]["trigger"]
    # counted in the engine: a handful of groups, not one row per person
    assert len(o.exposure.groups) < 40


def test_california_ag_copy_not_owed_and_ccpa_damages_count_only_triggered_residents(acme, truth):
    o = _outcome(acme)
    ag = _rows(o, exempt=True)["us-ca-regulator"]
    assert ag["records"] == 308 and "< the regulator threshold of 501" in ag["trigger"]
    assert "us-ca-regulator" not in _rows(o)
    rec = regime_records(o.exposure, acme.laws, load_dataset(ACME).organisation)
    assert rec["ccpa"] == 308 == ccpa_records(o.exposure, acme.laws)     # §1798.150: per person
    assert rec["cppa"] == 619                                            # every exposed CA consumer
    assert rec["ccpa"] < 0.5 * 619 + 10                                 # "roughly halve"


def test_gdpr_art34_is_judged_per_subject_and_names_the_elements(acme, truth):
    o = _outcome(acme)
    art34 = _rows(o)["gdpr-art34"]
    high = truth["gov_id"] | truth["card"]
    assert art34["records"] == int(high.sum())                          # Art. 3(1): every jurisdiction
    assert "national or government id" in art34["trigger"] and "card or account number" in art34["trigger"]
    eu = truth[truth["country"].isin(EU)]
    assert o.exposure.count([["gov_id"], ["card"]], {"EU"}) == int((eu["gov_id"] | eu["card"]).sum()) < 10
    # the Art. 34 row sits beside Art. 33 in the timeline and the playbook, not after the 30-day rows
    ids = [r["obligation"] for r in playbook._rows(o)]
    assert ids.index("gdpr-art34") == ids.index("gdpr-art33") + 1
    tl = acme.timeline()
    tl = tl[tl["scenario"] == o.scenario.id].reset_index(drop=True)
    bases = list(tl["basis"])
    assert bases.index("GDPR Art. 34(1)") == bases.index("GDPR Art. 33(1)") + 1


def test_established_only_in_us_owes_gdpr_for_eu_subjects_and_every_authority(tmp_path, truth):
    sim = simulate(acme_copy(tmp_path / "us", established_in=["US"]), trials=2_000, seed=7,
                   scenarios=["stolen-credentials"])
    o = sim.outcomes[0]
    eu = truth[truth["country"].isin(EU)]
    art33 = _rows(o)["gdpr-art33"]
    assert art33["records"] == len(eu) == 1192 and "Art. 3(2)" in art33["trigger"]
    counts = eu["country"].value_counts()
    assert "every member state" in art33["to"] and f"DE ({counts['DE']:,})" in art33["to"]
    assert _rows(o)["gdpr-art34"]["records"] == int((eu["gov_id"] | eu["card"]).sum())
    # the EU-established sample names its lead authority when declared
    sim2 = simulate(acme_copy(tmp_path / "lead", lead_authority="BfDI"), trials=500, seed=7,
                    scenarios=["stolen-credentials"])
    assert _rows(sim2.outcomes[0])["gdpr-art33"]["to"] == "lead supervisory authority: BfDI"


def test_china_rules_follow_where_the_organisation_operates(acme, tmp_path):
    # the sample does not declare operates_in: assumed from established_in (EU), flagged "check"
    o = _outcome(acme)
    assert "check whether the Measures apply" in _rows(o, exempt=True)["cac-incident-report"]["trigger"]
    assert "csl" not in acme.laws.regimes and "csl" not in o.fines_by_regime
    assert acme.organisation["operates_in_cn"] is False and "not declared" in acme.organisation["operates_in_from"]
    # an offshore processor (PIPL Art. 3(2)) owes the Art. 53 representative; lower enforcement odds
    assert "pipl-art53-representative" in _rows(o)
    assert acme.laws.regimes["pipl"].enforcement.probability_high_risk.value == 0.05
    assert "HIGH" in acme.laws.regimes["pipl"].uncertainty
    # declared without CN: not owed
    eu = simulate(acme_copy(tmp_path / "eu", operates_in=["EU"]), trials=500, seed=7, scenarios=["stolen-credentials"])
    assert "has no CN" in _rows(eu.outcomes[0], exempt=True)["cac-incident-report"]["trigger"]
    # operating in China: the Measures apply (graded below relatively major on 3,000 rows), CSL fines
    cn = simulate(acme_copy(tmp_path / "cn", operates_in=["EU", "CN"]), trials=2_000, seed=7,
                  scenarios=["stolen-credentials"])
    oc = cn.outcomes[0]
    assert "below relatively major" in _rows(oc, exempt=True)["cac-incident-report"]["trigger"]
    assert "csl" in cn.laws.regimes and "pipl-art53-representative" not in _rows(oc)
    assert cn.laws.regimes["pipl"].enforcement.probability_high_risk.value == 0.30
    assert cn.laws.regimes["csl"].tiers["high_risk"].fixed_cap == 2_000_000


def test_cii_operator_in_china_gets_the_1h_clock_and_the_downtime_band(tmp_path):
    sim = simulate(acme_copy(tmp_path / "cii", operates_in=["EU", "CN"], critical_infrastructure=True),
                   trials=5_000, seed=7, scenarios=["ransomware-crm-db", "stolen-credentials"])
    ran, cred = _outcome(sim, "ransomware-crm-db"), _outcome(sim, "stolen-credentials")
    r = _rows(ran)["cac-incident-report-cii"]
    assert r["deadline_hours"] == 1 and r["basis"].endswith("Art. 4") and "interrupted" in r["trigger"]
    assert _rows(ran)["cac-summary-report"]["deadline"].startswith("within 30 days after the handling")
    # RMB 2-10M only where the CII loses its main functions (downtime), not for a leak of ids
    assert ran.fines_by_regime.get("csl-cii", 0) > 0 and "csl-cii" not in cred.fines_by_regime


def test_group_revenue_caps_gdpr_fines_and_is_said(tmp_path):
    sim = simulate(acme_copy(tmp_path / "g", group_revenue=2_000_000_000), trials=500, seed=7,
                   scenarios=["stolen-credentials"])
    assert sim.organisation["group_revenue_from"] == "organisation.group_revenue"
    from workbench.breach.law import context
    ctx = context(sim.laws, "EUR", 250e6, 1_000_000, 0.3, 2e9)
    assert ctx.caps["gdpr"]["high_risk"] == pytest.approx(80e6) and ctx.caps["pipl"]["high_risk"] == pytest.approx(12.5e6)


def test_fines_grow_with_people_and_severity(tmp_path):
    laws = load_laws()
    f = laws.fine_scale
    assert f.factor(100, 100) < f.factor(10_000, 10_000) < f.factor(1_000_000, 1_000_000) == 1.0
    assert f.factor(10_000, 0) < f.factor(10_000, 10_000)
    small = simulate(make_dataset(tmp_path / "s", customers=40), {}, trials=20_000, seed=1,
                     scenarios=["insider-bulk-export"]).outcomes[0]
    big = simulate(make_dataset(tmp_path / "b", customers=4000), {}, trials=20_000, seed=1,
                   scenarios=["insider-bulk-export"]).outcomes[0]
    per_event = [o.fines_by_regime["gdpr"] / o.events_mean for o in (small, big)]
    assert per_event[1] > 1.5 * per_event[0]


def test_per_person_profile_is_counted_by_the_engine_with_free_text_flags(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "d", customers=16, national_ids=False,
                                   notes="card 4111 1111 1111 1111 on file"))
    scn = load_scenarios(ids=["insider-bulk-export"])[0]
    ex = exposure(ds, scn)
    assert ex.count([["card"]]) == 1 and ex.count([["gov_id"]]) == 0 and ex.count() == 16
    assert ex.to_dict()["subjects"]["per_person"] is True
