"""``find(text)``: every validated personal value in one string, with character offsets.

Semantics shared with the column engine (:mod:`workbench.pii.engine`): text detectors run in
catalog order; each scans the text left to right (leftmost-first, non-overlapping), keeps the
matches its validator accepts, and hides them (replaced by NUL characters, which no pattern
matches) from the detectors after it. That is how specificity resolves overlaps: an IBAN, a
national id or a card number is never also a phone.
"""
from __future__ import annotations

from dataclasses import dataclass

from .detectors import Catalog, load_catalog
from .validators import VALIDATORS

FILLER = "\x00"


@dataclass(frozen=True, order=True)
class Match:
    """A validated personal value: ``text[start:end]`` is the value, ``category`` what it is."""

    start: int
    end: int
    category: str
    detector: str = ""

    def value(self, text: str) -> str:
        return text[self.start:self.end]


def find(text: str, categories: set[str] | frozenset[str] | None = None, catalog: Catalog | None = None) -> list[Match]:
    """All validated matches in ``text`` sorted by position (only ``categories`` when given)."""
    if not text:
        return []
    cat = catalog or load_catalog()
    cur = str(text)
    out: list[Match] = []
    for det in cat.text_detectors:
        hide: list[tuple[int, int]] = []
        check = VALIDATORS[det.validator] if det.validator else None
        for m in det.rx.finditer(cur):
            s, e = det.value(m)
            if check is None or check(cur[s:e]):
                out.append(Match(s, e, det.category, det.id))
                hide.append(m.span())
        if hide:
            parts, last = [], 0
            for s, e in hide:
                parts.append(cur[last:s])
                parts.append(FILLER * (e - s))
                last = e
            parts.append(cur[last:])
            cur = "".join(parts)
    if categories is not None:
        out = [m for m in out if m.category in categories]
    return sorted(out)


def find_special(text: str, catalog: Catalog | None = None) -> list[str]:
    """Special categories (health, religion, biometrics, financial, minors) whose keywords occur in ``text``."""
    cat = catalog or load_catalog()
    return [name for name, (rx, _) in cat.special.items() if text and rx.search(text)]
