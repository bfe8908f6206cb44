"""Synthetic training records (an LMS export) consistent with the staff roster.

Every staff account with a ``last_training_at`` has passed at least one module exactly then, and
no passed attempt later. Planted: failed first attempts followed by a passing retake, and staff
without any completed training (TRN-001) who failed an attempt within the year — a fail is not
completed training. Service accounts have no records.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# The module ids of training/*.yaml; fixed here so that editing training content never changes a sample.
MODULES = ("privacy-law-basics", "data-classification", "access-control", "encryption-safe-handling",
           "backups-incident-reporting", "phishing-social-engineering", "case-bank-crm-leak", "case-ecommerce-breach")
PASS_MARK = 0.75
COLUMNS = ["trainee_id", "module", "score", "passed", "completed_at", "attempt"]


def _score(rng: np.random.Generator, passed: bool) -> float:
    # eight questions per module: scores are multiples of 1/8
    right = int(rng.integers(6, 9)) if passed else int(rng.integers(2, 6))
    return round(right / 8, 4)


def make_training_results(rng: np.random.Generator, users: pd.DataFrame, as_of: np.datetime64,
                          planted_trn: list[int]) -> tuple[pd.DataFrame, dict]:
    """Return the ``training_results`` table and what was planted in it.

    ``planted_trn``: row positions in ``users`` of the TRN-001 plants (no training in 365 days)."""
    now = pd.Timestamp(as_of + np.timedelta64(12, "h"))
    rows: list[tuple] = []
    last = users["last_training_at"]
    service = users["is_service_account"].astype(bool).to_numpy()
    trained = np.flatnonzero(last.notna().to_numpy() & ~service)
    n_retake = max(2, round(len(trained) * 0.05))
    retake = set(rng.choice(trained, size=min(n_retake, len(trained)), replace=False).tolist())
    never = [i for i in planted_trn if pd.isna(last.iat[i])]
    failed_only = sorted(rng.choice(never, size=max(1, len(never) // 2), replace=False).tolist()) if never else []
    trained_set = set(trained.tolist())
    for i in range(len(users)):
        uid = users["user_id"].iat[i]
        if i in trained_set:
            k = int(rng.integers(1, 4))
            mods = rng.choice(len(MODULES), size=k, replace=False)
            at = pd.Timestamp(last.iat[i])
            for j, m in enumerate(mods):
                done = at if j == 0 else at - pd.Timedelta(days=int(rng.integers(1, 120)), minutes=int(rng.integers(0, 600)))
                attempt = 1
                if j == 0 and i in retake:  # a failed first try a few days before the pass
                    rows.append((uid, MODULES[m], _score(rng, False), False,
                                 done - pd.Timedelta(days=int(rng.integers(1, 10))), 1))
                    attempt = 2
                rows.append((uid, MODULES[m], _score(rng, True), True, done, attempt))
        elif i in failed_only:
            done = now - pd.Timedelta(days=int(rng.integers(10, 300)), minutes=int(rng.integers(0, 600)))
            rows.append((uid, MODULES[int(rng.integers(len(MODULES)))], _score(rng, False), False, done, 1))
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["completed_at"] = pd.to_datetime(df["completed_at"]).astype("datetime64[s]")
    df = df.sort_values(["completed_at", "trainee_id", "module"], kind="stable").reset_index(drop=True)
    facts = {"rows": len(df), "trainees": int(df["trainee_id"].nunique()),
             "failed_attempts": int((~df["passed"]).sum()), "retakes_passed": len(retake),
             "failed_only_within_365_days": len(failed_only)}
    return df, facts
