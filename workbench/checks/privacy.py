"""Privacy checks (PRV-*): consent records, retention, erasure deadlines. Unit: customer records."""
from __future__ import annotations

import pandas as pd

from .base import CheckContext, Finding, check, masked, measured, not_applicable, truthy

CONSENT_JURISDICTIONS = ("EU", "CN")
_CUSTOMER_MASK = {"customer_id": None, "full_name": "person_name", "email": "email"}


def _customer_evidence(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    keep = [c for c in ["customer_id", "full_name", "email", "jurisdiction", *cols] if c in df.columns]
    return masked(df[keep].sort_values("customer_id"), _CUSTOMER_MASK)


@check("PRV-001")
def marketing_without_consent_record(ctx: CheckContext) -> Finding:
    """EU or CN customers flagged for marketing with no ``consent_at``. Unit: records;
    total = EU/CN customers flagged for marketing."""
    cid = "PRV-001"
    c = ctx.table("customers", "customer_id", "jurisdiction", "consent_marketing", "consent_at")
    if c is None:
        return not_applicable(cid, "customers lack country, consent_marketing or consent_at")
    scope = c[c["jurisdiction"].isin(CONSENT_JURISDICTIONS).fillna(False).astype(bool) & truthy(c["consent_marketing"])]
    bad = scope[scope["consent_at"].isna()]
    return measured(cid, len(bad), len(scope), _customer_evidence(bad, ["consent_marketing", "consent_at"]))


def _held(c: pd.DataFrame, now: pd.Timestamp) -> pd.Series:
    """Records still holding personal data: not erased on or before now."""
    if "erased_at" not in c:
        return pd.Series(True, index=c.index)
    return ~(c["erased_at"].notna() & (c["erased_at"] <= now))


@check("PRV-002")
def retention_exceeded(ctx: CheckContext) -> Finding:
    """Held (not erased) customers whose last activity — or creation, when no activity is recorded —
    is more than ``retention_days`` before now. Unit: records; total = held customers."""
    cid = "PRV-002"
    c = ctx.table("customers", "customer_id", "last_activity_at")
    if c is None:
        return not_applicable(cid, "customers lack last_activity_at")
    if ctx.policies is None or ctx.policies.retention_days is None:
        return not_applicable(cid, "no retention_days in posture.yaml")
    held = c[_held(c, ctx.now)]
    last = held["last_activity_at"]
    if "created_at" in held:
        last = last.fillna(held["created_at"])
    cutoff = ctx.now - pd.Timedelta(days=ctx.policies.retention_days)
    bad = held[last.notna() & (last < cutoff)]
    return measured(cid, len(bad), len(held), _customer_evidence(bad, ["last_activity_at"]))


@check("PRV-003")
def erasure_overdue(ctx: CheckContext) -> Finding:
    """Customers whose erasure was requested more than ``erasure_deadline_days`` before now and who
    are not erased (as of now). Unit: records; total = customers with an erasure request."""
    cid = "PRV-003"
    c = ctx.table("customers", "customer_id", "erasure_requested_at")
    if c is None:
        return not_applicable(cid, "customers lack erasure_requested_at")
    if ctx.policies is None or ctx.policies.erasure_deadline_days is None:
        return not_applicable(cid, "no erasure_deadline_days in posture.yaml")
    req = c[c["erasure_requested_at"].notna() & (c["erasure_requested_at"] <= ctx.now)]
    cutoff = ctx.now - pd.Timedelta(days=ctx.policies.erasure_deadline_days)
    bad = req[(req["erasure_requested_at"] < cutoff) & _held(req, ctx.now)]
    return measured(cid, len(bad), len(req), _customer_evidence(bad, ["erasure_requested_at"]))
