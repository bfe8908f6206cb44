"""Privacy checks (PRV-*): consent records, retention, erasure deadlines. Unit: customer records.

Each runs in the engine over the whole customers table; only the two counts and a bounded,
masked evidence sample come back.
"""
from __future__ import annotations

import pandas as pd

from .base import (
    EVIDENCE_ROWS,
    CheckContext,
    Finding,
    check,
    insufficient,
    masked,
    measured,
    not_applicable,
    ts_sql,
)

CONSENT_JURISDICTIONS = ("EU", "CN")
_CUSTOMER_MASK = {"customer_id": "customer_id", "full_name": "person_name", "email": "email"}


def _count_and_evidence(ctx: CheckContext, scope: str, bad: str, cols: list[str]) -> tuple[int, int, object]:
    """(affected, total, masked evidence) for customers matching ``scope`` and, of those, ``bad``."""
    n = ctx.sql(f"SELECT count(*) FILTER (WHERE {bad}) AS a, count(*) AS t FROM customers WHERE {scope}")
    affected, total = int(n["a"].iat[0]), int(n["t"].iat[0])
    keep = [c for c in ["customer_id", "full_name", "email", "jurisdiction", *cols] if ctx.has_column("customers", c)]
    ev = ctx.sql(f"SELECT {', '.join(keep)} FROM customers WHERE ({scope}) AND ({bad}) "
                 f"ORDER BY customer_id LIMIT {EVIDENCE_ROWS}") if affected else None
    return affected, total, None if ev is None else masked(ev, _CUSTOMER_MASK)


@check("PRV-001")
def marketing_without_consent_record(ctx: CheckContext) -> Finding:
    """EU or CN customers flagged for marketing with no ``consent_at``. Unit: records;
    total = EU/CN customers flagged for marketing."""
    cid = "PRV-001"
    why = ctx.missing("customers", "customer_id", "country", "consent_marketing")
    if why or not ctx.has_column("customers", "consent_at"):
        return insufficient(cid, why or "customers has no consent_at column")
    scope = f"jurisdiction IN {CONSENT_JURISDICTIONS} AND consent_marketing"
    affected, total, ev = _count_and_evidence(ctx, scope, "consent_at IS NULL", ["consent_marketing", "consent_at"])
    if total == 0:
        return not_applicable(cid, "no EU or CN customer is flagged for marketing")
    return measured(cid, affected, total, ev)


def _held(ctx: CheckContext) -> str:
    """Records still holding personal data: not erased on or before now."""
    if not ctx.has_column("customers", "erased_at"):
        return "TRUE"
    return f"NOT coalesce(erased_at <= {ctx.now_sql}, FALSE)"


def _cutoff(ctx: CheckContext, cid: str, policy: str, what: str) -> str | Finding:
    """``now`` minus the posture policy's days, as an engine literal — or the insufficient_data
    finding when posture.yaml does not set it."""
    days = ctx.policy(policy)
    if days is None:
        return insufficient(cid, f"no {policy} in posture.yaml: nothing to measure {what} against")
    return ts_sql(ctx.now - pd.Timedelta(days=int(days)))


@check("PRV-002")
def retention_exceeded(ctx: CheckContext) -> Finding:
    """Held (not erased) customers whose last activity — or creation, when no activity is recorded —
    is more than ``retention_days`` before now. Unit: records; total = held customers."""
    cid = "PRV-002"
    why = ctx.missing("customers", "customer_id", "last_activity_at")
    if why:
        return insufficient(cid, why)
    cutoff = _cutoff(ctx, cid, "retention_days", "the records")
    if isinstance(cutoff, Finding):
        return cutoff
    last = "coalesce(last_activity_at, created_at)" if ctx.has_column("customers", "created_at") else "last_activity_at"
    affected, total, ev = _count_and_evidence(ctx, _held(ctx), f"{last} < {cutoff}", ["last_activity_at"])
    return measured(cid, affected, total, ev)


@check("PRV-003")
def erasure_overdue(ctx: CheckContext) -> Finding:
    """Customers whose erasure was requested more than ``erasure_deadline_days`` before now and who
    are not erased (as of now). Unit: records; total = customers with an erasure request."""
    cid = "PRV-003"
    why = ctx.missing("customers", "customer_id", "erasure_requested_at")
    if why:
        return insufficient(cid, why)
    cutoff = _cutoff(ctx, cid, "erasure_deadline_days", "the requests")
    if isinstance(cutoff, Finding):
        return cutoff
    scope = f"erasure_requested_at <= {ctx.now_sql}"
    bad = f"erasure_requested_at < {cutoff} AND {_held(ctx)}"
    affected, total, ev = _count_and_evidence(ctx, scope, bad, ["erasure_requested_at"])
    if total == 0:
        return not_applicable(cid, "no erasure request up to the as_of date")
    return measured(cid, affected, total, ev)
