"""DPIA content: ``assessments/dpia/*.yaml`` (screening criteria, the CNIL PIA questions, the three
risks, the PIPL Art. 56 mapping), validated on load.

Texts and mappings are content a privacy officer edits; how answers are derived from evidence is
code (``screening.RULES``, ``prefill.RULES``, ``risks``). Every reference is checked here: a rule
name, a check id, a scenario id or a question id that does not exist is a :class:`ContentError`
naming the file and the key.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import ContentError, KeyedValueError
from ..files import id_key, load_yaml_mapping, validate_model

REPO = Path(__file__).resolve().parents[2]
CONTENT_DIR = REPO / "assessments" / "dpia"
LANGS = ("en", "zh")
RISK_IDS = ("illegitimate_access", "unwanted_modification", "disappearance")
LEVEL_FIELDS = ("severity", "likelihood", "severity_after", "likelihood_after")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Strict):
    """A text in both languages; neither may be empty."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return getattr(self, lang)


class TextList(_Strict):
    en: list[str] = Field(min_length=1)
    zh: list[str] = Field(min_length=1)

    def get(self, lang: str) -> list[str]:
        return getattr(self, lang)


class Source(_Strict):
    title: str
    url: str


class Criterion(_Strict):
    id: str
    law: Literal["WP248", "GDPR35_3", "DE_DSK", "FR_CNIL", "PIPL"]
    evidence: str  # a rule in screening.RULES, or "analyst"
    same_as: str | None = None
    text: Text
    help: Text


class Screening(_Strict):
    version: int
    wp248_threshold: int = Field(ge=1, le=9)
    large_scale_subjects: int = Field(gt=0)
    minor_age: dict[Literal["WP248", "PIPL"], int]
    sources: dict[str, Source]
    criteria: list[Criterion]


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    kind: Literal["text", "bool", "list", "level"]
    prefill: str | None = None
    text: Text
    help: Text


class Section(_Strict):
    id: str
    title: Text
    questions: list[Question] = Field(min_length=1)


class Pia(_Strict):
    version: int
    sources: dict[str, Source]
    sections: list[Section] = Field(min_length=1)

    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}


class Risk(_Strict):
    id: Literal["illegitimate_access", "unwanted_modification", "disappearance"]
    title: Text
    checks: list[str] = Field(min_length=1)
    scenarios: list[str] = Field(min_length=1)
    sources: TextList
    threats: TextList
    impacts: TextList


class Risks(_Strict):
    version: int
    scale: dict[int, Text]
    frequency_levels: list[float] = Field(min_length=3, max_length=3)
    check_points_levels: list[int] = Field(min_length=3, max_length=3)
    risks: list[Risk]

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: dict[int, Text]) -> dict[int, Text]:
        if sorted(v) != [1, 2, 3, 4]:
            raise KeyedValueError("error.validator.cnil_levels")
        return v

    @field_validator("frequency_levels", "check_points_levels")
    @classmethod
    def _ascending(cls, v: list) -> list:
        if list(v) != sorted(v):
            raise KeyedValueError("error.validator.ascending")
        return v

    @field_validator("risks")
    @classmethod
    def _three(cls, v: list[Risk]) -> list[Risk]:
        if [r.id for r in v] != list(RISK_IDS):
            raise KeyedValueError("error.validator.cnil_risks", risks=", ".join(RISK_IDS))
        return v


class PipiaItem(_Strict):
    id: str
    text: Text
    answers: list[str] = Field(min_length=1)
    risks: list[str] = Field(default_factory=list)


class Pipia(_Strict):
    version: int
    items: list[PipiaItem] = Field(min_length=3)
    retention_years: int = Field(ge=1)


class Content(_Strict):
    screening: Screening
    pia: Pia
    risks: Risks
    pipia: Pipia

    def answer_ids(self) -> set[str]:
        """Every key an answers file may hold."""
        ids = set(self.pia.questions())
        ids |= {f"screening.{c.id}" for c in self.screening.criteria}
        ids |= {f"risks.{r}.{f}" for r in RISK_IDS for f in LEVEL_FIELDS}
        return ids


def _load(directory: Path, name: str, model: type[_Strict]) -> _Strict:
    path = directory / f"{name}.yaml"
    raw = load_yaml_mapping(path, f"DPIA {name} content", missing_hint="restore it from the repository")
    return validate_model(raw, model, path, f"DPIA {name} content", key=id_key)


def _check_references(c: Content, directory: Path) -> None:
    from ..breach.content import load_scenarios
    from ..checks import load_catalog
    from . import prefill, screening

    def bad(file: str, key: str, problem: str, **params: Any) -> ContentError:
        return ContentError.of(f"error.dpia_content.{problem}", "error.dpia_content.hint", path=directory / file,
                               file=file, key=key, **params)

    seen: set[str] = set()
    for cr in c.screening.criteria:
        if cr.id in seen:
            raise bad("screening.yaml", f"criteria[{cr.id}]", "duplicate_id")
        seen.add(cr.id)
        if cr.evidence != "analyst" and cr.evidence not in screening.RULES:
            raise bad("screening.yaml", f"criteria[{cr.id}].evidence", "unknown_evidence", rule=cr.evidence,
                      known=", ".join(sorted(screening.RULES)))
    for cr in c.screening.criteria:
        if cr.same_as and cr.same_as not in seen:
            raise bad("screening.yaml", f"criteria[{cr.id}].same_as", "no_criterion", id=cr.same_as)
    questions = c.pia.questions()
    if len(questions) != sum(len(s.questions) for s in c.pia.sections):
        raise bad("pia.yaml", "sections", "duplicate_question")
    for q in questions.values():
        if q.prefill and q.prefill not in prefill.RULES:
            raise bad("pia.yaml", f"questions[{q.id}].prefill", "unknown_rule", rule=q.prefill)
    controls = set(load_catalog().controls)
    scenarios = {s.id for s in load_scenarios()}
    for r in c.risks.risks:
        for ck in r.checks:
            if ck not in controls:
                raise bad("risks.yaml", f"risks[{r.id}].checks", "unknown_check", id=ck)
        for sc in r.scenarios:
            if sc not in scenarios:
                raise bad("risks.yaml", f"risks[{r.id}].scenarios", "unknown_scenario", id=sc)
    for item in c.pipia.items:
        for a in item.answers:
            if a not in questions:
                raise bad("pipia.yaml", f"items[{item.id}].answers", "no_question", id=a)
        for rid in item.risks:
            if rid not in RISK_IDS:
                raise bad("pipia.yaml", f"items[{item.id}].risks", "no_risk", id=rid)


def load_content(directory: str | Path | None = None) -> Content:
    """Load and cross-check the four DPIA content files (cached for the default folder)."""
    if directory is None:
        return _default()
    return _load_dir(Path(directory))


@lru_cache(maxsize=1)
def _default() -> Content:
    return _load_dir(CONTENT_DIR)


def _load_dir(d: Path) -> Content:
    c = Content(screening=_load(d, "screening", Screening), pia=_load(d, "pia", Pia),
                risks=_load(d, "risks", Risks), pipia=_load(d, "pipia", Pipia))
    _check_references(c, d)
    return c
