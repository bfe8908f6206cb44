"""Breach law applied as written (issue 13): one test per rule of scope, grading, US states,
exemptions and amounts in force on as_of."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from breach_helpers import make_dataset
from workbench.breach import simulate
from workbench.breach.content import LAWS_FILE, load_laws
from workbench.breach.exposure import Exposure
from workbench.breach.law import assess, regime_records
from workbench.breach.statutes import STATES_FILE, load_states
from workbench.config import Organisation
from workbench.dataset import load_dataset
from workbench.errors import ContentError

AS_OF = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def laws():
    return load_laws().in_force(AS_OF)


def _by_id(rows):
    return {r["obligation"]: r for r in rows}


def _sim(root, scenario="stolen-credentials"):
    return simulate(load_dataset(root), {}, trials=500, seed=1, scenarios=[scenario])


def _exposure(n: int, juris: str = "CN", high_risk: bool = True) -> Exposure:
    return Exposure(via="role:admin", records=n, by_jurisdiction={juris: n},
                    tables={"customers": ["customer_id", "full_name", "email"] + (["national_id"] if high_risk else [])},
                    sensitive_fields=["national_id"] if high_risk else [])


def test_eu_established_controller_owes_art33_for_every_record_without_eu_customers(tmp_path):
    root = make_dataset(tmp_path / "ds", customers=30, places=[("CN", ""), ("US", "TX"), ("US", "CA")],
                        org={"established_in": ["EU"], "jurisdictions": ["CN", "US"]})
    o = _sim(root).outcomes[0]
    assert "EU" not in o.exposure.by_jurisdiction
    rows = _by_id(o.notifications)
    assert rows["gdpr-art33"]["records"] == 30 and "Art. 3(1)" in rows["gdpr-art33"]["trigger"]
    assert rows["gdpr-art34"]["records"] == 30                # high risk: national ids in plaintext
    ds = load_dataset(root)
    assert regime_records(o.exposure, load_laws(), ds.organisation)["gdpr"] == 30      # fines too


def test_not_established_controller_owes_gdpr_only_for_eu_subjects(tmp_path):
    root = make_dataset(tmp_path / "ds", customers=40, org={"established_in": ["US"]})
    rows = _by_id(_sim(root).outcomes[0].notifications)
    assert rows["gdpr-art33"]["records"] == 15 and "Art. 3(2)" in rows["gdpr-art33"]["trigger"]
    root2 = make_dataset(tmp_path / "ds2", customers=20, places=[("CN", ""), ("US", "NY")])
    assert "gdpr-art33" not in _by_id(_sim(root2).outcomes[0].notifications)


def test_1000_cn_records_start_no_1h_or_4h_clock(tmp_path):
    root = make_dataset(tmp_path / "ds", customers=1000, places=[("CN", "")], org={"operates_in": ["CN"]})
    o = _sim(root).outcomes[0]
    assert o.exposure.by_jurisdiction == {"CN": 1000}
    hours = [r["deadline_hours"] for r in o.notifications]
    assert 1 not in hours and 4 not in hours
    exempt = _by_id(o.exemptions)
    assert "below relatively major" in exempt["cac-incident-report"]["trigger"]
    pipl = _by_id(o.notifications)["pipl-art57-authority"]
    assert pipl["deadline_hours"] is None and "immediately" in pipl["deadline"]


def test_1_2m_cn_records_start_the_4h_clock(laws):
    rows, exempt = assess(_exposure(1_200_000), laws, Organisation(name="X", operates_in=["CN"]))
    r = _by_id(rows)["cac-incident-report"]
    assert r["deadline_hours"] == 4 and r["records"] == 1_200_000 and "relatively major" in r["trigger"]
    assert "cac-incident-report-cii" not in _by_id(rows)
    assert set(_by_id(exempt)) == set()        # the 30-day summary report is owed too
    assert _by_id(rows)["cac-summary-report"]["deadline_hours"] is None


def test_critical_infrastructure_operator_gets_the_1h_clock(laws, tmp_path):
    cii = Organisation(name="X", critical_infrastructure=True, operates_in=["CN"])
    rows, _ = assess(_exposure(1_200_000), load_laws().in_force(AS_OF, True, cii), cii)
    r = _by_id(rows)
    assert r["cac-incident-report-cii"]["deadline_hours"] == 1 and "cac-incident-report" not in r
    # a CII operator's ransomware interrupts the infrastructure: relatively major at any size
    root = make_dataset(tmp_path / "ds", customers=40, org={"critical_infrastructure": True, "operates_in": ["CN"]})
    sim = _sim(root, "ransomware-crm-db")
    rows = _by_id(sim.outcomes[0].notifications)
    assert rows["cac-incident-report-cii"]["deadline_hours"] == 1
    assert "Art. 4" in rows["cac-incident-report-cii"]["basis"]
    assert "interrupted" in rows["cac-incident-report-cii"]["trigger"]
    # amended CSL Art. 61(3): the large-leak band applies to any operator, the 2-10M band to CII
    assert "csl-cii" in sim.laws.regimes and "csl" in sim.laws.regimes


def test_texas_customers_get_texas_deadline_and_attorney_general_threshold(tmp_path):
    big = _by_id(_sim(make_dataset(tmp_path / "a", customers=300, places=[("US", "TX")])).outcomes[0].notifications)
    tx = big["us-tx-residents"]
    assert tx["deadline_hours"] == 60 * 24 and "521.053" in tx["basis"] and tx["records"] == 300
    ag = big["us-tx-regulator"]
    assert ag["to"] == "Attorney General" and ag["deadline_hours"] == 30 * 24 and "250" in ag["trigger"]
    small = _by_id(_sim(make_dataset(tmp_path / "b", customers=200, places=[("US", "Texas")])).outcomes[0].notifications)
    assert small["us-tx-residents"]["records"] == 200 and "us-tx-regulator" not in small   # 200 < 250


def test_encrypted_identifiers_bring_california_safe_harbour(tmp_path):
    root = make_dataset(tmp_path / "ds", customers=40, field_encryption=["customers.national_id"])
    o = _sim(root).outcomes[0]
    assert not o.exposure.high_risk and o.exposure.encrypted_excluded == ["customers.national_id"]
    rows, exempt = _by_id(o.notifications), _by_id(o.exemptions)
    assert "us-ca-residents" not in rows
    assert "safe harbour" in exempt["us-ca-residents"]["trigger"] and "customers.national_id" in exempt["us-ca-residents"]["trigger"]
    assert "gdpr-art34" not in rows and "Art. 34(3)(a)" in exempt["gdpr-art34"]["trigger"]
    assert "gdpr-art33" in rows                                   # the authority is still told


def test_risk_unlikely_exemption_when_nothing_identifying_is_exposed(tmp_path):
    perms = {"roles": {"admin": {"customers": {"read": ["customer_id", "country"], "export": True}}}}
    o = _sim(make_dataset(tmp_path / "ds", customers=16, permissions=perms)).outcomes[0]
    exempt = _by_id(o.exemptions)
    assert "gdpr-art33" not in _by_id(o.notifications)
    assert "unlikely to result in a risk" in exempt["gdpr-art33"]["trigger"]


def test_amounts_and_regimes_follow_as_of():
    laws = load_laws()
    old, new = laws.in_force(dt.date(2024, 6, 30)), laws.in_force(AS_OF)
    assert (old.regimes["ccpa"].per_subject.min, old.regimes["ccpa"].per_subject.max) == (100, 750)
    assert (new.regimes["ccpa"].per_subject.min, new.regimes["ccpa"].per_subject.max) == (107, 799)
    assert new.regimes["cppa"].per_subject.max == 2663 and old.regimes["cppa"].per_subject.max == 2500
    assert "csl" not in old.regimes and new.regimes["csl"].tiers["high_risk"].fixed_cap == 2_000_000
    assert "cac-incident-report" not in {o.id for o in old.notifications}       # in force 2025-11-01
    cii = laws.in_force(AS_OF, critical_infrastructure=True)
    assert cii.regimes["csl-cii"].requires_downtime
    assert cii.regimes["csl-cii"].tiers["high_risk"].fixed_cap == 10_000_000


def test_state_rules_cover_50_states_dc_and_pr_with_citations():
    states = load_states().states
    usps = set("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
               "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split())
    assert len(usps) == 50 and set(states) == usps | {"DC", "PR"}
    for code, r in states.items():
        assert r.statute and r.deadline and r.regulator_deadline, code
        assert r.deadline_hours is None or r.deadline_hours >= 24, code
        assert r.encryption_safe_harbour, code
    assert states["TX"].regulator_threshold == 250 and states["CA"].as_of(AS_OF).deadline_hours == 720


def test_zero_hour_deadline_is_rejected_and_review_trail_is_present(tmp_path):
    raw = yaml.safe_load(LAWS_FILE.read_text(encoding="utf-8"))
    for item in list(raw["regimes"].values()) + raw["notifications"]:
        assert "reviewed_by" in item and "reviewed_at" in item
    raw["notifications"][0]["deadline_hours"] = 0
    bad = tmp_path / "laws.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="immediately"):
        load_laws(bad)
    sraw = yaml.safe_load(STATES_FILE.read_text(encoding="utf-8"))
    sraw["states"]["TX"]["source"] = "nowhere"
    sbad = tmp_path / "states.yaml"
    sbad.write_text(yaml.safe_dump(sraw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="states.TX.source"):
        load_states(sbad)


def test_puerto_rico_customers_follow_puerto_rico_rule(tmp_path):
    root = make_dataset(tmp_path / "ds", customers=12, places=[("PR", ""), ("US", "PR"), ("US", "")])
    o = _sim(root).outcomes[0]
    assert o.exposure.by_state == {"PR": 8, "unknown": 4}
    rows = _by_id(o.notifications)
    assert rows["us-pr-regulator"]["deadline_hours"] == 240 and rows["us-pr-residents"]["deadline_hours"] is None
    assert rows["us-unknown-residents"]["records"] == 4 and "strictest" in rows["us-unknown-residents"]["deadline"]
