"""Exposure from the dataset, posture inputs, monotonicity, what-if, outputs."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from breach_helpers import make_dataset, scenario_dict, write_scenarios
from workbench.breach import load_laws, load_scenarios, simulate, write_simulation
from workbench.breach.engine import draw, evaluate
from workbench.breach.exposure import exposure
from workbench.breach.law import context, notice_records
from workbench.breach.posture import CONTROLS, PostureInputs, derive
from workbench.dataset import load_dataset
from workbench.errors import ContentError

REPO = Path(__file__).resolve().parents[1]
ACME = REPO / "data" / "samples" / "acme_retail"


def _scn(sid):
    return load_scenarios(None, [sid])[0]


def test_exposure_roles_jurisdictions_and_sensitive(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    ex = exposure(ds, _scn("stolen-credentials"))
    assert ex.via == "role:admin" and ex.records == 40
    assert ex.by_jurisdiction == {"CN": 10, "EU": 15, "US": 5, "US-CA": 10}
    assert ex.sensitive_fields == ["national_id"] and ex.high_risk
    assert exposure(ds, _scn("integration-key-leak")).via == "role:integration"
    integ = exposure(ds, _scn("integration-key-leak"))
    assert integ.fields == ["customer_id", "email"] and not integ.high_risk
    assert exposure(ds, _scn("ransomware-crm-db")).via == "system:crm-db"


def test_named_role_and_unknown_role(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    scn = load_scenarios(write_scenarios(tmp_path / "a", scenario_dict(compromised={"role": "sales"})))[0]
    ex = exposure(ds, scn)
    assert ex.fields == ["country", "customer_id", "email", "full_name"] and not ex.sensitive_fields
    bad = load_scenarios(write_scenarios(tmp_path / "b", scenario_dict(compromised={"role": "ghost"})))[0]
    with pytest.raises(ContentError, match="ghost"):
        exposure(ds, bad)


def test_field_encryption_removes_fields_from_exposure(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds", field_encryption=["customers.national_id"]))
    ex = exposure(ds, _scn("ransomware-crm-db"))
    assert "national_id" not in ex.fields and not ex.high_risk
    assert ex.encrypted_excluded == ["customers.national_id"]


def test_erased_customers_are_not_exposed(tmp_path):
    root = make_dataset(tmp_path / "ds", customers=16)
    lines = (root / "customers.csv").read_text().splitlines()
    lines[1] = lines[1] + "2026-01-01"  # erased_at is the last column
    (root / "customers.csv").write_text("\n".join(lines) + "\n")
    assert exposure(load_dataset(root), _scn("stolen-credentials")).records == 15


def test_posture_from_dataset_and_findings(tmp_path):
    weak = derive(load_dataset(make_dataset(tmp_path / "w")), {})
    strong = derive(load_dataset(make_dataset(tmp_path / "s", mfa=True, trained=True, immutable=True)), {})
    assert (weak.mfa_coverage, weak.training_completion, weak.immutable_offsite) == (0.0, 0.0, False)
    assert (strong.mfa_coverage, strong.training_completion, strong.immutable_offsite) == (1.0, 1.0, True)
    assert strong.origin["mfa_coverage"] == "dataset:users" and weak.rto_hours == 8.0
    f = {"findings": [{"id": "AC-001", "status": "fail", "affected": 1, "total": 4},
                      {"id": "BK-003", "status": "pass"}, {"id": "TRN-001", "status": "not_applicable"}]}
    p = derive(load_dataset(make_dataset(tmp_path / "f")), f)
    assert p.mfa_coverage == 0.75 and p.origin["mfa_coverage"] == "findings:AC-001"
    assert p.immutable_offsite is True and p.origin["training_completion"] == "dataset:users"


def _env(tmp_path, **kw):
    ds = load_dataset(make_dataset(tmp_path, **kw))
    laws = load_laws()
    ctx = context(laws, "EUR", ds.organisation.annual_revenue, len(ds.tables["customers"]))
    return ds, laws, ctx


def _loss(d, s, ds, post, ctx, laws):
    ex = exposure(ds, s, post.extra_encrypted)
    return evaluate(d, s, ex, post.as_inputs(), ctx, laws, notice_records(ex, laws)).loss


def test_fixing_any_control_never_raises_loss_trial_by_trial(tmp_path):
    ds, laws, ctx = _env(tmp_path / "ds")
    rng = np.random.default_rng(0)
    for s in load_scenarios():
        d = draw(s, laws, np.random.default_rng(1), 20_000)
        for _ in range(5):  # random postures, each control fixed
            post = PostureInputs(mfa_coverage=rng.random(), training_completion=rng.random(),
                                 backups_encrypted=rng.random(), access_review=float(rng.random() < .5),
                                 unauthorised_exports=float(rng.random() < .5),
                                 terminated_active=float(rng.random() < .5),
                                 immutable_offsite=bool(rng.random() < .5), restore_tested=bool(rng.random() < .5),
                                 rto_hours=8.0)
            base = _loss(d, s, ds, post, ctx, laws)
            for c in CONTROLS:
                assert np.all(_loss(d, s, ds, post.fixed(c), ctx, laws) <= base + 1e-6), (s.id, c)


def test_failed_control_never_lowers_loss(tmp_path):
    good = simulate(load_dataset(make_dataset(tmp_path / "g", mfa=True, trained=True, immutable=True)), {},
                    trials=20_000, seed=3)
    bad = simulate(load_dataset(make_dataset(tmp_path / "b")), {}, trials=20_000, seed=3)
    assert np.all(bad.total >= good.total - 1e-6)
    for g, b in zip(good.outcomes, bad.outcomes):
        assert np.all(b.loss >= g.loss - 1e-6), g.scenario.id
    assert bad.total.mean() > good.total.mean()


def test_more_records_never_lower_loss(tmp_path):
    small = simulate(load_dataset(make_dataset(tmp_path / "s", customers=40)), {}, trials=20_000, seed=2)
    large = simulate(load_dataset(make_dataset(tmp_path / "l", customers=400)), {}, trials=20_000, seed=2)
    for a, b in zip(small.outcomes, large.outcomes):
        assert b.exposure.records > a.exposure.records
        assert np.all(b.loss >= a.loss - 1e-6), a.scenario.id
    assert large.total.mean() > small.total.mean()


def test_higher_tef_raises_loss(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    means = []
    for mode in (0.5, 1.0, 2.0):
        scen = write_scenarios(tmp_path / f"t{mode}", scenario_dict(tef={"min": mode / 2, "mode": mode, "max": mode * 2, "source": "s"}))
        means.append(simulate(ds, {}, trials=50_000, seed=4, scenario_dir=scen).total.mean())
    assert means[0] < means[1] < means[2]


def test_what_if_ranked_and_non_negative(tmp_path):
    sim = simulate(load_dataset(make_dataset(tmp_path / "ds")), {}, trials=20_000, seed=7)
    w = sim.what_if
    assert [r["control"] for r in w] and {r["control"] for r in w} == set(CONTROLS)
    red = [r["mean_reduction"] for r in w]
    assert red == sorted(red, reverse=True) and min(red) >= 0 and [r["rank"] for r in w] == list(range(1, len(w) + 1))
    assert red[0] > 0
    top = w[0]
    assert top["mean"] == pytest.approx(round(sim.total.mean(), 2) - top["mean_reduction"], abs=0.02)


def test_write_simulation_deterministic_and_atomic(tmp_path):
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    p1 = write_simulation(simulate(ds, {}, trials=10_000, seed=9), tmp_path / "o1")
    p2 = write_simulation(simulate(ds, {}, trials=10_000, seed=9), tmp_path / "o2")
    assert p1.read_bytes() == p2.read_bytes()
    assert sorted(x.name for x in (tmp_path / "o1").iterdir()) == ["simulation.json"]
    d = json.loads(p1.read_text())
    for k in ("trials", "seed", "currency", "scenarios", "total", "what_if"):
        assert k in d
    s = d["scenarios"][0]
    assert set(s["loss"]) == {"mean", "p50", "p90", "p95", "p99"}
    assert {"records", "by_jurisdiction", "fields", "sensitive_fields"} <= set(s["exposure"])
    assert all(round(v, 2) == v for v in s["loss"].values())
    assert "p5@example.com" not in p1.read_text() and "110105" not in p1.read_text()


@pytest.mark.skipif(not (ACME / "dataset.yaml").is_file(), reason="committed sample not present")
def test_acme_sample(tmp_path):
    ds = load_dataset(ACME)
    sim = simulate(ds, {}, trials=20_000, seed=7)
    d = sim.to_dict()
    assert {s["id"] for s in d["scenarios"]} >= {"stolen-credentials", "ransomware-crm-db"}
    cust = ds.tables["customers"]
    held = int(cust["erased_at"].isna().sum()) if "erased_at" in cust else len(cust)
    for s in d["scenarios"]:
        ex = s["exposure"]
        assert sum(ex["by_jurisdiction"].values()) == ex["records"] <= held
        assert "card_number" not in ex["sensitive_fields"]          # field-encrypted in posture.yaml
        assert any(n["deadline_hours"] == 72 for n in s["notifications"]) == (ex["by_jurisdiction"].get("EU", 0) > 0)
    assert d["total"]["mean"] > 0 and d["total"]["p99"] >= d["total"]["p95"] >= d["total"]["p90"] >= d["total"]["p50"]
    text = json.dumps(d)
    for v in cust["email"].dropna().head(50):
        assert v not in text


def test_customers_only_dataset_runs(tmp_path):
    root = tmp_path / "min"
    root.mkdir()
    (root / "customers.csv").write_text("customer_id,email,country\nA1,a@example.com,DE\nA2,b@example.com,\n")
    (root / "dataset.yaml").write_text("name: Minimal\nas_of: 2026-09-30\ntables:\n  customers: {path: customers.csv}\n")
    sim = simulate(load_dataset(root), {}, trials=2_000, seed=1)
    ex = sim.outcomes[0].exposure
    assert ex.records == 2 and ex.by_jurisdiction == {"EU": 1, "unknown": 1} and not ex.high_risk
    assert set(sim.posture.origin.values()) == {"unknown (default)"}
    assert sim.to_dict()["total"]["mean"] >= 0


def test_national_id_in_free_text_makes_exposure_sensitive(tmp_path):
    from breach_helpers import cn_resident_id
    perms = {"roles": {"agent": {"customers": {"read": ["customer_id", "email", "notes"], "export": True}}}}
    clean = load_dataset(make_dataset(tmp_path / "c", permissions=perms, users=False))
    dirty = load_dataset(make_dataset(tmp_path / "d", permissions=perms, users=False,
                                      notes=f"asked to update ID {cn_resident_id()} on file"))
    scn = _scn("stolen-credentials")
    assert exposure(clean, scn).sensitive_fields == []
    ex = exposure(dirty, scn)
    assert ex.sensitive_fields == ["customers.notes:national_id"] and ex.high_risk
    a = simulate(clean, {}, trials=10_000, seed=1, scenarios=["stolen-credentials"])
    b = simulate(dirty, {}, trials=10_000, seed=1, scenarios=["stolen-credentials"])
    assert np.all(b.total >= a.total) and b.total.mean() > a.total.mean()
    assert cn_resident_id() not in json.dumps(b.to_dict())
