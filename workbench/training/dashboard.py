"""Trainer dashboard analytics: completion against the staff roster, scores, item analysis, overdue staff.

Every table shows masked names only. "Current" means a passed attempt in the store (or the roster's
``last_training_at``) within ``window_days`` (365, as in check TRN-001) before ``as_of``.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..masking import mask
from .content import list_modules, load_module
from .store import attempts as load_attempts
from .store import responses as load_responses

WINDOW_DAYS = 365
FALLBACK_PRIVILEGED = ("admin",)


def as_of_date(as_of: str | dt.date | pd.Timestamp | None) -> dt.date:
    """``as_of`` as a date (today when None)."""
    if as_of is None or as_of == "":
        return dt.date.today()
    return pd.Timestamp(as_of).date()


def _end_of(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def privileged_roles(dataset: Any) -> list[str]:
    """Roles in posture ``mfa_required_roles`` plus all-access roles of permissions.yaml."""
    roles: set[str] = set()
    if getattr(dataset, "posture", None) is not None:
        roles |= set(dataset.posture.policies.mfa_required_roles)
    if getattr(dataset, "permissions", None) is not None:
        roles |= set(dataset.permissions.all_access_roles())
    return sorted(roles)


def _truthy(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().str.lower().isin(["true", "1", "yes", "y", "t"]).fillna(False).astype(bool)


def roster(users: pd.DataFrame | None) -> pd.DataFrame:
    """Active, non-service staff: user_id, name (masked), department, role, last_training_at."""
    cols = ["user_id", "name", "department", "role", "last_training_at"]
    if users is None or "user_id" not in users:
        return pd.DataFrame(columns=cols)
    df = users.copy()
    keep = pd.Series(True, index=df.index)
    if "status" in df:
        keep &= df["status"].astype("string").str.lower().fillna("active").eq("active")
    if "terminated_at" in df:
        keep &= df["terminated_at"].isna()
    if "is_service_account" in df:
        keep &= ~_truthy(df["is_service_account"])
    df = df[keep]
    out = pd.DataFrame({"user_id": df["user_id"].astype(str)})
    out["name"] = df["name"].map(lambda v: mask(v, "person_name") if pd.notna(v) else "") if "name" in df else ""
    out["department"] = df["department"].astype("string").fillna("(none)") if "department" in df else "(none)"
    out["role"] = df["role"].astype("string").fillna("(none)") if "role" in df else "(none)"
    out["last_training_at"] = pd.to_datetime(df["last_training_at"]) if "last_training_at" in df else pd.NaT
    return out.sort_values("user_id").reset_index(drop=True)


def _no_practice(attempts: pd.DataFrame) -> pd.DataFrame:
    """Practice attempts (answers were shown) never count as training done or as scores (issue 11 item 7)."""
    return attempts[attempts["mode"] != "practice"] if "mode" in attempts else attempts


def _window(attempts: pd.DataFrame, as_of: dt.date, window_days: int) -> pd.DataFrame:
    start = pd.Timestamp(as_of) - pd.Timedelta(days=window_days)
    return attempts[(attempts["finished_at"] > start) & (attempts["finished_at"] <= _end_of(as_of))]


def staff_status(store: str | None, users: pd.DataFrame | None, as_of: Any = None, *,
                 privileged: Iterable[str] | None = None, window_days: int = WINDOW_DAYS,
                 include_roster: bool = True) -> pd.DataFrame:
    """One row per active staff member: last trained, current/overdue, privileged role, modules passed."""
    day = as_of_date(as_of)
    staff = roster(users)
    att = _no_practice(load_attempts(store))
    att = att[att["finished_at"] <= _end_of(day)]
    passed = att[att["passed"]]
    last_pass = passed.groupby("trainee_id")["finished_at"].max()
    recent = _window(passed, day, window_days).groupby("trainee_id")["module_id"].nunique()
    # map() on an empty roster tries to cast datetimes to float64: build the empty column directly
    # (nor can it map onto an empty Series of passes: a store with no passed attempt yet)
    staff["last_passed_at"] = (staff["user_id"].map(last_pass) if len(staff) and len(last_pass)
                               else pd.Series(pd.NaT, index=staff.index, dtype="datetime64[ns]"))
    staff["modules_passed"] = staff["user_id"].map(recent).fillna(0).astype(int)
    candidates = [staff["last_passed_at"]] + ([staff["last_training_at"]] if include_roster else [])
    both = pd.concat(candidates, axis=1)
    # max(axis=1) cannot reduce datetime columns of an empty roster
    staff["last_trained_at"] = (both.max(axis=1) if len(both)
                                else pd.Series(pd.NaT, index=staff.index, dtype="datetime64[ns]"))
    cutoff = pd.Timestamp(day) - pd.Timedelta(days=window_days)
    staff["current"] = staff["last_trained_at"].gt(cutoff).fillna(False).astype(bool)
    staff["overdue"] = ~staff["current"]
    roles = set(FALLBACK_PRIVILEGED if privileged is None else privileged)
    staff["privileged"] = staff["role"].isin(roles).astype(bool)
    return staff.drop(columns=["last_training_at"])


def completion_by_department(status: pd.DataFrame) -> pd.DataFrame:
    """Per department: staff, current, overdue, completion share; sorted by completion."""
    if status.empty:
        return pd.DataFrame(columns=["department", "staff", "current", "overdue", "completion"])
    g = status.groupby("department", dropna=False)
    out = pd.DataFrame({"staff": g.size(), "current": g["current"].sum().astype(int)})
    out["overdue"] = out["staff"] - out["current"]
    out["completion"] = (out["current"] / out["staff"]).round(4)
    return out.reset_index().sort_values(["completion", "department"]).reset_index(drop=True)


def score_table(store: str | None, as_of: Any = None, window_days: int = WINDOW_DAYS) -> pd.DataFrame:
    """Attempts in the window (module, trainee, department, score, passed, finished_at, source)."""
    day = as_of_date(as_of)
    att = _window(_no_practice(load_attempts(store)), day, window_days)
    return att[["attempt_id", "module_id", "module_version", "trainee_id", "department", "score", "passed",
                "finished_at", "source"]].reset_index(drop=True)


def module_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Per module: attempts, trainees, mean score, pass rate."""
    if scores.empty:
        return pd.DataFrame(columns=["module_id", "attempts", "trainees", "mean_score", "pass_rate"])
    g = scores.groupby("module_id")
    out = pd.DataFrame({"attempts": g.size(), "trainees": g["trainee_id"].nunique(),
                        "mean_score": g["score"].mean().round(4), "pass_rate": g["passed"].mean().round(4)})
    return out.reset_index().sort_values("module_id").reset_index(drop=True)


def _point_biserial(item: np.ndarray, rest: np.ndarray) -> float:
    if len(item) < 3 or item.std() == 0 or rest.std() == 0:
        return float("nan")
    return float(np.corrcoef(item, rest)[0, 1])


def item_analysis(store: str | None, as_of: Any = None, window_days: int = WINDOW_DAYS) -> pd.DataFrame:
    """Per question: responses, share correct, and discrimination — the point-biserial correlation
    between getting the item right and the rest of the attempt's score (item excluded)."""
    day = as_of_date(as_of)
    resp = load_responses(store)
    resp = resp[(resp["finished_at"] > pd.Timestamp(day) - pd.Timedelta(days=window_days))
                & (resp["finished_at"] <= _end_of(day))]
    cols = ["module_id", "question_id", "topic", "type", "reference", "responses", "share_correct", "discrimination"]
    if resp.empty:
        return pd.DataFrame(columns=cols)
    resp = resp.assign(item=resp["correct"].astype(float))
    per_attempt = resp.groupby("attempt_id")["item"].agg(["sum", "count"])
    resp = resp.join(per_attempt, on="attempt_id")
    resp["rest"] = (resp["sum"] - resp["item"]) / (resp["count"] - 1).clip(lower=1)
    rows = []
    known = set(list_modules())
    for (mid, qid), g in resp.groupby(["module_id", "question_id"], sort=True):
        topic = qtype = ref = ""
        if mid in known:
            try:
                q = load_module(mid).question(qid)
                topic, qtype, ref = q.topic, q.type, q.reference
            except StopIteration:
                pass
        rows.append({"module_id": mid, "question_id": qid, "topic": topic, "type": qtype, "reference": ref,
                     "responses": len(g), "share_correct": round(float(g["item"].mean()), 4),
                     "discrimination": round(_point_biserial(g["item"].to_numpy(), g["rest"].to_numpy()), 4)})
    return pd.DataFrame(rows, columns=cols)


def most_missed(items: pd.DataFrame, n: int = 10, min_responses: int = 5) -> pd.DataFrame:
    """The ``n`` questions with the lowest share correct (with at least ``min_responses``, capped at the
    largest number of responses any question has, so a small store still ranks its questions)."""
    if items.empty:
        return items
    df = items[items["responses"] >= min(min_responses, int(items["responses"].max()))]
    return df.sort_values(["share_correct", "module_id", "question_id"]).head(n).reset_index(drop=True)


def overdue_staff(status: pd.DataFrame, privileged_only: bool = False) -> pd.DataFrame:
    """Overdue staff (masked names), privileged first, then by department and id."""
    df = status[status["overdue"] & (status["privileged"] if privileged_only else True)]
    cols = ["user_id", "name", "department", "role", "privileged", "last_trained_at"]
    return df.sort_values(["privileged", "department", "user_id"], ascending=[False, True, True])[cols].reset_index(drop=True)


def _iso(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def summary(store_url: str | None, users: pd.DataFrame | None, as_of: Any = None, *,
            privileged_roles: Iterable[str] | None = None, window_days: int = WINDOW_DAYS,
            max_listed: int = 50) -> dict[str, Any]:
    """The ``training.json`` of the quarterly report (deterministic for a given store + as_of).

    ``privileged_roles`` should come from :func:`privileged_roles` (posture ``mfa_required_roles`` +
    all-access roles); when None, roles named ``admin`` are assumed privileged.
    """
    day = as_of_date(as_of)
    scores = score_table(store_url, day, window_days)
    status = staff_status(store_url, users, day, privileged=privileged_roles, window_days=window_days)
    items = item_analysis(store_url, day, window_days)
    per_module = module_scores(scores)
    by_dept = completion_by_department(status)
    overdue = overdue_staff(status)
    has_roster = users is not None and not status.empty
    result: dict[str, Any] = {
        "as_of": day.isoformat(),
        "window_days": window_days,
        "store": None,
        "simulated": bool((scores["source"] == "simulated").any()),
        "simulated_attempts": int((scores["source"] == "simulated").sum()),
        "modules": list_modules(),
        "attempts": int(len(scores)),
        "trainees": int(scores["trainee_id"].nunique()),
        "mean_score": round(float(scores["score"].mean()), 4) if len(scores) else None,
        "pass_rate": round(float(scores["passed"].mean()), 4) if len(scores) else None,
        "by_module": {r.module_id: {"attempts": int(r.attempts), "trainees": int(r.trainees),
                                    "mean_score": float(r.mean_score), "pass_rate": float(r.pass_rate)}
                      for r in per_module.itertuples()},
        "most_missed": [{"module": r.module_id, "question": r.question_id, "topic": r.topic,
                         "reference": r.reference, "responses": int(r.responses),
                         "share_correct": float(r.share_correct)} for r in most_missed(items, 5).itertuples()],
        "completion": None,
        "overdue": None,
    }
    if store_url and not result["simulated"]:  # a simulated store lives in a temp file: no name, stays reproducible
        result["store"] = os.path.basename(str(store_url).split("///")[-1])
    if has_roster:
        result["completion"] = {
            "staff": int(len(status)), "current": int(status["current"].sum()),
            "overall": round(float(status["current"].mean()), 4),
            "by_department": {r.department: {"staff": int(r.staff), "current": int(r.current),
                                             "share": float(r.completion)}
                              for r in by_dept.sort_values("department").itertuples()},
        }
        priv = overdue[overdue["privileged"]]
        result["overdue"] = {
            "count": int(len(overdue)), "privileged": int(len(priv)),
            "privileged_roles": sorted(set(FALLBACK_PRIVILEGED if privileged_roles is None else privileged_roles)),
            "privileged_roles_source": "default" if privileged_roles is None else "posture+permissions",
            "staff": [{"user_id": r.user_id, "name": r.name, "department": r.department, "role": r.role,
                       "privileged": bool(r.privileged), "last_trained": _iso(r.last_trained_at)}
                      for r in overdue.head(max_listed).itertuples()],
        }
    return result
