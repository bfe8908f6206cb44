"""Training modules: YAML files in ``training/`` validated with pydantic on load.

Every text a trainee reads exists in English (``en``) and Simplified Chinese (``zh``). A
validation failure raises :class:`ContentError` naming the file and the key.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ContentError, KeyedValueError
from ..files import id_key, load_yaml_mapping, validate_model
from ..i18n import each

LANGS = ("en", "zh")
QUESTION_TYPES = ("single", "multiple", "true_false", "spot")
CONTENT_DIR = Path(__file__).resolve().parents[2] / "training"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One text in both languages."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @field_validator("en", "zh")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise KeyedValueError("error.validator.blank")
        return v

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Lesson(_Strict):
    title: Text
    body: Text  # Markdown


class Option(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    text: Text
    feedback: Text | None = None


TRUE_FALSE_OPTIONS = (
    Option(id="true", text=Text(**each("training.option.true"))),
    Option(id="false", text=Text(**each("training.option.false"))),
)


class Question(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    type: Literal["single", "multiple", "true_false", "spot"]
    topic: str = Field(min_length=1)
    prompt: Text
    record: str | None = None  # spot: a masked CRM record or access-log excerpt (shown verbatim)
    options: tuple[Option, ...] = ()
    answer: bool | str | list[str]
    explanation: Text
    reference: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _default_true_false_options(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("type") == "true_false" and not data.get("options"):
            data = {**data, "options": [o.model_dump() for o in TRUE_FALSE_OPTIONS]}
        return data

    @model_validator(mode="after")
    def _answer_among_options(self) -> "Question":
        ids = [o.id for o in self.options]
        if len(ids) < 2:
            raise KeyedValueError("error.validator.two_options")
        if len(set(ids)) != len(ids):
            raise KeyedValueError("error.validator.option_ids", ids=sorted({i for i in ids if ids.count(i) > 1}))
        if self.type == "true_false":
            if not isinstance(self.answer, bool):
                raise KeyedValueError("error.validator.true_false_answer")
            if set(ids) != {"true", "false"}:
                raise KeyedValueError("error.validator.true_false_ids")
        elif self.type == "single":
            if not isinstance(self.answer, str) or self.answer not in ids:
                raise KeyedValueError("error.validator.single_answer", ids=ids)
        elif self.type == "multiple":
            if not isinstance(self.answer, list) or not self.answer:
                raise KeyedValueError("error.validator.multiple_answer")
        if self.type in ("multiple", "spot"):
            chosen = self.answer if isinstance(self.answer, list) else [self.answer]
            if isinstance(self.answer, bool) or any(a not in ids for a in chosen) or len(set(chosen)) != len(chosen):
                raise KeyedValueError("error.validator.distinct_answers", ids=ids)
        if self.type == "spot" and not (self.record and self.record.strip()):
            raise KeyedValueError("error.validator.spot_record")
        return self

    @property
    def multi(self) -> bool:
        """True when the trainee picks a set of options (multiple, or spot with a list answer)."""
        return self.type == "multiple" or (self.type == "spot" and isinstance(self.answer, list))

    @property
    def correct_ids(self) -> frozenset[str]:
        if isinstance(self.answer, bool):
            return frozenset({"true" if self.answer else "false"})
        return frozenset(self.answer if isinstance(self.answer, list) else [self.answer])

    def option(self, option_id: str) -> Option:
        return next(o for o in self.options if o.id == option_id)


class Module(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str
    title: Text
    audience: list[str] = Field(min_length=1)
    estimated_minutes: int = Field(gt=0, le=240)
    pass_mark: float = Field(gt=0, le=1)
    summary: Text | None = None
    lessons: tuple[Lesson, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)
    # optional question pool: each trainee is asked ``draw`` questions drawn from ``questions``
    draw: int | None = Field(default=None, gt=0)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v

    @field_validator("audience", mode="before")
    @classmethod
    def _audience_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _unique_question_ids(self) -> "Module":
        ids = [q.id for q in self.questions]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise KeyedValueError("error.validator.question_ids", ids=dup)
        if self.draw is not None and self.draw > len(ids):
            raise KeyedValueError("error.validator.draw", draw=self.draw, n=len(ids))
        return self

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)


def content_dir() -> Path:
    """Folder of module YAML files (``WORKBENCH_TRAINING_DIR`` overrides the repo's ``training/``)."""
    return Path(os.environ.get("WORKBENCH_TRAINING_DIR") or CONTENT_DIR)


def load_file(path: str | Path) -> Module:
    """Read and validate one module file."""
    path = Path(path)
    raw = load_yaml_mapping(path, "training module", missing_hint="error.training.module_missing_hint")
    module = validate_model(raw, Module, path, "training module", key=id_key,
                            hint="error.training.key_hint")
    if module.id != path.stem:
        raise ContentError.of("error.training.module_id", path=path, id=module.id)
    return module


@functools.lru_cache(maxsize=64)
def _cached(path: str, mtime: float) -> Module:
    return load_file(path)


def list_modules(directory: str | Path | None = None) -> list[str]:
    """Ids of the modules available, sorted."""
    d = Path(directory) if directory else content_dir()
    return sorted(p.stem for p in d.glob("*.yaml"))


def load_module(module_id: str, directory: str | Path | None = None) -> Module:
    """Load module ``module_id`` (validated; cached while the file is unchanged)."""
    d = Path(directory) if directory else content_dir()
    known = list_modules(d)
    # only an id the content folder lists: a page's ?module= may carry '../' or a path (issue 21 item 4)
    if not isinstance(module_id, str) or module_id not in known:
        shown = repr(str(module_id)[:64])
        raise ContentError.of("error.training.module", shown=shown, known=", ".join(known) or "none")
    path = d / f"{module_id}.yaml"
    return _cached(str(path), path.stat().st_mtime)


def load_all(directory: str | Path | None = None) -> list[Module]:
    """Every module, sorted by id."""
    return [load_module(m, directory) for m in list_modules(directory)]
