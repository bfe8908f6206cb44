"""Training checks (TRN-*): staff awareness training is current."""
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


@check("TRN-001")
def training_overdue(ctx: CheckContext) -> Finding:
    """Active staff (non-service accounts) with no training in the 365 days up to now (or never).
    Unit: accounts; total = active non-service accounts."""
    cid = "TRN-001"
    why = ctx.missing_if_present("users", "is_service_account") or ctx.missing("users", "user_id", "status", "last_training_at")
    if why:
        return insufficient(cid, why)
    users = ctx.table("users")
    service = truthy(users["is_service_account"]) if "is_service_account" in users else False
    staff = users[active_users(users) & ~service]
    cutoff = ctx.now - pd.Timedelta(days=TRAINING_VALID_DAYS)
    bad = staff[staff["last_training_at"].isna() | (staff["last_training_at"] < cutoff)]
    keep = [c for c in ["user_id", "name", "department", "role", "last_training_at"] if c in bad]
    ev = masked(bad[keep].sort_values("user_id"), {"user_id": "staff_id", "name": "person_name"})
    return measured(cid, len(bad), len(staff), ev)
