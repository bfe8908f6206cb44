"""The control catalog (``assessments/controls.yaml``) and assessment profiles, validated on load.

A privacy officer edits these files; any problem raises :class:`ContentError` naming the file
and the key.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ContentError, KeyedValueError
from ..files import load_yaml_mapping, validate_model

CONTENT_DIR = Path(__file__).resolve().parents[2] / "assessments"
DOMAINS = ("encryption", "access", "backup", "privacy", "data", "training")
SEVERITIES = ("low", "medium", "high", "critical")
UNITS = ("records", "accounts", "log events", "jobs", "systems", "columns")

# A well-formed reference per framework (tests hold every mapping to these).
FRAMEWORK_PATTERNS: dict[str, str] = {
    "GDPR": r"^Art\. \d{1,2}(\(\d\))?(\([a-z]\))?$",
    "CCPA": r"^1798\.\d{2,3}(\.\d)?(\([a-z]\))?(\(\d\))?$",
    "PIPL": r"^Art\. \d{1,2}$",
    "ISO27001": r"^A\.[5-8]\.\d{1,2}$",
    "NIST-CSF": r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}$",
    "CIS": r"^\d{1,2}\.\d{1,2}$",
}
FRAMEWORKS = tuple(FRAMEWORK_PATTERNS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Control(_Strict):
    title: str = Field(min_length=3)
    domain: Literal["encryption", "access", "backup", "privacy", "data", "training"]
    severity: Literal["low", "medium", "high", "critical"]
    weight: float = Field(gt=0, le=10)
    unit: Literal["records", "accounts", "log events", "jobs", "systems", "columns"]
    sensitivity: Literal["low", "medium", "high"] = "medium"  # of the data at stake (risk impact)
    rationale: str = Field(min_length=10)
    remediation: str = Field(min_length=10)
    # Chinese text of what a reader sees (GB/T 35273 vocabulary), and what a passed check verifies
    title_zh: str = Field(min_length=2)
    remediation_zh: str = Field(min_length=5)
    verifies: str = Field(min_length=5)
    verifies_zh: str = Field(min_length=2)
    mappings: dict[str, list[str]]

    @field_validator("mappings", mode="before")
    @classmethod
    def _text_only(cls, v: object) -> object:
        if isinstance(v, dict):
            for fw, refs in v.items():
                for r in refs if isinstance(refs, list) else [refs]:
                    if not isinstance(r, str):
                        raise KeyedValueError("error.validator.reference_text", framework=fw, ref=repr(r))
        return v

    @field_validator("mappings")
    @classmethod
    def _well_formed(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for fw, refs in v.items():
            if fw not in FRAMEWORK_PATTERNS:
                raise KeyedValueError("error.validator.framework", framework=fw, known=", ".join(FRAMEWORKS))
            for r in refs:
                if not re.match(FRAMEWORK_PATTERNS[fw], r):
                    raise KeyedValueError("error.validator.reference_form", framework=fw, ref=r)
        return {fw: v[fw] for fw in FRAMEWORKS if v.get(fw)}


class Catalog(_Strict):
    version: int = 1
    owners: dict[Literal["encryption", "access", "backup", "privacy", "data", "training"], str]
    owners_zh: dict[Literal["encryption", "access", "backup", "privacy", "data", "training"], str]
    due_days: dict[Literal["low", "medium", "high", "critical"], int]
    controls: dict[str, Control]

    @model_validator(mode="after")
    def _owners_translated(self) -> "Catalog":
        missing = sorted(set(self.owners) - set(self.owners_zh))
        if missing:
            raise KeyedValueError("error.validator.owners_zh", missing=", ".join(missing))
        return self

    @field_validator("controls")
    @classmethod
    def _ids(cls, v: dict[str, Control]) -> dict[str, Control]:
        for k in v:
            if not re.match(r"^[A-Z]{2,4}-\d{3}$", k):
                raise KeyedValueError("error.validator.control_id", id=k)
        return v


class Profile(_Strict):
    id: str
    title: str
    description: str = ""
    checks: list[str] | Literal["*"] = "*"
    weights: dict[str, float] = Field(default_factory=dict)
    lang: Literal["en", "zh"] | None = None  # language of the report run with this profile (default en)


def _load(path: Path, model: type[BaseModel], what: str) -> BaseModel:
    raw = load_yaml_mapping(path, what, missing_hint="restore it from the repository")
    return validate_model(raw, model, path, what)


@lru_cache(maxsize=8)
def _catalog_at(path: str, mtime: float) -> Catalog:
    return _load(Path(path), Catalog, "control catalog")  # type: ignore[return-value]


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate ``assessments/controls.yaml`` (cached while the file is unchanged)."""
    p = Path(path) if path else CONTENT_DIR / "controls.yaml"
    return _catalog_at(str(p), p.stat().st_mtime if p.is_file() else 0.0)


def load_profile(name: str | Path, catalog: Catalog | None = None) -> Profile:
    """A profile by id (``assessments/profiles/<id>.yaml``) or by path; its check ids must exist."""
    p = Path(name)
    if not p.suffix:
        p = CONTENT_DIR / "profiles" / f"{name}.yaml"
        if not p.is_file():
            known = ", ".join(list_profiles()) or "none"
            raise ContentError.of("error.profile.unknown", name=name, known=known)
    prof: Profile = _load(p, Profile, "assessment profile")  # type: ignore[assignment]
    cat = catalog or load_catalog()
    ids = [] if prof.checks == "*" else prof.checks
    for key, cid in [("checks", c) for c in ids] + [("weights", c) for c in prof.weights]:
        if cid not in cat.controls:
            raise ContentError.of("error.profile.check", path=p, key=key, check=cid)
    return prof


def list_profiles() -> list[str]:
    d = CONTENT_DIR / "profiles"
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


_TEXT_FIELDS = {"title", "remediation", "verifies"}


def control_text(check_id: str, field: str, lang: str = "en") -> str:
    """A check's ``title``, ``remediation`` or ``verifies`` text in ``lang`` ("" for an unknown id)."""
    if field not in _TEXT_FIELDS:
        raise KeyError(field)
    c = load_catalog().controls.get(check_id)
    if c is None:
        return ""
    return getattr(c, f"{field}_zh") if lang == "zh" else getattr(c, field)


def owner_text(owner: str, lang: str = "en") -> str:
    """A register owner (controls.yaml ``owners``) in ``lang``; another name unchanged."""
    if lang != "zh":
        return owner
    cat = load_catalog()
    return {v: cat.owners_zh[k] for k, v in cat.owners.items()}.get(owner, owner)
