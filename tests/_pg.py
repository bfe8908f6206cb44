"""A throw-away PostgreSQL database per test, on the server that .ci/run starts (Debian's postgresql).

``WORKBENCH_TEST_PG_URL`` names an account allowed to create databases and roles (default: the
``workbench`` role that .ci/run creates). Tests skip, with one line saying why, when no server answers.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get("WORKBENCH_TEST_PG_URL", "postgresql://workbench:workbench@127.0.0.1:5432/postgres")


def _admin():
    import sqlalchemy as sa

    return sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def available() -> str | None:
    """None when a server answers, else the reason to skip."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg (PostgreSQL driver) is not installed"
    try:
        with _admin().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as e:  # noqa: BLE001
        return f"no PostgreSQL server at {ADMIN_URL.split('@')[-1]} ({type(e).__name__}): .ci/run starts one"
    return None


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its URL (admin account), drop it afterwards."""
    reason = available()
    if reason:
        pytest.skip(reason)
    name = f"wb_test_{uuid.uuid4().hex[:10]}"
    engine = _admin()
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from workbench.training.store import forget

        forget(f"{base}/{name}")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def insert_only_role(db_url: str) -> Iterator[str]:
    """A login role that may INSERT and SELECT the store's tables but not create anything; yields its URL."""
    import sqlalchemy as sa

    role = f"wb_ins_{uuid.uuid4().hex[:8]}"
    db = db_url.rsplit("/", 1)[1]
    admin = sa.create_engine(db_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD 's3cret-{role}'")
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{db}" TO {role}')
        conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.exec_driver_sql(f"GRANT INSERT, SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    host = db_url.split("@", 1)[1]
    try:
        yield f"postgresql://{role}:s3cret-{role}@{host}"
    finally:
        from workbench.training.store import forget

        forget(f"postgresql://{role}:s3cret-{role}@{host}")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
            conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
            conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}")
            conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA public FROM {role}")
            conn.exec_driver_sql(f'REVOKE ALL ON DATABASE "{db}" FROM {role}')
            conn.exec_driver_sql(f"DROP ROLE {role}")
