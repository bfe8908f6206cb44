"""Column classification: which categories a column's values hold, and what share of them.

A spread sample decides which categories are candidates; only then is the whole column read and
the share of each candidate counted, on its distinct values weighted by their counts where values
repeat. The detectors and their semantics are those of :mod:`workbench.pii.engine`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import polars as pl

from .detectors import Catalog, Detector, load_catalog
from .engine import _hits, _non_empty, _sample_at, name_hint, to_polars
from .names import hinted_header, name_evidence
from .validators import REGIONAL, validate_many


def distinct_counts(values: pl.Series, min_rows: int = 10_000,
                    regions: np.ndarray | None = None) -> tuple[pl.Series, np.ndarray, np.ndarray | None] | None:
    """(distinct values in first-seen order, how often each occurs, their regions) when a long column
    repeats its values enough to pay for the grouping (≤ half distinct, by a HyperLogLog estimate);
    else None. With ``regions`` (each row's customer country) the distinct unit is (value, region).

    Detection is a function of the value, so detecting on the distinct values and weighting by
    their counts gives the same shares as detecting row by row: 1M names with 1,600 distinct cost
    1,600 detections instead of 1M."""
    if len(values) < min_rows or values.approx_n_unique() > len(values) // 2:
        return None
    if regions is None:
        grouped = pl.DataFrame({"v": values}).group_by("v", maintain_order=True).len()
        return grouped["v"], grouped["len"].to_numpy(), None
    grouped = pl.DataFrame({"v": values, "r": pl.Series(regions, dtype=pl.String)}).group_by(
        ["v", "r"], maintain_order=True).len()
    return grouped["v"], grouped["len"].to_numpy(), grouped["r"].to_numpy().astype(object)


def _shape_share(det: Detector, values: pl.Series, counts: np.ndarray | None = None) -> float:
    """Share of ``values`` matching ``det``'s shape (and validator); ``counts`` weights distinct values."""
    ok = values.str.contains(det.polars).fill_null(False).to_numpy()
    if det.validator is not None and ok.any():
        cand = values.filter(pl.Series(ok))
        uniq = cand.unique().to_list()
        good = pl.Series([u for u, k in zip(uniq, validate_many(det.validator, uniq)) if k], dtype=pl.String)
        ok[ok] = cand.is_in(good.implode()).to_numpy()
    total = len(values) if counts is None else int(counts.sum())
    return float(ok.sum() if counts is None else counts[ok].sum()) / total


def _verdict(det_category: str, share: float, hinted: bool, requires_hint: bool, cat: Catalog) -> str | None:
    """Which evidence decides that a column holds ``det_category``: ``content`` (the values alone),
    ``header+content`` (a header that says so and values that fit), or None."""
    if requires_hint:
        return "header+content" if hinted and share >= cat.threshold else None
    if det_category in ("person_name", "address"):  # patterns cannot prove these: a hint helps, never decides
        if share >= cat.strong_share:
            return "content"
        return "header+content" if hinted and share >= cat.threshold else None
    return "content" if share >= cat.threshold else None


NAME_EVIDENCE = 0.3   # under a name header, this share of values must be dictionary names (or the header names a part)


def _spread(sample: pl.Series) -> bool:
    """Values spread like names do, not a handful repeated (a status or region column)."""
    return sample.n_unique() >= min(5, max(2, len(sample) // 2))


def _name_verdict(share: float, hinted: bool, det: Detector, sample: pl.Series, cat: Catalog) -> str | None:
    """Person names by evidence, not capitalisation: name-shaped values (``share``) must also be
    dictionary names (:func:`workbench.pii.names.name_evidence`) that spread like names — or, under a
    header naming a person, at least :data:`NAME_EVIDENCE` of them (all of them for a header naming
    a first or last name, whose single words the dictionary cannot prove)."""
    if det.requires_hint:
        return "header+content" if hinted and share >= cat.threshold else None
    if share >= cat.strong_share and _spread(sample) and name_evidence(sample, False).mean() >= cat.threshold:
        return "content"
    if hinted and share >= cat.threshold and name_evidence(sample, True).mean() >= NAME_EVIDENCE:
        return "header+content"
    return None


def classify_column(series: pd.Series, name: str = "", catalog: Catalog | None = None,
                    evidence: dict[str, str] | None = None) -> dict[str, float]:
    """Category → share of non-empty values matching, for the categories above the threshold.

    A sample is checked first; categories seen there are confirmed on the full column. ``evidence``
    (when given) receives category → which evidence decided (``content`` or ``header+content``).
    """
    cat = catalog or load_catalog()
    return classify_values(_non_empty(to_polars(series)), name, cat, evidence=evidence)


def classify_values(values: pl.Series, name: str, cat: Catalog, regions: np.ndarray | None = None,
                    evidence: dict[str, str] | None = None) -> dict[str, float]:
    """:func:`classify_column` on non-empty Polars strings (``regions``: each value's customer country)."""
    if not len(values):
        return {}
    at = _sample_at(len(values), cat.sample_size)
    sample = values if at is None else values.gather(at)
    s_regions = regions if regions is None or at is None else regions[at]
    full = None if at is None else (lambda: (values, regions))
    return classify_sample(sample, s_regions, name, cat, full, evidence)


FullColumn = Callable[[], "tuple[pl.Series, np.ndarray | None]"]


def classify_sample(sample: pl.Series, s_regions: np.ndarray | None, name: str, cat: Catalog,
                    full: FullColumn | None, evidence: dict[str, str] | None = None) -> dict[str, float]:
    """Classify a column from a spread sample of its non-empty values; only when the sample shows a
    candidate category is the whole column read (``full()``: non-empty values and their regions;
    None when the sample is the whole column). Shares are always those of the whole column.
    ``evidence`` (when given) receives category → ``content`` or ``header+content``."""
    if not len(sample):
        return {}
    pre = cat.threshold / 2
    out: dict[str, float] = {}
    decided: dict[str, str] = {}
    text_names = 0.0   # share of values holding a name in sentence form (counts once the column evidence agrees)
    text_cats = sorted({d.category for d in cat.text_detectors})
    s_hits = _hits(sample, text_cats, cat, regions=s_regions)
    cands = [c for c in text_cats if s_hits[c].mean() >= pre]
    seen = {c for c in text_cats if s_hits[c].any()}
    use_regions = any(d.validator in REGIONAL for d in cat.text_detectors if d.category in seen)
    cache: list = []

    def column() -> tuple[pl.Series, np.ndarray | None, tuple | None]:
        if not cache:  # read (and grouped) once, and only if a full pass needs it
            values, regions = full()  # type: ignore[misc]
            regions = regions if use_regions else None  # no phone in the sample: countries not needed
            cache.append((values, regions, distinct_counts(values, regions=regions)))
        return cache[0]
    if cands:
        # on the full column run the candidates' detectors plus earlier ones seen in the sample
        # (only those can overrule a candidate's match)
        only = {d.id for d in cat.text_detectors if d.category in seen}
        if full is None:
            shares = {c: float(s_hits[c].mean()) for c in cands}
        else:
            values, regions, grouped = column()
            if grouped is not None:
                hits = _hits(grouped[0], cands, cat, only, grouped[2])
                shares = {c: float(grouped[1][hits[c]].sum()) / len(values) for c in cands}
            else:
                hits = _hits(values, cands, cat, only, regions)
                shares = {c: float(hits[c].mean()) for c in cands}
        for c in cands:
            share = shares[c]
            hinted = any(_hint(name, d) for d in cat.text_detectors if d.category == c)
            how = _verdict(c, share, hinted, False, cat)
            if how and c == "person_name":   # names in a value column: the column detectors' evidence decides
                text_names = share
            elif how:
                out[c] = share
                decided[c] = how
    for det in (d for d in cat.detectors if d.scope == "column"):
        hinted = _hint(name, det)
        if det.requires_hint and not hinted or det.min_distinct and sample.n_unique() < det.min_distinct:
            continue
        share = _shape_share(det, sample)
        if share < pre:
            continue
        if full is not None:
            values, _, grouped = column()
            share = _shape_share(det, values) if grouped is None else _shape_share(det, *grouped[:2])
        how = (_name_verdict(share, hinted, det, sample, cat) if det.category == "person_name"
               else _verdict(det.category, share, hinted, det.requires_hint, cat))
        if how:
            out[det.category] = max(share, out.get(det.category, 0.0))
            decided[det.category] = "content" if "content" in (how, decided.get(det.category)) else how
    if "person_name" in out:
        out["person_name"] = max(out["person_name"], text_names)
    if evidence is not None:
        evidence.update({k: decided[k] for k in sorted(out)})
    return {k: round(out[k], 4) for k in sorted(out)}


def _hint(name: str, det: Detector) -> bool:
    """Does the header support ``det``'s category? (For names: not a header naming a thing, CompanyName.)"""
    return hinted_header(name, det.context) if det.category == "person_name" else name_hint(name, det.context)
