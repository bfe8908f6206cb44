"""Access-control checks (AC-*): MFA, leavers, dormant accounts, log violations, all-access roles."""
from __future__ import annotations

import pandas as pd

from ..engine import q
from .base import (
    log_names,
    EVIDENCE_ROWS,
    CheckContext,
    Finding,
    active_users,
    check,
    falsy_or_missing,
    insufficient,
    masked,
    measured,
    not_applicable,
    truthy,
)
from .logs import LogViolations, access_violations, log_aggregate

ALL_ACCESS_MAX_SHARE = 0.10
BULK_RECORDS = 1_000  # AC-007: an event touching at least this many records is "bulk"
BUSINESS_HOURS = (7, 20)  # AC-007 default: [07:00, 20:00) UTC is business time
LEARN_MIN_EVENTS = 2_400  # AC-007: enough events (100 an hour) to learn the quiet hours from the log
QUIET_SHARE = 0.2  # AC-007: an hour with under 20% of the busiest hour's events is quiet

_USER_MASK = {"user_id": "staff_id", "name": "person_name"}  # staff ids in full by default (pseudonyms.py)


def _user_evidence(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    keep = [c for c in ["user_id", "name", "department", "role", *cols] if c in df.columns]
    return masked(df[keep].sort_values("user_id"), _USER_MASK)


@check("AC-001")
def mfa_for_required_roles(ctx: CheckContext) -> Finding:
    """Active accounts in a role of ``mfa_required_roles`` with MFA off (missing counts as off). Unit: accounts."""
    cid = "AC-001"
    why = ctx.missing("users", "user_id", "status", "role", "mfa_enabled")
    if why:
        return insufficient(cid, why)
    if ctx.policies is None or not ctx.policies.mfa_required_roles:
        return insufficient(cid, "no mfa_required_roles in posture.yaml: which roles need MFA is unknown")
    users = ctx.table("users")
    scope = users[active_users(users) & users["role"].isin(ctx.policies.mfa_required_roles).fillna(False).astype(bool)]
    bad = scope[falsy_or_missing(scope["mfa_enabled"])]
    return measured(cid, len(bad), len(scope), _user_evidence(bad, ["mfa_enabled"]))


@check("AC-002")
def terminated_but_active(ctx: CheckContext) -> Finding:
    """Active accounts whose ``terminated_at`` is set (on or before now). Unit: accounts;
    total = active accounts."""
    cid = "AC-002"
    why = ctx.missing("users", "user_id", "status", "terminated_at")
    if why:
        return insufficient(cid, why)
    users = ctx.table("users")
    active = users[active_users(users)]
    bad = active[active["terminated_at"].notna() & (active["terminated_at"] <= ctx.now)]
    return measured(cid, len(bad), len(active), _user_evidence(bad, ["status", "terminated_at"]))


@check("AC-003")
def dormant_accounts(ctx: CheckContext) -> Finding:
    """Active, non-service accounts whose last login is more than ``dormant_account_days`` before
    now (or never). Unit: accounts; total = active non-service accounts."""
    cid = "AC-003"
    why = ctx.missing_if_present("users", "is_service_account") or ctx.missing("users", "user_id", "status", "last_login_at")
    if why:
        return insufficient(cid, why)
    if ctx.policies is None or ctx.policies.dormant_account_days is None:
        return insufficient(cid, "no dormant_account_days in posture.yaml: nothing to measure logins against")
    users = ctx.table("users")
    service = truthy(users["is_service_account"]) if "is_service_account" in users else False
    scope = users[active_users(users) & ~service]
    cutoff = ctx.now - pd.Timedelta(days=ctx.policies.dormant_account_days)
    bad = scope[scope["last_login_at"].isna() | (scope["last_login_at"] < cutoff)]
    return measured(cid, len(bad), len(scope), _user_evidence(bad, ["last_login_at"]))


def shared_log(ctx: CheckContext) -> str | None:
    """The window's log aggregate that every log check answers from (one scan, cached), or
    ``None`` when the log has no timestamps to aggregate."""
    if "log_agg" not in ctx.cache:
        if ctx.missing("access_log", "timestamp"):
            ctx.cache["log_agg"] = None
        else:
            present = lambda t, c: ctx.missing(t, c) is None  # noqa: E731
            ctx.cache["log_agg"] = log_aggregate(
                ctx.dataset.engine, ctx.start, ctx.now, has_fields=present("access_log", "fields"),
                has_record_count=present("access_log", "record_count"), bulk_records=BULK_RECORDS,
                has_roles=present("users", "role"), has_users=present("users", "user_id"),
                has_table=present("access_log", "table"), has_user_id=present("access_log", "user_id"),
                has_action=present("access_log", "action"))
    return ctx.cache["log_agg"]


def log_violations(ctx: CheckContext) -> LogViolations | str:
    """The shared AC-004/AC-005 scan (cached), or the reason it cannot run."""
    if "log_violations" in ctx.cache:
        return ctx.cache["log_violations"]
    why = ctx.missing("access_log", "timestamp", "user_id", "action", "table") or ctx.missing("users", "user_id", "role")
    if why:
        res: LogViolations | str = why
    elif ctx.permissions is None:
        res = "no permissions.yaml: what each role may read is unknown"
    else:
        res = access_violations(ctx.dataset.engine, ctx.permissions, ctx.start, ctx.now,
                                has_fields=ctx.has_column("access_log", "fields"), agg=shared_log(ctx))
    ctx.cache["log_violations"] = res
    return res


@check("AC-004")
def forbidden_field_reads(ctx: CheckContext) -> Finding:
    """Read events in the window touching a field the user's role may not read. Unit: log events."""
    cid = "AC-004"
    v = log_violations(ctx)
    if isinstance(v, str):
        return insufficient(cid, v)
    why = ctx.missing("access_log", "fields")
    if why:
        return insufficient(cid, why)
    ev = log_names(ctx, masked(v.read_evidence, {"user_id": "staff_id"}), "denied_fields")
    return measured(cid, v.read_violations, v.read_events, ev)


@check("AC-005")
def unauthorised_exports(ctx: CheckContext) -> Finding:
    """Export events in the window by a role without export permission on that table. Unit: log events."""
    cid = "AC-005"
    v = log_violations(ctx)
    if isinstance(v, str):
        return insufficient(cid, v)
    ev = log_names(ctx, masked(v.export_evidence, {"user_id": "staff_id"}))
    return measured(cid, v.export_violations, v.export_events, ev)


@check("AC-006")
def all_access_share(ctx: CheckContext) -> Finding:
    """Fails when active accounts in all-access roles exceed 10% of active accounts.

    Unit: accounts; affected = active accounts in all-access roles when their share exceeds 10%
    (0 on a pass, the share is in the note), total = active accounts.
    """
    cid = "AC-006"
    why = ctx.missing("users", "user_id", "status", "role")
    if why:
        return insufficient(cid, why)
    if ctx.permissions is None:
        return insufficient(cid, "no permissions.yaml: which roles are all-access is unknown")
    users = ctx.table("users")
    active = users[active_users(users)]
    if active.empty:
        return not_applicable(cid, "no active accounts")
    wide = active[active["role"].isin(ctx.permissions.all_access_roles()).fillna(False).astype(bool)]
    share = len(wide) / len(active)
    note = f"{len(wide)} of {len(active)} active accounts ({share:.1%}) hold all-access roles; limit {ALL_ACCESS_MAX_SHARE:.0%}"
    if share <= ALL_ACCESS_MAX_SHARE:
        return measured(cid, 0, len(active), note=note)
    return measured(cid, len(wide), len(active), _user_evidence(wide, ["status"]), note=note)


def quiet_hours(per_hour: dict[int, int]) -> tuple[list[int], str]:
    """Hours of the day (UTC) when the organisation is normally inactive, and how they were found.

    Learned from the traffic (events per hour of day in the window) when the window holds at
    least ``LEARN_MIN_EVENTS`` events: hours with under ``QUIET_SHARE`` of the busiest hour's
    events (this follows the organisation's own time zone and shifts, which UTC timestamps do not
    tell). Smaller logs fall back to outside 07:00–20:00 UTC.
    """
    n = sum(per_hour.values())
    if n >= LEARN_MIN_EVENTS:
        peak = max(per_hour.values())
        return sorted(h for h in range(24) if per_hour.get(h, 0) < QUIET_SHARE * peak), f"quiet hours learned from {n:,} events"
    return [h for h in range(24) if not BUSINESS_HOURS[0] <= h < BUSINESS_HOURS[1]], "default quiet hours (outside 07-20 UTC)"


@check("AC-007")
def off_hours_bulk_access(ctx: CheckContext) -> Finding:
    """Read/export events in the window touching ≥ 1,000 records during the organisation's quiet
    hours (see :func:`quiet_hours`). Unit: log events; total = read/export events in the window."""
    cid = "AC-007"
    why = ctx.missing("access_log", "timestamp", "user_id", "action", "record_count")
    if why:
        return insufficient(cid, why)
    agg = shared_log(ctx)
    hours = ctx.sql(f"SELECT h, sum(n) AS n FROM {agg} GROUP BY 1")
    quiet, how = quiet_hours({int(h): int(n) for h, n in zip(hours["h"], hours["n"])})
    hour_list = ", ".join(map(str, quiet)) or "-1"
    n = ctx.sql(f"SELECT coalesce(sum(n) FILTER (WHERE bulk AND h IN ({hour_list})), 0) AS a, coalesce(sum(n), 0) AS t "
                f"FROM {agg} WHERE action IN ('read', 'export')")
    affected, total = int(n["a"].iat[0]), int(n["t"].iat[0])
    ev = pd.DataFrame()
    if affected:  # only now is the log itself read again, for the events to show
        cols = [c for c in ["timestamp", "user_id", "action", "table", "record_count"] if ctx.has_column("access_log", c)]
        ev = masked(ctx.sql(
            f"SELECT {', '.join(q(c) for c in cols)} FROM access_log WHERE timestamp BETWEEN {ctx.start_sql} AND "
            f"{ctx.now_sql} AND action IN ('read', 'export') AND hour(timestamp) IN ({hour_list}) AND "
            f"coalesce(record_count, 0) >= {BULK_RECORDS} ORDER BY timestamp, user_id LIMIT {EVIDENCE_ROWS}"),
            {"user_id": "staff_id"})
    note = f"{how}: {', '.join(f'{h:02d}h' for h in quiet) or 'none (activity around the clock)'}"
    return measured(cid, affected, total, ev, note=note)
