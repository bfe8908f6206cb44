"""A SIMULATED cohort of training attempts — a test fixture only (issue 11: the product shows real
records or says there are none; it never invents a cohort).

Every simulated attempt is stored with ``source = "simulated"``; ``summary`` labels them. The
cohort follows the roster: staff whose ``last_training_at`` is recent took the modules around that date; the others are overdue. Answers come from a 2-parameter logistic item
response model (ability per trainee, difficulty and discrimination per question), drawn from a
seeded :class:`numpy.random.Generator`.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd

from workbench.training.content import Module, Question, load_all, load_module
from workbench.training.dashboard import WINDOW_DAYS, as_of_date, roster
from workbench.training.grading import Answer, is_correct
from workbench.training.store import record_many


def _wrong_answer(q: Question, rng: np.random.Generator) -> Answer:
    ids = [o.id for o in q.options]
    if q.type == "true_false":
        return not q.answer
    key = set(q.correct_ids)
    if q.multi:
        flip = ids[int(rng.integers(len(ids)))]
        chosen = key ^ {flip}
        return sorted(chosen) or sorted(key ^ {next(i for i in ids if i != flip)})
    others = [i for i in ids if i not in key]
    return others[int(rng.integers(len(others)))]


def _right_answer(q: Question) -> Answer:
    if isinstance(q.answer, bool):
        return q.answer
    return sorted(q.answer) if isinstance(q.answer, list) else q.answer


def _attempt(module: Module, trainee: str, department: str, ability: float, finished: dt.datetime,
             items: dict[str, tuple[float, float]], rng: np.random.Generator) -> dict[str, Any]:
    answers: dict[str, Answer] = {}
    responses = []
    for q in module.questions:
        a, b = items[q.id]
        p = 1.0 / (1.0 + np.exp(-a * (ability - b)))
        ans = _right_answer(q) if rng.random() < p else _wrong_answer(q, rng)
        answers[q.id] = ans
        responses.append({"question_id": q.id, "answer": json.dumps(ans), "correct": is_correct(q, ans)})
    n_correct = sum(r["correct"] for r in responses)
    score = round(n_correct / len(responses), 4)
    minutes = float(rng.uniform(0.6, 1.6)) * module.estimated_minutes
    return {"trainee_id": trainee, "department": department, "module_id": module.id,
            "module_version": module.version, "lang": "zh" if rng.random() < 0.3 else "en", "score": score,
            "passed": score >= module.pass_mark - 1e-9, "n_questions": len(responses), "n_correct": n_correct,
            "started_at": finished - dt.timedelta(minutes=round(minutes)), "finished_at": finished,
            "source": "simulated", "answers_json": json.dumps(answers, sort_keys=True), "responses": responses}


def simulate_cohort(store: str, users: pd.DataFrame, as_of: Any = None, *, seed: int = 7,
                    modules: list[str] | None = None, window_days: int = WINDOW_DAYS) -> int:
    """Write a SIMULATED, realistic cohort of attempts for the roster's active staff; returns the count."""
    rng = np.random.default_rng(seed)
    day = as_of_date(as_of)
    end = dt.datetime.combine(day, dt.time(17, 0))
    mods = [load_module(m) for m in modules] if modules else load_all()
    items = {m.id: {q.id: (float(rng.uniform(0.6, 2.2)), float(rng.normal(-1.0, 0.9))) for q in m.questions}
             for m in mods}
    staff = roster(users)
    dept_effect = {d: float(rng.normal(0, 0.35)) for d in sorted(staff["department"].unique())}
    rows: list[dict[str, Any]] = []
    cutoff = pd.Timestamp(day) - pd.Timedelta(days=window_days)
    for person in staff.itertuples():
        ability = float(rng.normal(0.3, 0.9)) + dept_effect[person.department]
        last = person.last_training_at
        recent = pd.notna(last) and last > cutoff
        if recent:
            anchor, share = pd.Timestamp(last).to_pydatetime(), 0.85
        elif pd.notna(last):
            anchor, share = pd.Timestamp(last).to_pydatetime(), 0.4
        else:
            if rng.random() < 0.5:
                continue  # never trained
            anchor, share = end - dt.timedelta(days=int(rng.integers(window_days + 30, window_days + 400))), 0.4
        for m in mods:
            if rng.random() > share:
                continue
            offset = dt.timedelta(days=int(rng.integers(0, 45)), minutes=int(rng.integers(0, 600)))
            finished = min(anchor - offset, end)
            if recent and finished <= cutoff.to_pydatetime():
                finished = anchor
            first = _attempt(m, person.user_id, person.department, ability, finished, items[m.id], rng)
            rows.append(first)
            if not first["passed"] and rng.random() < 0.7:  # most who fail retake within days
                later = min(finished + dt.timedelta(days=int(rng.integers(1, 10))), end)
                rows.append(_attempt(m, person.user_id, person.department, ability + 0.6, later, items[m.id], rng))
    rows.sort(key=lambda r: (r["finished_at"], r["trainee_id"], r["module_id"]))
    return record_many(store, rows) if rows else 0
