"""Results store: round trip, any SQLAlchemy URL, and 20 concurrent writers on one SQLite file."""
from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.training import answer_key, attempts, grade, load_module, record_attempt, responses, store_url


def test_round_trip_records_everything(tmp_path: Path) -> None:
    m = load_module("access-control")
    result = grade(m, dict(answer_key(m), **{"ac-02": ["a"]}))
    start = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)
    aid = record_attempt(tmp_path / "r.db", trainee="U00042", department="Sales", module=m, result=result,
                         started_at=start, finished_at=start + dt.timedelta(minutes=14), lang="zh", source="widget")
    df = attempts(tmp_path / "r.db")
    row = df.iloc[0]
    assert row.attempt_id == aid
    assert (row.trainee_id, row.department, row.module_id, row.module_version) == ("U00042", "Sales", m.id, "1.0")
    assert row.started_at == dt.datetime(2026, 9, 1, 9, 0) and row.finished_at == dt.datetime(2026, 9, 1, 9, 14)
    assert row.score == result.score == 0.875 and bool(row.passed) is result.passed is True
    assert row.answers["ac-02"] == ["a"] and row.n_questions == 8 and row.n_correct == 7
    per_q = responses(tmp_path / "r.db")
    assert len(per_q) == 8 and per_q.set_index("question_id").loc["ac-02", "correct"] == False  # noqa: E712


def test_store_accepts_urls_and_checks_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    assert store_url(url) == url
    assert store_url(tmp_path / "x.db") == f"sqlite:///{(tmp_path / 'x.db').resolve()}"
    m = load_module("access-control")
    record_attempt(url, trainee="U1", module=m, result=grade(m, {}))
    assert len(attempts(url)) == 1
    with pytest.raises(InputError, match="does not exist"):
        store_url(tmp_path / "no" / "such" / "dir.db")
    with pytest.raises(InputError, match="trainee id is empty"):
        record_attempt(url, trainee=" ", module=m, result=grade(m, {}))


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    m = load_module("access-control")
    record_attempt(tmp_path / "w.db", trainee="U1", module=m, result=grade(m, {}))
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _writer(args: tuple[str, int, object]) -> int:
    path, i, barrier = args
    from workbench.training import answer_key, grade, load_module, record_attempt

    m = load_module("case-bank-crm-leak")
    result = grade(m, answer_key(m) if i % 2 else {})
    barrier.wait()  # everyone writes at the same moment, on a fresh file
    return record_attempt(path, trainee=f"U{i:05d}", department="Dept", module=m, result=result, source="test")


def test_twenty_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "concurrent.db")
    ctx = mp.get_context("fork")  # separate processes; fork skips 20 re-imports on 2 cores
    with ctx.Manager() as manager:
        barrier = manager.Barrier(20)
        with ctx.Pool(20) as pool:
            ids = pool.map(_writer, [(path, i, barrier) for i in range(20)])
    assert len(set(ids)) == 20
    df = attempts(path)
    assert len(df) == 20
    assert sorted(df["trainee_id"]) == [f"U{i:05d}" for i in range(20)]
    assert len(responses(path)) == 20 * len(load_module("case-bank-crm-leak").questions)
    assert set(df["score"]) == {0.0, 1.0}
