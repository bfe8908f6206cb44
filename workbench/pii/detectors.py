"""Load ``detectors.yaml``, validate it with pydantic and compile every pattern for both engines.

One pattern text yields two compiled forms with the same meaning:

* Python ``re`` with ``re.ASCII`` (``\\b`` is an ASCII word boundary) for :func:`find`;
* a Rust-regex string for Polars where ``\\b`` becomes ``(?-u:\\b)`` (ASCII word boundary).

Constructs whose meaning differs between the two engines are rejected on load.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import ContentError, KeyedValueError
from ..files import id_key, load_yaml_mapping, validate_model
from .validators import VALIDATORS

DEFAULT_PATH = Path(__file__).with_name("detectors.yaml")
CATEGORIES = ("email", "phone", "national_id", "card_number", "iban", "ip_address", "birth_date",
              "person_name", "address",
              # beyond DESIGN's list (issue 12): identifiers that have no home in the nine above
              "bank_account", "passport", "drivers_licence", "mac_address", "crypto_wallet", "business_id")
Category = Literal["email", "phone", "national_id", "card_number", "iban", "ip_address", "birth_date", "person_name",
                   "address", "bank_account", "passport", "drivers_licence", "mac_address", "crypto_wallet",
                   "business_id"]
SPECIAL = ("health", "religion", "biometrics", "financial", "minors")
_FORBIDDEN = re.compile(r"\\[dDwWsSB]|\(\?<?[=!]|\\[1-9]|\(\?P=")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DetectorSpec(_Strict):
    id: str
    category: Category
    sensitivity: Literal["low", "medium", "high"]
    # GDPR Art. 9 / PIPL Art. 28 special (sensitive) category the value itself reveals (NHS number: health)
    special: Literal["health", "religion", "biometrics", "financial", "minors"] | None = None
    scope: Literal["text", "column"] = "text"
    match: Literal["contains", "full"] = "contains"
    patterns: list[str] = Field(min_length=1)
    validator: str | None = None
    requires_hint: bool = False
    claims_invalid: bool = False
    # rare in real text: the column engine first tests the detectors of one gate as one union regex
    # and searches only the rows it matches (same result; one pass instead of one per detector)
    gate: str | None = None
    # column detectors: the sample must hold this many distinct values (a hint plus two repeated
    # words is no city column)
    min_distinct: int = Field(0, ge=0)
    context: list[str] = Field(default_factory=list)

    @field_validator("patterns")
    @classmethod
    def _portable(cls, pats: list[str]) -> list[str]:
        for i, p in enumerate(pats):
            bad = _FORBIDDEN.search(p)
            if bad:
                raise KeyedValueError("error.validator.portable", i=i, token=bad.group(0))
            try:
                re.compile(p, re.ASCII)
            except re.error as e:
                raise KeyedValueError("error.validator.pattern", i=i, detail=str(e)) from None
        return pats

    @field_validator("validator")
    @classmethod
    def _known_validator(cls, v: str | None) -> str | None:
        if v is not None and v not in VALIDATORS:
            raise KeyedValueError("error.validator.validator", name=v, known=", ".join(sorted(VALIDATORS)))
        return v


class SpecialWords(_Strict):
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)


class DetectorFile(_Strict):
    threshold: float = Field(0.5, gt=0, le=1)
    strong_share: float = Field(0.8, gt=0, le=1)
    sample_size: int = Field(2000, ge=100)
    sensitivity_levels: list[str] = Field(default_factory=lambda: ["low", "medium", "high"])
    detectors: list[DetectorSpec] = Field(min_length=1)
    special_categories: dict[Literal["health", "religion", "biometrics", "financial", "minors"], SpecialWords] = \
        Field(default_factory=dict)
    free_text_hints: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> "DetectorFile":
        seen: set[str] = set()
        for d in self.detectors:
            if d.id in seen:
                raise KeyedValueError("error.validator.detector_id", id=d.id)
            seen.add(d.id)
        return self


@dataclass(frozen=True)
class Detector:
    """A compiled detector: one alternation of its patterns, for Python and for Polars."""

    id: str
    category: str
    sensitivity: str
    scope: str
    match: str
    validator: str | None
    requires_hint: bool
    context: tuple[str, ...]
    rx: re.Pattern[str]
    polars: str
    has_value_group: bool
    claims_invalid: bool = False
    special: str | None = None
    gate: str | None = None
    min_distinct: int = 0

    def value(self, m: re.Match[str]) -> tuple[int, int]:
        """Span of the personal value inside a match (the ``v`` group when the pattern has one)."""
        if self.has_value_group and m.group("v") is not None:
            return m.span("v")
        return m.span()

    def candidate_value(self, text: str) -> str:
        """The value to validate inside an extracted candidate string (``v`` group or all of it)."""
        if not self.has_value_group:
            return text
        m = self.rx.match(text)
        return m.group("v") if m and m.group("v") is not None else text


@dataclass(frozen=True)
class Catalog:
    """Everything ``detectors.yaml`` declares, compiled."""

    detectors: tuple[Detector, ...]
    threshold: float
    strong_share: float
    sample_size: int
    special: dict[str, tuple[re.Pattern[str], str]]  # category -> (python rx, polars rx)
    special_any: str  # polars rx matching any special-category keyword (one cheap pass first)
    free_text_hints: tuple[str, ...]
    sensitivity_rank: dict[str, int]

    @property
    def text_detectors(self) -> tuple[Detector, ...]:
        return tuple(d for d in self.detectors if d.scope == "text")

    def special_of(self, category: str) -> list[str]:
        """Special categories that values of ``category`` reveal by themselves (e.g. NHS numbers: health)."""
        return sorted({d.special for d in self.detectors if d.category == category and d.special})

    def sensitivity(self, category: str) -> str:
        levels = [d.sensitivity for d in self.detectors if d.category == category]
        return max(levels, key=lambda s: self.sensitivity_rank.get(s, 0)) if levels else "medium"


def _to_polars(p: str) -> str:
    return p.replace(r"\b", r"(?-u:\b)")


def _join(patterns: list[str], match: str) -> str:
    body = "|".join(f"(?:{p})" for p in patterns)
    return f"^(?:{body})$" if match == "full" else body


def _keyword_rx(words: SpecialWords) -> str:
    parts = [r"\b" + re.escape(w).replace(r"\ ", " ") + r"\b" for w in sorted(words.en, key=len, reverse=True)]
    parts += [re.escape(w) for w in sorted(words.zh, key=len, reverse=True)]
    return "(?i)(?:" + "|".join(parts) + ")" if parts else r"\b\B"


def compile_catalog(spec: DetectorFile, source: str = "detectors.yaml") -> Catalog:
    from .names import load_names

    dets = []
    for d in spec.detectors:
        pat = _join(d.patterns, d.match)
        if "{zh_surname}" in pat:
            pat = pat.replace("{zh_surname}", load_names().zh_surname_alt)
        try:
            rx = re.compile(pat, re.ASCII)
            pl.Series([""], dtype=pl.String).str.contains(_to_polars(pat))  # compiles in Rust, or raises
        except Exception as e:  # noqa: BLE001 - any compile failure is a content error
            raise ContentError.of("error.detectors.compile", path=source, id=d.id, detail=e) from None
        dets.append(Detector(d.id, d.category, d.sensitivity, d.scope, d.match, d.validator, d.requires_hint,
                             tuple(d.context), rx, _to_polars(pat), "v" in rx.groupindex, d.claims_invalid,
                             d.special, d.gate, d.min_distinct))
    special = {}
    for cat, words in sorted(spec.special_categories.items()):
        pat = _keyword_rx(words)
        special[cat] = (re.compile(pat, re.ASCII | re.IGNORECASE), _to_polars(pat))
    rank = {s: i for i, s in enumerate(spec.sensitivity_levels)}
    any_rx = "(?i)(?:" + "|".join(rx[len("(?i)"):] for _, rx in special.values()) + ")" if special else r"\b\B"
    return Catalog(tuple(dets), spec.threshold, spec.strong_share, spec.sample_size, special, any_rx,
                   tuple(spec.free_text_hints), rank)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read, validate and compile a detector file (default: the bundled ``detectors.yaml``)."""
    return _load(str(Path(path) if path else DEFAULT_PATH))


@functools.lru_cache(maxsize=8)
def _load(path: str) -> Catalog:
    p = Path(path)
    raw = load_yaml_mapping(p, "detector file", missing_hint="pass an existing detectors.yaml")
    spec = validate_model(raw, DetectorFile, p, p.name, key=id_key)
    return compile_catalog(spec, str(p))
