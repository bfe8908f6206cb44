"""Drive the ipywidgets app like a trainee: set values, click buttons, read feedback and the store."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbench.training import attempts, load_module, responses
from workbench.training.widgets import TrainingApp

MODULE = "phishing-social-engineering"


def _clock():
    t = [dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.timezone.utc)]

    def now() -> dt.datetime:
        t[0] += dt.timedelta(minutes=1)
        return t[0]
    return now


def _answer(app: TrainingApp, correct: bool) -> None:
    """Select the right (or a wrong) answer for the current question through the widgets."""
    q = app.current_question
    assert q is not None
    if app.choice_boxes:
        first = next(iter(app.choice_boxes))
        for oid, box in app.choice_boxes.items():
            box.value = (oid in q.correct_ids) != (not correct and oid == first)  # wrong: flip one option
    else:
        right = next(iter(q.correct_ids))
        app.choice.value = right if correct else next(o for o in app.option_order[q.id] if o != right)


def _to_first_question(app: TrainingApp) -> None:
    while app.pages[app.page][0] == "lesson":
        assert app.check_button.layout.display == "none"
        app.next_button.click()


def test_lessons_navigation_and_progress(tmp_path: Path) -> None:
    app = TrainingApp(MODULE, trainee="U1", store=str(tmp_path / "r.db"), seed=1)
    m = load_module(MODULE)
    assert m.lessons[0].title.en in app.title.value
    assert app.back_button.disabled and app.progress.value == 0
    app.next_button.click()
    assert m.lessons[1].title.en in app.title.value and app.progress.value == 1
    app.back_button.click()
    assert m.lessons[0].title.en in app.title.value
    _to_first_question(app)
    assert "Question 1 of 8" in app.progress_label.value
    assert app.check_button.layout.display == "none"  # exam (the default): no answer before Finish
    practice = TrainingApp(MODULE, trainee="U1", store=str(tmp_path / "r.db"), seed=1, mode="practice")
    _to_first_question(practice)
    assert practice.check_button.layout.display is None


def test_feedback_language_switch_score_and_record(tmp_path: Path) -> None:
    store = str(tmp_path / "r.db")
    app = TrainingApp(MODULE, trainee="U00042", department="Sales", store=store, seed=3, clock=_clock(),
                      mode="practice")
    _to_first_question(app)
    # no answer yet: a prompt, not a verdict
    app.check_button.click()
    assert "Choose an answer first" in app.feedback.value
    wrong_ids = []
    for n in range(8):
        q = app.current_question
        correct = n not in (1, 4)
        _answer(app, correct)
        app.check_button.click()
        if correct:
            assert "Correct." in app.feedback.value
        else:
            wrong_ids.append(q.id)
            assert "Not quite." in app.feedback.value and "Correct answer" in app.feedback.value
        assert q.explanation.en in app.feedback.value.replace("&#x27;", "'").replace("&quot;", '"')
        assert app.check_button.disabled  # locked after checking
        if n == 2:  # switch language mid-way: the same page, in Chinese, feedback kept
            app.lang_toggle.value = "zh"
            assert q.prompt.zh in app.body.value.replace("&quot;", '"').replace("&#x27;", "'")
            assert "回答" in app.feedback.value
            app.lang_toggle.value = "en"
        app.next_button.click()
    assert app.pages[app.page][0] == "result"
    assert "75% — " in app.body.value and "PASSED" in app.body.value
    assert app.retry_button.layout.display is None
    df = attempts(store)
    assert len(df) == 1
    row = df.iloc[0]
    assert (row.trainee_id, row.department, row.source, row.score, bool(row.passed), row["mode"]) == \
        ("U00042", "Sales", "widget", 0.75, True, "practice")
    assert row.identity == "self-declared"
    assert row.finished_at > row.started_at
    missed = set(responses(store).query("not correct")["question_id"])
    assert missed == set(wrong_ids)

    # retry only the missed questions, answer them right: a second attempt at 100 %
    app.retry_button.click()
    assert "Retry round 1" in app.progress_label.value
    seen = []
    while app.pages[app.page][0] == "question":
        seen.append(app.current_question.id)
        _answer(app, True)
        app.check_button.click()
        assert "Correct." in app.feedback.value
        app.next_button.click()
    assert set(seen) == set(wrong_ids)
    assert "100%" in app.body.value and app.retry_button.layout.display == "none"
    df = attempts(store)
    assert list(df["score"]) == [0.75, 1.0] and app.attempt_ids == list(df["attempt_id"])


def test_unchecked_answers_count_and_missing_trainee_not_recorded(tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    app = TrainingApp(MODULE, trainee="", store=str(store), seed=5)
    _to_first_question(app)
    _answer(app, True)  # selected but never checked: still graded
    while app.pages[app.page][0] == "question":
        app.next_button.click()
    assert "12%" in app.body.value and "NOT PASSED" in app.body.value
    assert "Not recorded" in app.body.value and not store.exists()
    app.trainee_input.value = "U00077"
    app.finish()
    assert attempts(str(store)).iloc[0].trainee_id == "U00077"


def test_shuffle_is_seeded() -> None:
    a = TrainingApp(MODULE, seed=11, record=False)
    b = TrainingApp(MODULE, seed=11, record=False)
    c = TrainingApp(MODULE, seed=12, record=False)
    plain = TrainingApp(MODULE, shuffle=False, record=False)
    order = lambda app: [q.id for q in app.questions]  # noqa: E731
    assert order(a) == order(b) and a.option_order == b.option_order
    assert order(c) != order(a) or c.option_order != a.option_order
    assert order(plain) == [q.id for q in load_module(MODULE).questions]
    assert all(a.option_order[q.id] == ["true", "false"] for q in a.questions if q.type == "true_false")


def test_chinese_ui(tmp_path: Path) -> None:
    app = TrainingApp("case-bank-crm-leak", lang="zh", trainee="U2", store=str(tmp_path / "r.db"), seed=2, mode="practice")
    assert "案例分析" in app.title.value and app.next_button.description == "下一页"
    _to_first_question(app)
    _answer(app, True)
    app.check_button.click()
    assert "回答正确" in app.feedback.value and "解析" in app.feedback.value
