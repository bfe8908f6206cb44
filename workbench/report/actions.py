"""What was done about the risks: ``actions.yaml`` beside the quarter folders.

A privacy officer edits it; every quarterly run validates it, copies it into the quarter folder
(audit evidence, hashed in the manifest) and checks it against this quarter's findings::

    actions:
      - risk: AC-001                 # a check id of the risk register
        owner: IT security lead
        due: 2026-12-31
        status: in progress          # open | in progress | done | accepted
        note: MFA rollout to the support team
      - risk: BK-003
        owner: Head of IT
        status: accepted
        approver: CISO               # accepted risks: who accepted, why, until when
        reason: offsite copy planned with the 2027 data-centre move
        expires: 2027-03-31

The file lives outside the quarter folders, so it carries across quarters by itself; each
quarter's ``history.json`` records how every action stood then.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError, KeyedValueError, validation_message
from ..files import bad_date

FILE = "actions.yaml"
STATUSES = ("open", "in progress", "done", "accepted")


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    risk: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    status: Literal["open", "in progress", "done", "accepted"]
    due: dt.date | None = None
    note: str = ""
    approver: str = ""
    reason: str = ""
    expires: dt.date | None = None

    @model_validator(mode="after")
    def _accepted_needs_sign_off(self) -> "Action":
        if self.status == "accepted":
            missing = [k for k in ("approver", "reason", "expires") if not getattr(self, k)]
            if missing:
                raise KeyedValueError("error.validator.accepted_needs", missing=", ".join(missing))
        elif self.due is None:
            raise KeyedValueError("error.validator.action_due")
        return self


class ActionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actions: list[Action] = Field(default_factory=list)


def load(path: str | Path) -> list[Action]:
    """Read and validate ``actions.yaml``; an absent file is no actions. Bad content is an
    :class:`InputError` naming the file, the entry and the key."""
    path = Path(path)
    if not str(path) or not path.is_file():
        return []
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputError.of("error.actions.yaml", path=path, kind=type(e).__name__) from None
    except ValueError:   # due: 2026-13-01 reads as a date that does not exist
        raise bad_date(path, text, InputError) from None
    try:
        parsed = ActionsFile.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise InputError.of("error.actions.invalid", path=path, where=where, msg=validation_message(err),
                             statuses=", ".join(STATUSES)) from None
    seen: set[str] = set()
    for n, a in enumerate(parsed.actions):
        if a.risk in seen:
            raise InputError.of("error.actions.twice", path=path, n=n, risk=a.risk)
        seen.add(a.risk)
    return parsed.actions


def review(actions: list[Action], failing: dict[str, dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    """Each action against this quarter's failed checks, plus every failed check nobody owns.

    ``flag`` says what needs attention: "overdue", "done but persisting", "acceptance expired",
    "no action recorded"; "" when the action is on track, accepted or its finding resolved."""
    rows = []
    for a in sorted(actions, key=lambda a: a.risk):
        fails = a.risk in failing
        if a.status == "accepted":
            flag = "acceptance expired" if a.expires and a.expires < as_of else ""
        elif a.status == "done":
            flag = "done but persisting" if fails else ""
        else:
            flag = "overdue" if fails and a.due and a.due < as_of else ""
        rows.append({"risk": a.risk, "title": (failing.get(a.risk) or {}).get("title", ""), "owner": a.owner,
                     "status": a.status, "due": a.due.isoformat() if a.due else None,
                     "finding": "failing" if fails else "not failing", "flag": flag,
                     "approver": a.approver or None, "expires": a.expires.isoformat() if a.expires else None,
                     "reason": a.reason or None, "note": a.note or None})
    owned = {a.risk for a in actions}
    for cid in sorted(set(failing) - owned):
        rows.append({"risk": cid, "title": failing[cid].get("title", ""), "owner": None, "status": None, "due": None,
                     "finding": "failing", "flag": "no action recorded", "approver": None, "expires": None,
                     "reason": None, "note": None})
    return rows


def accepted_ids(reviewed: list[dict[str, Any]]) -> set[str]:
    """Risks under a valid (unexpired) acceptance: reported, but not counted as new."""
    return {r["risk"] for r in reviewed if r["status"] == "accepted" and r["flag"] != "acceptance expired"}
