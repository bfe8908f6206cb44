"""Explained numbers (issue 13): calibration band, margin and customers, sensitivity, the
redact-notes what-if and reasons for zero savings, the playbook, `workbench list laws`."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from breach_helpers import acme_copy, cn_resident_id, make_dataset, scenario_dict, write_scenarios
from workbench.breach import figures, playbook, simulate
from workbench.breach.calibration import load_calibration
from workbench.cli import main
from workbench.dataset import load_dataset

REPO = Path(__file__).resolve().parents[1]
ACME = REPO / "data" / "samples" / "acme_retail"


@pytest.fixture(scope="module")
def acme():
    return simulate(ACME, trials=100_000, seed=7)


def test_sample_loss_per_event_and_per_record_inside_the_published_band(acme):
    c = acme.calibration()
    for k in ("per_event", "per_record"):
        assert c["band"][k]["low"] <= c[k] <= c["band"][k]["high"], (k, c[k], c["band"][k])
    assert acme.organisation["customers_from"] == "organisation.customers"
    assert acme.organisation["revenue_per_customer"] == 250.0
    assert acme.calibration_table()["inside"].all()


def test_calibration_doc_states_the_band_and_the_published_figures():
    cal = load_calibration()
    doc = (REPO / "docs" / "calibration.md").read_text(encoding="utf-8")
    for r in (cal.band.per_event, cal.band.per_record):
        for v in (r.low, r.high):
            assert f"{v:,.0f}" in doc, v
    for key in ("ibm-2025-average", "netdiligence-2025-sme", "netdiligence-2025-sme-ransomware"):
        assert f"{cal.published[key].value:,.0f}" in doc
    assert "intellectual" in doc and "analyst estimate" in doc
    assert "../shared" not in doc


def _downtime_scenario(tmp_path):
    d = scenario_dict("downtime-test", compromised={"system": "customer_store"})
    const = {"source": "s"}
    d["loss"].update({"downtime_no_backup_hours": {"value": 100.0, **const},
                      "downtime_immutable_rto_multiple": {"value": 2.0, **const},
                      "downtime_tested_rto_multiple": {"value": 1.0, **const},
                      "revenue_dependency": {"value": 0.5, **const}})
    return write_scenarios(tmp_path / "scn", d)


def test_downtime_and_lost_business_use_gross_margin_and_declared_customers(tmp_path):
    scn = _downtime_scenario(tmp_path)
    rev = 87_600_000.0
    a = simulate(load_dataset(make_dataset(tmp_path / "a", revenue=rev, org={"gross_margin": 0.3, "customers": 400})),
                 {}, trials=4000, seed=1, scenario_dir=scn)
    b = simulate(load_dataset(make_dataset(tmp_path / "b", revenue=rev, org={"gross_margin": 0.6, "customers": 800})),
                 {}, trials=4000, seed=1, scenario_dir=scn)
    oa, ob = a.outcomes[0], b.outcomes[0]
    ev = oa.events_mean
    # 100 h x 10,000 revenue per hour x 0.5 dependency x margin
    assert oa.components["productivity"] == pytest.approx(ev * 100 * 10_000 * 0.5 * 0.3)
    assert ob.components["productivity"] == pytest.approx(2 * oa.components["productivity"])
    # churn 0.01 x margin x 40 records x revenue / declared customers
    assert oa.components["lost_business"] == pytest.approx(ev * 0.01 * 0.3 * 40 * rev / 400)
    assert ob.components["lost_business"] == pytest.approx(oa.components["lost_business"])   # 2x margin, 1/2 rpc


def test_tornado_per_scenario_ranks_each_prior(acme):
    o = next(o for o in acme.outcomes if o.scenario.id == "ransomware-crm-db")
    names = [r["prior"] for r in o.sensitivity]
    assert {"tef", "vulnerability.base", "loss.downtime_no_backup_hours", "loss.response_fixed"} <= set(names)
    swings = [r["swing"] for r in o.sensitivity]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    base = sum(o.components.values())
    tef = next(r for r in o.sensitivity if r["prior"] == "tef")
    assert tef["loss_low"] < base < tef["loss_high"]
    unused = [r for r in o.sensitivity if r["swing"] == 0]
    assert all("no effect" in r["note"] for r in unused)
    fig = figures.tornado(acme)
    assert len(fig.data) == 2 * len(acme.outcomes)
    assert set(acme.sensitivity_table()["scenario"]) == {s.scenario.id for s in acme.outcomes}


def test_ids_in_notes_explain_why_encrypting_ids_saves_nothing(tmp_path):
    nid = cn_resident_id("11010519800101001")
    ds = load_dataset(make_dataset(tmp_path / "ds", customers=40, national_ids=False, notes=f"id on file {nid}"))
    sim = simulate(ds, {}, trials=20_000, seed=2, scenarios=["stolen-credentials"])
    wi = {w["control"]: w for w in sim.what_if}
    enc = wi["encrypt-national-ids"]
    assert enc["mean_reduction"] == 0 and "customers.notes:national_id" in enc["reason"]
    assert "redact" in enc["reason"]
    both = wi["encrypt-ids-and-redact-notes"]
    assert both["mean_reduction"] > 0 and "reason" not in both
    assert wi["redact-notes"]["mean_reduction"] > 0 and "reason" not in wi["redact-notes"]


def test_encrypting_the_id_column_saves_per_person_but_the_id_in_notes_stays(tmp_path):
    """Per person (issue 22): encrypting the national_id column removes 39 of 40 people's ids;
    the one person whose id is also in their notes stays high risk."""
    from workbench.breach.exposure import exposure
    from workbench.breach.content import load_scenarios

    nid = cn_resident_id("11010519800101001")
    ds = load_dataset(make_dataset(tmp_path / "ds", customers=40, notes=f"id on file {nid}"))
    sim = simulate(ds, {}, trials=20_000, seed=2, scenarios=["stolen-credentials"])
    wi = {w["control"]: w for w in sim.what_if}
    assert 0 < wi["encrypt-national-ids"]["mean_reduction"] < wi["encrypt-ids-and-redact-notes"]["mean_reduction"]
    scn = load_scenarios(ids=["stolen-credentials"])[0]
    assert exposure(ds, scn).count([["gov_id"]]) == 40
    assert exposure(ds, scn, frozenset({"national_id"})).count([["gov_id"]]) == 1
    table = sim.what_if_table()
    assert (table.loc[table["mean_reduction"] == 0, "reason"] != "").all()
    d = sim.to_dict()
    assert json.dumps(d).count(nid) == 0


def test_simulation_json_keeps_documented_fields_and_adds_obligations(acme, tmp_path):
    d = acme.to_dict()
    assert {"trials", "seed", "currency", "scenarios", "total", "what_if"} <= set(d)
    s = d["scenarios"][0]
    assert {"id", "title", "exposure", "loss", "notifications"} <= set(s)
    assert {"records", "by_jurisdiction", "fields", "sensitive_fields", "by_state"} <= set(s["exposure"])
    for n in s["notifications"]:
        assert {"jurisdiction", "to", "deadline_hours", "basis", "records", "trigger", "content"} <= set(n)
        assert n["deadline_hours"] is None or n["deadline_hours"] > 0
    assert "exemptions" in s and "sensitivity" in s and "calibration" in d


def test_playbook_lists_clock_content_and_exemptions_without_personal_data(tmp_path):
    nid = cn_resident_id("11010519800101001")
    root = make_dataset(tmp_path / "ds", customers=40, notes=f"call +86 138 0013 8000 id {nid}")
    out = tmp_path / "out"
    assert main(["simulate", str(root), "--trials", "2000", "--scenario", "stolen-credentials", "--out", str(out)]) == 0
    md = (out / "playbook.md").read_text(encoding="utf-8")
    html = (out / "playbook.html").read_text(encoding="utf-8")
    # the output boundary escapes Markdown punctuation ("T0 \\+ 72 h" renders as "T0 + 72 h")
    plain = re.sub(r"\\(.)", r"\1", md)
    assert "T0 + 72 h" in plain and "GDPR Art. 33(1)" in plain and "Art. 33(3)(a)" in plain
    assert "§1798.82(d)" in plain and "Not owed in this scenario" in plain
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "Art. 34(2)" in html
    assert 'href="#s-stolen-credentials"' in html and "First hour" in html  # index of scenarios, first hour
    assert "The first clocks" in html and "&gt;=" not in html and ">=" not in md
    planted = [nid, "138 0013 8000", "p1@example.com", "Person 1,"]
    for text in (md, html, (out / "simulation.json").read_text(encoding="utf-8")):
        assert not any(p in text for p in planted)
    sim = simulate(load_dataset(root), None, trials=2000, seed=7, scenarios=["stolen-credentials"])
    assert playbook.markdown(sim) == md          # the CLI writes exactly what the API renders


def test_timeline_figure_marks_obligations_without_hour_count(acme):
    fig = figures.timeline(acme)
    text = list(fig.data[0].text)
    # obligations without an hour count are placed left of 1 h and said in words (the report's wording)
    assert {"immediately", "without undue delay"} <= set(text) and "72 h" in text and "30 days" in text


def test_list_laws_shows_review_trail(capsys):
    assert main(["list", "laws"]) == 0
    out = capsys.readouterr().out
    assert "gdpr-art33" in out and "NOT REVIEWED" in out
    # no entry claims a review that did not happen (issue 22): none names a reviewer today
    assert not re.search(r"reviewed \d{4}-\d\d-\d\d by", out) and "issue 13" not in out
    assert "52 rules" in out and "TX " in out
    assert "source: gdpr" in out and "source: ncsl" in out


def test_direct_loss_criterion_grades_the_typical_ransomware_incident(tmp_path):
    sim = simulate(acme_copy(tmp_path / "acme", operates_in=["EU", "CN"]), trials=100_000, seed=7)
    by = {o.scenario.id: o for o in sim.outcomes}
    cac = {n["obligation"]: n for n in by["ransomware-crm-db"].notifications}["cac-incident-report"]
    assert cac["deadline_hours"] == 4 and "direct loss >= RMB 5,000,000" in cac["trigger"]
    lost = {n["obligation"]: n for n in by["lost-laptop-export"].exemptions}["cac-incident-report"]
    assert re.search(r"in \d+% of simulated loss events: if the actual incident reaches it", lost["trigger"])


def test_accepted_events_give_the_same_what_if_as_all_candidates(tmp_path):
    from workbench.breach import load_laws, load_scenarios
    from workbench.breach.engine import accepted, draw, evaluate
    from workbench.breach.exposure import exposure
    from workbench.breach.law import context
    from workbench.breach.posture import CONTROLS, derive
    import numpy as np

    ds = load_dataset(make_dataset(tmp_path / "ds", customers=40))
    laws, post = load_laws(), derive(ds, {})
    ctx = context(laws, "EUR", 50e6, 40)
    for scn in load_scenarios():
        d = draw(scn, laws, np.random.default_rng(3), 20_000)
        ex = exposure(ds, scn)
        small = accepted(d, scn, post.as_inputs())
        assert small.event_u.size <= d.event_u.size
        for c in CONTROLS:
            fixed = post.fixed(c).as_inputs()
            full = evaluate(d, scn, ex, fixed, ctx, laws, 10.0, per_trial=False).mean
            assert evaluate(small, scn, ex, fixed, ctx, laws, 10.0, per_trial=False).mean == pytest.approx(full, rel=1e-12)


def test_list_scenarios_shows_prior_review_trail(tmp_path, capsys):
    assert main(["list", "scenarios"]) == 0
    out = capsys.readouterr().out
    assert "stolen-credentials" in out and re.search(r"\[\d+/\d+ priors reviewed\]", out)
    from workbench.breach import load_scenarios
    d = scenario_dict()
    d["tef"] = {"value": 2.0, "source": "s", "reviewed_by": "DPO", "reviewed_at": "2026-11-01"}
    scn = load_scenarios(write_scenarios(tmp_path / "scn", d))[0]
    assert scn.tef.reviewed_by == "DPO" and str(scn.tef.reviewed_at) == "2026-11-01"
    d["tef"]["reviewed_at"] = "not a date"
    from workbench.errors import ContentError
    with pytest.raises(ContentError, match="tef.reviewed_at"):
        load_scenarios(write_scenarios(tmp_path / "bad", d))
