"""Read one table source (CSV, Parquet, Excel, SQL) into a DataFrame, raw and untyped.

Typing, renaming and validation happen in :mod:`workbench.dataset`; this module only gets the
bytes off the disk (or out of the database) and turns read failures into :class:`DatasetError`.
"""
from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import TableSource
from .errors import DatasetError

# Tried in order when a CSV declares no encoding. GB18030 is a superset of GBK and GB2312.
FALLBACK_ENCODINGS = ("utf-8", "gb18030")


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
    first_row: int = 2  # the line/row number of the first data row, for error messages

    def describe(self) -> str:
        if self.path is not None:
            return str(self.path)
        return f"{self.sql_url} ({self.sql_table or 'query'})"


def detect_encoding(data: bytes, declared: str | None, path: Path) -> str:
    """Return the encoding to decode ``data`` with, or raise naming the offending byte."""
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            raise DatasetError(f"{path}: unknown encoding '{declared}'",
                               "use a Python codec name such as utf-8, utf-8-sig or gb18030") from None
        enc = "utf-8-sig" if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else declared
        try:
            data.decode(enc)
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise DatasetError(f"{path}: line {line}: byte 0x{data[e.start]:02x} cannot be decoded as declared encoding '{declared}'",
                               "fix 'encoding:' in dataset.yaml (Chinese exports are often gb18030) or remove it to auto-detect") from None
        return enc
    if data.startswith(codecs.BOM_UTF8):
        enc_list: tuple[str, ...] = ("utf-8-sig",)
    else:
        enc_list = FALLBACK_ENCODINGS
    first_error: UnicodeDecodeError | None = None
    for enc in enc_list:
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError as e:
            first_error = first_error or e
    assert first_error is not None
    line = data.count(b"\n", 0, first_error.start) + 1
    raise DatasetError(f"{path}: line {line}: byte 0x{data[first_error.start]:02x} is neither UTF-8 nor GB18030",
                       "re-export the file as UTF-8, or declare its 'encoding:' in dataset.yaml")


def resolve(table: str, src: TableSource, root: Path) -> ResolvedSource:
    if src.sql:
        url = src.sql
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            rel = url[len("sqlite:///"):]
            if rel and rel != ":memory:":
                db = (root / rel).resolve()
                if not db.is_file():
                    raise DatasetError(f"{root / 'dataset.yaml'}: table '{table}': SQLite file {db} not found",
                                       "check the sqlite:/// path (relative paths are resolved against the dataset folder)")
                url = f"sqlite:///{db}"
        return ResolvedSource(table, "sql", sql_url=url, sql_table=src.table, sql_query=src.query, first_row=1)
    path = (root / str(src.path)).resolve()
    suffix = path.suffix.lower()
    kind = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
            ".xlsx": "excel", ".xlsm": "excel"}.get(suffix)
    if kind is None:
        raise DatasetError(f"{root / 'dataset.yaml'}: table '{table}': unsupported file type '{suffix}' ({path.name})",
                           "use .csv, .parquet, .xlsx or an sql: source")
    if not path.is_file():
        raise DatasetError(f"{path}: file not found (table '{table}')",
                           "check 'tables.{0}.path' in dataset.yaml; paths are relative to the dataset folder".format(table))
    return ResolvedSource(table, kind, path=path, encoding=src.encoding, first_row=2 if kind != "parquet" else 1)


def read_source(rs: ResolvedSource) -> pd.DataFrame:
    """Read a resolved source into a DataFrame. CSV and Excel cells arrive as strings."""
    if rs.kind == "csv":
        return _read_csv(rs)
    if rs.kind == "parquet":
        try:
            return pd.read_parquet(rs.path)
        except Exception as e:  # pyarrow raises several unrelated types for a bad file
            raise DatasetError(f"{rs.path}: not a readable Parquet file ({type(e).__name__})",
                               "re-export the table as Parquet or CSV") from None
    if rs.kind == "excel":
        try:
            return pd.read_excel(rs.path, dtype=str, engine="openpyxl")
        except Exception as e:
            raise DatasetError(f"{rs.path}: not a readable .xlsx workbook ({type(e).__name__})",
                               "save it as .xlsx (Excel 2007+) or export CSV") from None
    return _read_sql(rs)


def _read_csv(rs: ResolvedSource) -> pd.DataFrame:
    assert rs.path is not None
    data = rs.path.read_bytes()
    if not data.strip():
        raise DatasetError(f"{rs.path}: file is empty (table '{rs.table}')",
                           "export the table again with a header row, or remove it from dataset.yaml")
    enc = detect_encoding(data, rs.encoding, rs.path)
    text = data.decode(enc)
    sep = "\t" if rs.path.suffix.lower() == ".tsv" else ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as e:
        raise DatasetError(f"{rs.path}: malformed CSV ({' '.join(str(e).split())})",
                           "check quoting and the number of fields on that line") from None
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{rs.path}: file has no header row (table '{rs.table}')",
                           "export the table again with a header row") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _read_sql(rs: ResolvedSource) -> pd.DataFrame:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(rs.sql_url)
    except Exception as e:
        raise DatasetError(f"table '{rs.table}': cannot use database URL ({type(e).__name__}: {e})",
                           "give a SQLAlchemy URL such as sqlite:///crm.db or postgresql://host/db") from None
    try:
        with engine.connect() as conn:
            if rs.sql_table:
                if not sa.inspect(conn).has_table(rs.sql_table):
                    raise DatasetError(f"{rs.describe()}: no table '{rs.sql_table}' in the database",
                                       "check 'tables.{0}.table' in dataset.yaml".format(rs.table))
                return pd.read_sql_table(rs.sql_table, conn)
            return pd.read_sql_query(sa.text(rs.sql_query or ""), conn)
    except DatasetError:
        raise
    except sa.exc.SQLAlchemyError as e:
        msg = " ".join(str(getattr(e, "orig", e) or e).split())[:200]
        raise DatasetError(f"{rs.describe()}: database error: {msg}",
                           "check the query and that the database is reachable") from None
    finally:
        engine.dispose()
