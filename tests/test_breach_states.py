"""US state notice details (issue 22 §3): content and forbidden content, credit monitoring,
Maryland's 45 days, California's SB 446 clocks from 2026-01-01, and GDPR late-notice reasons."""
from __future__ import annotations

import datetime as dt

from breach_helpers import make_dataset
from workbench.breach import simulate
from workbench.breach.content import load_laws
from workbench.dataset import load_dataset


def _rows(root, scenario="insider-bulk-export"):
    o = simulate(load_dataset(root), {}, trials=500, seed=1, scenarios=[scenario]).outcomes[0]
    return {r["obligation"]: r for r in o.notifications}


def test_massachusetts_notice_forbids_nature_and_number_and_requires_police_and_freeze(tmp_path):
    r = _rows(make_dataset(tmp_path / "ma", customers=12, places=[("US", "MA")]))["us-ma-residents"]
    text = " | ".join(r["content"])
    assert "must NOT contain: the nature of the breach" in text and "must NOT contain: the number of Massachusetts" in text
    assert "police report" in text and "security freeze" in text
    assert "18 months of free credit monitoring" in text


def test_credit_monitoring_months_by_state_only_when_ssns_leak(tmp_path):
    for st, months in (("CT", 24), ("DC", 18), ("DE", 12), ("PA", 12)):
        r = _rows(make_dataset(tmp_path / st, customers=6, places=[("US", st)]))[f"us-{st.lower()}-residents"]
        assert any(f"at least {months} months of free credit monitoring" in c for c in r["content"]), st
    # no SSN exposed: no state notice at all (name alone triggers nothing)
    rows = _rows(make_dataset(tmp_path / "none", customers=6, national_ids=False, places=[("US", "CT")]))
    assert "us-ct-residents" not in rows


def test_maryland_45_days_after_discovery(tmp_path):
    r = _rows(make_dataset(tmp_path / "md", customers=4, places=[("US", "MD")]))["us-md-residents"]
    assert r["deadline_hours"] == 45 * 24 and "after discovering" in r["deadline"]


def test_california_sb446_clocks_apply_from_2026():
    laws = load_laws()
    before, after = laws.in_force(dt.date(2025, 12, 31)), laws.in_force(dt.date(2026, 1, 1))
    ca0, ca1 = before.states.states["CA"], after.states.states["CA"]
    assert ca0.deadline_hours is None and "most expedient" in ca0.deadline and ca0.regulator_deadline_hours is None
    assert ca1.deadline_hours == 720 and ca1.regulator_deadline_hours == 1080 and "SB 446" in ca1.statute
    assert laws.states.states["CA"].schedule[0].effective_from == dt.date(2026, 1, 1)


def test_california_notice_before_and_after_sb446(tmp_path):
    root = make_dataset(tmp_path / "ca", customers=4, places=[("US", "CA")])
    import yaml
    cfg = yaml.safe_load((root / "dataset.yaml").read_text(encoding="utf-8"))
    cfg["as_of"] = "2025-10-01"
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    assert _rows(root)["us-ca-residents"]["deadline_hours"] is None
    cfg["as_of"] = "2026-10-01"
    (root / "dataset.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    assert _rows(root)["us-ca-residents"]["deadline_hours"] == 720


def test_gdpr_art33_content_asks_for_reasons_when_late(tmp_path):
    r = _rows(make_dataset(tmp_path / "eu", customers=4, places=[("DE", "")], org={"established_in": ["EU"]}))
    assert any("reasons for the delay" in c for c in r["gdpr-art33"]["content"])
