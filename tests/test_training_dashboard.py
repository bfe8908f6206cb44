"""Dashboard analytics and training.json summary on a hand-made roster and store."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.training import (answer_key, attempts, completion_by_department, grade, item_analysis, load_module,
                                most_missed, overdue_staff, record_attempt, staff_status, summary)

from training_cohort import simulate_cohort  # a test fixture: the product never simulates a cohort

AS_OF = "2026-09-30"
MODULE = "access-control"


def _users() -> pd.DataFrame:
    return pd.DataFrame({
        "user_id": ["U1", "U2", "U3", "U4", "U5", "S1", "U6"],
        "name": ["Anna Schmidt", "Li Wei", "王小明", "Carlos Diaz", "Eve Admin", "ETL Service", "Gone Person"],
        "department": ["Sales", "Sales", "Support", "IT", "IT", "IT", "Sales"],
        "role": ["sales", "sales", "support", "it_ops", "admin", "svc", "sales"],
        "status": ["active", "active", "active", "active", "active", "active", "disabled"],
        "is_service_account": [False, False, False, False, False, True, False],
        "last_training_at": pd.to_datetime([None, "2026-03-01", None, "2024-01-01", None, None, None]),
    })


def _record(store: Path, trainee: str, when: str, wrong: list[str], dept: str = "X") -> None:
    m = load_module(MODULE)
    key = answer_key(m)
    answers = {q: v for q, v in key.items() if q not in wrong}
    t = dt.datetime.fromisoformat(when)
    record_attempt(store, trainee=trainee, department=dept, module=m, result=grade(m, answers), started_at=t,
                   finished_at=t + dt.timedelta(minutes=10), source="widget")


@pytest.fixture()
def store(tmp_path: Path) -> str:
    s = tmp_path / "r.db"
    _record(s, "U1", "2026-06-01T10:00:00", [])                       # passed, current
    _record(s, "U3", "2026-05-01T10:00:00", ["ac-01", "ac-02", "ac-03"])  # failed: still overdue
    _record(s, "U4", "2025-01-01T10:00:00", [])                       # passed but too long ago
    _record(s, "U5", "2026-10-15T10:00:00", [])                       # after as_of: ignored
    _record(s, "U2", "2026-07-01T10:00:00", ["ac-01"])                # passed (7/8)
    return str(s)


def test_staff_status_and_completion(store: str) -> None:
    status = staff_status(store, _users(), AS_OF, privileged=["admin", "it_ops"])
    assert list(status["user_id"]) == ["U1", "U2", "U3", "U4", "U5"]  # service + disabled excluded
    cur = dict(zip(status["user_id"], status["current"]))
    assert cur == {"U1": True, "U2": True, "U3": False, "U4": False, "U5": False}
    assert set(status["name"]) == {"A*** S******", "L* W**", "王**", "C***** D***", "E** A****"}
    by = completion_by_department(status).set_index("department")
    assert by.loc["Sales", "completion"] == 1.0 and by.loc["IT", "completion"] == 0.0
    assert by.loc["Support", "staff"] == 1
    od = overdue_staff(status)
    assert list(od["user_id"]) == ["U4", "U5", "U3"]  # privileged first
    assert list(overdue_staff(status, privileged_only=True)["user_id"]) == ["U4", "U5"]


def test_item_analysis_share_correct_and_point_biserial(store: str) -> None:
    items = item_analysis(store, AS_OF).set_index("question_id")
    # window: U1, U3, U2 (U4 too old, U5 in the future)
    assert items.loc["ac-01", "responses"] == 3
    assert items.loc["ac-01", "share_correct"] == round(1 / 3, 4)
    assert items.loc["ac-04", "share_correct"] == 1.0 and np.isnan(items.loc["ac-04", "discrimination"])
    # hand computation: item ac-01 = [1, 0, 0] (U1, U3, U2); rest score = [7/7, 5/7, 7/7]
    expected = np.corrcoef([1, 0, 0], [1, 5 / 7, 1])[0, 1]
    assert items.loc["ac-01", "discrimination"] == pytest.approx(expected, abs=1e-4)
    assert items.loc["ac-01", "topic"] == "least-privilege"
    assert most_missed(items.reset_index(), 1, min_responses=1).iloc[0]["question_id"] == "ac-01"


def test_summary_is_training_json(store: str) -> None:
    s = summary(store, _users(), AS_OF, privileged_roles=["admin", "it_ops"])
    assert s["as_of"] == AS_OF and s["attempts"] == 3 and s["trainees"] == 3 and not s["simulated"]
    assert s["pass_rate"] == round(2 / 3, 4)
    assert s["completion"]["overall"] == 0.4 and s["completion"]["by_department"]["Sales"]["share"] == 1.0
    assert s["overdue"]["count"] == 3 and s["overdue"]["privileged"] == 2
    assert s["most_missed"][0]["question"] == "ac-01"
    text = json.dumps(s, ensure_ascii=False, sort_keys=True)
    for raw in ("Anna", "Schmidt", "王小明", "Carlos", "Eve Admin"):
        assert raw not in text
    assert json.dumps(summary(store, _users(), AS_OF, privileged_roles=["admin", "it_ops"]), sort_keys=True) == \
        json.dumps(s, sort_keys=True)  # deterministic
    no_roster = summary(store, None, AS_OF)
    assert no_roster["completion"] is None and no_roster["overdue"] is None and no_roster["attempts"] == 3


def test_simulated_cohort_is_seeded_and_labelled(tmp_path: Path) -> None:
    users = _users()
    users["last_training_at"] = pd.to_datetime(["2026-08-01", "2026-05-01", None, "2024-01-01", "2026-09-01", None, None])
    n1 = simulate_cohort(str(tmp_path / "a.db"), users, AS_OF, seed=4)
    n2 = simulate_cohort(str(tmp_path / "b.db"), users, AS_OF, seed=4)
    a, b = attempts(str(tmp_path / "a.db")), attempts(str(tmp_path / "b.db"))
    assert n1 == n2 == len(a) > 0
    cols = ["trainee_id", "module_id", "score", "finished_at"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert set(a["source"]) == {"simulated"} and a["finished_at"].max() <= pd.Timestamp("2026-10-01")
    s = summary(str(tmp_path / "a.db"), users, AS_OF)
    assert s["simulated"] and s["simulated_attempts"] == s["attempts"]


def test_summary_with_an_empty_roster_does_not_crash(tmp_path):
    """A dataset without staff (or an empty users table) still yields a training.json."""
    import pandas as pd

    from workbench.training import summary

    users = pd.DataFrame({"user_id": pd.Series([], dtype="string"), "role": pd.Series([], dtype="string"),
                          "status": pd.Series([], dtype="string"),
                          "last_training_at": pd.Series([], dtype="datetime64[ns]")})
    out = summary(None, users, "2026-09-30")
    assert out["attempts"] == 0 and out["as_of"] == "2026-09-30"
