"""The synthetic generator: deterministic, valid identifiers, planted counts visible in the data."""
from __future__ import annotations

import filecmp
import json

import pandas as pd

from workbench import load_dataset
from workbench.pii.validators import cn_resident_id, luhn
from workbench.sample import generate_sample


def test_same_seed_same_files(tmp_path):
    a = generate_sample(tmp_path / "a", customers=400, seed=3)
    b = generate_sample(tmp_path / "b", customers=400, seed=3)
    assert a == b
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert cmp.left_only == cmp.right_only == cmp.diff_files == []
    c = generate_sample(tmp_path / "c", customers=400, seed=4)
    assert not filecmp.cmp(tmp_path / "a" / "customers.csv", tmp_path / "c" / "customers.csv", shallow=False)
    assert set(c["checks"]) == set(a["checks"])


def test_committed_sample_is_reproducible(tmp_path, sample_dir):
    """The committed sample is exactly what the documented command produces."""
    generate_sample(tmp_path / "s", customers=3000, seed=7)
    for f in ("customers.csv", "access_log.csv", "backups.csv", "ground_truth.json", "posture.yaml",
              "training_results.csv", "dataset.yaml", ".workbench-sample.json"):
        assert filecmp.cmp(tmp_path / "s" / f, sample_dir / f, shallow=False), f


def test_identifiers_are_valid(sample_dataset):
    c = sample_dataset.tables["customers"]
    cn_ids = c.loc[c["country"] == "CN", "national_id"].dropna()
    assert len(cn_ids) > 500 and all(cn_resident_id(x) for x in cn_ids)
    cards = sample_dataset.tables["transactions"]["card_number"]
    assert all(luhn(x) for x in cards)
    assert c["phone"][c["country"] == "CN"].dropna().str.fullmatch(r"1[3-9]\d{9}").all()


def test_planted_counts_are_in_the_data(sample_dataset, sample_dir):
    """An independent pandas reading of the planted problems agrees with ground_truth.json."""
    truth = json.loads((sample_dir / "ground_truth.json").read_text())["checks"]
    ds = sample_dataset
    now, window = ds.now, ds.now - pd.Timedelta(days=90)
    c, u, b = ds.tables["customers"], ds.tables["users"], ds.tables["backups"]
    active = u["status"] == "active"
    staff = active & ~u["is_service_account"].astype(bool)
    assert truth["PRV-001"]["affected"] == int((c["jurisdiction"].isin(["EU", "CN"]) & c["consent_marketing"].fillna(False) & c["consent_at"].isna()).sum())
    assert truth["PRV-003"]["affected"] == int(((c["erasure_requested_at"] < now - pd.Timedelta(days=30)) & c["erased_at"].isna()).sum())
    assert truth["AC-002"]["affected"] == int((active & u["terminated_at"].notna()).sum())
    assert truth["AC-003"]["affected"] == int((staff & (u["last_login_at"] < now - pd.Timedelta(days=90))).sum())
    assert truth["TRN-001"]["affected"] == int((staff & ~(u["last_training_at"] >= now - pd.Timedelta(days=365)).fillna(False)).sum())
    assert truth["AC-006"]["affected"] / truth["AC-006"]["total"] > 0.10
    inside = b[b["started_at"] > window]
    assert truth["BK-001"]["affected"] == int((inside["status"] != "success").sum())
    assert truth["BK-005"]["affected"] == int((~inside["encrypted"].astype(bool)).sum())
    notes = c["notes"].dropna()
    assert truth["PII-001"]["affected"] == json.loads((sample_dir / "ground_truth.json").read_text())["pii_in_notes"]["records"]
    assert len(notes) > 1000


def test_mixed_layout_loads_through_sqlite_parquet_excel(tmp_path):
    truth = generate_sample(tmp_path / "m", customers=250, seed=1, layout="mixed")
    ds = load_dataset(tmp_path / "m")
    assert {k: s.kind for k, s in ds.sources.items()} == {"customers": "sql", "transactions": "parquet", "users": "excel",
                                                          "training_results": "csv"}
    assert truth["checks"]["BK-001"]["status"] == "insufficient_data"  # no backups table in this layout
    assert ds.tables["customers"]["Field7"].str.contains("@").all() or ds.tables["customers"]["Field7"].isna().any()


def test_training_results_agree_with_the_roster(sample_dataset, sample_dir):
    """training_results is a canonical table, listed in dataset.yaml, consistent with
    users.last_training_at, and its planted problems are those ground_truth.json records."""
    import yaml

    assert "training_results" in yaml.safe_load((sample_dir / "dataset.yaml").read_text())["tables"]
    t, u = sample_dataset.tables["training_results"], sample_dataset.tables["users"]
    assert list(t.columns) == ["trainee_id", "module", "score", "passed", "completed_at", "attempt"]
    assert t["score"].between(0, 1).all() and set(t["attempt"].unique()) <= {1, 2}
    assert (t["passed"] == (t["score"] >= 0.75)).all()
    assert set(t["trainee_id"]) <= set(u["user_id"])
    last_pass = t[t["passed"].astype(bool)].groupby("trainee_id")["completed_at"].max()
    roster = u.set_index("user_id")["last_training_at"]
    trained = roster.dropna()
    assert last_pass.sort_index().equals(trained.loc[last_pass.index].sort_index().rename("completed_at"))
    assert set(trained.index) - set(u.loc[u["is_service_account"].astype(bool), "user_id"]) == set(last_pass.index)
    facts = json.loads((sample_dir / "ground_truth.json").read_text())["training_results"]
    assert facts["rows"] == len(t) and facts["trainees"] == t["trainee_id"].nunique()
    assert facts["failed_attempts"] == int((~t["passed"].astype(bool)).sum())
    assert facts["retakes_passed"] == int(((t["attempt"] == 2) & t["passed"].astype(bool)).sum()) > 0
    year = sample_dataset.now - pd.Timedelta(days=365)
    failed_only = set(t.loc[~t["passed"].astype(bool) & (t["completed_at"] >= year), "trainee_id"]) - set(last_pass.index)
    assert facts["failed_only_within_365_days"] == len(failed_only) > 0
    assert failed_only <= set(roster[roster.isna()].index)  # TRN-001 staff who never completed training


def test_committed_mini_sample_is_reproducible(tmp_path, mini_dir):
    """mini_sqlite (SQLite + Parquet + Excel + the LMS export) is what its documented command makes."""
    generate_sample(tmp_path / "m", customers=300, seed=11, layout="mixed", name="Mini CRM (SQLite + Parquet + Excel)")
    for f in sorted(p.name for p in mini_dir.iterdir()):
        assert filecmp.cmp(tmp_path / "m" / f, mini_dir / f, shallow=False), f
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == sorted(p.name for p in mini_dir.iterdir())
