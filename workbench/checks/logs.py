"""AC-004 / AC-005 as SQL over the dataset's ``access_log`` and ``users`` relations, in the engine.

The log never leaves the engine (DuckDB out of core, or Spark). One scan aggregates read and export events
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

import pandas as pd
import pyarrow as pa

from ..config import Permissions
from ..engine import Engine
from .base import ts_sql


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


LOG_AGG = "__log_agg"
ROLES = ("(SELECT CAST(user_id AS VARCHAR) AS user_id, any_value(CAST(role AS VARCHAR)) AS role "
         "FROM users GROUP BY 1)")


def log_aggregate(engine: Engine, start: dt.datetime, end: dt.datetime, *, has_fields: bool,
                  has_record_count: bool, bulk_records: int, has_roles: bool, has_users: bool = True,
                  has_table: bool = True, has_user_id: bool = True, has_action: bool = True) -> str:
    """One scan of the window's log into the few keys every log check needs: events per
    (action, role, table, fields, hour of day, bulk?, unknown user?). AC-004, AC-005, AC-007,
    DQ-002 and DQ-003 all answer from it; only evidence of a violation scans the log again."""
    fields = 'CAST(l.fields AS VARCHAR)' if has_fields else 'CAST(NULL AS VARCHAR)'
    bulk = f"coalesce(l.record_count, 0) >= {int(bulk_records)}" if has_record_count else "FALSE"
    users = ROLES if has_roles else "(SELECT DISTINCT CAST(user_id AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) AS role FROM users)"
    if not has_users:
        users = "(SELECT CAST(NULL AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) AS role)"
    uid = "CAST(l.user_id AS VARCHAR)" if has_user_id else "CAST(NULL AS VARCHAR)"
    tbl = 'CAST(l."table" AS VARCHAR)' if has_table else "CAST(NULL AS VARCHAR)"
    action = "CAST(l.action AS VARCHAR)" if has_action else "CAST(NULL AS VARCHAR)"
    engine.materialise(LOG_AGG, f"""
        SELECT {action} AS action, coalesce(u.role, '') AS role,
               {tbl} AS tbl, {fields} AS fields, hour(l."timestamp") AS h, {bulk} AS bulk,
               ({uid} IS NOT NULL AND u.user_id IS NULL) AS unknown_user, count(*) AS n
        FROM access_log l LEFT JOIN {users} u ON {uid} = u.user_id
        WHERE CAST(l."timestamp" AS TIMESTAMP) BETWEEN {ts_sql(start)} AND {ts_sql(end)}
        GROUP BY 1, 2, 3, 4, 5, 6, 7""")
    return LOG_AGG


def access_violations(engine: Engine, permissions: Permissions, start: dt.datetime, end: dt.datetime, *,
                      has_fields: bool = True, evidence_rows: int = 20, agg: str | None = None) -> LogViolations:
    """Count reads of forbidden fields (AC-004) and exports without permission (AC-005).

    Reads the engine's ``access_log`` and ``users`` relations. Events count when
    ``start <= timestamp <= end``. A user absent from ``users`` (or with no role, or a role absent
    from permissions) may read and export nothing.
    """
    reads, exports = grant_frames(permissions)
    engine.register_arrow("__ac_grants", pa.Table.from_pandas(reads, preserve_index=False))
    engine.register_arrow("__ac_xgrants", pa.Table.from_pandas(exports, preserve_index=False))
    fields = 'CAST(l.fields AS VARCHAR)' if has_fields else 'CAST(NULL AS VARCHAR)'
    window = f"CAST(l.timestamp AS TIMESTAMP) BETWEEN {ts_sql(start)} AND {ts_sql(end)}"
    try:
        # One scan: events per (action, role, table, fields). Few distinct keys however long the log.
        # A user missing from `users` gets role '' (no grants). Actions are the canonical lower-case ones.
        source = agg or log_aggregate(engine, start, end, has_fields=has_fields, has_record_count=False,
                                      bulk_records=0, has_roles=True)
        engine.materialise("__ac_agg", f"""
            SELECT action, role, tbl, fields, sum(n) AS n FROM {source}
            WHERE action IN ('read', 'export') GROUP BY 1, 2, 3, 4""")
        engine.materialise("__ac_read_bad", """
            WITH ex AS (SELECT role, tbl, fields, lower(trim(f)) AS field
                        FROM (SELECT role, tbl, fields, unnest(string_split(fields, ',')) AS f
                              FROM __ac_agg WHERE action = 'read' AND fields IS NOT NULL) s),
            -- equi-joins only (hash joins): exact grant, grant on table '*', '*' fields, '*' on '*'
            judged AS (SELECT ex.role, ex.tbl, ex.fields, ex.field,
                              (g1.role IS NOT NULL OR g2.role IS NOT NULL OR g3.role IS NOT NULL
                               OR g4.role IS NOT NULL) AS ok
                       FROM ex
                       LEFT JOIN (SELECT DISTINCT role, tbl, field FROM __ac_grants) g1
                              ON g1.role = ex.role AND g1.tbl = lower(ex.tbl) AND g1.field = ex.field
                       LEFT JOIN (SELECT DISTINCT role, field FROM __ac_grants WHERE tbl = '*') g2
                              ON g2.role = ex.role AND g2.field = ex.field
                       LEFT JOIN (SELECT DISTINCT role, tbl FROM __ac_grants WHERE field = '*') g3
                              ON g3.role = ex.role AND g3.tbl = lower(ex.tbl)
                       LEFT JOIN (SELECT DISTINCT role FROM __ac_grants WHERE tbl = '*' AND field = '*') g4
                              ON g4.role = ex.role
                       WHERE ex.field <> '')
            SELECT j.role, j.tbl, j.fields, array_to_string(list_sort(list_distinct(list(j.field))), ',') AS denied,
                   any_value(a.n) AS n
            FROM judged j JOIN __ac_agg a ON a.action = 'read' AND a.role = j.role AND a.tbl = j.tbl AND a.fields = j.fields
            WHERE NOT j.ok GROUP BY j.role, j.tbl, j.fields""")
        engine.materialise("__ac_export_bad", """
            SELECT a.role, a.tbl, sum(a.n) AS n
            FROM __ac_agg a
            LEFT JOIN (SELECT DISTINCT role, tbl FROM __ac_xgrants) g1 ON g1.role = a.role AND g1.tbl = lower(a.tbl)
            LEFT JOIN (SELECT DISTINCT role FROM __ac_xgrants WHERE tbl = '*') g2 ON g2.role = a.role
            WHERE a.action = 'export' AND g1.role IS NULL AND g2.role IS NULL
            GROUP BY a.role, a.tbl""")
        tot = engine.row("""SELECT coalesce(sum(CASE WHEN action = 'read' THEN n END), 0),
                                   coalesce(sum(CASE WHEN action = 'export' THEN n END), 0) FROM __ac_agg""")
        rb = int(engine.scalar("SELECT coalesce(sum(n), 0) FROM __ac_read_bad"))
        xb = int(engine.scalar("SELECT coalesce(sum(n), 0) FROM __ac_export_bad"))
        # Evidence: a second scan, pre-filtered to the violating field lists / tables, per user (top rows).
        lim = int(evidence_rows)
        if rb or xb:
            engine.materialise("__ac_suspect", f"""
                SELECT CAST(l.action AS VARCHAR) AS action, CAST(l.user_id AS VARCHAR) AS user_id,
                       coalesce(u.role, '') AS role, CAST(l."table" AS VARCHAR) AS tbl,
                       {fields} AS fields, count(*) AS n
                FROM access_log l LEFT JOIN {ROLES} u ON CAST(l.user_id AS VARCHAR) = u.user_id
                WHERE {window}
                  AND ((l.action = 'read' AND {fields} IN (SELECT fields FROM __ac_read_bad))
                    OR (l.action = 'export' AND CAST(l."table" AS VARCHAR) IN (SELECT tbl FROM __ac_export_bad)))
                GROUP BY 1, 2, 3, 4, 5""")
        rev = engine.frame(f"""
            SELECT s.user_id, nullif(s.role, '') AS role, s.tbl AS "table", b.denied AS denied_fields,
                   sum(s.n) AS events
            FROM __ac_suspect s JOIN __ac_read_bad b ON s.action = 'read' AND b.role = s.role AND b.tbl = s.tbl AND b.fields = s.fields
            GROUP BY 1, 2, 3, 4 ORDER BY events DESC, 1, 3, 4 LIMIT {lim}""") if rb else \
            _empty(["user_id", "role", "table", "denied_fields", "events"])
        xev = engine.frame(f"""
            SELECT s.user_id, nullif(s.role, '') AS role, s.tbl AS "table", sum(s.n) AS events
            FROM __ac_suspect s JOIN __ac_export_bad b ON s.action = 'export' AND b.role = s.role AND b.tbl = s.tbl
            GROUP BY 1, 2, 3 ORDER BY events DESC, 1, 3 LIMIT {lim}""") if xb else \
            _empty(["user_id", "role", "table", "events"])
    finally:
        for name in ("__ac_suspect", "__ac_export_bad", "__ac_read_bad", "__ac_agg", "__ac_xgrants", "__ac_grants"):
            engine.drop(name)
        if agg is None:
            engine.drop(LOG_AGG)
    for df in (rev, xev):
        if "events" in df and len(df):
            df["events"] = df["events"].astype("int64")
    return LogViolations(int(tot[0]), rb, rev, int(tot[1]), xb, xev)


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})

