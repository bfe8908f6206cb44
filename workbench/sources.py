"""Register one table source (CSV, Parquet, Excel, SQL, a Spark catalog table) with the engine as a
raw relation, untyped.

Typing, renaming and validation happen in :mod:`workbench.canonical`; this module gets the
bytes to the engine without decoding whole files in Python and turns read failures into
:class:`DatasetError`. CSV is read by the engine itself after :mod:`workbench.encoding` has
verified (or transcoded, streaming) it to UTF-8.
"""
from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .config import TableSource
from .encoding import check_declared, detect, utf8_copy
from .engine.base import Engine, q
from .errors import DatasetError, WorkbenchError
from .boundary import has_control, value_shape
from .masking import redact_url

SQL_BATCH = 100_000  # rows per round trip from a database through SQLAlchemy


def _db_error(e: Exception) -> str:
    """A database error on one line, cut short, with any password in a URL it quotes redacted."""
    return redact_url(" ".join(str(getattr(e, "orig", e) or e).split())[:200])


@dataclass(frozen=True)
class ResolvedSource:
    """Where a table came from: enough for an engine (DuckDB) to read it again, and for the manifest."""

    table: str
    kind: str  # csv | parquet | excel | sql
    path: Path | None = None
    encoding: str | None = None
    sql_url: str | None = None
    sql_table: str | None = None
    sql_query: str | None = None
    spark_table: str | None = None
    first_row: int = 2  # the line/row number of the first data row, for error messages
    view: bool = False  # a database view (not a base table)

    def describe(self) -> str:
        if self.path is not None:
            return str(self.path)
        if self.spark_table:
            return f"spark table {self.spark_table}"
        return f"{redact_url(self.sql_url or '')} ({self.sql_table or 'query'})"


def resolve(table: str, src: TableSource, root: Path) -> ResolvedSource:
    if src.spark_table:
        return ResolvedSource(table, "spark_table", spark_table=src.spark_table, first_row=1)
    if src.sql:
        url = src.sql
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            rel = url[len("sqlite:///"):]
            if rel and rel != ":memory:":
                db = (root / rel).resolve()
                if not db.is_file():
                    raise DatasetError.of("error.source.sqlite_missing", path=root / "dataset.yaml", table=table, db=db)
                url = f"sqlite:///{db}"
        return ResolvedSource(table, "sql", sql_url=url, sql_table=src.table, sql_query=src.query, first_row=1)
    path = (root / str(src.path)).resolve()
    suffix = path.suffix.lower()
    kind = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
            ".xlsx": "excel", ".xlsm": "excel"}.get(suffix)
    if kind is None:
        raise DatasetError.of("error.source.file_type", path=root / "dataset.yaml", table=table, suffix=suffix,
                              name=path.name)
    if not path.is_file():
        raise DatasetError.of("error.source.file_missing", path=path, table=table)
    return ResolvedSource(table, kind, path=path, encoding=src.encoding, first_row=2 if kind != "parquet" else 1)


def register(engine: Engine, rs: ResolvedSource, name: str, workdir: Path, detect_encoding: bool = False) -> str | None:
    """Make ``rs`` queryable as relation ``name``; return the name of a row-number column, if any.

    A CSV without a declared encoding is first handed to an engine that checks UTF-8 itself, as
    is; ``detect_encoding`` (after :class:`NotUtf8`) verifies or identifies it in Python first."""
    if rs.kind == "csv":
        return _register_csv(engine, rs, name, workdir, detect_encoding)
    if rs.kind == "parquet":
        try:
            row_id = engine.load_parquet(name, literal_path(rs.path, workdir))
            engine.schema(name)
        except Exception as e:  # noqa: BLE001 - engines raise several unrelated types for a bad file
            raise DatasetError.of("error.source.parquet", path=rs.path, kind=type(e).__name__) from None
        return row_id
    if rs.kind == "spark_table":
        return engine.load_catalog_table(name, rs.spark_table)
    if rs.kind == "excel":
        try:
            df = pd.read_excel(rs.path, dtype=str, engine="openpyxl")  # workbooks are small by nature
        except Exception as e:  # noqa: BLE001
            raise DatasetError.of("error.source.xlsx", path=rs.path, kind=type(e).__name__) from None
        df.columns = _header([str(c) for c in df.columns], rs)
        engine.register_arrow(name, pa.Table.from_pandas(df.astype("string"), preserve_index=False))
        return None
    engine.register_arrow(name, _read_sql(rs))
    return None


def _header(names: list[str], rs: ResolvedSource) -> list[str]:
    for i, n in enumerate(names, 1):
        if has_control(n.strip()):  # a quoted line break would shift the engine's rows; ESC reaches terminals
            raise DatasetError.of("error.source.header_control", where=rs.describe(), n=i, shape=value_shape(n, 40))
    names = [n.strip() for n in names]
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise DatasetError.of("error.source.header_twice", where=rs.describe(), column=n)
        seen.add(n)
    return names


def _register_csv(engine: Engine, rs: ResolvedSource, name: str, workdir: Path, detect_encoding: bool) -> str | None:
    assert rs.path is not None
    if rs.path.stat().st_size == 0 or not _has_content(rs.path):
        raise DatasetError.of("error.source.empty", path=rs.path, table=rs.table)
    sep = "\t" if rs.path.suffix.lower() == ".tsv" else ","
    as_is = rs.encoding is None or (_known(rs.encoding) and codecs.lookup(rs.encoding).name == "utf-8")
    if engine.validates_utf8 and as_is and not detect_encoding and not _utf16_bom(rs.path):
        # the common case: UTF-8, checked by the engine's own reader as it parses (no Python pass)
        try:
            header = _read_header(rs.path, sep, rs)
        except UnicodeDecodeError:
            raise NotUtf8() from None
        with csv_errors(rs):
            return engine.load_csv(name, literal_path(rs.path, workdir), header, sep)
    enc = check_declared(rs.path, rs.encoding) if rs.encoding else detect(rs.path)
    path = literal_path(utf8_copy(rs.path, enc, workdir), workdir)
    with csv_errors(rs):
        return engine.load_csv(name, path, _read_header(path, sep, rs), sep)


_GLOB = re.compile(r"[*?\[\]{}]")


def literal_path(path: Path, workdir: Path) -> Path:
    """``path`` as engines read it literally: DuckDB and Spark expand ``* ? [ ] { }`` in a file
    name (``users[ab].csv`` would read ``usersa.csv``), so such a file is handed over through a
    link with a plain name in the run's private ``workdir``."""
    if not _GLOB.search(str(path)) or path.is_dir():
        return path
    link = workdir / f"literal-{len(list(workdir.glob('literal-*')))}{path.suffix}"
    link.symlink_to(path.resolve())
    return link


class NotUtf8(Exception):
    """The engine found bytes that are not UTF-8: identify the encoding and load again."""


@contextmanager
def csv_errors(rs: ResolvedSource) -> Iterator[None]:
    """Engine errors while parsing a CSV as one-line :class:`DatasetError` (or :class:`NotUtf8`).
    The engine's own message quotes the offending line, which may be personal data: never shown."""
    try:
        yield
    except (WorkbenchError, NotUtf8):  # the engine already named the cause (e.g. Spark's SparkQueryError)
        raise
    except Exception as e:  # noqa: BLE001 - engines raise several unrelated types
        if rs.kind != "csv":
            raise
        text = str(e)
        if "unicode" in text.lower() or "utf-8" in text.lower():
            raise NotUtf8() from None
        m = re.search(r"[Ll]ine:?\s*(\d+)", text)
        if m:
            raise DatasetError.of("error.source.csv_at", "error.source.csv_hint", path=rs.path, line=m.group(1)) from None
        raise DatasetError.of("error.source.csv", "error.source.csv_hint", path=rs.path) from None


def _known(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        codecs.lookup(encoding)
        return True
    except LookupError:
        return False


def _utf16_bom(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _read_header(path: Path, sep: str, rs: ResolvedSource) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh, delimiter=sep), None)
    if not header or not any(h.strip() for h in header):
        raise DatasetError.of("error.source.no_header", path=rs.path, table=rs.table)
    return _header(header, rs)


def _has_content(path: Path) -> bool:
    with path.open("rb") as fh:
        return bool(fh.read(4096).strip(b" \t\r\n\xef\xbb\xbf"))


def _read_sql(rs: ResolvedSource) -> pa.Table:
    """The table or query as Arrow, fetched in batches of SQL_BATCH rows."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(rs.sql_url)
    except Exception as e:  # noqa: BLE001
        raise DatasetError.of("error.source.db_url", table=rs.table, url=redact_url(rs.sql_url or ""),
                              kind=type(e).__name__) from None
    try:
        with engine.connect() as conn:
            if rs.sql_table:
                if not sa.inspect(conn).has_table(rs.sql_table):
                    raise DatasetError.of("error.source.db_no_table", where=rs.describe(), name=rs.sql_table,
                                          table=rs.table)
                chunks = pd.read_sql_table(rs.sql_table, conn, chunksize=SQL_BATCH)
            else:
                chunks = pd.read_sql_query(sa.text(rs.sql_query or ""), conn, chunksize=SQL_BATCH)
            parts = [_arrow_safe(c) for c in chunks]
    except DatasetError:
        raise
    except sa.exc.SQLAlchemyError as e:
        msg = _db_error(e)
        raise DatasetError.of("error.source.db_error", where=rs.describe(), msg=msg) from None
    finally:
        engine.dispose()
    if not parts:
        raise DatasetError.of("error.source.db_no_columns", where=rs.describe())
    return pa.concat_tables(parts, promote_options="permissive")


def _arrow_safe(df: pd.DataFrame) -> pa.Table:
    """Object columns (mixed Python values from a driver) as strings, the canonicaliser types them;
    binary values (BLOB images, documents) stay binary: never decoded as text."""
    binary = [c for c in df.columns if df[c].dtype == object and _is_binary(df[c])]
    text = [c for c in df.columns if df[c].dtype == object and c not in binary]
    if text:
        df = df.astype({c: "string" for c in text})
    if not binary:
        return pa.Table.from_pandas(df, preserve_index=False)
    plain = pa.Table.from_pandas(df.drop(columns=binary), preserve_index=False)
    arrays = {c: pa.array([None if v is None or v is pd.NA else bytes(v) for v in df[c]], type=pa.binary())
              for c in binary}
    return pa.table({c: arrays[c] if c in arrays else plain.column(c) for c in df.columns})


def _is_binary(col: pd.Series) -> bool:
    """True when the driver returned bytes (a BLOB column)."""
    v = col.dropna()
    return bool(len(v)) and isinstance(v.iloc[0], (bytes, bytearray, memoryview))


def _sql_engine(url: str, table: str):
    import sqlalchemy as sa

    try:
        return sa.create_engine(url)
    except Exception as e:  # noqa: BLE001 - a bad URL or a driver that is not installed
        raise DatasetError.of("error.source.db_url", "error.source.db_url_driver_hint", table=table,
                              url=redact_url(url), kind=type(e).__name__) from None


def sql_relations(url: str, table: str = "") -> list[tuple[str, bool]]:
    """(name, is_view) of every table and view of a database, in name order (DatasetError when unreachable).
    ``table``: the dataset table whose source names the database (for the message)."""
    import sqlalchemy as sa

    engine = _sql_engine(url, table)
    try:
        insp = sa.inspect(engine)
        names = [(n, False) for n in insp.get_table_names()] + [(n, True) for n in insp.get_view_names()]
    except sa.exc.SQLAlchemyError as e:
        msg = _db_error(e)
        raise DatasetError.of("error.source.db_list", url=redact_url(url), msg=msg) from None
    finally:
        engine.dispose()
    return sorted((n, v) for n, v in names if not n.startswith("sqlite_"))


def sql_foreign_keys(url: str, tables: list[str]) -> list[tuple[str, str, str, str]]:
    """Declared single-column foreign keys among ``tables``: (table, column, referred table, referred column)."""
    import sqlalchemy as sa

    out: list[tuple[str, str, str, str]] = []
    try:
        engine = sa.create_engine(url)
    except Exception:  # noqa: BLE001 - no driver: no declared keys (the load already said so)
        return []
    try:
        insp = sa.inspect(engine)
        for t in tables:
            try:
                fks = insp.get_foreign_keys(t)
            except (sa.exc.SQLAlchemyError, NotImplementedError):
                continue
            for fk in fks:
                cols, ref = fk.get("constrained_columns") or [], fk.get("referred_columns") or []
                if len(cols) == 1 and len(ref) == 1 and fk.get("referred_table"):
                    out.append((t, cols[0], fk["referred_table"], ref[0]))
    except sa.exc.SQLAlchemyError:
        return []
    finally:
        engine.dispose()
    return sorted(out)
