"""AC-004 / AC-005 as DuckDB SQL over the access log, out of core.

The log may be a pandas DataFrame (registered, zero-copy) or a Parquet/CSV file read straight
from disk, so 10M+ rows never need to sit in pandas. One scan aggregates read and export events
per (user, role, table, fields); the permission matrix from ``permissions.yaml`` becomes two
small tables (read grants, export grants) and the violations are anti-joins against them.
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
CANON = ("timestamp", "user_id", "action", "table", "fields")


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
        con.execute(f"""
            CREATE TEMP TABLE agg AS
            SELECT l.action, l.user_id, u.role, l.tbl, l.fields, count(*)::BIGINT AS n
            FROM (SELECT CAST(user_id AS VARCHAR) AS user_id, lower(CAST(action AS VARCHAR)) AS action,
                         lower(CAST("table" AS VARCHAR)) AS tbl, CAST(fields AS VARCHAR) AS fields
                  FROM {lg}
                  WHERE CAST("timestamp" AS TIMESTAMP) BETWEEN $start AND $end
                    AND lower(CAST(action AS VARCHAR)) IN ('read', 'export')) l
            LEFT JOIN (SELECT CAST(user_id AS VARCHAR) AS user_id, any_value(CAST(role AS VARCHAR)) AS role
                       FROM {us} GROUP BY 1) u ON l.user_id = u.user_id
            GROUP BY ALL""", {"start": pd.Timestamp(start).to_pydatetime(), "end": pd.Timestamp(end).to_pydatetime()})
        con.execute("""
            CREATE TEMP TABLE read_bad AS
            WITH combos AS (SELECT DISTINCT role, tbl, fields FROM agg WHERE action = 'read' AND fields IS NOT NULL),
            ex AS (SELECT role, tbl, fields, lower(trim(f)) AS field
                   FROM (SELECT role, tbl, fields, unnest(string_split(fields, ',')) AS f FROM combos)),
            -- equi-joins only (hash joins): exact grant, grant on table '*', '*' fields, '*' on '*'
            judged AS (SELECT ex.role, ex.tbl, ex.fields, ex.field,
                              (g1.role IS NOT NULL OR g2.role IS NOT NULL OR g3.role IS NOT NULL
                               OR g4.role IS NOT NULL) AS ok
                       FROM ex
                       LEFT JOIN (SELECT DISTINCT role, tbl, field FROM grants) g1
                              ON g1.role = ex.role AND g1.tbl = ex.tbl AND g1.field = ex.field
                       LEFT JOIN (SELECT DISTINCT role, field FROM grants WHERE tbl = '*') g2
                              ON g2.role = ex.role AND g2.field = ex.field
                       LEFT JOIN (SELECT DISTINCT role, tbl FROM grants WHERE field = '*') g3
                              ON g3.role = ex.role AND g3.tbl = ex.tbl
                       LEFT JOIN (SELECT DISTINCT role FROM grants WHERE tbl = '*' AND field = '*') g4
                              ON g4.role = ex.role
                       WHERE ex.field <> ''),
            bad AS (SELECT role, tbl, fields, string_agg(DISTINCT field, ',' ORDER BY field) AS denied
                    FROM judged WHERE NOT ok GROUP BY ALL)
            SELECT a.user_id, a.role, a.tbl AS "table", b.denied AS denied_fields, sum(a.n)::BIGINT AS events
            FROM agg a JOIN bad b
              ON a.action = 'read' AND a.role IS NOT DISTINCT FROM b.role AND a.tbl = b.tbl AND a.fields = b.fields
            GROUP BY ALL""")
        con.execute("""
            CREATE TEMP TABLE export_bad AS
            SELECT a.user_id, a.role, a.tbl AS "table", sum(a.n)::BIGINT AS events
            FROM agg a
            LEFT JOIN (SELECT DISTINCT role, tbl FROM xgrants) g1 ON g1.role = a.role AND g1.tbl = a.tbl
            LEFT JOIN (SELECT DISTINCT role FROM xgrants WHERE tbl = '*') g2 ON g2.role = a.role
            WHERE a.action = 'export' AND g1.role IS NULL AND g2.role IS NULL
            GROUP BY ALL""")
        tot = con.execute("""SELECT coalesce(sum(n) FILTER (WHERE action = 'read'), 0),
                                    coalesce(sum(n) FILTER (WHERE action = 'export'), 0) FROM agg""").fetchone()
        rb = con.execute("SELECT coalesce(sum(events), 0) FROM read_bad").fetchone()[0]
        xb = con.execute("SELECT coalesce(sum(events), 0) FROM export_bad").fetchone()[0]
        rev = con.execute(f"""SELECT * FROM read_bad ORDER BY events DESC, user_id, "table", denied_fields
                              LIMIT {int(evidence_rows)}""").df()
        xev = con.execute(f"""SELECT * FROM export_bad ORDER BY events DESC, user_id, "table"
                              LIMIT {int(evidence_rows)}""").df()
    finally:
        con.close()
    return LogViolations(int(tot[0]), int(rb), rev, int(tot[1]), int(xb), xev)
