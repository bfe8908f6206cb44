"""``find(text)``: every validated personal value in one string, with character offsets.

Semantics shared with the column engine (:mod:`workbench.pii.engine`): every text detector scans
the original text left to right (leftmost-first, non-overlapping) and keeps the matches its
validator accepts. Specificity resolves overlaps: a validated match is dropped when its text lies
inside the text of a validated match of an *earlier* detector in catalog order in the same cell
(email, IBAN, national id and card come before phone), so a card number or national id is never
also a phone; detectors marked ``claims_invalid`` (IBAN, China id) overrule even with a match that
fails validation (a mistyped IBAN is not a card). Containment is textual, which the vectorised
engine can evaluate exactly too.
"""
from __future__ import annotations

from dataclasses import dataclass

from .detectors import Catalog, load_catalog
from .phones import region_code
from .validators import NEEDS_REGION, REGIONAL, VALIDATORS


@dataclass(frozen=True, order=True)
class Match:
    """A validated personal value: ``text[start:end]`` is the value, ``category`` what it is."""

    start: int
    end: int
    category: str
    detector: str = ""

    def value(self, text: str) -> str:
        return text[self.start:self.end]


def find(text: str, categories: set[str] | frozenset[str] | None = None, catalog: Catalog | None = None,
         region: str = "") -> list[Match]:
    """All validated matches in ``text`` sorted by position (only ``categories`` when given).

    ``region``: the country (ISO alpha-2) of the customer the text is about; a phone number written
    in that country's national format is found even where the usual regions would reject it."""
    if not text:
        return []
    cat = catalog or load_catalog()
    text = str(text)
    region = region_code(region) if region else ""
    found: list[tuple[int, str, Match]] = []  # (detector order, full match text, match)
    claims: list[tuple[int, str]] = []        # texts that overrule later detectors
    for k, det in enumerate(cat.text_detectors):
        check = VALIDATORS[det.validator] if det.validator else None
        if not region and det.validator in NEEDS_REGION:
            continue  # reads the customer's country, and there is none
        regional = det.validator in REGIONAL
        for m in det.rx.finditer(text):
            s, e = det.value(m)
            if check is None or (check(text[s:e], region) if regional else check(text[s:e])):
                found.append((k, m.group(0), Match(s, e, det.category, det.id)))
                claims.append((k, m.group(0)))
            elif det.claims_invalid:
                claims.append((k, m.group(0)))
    out = [m for k, full, m in found
           if not any(j < k and full in other for j, other in claims)]
    if categories is not None:
        out = [m for m in out if m.category in categories]
    return _merge(sorted(out))


def _merge(ms: list[Match]) -> list[Match]:
    """Overlapping matches of one category become one span ("客户王伟来电": a role word before and a
    verb after find the same name). Which categories a text holds never changes, so the column
    engine's per-category verdict is the same."""
    out: list[Match] = []
    for m in ms:
        j = next((i for i in range(len(out) - 1, -1, -1) if out[i].category == m.category and out[i].end > m.start), None)
        if j is None:
            out.append(m)
        else:
            prev = out[j]
            out[j] = Match(prev.start, max(prev.end, m.end), prev.category, prev.detector)
    return sorted(out)


def find_special(text: str, catalog: Catalog | None = None) -> list[str]:
    """Special categories (health, religion, biometrics, financial, minors) whose keywords occur in ``text``."""
    cat = catalog or load_catalog()
    return [name for name, (rx, _) in cat.special.items() if text and rx.search(str(text))]
