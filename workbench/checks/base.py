"""The pieces every check shares: :class:`Finding`, :class:`CheckContext` and the registry.

A check is a small function ``(ctx) -> Finding`` registered with ``@check("AC-001")``. It
returns only what it measured (status, affected, total, evidence); the runner adds the
catalog metadata (title, severity, mappings, remediation...) from ``assessments/controls.yaml``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from ..config import Permissions, Policies, Posture
from ..dataset import Dataset
from ..masking import mask

PASS, FAIL, NOT_APPLICABLE, INSUFFICIENT = "pass", "fail", "not_applicable", "insufficient_data"
EVIDENCE_ROWS = 20  # evidence tables are samples, not dumps


@dataclass
class Finding:
    """The result of one check, plus its catalog metadata once the runner has merged it."""

    id: str
    status: str  # pass | fail | not_applicable | insufficient_data
    affected: int = 0
    total: int | None = None
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    note: str = ""  # why not_applicable / insufficient_data, or what was measured
    domain: str = ""
    title: str = ""
    severity: str = ""
    weight: float = 1.0
    unit: str = ""
    sensitivity: str = "medium"
    mappings: dict[str, list[str]] = field(default_factory=dict)
    rationale: str = ""
    remediation: str = ""

    @property
    def share(self) -> float:
        """affected / total (1.0 when the total is unknown or zero)."""
        if not self.total:
            return 1.0
        return min(1.0, self.affected / self.total)


@dataclass
class CheckContext:
    """What a check may look at. ``now`` is the end of the as_of day; the window ends at ``now``."""

    dataset: Dataset
    window_days: int = 90
    cache: dict[str, Any] = field(default_factory=dict)  # shared work (e.g. one log scan for AC-004 and AC-005)

    @property
    def now(self) -> pd.Timestamp:
        return self.dataset.now

    @property
    def as_of(self) -> dt.date:
        return self.dataset.as_of

    @property
    def start(self) -> pd.Timestamp:
        return self.now - pd.Timedelta(days=self.window_days)

    @property
    def posture(self) -> Posture | None:
        return self.dataset.posture

    @property
    def policies(self) -> Policies | None:
        return self.dataset.posture.policies if self.dataset.posture else None

    @property
    def permissions(self) -> Permissions | None:
        return self.dataset.permissions

    def table(self, name: str, *columns: str) -> pd.DataFrame | None:
        """The table as pandas when present with every named column (values may be empty), else
        ``None``. For small tables (staff, backup jobs); long ones are queried with :meth:`sql`."""
        cols = self.dataset.columns.get(name)
        if cols is None or any(c not in cols for c in columns):
            return None
        return self.dataset.tables[name]

    def sql(self, query: str) -> pd.DataFrame:
        """A small query result from the engine (DuckDB dialect; tables by canonical name)."""
        return self.dataset.sql(query)

    def has_column(self, table: str, column: str) -> bool:
        """The table has the column (values may all be empty)."""
        return column in self.dataset.columns.get(table, [])

    def missing(self, table: str, *columns: str) -> str | None:
        """Why a check reading ``columns`` of ``table`` cannot see its inputs — the table absent or
        empty, a column absent or all empty — or ``None`` when it can."""
        cols = self.dataset.columns.get(table)
        if cols is None:
            return f"no {table} table in the dataset"
        st = self.dataset.stats(table)
        if st["__rows__"] == 0:
            return f"the {table} table is empty"
        absent = [c for c in columns if c not in cols]
        if absent:
            return f"{table} has no {', '.join(absent)} column{'s' if len(absent) > 1 else ''}"
        empty = [c for c in columns if st.get(c, 0) == 0]
        if empty:
            return f"{table}.{', '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty in every row"
        return None

    def missing_if_present(self, table: str, *columns: str) -> str | None:
        """Like :meth:`missing` for optional columns: absent is fine, present but empty in every
        row is not (the values are unknown, which a check must not read as "none")."""
        present = [c for c in columns if self.has_column(table, c)]
        return self.missing(table, *present) if present else None

    def policy(self, key: str) -> object:
        """A posture.yaml policy value, or ``None`` when posture.yaml or the key is absent."""
        return getattr(self.policies, key, None) if self.policies is not None else None

    @property
    def now_sql(self) -> str:
        return ts_sql(self.now)

    @property
    def start_sql(self) -> str:
        return ts_sql(self.start)

    def in_window(self, ts: pd.Series) -> pd.Series:
        """True where the timestamp falls in [now - window_days, now]."""
        return (ts >= self.start) & (ts <= self.now)


CheckFn = Callable[[CheckContext], Finding]
REGISTRY: dict[str, CheckFn] = {}


def check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` under ``check_id`` (ids are unique)."""
    def deco(fn: CheckFn) -> CheckFn:
        if check_id in REGISTRY:
            raise ValueError(f"check id {check_id} registered twice")
        REGISTRY[check_id] = fn
        fn.check_id = check_id  # type: ignore[attr-defined]
        return fn
    return deco


# --- helpers the checks use -------------------------------------------------------------

def not_applicable(check_id: str, why: str) -> Finding:
    """The control does not apply here (nothing in scope): left out of the scores."""
    return Finding(id=check_id, status=NOT_APPLICABLE, affected=0, total=None, note=why)


def insufficient(check_id: str, why: str) -> Finding:
    """The check could not see its inputs: never a pass, and no credit in the scores."""
    return Finding(id=check_id, status=INSUFFICIENT, affected=0, total=None, note=why)


def ts_sql(t: pd.Timestamp) -> str:
    """A timestamp as an engine literal (microsecond precision, no time zone)."""
    return f"TIMESTAMP '{pd.Timestamp(t).strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def measured(check_id: str, affected: int, total: int | None, evidence: pd.DataFrame | None = None,
             note: str = "") -> Finding:
    """A pass when nothing is affected, else a fail."""
    ev = evidence if evidence is not None and int(affected) > 0 else pd.DataFrame()
    return Finding(id=check_id, status=FAIL if int(affected) > 0 else PASS, affected=int(affected),
                   total=None if total is None else int(total), evidence=ev.head(EVIDENCE_ROWS).reset_index(drop=True),
                   note=note)


def masked(df: pd.DataFrame, categories: dict[str, str | None]) -> pd.DataFrame:
    """Copy of ``df`` with the named columns masked by category (``None`` → generic rule).

    Timestamps are written as ISO text; missing values stay missing.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if col in categories:
            cat = categories[col]
            out[col] = [None if pd.isna(v) else mask(v, cat) for v in s]
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[col] = [None if pd.isna(v) else v.isoformat(timespec="seconds") for v in s]
    return out


def truthy(s: pd.Series) -> pd.Series:
    """True only where the value is True (missing → False)."""
    return s.astype("boolean").fillna(False).astype(bool)


def falsy_or_missing(s: pd.Series) -> pd.Series:
    """True where the value is not True (False or missing)."""
    return ~truthy(s)


def active_users(users: pd.DataFrame) -> pd.Series:
    return users["status"].astype("string").str.lower().eq("active").fillna(False).astype(bool)


def replace(f: Finding, **kw: Any) -> Finding:
    return dataclasses.replace(f, **kw)


def log_names(ctx: "CheckContext", df: pd.DataFrame | None, fields_col: str | None = None) -> pd.DataFrame | None:
    """Evidence quoting the access log's ``table`` / ``fields`` values through the output boundary:
    a table the dataset or the schema knows is named, any other is shown by its shape only; a
    fields list keeps the known field names and counts the others (``email, phone + 2 others``)."""
    if df is None or df.empty:
        return df
    from ..boundary import value_shape
    from ..schema import CANONICAL

    tables = {t.lower() for t in set(CANONICAL) | set(ctx.dataset.columns)}
    fields = {c.lower() for t in set(CANONICAL) | set(ctx.dataset.columns)
              for c in set(CANONICAL.get(t, {})) | set(ctx.dataset.columns.get(t, []))} | {"*"}

    def table(v: Any) -> Any:
        return v if pd.isna(v) or str(v).strip().lower() in tables else f"unknown table ({value_shape(v, 16)})"

    def field_list(v: Any) -> Any:
        if pd.isna(v):
            return v
        names = [f.strip() for f in str(v).split(",") if f.strip()]
        known = [f for f in names if f.lower() in fields]
        others = len(names) - len(known)
        return ", ".join(known) + (f"{' + ' if known else ''}{others} other{'s' if others != 1 else ''}" if others else "")

    out = df.copy()
    if "table" in out.columns:
        out["table"] = [table(v) for v in out["table"]]
    if fields_col and fields_col in out.columns:
        out[fields_col] = [field_list(v) for v in out[fields_col]]
    return out
