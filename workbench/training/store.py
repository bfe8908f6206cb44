"""Results store: every attempt, in SQLite by default or any SQLAlchemy URL.

Concurrent trainees must not lose rows. For SQLite the store uses WAL journaling, a busy
timeout, ``BEGIN IMMEDIATE`` write transactions and retries with back-off on "database is
locked"; each attempt (header + per-question rows) is written in one transaction.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable

from ..errors import InputError
from .content import Module
from .grading import Result

T = TypeVar("T")
DEFAULT_STORE = "training_results.db"
ENV_STORE = "WORKBENCH_TRAINING_STORE"

metadata = sa.MetaData()
attempts_table = sa.Table(
    "training_attempts", metadata,
    sa.Column("attempt_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("trainee_id", sa.String(128), nullable=False),
    sa.Column("department", sa.String(128)),
    sa.Column("module_id", sa.String(128), nullable=False),
    sa.Column("module_version", sa.String(32), nullable=False),
    sa.Column("lang", sa.String(8)),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("n_questions", sa.Integer, nullable=False),
    sa.Column("n_correct", sa.Integer, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),  # widget | cli | notebook | simulated
    sa.Column("answers_json", sa.Text, nullable=False),
)
responses_table = sa.Table(
    "training_responses", metadata,
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("training_attempts.attempt_id"), primary_key=True),
    sa.Column("question_id", sa.String(128), primary_key=True),
    sa.Column("answer", sa.Text),
    sa.Column("correct", sa.Boolean, nullable=False),
)
_INDEXES = [sa.Index("ix_training_attempts_trainee", attempts_table.c.trainee_id),
            sa.Index("ix_training_attempts_module", attempts_table.c.module_id)]

_ENGINES: dict[str, sa.Engine] = {}
_READY: set[str] = set()
_LOCK = threading.Lock()


def _forget_engines() -> None:
    """In a forked child, never reuse the parent's pooled connections."""
    for engine in _ENGINES.values():
        engine.dispose(close=False)
    _ENGINES.clear()


os.register_at_fork(after_in_child=_forget_engines)


def forget(store: str | os.PathLike[str] | None) -> None:
    """Close pooled connections to ``store`` (call before deleting or replacing its file)."""
    url = store_url(store)
    with _LOCK:
        engine = _ENGINES.pop(url, None)
        _READY.discard(url)
    if engine is not None:
        engine.dispose()


def default_store() -> str:
    """``$WORKBENCH_TRAINING_STORE`` if set, else ``training_results.db`` in the working directory."""
    return os.environ.get(ENV_STORE) or DEFAULT_STORE


def store_url(store: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL for ``store``: a URL is kept, a file path becomes ``sqlite:///ABS_PATH``."""
    text = str(store) if store not in (None, "") else default_store()
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    if not path.parent.is_dir():
        raise InputError(f"results store {text}: folder {path.parent} does not exist",
                         "create the folder or pass another --store path/URL")
    return f"sqlite:///{path}"


def _sqlite_setup(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below drive transactions
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        for _ in range(50):  # switching to WAL (once per file: it persists) needs a moment alone with it
            try:
                if cur.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    cur.execute("PRAGMA journal_mode = WAL")
                break
            except Exception:  # sqlite3.OperationalError: database is locked
                time.sleep(0.05 + random.random() * 0.05)
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # writers take the lock up front (no read→write upgrade deadlocks); readers don't block anyone
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")


def engine_for(store: str | os.PathLike[str] | None = None) -> sa.Engine:
    """A cached engine for the store, with the schema created."""
    url = store_url(store)
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = sa.create_engine(url, connect_args={"timeout": 30})
                _sqlite_setup(engine)
            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            _ENGINES[url] = engine
    if url not in _READY:
        def create() -> None:
            with engine.begin() as conn:
                for table in metadata.sorted_tables:
                    conn.execute(CreateTable(table, if_not_exists=True))
                for index in _INDEXES:
                    conn.execute(CreateIndex(index, if_not_exists=True))
        _retry(create)
        _READY.add(url)
    return engine


def _retry(fn: Callable[[], T], attempts: int = 40) -> T:
    """Run ``fn``, retrying with jittered back-off while the database is locked or busy."""
    delay = 0.02
    for i in range(attempts):
        try:
            return fn()
        except OperationalError as e:
            text = str(e).lower()
            if i == attempts - 1 or not any(s in text for s in ("locked", "busy", "already exists")):
                raise
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


def _naive_utc(value: dt.datetime | None) -> dt.datetime:
    value = value or dt.datetime.now(dt.timezone.utc)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0)


def record_attempt(store: str | os.PathLike[str] | None, *, trainee: str, module: Module, result: Result,
                   department: str | None = None, started_at: dt.datetime | None = None,
                   finished_at: dt.datetime | None = None, lang: str = "en", source: str = "cli") -> int:
    """Write one graded attempt (header + one row per question) atomically; returns its id."""
    trainee = str(trainee).strip()
    if not trainee:
        raise InputError("trainee id is empty", "pass --trainee ID (the user_id of the staff roster)")
    finished = _naive_utc(finished_at)
    started = _naive_utc(started_at) if started_at else finished
    scope = result.correct + result.wrong
    header = dict(trainee_id=trainee, department=department or None, module_id=module.id,
                  module_version=module.version, lang=lang, score=float(result.score), passed=bool(result.passed),
                  n_questions=len(scope), n_correct=len(result.correct), started_at=started, finished_at=finished,
                  source=source, answers_json=json.dumps(result.answers, sort_keys=True, ensure_ascii=False))
    engine = engine_for(store)

    def write() -> int:
        with engine.begin() as conn:
            attempt_id = conn.execute(sa.insert(attempts_table).values(**header)).inserted_primary_key[0]
            rows = [dict(attempt_id=attempt_id, question_id=q,
                         answer=json.dumps(result.answers.get(q), ensure_ascii=False),
                         correct=q in set(result.correct)) for q in scope]
            conn.execute(sa.insert(responses_table), rows)
            return int(attempt_id)
    return _retry(write)


def record_many(store: str | os.PathLike[str] | None, rows: list[dict[str, Any]]) -> int:
    """Bulk-insert pre-built attempts (used by the cohort simulator); each row has ``responses``."""
    engine = engine_for(store)

    def write() -> int:
        with engine.begin() as conn:
            for row in rows:
                header = {k: v for k, v in row.items() if k != "responses"}
                attempt_id = conn.execute(sa.insert(attempts_table).values(**header)).inserted_primary_key[0]
                conn.execute(sa.insert(responses_table), [dict(r, attempt_id=attempt_id) for r in row["responses"]])
        return len(rows)
    return _retry(write)


def attempts(store: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every attempt, one row each, ordered by attempt id (``answers`` parsed from JSON)."""
    engine = engine_for(store)
    with engine.connect().execution_options(readonly=True) as conn:
        df = pd.read_sql(sa.select(attempts_table).order_by(attempts_table.c.attempt_id), conn)
    df["answers"] = df.pop("answers_json").map(json.loads)
    for col in ("started_at", "finished_at"):
        df[col] = pd.to_datetime(df[col])
    df["passed"] = df["passed"].astype(bool)
    return df


def responses(store: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per answered question: attempt, trainee, module, question, correct (bool)."""
    engine = engine_for(store)
    a, r = attempts_table, responses_table
    query = (sa.select(r.c.attempt_id, a.c.trainee_id, a.c.department, a.c.module_id, a.c.module_version,
                       a.c.score, a.c.finished_at, a.c.source, r.c.question_id, r.c.answer, r.c.correct)
             .join(a, a.c.attempt_id == r.c.attempt_id).order_by(r.c.attempt_id, r.c.question_id))
    with engine.connect().execution_options(readonly=True) as conn:
        df = pd.read_sql(query, conn)
    df["correct"] = df["correct"].astype(bool)
    df["finished_at"] = pd.to_datetime(df["finished_at"])
    return df
