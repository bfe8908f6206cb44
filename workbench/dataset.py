"""Load a dataset folder (``dataset.yaml`` + tables + permissions + posture) into canonical form.

Tables become relations in an engine (the embedded DuckDB by default, Spark on request): loading
never pulls a table into Python. ``dataset.tables[name]`` still gives a pandas frame for the small
tables a notebook shows (staff, backup jobs); checks and scans query the engine
(:meth:`Dataset.sql`) and get back aggregates and bounded samples.

Every problem is raised as one :class:`DatasetError` naming the file, the row or column, and
what to do. Values never appear in messages verbatim (they may be personal data): a bad value
is described by its *shape* (``31/12/2025`` → ``99/99/9999``).
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .canonical import Canonicaliser, value_shape
from .config import DatasetConfig, Organisation, Permissions, Posture, read_yaml
from .engine import Engine, connect, q
from .errors import DatasetError
from .referential import check_permissions
from .schema import CANONICAL, REQUIRED_TABLES
from .sources import NotUtf8, ResolvedSource, csv_errors, register
from .tables import TablePlan, check_table_names, load_other, plan_tables, value_mapped

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Dataset", "load_dataset", "value_shape"]


class TableFrames(Mapping[str, pd.DataFrame]):
    """``dataset.tables``: each canonical table as pandas, fetched from the engine on first use.

    Meant for small tables and notebooks; long tables are queried in the engine instead.
    """

    def __init__(self, ds: "Dataset") -> None:
        self._ds = ds
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._ds.columns:
            raise KeyError(name)
        if name not in self._cache:
            cols = ", ".join(q(c) for c in self._ds.columns[name])
            self._cache[name] = _typed_frame(self._ds.engine.frame(f"SELECT {cols} FROM {q(name)}"))
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ds.columns)

    def __len__(self) -> int:
        return len(self._ds.columns)


def _strings(batches: list, i: int) -> "pl.Series":
    """Column ``i`` of Arrow record batches as one Polars string series."""
    import polars as pl

    if not batches:
        return pl.Series("v", [], dtype=pl.String)
    return pl.concat([pl.from_arrow(b.column(i)) for b in batches]).cast(pl.String)


def _typed_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Engine results with pandas' nullable types (strings, booleans, Int64), as the checks expect."""
    out = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.astype("datetime64[ns]")
        elif pd.api.types.is_bool_dtype(s) or (s.dtype == object and s.dropna().map(type).eq(bool).all() and s.notna().any()):
            out[c] = s.astype("boolean")
        elif pd.api.types.is_integer_dtype(s):
            out[c] = s.astype("Int64")
        elif pd.api.types.is_float_dtype(s):
            out[c] = s.astype("float64")
        else:
            out[c] = s.astype("string")
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


@dataclass
class Dataset:
    """A loaded dataset: canonical tables as engine relations plus its YAML configuration."""

    root: Path
    name: str
    as_of: dt.date
    organisation: Organisation
    engine: Engine
    columns: dict[str, list[str]]                         # table -> canonical + extra columns, in order
    sources: dict[str, ResolvedSource]
    permissions: Permissions | None = None
    posture: Posture | None = None
    mapped: dict[str, list[str]] = field(default_factory=dict)  # canonical columns present per table
    files: list[Path] = field(default_factory=list)  # every input file read (for the manifest)
    # every table: role (canonical name or "other"), kind (file | table | view), source, declared?
    table_info: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)  # found beside the export, unreadable
    _stats: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    _midnight: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)  # date columns
    _types: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _frames: TableFrames | None = field(default=None, repr=False)
    _workdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def tables(self) -> TableFrames:
        if self._frames is None:
            self._frames = TableFrames(self)
        return self._frames

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def sql(self, query: str) -> pd.DataFrame:
        """Run ``query`` (DuckDB dialect; tables by their canonical names) and return its small result."""
        return self.engine.frame(query)

    def stats(self, table: str) -> dict[str, int]:
        """``{"__rows__": n, column: non-null count, ...}`` of a table (one engine pass, cached)."""
        if table not in self._stats:
            cols = self.columns[table]
            row = self.engine.row(f"SELECT count(*), {', '.join(f'count({q(c)})' for c in cols)} FROM {q(table)}")
            self._stats[table] = {"__rows__": int(row[0]), **{c: int(n) for c, n in zip(cols, row[1:])}}
        return self._stats[table]

    def column_types(self, table: str) -> dict[str, str]:
        """Engine type (upper case) of each column of a table."""
        if table not in self._types:
            self._types[table] = dict(self.engine.schema(table))
        return self._types[table]

    def text_column(self, table: str, column: str, where: str | None = None) -> "pl.Series":
        """One column as Polars strings, fetched in bounded Arrow batches (the detectors' input).

        Dates come as ISO text (``YYYY-MM-DD`` when every value is at midnight), numbers as text.
        """
        sql = f"SELECT {self._text_expr(table, column)} AS v FROM {q(table)}" + (f" WHERE {where}" if where else "")
        return _strings(list(self.engine.batches(sql)), 0)

    def text_columns(self, table: str, columns: list[str], sample: int | None = None) -> list["pl.Series"]:
        """Several columns as :meth:`text_column` does, from one query: row ``i`` of each is the same
        record (so a value can be read with its row's context, e.g. a phone with its country).

        ``sample``: only about that many rows spread over the table, those where the first column
        has a value and whose row position is a multiple of k = ceil(values / sample). The engine
        filters (no full fetch), so a column whose sample shows nothing is never read whole."""
        exprs = ", ".join(f"{self._text_expr(table, c)} AS v{i}" for i, c in enumerate(columns))
        sql = f"SELECT {exprs} FROM {q(table)}"
        if sample is not None:
            step, pos = max(1, -(-self.stats(table)[columns[0]] // sample)), self.position(table)
            sql += f" WHERE {q(columns[0])} IS NOT NULL AND {pos} % {step} = 0 ORDER BY {pos}"
        parts = list(self.engine.batches(sql))
        return [_strings(parts, i) for i in range(len(columns))]

    def _text_expr(self, table: str, column: str) -> str:
        c, t = q(column), self.column_types(table).get(column, "VARCHAR")
        if t.startswith(("TIMESTAMP", "DATE")):
            if (table, column) not in self._midnight:  # a pass over the column: once, not per fetch
                self._midnight[(table, column)] = self.engine.scalar(
                    f"SELECT coalesce(bool_and(CAST({c} AS TIMESTAMP) = date_trunc('day', {c})), TRUE) FROM {q(table)}")
            midnight = self._midnight[(table, column)]
            return f"strftime({c}, '{'%Y-%m-%d' if midnight else '%Y-%m-%d %H:%M:%S'}')"
        return f"CAST({c} AS VARCHAR)"

    def position(self, table: str) -> str:
        """An expression numbering the table's rows in source order (for deterministic samples)."""
        if "__wb_row" in self.column_types(table) or not self.engine.table_position:
            return "__wb_row"
        return self.engine.table_position

    def sample_columns(self, table: str, columns: list[str], size: int) -> dict[str, "pl.Series"]:
        """About ``size`` non-empty values of each text column, spread over the table: those whose
        row position is a multiple of k = ceil(non-empty / size). Deterministic, a filter the
        engine runs in parallel (no window), and one query for all columns that share a k."""
        steps: dict[int, list[str]] = {}
        for c in columns:
            steps.setdefault(max(1, -(-self.stats(table)[c] // size)), []).append(c)
        pos = self.position(table)
        out: dict[str, pl.Series] = {}
        for step, cols in steps.items():
            sql = (f"SELECT {', '.join(q(c) for c in cols)} FROM {q(table)} WHERE {pos} % {step} = 0 "
                   f"AND ({' OR '.join(f'{q(c)} IS NOT NULL' for c in cols)}) ORDER BY {pos}")
            parts = list(self.engine.batches(sql))
            for i, c in enumerate(cols):
                out[c] = _strings(parts, i).drop_nulls()
        return {c: out[c] for c in columns}

    def role(self, table: str) -> str:
        """The table's role: its canonical name, or ``other`` (scanned, linked by key, never checked)."""
        return self.table_info.get(table, {}).get("role", table if table in CANONICAL else "other")

    @property
    def canonical_tables(self) -> list[str]:
        """The canonical tables present, in contract order."""
        return [t for t in CANONICAL if t in self.columns]

    def rows(self, table: str) -> int:
        """Number of rows of a table (0 when absent)."""
        return self.stats(table)["__rows__"] if table in self.columns else 0

    def has(self, table: str, *columns: str) -> bool:
        """True when the table is present and holds every named column with at least one value."""
        if table not in self.columns:
            return False
        st = self.stats(table)
        return all(st.get(c, 0) > 0 for c in columns)

    @property
    def now(self) -> pd.Timestamp:
        """End of the ``as_of`` day: ages are measured from here."""
        return pd.Timestamp(self.as_of) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)

    def close(self) -> None:
        self.engine.close()
        if self._workdir is not None:
            self._workdir.cleanup()


def load_dataset(path: str | Path, as_of: str | dt.date | None = None, engine: str | None = None) -> Dataset:
    """Load and validate the dataset folder at ``path``.

    ``as_of`` overrides the export date in ``dataset.yaml`` (default: that date, else today);
    ``engine`` (``duckdb`` | ``spark``) overrides its ``engine.kind``; so does the environment
    variable ``WORKBENCH_ENGINE`` (what ``--engine`` sets for the notebooks of a report).
    """
    root = Path(path)
    if root.is_file() and root.name == "dataset.yaml":
        root = root.parent
    yml = root / "dataset.yaml"
    if not root.is_dir():
        raise DatasetError.of("error.dataset.no_folder", path=root)
    if not yml.is_file():
        raise DatasetError.of("error.dataset.no_yaml", path=root)
    cfg = read_yaml(yml, DatasetConfig, "dataset.yaml")
    for t in REQUIRED_TABLES:
        if t not in cfg.tables:
            raise DatasetError.of("error.dataset.required_table", path=yml, table=t)
    check_table_names(cfg, yml)

    permissions = posture = None
    extra_files: list[Path] = []
    if cfg.permissions:
        permissions = read_yaml(root / cfg.permissions, Permissions, "permissions file")
        extra_files.append(root / cfg.permissions)
    if cfg.posture:
        posture = read_yaml(root / cfg.posture, Posture, "posture file")
        extra_files.append(root / cfg.posture)

    kind = engine or os.environ.get("WORKBENCH_ENGINE") or cfg.engine.kind
    workdir = tempfile.TemporaryDirectory(prefix="workbench-load-")
    try:
        eng, sources, columns, files, stats, info, skipped = _load(cfg, kind, root, yml, extra_files, Path(workdir.name))
        if permissions is not None:
            check_permissions(permissions, columns, root / str(cfg.permissions))
    except BaseException:
        workdir.cleanup()
        raise
    files += extra_files
    if as_of is None:
        as_of = cfg.as_of or dt.date.today()
    elif isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise DatasetError.of("error.dataset.as_of", value=as_of) from None
    for t, m in cfg.columns.items():  # which source column each mapped canonical column came from
        if t in info:
            info[t] = {**info[t], "mapped_from": dict(m)}
    mapped = {t: [c for c in CANONICAL[t] if c in cols] for t, cols in columns.items() if t in CANONICAL}
    return Dataset(root=root, name=cfg.name, as_of=as_of, organisation=cfg.organisation, engine=eng,
                   columns=columns, sources=sources, permissions=permissions, posture=posture, mapped=mapped,
                   files=files, table_info=info, skipped=skipped, _stats=stats, _workdir=workdir)


def _load(cfg: DatasetConfig, kind: str, root: Path, yml: Path, extra: list[Path], workdir: Path):
    """(engine, sources, columns, files, stats): loaded here, or attached from the report's load
    cache when another process of the same run already loaded the same inputs."""
    from . import loadcache

    folder = loadcache.cache_dir()
    plans = plan_tables(cfg, root, yml)
    if folder is None or kind != "duckdb":
        eng = connect(cfg.engine, kind=kind)
        try:
            return (eng, *_load_tables(eng, cfg, plans, yml, workdir))
        except BaseException:
            eng.close()
            raise
    from .engine.duck import DuckDBEngine

    resolved = [p.source for p in plans]
    name = loadcache.key(yml, extra, resolved, repr(cfg.engine))
    db = folder / f"{name}.duckdb"
    with loadcache.locked(folder, name):
        meta = loadcache.read_meta(folder, name)
        if meta is None:
            builder = DuckDBEngine(threads=cfg.engine.threads, memory_limit=cfg.engine.memory_limit, database=str(db))
            try:
                sources, columns, files, stats, info, skipped = _load_tables(builder, cfg, plans, yml, workdir)
                builder.execute("CHECKPOINT")
            finally:
                builder.close()
            meta = {"columns": columns, "files": [str(f) for f in files], "stats": stats, "info": info,
                    "skipped": skipped}
            loadcache.write_meta(folder, name, meta)
    eng = DuckDBEngine(threads=cfg.engine.threads, memory_limit=cfg.engine.memory_limit)
    eng.attach(str(db), list(meta["columns"]))
    sources = {p.name: p.source for p in plans if p.name in meta["columns"]}
    return (eng, sources, meta["columns"], [Path(f) for f in meta["files"]], meta["stats"], meta.get("info", {}),
            meta.get("skipped", []))


def _load_tables(engine: Engine, cfg: DatasetConfig, plans: list[TablePlan], yml: Path, workdir: Path):
    sources: dict[str, ResolvedSource] = {}
    columns: dict[str, list[str]] = {}
    stats: dict[str, dict[str, int]] = {}
    files: list[Path] = [yml]
    info: dict[str, dict[str, Any]] = {}
    skipped: list[dict[str, str]] = []
    for plan in plans:
        t, rs = plan.name, plan.source
        if plan.role == "other":
            try:
                columns[t] = load_other(engine, plan, workdir)
            except DatasetError as e:
                if plan.declared:
                    raise
                skipped.append({"table": t, "source": rs.describe(), "reason": str(e)})
                continue
            sources[t], info[t] = rs, plan.info()
            _note_file(files, rs)
            continue
        raw = f"__raw_{t}"
        for detect in (False, True):
            try:
                row_id = register(engine, rs, raw, workdir, detect_encoding=detect)
                src_rel = value_mapped(engine, raw, t, cfg, yml)
                canon = Canonicaliser(engine, t, src_rel, rs.describe(), rs.first_row, str(yml), cfg.columns.get(t, {}), row_id)
                cols = canon.columns()
                if rs.kind in ("parquet", "spark_table"):
                    # read in place: projection and filters reach the files; validated (and counted)
                    # by one pass over them
                    stats[t] = canon.validate(cols)
                    engine.view(t, canon.select(cols))
                    break
                # parsed once into the engine, typed and flagged in the same pass, validated from the flags
                with csv_errors(rs):
                    engine.materialise(t, canon.select(cols, flags=True))
            except NotUtf8:
                continue  # not UTF-8 after all: identify the encoding, then parse again
            stats[t] = canon.validate(cols, flagged=t)
            break
        if t in REQUIRED_TABLES and stats[t]["__rows__"] == 0:
            raise DatasetError.of("error.dataset.no_rows", where=rs.describe(), table=t)
        if rs.kind not in ("parquet", "spark_table"):
            if src_rel != raw:
                engine.drop(src_rel)
            engine.drop(raw)
        columns[t] = [n for n, _ in engine.schema(t) if not n.startswith("__wb_")]
        sources[t], info[t] = rs, plan.info()
        _note_file(files, rs)
    return sources, columns, files, stats, info, skipped


def _note_file(files: list[Path], rs: ResolvedSource) -> None:
    path = rs.path if rs.path is not None else (
        Path(rs.sql_url[len("sqlite:///"):]) if rs.sql_url and rs.sql_url.startswith("sqlite:///") else None)
    if path is not None and path not in files:
        files.append(path)
