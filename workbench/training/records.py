"""Where the report's and the dashboard's training figures come from: real records only.

Two sources, in this order: the results store (``--store``, where the training app records every
attempt) or the dataset's ``training_results`` table (an LMS export: trainee_id, module, score,
passed, completed_at, attempt). The dashboard functions read a store, so an LMS export is loaded
into a private, throw-away SQLite store of the same schema. With neither source the figures are
empty and say so — nothing is invented.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import private_temp_dir
from .store import attempts_table, engine_for, forget

NO_DATA = ("no training records: the dataset has no training_results table (an LMS export) and no "
           "results store (--store) was given")


@dataclass(frozen=True)
class TrainingSource:
    """The store to read (``None``: no records at all) and what it holds."""

    store: str | None
    origin: str  # "store" | "dataset" | "none"
    rows: int = 0

    @property
    def note(self) -> str:
        if self.origin == "store":
            return "training records from the results store"
        if self.origin == "dataset":
            return f"training records from the dataset's training_results table ({self.rows} rows)"
        return NO_DATA


def _records(ds: Any) -> pd.DataFrame | None:
    if "training_results" not in getattr(ds, "tables", {}):
        return None
    df = ds.tables["training_results"]
    need = {"trainee_id", "module", "completed_at"}
    if df is None or df.empty or not need <= set(df.columns):
        return None
    df = df.dropna(subset=["trainee_id", "module", "completed_at"])
    return df if len(df) else None


def _private_store(kind: str, workdir: Path | None = None) -> str:
    """A store file in a private folder (0700, unpredictable name): ``workdir`` if given, else one
    removed when the process (the dashboard's kernel) exits. Never a predictable name in /tmp."""
    folder = workdir if workdir is not None else private_temp_dir("workbench-training-")
    return str(folder / f"{kind}.db")


def _fresh(path: Path) -> str:
    forget(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return str(path)


def dataset_store(ds: Any, path: str | Path | None = None) -> str | None:
    """Load the dataset's ``training_results`` into a fresh SQLite results store and return its
    path (``path``, else a private temporary file); ``None`` when the dataset has no usable training records."""
    df = _records(ds)
    if df is None:
        return None
    store = _fresh(Path(path)) if path else _private_store("lms")
    users = ds.tables["users"] if "users" in ds.tables else None
    dept = {}
    if users is not None and "department" in users and "user_id" in users:
        dept = dict(zip(users["user_id"].astype(str), users["department"]))
    rows = []
    for r in df.sort_values(["completed_at", "trainee_id", "module"], kind="stable").itertuples(index=False):
        score = float(r.score) if "score" in df and pd.notna(getattr(r, "score", None)) else None
        passed = getattr(r, "passed", None)
        passed = bool(passed) if passed is not None and pd.notna(passed) else bool(score is not None and score >= 0.75)
        when = pd.Timestamp(r.completed_at).to_pydatetime()
        trainee = str(r.trainee_id)
        d = dept.get(trainee)
        rows.append({"trainee_id": trainee, "department": None if d is None or pd.isna(d) else str(d),
                     "module_id": str(r.module), "module_version": "lms-export", "lang": None,
                     "score": score if score is not None else (1.0 if passed else 0.0), "passed": passed,
                     "n_questions": 0, "n_correct": 0, "started_at": when, "finished_at": when,
                     "source": "dataset", "answers_json": "{}",
                     # an LMS records completed assessments (not practice); the id is the LMS's
                     "mode": "exam", "identity": "lms-export"})
    # an LMS export has no per-question responses: attempts only, one transaction
    with engine_for(store).begin() as conn:
        conn.execute(attempts_table.insert(), rows)
    return store


def empty_store(ds: Any) -> str:
    """A fresh store with the schema and no rows, so that every dashboard figure is empty."""
    store = _private_store("none")
    engine_for(store)
    return store


def training_source(ds: Any, store: str | None = None, workdir: Path | None = None) -> TrainingSource:
    """The results store if given, else the dataset's training records (in a private temporary store,
    inside ``workdir`` when given), else nothing."""
    if store:
        return TrainingSource(str(store), "store")
    df = _records(ds)
    if df is not None:
        return TrainingSource(dataset_store(ds, _private_store("lms", workdir) if workdir else None), "dataset", len(df))
    return TrainingSource(None, "none")


def training_summary(ds: Any, store: str | None = None) -> dict[str, Any]:
    """``training.json`` of the quarterly report from real records only: the store, else the
    dataset's ``training_results``; with neither, an empty summary whose ``note`` says so.
    ``source`` tells which it was."""
    from .dashboard import privileged_roles, summary
    from .store import store_url

    with tempfile.TemporaryDirectory(prefix="workbench-training-") as tmp:  # private; gone on return
        src = training_source(ds, store, workdir=Path(tmp))
        users = ds.tables["users"] if "users" in ds.tables else None
        if src.store is None:
            return {"as_of": str(ds.as_of), "source": "none", "attempts": 0, "trainees": 0, "simulated": False,
                    "completion": None, "overdue": None, "mean_score": None, "pass_rate": None, "by_module": {},
                    "most_missed": [], "note": src.note}
        try:
            result = summary(store_url(src.store), users, ds.as_of, privileged_roles=privileged_roles(ds))
        finally:
            if src.origin == "dataset":  # the private store of an LMS export is not kept
                forget(src.store)
    if src.origin == "dataset":
        result["store"] = None  # a temporary file: its name would make the output differ per process
    result["source"] = src.origin
    result["note"] = src.note
    return result
