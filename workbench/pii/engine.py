"""The vectorised column engine (Polars): the same detectors and semantics as :func:`find`.

Candidates are extracted by Rust regexes over the whole column (all detectors in one parallel
``select``); validators run only on the distinct candidate strings (vectorised where it pays);
overlaps are resolved with the same textual-containment rule as :func:`workbench.pii.find`, so
``text_hits(s)[cat][i]`` is True iff ``find(s[i])`` has a match of ``cat``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import polars as pl

from .detectors import Catalog, Detector, load_catalog
from .validators import validate_many

_CJK = re.compile(r"[\u3400-\u9fff]")


def to_polars(series: pd.Series) -> pl.Series:
    """A pandas column as a Polars string series (NA → null); dates as ISO text."""
    s = series
    if pd.api.types.is_datetime64_any_dtype(s):
        t = s.dropna()
        midnight = bool((t == t.dt.normalize()).all()) if len(t) else True
        s = s.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
    try:
        out = pl.from_pandas(s.astype("string"))
    except Exception:  # noqa: BLE001 - exotic extension types: go through Python objects
        out = pl.Series([None if pd.isna(v) else str(v) for v in s], dtype=pl.String)
    return out.cast(pl.String).str.strip_chars()


def _matches(det: Detector, col: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """Validated matches of ``det`` from its extracted lists: (owner row per match, full match text)."""
    lens = col.list.len().fill_null(0).to_numpy()
    rows = np.flatnonzero(lens)
    if not len(rows):
        return rows, pl.Series([], dtype=pl.String)
    cands = col.gather(rows).explode()
    owner = np.repeat(rows, lens[rows])
    if det.validator is None:
        return owner, cands
    uniq = cands.unique()
    values = pl.Series([det.candidate_value(c) for c in uniq.to_list()], dtype=pl.String) if det.has_value_group else uniq
    good = uniq.filter(pl.Series(validate_many(det.validator, values)))
    keep = cands.is_in(good).to_numpy()
    return owner[keep], cands.filter(pl.Series(keep))


def _detectors_for(categories: Iterable[str], catalog: Catalog) -> list[Detector]:
    """Detectors of ``categories`` plus every earlier detector (they can overrule later ones)."""
    dets = catalog.text_detectors
    want = set(categories)
    last = max((i for i, d in enumerate(dets) if d.category in want), default=-1)
    return list(dets[: last + 1])


def _hits(values: pl.Series, categories: Iterable[str] | None, catalog: Catalog) -> dict[str, np.ndarray]:
    wanted = list(dict.fromkeys(categories if categories is not None else (d.category for d in catalog.text_detectors)))
    hits = {c: np.zeros(len(values), dtype=bool) for c in wanted}
    dets = _detectors_for(wanted, catalog)
    if not dets or not len(values):
        return hits
    # one select: Polars runs the detectors' regexes in parallel over the original text
    ex = pl.DataFrame({"t": values}).lazy().select(
        [pl.col("t").str.extract_all(d.polars).alias(f"d{k}") for k, d in enumerate(dets)]).collect()
    found = [_matches(det, ex[f"d{k}"]) for k, det in enumerate(dets)]
    # rows holding validated matches of two or more detectors: only there can one overrule another
    count = np.zeros(len(values), dtype=np.int64)
    for owner, _ in found:
        count[np.unique(owner)] += 1
    multi = count > 1
    earlier: dict[int, list[str]] = {}   # row -> validated match texts of earlier detectors
    for det, (owner, texts) in zip(dets, found):
        if not len(owner):
            continue
        keep = np.ones(len(owner), dtype=bool)
        clash = np.flatnonzero(multi[owner])
        if len(clash):
            tl = texts.gather(clash).to_list()
            for j, i in enumerate(clash.tolist()):
                keep[i] = not any(tl[j] in other for other in earlier.get(int(owner[i]), ()))
            for j, i in enumerate(clash.tolist()):
                earlier.setdefault(int(owner[i]), []).append(tl[j])
        if det.category in hits:
            hits[det.category][owner[keep]] = True
    return hits


def text_hits(series: pd.Series, categories: Iterable[str] | None = None, catalog: Catalog | None = None) -> pd.DataFrame:
    """Bool frame (same index as ``series``), one column per category: the cell holds ≥ 1 validated match."""
    cat = catalog or load_catalog()
    known = {d.category for d in cat.text_detectors}
    cats = list(dict.fromkeys(categories)) if categories is not None else sorted(known)
    hits = _hits(to_polars(series), [c for c in cats if c in known], cat)
    return pd.DataFrame({c: hits.get(c, np.zeros(len(series), dtype=bool)) for c in cats}, index=series.index)


def special_hits(series: pd.Series, catalog: Catalog | None = None) -> pd.DataFrame:
    """Bool frame: the cell mentions a special category (health, religion, biometrics, financial, minors)."""
    cat = catalog or load_catalog()
    vals = to_polars(series)
    return pd.DataFrame({name: vals.str.contains(rx).fill_null(False).to_numpy() for name, (_, rx) in cat.special.items()},
                        index=series.index)


def _norm(text: str) -> str:
    text = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(text)).lower()
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", "_", text).strip("_")


def name_hint(name: str, words: Iterable[str]) -> bool:
    """Does a column name carry one of ``words``? (Chinese and words of 4+ letters by substring, short words by token.)"""
    norm = _norm(name)
    padded, glued = f"_{norm}_", norm.replace("_", "")
    for w in words:
        wn = _norm(w)
        if not wn:
            continue
        if _CJK.search(wn) or len(wn.replace("_", "")) >= 4:
            if wn in norm or wn.replace("_", "") in glued:
                return True
        elif f"_{wn}_" in padded:
            return True
    return False


def _non_empty(series: pd.Series) -> pl.Series:
    v = to_polars(series)
    return v.filter(v.is_not_null() & (v.str.len_chars() > 0))


def _sample(values: pl.Series, size: int) -> pl.Series:
    if len(values) <= size:
        return values
    idx = np.linspace(0, len(values) - 1, size).round().astype(np.int64)  # deterministic, spread out
    return values.gather(np.unique(idx))


def _shape_share(det: Detector, values: pl.Series) -> float:
    ok = values.str.contains(det.polars).to_numpy()
    if det.validator is not None and ok.any():
        cand = values.filter(pl.Series(ok))
        uniq = cand.unique().to_list()
        good = pl.Series([u for u, k in zip(uniq, validate_many(det.validator, uniq)) if k], dtype=pl.String)
        return float(cand.is_in(good).sum()) / len(values)
    return float(ok.sum()) / len(values)


def _verdict(det_category: str, share: float, hinted: bool, requires_hint: bool, cat: Catalog) -> bool:
    if requires_hint:
        return hinted and share >= cat.threshold
    if det_category in ("person_name", "address"):  # patterns cannot prove these: a hint helps, never decides
        return share >= cat.strong_share or (hinted and share >= cat.threshold)
    return share >= cat.threshold


def classify_column(series: pd.Series, name: str = "", catalog: Catalog | None = None) -> dict[str, float]:
    """Category → share of non-empty values matching, for the categories above the threshold.

    A sample is checked first; categories seen there are confirmed on the full column.
    """
    cat = catalog or load_catalog()
    values = _non_empty(series)
    if not len(values):
        return {}
    sample = _sample(values, cat.sample_size)
    pre = cat.threshold / 2
    out: dict[str, float] = {}
    text_cats = sorted({d.category for d in cat.text_detectors})
    s_hits = _hits(sample, text_cats, cat)
    cands = [c for c in text_cats if s_hits[c].mean() >= pre]
    if cands:
        full = s_hits if len(sample) == len(values) else _hits(values, cands, cat)
        for c in cands:
            share = float(full[c].mean())
            hinted = any(name_hint(name, d.context) for d in cat.text_detectors if d.category == c)
            if _verdict(c, share, hinted, False, cat):
                out[c] = share
    for det in (d for d in cat.detectors if d.scope == "column"):
        hinted = name_hint(name, det.context)
        if det.requires_hint and not hinted:
            continue
        share = _shape_share(det, sample)
        if share < pre:
            continue
        if len(sample) != len(values):
            share = _shape_share(det, values)
        if _verdict(det.category, share, hinted, det.requires_hint, cat):
            out[det.category] = max(share, out.get(det.category, 0.0))
    return {k: round(out[k], 4) for k in sorted(out)}


def is_free_text(series: pd.Series, name: str = "", catalog: Catalog | None = None) -> bool:
    """Sentences rather than values: long, multi-word (or CJK prose) cells."""
    cat = catalog or load_catalog()
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series) \
            or pd.api.types.is_bool_dtype(series):
        return False
    values = _sample(_non_empty(series), cat.sample_size)
    if not len(values):
        return False
    length = values.str.len_chars().cast(pl.Float64)
    words = values.str.count_matches(" ").cast(pl.Float64)
    cjk = values.str.count_matches(r"[\x{3400}-\x{9fff}]").cast(pl.Float64)
    prose = ((words >= 3) | (cjk >= 8)).mean()
    hinted = name_hint(name, cat.free_text_hints)
    min_len = 12.0 if hinted else 25.0
    return bool(length.mean() >= min_len and prose >= (0.3 if hinted else 0.5))
