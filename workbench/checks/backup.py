"""Backup checks (BK-*): failed jobs, RPO gaps, offsite immutable copies, restore tests, encryption."""
from __future__ import annotations

import pandas as pd

from .base import (
    CheckContext,
    Finding,
    check,
    falsy_or_missing,
    insufficient,
    masked,
    measured,
    not_applicable,
    truthy,
)

RESTORE_TEST_DAYS = 90


def _jobs(ctx: CheckContext, cid: str, *cols: str) -> pd.DataFrame | Finding:
    """The backup jobs, or the ``insufficient_data`` finding naming what is missing."""
    why = ctx.missing("backups", "job_id", "system", "started_at", *cols)
    return insufficient(cid, why) if why else ctx.table("backups")


def _job_evidence(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    keep = [c for c in ["job_id", "system", "started_at", *cols] if c in df.columns]
    return masked(df[keep].sort_values(["started_at", "job_id"]), {})


@check("BK-001")
def failed_jobs(ctx: CheckContext) -> Finding:
    """Backup jobs started in the window with status failed or partial. Unit: jobs; total = jobs in the window."""
    cid = "BK-001"
    jobs = _jobs(ctx, cid, "status")
    if isinstance(jobs, Finding):
        return jobs
    scope = jobs[ctx.in_window(jobs["started_at"])]
    bad = scope[scope["status"].isin(["failed", "partial"]).fillna(False).astype(bool)]
    return measured(cid, len(bad), len(scope), _job_evidence(bad, ["status", "kind", "location"]))


def _successes(jobs: pd.DataFrame) -> pd.DataFrame:
    return jobs[jobs["status"].eq("success").fillna(False).astype(bool) & jobs["started_at"].notna()]


def _rpo_inputs(ctx: CheckContext, cid: str) -> tuple[pd.DataFrame, dict[str, float]] | Finding:
    """What the RPO checks (BK-002, BK-006) measure: successful jobs started up to now and each
    system's ``rpo_hours`` — or the ``insufficient_data`` finding saying which input is missing."""
    jobs = _jobs(ctx, cid, "status")
    if isinstance(jobs, Finding):
        return jobs
    systems = ctx.posture.systems if ctx.posture else []
    policies = {s.name: s.backup_policy.rpo_hours for s in systems if s.backup_policy.rpo_hours is not None}
    if not policies:
        return insufficient(cid, "no system in posture.yaml has backup_policy.rpo_hours")
    ok = _successes(jobs)
    return ok[ok["started_at"] <= ctx.now], policies


@check("BK-002")
def rpo_gaps(ctx: CheckContext) -> Finding:
    """Systems with a gap between consecutive successful backups (by start time) longer than their
    ``rpo_hours``, for gaps ending in the window; the last success before the window anchors the
    first gap. A system with a policy and no success in the window counts too. Unit: systems;
    total = posture systems with ``rpo_hours``."""
    cid = "BK-002"
    inputs = _rpo_inputs(ctx, cid)
    if isinstance(inputs, Finding):
        return inputs
    ok, policies = inputs
    rows = []
    for system, rpo in sorted(policies.items()):
        t = ok.loc[ok["system"] == system, "started_at"].sort_values().reset_index(drop=True)
        before, inside = t[t < ctx.start], t[t >= ctx.start]
        if inside.empty:
            rows.append({"system": system, "rpo_hours": rpo, "longest_gap_hours": None, "gaps_over_rpo": None,
                         "successful_backups_in_window": 0})
            continue
        seq = pd.concat([before.tail(1), inside]).reset_index(drop=True)
        gaps = seq.diff().dropna().dt.total_seconds() / 3600
        over = gaps[gaps > rpo]
        if len(over):
            rows.append({"system": system, "rpo_hours": rpo, "longest_gap_hours": round(float(gaps.max()), 1),
                         "gaps_over_rpo": int(len(over)), "successful_backups_in_window": int(len(inside))})
    ev = pd.DataFrame(rows, columns=["system", "rpo_hours", "longest_gap_hours", "gaps_over_rpo",
                                     "successful_backups_in_window"])
    return measured(cid, len(ev), len(policies), ev)


def _systems(jobs: pd.DataFrame) -> list[str]:
    return sorted(jobs["system"].dropna().unique().tolist())


@check("BK-003")
def offsite_immutable_copy(ctx: CheckContext) -> Finding:
    """Systems (those in the backups table) with no successful job in the window that is offsite or
    cloud *and* immutable. Unit: systems."""
    cid = "BK-003"
    jobs = _jobs(ctx, cid, "status", "location", "immutable")
    if isinstance(jobs, Finding):
        return jobs
    systems = _systems(jobs)
    if not systems:
        return not_applicable(cid, "no backup jobs")
    ok = _successes(jobs)
    ok = ok[ctx.in_window(ok["started_at"]) & ok["location"].isin(["offsite", "cloud"]).fillna(False).astype(bool)
            & truthy(ok["immutable"])]
    covered = set(ok["system"].dropna())
    bad = [s for s in systems if s not in covered]
    ev = pd.DataFrame({"system": bad, "offsite_immutable_success_in_window": [False] * len(bad)})
    return measured(cid, len(bad), len(systems), ev)


@check("BK-004")
def restore_tests(ctx: CheckContext) -> Finding:
    """Systems (those in the backups table) with no restore test in the 90 days up to now. Unit: systems."""
    cid = "BK-004"
    why = ctx.missing("backups", "system", "restore_tested_at")
    if why:
        return insufficient(cid, why)
    jobs = ctx.table("backups")
    systems = _systems(jobs)
    if not systems:
        return not_applicable(cid, "no backup jobs")
    t = jobs[(jobs["restore_tested_at"] <= ctx.now)]
    last = t.groupby("system")["restore_tested_at"].max()
    cutoff = ctx.now - pd.Timedelta(days=RESTORE_TEST_DAYS)
    rows = [{"system": s, "last_restore_test": last.get(s, pd.NaT)} for s in systems
            if pd.isna(last.get(s, pd.NaT)) or last.get(s) < cutoff]
    ev = masked(pd.DataFrame(rows, columns=["system", "last_restore_test"]).astype({"last_restore_test": "datetime64[ns]"}), {})
    return measured(cid, len(rows), len(systems), ev)


@check("BK-005")
def unencrypted_jobs(ctx: CheckContext) -> Finding:
    """Backup jobs started in the window not marked encrypted (missing counts as unencrypted).
    Unit: jobs; total = jobs in the window."""
    cid = "BK-005"
    jobs = _jobs(ctx, cid, "encrypted")
    if isinstance(jobs, Finding):
        return jobs
    scope = jobs[ctx.in_window(jobs["started_at"])]
    bad = scope[falsy_or_missing(scope["encrypted"])]
    return measured(cid, len(bad), len(scope), _job_evidence(bad, ["location", "encrypted"]))


@check("BK-006")
def stale_latest_backup(ctx: CheckContext) -> Finding:
    """Systems whose most recent successful backup (by start time) is older than their ``rpo_hours``
    plus one day at the as_of date (an export taken mid-day must not fail a daily schedule).
    Unit: systems; total = posture systems with ``rpo_hours``."""
    cid = "BK-006"
    inputs = _rpo_inputs(ctx, cid)
    if isinstance(inputs, Finding):
        return inputs
    ok, policies = inputs
    last = ok.groupby("system")["started_at"].max()
    rows = []
    for system, rpo in sorted(policies.items()):
        t = last.get(system, pd.NaT)
        age = None if pd.isna(t) else (ctx.now - t).total_seconds() / 3600
        if age is None or age > rpo + 24:
            rows.append({"system": system, "rpo_hours": rpo, "last_success": t,
                         "age_hours": None if age is None else round(age, 1)})
    ev = masked(pd.DataFrame(rows, columns=["system", "rpo_hours", "last_success", "age_hours"]).astype({"last_success": "datetime64[ns]"}), {})
    return measured(cid, len(rows), len(policies), ev)
