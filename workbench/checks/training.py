"""Training checks (TRN-*): staff awareness training is current.

What counts as training, in order: the dataset's ``training_results`` (an LMS export: the last
*passed* completion per trainee), else the roster's ``users.last_training_at``. When the dataset
folder holds ``assignments.yaml`` (module × role/department × due date, see
``workbench/training/assignments.py``), TRN-001 counts who is overdue on an assignment instead
of the flat 365-day rule. With no training source at all the check cannot see: insufficient_data.
"""
from __future__ import annotations

import pandas as pd

from .base import (
    CheckContext,
    Finding,
    active_users,
    check,
    insufficient,
    masked,
    measured,
    truthy,
)

TRAINING_VALID_DAYS = 365
ASSIGNMENTS_FILE = "assignments.yaml"


def _staff(ctx: CheckContext) -> pd.DataFrame:
    users = ctx.table("users")
    service = truthy(users["is_service_account"]) if "is_service_account" in users else False
    return users[active_users(users) & ~service]


def _last_passed(ctx: CheckContext) -> pd.Series | str:
    """Last training date per user id from the best source, or why none can be read."""
    if ctx.missing("training_results", "trainee_id", "completed_at") is None:
        unknown = ctx.missing_if_present("training_results", "passed")
        if unknown:  # every attempt's outcome unknown: a failed attempt must not count as training
            return unknown
        passed = "coalesce(passed, TRUE)" if ctx.has_column("training_results", "passed") else "TRUE"
        df = ctx.sql(f"SELECT trainee_id, max(completed_at) AS last FROM training_results "
                     f"WHERE {passed} AND completed_at <= {ctx.now_sql} GROUP BY 1")
        return pd.Series(df["last"].to_numpy(), index=df["trainee_id"].astype(str), name="last_training_at")
    why = ctx.missing("users", "last_training_at")
    if why:
        reason = ctx.missing("training_results", "trainee_id", "completed_at")
        return f"no training records: {reason}, and {why}"
    users = ctx.table("users")
    return pd.Series(users["last_training_at"].to_numpy(), index=users["user_id"].astype(str), name="last_training_at")


@check("TRN-001")
def training_overdue(ctx: CheckContext) -> Finding:
    """Active staff (non-service accounts) with no training in the 365 days up to now (or never) —
    or, with ``assignments.yaml``, overdue on an assignment. Unit: accounts; total = active
    non-service accounts (covered by an assignment, with assignments)."""
    cid = "TRN-001"
    why = ctx.missing_if_present("users", "is_service_account") or ctx.missing("users", "user_id", "status")
    if why:
        return insufficient(cid, why)
    last = _last_passed(ctx)
    if isinstance(last, str):
        return insufficient(cid, last)
    staff = _staff(ctx)
    keep = [c for c in ["user_id", "name", "department", "role"] if c in staff]
    mask = {"user_id": "staff_id", "name": "person_name"}
    path = ctx.dataset.root / ASSIGNMENTS_FILE
    if path.is_file():
        from ..training.assignments import assignment_status, load_assignments, overdue_assignments

        plan = load_assignments(path)
        records = ctx.sql("SELECT * FROM training_results") if ctx.has_column("training_results", "trainee_id") else \
            pd.DataFrame({"trainee_id": last.index, "module": "any", "passed": True, "completed_at": last.to_numpy()})
        covered = assignment_status(staff, records, plan, ctx.now)["user_id"].nunique()
        overdue = overdue_assignments(staff, records, plan, ctx.now)
        bad = staff[staff["user_id"].astype(str).isin(set(overdue["user_id"].astype(str)))]
        ev = masked(bad[keep].sort_values("user_id"), mask)
        return measured(cid, len(bad), covered, ev, note=f"assignments from {ASSIGNMENTS_FILE}")
    cutoff = ctx.now - pd.Timedelta(days=TRAINING_VALID_DAYS)
    when = staff["user_id"].astype(str).map(last)
    bad = staff.assign(last_training_at=when)[when.isna() | (when < cutoff)]
    ev = masked(bad[keep + ["last_training_at"]].sort_values("user_id"), mask)
    return measured(cid, len(bad), len(staff), ev)
