"""TRN-001 reads training records where they are: an LMS export (training_results), else the
roster's last_training_at; with assignments.yaml it counts who is overdue on an assignment."""
from __future__ import annotations

from _checks_fixtures import baseline, build, run


def _results(rows):
    return [{"trainee_id": t, "module": m, "score": s, "passed": p, "completed_at": c, "attempt": a}
            for t, m, s, p, c, a in rows]


def test_training_results_take_precedence_and_failed_attempts_do_not_count(tmp_path):
    spec = baseline()
    for u in spec["users"]:
        u["last_training_at"] = ""  # the roster knows nothing: only the LMS export does
    spec["training_results"] = _results([
        ("U1", "privacy-law-basics", 0.9, "true", "2026-03-01T10:00:00", 1),
        ("U2", "privacy-law-basics", 0.4, "false", "2026-03-01T10:00:00", 1),   # failed: not trained
        ("U3", "privacy-law-basics", 0.8, "true", "2025-01-01T10:00:00", 1),    # passed, but too long ago
    ])
    f = run(build(tmp_path, spec), "TRN-001")
    assert (f.status, f.affected, f.total) == ("fail", 2, 3)  # U2 and U3 of the 3 active staff
    assert sorted(f.evidence["user_id"]) == ["U2", "U3"]


def test_no_training_source_is_insufficient(tmp_path):
    spec = baseline()
    for u in spec["users"]:
        del u["last_training_at"]
    f = run(build(tmp_path, spec), "TRN-001")
    assert f.status == "insufficient_data" and "no training records" in f.note


def test_assignments_decide_who_is_overdue(tmp_path):
    spec = baseline()
    spec["training_results"] = _results([
        ("U1", "access-control", 0.9, "true", "2026-09-01T10:00:00", 1),
        ("U2", "privacy-law-basics", 0.9, "true", "2026-06-01T10:00:00", 1),
    ])
    spec["assignments"] = {"assignments": [
        {"id": "law", "module": "privacy-law-basics", "roles": ["sales", "support"], "due": "2026-07-31"},
        {"id": "admins", "module": "access-control", "roles": ["admin"], "due": "2026-09-15"},
    ]}
    f = run(build(tmp_path, spec), "TRN-001")
    # U3 (support) never took the law module, due 2026-07-31: overdue; U1 and U2 passed theirs
    assert (f.status, f.affected, f.total) == ("fail", 1, 3)
    assert list(f.evidence["user_id"]) == ["U3"] and "assignments" in f.note
