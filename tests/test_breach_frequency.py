"""Loss-event frequencies from outside data (issue 22 §4): the published anchor by revenue tier,
the organisation's own incidents.yaml overriding it, bad input, and the extract's counts stated."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from breach_helpers import acme_copy
from workbench.breach import simulate
from workbench.breach.calibration import load_calibration
from workbench.breach.content import load_scenarios
from workbench.breach.frequency import prior_rate
from workbench.cli import main
from workbench.errors import DatasetError

ACME = Path(__file__).resolve().parents[1] / "data" / "samples" / "acme_retail"
DOC = Path(__file__).resolve().parents[1] / "docs" / "calibration.md"


def _expected_events(sim) -> float:
    """Expected loss events a year before posture: Σ anchored E[TEF] · E[V0]."""
    return sum(o.scenario.tef.mean * sim.frequency["scale"] * o.scenario.vulnerability.base.mean for o in sim.outcomes)


def test_sample_frequency_is_anchored_on_the_published_rate_of_its_revenue_tier():
    sim = simulate(ACME, trials=2_000, seed=7)
    f = sim.frequency
    # EUR 250M = USD 292.5M: the mid-size tier, 9.3 % a year (IRIS 2025 as quoted), high uncertainty
    assert f["from"] == "published" and f["probability"] == 0.093 and f["source"] == "iris-2025"
    assert "high" in f["uncertainty"]
    assert f["rate"] == pytest.approx(-math.log(1 - 0.093), rel=1e-5)
    assert f["prior_rate"] == pytest.approx(prior_rate(load_scenarios()), rel=1e-5) and f["prior_rate"] > 1
    assert _expected_events(sim) == pytest.approx(f["rate"], rel=1e-4)
    d = sim.to_dict()
    assert d["frequency"]["scale"] == f["scale"] and "tef_anchored_mean" in d["scenarios"][0]
    # the extract's counts are said to be the extract's
    assert d["organisation"]["records_from"].startswith("the extract: 3,000 customer rows")
    # a subset of scenarios keeps the same anchor (figures do not depend on the selection)
    assert simulate(ACME, trials=500, seed=7, scenarios=["lost-laptop-export"]).frequency["scale"] == f["scale"]


def test_large_organisation_gets_the_fortune_1000_rate(tmp_path):
    sim = simulate(acme_copy(tmp_path / "big", annual_revenue=5_000_000_000), trials=500, seed=7,
                   scenarios=["stolen-credentials"])
    assert sim.frequency["probability"] == 0.25 and sim.frequency["source"] == "iris-2020"


def test_own_incident_history_overrides_the_published_prior(tmp_path):
    root = acme_copy(tmp_path / "hist", top={"incidents": "incidents.yaml"})
    (root / "incidents.yaml").write_text(yaml.safe_dump({"years": 4, "incidents": [
        {"date": "2023-05-02", "scenario": "stolen-credentials", "records": 40},
        {"date": "2025-01-10", "note": "lost laptop"}]}), encoding="utf-8")
    sim = simulate(root, trials=2_000, seed=7)
    assert sim.frequency["from"] == "incidents" and sim.frequency["incidents"] == 2
    assert sim.frequency["rate"] == pytest.approx(2.5 / 4)
    assert _expected_events(sim) == pytest.approx(2.5 / 4, rel=1e-4)
    base = simulate(ACME, trials=2_000, seed=7)
    assert sim.total.mean() > 3 * base.total.mean()      # 0.625 a year against the published 0.098


def test_bad_incident_file_is_bad_input(tmp_path, capsys):
    root = acme_copy(tmp_path / "bad", top={"incidents": "incidents.yaml"})
    (root / "incidents.yaml").write_text("years: 0\nincidents: []\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="incidents.yaml: key 'years'"):
        simulate(root, trials=100, seed=1)
    out = tmp_path / "out"
    assert main(["simulate", str(root), "--trials", "100", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "incidents.yaml" in err and "Traceback" not in err
    assert not (out / "simulation.json").exists()


def test_calibration_doc_states_the_frequency_anchor_and_its_sources():
    cal = load_calibration()
    doc = DOC.read_text(encoding="utf-8")
    for t in cal.frequency.tiers:
        assert t.label in doc and t.source in doc
    assert "incidents.yaml" in doc and "Jeffreys" in doc and "uncertain" in doc.lower()


def test_cli_says_where_the_frequency_and_the_counts_come_from(tmp_path, capsys):
    assert main(["simulate", str(ACME), "--trials", "500", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "loss-event frequency anchored on 9.3% a year for the mid-size" in out and "iris-2025" in out
    assert "record counts come from the extract: 3,000 customer rows" in out
