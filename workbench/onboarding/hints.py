"""Header hints (``headers.yaml``): load, validate, and match normalised header names."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..files import load_yaml_mapping, validate_model

DEFAULT_PATH = Path(__file__).with_name("headers.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableHints(_Strict):
    names: list[str] = Field(default_factory=list)            # words in a file / sheet / SQL table name
    columns: dict[str, list[str]] = Field(default_factory=dict)  # canonical column -> header names
    markers: list[str] = Field(default_factory=list)          # headers that mark this kind of table (staff: hire_date)


class HeaderHints(_Strict):
    tables: dict[str, TableHints]


def normalise(header: str) -> str:
    """``Email__c`` → ``email``, ``MailingStreet`` → ``mailing_street``, ``Phone Number`` → ``phone_number``."""
    h = re.sub(r"__c$", "", str(header).strip())
    h = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", h)
    h = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", h).lower()
    return re.sub(r"[^0-9a-zà-ÿ\u3400-\u9fff]+", "_", h).strip("_")


@functools.lru_cache(maxsize=4)
def load_hints(path: str | None = None) -> HeaderHints:
    """Read and validate ``headers.yaml`` (names are stored normalised)."""
    p = Path(path) if path else DEFAULT_PATH
    raw = load_yaml_mapping(p, "header hints file", missing_hint="pass an existing headers.yaml")
    hints = validate_model(raw, HeaderHints, p, p.name)
    for t in hints.tables.values():
        t.names = [normalise(n) for n in t.names]
        t.markers = [normalise(n) for n in t.markers]
        t.columns = {c: list(dict.fromkeys(normalise(h) for h in [c, *hs])) for c, hs in t.columns.items()}
    return hints


def name_score(source_name: str, words: list[str]) -> float:
    """1 when a table word is a token of the (normalised) file/table name, else 0."""
    tokens = set(normalise(source_name).split("_")) | {normalise(source_name)}
    return 1.0 if any(w in tokens or (len(w) >= 5 and w in normalise(source_name)) for w in words) else 0.0
