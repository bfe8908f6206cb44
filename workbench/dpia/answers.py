"""The analyst's answers file: what was confirmed, overridden or completed, by whom and when.

Format (YAML, versioned; the notebook ``06_dpia`` writes it, an analyst may edit it by hand)::

    format: workbench-dpia-answers/1
    dataset: Acme Retail CRM
    answers:
      context.purposes: {value: "Customer service and orders"}        # completes a question
      context.data_categories: {confirmed: true}                       # accepts the pre-filled answer
      screening.evaluation_scoring: {value: false}                     # an analyst-only criterion
      risks.illegitimate_access.severity: {value: 2, reason: "..."}    # override: reason required
    history:                                                           # appended on every save
      - {version: 1, by: "A. Analyst", at: "2026-10-01T09:00:00+00:00", changed: [...]}
    validated: {at: ..., by: ..., version: 3, evidence: {...}}         # recorded when status becomes validated

An answer that replaces a pre-filled value (a derived screening verdict, a derived risk level, a
pre-filled text) is an override and must carry a ``reason``; without one the file is bad input.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError
from ..files import load_yaml_mapping, validate_model, write_text_atomic
from .content import Content, load_content

FORMAT = "workbench-dpia-answers/1"
STATUSES = ("draft", "validated")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Entry(_Strict):
    value: Any = None
    reason: str | None = None
    confirmed: bool = False


class HistoryItem(_Strict):
    version: int = Field(ge=1)
    by: str = Field(min_length=1)
    at: str = Field(min_length=1)
    changed: list[str] = Field(default_factory=list)
    note: str = ""


class Validated(_Strict):
    at: str
    by: str
    version: int
    evidence: dict[str, Any] = Field(default_factory=dict)


class AnswersFile(_Strict):
    format: str = FORMAT
    dataset: str = ""
    answers: dict[str, Entry] = Field(default_factory=dict)
    history: list[HistoryItem] = Field(default_factory=list)
    validated: Validated | None = None


@dataclass
class Answers:
    """A loaded (or new) answers file. ``path`` is where it came from, for messages."""

    data: AnswersFile = field(default_factory=AnswersFile)
    path: str = "(no answers file)"

    def get(self, key: str) -> Entry | None:
        return self.data.answers.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        e = self.get(key)
        return default if e is None or e.value is None else e.value

    @property
    def status(self) -> str:
        return str(self.value("validation.status", "draft"))

    @property
    def version(self) -> int:
        return self.data.history[-1].version if self.data.history else 0

    def bad(self, key: str, problem: str, /, **params: Any) -> InputError:
        """``problem``: the catalogue's ``error.dpia_answer.<problem>`` (and its ``_hint``)."""
        return InputError.of(f"error.dpia_answer.{problem}", path=self.path, answer=key, **params)

    def check_override(self, key: str, derived: Any) -> tuple[Any, str]:
        """The effective value of a pre-filled answer and its origin (evidence|confirmed|override).

        An answer whose value differs from ``derived`` without a reason is bad input."""
        e = self.get(key)
        if e is None or (e.value is None and not e.confirmed):
            return derived, "evidence"
        if e.value is None or e.value == derived:
            return derived, "confirmed"
        if not (e.reason or "").strip():
            raise self.bad(key, "override", derived=_short(derived))
        return e.value, "override"


def _short(v: Any) -> str:
    text = " ".join(str(v).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _check_values(a: Answers, content: Content) -> None:
    ids = content.answer_ids()
    questions = content.pia.questions()
    for key, e in a.data.answers.items():
        if key not in ids:
            raise a.bad(key, "unknown")
        v = e.value
        if v is None:
            continue
        kind = "bool" if key.startswith("screening.") else "level" if key.startswith("risks.") else questions[key].kind
        if kind == "bool" and not isinstance(v, bool):
            raise a.bad(key, "bool", got=type(v).__name__)
        if kind == "level" and (isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 4):
            raise a.bad(key, "level")
        if kind == "list" and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise a.bad(key, "list")
        if kind == "text" and not isinstance(v, str):
            raise a.bad(key, "text", got=type(v).__name__)
    status = a.value("validation.status", "draft")
    if status not in STATUSES:
        raise a.bad("validation.status", "status", value=_short(status))
    if status == "validated":
        for need in ("validation.dpo_opinion", "validation.signed_off_by"):
            if not str(a.value(need, "")).strip():
                raise a.bad(need, "validated")


def load_answers(path: str | Path | None, content: Content | None = None) -> Answers:
    """Read and validate an answers file; ``None`` or ``""`` gives an empty draft."""
    content = content or load_content()
    if not path:
        return Answers()
    p = Path(path)
    raw = load_yaml_mapping(p, "DPIA answers file", InputError,
                            missing_hint="error.dpia.answers_missing_hint")
    data = validate_model(raw, AnswersFile, p, "DPIA answers file", InputError)
    if data.format != FORMAT:
        raise InputError.of("error.dpia.format", path=p, value=_short(data.format), format=FORMAT)
    a = Answers(data=data, path=str(p))
    _check_values(a, content)
    return a


def _masked(v: Any) -> Any:
    """Personal values pasted into an answer are masked before the file is written: a DPIA
    describes data, it never holds it."""
    from ..masking import mask_text

    if isinstance(v, str):
        return mask_text(v)
    if isinstance(v, list):
        return [_masked(x) for x in v]
    if isinstance(v, dict):
        return {k: _masked(x) for k, x in v.items()}
    return v


def save_answers(answers: Answers, path: str | Path, *, by: str, at: str | None = None, note: str = "",
                 evidence: dict[str, Any] | None = None, previous: Answers | None = None) -> Path:
    """Write ``answers`` to ``path`` (atomically) as a new version with who, when and what changed.

    ``previous`` (default: the file at ``path``, if any) gives the history to extend and the keys
    that changed. When the status becomes ``validated``, ``evidence`` (the DPIA's fingerprint) is
    recorded so later runs can tell whether the evidence has changed since."""
    if not by.strip():
        raise InputError.of("error.dpia.no_analyst")
    p = Path(path)
    if previous is None and p.is_file():
        previous = load_answers(p)
    prev = previous.data if previous else AnswersFile()
    data = copy.deepcopy(answers.data)
    data.history = list(prev.history)
    changed = sorted(k for k in set(data.answers) | set(prev.answers)
                     if data.answers.get(k) != prev.answers.get(k))
    when = at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    version = (prev.history[-1].version if prev.history else 0) + 1
    data.history.append(HistoryItem(version=version, by=by, at=when, changed=changed, note=note))
    new = Answers(data=data, path=str(p))
    _check_values(new, load_content())
    if new.status == "validated" and (prev.validated is None or changed):
        data.validated = Validated(at=when, by=by, version=version, evidence=evidence or {})
    elif new.status != "validated":
        data.validated = prev.validated  # the last validation stays on record while a new draft is edited
    doc = data.model_dump(mode="json", exclude_none=False)
    doc["answers"] = {k: {kk: _masked(vv) for kk, vv in v.items() if vv not in (None, False, "")}
                      for k, v in sorted(doc["answers"].items())}
    for h in doc["history"]:
        h["by"], h["note"] = _masked(h["by"]), _masked(h["note"])
    if doc.get("validated"):
        doc["validated"]["by"] = _masked(doc["validated"]["by"])
    text = "# DPIA answers (workbench dpia --answers FILE); edited by notebook 06_dpia or by hand.\n" + \
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return write_text_atomic(p, text)
