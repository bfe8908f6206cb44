"""What every engine offers the rest of the package.

An engine holds the dataset's tables as relations (views or engine-managed tables) and answers
SQL written once in DuckDB's dialect. Only small results come back as pandas frames
(:meth:`Engine.frame`); long columns come back in bounded Arrow batches (:meth:`Engine.batches`).
The Spark engine transpiles the same SQL with sqlglot, so a check is written once.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

BATCH_ROWS = 250_000  # rows per Arrow batch handed to Python-side detectors


def q(name: str) -> str:
    """A SQL identifier, quoted (column names come from user files)."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


class Engine(ABC):
    """A SQL engine holding a dataset's relations."""

    kind: str = "abstract"
    validates_utf8: bool = False  # does load_csv itself reject bytes that are not UTF-8?
    table_position: str | None = None  # a pseudo-column numbering a materialised table's rows in order

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run a statement (CREATE VIEW / TABLE ...)."""

    @abstractmethod
    def frame(self, sql: str) -> pd.DataFrame:
        """A (small) query result as pandas."""

    @abstractmethod
    def batches(self, sql: str, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """A query result as a stream of Arrow record batches (bounded memory)."""

    @abstractmethod
    def schema(self, relation: str) -> list[tuple[str, str]]:
        """(column, engine type in upper case) of a relation."""

    @abstractmethod
    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Make an in-memory Arrow table queryable as ``name`` (small sources: xlsx, SQL results)."""

    @abstractmethod
    def materialise(self, name: str, sql: str) -> None:
        """Store the result of ``sql`` as relation ``name`` (parsed once, queried many times)."""

    @abstractmethod
    def load_csv(self, name: str, path: Path, columns: list[str], sep: str) -> str | None:
        """Parse a UTF-8 CSV (header row, every column a string) into relation ``name``; return the
        name of a column that numbers its rows from 0 in file order, if the engine keeps one."""

    @abstractmethod
    def load_parquet(self, name: str, path: Path) -> str | None:
        """Relation ``name`` over a Parquet file or folder, read in place; return the name of its
        row-position column."""

    def load_catalog_table(self, name: str, table: str) -> str | None:
        from ..errors import DatasetError

        raise DatasetError.of("error.spark.needs_spark", table=table)

    def ordinal(self) -> str:
        """A window expression numbering rows from 0 in the relation's scan (file) order."""
        return "row_number() OVER () - 1"

    def view(self, name: str, sql: str) -> None:
        self.execute(f"CREATE OR REPLACE VIEW {q(name)} AS {sql}")

    def drop(self, name: str) -> None:
        """Forget a relation made by :meth:`materialise` or :meth:`view`."""

    def scalar(self, sql: str) -> Any:
        df = self.frame(sql)
        return None if df.empty else df.iat[0, 0]

    def row(self, sql: str) -> tuple:
        df = self.frame(sql)
        return tuple(df.iloc[0].tolist()) if len(df) else ()

    def close(self) -> None:  # noqa: B027 - optional
        """Release the engine's resources."""
