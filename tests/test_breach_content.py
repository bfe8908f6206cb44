"""Scenario and law content: schema, citations, error messages."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from breach_helpers import scenario_dict, write_scenarios
from workbench.breach.content import LAWS_FILE, SCENARIO_DIR, load_laws, load_scenarios
from workbench.errors import ContentError

REQUIRED = {"stolen-credentials", "insider-bulk-export", "ransomware-crm-db", "exposed-backup-bucket",
            "integration-key-leak", "lost-laptop-export"}


def test_six_scenarios_load_and_validate():
    ids = {s.id for s in load_scenarios()}
    assert REQUIRED <= ids


def test_every_prior_cites_a_source_present_in_the_file():
    for s in load_scenarios():
        priors = s.priors()
        assert "tef" in priors and "vulnerability.base" in priors and "loss.response_fixed" in priors
        for key, p in priors.items():
            assert p.source in s.sources, f"{s.id}: {key} cites unknown source {p.source}"


def test_published_figures_are_cited():
    text = " ".join(src.figure or "" for s in load_scenarios() for src in s.sources.values())
    for fig in ("4.88M", "4.44M", "34.3%", "4.6%", "1.47M", "1.38M", "1.20M", "0.39M"):
        assert fig in text
    raw = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in SCENARIO_DIR.glob("*.yaml")}
    used = {s for d in raw.values() for s in yaml.safe_dump(d).split() if s.startswith(("ibm-", "knowbe4", "dbir"))}
    assert used, "scenarios should cite IBM, KnowBe4 and DBIR sources"


def test_uncited_prior_is_a_content_error_naming_file_and_key(tmp_path):
    d = scenario_dict()
    d["tef"] = {"value": 1.0, "source": "nowhere"}
    write_scenarios(tmp_path, d)
    with pytest.raises(ContentError) as e:
        load_scenarios(tmp_path)
    msg = str(e.value)
    assert "const-test.yaml" in msg and "tef.source" in msg and "nowhere" in msg


@pytest.mark.parametrize("patch, key", [
    ({"tef": {"min": 3, "mode": 1, "max": 2, "source": "s"}}, "tef"),
    ({"vulnerability": {"base": {"value": 1.5, "source": "s"}}}, "(top level)"),
    ({"compromised": {"role": "a", "rule": "widest_read"}}, "compromised"),
    ({"title": None}, "title"),
])
def test_schema_errors_name_the_key(tmp_path, patch, key):
    write_scenarios(tmp_path, scenario_dict(**patch))
    with pytest.raises(ContentError) as e:
        load_scenarios(tmp_path)
    assert "const-test.yaml" in str(e.value) and key in str(e.value)


def test_yaml_syntax_error_and_unknown_id(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="broken.yaml"):
        load_scenarios(tmp_path)
    with pytest.raises(ContentError, match="unknown scenario id 'nope'"):
        load_scenarios(None, ["nope"])


def test_file_name_must_match_id(tmp_path):
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(scenario_dict()), encoding="utf-8")
    with pytest.raises(ContentError, match="differs from the file name"):
        load_scenarios(tmp_path)


def test_laws_content():
    laws = load_laws()
    g = laws.regimes["gdpr"].tiers
    assert (g["normal"].fixed_cap, g["normal"].turnover_share) == (10_000_000, 0.02)
    assert (g["high_risk"].fixed_cap, g["high_risk"].turnover_share) == (20_000_000, 0.04)
    p = laws.regimes["pipl"].tiers["high_risk"]
    assert (p.fixed_cap, p.currency, p.turnover_share) == (50_000_000, "CNY", 0.05)
    c = laws.regimes["ccpa"].per_subject
    assert (c.min, c.max, c.currency) == (100, 750, "USD")
    cpi = laws.in_force(dt.date(2025, 1, 1)).regimes["ccpa"].per_subject
    assert (cpi.min, cpi.max) == (107, 799)                      # CPI-adjusted from 2025-01-01
    assert laws.in_force(dt.date(2024, 12, 31)).regimes["ccpa"].per_subject.max == 750
    notes = {n.id: n for n in laws.notifications}
    assert notes["gdpr-art33"].deadline_hours == 72 and notes["gdpr-art33"].scope == "establishment"
    assert notes["cac-incident-report"].deadline_hours == 4 and notes["cac-incident-report-cii"].deadline_hours == 1
    assert notes["pipl-art57-authority"].deadline_hours is None and "immediately" in notes["pipl-art57-authority"].deadline
    assert all(n.content for n in laws.notifications)            # what each notice must contain
    assert laws.states.states["CA"].regulator_threshold == 501
    assert laws.currency.as_of and laws.currency.rates["EUR"] == 1.0
    for src in laws.sources.values():
        assert src.title


def test_laws_uncited_is_content_error(tmp_path):
    raw = yaml.safe_load(LAWS_FILE.read_text(encoding="utf-8"))
    raw["notifications"][0]["source"] = "missing-source"
    bad = tmp_path / "laws.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="notifications.0.source"):
        load_laws(bad)


def test_frequencies_are_analyst_estimates_and_ip_figure_not_cited_for_customer_records():
    for s in load_scenarios():
        assert s.sources[s.tef.source].kind == "assumption", s.id      # DBIR publishes shares, not rates
        assert s.sources[s.loss.response_per_record.source].kind == "assumption", s.id
        for m in s.vulnerability.moved_by:
            if m.source == "microsoft-mfa-2023":
                assert s.id == "stolen-credentials"                    # account compromise only
        assert "customer PII USD 173" not in (s.sources.get("ibm-2024").figure if "ibm-2024" in s.sources else "")
