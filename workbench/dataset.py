"""Load a dataset folder (``dataset.yaml`` + tables + permissions + posture) into canonical form.

Every problem is raised as one :class:`DatasetError` naming the file, the row or column, and
what to do. Values never appear in messages verbatim (they may be personal data): a bad value
is described by its *shape* (``31/12/2025`` → ``99/99/9999``).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import DatasetConfig, Organisation, Permissions, Posture, read_yaml
from .errors import DatasetError
from .jurisdiction import jurisdiction_series
from .schema import CANONICAL, ENUMS, KEYS, REQUIRED_TABLES
from .sources import ResolvedSource, read_source, resolve

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "是", "对", "1.0"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "否", "0.0"})


@dataclass
class Dataset:
    """A loaded dataset: canonical tables as pandas DataFrames plus its YAML configuration."""

    root: Path
    name: str
    as_of: dt.date
    organisation: Organisation
    tables: dict[str, pd.DataFrame]
    sources: dict[str, ResolvedSource]
    permissions: Permissions | None = None
    posture: Posture | None = None
    mapped: dict[str, list[str]] = field(default_factory=dict)  # canonical columns present per table
    files: list[Path] = field(default_factory=list)  # every input file read (for the manifest)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def has(self, table: str, *columns: str) -> bool:
        """True when the table is present and holds every named column with at least one value."""
        df = self.tables.get(table)
        if df is None:
            return False
        return all(c in df.columns and df[c].notna().any() for c in columns)

    @property
    def now(self) -> pd.Timestamp:
        """End of the ``as_of`` day: ages are measured from here."""
        return pd.Timestamp(self.as_of) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def value_shape(value: object, limit: int = 24) -> str:
    """Describe a value without revealing it: digits → 9, letters → a, CJK → 字."""
    text = str(value)[:limit]
    text = re.sub(r"[0-9]", "9", text)
    text = re.sub(r"[A-Za-z]", "a", text)
    text = re.sub(r"[\u3400-\u9fff]", "字", text)
    return text + ("…" if len(str(value)) > limit else "")


def load_dataset(path: str | Path, as_of: str | dt.date | None = None) -> Dataset:
    """Load and validate the dataset folder at ``path``.

    ``as_of`` overrides the export date in ``dataset.yaml`` (default: that date, else today).
    """
    root = Path(path)
    if root.is_file() and root.name == "dataset.yaml":
        root = root.parent
    yml = root / "dataset.yaml"
    if not root.is_dir():
        raise DatasetError(f"{root}: dataset folder not found", "pass the folder that holds dataset.yaml")
    if not yml.is_file():
        raise DatasetError(f"{root}: no dataset.yaml in this folder", "every dataset folder needs one; see README.md or run 'workbench sample'")
    cfg = read_yaml(yml, DatasetConfig, "dataset.yaml")
    for t in REQUIRED_TABLES:
        if t not in cfg.tables:
            raise DatasetError(f"{yml}: required table '{t}' is not listed under 'tables'", f"add tables.{t}.path")
    for t in list(cfg.tables) + list(cfg.columns):
        if t not in CANONICAL:
            raise DatasetError(f"{yml}: unknown table '{t}'", f"canonical tables are: {', '.join(CANONICAL)}")

    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, ResolvedSource] = {}
    files: list[Path] = [yml]
    for t, src in cfg.tables.items():
        rs = resolve(t, src, root)
        raw = read_source(rs)
        tables[t] = _canonicalise(t, raw, cfg.columns.get(t, {}), rs, yml)
        sources[t] = rs
        if rs.path is not None:
            files.append(rs.path)
        elif rs.sql_url and rs.sql_url.startswith("sqlite:///"):
            files.append(Path(rs.sql_url[len("sqlite:///"):]))

    permissions = posture = None
    if cfg.permissions:
        permissions = read_yaml(root / cfg.permissions, Permissions, "permissions file")
        files.append(root / cfg.permissions)
    if cfg.posture:
        posture = read_yaml(root / cfg.posture, Posture, "posture file")
        files.append(root / cfg.posture)

    if as_of is None:
        as_of = cfg.as_of or dt.date.today()
    elif isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise DatasetError(f"as_of '{as_of}' is not a date", "use YYYY-MM-DD, e.g. 2026-09-30") from None
    if "customers" in tables and "country" in tables["customers"]:
        c = tables["customers"]
        c["jurisdiction"] = jurisdiction_series(c["country"], c["state"] if "state" in c else None)
    mapped = {t: [c for c in CANONICAL[t] if c in df.columns] for t, df in tables.items()}
    return Dataset(root=root, name=cfg.name, as_of=as_of, organisation=cfg.organisation, tables=tables,
                   sources=sources, permissions=permissions, posture=posture, mapped=mapped, files=files)


def _canonicalise(table: str, df: pd.DataFrame, mapping: dict[str, str], rs: ResolvedSource,
                  yml: Path) -> pd.DataFrame:
    where = rs.describe()
    spec = CANONICAL[table]
    rename: dict[str, str] = {}
    for canon, source_col in mapping.items():
        if canon not in spec:
            raise DatasetError(f"{yml}: columns.{table}: '{canon}' is not a canonical column of '{table}'",
                               f"canonical columns are: {', '.join(spec)}")
        if source_col not in df.columns:
            raise DatasetError(f"{where}: mapped column '{source_col}' (for {table}.{canon}) is not in the file",
                               f"columns found: {', '.join(map(str, df.columns[:12]))}; fix columns.{table}.{canon} in dataset.yaml")
        rename[source_col] = canon
    df = df.rename(columns=rename)
    if df.columns.duplicated().any():
        dup = df.columns[df.columns.duplicated()][0]
        raise DatasetError(f"{where}: column '{dup}' appears twice (after mapping)",
                           "remove the duplicate or map only one source column to it")
    key = KEYS.get(table)
    if key and key not in df.columns:
        raise DatasetError(f"{where}: table '{table}' has no '{key}' column",
                           f"add it or map it under columns.{table}.{key} in dataset.yaml")
    if df.empty and table in REQUIRED_TABLES:
        raise DatasetError(f"{where}: table '{table}' has no rows", "export the table again")
    out = {}
    for col in df.columns:
        kind = spec.get(col, "str")
        out[col] = _coerce(df[col], kind, table, col, where, rs.first_row)
    res = pd.DataFrame(out, index=pd.RangeIndex(len(df)))
    for (t, col), allowed in ENUMS.items():
        if t == table and col in res:
            vals = res[col].str.lower()
            bad = vals.notna() & ~vals.isin(allowed)
            if bad.any():
                i = int(bad.to_numpy().argmax())
                raise DatasetError(f"{where}: row {i + rs.first_row}, column '{col}': '{str(res[col].iat[i])[:20]}' is not one of {sorted(allowed)}",
                                   "fix the value or map it to the canonical vocabulary")
            res[col] = vals
    if key:
        ids = res[key]
        if ids.isna().any():
            i = int(ids.isna().to_numpy().argmax())
            raise DatasetError(f"{where}: row {i + rs.first_row}, column '{key}': empty id", "every row needs an id")
        dup = ids.duplicated(keep=False)
        if dup.any():
            rows = (dup.to_numpy().nonzero()[0][:2] + rs.first_row).tolist()
            raise DatasetError(f"{where}: column '{key}': duplicate id at rows {rows[0]} and {rows[1]}",
                               "ids must be unique; remove the duplicate rows or fix the export")
    return res


def _fail_row(mask: pd.Series, s: pd.Series, table: str, col: str, where: str, first: int, expected: str) -> None:
    i = int(mask.to_numpy().argmax())
    raise DatasetError(f"{where}: row {i + first}, column '{col}': value shaped '{value_shape(s.iat[i])}' is not {expected}",
                       f"fix the value or leave it empty ({table}.{col})")


def _as_text(s: pd.Series) -> pd.Series:
    t = s.astype("string").str.strip()
    return t.mask(t == "")


def _coerce(s: pd.Series, kind: str, table: str, col: str, where: str, first: int) -> pd.Series:
    s = s.reset_index(drop=True)
    if kind in ("str", "id"):
        if pd.api.types.is_float_dtype(s) and (s.dropna() % 1 == 0).all():
            s = s.astype("Int64")  # 12.0 from a numeric column would otherwise become "12.0"
        return _as_text(s)
    if kind in ("datetime", "date"):
        if pd.api.types.is_datetime64_any_dtype(s):
            out = s.dt.tz_convert(None) if getattr(s.dt, "tz", None) is not None else s
            return out.astype("datetime64[ns]")
        t = _as_text(s)
        out = pd.to_datetime(t, errors="coerce", utc=True, format="ISO8601")
        bad = t.notna() & out.isna()
        if bad.any():
            _fail_row(bad, t, table, col, where, first, "an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z])")
        return out.dt.tz_convert(None).astype("datetime64[ns]")
    if kind == "bool":
        if pd.api.types.is_bool_dtype(s):
            return s.astype("boolean")
        t = _as_text(s).str.lower()
        out = pd.Series(pd.NA, index=t.index, dtype="boolean")
        out[t.isin(TRUE_WORDS).fillna(False).astype(bool)] = True
        out[t.isin(FALSE_WORDS).fillna(False).astype(bool)] = False
        bad = t.notna() & out.isna()
        if bad.any():
            _fail_row(bad, t, table, col, where, first, "a boolean (true/false, yes/no, 1/0, Y/N, 是/否)")
        return out
    if kind in ("float", "int"):
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            out = s
        else:
            t = _as_text(s)
            out = pd.to_numeric(t, errors="coerce")
            bad = t.notna() & out.isna()
            if bad.any():
                _fail_row(bad, t, table, col, where, first, "a number")
        return out.astype("Int64") if kind == "int" else out.astype("float64")
    raise AssertionError(kind)
