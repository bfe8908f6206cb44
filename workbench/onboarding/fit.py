"""Make a draft validate unedited: closed vocabularies get a ``values:`` map, and whatever the
loader still rejects is left out of the draft with a comment saying why.

The judge is the loader itself (:func:`workbench.dataset.load_dataset` on the draft, in a
temporary folder), so the draft ``init`` writes is one that ``validate`` accepts.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ..canonical import FALSE_WORDS, TRUE_WORDS
from ..errors import DatasetError
from ..schema import ENUMS, KEYS, REQUIRED_TABLES

ROUNDS = 8  # at most this many mappings or tables are left out before giving up
# a yes/no column standing for a closed vocabulary: what true and false mean there
BOOLEAN_MEANS = {("users", "status"): ("active", "disabled")}


def _variants(v: str) -> list[str]:
    """The text forms a value may take in the engine: ``1`` from an integer column, ``1.0`` from a float."""
    out = [v]
    if re.fullmatch(r"-?\d+", v):
        out.append(f"{v}.0")
    return out


def fit_values(d) -> None:
    """A closed-vocabulary column whose sampled values are yes/no words gets a value map
    (``{"1": active, "0": disabled}``); one with other unknown values is left out."""
    for (t, canon), allowed in sorted(ENUMS.items()):
        src = d.tables.get(t)
        if src is None:
            continue
        # mapped, or already named as the canonical column (then the loader treats it as that column)
        col = d.columns[t].get(canon) or (canon if canon in map(str, src.sample.columns) else None)
        if col is None:
            continue
        vals = sorted({str(v).strip() for v in src.sample[col].dropna() if str(v).strip()})
        if all(v.lower() in allowed for v in vals):
            continue
        means = BOOLEAN_MEANS.get((t, canon))
        if means and vals and all(v.lower() in TRUE_WORDS + FALSE_WORDS for v in vals):
            d.values.setdefault(t, {})[canon] = {
                k: (means[0] if v.lower() in TRUE_WORDS else means[1]) for v in vals for k in _variants(v)}
            d.guesses.append(_guess(t, canon, col, f"values {', '.join(vals)} mapped to {means[0]}/{means[1]}"))
        else:
            _leave_out(d, t, canon, f"its values are not {sorted(allowed)}")


def _guess(t: str, canon: str, col: str, why: str):
    from .draft import Guess

    return Guess(t, canon, col, why)


def _leave_out(d, t: str, canon: str, why: str) -> None:
    col = d.columns[t].pop(canon, None)
    d.values.get(t, {}).pop(canon, None)
    d.guesses = [g for g in d.guesses if not (g.table == t and g.column == canon)]
    d.left_out.append(f"{t}.{canon} <- {col}: {why}")


def _table_of(d, message: str) -> str | None:
    for t, src in d.tables.items():
        where = f"({src.sql_table})" if src.sql_table else str(src.path.resolve())
        if where in message:
            return t
    return None


def _repair(d, err: DatasetError) -> bool:
    """Leave out the mapping (or optional table) ``err`` names; False when nothing can be left out."""
    msg = err.message
    t = _table_of(d, msg)
    m = re.search(r"column '([^']+)'", msg)
    if t is None or m is None:
        return False
    col = m.group(1)
    key_problem = col == KEYS.get(t) or "duplicate id" in msg or "empty id" in msg
    if not key_problem and col in d.columns[t]:
        _leave_out(d, t, col, "validate rejected its values (" + msg.split(": ", 1)[-1][:80] + ")")
        return True
    if t in REQUIRED_TABLES:
        return False
    src = d.tables.pop(t)
    d.columns.pop(t, None)
    d.values.pop(t, None)
    d.guesses = [g for g in d.guesses if g.table != t]
    d.unassigned.append(src.label)
    d.left_out.append(f"table {t} <- {src.label}: validate rejected it ({msg.split(': ', 1)[-1][:80]})")
    return True


def fit_draft(d) -> str | None:
    """Value maps, then the loader on the draft until it passes; the remaining error, or None."""
    from ..dataset import load_dataset
    from .draft import render

    fit_values(d)
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory(prefix="workbench-init-") as tmp:
            (Path(tmp) / "dataset.yaml").write_text(render(d, Path(tmp))["dataset.yaml"], encoding="utf-8")
            try:
                load_dataset(tmp).close()
                return None
            except DatasetError as e:
                if not _repair(d, e):
                    return str(e)
    return "the draft still does not validate"
