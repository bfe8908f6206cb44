"""The vectorised column engine (Polars): the same detectors and semantics as :func:`find`.

Candidates are extracted by Rust regexes over the whole column (all detectors in one parallel
``select``); validators run only on the distinct candidate strings (vectorised where it pays);
overlaps are resolved with the same textual-containment rule as :func:`workbench.pii.find`, so
``text_hits(s)[cat][i]`` is True iff ``find(s[i])`` has a match of ``cat``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from .detectors import Catalog, Detector, load_catalog
from .validators import NEEDS_REGION, REGIONAL, VECTORISED, validate_many

_CJK = re.compile(r"[\u3400-\u9fff]")
CHUNK = 250_000  # rows per pass of the detectors over a long column


def to_polars(series: pd.Series) -> pl.Series:
    """A pandas column as a Polars string series (NA → null); dates as ISO text."""
    s = series
    if pd.api.types.is_datetime64_any_dtype(s):
        d = pl.from_pandas(s)
        midnight = bool((d.dt.truncate("1d") == d).all())
        return d.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
    try:
        out = pl.from_pandas(s if getattr(s.dtype, "storage", None) == "pyarrow" else s.astype("string"))
    except Exception:  # noqa: BLE001 - exotic extension types: go through Python objects
        out = pl.Series([None if pd.isna(v) else str(v) for v in s], dtype=pl.String)
    return out.cast(pl.String)


def _validate(det: Detector, cands: pl.Series, regions: np.ndarray | None = None) -> np.ndarray:
    """Validator verdict per candidate (vectorised on all of them, or scalar on the distinct ones).
    ``regions``: each candidate's customer country, for the validators that read it (phones)."""
    if det.has_value_group:
        cands = pl.Series([det.candidate_value(c) for c in cands.to_list()], dtype=pl.String)
    if det.validator in REGIONAL:
        return validate_many(det.validator, cands, regions)
    if det.validator in VECTORISED and len(cands) > 64:
        return validate_many(det.validator, cands)
    uniq = cands.unique()
    good = uniq.filter(pl.Series(validate_many(det.validator, uniq)))
    return cands.is_in(good.implode()).to_numpy()


@dataclass
class _Found:
    owner: np.ndarray                 # row of each validated match (whole rows when texts is None)
    texts: pl.Series | None           # full match text of each validated match
    claim_owner: np.ndarray | None = None   # claims_invalid detectors: every raw match ...
    claim_texts: pl.Series | None = None    # ... and its text (overrules later detectors)


def _drop_claimed(cands: pl.Series, owner: np.ndarray, claims: pl.DataFrame | None) -> tuple[pl.Series, np.ndarray]:
    """Drop candidates lying inside an earlier detector's text in the same row before validating them:
    they are overruled whatever their validator says (and validators such as libphonenumber cost)."""
    if claims is None or not len(claims) or not len(owner):
        return cands, owner
    pairs = pl.DataFrame({"i": np.arange(len(owner)), "row": owner, "c": cands}).join(claims, on="row", how="inner")
    if not len(pairs):
        return cands, owner
    hit = pairs.filter(pl.col("text").str.contains(pl.col("c"), literal=True))["i"].unique().to_numpy()
    if not len(hit):
        return cands, owner
    keep = np.ones(len(owner), dtype=bool)
    keep[hit] = False
    return cands.filter(pl.Series(keep)), owner[keep]


def _matches(det: Detector, col: pl.Series, index: np.ndarray | None = None,
             claims: pl.DataFrame | None = None, regions: np.ndarray | None = None) -> _Found:
    """Validated matches of ``det`` from its column of the scan (bools or extracted lists).

    A detector without validator keeps whole rows (texts ``None``; recomputed on demand).
    ``index`` maps the rows of ``col`` to rows of the column (when only a subset was searched);
    ``claims`` (row, text) are earlier detectors' texts: candidates inside them are not validated.
    ``regions`` (one per row of the column): the customer's country a phone number is read in.
    """
    if det.validator is None:
        rows = np.flatnonzero(col.to_numpy())
        return _Found(rows if index is None else index[rows], None)
    lens = col.list.len().fill_null(0).to_numpy()
    rows = np.flatnonzero(lens)
    if index is not None:
        col, lens, rows = col.gather(rows), lens[rows], index[rows]
        rows_in_col = np.arange(len(rows))
    else:
        rows_in_col = rows
    if not len(rows):
        return _Found(rows, None)
    ex, lens = col.gather(rows_in_col), lens[rows_in_col]
    if lens.max() <= 1:
        cands, owner = ex.list.first(), rows
        present = lens == 1
        if not present.all():
            cands, owner = cands.filter(pl.Series(present)), owner[present]
    else:
        cands, owner = ex.explode().drop_nulls(), np.repeat(rows, lens)
    if det.validator not in VECTORISED or det.validator == "phone_number":   # only where validating costs
        cands, owner = _drop_claimed(cands, owner, claims)
    if not len(owner):
        return _Found(owner, None)
    ok = _validate(det, cands, None if regions is None else regions[owner])
    found = _Found(owner[ok], cands.filter(pl.Series(ok)))
    if det.claims_invalid:
        found.claim_owner, found.claim_texts = owner, cands
    return found


def _detectors_for(categories: Iterable[str], catalog: Catalog) -> list[Detector]:
    """Detectors of ``categories`` plus every earlier detector (they can overrule later ones)."""
    dets = catalog.text_detectors
    want = set(categories)
    last = max((i for i, d in enumerate(dets) if d.category in want), default=-1)
    return list(dets[: last + 1])


def _hits(values: pl.Series, categories: Iterable[str] | None, catalog: Catalog,
          only: set[str] | None = None, regions: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Rows with ≥ 1 validated, not overruled match per category (``only``: run just these detector ids;
    ``regions``: each row's customer country, '' where unknown — phones are also read in it)."""
    wanted = list(dict.fromkeys(categories if categories is not None else (d.category for d in catalog.text_detectors)))
    if len(values) > CHUNK:  # rows are independent: bounded temporaries, same result
        parts = [_hits(values.slice(o, CHUNK), wanted, catalog, only, None if regions is None else regions[o:o + CHUNK])
                 for o in range(0, len(values), CHUNK)]
        return {c: np.concatenate([p[c] for p in parts]) for c in wanted}
    hits = {c: np.zeros(len(values), dtype=bool) for c in wanted}
    dets = [d for d in _detectors_for(wanted, catalog) if (only is None or d.id in only)
            and (regions is not None or d.validator not in NEEDS_REGION)]
    if not dets or not len(values):
        return hits
    # one select: Polars runs the detectors' regexes in parallel over the original text
    # (a detector with a validator extracts its candidates, one without only needs a yes/no)
    t = pl.col("t")

    def search(ks: list[int]) -> list[pl.Expr]:
        return [(t.str.extract_all(dets[k].polars) if dets[k].validator else
                 t.str.contains(dets[k].polars).fill_null(False)).alias(f"d{k}") for k in ks]

    def raw_counts(frame: pl.DataFrame, ks: list[int]) -> dict[int, int]:
        # one pass counts each detector's raw matches: most detectors match nothing in a column, and
        # skipping those saves a dozen small Polars calls each (most of a sample's classification time)
        row = frame.select((pl.col(f"d{k}").list.len() if dets[k].validator else pl.col(f"d{k}")).sum()
                           for k in ks).row(0)
        return dict(zip(ks, row))

    common = [k for k, d in enumerate(dets) if d.gate is None]
    scan = pl.DataFrame({"t": values}).lazy().select(search(common)).collect() if common else None
    raw_at: dict[int, tuple[pl.Series, np.ndarray | None]] = {k: (scan[f"d{k}"], None) for k in common} if scan is not None else {}
    any_raw = raw_counts(scan, common) if scan is not None else {}
    for name in dict.fromkeys(d.gate for d in dets if d.gate is not None):
        # one union pass finds the few rows where a detector of this gate can match; only those are searched
        rare = [k for k, d in enumerate(dets) if d.gate == name]
        union = "|".join(f"(?:{dets[k].polars.replace('(?P<v>', '(?:')})" for k in rare)
        rows = np.flatnonzero(values.str.contains(union).fill_null(False).to_numpy())
        sub = pl.DataFrame({"t": values.gather(rows)}).lazy().select(search(rare)).collect()
        raw_at.update({k: (sub[f"d{k}"], rows) for k in rare})
        any_raw.update(raw_counts(sub, rare))
    found: list[_Found] = []
    claims: pl.DataFrame | None = None   # (row, text) of earlier validated matches and claims
    for k, det in enumerate(dets):
        if not any_raw[k]:
            found.append(_Found(np.empty(0, dtype=np.int64), None))
            continue
        f = _matches(det, raw_at[k][0], raw_at[k][1], claims, regions)
        found.append(f)
        parts = [(f.owner, f.texts)] if f.texts is not None else []
        if f.claim_owner is not None:
            parts.append((f.claim_owner, f.claim_texts))
        for own, txt in parts:
            if len(own):
                new = pl.DataFrame({"row": own.astype(np.int64), "text": txt})
                claims = new if claims is None else pl.concat([claims, new])
    # rows holding matches of two or more detectors: only there can one overrule another
    count = np.zeros(len(values), dtype=np.int64)
    for f in found:
        mark = np.zeros(len(values), dtype=np.int64)
        mark[f.owner if f.claim_owner is None else f.claim_owner] = 1
        count += mark
    multi = count > 1
    multi_rows = np.flatnonzero(multi)
    raw = dict(zip(multi_rows.tolist(), values.gather(multi_rows).to_list())) if len(multi_rows) else {}
    earlier: dict[int, list[str]] = {}   # row -> texts of earlier detectors that overrule later ones
    for det, f in zip(dets, found):
        owner = f.owner
        keep = np.ones(len(owner), dtype=bool)
        clash = np.flatnonzero(multi[owner]).tolist()
        if clash:
            if f.texts is None:  # no validator: every match in the row counts
                tl = [[m.group(0) for m in det.rx.finditer(raw[int(owner[i])])] for i in clash]
            else:
                tl = [[t] for t in f.texts.gather(clash).to_list()]
            for i, ts in zip(clash, tl):
                prev = earlier.get(int(owner[i]), ())
                keep[i] = any(not any(t in other for other in prev) for t in ts)
            if f.claim_owner is None:
                for i, ts in zip(clash, tl):
                    earlier.setdefault(int(owner[i]), []).extend(ts)
        if f.claim_owner is not None:
            cl = np.flatnonzero(multi[f.claim_owner]).tolist()
            for i, t in zip(cl, f.claim_texts.gather(cl).to_list() if cl else []):
                earlier.setdefault(int(f.claim_owner[i]), []).append(t)
        if det.category in hits and len(owner):
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
    return special_frame(to_polars(series), series.index, cat)


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


def non_empty(values: pl.Series) -> pl.Series:
    """Stripped, non-empty values (what shares are computed over)."""
    return non_empty_with(values, None)[0]


def non_empty_with(values: pl.Series, regions: np.ndarray | None) -> tuple[pl.Series, np.ndarray | None]:
    """:func:`non_empty`, and the entries of a parallel array (each row's region) it keeps."""
    v = values.str.strip_chars()
    keep = (v.is_not_null() & (v.str.len_chars() > 0)).fill_null(False)
    return v.filter(keep), None if regions is None else regions[keep.to_numpy()]


def count_non_empty(values: pl.Series) -> int:
    """How many values hold a non-whitespace character (no copy of the column)."""
    return int(values.str.contains(r"\S").fill_null(False).sum())


def _non_empty(series: pd.Series) -> pl.Series:
    return non_empty(to_polars(series))


def _sample_at(n: int, size: int) -> np.ndarray | None:
    """Rows of a deterministic, spread-out sample of ``size`` out of ``n`` (None: take them all)."""
    if n <= size:
        return None
    return np.unique(np.linspace(0, n - 1, size).round().astype(np.int64))


def _sample(values: pl.Series, size: int) -> pl.Series:
    at = _sample_at(len(values), size)
    return values if at is None else values.gather(at)


def is_free_text(series: pd.Series, name: str = "", catalog: Catalog | None = None) -> bool:
    """Sentences rather than values: long, multi-word (or CJK prose) cells."""
    cat = catalog or load_catalog()
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series) \
            or pd.api.types.is_bool_dtype(series):
        return False
    return free_text_values(_non_empty(to_polars(series)), name, cat)


def free_text_values(values: pl.Series, name: str, cat: Catalog) -> bool:
    """:func:`is_free_text` on non-empty Polars strings."""
    values = _sample(values, cat.sample_size)
    if not len(values):
        return False
    length = values.str.len_chars().cast(pl.Float64)
    words = values.str.count_matches(" ").cast(pl.Float64)
    cjk = values.str.count_matches(r"[\x{3400}-\x{9fff}]").cast(pl.Float64)
    prose = ((words >= 3) | (cjk >= 8)).mean()
    hinted = name_hint(name, cat.free_text_hints)
    min_len = 12.0 if hinted else 25.0
    return bool(length.mean() >= min_len and prose >= (0.3 if hinted else 0.5))


def hits_frame(values: pl.Series, index: pd.Index, cat: Catalog, regions: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`text_hits` (all categories) on a Polars string series aligned with ``index``."""
    hits = _hits(values, None, cat, regions=regions)
    return pd.DataFrame({c: hits[c] for c in sorted(hits)}, index=index)


def special_frame(values: pl.Series, index: pd.Index, cat: Catalog) -> pd.DataFrame:
    """:func:`special_hits` on a Polars string series aligned with ``index``."""
    out = {n: np.zeros(len(values), dtype=bool) for n in cat.special}
    rows = np.flatnonzero(values.str.contains(cat.special_any).fill_null(False).to_numpy())
    if len(rows):
        sub = values.gather(rows)
        for n, (_, rx) in cat.special.items():
            out[n][rows] = sub.str.contains(rx).fill_null(False).to_numpy()
    return pd.DataFrame(out, index=index)


def polars_hits(values: pl.Series, categories: Iterable[str] | None = None,
                catalog: Catalog | None = None, regions: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """:func:`text_hits` on a Polars string series: category → bool array (a batch of an engine scan);
    ``regions``: each row's customer country ('' where unknown), phone numbers are also read in it."""
    cat = catalog or load_catalog()
    known = {d.category for d in cat.text_detectors}
    cats = list(dict.fromkeys(categories)) if categories is not None else sorted(known)
    hits = _hits(values, [c for c in cats if c in known], cat, regions=regions)
    return {c: hits.get(c, np.zeros(len(values), dtype=bool)) for c in cats}
