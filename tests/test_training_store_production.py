"""The store in production (issue 16): schema created once, insert-only roles, no idle connections,
failed writes reported without secrets — on SQLite and on a real PostgreSQL (skipped without one)."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from _pg import fresh_database, insert_only_role
from conftest import run_cli
from workbench.training import answer_key, grade, load_module
from workbench.training.store import (StoreError, attempts, attempts_of_record, engine_for, forget, init_store,
                                      record_attempt)

M = load_module("access-control")


def _record(store: str, trainee: str, passed: bool, mode: str = "exam") -> int:
    result = grade(M, answer_key(M) if passed else {})
    return record_attempt(store, trainee=trainee, department="IT", module=M, result=result, mode=mode,
                          identity="proxy-header", source="test")


def test_store_init_cli_creates_once_and_migrates_an_old_sqlite_store(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:  # a store written before the mode/identity columns existed
        conn.execute("CREATE TABLE training_attempts (attempt_id INTEGER PRIMARY KEY, trainee_id VARCHAR(128) NOT NULL,"
                     " department VARCHAR(128), module_id VARCHAR(128) NOT NULL, module_version VARCHAR(32) NOT NULL,"
                     " lang VARCHAR(8), score FLOAT NOT NULL, passed BOOLEAN NOT NULL, n_questions INTEGER NOT NULL,"
                     " n_correct INTEGER NOT NULL, started_at DATETIME NOT NULL, finished_at DATETIME NOT NULL,"
                     " source VARCHAR(32) NOT NULL, answers_json TEXT NOT NULL)")
        conn.execute("INSERT INTO training_attempts VALUES (1,'U1',NULL,'access-control','1.0','en',0.5,0,8,4,"
                     "'2026-01-01 10:00:00','2026-01-01 10:10:00','widget','{}')")
    first = run_cli("store", "init", "--store", str(db))
    assert first.returncode == 0, first.stderr
    assert "added column training_attempts.mode" in first.stdout and "created table training_responses" in first.stdout
    again = run_cli("store", "init", "--store", str(db))
    assert again.returncode == 0 and "schema already up to date" in again.stdout
    forget(str(db))
    df = attempts(str(db))
    assert list(df["mode"]) == ["exam"]  # legacy rows count as exam attempts


def test_first_exam_attempt_is_the_score_of_record_sqlite(tmp_path: Path) -> None:
    store = str(tmp_path / "r.db")
    _record(store, "U1", passed=False)
    _record(store, "U1", passed=True, mode="practice")  # a retry after answers were shown
    _record(store, "U1", passed=True)  # a second exam: still not the record
    _record(store, "U2", passed=True)
    rec = attempts_of_record(store).set_index("trainee_id")
    assert bool(rec.loc["U1", "passed"]) is False and bool(rec.loc["U2", "passed"]) is True
    assert len(rec) == 2


def test_unreachable_store_raises_store_error_without_password() -> None:
    url = "postgresql://trainer:Sup3rSecret@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError) as info:
        _record(url, "U1", passed=True)
    assert "Sup3rSecret" not in str(info.value) and "***" in str(info.value)
    forget(url)


def test_postgres_init_insert_only_role_no_idle_connection_and_concurrency() -> None:
    with fresh_database() as owner_url:
        done = init_store(owner_url)
        assert "created table training_attempts" in done
        assert init_store(owner_url) == []  # once
        with insert_only_role(owner_url) as writer_url:
            app_url = writer_url + "?application_name=wb_store_test"
            # 20 trainees finishing at the same moment through the insert-only role
            barrier = threading.Barrier(20)
            ids: list[int] = []

            def trainee(i: int) -> None:
                barrier.wait()
                ids.append(_record(app_url, f"U{i:05d}", passed=i % 2 == 0))
            threads = [threading.Thread(target=trainee, args=(i,)) for i in range(20)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(set(ids)) == 20
            # the connection is released after each write: none left open by this process
            with sa.create_engine(owner_url, poolclass=sa.pool.NullPool).connect() as conn:
                open_conns = conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity "
                                                  "WHERE application_name = 'wb_store_test'").scalar_one()
            assert open_conns == 0
            # the insert-only role cannot create tables: init with it fails with a hint, password hidden
            with pytest.raises(StoreError) as info:
                init_store(writer_url.rsplit("/", 1)[0] + "/" + owner_url.rsplit("/", 1)[1] + "?options=-csearch_path%3Dnew")
            assert "s3cret" not in str(info.value)
        rec = attempts_of_record(owner_url)
        assert len(rec) == 20 and int(rec["passed"].sum()) == 10
        assert set(attempts(owner_url)["identity"]) == {"proxy-header"}


def test_postgres_writer_without_schema_is_told_to_run_store_init() -> None:
    with fresh_database() as owner_url, insert_only_role(owner_url) as writer_url:
        with pytest.raises(StoreError, match="store init"):
            engine_for(writer_url)
