"""Training assignments: which module each role or department must pass, by when, and how often.

An assignments file is YAML (validated on load) that a privacy officer edits::

    assignments:
      - id: all-staff-law                 # optional; default MODULE:ROLES/DEPARTMENTS
        module: privacy-law-basics
        roles: ["*"]                      # roles it applies to ("*" = every role) …
        departments: []                   # … and/or departments
        due: 2026-10-31                   # first due date
        every_days: 365                   # optional recurrence: a new cycle after each due date

or a table (CSV or DataFrame) with columns ``module, role, department, due, every_days`` (one role
or department per row). A cycle runs from the previous due date (exclusive) to its due date
(inclusive); the first cycle has no start. In each cycle the score of record is the trainee's first
complete exam attempt (practice never counts). Status at ``now`` per person and assignment:
``done`` (the record of the current cycle passed), ``overdue`` (a due date has passed without a
passed record), ``failed`` (the record of the current cycle failed, due date not yet passed) or
``due`` (nothing yet, due date ahead). Someone who passed the previous cycle of a recurring
assignment stays ``done`` until 30 days before the next due date, then is ``due`` again.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ContentError, KeyedValueError, validation_message
from ..files import load_yaml_mapping, validate_model
from ..masking import mask
from .content import list_modules, load_module

REMIND_DAYS = 30  # a recurring assignment passed last cycle becomes "due" this many days before its next due date
STATUS_ORDER = {"overdue": 0, "failed": 1, "due": 2, "done": 3}
COLUMNS = ["assignment", "module_id", "user_id", "name", "department", "role", "privileged", "due_date", "status",
           "completed_at", "score"]


class Assignment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = ""
    module: str = Field(min_length=1)
    roles: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    due: dt.date
    every_days: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _scope_and_module(self) -> "Assignment":
        if not self.roles and not self.departments:
            raise KeyedValueError("error.validator.assignment_audience")
        if self.module not in list_modules():
            raise KeyedValueError("error.validator.assignment_module", module=self.module, modules=list_modules())
        if not self.id:
            scope = ",".join(self.roles) or ",".join(self.departments)
            object.__setattr__(self, "id", f"{self.module}:{scope}")
        return self

    def applies(self, role: Any, department: Any) -> bool:
        return "*" in self.roles or str(role) in self.roles or str(department) in self.departments

    def due_dates(self, now: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """(last due date before ``now``, next due date on or after ``now``): a due day itself is not late."""
        if self.every_days is None:
            return (self.due, None) if self.due < now else (None, self.due)
        if now <= self.due:
            return None, self.due
        k = ((now - self.due).days - 1) // self.every_days
        last = self.due + dt.timedelta(days=k * self.every_days)
        return last, last + dt.timedelta(days=self.every_days)


class AssignmentFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignments: list[Assignment] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "AssignmentFile":
        ids = [a.id for a in self.assignments]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise KeyedValueError("error.validator.assignment_ids", ids=dup)
        return self


def _from_table(df: pd.DataFrame, where: str) -> list[Assignment]:
    missing = [c for c in ("module", "due") if c not in df.columns]
    if missing:
        raise ContentError.of("error.assignments.columns", where=where, missing=missing)
    rows = []
    for i, row in enumerate(df.to_dict("records"), start=2):
        def cell(name: str) -> Any:
            value = row.get(name)
            return None if value is None or pd.isna(value) or str(value).strip() == "" else value
        raw = {"module": cell("module"), "due": str(cell("due") or ""),
               "roles": [str(cell("role"))] if cell("role") else [],
               "departments": [str(cell("department"))] if cell("department") else []}
        if cell("every_days"):
            raw["every_days"] = int(float(cell("every_days")))
        if cell("id"):
            raw["id"] = str(cell("id"))
        try:
            rows.append(Assignment.model_validate(raw))
        except ValidationError as e:  # one line naming the row
            first = e.errors()[0]
            key = ".".join(str(p) for p in first.get("loc", ())) or "row"
            raise ContentError.of("error.assignments.row", where=where, row=i, key=key,
                                  msg=validation_message(first)) from None
    return rows


def load_assignments(source: str | Path | pd.DataFrame) -> list[Assignment]:
    """Assignments from a YAML file, a CSV file or a DataFrame (validated; errors name file and key/row)."""
    if isinstance(source, pd.DataFrame):
        return _from_table(source, "assignments table")
    path = Path(source)
    if path.suffix.lower() == ".csv":
        if not path.is_file():
            raise ContentError.of("error.assignments.missing", path=path)
        return _from_table(pd.read_csv(path, dtype=str, keep_default_na=False), str(path))
    raw = load_yaml_mapping(path, "assignments", missing_hint="error.assignments.yaml_missing_hint")
    return validate_model(raw, AssignmentFile, path, "assignments",
                          hint="error.assignments.key_hint").assignments


def _records(records: pd.DataFrame | None) -> pd.DataFrame:
    """Exam attempts with trainee_id, module_id, passed, score, finished_at — from the store's attempts
    or a dataset ``training_results`` table (module, completed_at; practice rows dropped)."""
    cols = ["trainee_id", "module_id", "passed", "score", "finished_at"]
    if records is None or len(records) == 0:
        return pd.DataFrame(columns=cols)
    df = records.rename(columns={"module": "module_id", "completed_at": "finished_at"})
    if "mode" in df:
        df = df[df["mode"].fillna("exam") == "exam"]
    out = pd.DataFrame({"trainee_id": df["trainee_id"].astype(str), "module_id": df["module_id"].astype(str),
                        "passed": df["passed"].astype("boolean").fillna(False).astype(bool),
                        "score": pd.to_numeric(df["score"], errors="coerce") if "score" in df else float("nan"),
                        "finished_at": pd.to_datetime(df["finished_at"], utc=True).dt.tz_localize(None)})
    order = ["finished_at"] + (["attempt"] if "attempt" in df else [])
    if "attempt" in df:
        out["attempt"] = pd.to_numeric(df["attempt"], errors="coerce")
    return out.sort_values(order, kind="stable")


def _staff(users: pd.DataFrame | None) -> pd.DataFrame:
    from .dashboard import roster

    return roster(users)


def assignment_status(users: pd.DataFrame | None, records: pd.DataFrame | None, assignments: list[Assignment],
                      now: Any, *, privileged: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per active staff member × assignment that applies: due date, status, record; privileged
    roles first, then overdue before failed before due before done."""
    from .dashboard import as_of_date

    today = as_of_date(now)
    end_of_day = pd.Timestamp(today) + pd.Timedelta(days=1)
    staff = _staff(users)
    rec = _records(records)
    rec = rec[rec["finished_at"] < end_of_day]
    rows: list[dict[str, Any]] = []
    for a in assignments:
        last_due, next_due = a.due_dates(today)
        current_due = next_due if next_due is not None else last_due
        # the current cycle: after the last due date (when there is a next one), else everything up to the due
        start = pd.Timestamp(last_due) + pd.Timedelta(days=1) if (last_due and next_due) else None
        prev_start = (pd.Timestamp(last_due - dt.timedelta(days=a.every_days)) + pd.Timedelta(days=1)
                      if (last_due and a.every_days and last_due - dt.timedelta(days=a.every_days) >= a.due) else None)
        mine = rec[rec["module_id"] == a.module]
        for person in staff.itertuples():
            if not a.applies(person.role, person.department):
                continue
            theirs = mine[mine["trainee_id"] == person.user_id]
            current = theirs if start is None else theirs[theirs["finished_at"] >= start]
            record = current.iloc[0] if len(current) else None  # first complete exam attempt of the cycle
            if record is not None and bool(record["passed"]):
                status = "done"
            elif last_due is not None and next_due is None:
                status = "overdue"  # a one-off assignment past its due date, not passed
            elif last_due is not None:
                # recurring: the cycle that ended at last_due must have a passed record, else overdue
                before = theirs[(theirs["finished_at"] < pd.Timestamp(last_due) + pd.Timedelta(days=1))
                                & ((theirs["finished_at"] >= prev_start) if prev_start is not None else True)]
                ok = len(before) and bool(before.iloc[0]["passed"])
                if not ok:
                    status = "overdue"
                elif record is not None:
                    status = "failed"
                else:  # passed last cycle: compliant until the reminder window of the next due date opens
                    status = "due" if (next_due - today).days <= REMIND_DAYS else "done"
                    if status == "done":
                        record = before.iloc[0]
            else:
                status = "failed" if record is not None else "due"
            rows.append({"assignment": a.id, "module_id": a.module, "user_id": person.user_id, "name": person.name,
                         "department": person.department, "role": person.role,
                         "privileged": person.role in set(privileged),
                         "due_date": last_due if status == "overdue" else current_due, "status": status,
                         "completed_at": None if record is None else record["finished_at"],
                         "score": None if record is None else float(record["score"])})
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df.empty:
        return df
    df["_s"] = df["status"].map(STATUS_ORDER)
    df = df.sort_values(["privileged", "_s", "due_date", "department", "user_id", "assignment"],
                        ascending=[False, True, True, True, True, True])
    return df.drop(columns="_s").reset_index(drop=True)


def assignment_summary(status: pd.DataFrame) -> pd.DataFrame:
    """Per assignment: staff in scope and how many are done, due, failed, overdue (privileged overdue too)."""
    cols = ["assignment", "module_id", "due_date", "staff", "done", "due", "failed", "overdue", "privileged_overdue"]
    if status.empty:
        return pd.DataFrame(columns=cols)
    g = status.groupby(["assignment", "module_id", "due_date"], sort=True)
    out = g.size().rename("staff").to_frame()
    for s in ("done", "due", "failed", "overdue"):
        out[s] = g["status"].apply(lambda x, s=s: int((x == s).sum()))
    out["privileged_overdue"] = g.apply(lambda x: int(((x["status"] == "overdue") & x["privileged"]).sum()),
                                        include_groups=False)
    return out.reset_index()[cols]


def overdue_assignments(users: pd.DataFrame | None, records: pd.DataFrame | None,
                        assignments: list[Assignment], now: Any) -> pd.DataFrame:
    """Who is overdue (for check TRN-001): one row per active staff member × assignment whose due date
    passed without a passed record — columns user_id, module_id, assignment, due_date, status."""
    status = assignment_status(users, records, assignments, now)
    out = status[status["status"] == "overdue"][["user_id", "module_id", "assignment", "due_date", "status"]]
    return out.sort_values(["user_id", "assignment"]).reset_index(drop=True)


def owed(status: pd.DataFrame) -> pd.DataFrame:
    """Rows still owing something (not done), in the dashboard's order."""
    return status[status["status"] != "done"].reset_index(drop=True)


def reminders_csv(status: pd.DataFrame, lang: str = "en") -> str:
    """Mail-merge CSV of exactly who still owes what: user_id, masked name, department, role, module id
    and title, due date, status."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["user_id", "name", "department", "role", "module_id", "module_title", "due_date", "status"])
    for r in owed(status).itertuples():
        writer.writerow([r.user_id, r.name, r.department, r.role, r.module_id,
                         load_module(r.module_id).title.get(lang), r.due_date.isoformat(), r.status])
    return buf.getvalue()


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + space)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, cur = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(cur) + len(b) > (75 if not parts else 74):
            parts.append(cur.decode("utf-8"))
            cur = b""
        cur += b
    parts.append(cur.decode("utf-8"))
    return "\r\n ".join(parts)


def reminders_ics(status: pd.DataFrame, now: Any, lang: str = "en") -> str:
    """An iCalendar file with one all-day event per person × module still owed, on its due date.
    Deterministic: UIDs derive from assignment, person and due date; DTSTAMP is ``now``."""
    from .dashboard import as_of_date

    stamp = as_of_date(now).strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//workbench//training reminders//EN", "CALSCALE:GREGORIAN"]
    for r in owed(status).itertuples():
        uid = hashlib.sha256(f"{r.assignment}|{r.user_id}|{r.due_date}".encode()).hexdigest()[:24]
        title = load_module(r.module_id).title.get(lang)
        day = r.due_date.strftime("%Y%m%d")
        end = (r.due_date + dt.timedelta(days=1)).strftime("%Y%m%d")
        lines += ["BEGIN:VEVENT", f"UID:{uid}@workbench", f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{day}",
                  f"DTEND;VALUE=DATE:{end}", _fold(f"SUMMARY:{_ics_text('Privacy training due: ' + title)}"),
                  _fold(f"DESCRIPTION:{_ics_text(f'{r.user_id} ({r.department}) — module {r.module_id} — {r.status}')}"),
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def assignment_view(store: str | None, users: pd.DataFrame | None, assignments: str | Path | None, as_of: Any, *,
                    privileged: list[str] | tuple[str, ...] = (), dataset: str | Path | None = None) -> pd.DataFrame:
    """The dashboard's assignment table from a results store and an assignments file; without a file,
    ``DATASET/assignments.yaml`` when it exists, else an empty table (nothing assigned)."""
    if not assignments and dataset and (Path(dataset) / "assignments.yaml").is_file():
        assignments = Path(dataset) / "assignments.yaml"
    if not assignments:
        return pd.DataFrame(columns=COLUMNS)
    from .store import attempts

    return assignment_status(users, attempts(store), load_assignments(assignments), as_of, privileged=privileged)


def identity_note(store: str | None, as_of: Any = None) -> Any:
    """A Markdown line saying how many attempts of record rest on self-declared ids (issue 11 item 7)."""
    from IPython.display import Markdown

    from .dashboard import _end_of, as_of_date
    from .identity import PLATFORM_SOURCES
    from .store import attempts, attempts_of_record

    rec = attempts_of_record(attempts(store))
    rec = rec[rec["finished_at"] <= _end_of(as_of_date(as_of))]
    if rec.empty:
        return Markdown("No attempts of record yet.")
    source = rec["identity"].fillna("unknown")
    platform = int(source.isin(PLATFORM_SOURCES).sum())
    simulated = int((rec["source"] == "simulated").sum())
    declared = len(rec) - platform - simulated
    from ..i18n import markdown
    key = "appx.identities_simulated" if simulated else "appx.identities"
    return markdown(key, platform=platform, total=len(rec), declared=declared,
                    **({"simulated": simulated} if simulated else {}))
