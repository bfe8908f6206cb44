"""Results store: every attempt, in SQLite by default or any SQLAlchemy URL.

Concurrent trainees must not lose rows. For SQLite the store uses WAL journaling, a busy
timeout, ``BEGIN IMMEDIATE`` write transactions and retries with back-off on "database is
locked"; each attempt (header + per-question rows) is written in one transaction.

Production (issue 16): the schema is created once (``workbench store init`` / :func:`init_store`);
afterwards writers only look the tables up in the catalog, so a database role allowed to INSERT
and SELECT but not to run DDL works. No connection is pooled: each write opens one and closes it,
so hundreds of idle trainee kernels hold no database connection. A failed write raises
:class:`StoreError` (password redacted) so the app can keep the answers and offer a retry.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateIndex, CreateTable

from ..errors import InputError, WorkbenchError
from ..redaction import redact_url
from .content import Module
from .grading import Result

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
MODES = ("exam", "practice")


class StoreError(WorkbenchError):
    """The results store could not be reached or written (exit 1); the message never shows a password."""


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
    # exam: the score of record may come from it; practice: answers were shown (instant feedback or a
    # retry after the result page) and it never counts. NULL in stores written before issue 16 = exam.
    sa.Column("mode", sa.String(16)),
    # how the trainee id was established: jupyterhub | proxy-header | server-user | self-declared | cli …
    sa.Column("identity", sa.String(32)),
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
        raise InputError.of("error.store.folder", store=text, path=path.parent)
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


def _engine(url: str) -> sa.Engine:
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            try:
                # NullPool: a connection lives for one read or write, then it is closed (no idle kernel
                # keeps a server connection; a pool can never be exhausted by idle trainees)
                if url.startswith("sqlite"):
                    engine = sa.create_engine(url, connect_args={"timeout": 30}, poolclass=NullPool)
                    _sqlite_setup(engine)
                else:
                    engine = sa.create_engine(url, poolclass=NullPool)
            except (SQLAlchemyError, ImportError, ValueError) as e:
                raise InputError.of("error.store.url", store=redact_url(url), kind=type(e).__name__,
                                    detail=_first_line(e)) from None
            _ENGINES[url] = engine
    return engine


def _first_line(e: BaseException) -> str:
    return " ".join(str(getattr(e, "orig", None) or e).split())[:200]


def _missing(conn: sa.Connection) -> tuple[list[sa.Table], dict[str, list[sa.Column]]]:
    """Tables absent from the database, and columns absent from tables that exist (catalog reads only)."""
    insp = sa.inspect(conn)
    absent, columns = [], {}
    for table in metadata.sorted_tables:
        if not insp.has_table(table.name):
            absent.append(table)
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        lacking = [c for c in table.columns if c.name not in have]
        if lacking:
            columns[table.name] = lacking
    return absent, columns


def _create(conn: sa.Connection, absent: list[sa.Table], columns: dict[str, list[sa.Column]]) -> list[str]:
    done = []
    for table in absent:
        conn.execute(CreateTable(table, if_not_exists=True))
        done.append(f"created table {table.name}")
    for index in _INDEXES:
        if index.table in absent:
            conn.execute(CreateIndex(index, if_not_exists=True))
    for name, cols in columns.items():  # migration of a store written before these columns existed
        for col in cols:
            conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN {col.name} "
                                 f"{col.type.compile(dialect=conn.dialect)}")
            done.append(f"added column {name}.{col.name}")
    return done


def init_store(store: str | os.PathLike[str] | None = None) -> list[str]:
    """Create (or migrate) the schema; run once by an owner role. Returns what was done ([] if nothing)."""
    url = store_url(store)
    engine = _engine(url)

    def run() -> list[str]:
        with engine.begin() as conn:
            return _create(conn, *_missing(conn))
    try:
        done = _retry(run)
    except SQLAlchemyError as e:
        raise StoreError.of("error.store.schema", url=redact_url(url), detail=_first_line(e)) from None
    _READY.add(url)
    return done


def engine_for(store: str | os.PathLike[str] | None = None) -> sa.Engine:
    """A cached engine for the store. The schema is only looked up in the catalog; it is created here
    only when it is missing (a fresh SQLite file), so an insert-only role never runs DDL."""
    url = store_url(store)
    engine = _engine(url)
    if url not in _READY:
        def check() -> None:
            with engine.connect() as conn:
                absent, columns = _missing(conn)
            if absent or columns:
                try:
                    with engine.begin() as conn:
                        _create(conn, *_missing(conn))
                except SQLAlchemyError as e:
                    raise StoreError.of("error.store.outdated", url=redact_url(url), detail=_first_line(e)) from None
        try:
            _retry(check)
        except StoreError:
            raise
        except SQLAlchemyError as e:
            raise StoreError.of("error.store.connect", url=redact_url(url), detail=_first_line(e)) from None
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


@dataclass(frozen=True)
class Saved:
    """What :func:`save_attempt` stored: the attempt's id and its mode (``practice`` when an exam
    attempt met the ``max_attempts`` cap)."""

    attempt_id: int
    mode: str


def _exam_count(conn: sa.Connection, trainee: str, module_id: str, since: dt.datetime | None = None) -> int:
    a = attempts_table
    query = (sa.select(sa.func.count()).select_from(a)
             .where(a.c.trainee_id == trainee, a.c.module_id == module_id,
                    sa.or_(a.c.mode.is_(None), a.c.mode == "exam")))
    if since is not None:
        query = query.where(a.c.finished_at >= _naive_utc(since))
    return int(conn.execute(query).scalar_one())


def _lock_trainee(conn: sa.Connection, trainee: str, module_id: str) -> None:
    """PostgreSQL (READ COMMITTED): serialise writers of one trainee × module until commit; SQLite's
    ``BEGIN IMMEDIATE`` already serialises every writer."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"{trainee}|{module_id}".encode()).digest()[:8], "big", signed=True)
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def save_attempt(store: str | os.PathLike[str] | None, *, trainee: str, module: Module, result: Result,
                 department: str | None = None, started_at: dt.datetime | None = None,
                 finished_at: dt.datetime | None = None, lang: str = "en", source: str = "cli",
                 mode: str = "exam", identity: str | None = None, max_attempts: int | None = None) -> Saved:
    """Write one graded attempt (header + one row per question) atomically. ``max_attempts`` caps exam
    attempts per trainee and module where the attempt is stored (count and insert in one write
    transaction: no second tab or typed id gets past it); an exam beyond the cap is stored as practice.
    Raises :class:`StoreError` when the store cannot be reached or written; nothing is half-written."""
    if mode not in MODES:
        raise InputError.of("error.store.mode", value=mode, known=list(MODES))
    if max_attempts is not None and max_attempts < 1:
        raise InputError.of("error.store.max_attempts", value=max_attempts)
    trainee = str(trainee).strip()
    if not trainee:
        raise InputError.of("error.store.trainee")
    finished = _naive_utc(finished_at)
    started = _naive_utc(started_at) if started_at else finished
    scope = result.correct + result.wrong
    header = dict(trainee_id=trainee, department=department or None, module_id=module.id,
                  module_version=module.version, lang=lang, score=float(result.score), passed=bool(result.passed),
                  n_questions=len(scope), n_correct=len(result.correct), started_at=started, finished_at=finished,
                  source=source, answers_json=json.dumps(result.answers, sort_keys=True, ensure_ascii=False),
                  mode=mode, identity=identity)
    url = store_url(store)
    engine = engine_for(url)

    def write() -> Saved:
        with engine.begin() as conn:
            stored = header["mode"]
            if stored == "exam" and max_attempts is not None:
                _lock_trainee(conn, trainee, module.id)
                if _exam_count(conn, trainee, module.id) >= max_attempts:
                    stored = "practice"
            attempt_id = conn.execute(sa.insert(attempts_table).values(**{**header, "mode": stored})
                                      ).inserted_primary_key[0]
            rows = [dict(attempt_id=attempt_id, question_id=q,
                         answer=json.dumps(result.answers.get(q), ensure_ascii=False),
                         correct=q in set(result.correct)) for q in scope]
            conn.execute(sa.insert(responses_table), rows)
            return Saved(int(attempt_id), stored)
    try:
        return _retry(write)
    except SQLAlchemyError as e:
        raise StoreError.of("error.store.not_saved", url=redact_url(url), detail=_first_line(e)) from None


def record_attempt(store: str | os.PathLike[str] | None, **kwargs: Any) -> int:
    """:func:`save_attempt`, returning only the attempt's id."""
    return save_attempt(store, **kwargs).attempt_id


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


def attempts(store: str | os.PathLike[str] | None = None) -> "pd.DataFrame":
    """Every attempt, one row each, ordered by attempt id (``answers`` parsed from JSON)."""
    import pandas as pd

    engine = engine_for(store)
    with engine.connect().execution_options(readonly=True) as conn:
        df = pd.read_sql(sa.select(attempts_table).order_by(attempts_table.c.attempt_id), conn)
    df["answers"] = df.pop("answers_json").map(json.loads)
    for col in ("started_at", "finished_at"):
        df[col] = pd.to_datetime(df[col])
    df["passed"] = df["passed"].astype(bool)
    df["mode"] = df["mode"].fillna("exam")
    return df


def exam_attempts_count(store: str | os.PathLike[str] | None, trainee: str, module_id: str,
                        since: dt.datetime | None = None) -> int:
    """How many exam attempts ``trainee`` already recorded for ``module_id`` (for an attempt cap)."""
    with engine_for(store).connect().execution_options(readonly=True) as conn:
        return _exam_count(conn, trainee, module_id, since)


def attempts_of_record(store_or_attempts: Any) -> "pd.DataFrame":
    """The score of record per trainee × module: the first complete exam attempt (practice never counts,
    so a retry after the answers were shown can never turn a fail into a pass)."""
    df = store_or_attempts if hasattr(store_or_attempts, "columns") else attempts(store_or_attempts)
    mode = df["mode"].fillna("exam") if "mode" in df else "exam"
    exams = df[mode == "exam"].sort_values(["finished_at", "attempt_id"])
    return exams.drop_duplicates(["trainee_id", "module_id"], keep="first").sort_values("attempt_id").reset_index(drop=True)


def responses(store: str | os.PathLike[str] | None = None) -> "pd.DataFrame":
    """One row per answered question: attempt, trainee, module, question, correct (bool)."""
    import pandas as pd

    engine = engine_for(store)
    a, r = attempts_table, responses_table
    query = (sa.select(r.c.attempt_id, a.c.trainee_id, a.c.department, a.c.module_id, a.c.module_version,
                       a.c.score, a.c.finished_at, a.c.source, a.c.mode, r.c.question_id, r.c.answer, r.c.correct)
             .join(a, a.c.attempt_id == r.c.attempt_id).order_by(r.c.attempt_id, r.c.question_id))
    with engine.connect().execution_options(readonly=True) as conn:
        df = pd.read_sql(query, conn)
    df["correct"] = df["correct"].astype(bool)
    df["finished_at"] = pd.to_datetime(df["finished_at"])
    return df
