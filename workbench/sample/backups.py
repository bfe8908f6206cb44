"""Synthetic backup jobs for three systems, the posture inventory, and the backup plants."""
from __future__ import annotations

import numpy as np
import pandas as pd

SYSTEMS = ["crm-db", "marketing-files", "analytics-warehouse"]


def posture(retention_days: int, dormant_days: int, erasure_days: int, mfa_roles: list[str]) -> dict:
    """posture.yaml: crm-db is sound; marketing-files is unencrypted at rest (ENC-002);
    analytics-warehouse rotates keys every 730 days (ENC-004) and keeps onsite, mutable copies (BK-003)."""
    return {
        "systems": [
            {"name": "crm-db", "stores": ["customers", "transactions", "users"],
             "encryption_at_rest": {"enabled": True, "algorithm": "AES-256-GCM", "key_management": "cloud KMS",
                                    "key_rotation_days": 365},
             "tls_min_version": "1.2", "field_encryption": ["transactions.card_number"],
             "backup_policy": {"rpo_hours": 26, "rto_hours": 8, "offsite": True, "immutable": True}},
            {"name": "marketing-files", "stores": ["customers"],
             "encryption_at_rest": {"enabled": False, "key_rotation_days": 180},
             "tls_min_version": "1.3", "field_encryption": [],
             "backup_policy": {"rpo_hours": 26, "rto_hours": 24, "offsite": True, "immutable": True}},
            {"name": "analytics-warehouse", "stores": ["transactions"],
             "encryption_at_rest": {"enabled": True, "algorithm": "AES-256", "key_management": "on-premises HSM",
                                    "key_rotation_days": 730},
             "tls_min_version": "1.2", "field_encryption": [],
             "backup_policy": {"rpo_hours": 26, "rto_hours": 48, "offsite": False, "immutable": False}},
        ],
        "policies": {"retention_days": retention_days, "dormant_account_days": dormant_days,
                     "mfa_required_roles": mfa_roles, "access_review_days": 90,
                     "erasure_deadline_days": erasure_days},
    }


def make_backups(rng: np.random.Generator, as_of: np.datetime64, history_days: int, window_days: int,
                 counts: dict[str, int]) -> tuple[pd.DataFrame, dict]:
    """One nightly full backup per system per day, 01:00 + up to 30 min jitter (RPO 26 h)."""
    day0 = as_of.astype("datetime64[D]") - np.timedelta64(history_days - 1, "D")
    days = day0 + np.arange(history_days).astype("timedelta64[D]")
    rows = []
    for s in SYSTEMS:
        start = days.astype("datetime64[s]") + np.timedelta64(3600, "s") + rng.integers(0, 1800, len(days)).astype("timedelta64[s]")
        dur = rng.integers(600, 5400, len(days)).astype("timedelta64[s]")
        loc = {"crm-db": "cloud", "marketing-files": "offsite", "analytics-warehouse": "onsite"}[s]
        rows.append(pd.DataFrame({"system": s, "started_at": start, "finished_at": start + dur, "status": "success",
                                  "kind": "full", "location": loc, "encrypted": True,
                                  "immutable": s != "analytics-warehouse", "restore_tested_at": pd.NaT}))
    df = pd.concat(rows, ignore_index=True)
    df["_day"] = (df["started_at"].to_numpy().astype("datetime64[D]") - day0).astype(int)
    window_first = history_days - window_days + 3  # plants stay clear of the window's edges
    facts: dict[str, object] = {}

    def pick(system: str, k: int, lo: int, hi: int, avoid: set[int]) -> list[int]:
        cand = [d for d in range(lo, hi) if d not in avoid and d - 1 not in avoid and d + 1 not in avoid]
        chosen = sorted(rng.choice(cand, k, replace=False).tolist())
        avoid.update(chosen)
        return [int(df.index[(df["system"] == system) & (df["_day"] == d)][0]) for d in chosen]

    used: dict[str, set[int]] = {s: set() for s in SYSTEMS}
    # BK-001 (and so BK-002 for crm-db): failed and partial nightly jobs inside the window.
    fail = pick("crm-db", counts["BK-001-failed"], window_first, history_days - 3, used["crm-db"])
    part = pick("crm-db", counts["BK-001-partial"], window_first, history_days - 3, used["crm-db"])
    df.loc[fail, "status"] = "failed"
    df.loc[part, "status"] = "partial"
    # Outside the window: failures that must not count (and their gaps neither).
    old = pick("analytics-warehouse", counts["BK-001-outside"], 10, history_days - window_days - 10, used["analytics-warehouse"])
    df.loc[old, "status"] = "failed"
    # BK-002 without BK-001: marketing-files skipped a night altogether (a 48 h gap).
    skipped = pick("marketing-files", 1, window_first, history_days - 3, used["marketing-files"])
    df = df.drop(index=skipped)
    # BK-005: unencrypted jobs inside the window (and some outside that must not count).
    unenc = pick("analytics-warehouse", counts["BK-005"], window_first, history_days - 3, used["analytics-warehouse"])
    df.loc[unenc, "encrypted"] = False
    unenc_old = pick("analytics-warehouse", counts["BK-005-outside"], 10, history_days - window_days - 10, used["analytics-warehouse"])
    df.loc[unenc_old, "encrypted"] = False
    # BK-004: monthly restore tests; marketing-files last tested long before the 90-day horizon.
    for s, last_ok in (("crm-db", 8), ("analytics-warehouse", 20), ("marketing-files", 150)):
        tested_days = [d for d in range(history_days - 1 - last_ok, 0, -30)]
        for d in tested_days:
            i = df.index[(df["system"] == s) & (df["_day"] == d) & (df["status"] == "success")]
            if len(i):
                df.loc[i[0], "restore_tested_at"] = df.loc[i[0], "finished_at"] + pd.Timedelta(hours=5)
    df = df.drop(columns="_day").sort_values(["started_at", "system"], kind="stable").reset_index(drop=True)
    df.insert(0, "job_id", [f"B{i:06d}" for i in range(1, len(df) + 1)])
    facts["systems"] = len(SYSTEMS)
    return df, facts
