"""AC-004 / AC-005 as DuckDB SQL over the access log, out of core.

The log may be a pandas DataFrame (registered, zero-copy) or a Parquet/CSV file read straight
from disk, so 10M+ rows never need to sit in pandas. One scan aggregates read and export events
per (role, table, fields) — few keys however long the log; the permission matrix from
``permissions.yaml`` becomes two small tables (read grants, export grants) judged with equi-joins
only (hash joins). A second, pre-filtered scan counts the violating events per user for the
evidence (top rows), only when there are violations.
Field matching: ``fields`` is comma-separated or ``*``; a ``*`` read means every field of the
table, so it is a violation unless the role reads ``*`` on that table (or on table ``*``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import pandas as pd

from ..config import Permissions

Source = Union[pd.DataFrame, str, Path]


@dataclass
class LogViolations:
    read_events: int  # read events in the window
    read_violations: int  # of which touch a field the role may not read
    read_evidence: pd.DataFrame  # user_id, role, table, denied_fields, events (top rows)
    export_events: int
    export_violations: int
    export_evidence: pd.DataFrame  # user_id, role, table, events (top rows)


def grant_frames(perms: Permissions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(read grants: role, tbl, field) and (export grants: role, tbl); ``*`` kept as a wildcard."""
    reads, exports = [], []
    for role, tables in sorted(perms.roles.items()):
        for tbl, p in sorted(tables.items()):
            fields = ["*"] if p.read == "*" else p.read
            reads += [(role, tbl.lower(), f.strip().lower()) for f in fields]
            if p.export:
                exports.append((role, tbl.lower()))
    return (pd.DataFrame(reads, columns=["role", "tbl", "field"], dtype="string"),
            pd.DataFrame(exports, columns=["role", "tbl"], dtype="string"))


def _relation(con, name: str, src: Source, columns: dict[str, str] | None) -> str:
    """Make ``src`` queryable as ``name`` with canonical column names; return the name."""
    if isinstance(src, pd.DataFrame):
        con.register(name, src)
        return name
    p = Path(src)
    reader = "read_parquet" if p.suffix.lower() in (".parquet", ".pq") else "read_csv_auto"
    path = str(p).replace("'", "''")
    cols = columns or {}
    if cols:  # canonical name <- source column, the rest kept as they are
        mapped = ", ".join(f'"{src_col}" AS "{canon}"' for canon, src_col in cols.items())
        excl = ", ".join(f'"{v}"' for v in cols.values())
        con.execute(f"CREATE VIEW {name} AS SELECT {mapped}, * EXCLUDE ({excl}) FROM {reader}('{path}')")
    else:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {reader}('{path}')")
    return name


def access_violations(log: Source, users: Source, permissions: Permissions, start: dt.datetime,
                      end: dt.datetime, *, log_columns: dict[str, str] | None = None,
                      evidence_rows: int = 20, threads: int | None = None) -> LogViolations:
    """Count reads of forbidden fields (AC-004) and exports without permission (AC-005).

    Events count when ``start <= timestamp <= end``. A user absent from ``users`` (or with no
    role, or a role absent from permissions) may read and export nothing.
    """
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        lg = _relation(con, "log_src", log, log_columns)
        us = _relation(con, "users_src", users, None)
        reads, exports = grant_frames(permissions)
        con.register("grants", reads)
        con.register("xgrants", exports)
        params = {"start": pd.Timestamp(start).to_pydatetime(), "end": pd.Timestamp(end).to_pydatetime()}
        # One scan: events per (action, role, table, fields). Few distinct keys however long the log.
        # A user missing from `users` gets role '' (no grants). Actions are the canonical lower-case ones.
        con.execute(f"""
            CREATE TEMP TABLE agg AS
            SELECT CAST(l.action AS VARCHAR) AS action, coalesce(u.role, '') AS role,
                   CAST(l."table" AS VARCHAR) AS tbl, CAST(l.fields AS VARCHAR) AS fields, count(*)::BIGINT AS n
            FROM {lg} l
            LEFT JOIN (SELECT CAST(user_id AS VARCHAR) AS user_id, any_value(CAST(role AS VARCHAR)) AS role
                       FROM {us} GROUP BY 1) u ON CAST(l.user_id AS VARCHAR) = u.user_id
            WHERE CAST(l."timestamp" AS TIMESTAMP) BETWEEN $start AND $end AND l.action IN ('read', 'export')
            GROUP BY ALL""", params)
        con.execute("""
            CREATE TEMP TABLE read_bad AS
            WITH ex AS (SELECT role, tbl, fields, lower(trim(f)) AS field
                        FROM (SELECT role, tbl, fields, unnest(string_split(fields, ',')) AS f
                              FROM agg WHERE action = 'read' AND fields IS NOT NULL)),
            -- equi-joins only (hash joins): exact grant, grant on table '*', '*' fields, '*' on '*'
            judged AS (SELECT ex.role, ex.tbl, ex.fields, ex.field,
                              (g1.role IS NOT NULL OR g2.role IS NOT NULL OR g3.role IS NOT NULL
                               OR g4.role IS NOT NULL) AS ok
                       FROM ex
                       LEFT JOIN (SELECT DISTINCT role, tbl, field FROM grants) g1
                              ON g1.role = ex.role AND g1.tbl = lower(ex.tbl) AND g1.field = ex.field
                       LEFT JOIN (SELECT DISTINCT role, field FROM grants WHERE tbl = '*') g2
                              ON g2.role = ex.role AND g2.field = ex.field
                       LEFT JOIN (SELECT DISTINCT role, tbl FROM grants WHERE field = '*') g3
                              ON g3.role = ex.role AND g3.tbl = lower(ex.tbl)
                       LEFT JOIN (SELECT DISTINCT role FROM grants WHERE tbl = '*' AND field = '*') g4
                              ON g4.role = ex.role
                       WHERE ex.field <> '')
            SELECT j.role, j.tbl, j.fields, string_agg(DISTINCT j.field, ',' ORDER BY j.field) AS denied,
                   any_value(a.n) AS n
            FROM judged j JOIN agg a ON a.action = 'read' AND a.role = j.role AND a.tbl = j.tbl AND a.fields = j.fields
            WHERE NOT j.ok GROUP BY j.role, j.tbl, j.fields""")
        con.execute("""
            CREATE TEMP TABLE export_bad AS
            SELECT a.role, a.tbl, sum(a.n)::BIGINT AS n
            FROM agg a
            LEFT JOIN (SELECT DISTINCT role, tbl FROM xgrants) g1 ON g1.role = a.role AND g1.tbl = lower(a.tbl)
            LEFT JOIN (SELECT DISTINCT role FROM xgrants WHERE tbl = '*') g2 ON g2.role = a.role
            WHERE a.action = 'export' AND g1.role IS NULL AND g2.role IS NULL
            GROUP BY ALL""")
        tot = con.execute("""SELECT coalesce(sum(n) FILTER (WHERE action = 'read'), 0),
                                    coalesce(sum(n) FILTER (WHERE action = 'export'), 0) FROM agg""").fetchone()
        rb = con.execute("SELECT coalesce(sum(n), 0) FROM read_bad").fetchone()[0]
        xb = con.execute("SELECT coalesce(sum(n), 0) FROM export_bad").fetchone()[0]
        # Evidence: a second scan, pre-filtered to the violating field lists / tables, per user (top rows).
        lim = int(evidence_rows)
        if rb or xb:
            con.execute(f"""
                CREATE TEMP TABLE suspect AS
                SELECT CAST(l.action AS VARCHAR) AS action, CAST(l.user_id AS VARCHAR) AS user_id,
                       coalesce(u.role, '') AS role, CAST(l."table" AS VARCHAR) AS tbl,
                       CAST(l.fields AS VARCHAR) AS fields, count(*)::BIGINT AS n
                FROM (SELECT * FROM {lg}
                      WHERE CAST("timestamp" AS TIMESTAMP) BETWEEN $start AND $end
                        AND ((action = 'read' AND CAST(fields AS VARCHAR) IN (SELECT fields FROM read_bad))
                          OR (action = 'export' AND CAST("table" AS VARCHAR) IN (SELECT tbl FROM export_bad)))) l
                LEFT JOIN (SELECT CAST(user_id AS VARCHAR) AS user_id, any_value(CAST(role AS VARCHAR)) AS role
                           FROM {us} GROUP BY 1) u ON CAST(l.user_id AS VARCHAR) = u.user_id
                GROUP BY ALL""", params)
        rev = con.execute(f"""
            SELECT s.user_id, nullif(s.role, '') AS role, s.tbl AS "table", b.denied AS denied_fields,
                   sum(s.n)::BIGINT AS events
            FROM suspect s JOIN read_bad b ON s.action = 'read' AND b.role = s.role AND b.tbl = s.tbl AND b.fields = s.fields
            GROUP BY ALL ORDER BY events DESC, s.user_id, "table", denied_fields LIMIT {lim}""").df() if rb else \
            _empty(["user_id", "role", "table", "denied_fields", "events"])
        xev = con.execute(f"""
            SELECT s.user_id, nullif(s.role, '') AS role, s.tbl AS "table", sum(s.n)::BIGINT AS events
            FROM suspect s JOIN export_bad b ON s.action = 'export' AND b.role = s.role AND b.tbl = s.tbl
            GROUP BY ALL ORDER BY events DESC, s.user_id, "table" LIMIT {lim}""").df() if xb else \
            _empty(["user_id", "role", "table", "events"])
    finally:
        con.close()
    return LogViolations(int(tot[0]), int(rb), rev, int(tot[1]), int(xb), xev)


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})

