"""Honest scores and real identities (issue 16, issue 11 item 7): exam vs practice, the first complete
exam attempt is the score of record, per-trainee seeded order, pools, attempt caps, platform identity
checked against the roster, and a failed write that keeps the answers."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.training import load_module
from workbench.training.identity import identify, normalise_id, roster_records
from workbench.training.store import attempts, attempts_of_record
from workbench.training.widgets import TrainingApp

MODULE = "phishing-social-engineering"
ROSTER = {"U00042": {"department": "Sales", "role": "sales"}, "U00001": {"department": "IT", "role": "admin"}}


def _answer(app: TrainingApp, correct: bool) -> None:
    q = app.current_question
    if app.choice_boxes:
        for oid, box in app.choice_boxes.items():
            box.value = (oid in q.correct_ids) == correct if correct else oid not in q.correct_ids
    else:
        right = next(iter(q.correct_ids))
        app.choice.value = right if correct else next(o for o in app.option_order[q.id] if o != right)


def _take(app: TrainingApp, correct: bool) -> None:
    while app.pages[app.page][0] == "lesson":
        app.next_button.click()
    while app.pages[app.page][0] == "question":
        _answer(app, correct)
        app.next_button.click()


def test_exam_hides_answers_until_finish_and_a_retry_never_turns_a_fail_into_a_pass(tmp_path: Path) -> None:
    store = str(tmp_path / "r.db")
    app = TrainingApp(MODULE, trainee="U00042", store=store, seed=7, roster=ROSTER, env={})
    while app.pages[app.page][0] == "lesson":
        app.next_button.click()
    q = app.current_question
    _answer(app, False)
    assert app.check() is None and app.feedback.value == ""  # exam: no verdict, no answer shown
    assert q.explanation.en[:30] not in app.body.value + app.feedback.value
    _take(app, False)
    assert "NOT PASSED" in app.body.value and "workbench-review" in app.body.value  # answers after the final submit
    app.retry_button.click()  # practise the missed questions: answers are shown as you go
    assert app.practising and app.check_button.layout.display is None
    while app.pages[app.page][0] == "question":
        _answer(app, True)
        assert app.check() is True
        app.next_button.click()
    assert "100%" in app.body.value and "score of record is unchanged" in app.body.value
    df = attempts(store)
    assert list(df["mode"]) == ["exam", "practice"] and list(df["passed"]) == [False, True]
    rec = attempts_of_record(store)
    assert len(rec) == 1 and not bool(rec.iloc[0]["passed"])
    assert (rec.iloc[0]["department"], rec.iloc[0]["identity"]) == ("Sales", "self-declared")
    # a second exam in a new session does not replace the record either
    again = TrainingApp(MODULE, trainee="U00042", store=store, seed=7, roster=ROSTER, env={})
    _take(again, True)
    assert "PASSED" in again.body.value
    rec = attempts_of_record(store)
    assert len(rec) == 1 and not bool(rec.iloc[0]["passed"])


def test_order_is_seeded_per_trainee_and_pools_draw_n_of_m() -> None:
    order = lambda app: [q.id for q in app.questions]  # noqa: E731
    a1 = TrainingApp(MODULE, trainee="U00042", seed=7, record=False, env={})
    a2 = TrainingApp(MODULE, trainee="U00042", seed=7, record=False, env={})
    others = [TrainingApp(MODULE, trainee=f"U{i:05d}", seed=7, record=False, env={}) for i in range(1, 6)]
    assert order(a1) == order(a2) and a1.option_order == a2.option_order  # stable for one trainee
    assert len({tuple(order(o)) for o in others}) >= 4  # different trainees, different orders
    pool = [TrainingApp(MODULE, trainee=f"U{i:05d}", seed=7, record=False, env={}, draw=5) for i in range(6)]
    assert all(len(p.questions) == 5 for p in pool)
    assert len({frozenset(order(p)) for p in pool}) > 1  # different draws
    assert sum(1 for k, _ in pool[0].pages if k == "question") == 5


def test_pool_size_is_content_validated_and_scores_only_the_drawn(tmp_path: Path) -> None:
    app = TrainingApp(MODULE, trainee="U00001", seed=3, store=str(tmp_path / "r.db"), draw=4, roster=ROSTER, env={})
    _take(app, True)
    row = attempts(str(tmp_path / "r.db")).iloc[0]
    assert (row.n_questions, row.score, row.department) == (4, 1.0, "IT")


def test_attempt_cap_turns_further_sessions_into_practice(tmp_path: Path) -> None:
    store = str(tmp_path / "r.db")
    first = TrainingApp(MODULE, trainee="U00042", store=store, seed=1, max_attempts=1, roster=ROSTER, env={})
    assert first.mode == "exam"
    _take(first, False)
    second = TrainingApp(MODULE, trainee="U00042", store=store, seed=1, max_attempts=1, roster=ROSTER, env={})
    assert second.mode == "practice" and "exam attempt" in second.mode_note.value
    _take(second, True)
    assert list(attempts(store)["mode"]) == ["exam", "practice"]
    assert not bool(attempts_of_record(store).iloc[0]["passed"])


def test_identity_platform_first_then_roster_normalised_self_declared() -> None:
    hub = identify("U00001", env={"JUPYTERHUB_USER": "u00042"}, roster=ROSTER)
    assert (hub.trainee_id, hub.source, hub.on_roster, hub.department) == ("U00042", "jupyterhub", True, "Sales")
    env = {"WORKBENCH_TRAINING_IDENTITY_HEADER": "X-Forwarded-User", "HTTP_X_FORWARDED_USER": "U00001"}
    proxy = identify("", env=env, roster=ROSTER)
    assert (proxy.source, proxy.department, proxy.self_declared) == ("proxy-header", "IT", False)
    # a header is believed only when the server was told to trust it
    assert identify("", env={"HTTP_X_FORWARDED_USER": "U00001"}, roster=ROSTER) is None
    typed = identify(" u00042 ", env={}, roster=ROSTER)
    assert (typed.trainee_id, typed.source, typed.department) == ("U00042", "self-declared", "Sales")
    assert normalise_id("\u3000Ｕ００４２ ") == "U0042"  # full-width forms from CJK keyboards
    assert identify("U99999", env={}, roster=ROSTER).on_roster is False
    assert identify("U7", env={}, roster=None, department="Ops").department == "Ops"


def test_self_declared_id_not_on_roster_is_not_recorded_until_fixed(tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    app = TrainingApp(MODULE, trainee="U99999", store=str(store), seed=2, roster=ROSTER, env={})
    _take(app, True)
    assert "not on the staff roster" in app.body.value and app.save_button.layout.display is None
    assert not store.exists()
    app.trainee_input.value = " u00042"
    app.save_button.click()
    row = attempts(str(store)).iloc[0]
    assert (row.trainee_id, row.department, row["mode"]) == ("U00042", "Sales", "exam")


def test_platform_identity_hides_the_id_box_and_is_recorded(tmp_path: Path) -> None:
    app = TrainingApp(MODULE, store=str(tmp_path / "r.db"), seed=2, roster=ROSTER, env={"JUPYTERHUB_USER": "U00001"})
    assert app.trainee_input.layout.display == "none" and "Signed in as" in app.trainee_label.value
    _take(app, True)
    row = attempts(str(tmp_path / "r.db")).iloc[0]
    assert (row.trainee_id, row.identity, row.department) == ("U00001", "jupyterhub", "IT")


def test_failed_write_keeps_the_answers_and_save_again_records_them(tmp_path: Path) -> None:
    bad = "postgresql://trainer:Sup3rSecret@127.0.0.1:1/nowhere"
    app = TrainingApp(MODULE, trainee="U00042", store=bad, seed=4, roster=ROSTER, env={})
    _take(app, True)
    assert "Could not record" in app.body.value and "Sup3rSecret" not in app.body.value
    assert app.save_button.layout.display is None and app.pending is not None
    assert app.retry_button.layout.display == "none"  # no practice before the exam is saved
    app.store = str(tmp_path / "r.db")  # the database is back
    app.save_button.click()
    assert "Attempt recorded" in app.body.value and app.pending is None
    row = attempts(app.store).iloc[0]
    assert (row.score, row["mode"], row.trainee_id) == (1.0, "exam", "U00042")


def test_roster_records_keep_active_staff_only() -> None:
    import pandas as pd

    users = pd.DataFrame({"user_id": ["U1", "U2", "U3", "U4"], "department": ["IT", "Sales", None, "HR"],
                          "role": ["admin", "sales", "x", "hr"], "status": ["active", "disabled", "active", "active"],
                          "terminated_at": [None, None, None, None], "is_service_account": [False, False, False, True]})
    assert roster_records(users) == {"U1": {"department": "IT", "role": "admin"}, "U3": {"department": None, "role": "x"}}


def test_quiz_kernel_imports_no_pandas_or_plotly(tmp_path: Path) -> None:
    code = ("import sys, workbench.training as t\n"
            "s = t.session(module='access-control', store=sys.argv[1])\n"
            "o = t.run_session(s); o._repr_mimebundle_()\n"
            "print(sorted(m for m in ('pandas', 'plotly', 'duckdb', 'polars', 'pyarrow') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "r.db")], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "QUERY_STRING": "module=access-control"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_module_picker_when_served_without_a_module(monkeypatch) -> None:
    from workbench.training import run_session, session

    monkeypatch.setenv("WORKBENCH_TRAINING_PICKER", "1")
    monkeypatch.delenv("WORKBENCH_TRAINING_MODULE", raising=False)
    monkeypatch.setenv("QUERY_STRING", "")
    out = run_session(session())
    assert "?module=access-control" in out.handout and "?module=privacy-law-basics" in out.handout
    monkeypatch.setenv("QUERY_STRING", "module=access-control&lang=zh")
    s = session()
    assert (s.module.id, s.lang, s.picker) == ("access-control", "zh", False)
    assert load_module("access-control").title.zh


def test_attempt_cap_holds_for_typed_ids_and_a_second_tab(tmp_path: Path) -> None:
    """Issue 21 item 9: the cap was checked only when the page opened, and never for an id typed into
    it. Now a typed id is checked when the quiz starts, and the store enforces the cap when it saves."""
    store = str(tmp_path / "r.db")
    first = TrainingApp(MODULE, trainee="U00042", store=store, seed=1, max_attempts=1, roster=ROSTER, env={})
    _take(first, False)
    typed = TrainingApp(MODULE, store=store, seed=1, max_attempts=1, roster=ROSTER, env={})  # nobody known yet
    assert typed.mode == "exam"
    typed.trainee_input.value = " u00042 "
    _take(typed, True)
    assert typed.practising and "exam attempt" in typed.mode_note.value
    # two tabs opened before either was finished: both start as exams; the store lets one count
    tab_a = TrainingApp(MODULE, trainee="U00001", store=store, seed=1, max_attempts=1, roster=ROSTER, env={})
    tab_b = TrainingApp(MODULE, trainee="U00001", store=store, seed=1, max_attempts=1, roster=ROSTER, env={})
    assert tab_a.mode == tab_b.mode == "exam"
    _take(tab_a, False)
    _take(tab_b, True)
    assert "exam attempt" in tab_b.body.value and "Practice recorded" in tab_b.body.value
    got = attempts(store)
    assert list(zip(got["trainee_id"], got["mode"])) == [("U00042", "exam"), ("U00042", "practice"),
                                                          ("U00001", "exam"), ("U00001", "practice")]
    record = attempts_of_record(store).set_index("trainee_id")
    assert not bool(record.loc["U00042", "passed"]) and not bool(record.loc["U00001", "passed"])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_attempt_cap_under_concurrent_writers(tmp_path: Path, backend: str) -> None:
    """Eight writers at once (threads; one SQLite file, or PostgreSQL under READ COMMITTED), cap 2:
    exactly two exam attempts."""
    from contextlib import ExitStack

    from _pg import fresh_database
    from workbench.training.store import init_store

    with ExitStack() as stack:
        store = str(tmp_path / "r.db") if backend == "sqlite" else stack.enter_context(fresh_database())
        init_store(store)
        _eight_writers(store)


def _eight_writers(store: str) -> None:
    import threading

    from workbench.training import answer_key, grade
    from workbench.training.store import save_attempt

    module = load_module(MODULE)
    result = grade(module, answer_key(module))
    saved, start = [], threading.Barrier(8)

    def write() -> None:
        start.wait()
        saved.append(save_attempt(store, trainee="U00042", module=module, result=result, max_attempts=2).mode)
    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(saved) == ["exam"] * 2 + ["practice"] * 6
    assert list(attempts(store)["mode"]).count("exam") == 2


def test_headless_session_honours_the_cap(tmp_path: Path) -> None:
    import yaml

    from workbench.training import answer_key, attempts as all_attempts, run_session, session

    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(answer_key(load_module(MODULE))))
    for _ in range(3):
        run_session(session(module=MODULE, trainee="U7", store=str(tmp_path / "r.db"), answers=str(answers),
                            max_attempts=2))
    assert list(all_attempts(str(tmp_path / "r.db"))["mode"]) == ["exam", "exam", "practice"]
