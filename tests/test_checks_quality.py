"""DQ-*: references the assessment cannot resolve are counted, never silent."""
from __future__ import annotations

from _checks_fixtures import baseline, build, run


def test_dq001_counts_accounts_in_undefined_roles(tmp_path):
    spec = baseline()
    spec["users"][1]["role"] = "salez"  # a typo in the CRM export
    f = run(build(tmp_path, spec), "DQ-001")
    assert (f.status, f.affected, f.total) == ("fail", 1, 5)
    assert f.evidence.to_dict("records") == [{"role": "salez", "accounts": 1}]


def test_dq002_counts_events_from_unknown_accounts(tmp_path):
    spec = baseline()
    spec["access_log"][0]["user_id"] = "U999"
    spec["access_log"][1]["user_id"] = "U999"
    f = run(build(tmp_path, spec), "DQ-002")
    assert (f.status, f.affected, f.total) == ("fail", 2, 6)  # 6 events in the 90-day window
    # account ids in full by default (issue 11, item 9: the reader must chase exactly that account)
    assert f.evidence.to_dict("records") == [{"user_id": "U999", "events": 2}]


def test_dq002_masks_account_ids_when_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_STAFF_IDS", "masked")
    spec = baseline()
    spec["access_log"][0]["user_id"] = "U999"
    f = run(build(tmp_path, spec), "DQ-002")
    assert "U999" not in f.evidence.to_csv()


def test_dq003_counts_events_naming_unknown_tables_or_fields(tmp_path):
    spec = baseline()
    spec["access_log"][1]["fields"] = "full_name,emial"   # a field typo
    spec["access_log"][3]["table"] = "customerz"          # a table typo
    f = run(build(tmp_path, spec), "DQ-003")
    assert (f.status, f.affected) == ("fail", 2)
    # raw log values pass the output boundary (issue 21, item 11): unknown names by shape or count only
    assert sorted(f.evidence["table"]) == ["customers", "unknown table (aaaaaaaaa)"]
    assert "full_name + 1 other" in set(f.evidence["fields"]) and "emial" not in f.evidence.to_csv()


def test_hostile_log_values_never_reach_the_evidence(tmp_path):
    spec = baseline()
    spec["access_log"][1]["fields"] = "full_name,<img src=x onerror=alert(1)>,jane.doe@example.com"
    spec["access_log"][3]["table"] = "<script>alert(2)</script>"
    f = run(build(tmp_path, spec), "DQ-003")
    text = f.evidence.to_csv()
    assert f.affected == 2 and "<" not in text and "jane.doe" not in text and "alert" not in text
    assert "full_name + 2 others" in text


def test_dq_checks_pass_on_clean_data_and_are_insufficient_without_inputs(tmp_path):
    ds = build(tmp_path / "a", baseline())
    assert {run(ds, c).status for c in ("DQ-001", "DQ-002", "DQ-003")} == {"pass"}
    spec = baseline()
    del spec["access_log"]
    spec["permissions"] = None
    ds = build(tmp_path / "b", spec)
    assert {run(ds, c).status for c in ("DQ-001", "DQ-002", "DQ-003")} == {"insufficient_data"}
