"""Which export table is customers, users, transactions: by content first, headers second.

A real database holds several tables with names, e-mails and addresses (customers, employees,
suppliers). Customers is the person-like table (a name or e-mail column by content) with a unique
id and the most person-data categories, minus anything that marks a staff table (hire date,
title, username); users is the staff table (not a link table of two ids); transactions a table
with a unique id. Views are never chosen: they repeat the ids of the tables they read.
Content is judged by the one column classifier the scan uses (:func:`workbench.pii.classify_column`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .hints import HeaderHints, normalise

PERSON = ("person_name", "email", "phone", "address", "birth_date", "national_id")
PRESENT = 0.5  # a column holds a category when at least this share of its sampled values do


@dataclass
class Profile:
    """What a sampled table looks like."""

    categories: dict[str, set[str]] = field(default_factory=dict)  # column -> categories by content
    unique: list[str] = field(default_factory=list)   # columns unique and never empty in the sample
    staff: float = 0.0                                # 0..1: headers only a staff table has
    link: bool = False                                # a few id columns and nothing else

    @property
    def person(self) -> int:
        return len({c for cats in self.categories.values() for c in cats if c in PERSON})

    @property
    def person_like(self) -> bool:
        return any(c in cats for cats in self.categories.values() for c in ("person_name", "email"))


def profile(src, hints: HeaderHints) -> Profile:
    """Classify every column of the sample once, find unique columns, staff markers, link shape."""
    from ..pii import classify_column

    df = src.sample
    p = Profile()
    for c in df.columns:
        found = classify_column(df[c], str(c))
        p.categories[str(c)] = {k for k, v in found.items() if v >= PRESENT}
        v = df[c]
        if len(v) and v.notna().all() and v.astype("string").str.strip().ne("").all() and v.nunique() == len(v):
            p.unique.append(str(c))
    heads = {normalise(c) for c in df.columns}
    markers = hints.tables["users"].markers if "users" in hints.tables else []
    p.staff = min(1.0, 0.5 * len(heads.intersection(markers)))
    p.link = len(df.columns) <= 3 and all(h.endswith("id") for h in heads)
    return p


def key_column(src, key: str, mapping: dict[str, str], prof: Profile) -> str | None:
    """The source column for a table's key: the header guess when unique in the sample, else the
    first unique column whose header ends in ``id``."""
    guess = mapping.get(key)
    if guess in prof.unique:
        return guess
    if key in prof.unique and key not in mapping.values():
        return key
    for c in prof.unique:
        if normalise(c).replace("_", "").endswith("id") and c not in mapping.values():
            return c
    return next((c for c in prof.unique if c not in mapping.values()), None)


def content_score(table: str, base: float, prof: Profile, named: bool = False) -> float | None:
    """The score of a source for ``table`` (None: not a candidate), from its header score ``base``."""
    if table == "customers":
        # a person-like table; failing any, one named like customers (an export of ids and postcodes)
        if not prof.unique or not (prof.person_like or named):
            return None
        return base + 0.25 * prof.person - 0.5 * prof.staff
    if table == "users":
        if prof.link or not prof.unique or (prof.staff == 0 and base < 0.25):
            return None
        return base + 0.5 * prof.staff + (0.25 * prof.person if prof.staff else 0.0)
    if table == "transactions":
        return base if prof.unique and base >= 0.25 else None
    return base if base >= 0.4 else None
