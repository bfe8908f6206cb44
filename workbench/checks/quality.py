"""Data-quality checks (DQ-*): references the assessment cannot resolve, counted instead of silent.

A user whose role permissions.yaml does not define reads nothing under AC-004, and a log event
from an unknown account matches no role: both would inflate the access findings without a word.
These checks say how much of the input could not be resolved. Log checks look at the window.
"""
from __future__ import annotations

import pandas as pd

from ..engine import lit, q
from ..referential import DERIVED
from ..schema import CANONICAL
from .base import EVIDENCE_ROWS, CheckContext, Finding, check, insufficient, log_names, masked, measured


@check("DQ-001")
def undefined_roles(ctx: CheckContext) -> Finding:
    """Accounts whose role is not defined in permissions.yaml. Unit: accounts; total = accounts with a role."""
    cid = "DQ-001"
    why = ctx.missing("users", "user_id", "role")
    if why:
        return insufficient(cid, why)
    if ctx.permissions is None:
        return insufficient(cid, "no permissions.yaml: roles cannot be resolved")
    users = ctx.table("users")
    scoped = users[users["role"].notna()]
    bad = scoped[~scoped["role"].isin(sorted(ctx.permissions.roles)).astype(bool)]
    ev = bad.groupby("role", dropna=True).size().rename("accounts").reset_index().sort_values(
        ["accounts", "role"], ascending=[False, True]) if len(bad) else pd.DataFrame()
    return measured(cid, len(bad), len(scoped), ev, note=f"roles defined: {len(ctx.permissions.roles)}")


def _window(ctx: CheckContext) -> str:
    return f"timestamp BETWEEN {ctx.start_sql} AND {ctx.now_sql}"


@check("DQ-002")
def unknown_log_users(ctx: CheckContext) -> Finding:
    """Access-log events in the window by a user id absent from the users table. Unit: log events."""
    cid = "DQ-002"
    why = ctx.missing("access_log", "timestamp", "user_id") or ctx.missing("users", "user_id")
    if why:
        return insufficient(cid, why)
    from .access import shared_log

    n = ctx.sql(f"SELECT coalesce(sum(n) FILTER (WHERE unknown_user), 0) AS a, coalesce(sum(n), 0) AS t "
                f"FROM {shared_log(ctx)}")
    affected, total = int(n["a"].iat[0]), int(n["t"].iat[0])
    ev = None
    if affected:  # the log itself, again, only to name the unknown ids (an anti-join: Spark allows
        # no subquery inside an aggregate's FILTER)
        ev = masked(ctx.sql(
            f"SELECT l.user_id, count(*) AS events FROM access_log l LEFT JOIN (SELECT DISTINCT user_id FROM users) u "
            f"ON l.user_id = u.user_id WHERE l.{_window(ctx)} AND l.user_id IS NOT NULL AND u.user_id IS NULL "
            f"GROUP BY 1 ORDER BY events DESC, l.user_id LIMIT {EVIDENCE_ROWS}"), {"user_id": "staff_id"})
    return measured(cid, affected, total, ev)


@check("DQ-003")
def unknown_log_fields(ctx: CheckContext) -> Finding:
    """Read and export events in the window naming a table, or a field of a table, that is neither
    in the dataset nor canonical (``*`` counts as known). Unit: log events."""
    cid = "DQ-003"
    why = ctx.missing("access_log", "timestamp", "action", "table", "fields")
    if why:
        return insufficient(cid, why)
    from .access import shared_log

    known = sorted({(t, c) for t in set(CANONICAL) | set(ctx.dataset.columns)
                    for c in set(CANONICAL.get(t, {})) | set(ctx.dataset.columns.get(t, [])) if c not in DERIVED})
    tables = ", ".join(lit(t) for t in sorted({t for t, _ in known}))
    pairs = ", ".join(f"({lit(t)}, {lit(c)})" for t, c in known)
    # judged on the few distinct (table, fields) keys of the window, as AC-004 does
    bad_keys = f"""
        WITH agg AS (SELECT tbl, coalesce(fields, '') AS fields, sum(n) AS n FROM {shared_log(ctx)}
                     WHERE action IN ('read', 'export') AND tbl IS NOT NULL GROUP BY 1, 2),
        ex AS (SELECT tbl, fields, lower(trim(f)) AS field
               FROM (SELECT tbl, fields, unnest(string_split(fields, ',')) AS f FROM agg) s),
        known AS (SELECT * FROM (VALUES {pairs}) k(t, c)),
        bad AS (SELECT tbl, fields FROM agg WHERE lower(tbl) NOT IN ({tables})
                UNION
                SELECT ex.tbl, ex.fields FROM ex LEFT JOIN known ON known.t = lower(ex.tbl) AND known.c = ex.field
                WHERE ex.field NOT IN ('', '*') AND known.t IS NULL)
        SELECT agg.tbl AS {q('table')}, nullif(agg.fields, '') AS fields, agg.n AS events,
               (SELECT sum(n) FROM agg) AS total
        FROM agg JOIN bad ON agg.tbl = bad.tbl AND agg.fields = bad.fields"""
    rows = ctx.sql(bad_keys)
    total = int(ctx.sql(f"SELECT coalesce(sum(n), 0) AS t FROM {shared_log(ctx)} "
                        f"WHERE action IN ('read', 'export') AND tbl IS NOT NULL")["t"].iat[0])
    affected = int(rows["events"].sum()) if len(rows) else 0
    ev = rows.drop(columns="total").sort_values(["events", "table", "fields"], ascending=[False, True, True]) \
        .head(EVIDENCE_ROWS).reset_index(drop=True) if affected else None
    return measured(cid, affected, total, log_names(ctx, ev, "fields"))
