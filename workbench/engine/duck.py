"""The embedded engine: an in-process DuckDB, nothing to install or start.

CSV is parsed once into a DuckDB table (columnar, compressed, spills to a temp folder past the
memory limit); Parquet stays a view over the file, so projection and filter pushdown reach it.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .base import BATCH_ROWS, Engine, lit, q


def _memory_limit() -> str:
    """Half the machine's memory (DuckDB's default is 80%): leave room for the Python side."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1, int(total / 2**30 * 0.5))}GB"


class DuckDBEngine(Engine):
    kind = "duckdb"
    validates_utf8 = True  # its CSV reader rejects invalid UTF-8 itself
    table_position = "rowid"  # a table's rowid is its insertion (= parse) order

    def __init__(self, threads: int | None = None, memory_limit: str | None = None,
                 database: str | None = None) -> None:
        """``database``: a DuckDB file to build the relations in (a load cache), else memory."""
        import duckdb

        self._tmp = tempfile.TemporaryDirectory(prefix="workbench-duckdb-")
        self.con = duckdb.connect(database or ":memory:", config={"memory_limit": memory_limit or _memory_limit(),
                                                                  "temp_directory": self._tmp.name})
        self.con.execute("SET TimeZone = 'UTC'")
        # DuckDB rewrites `list_contains([...], x)` / long IN lists into a join, and that join does
        # not keep insertion order: a parallel CTAS of 1M customers came out shuffled (rowid 0 was
        # the file's row 32,800), so row positions, samples and evidence changed from run to run.
        self.con.execute("SET disabled_optimizers = 'in_clause'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def attach(self, database: str, tables: list[str]) -> None:
        """Serve ``tables`` from a load cache built by another process (read-only, so that several
        notebooks of one report can share it while writing their own work tables in memory)."""
        self.con.execute(f"ATTACH {lit(database)} AS cache (READ_ONLY)")
        stored = {r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'cache'").fetchall()}
        for t in tables:  # a view has no rowid: expose the table's as the row position
            self.view(t, f"SELECT *, rowid AS __wb_row FROM cache.{q(t)}" if t in stored else f"SELECT * FROM cache.{q(t)}")

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def frame(self, sql: str) -> pd.DataFrame:
        cur = self.con.cursor()  # one per call: threads (the column scan) may query at once
        try:
            return cur.execute(sql).fetch_df()
        finally:
            cur.close()

    def batches(self, sql: str, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        # a cursor of its own, so that a consumer may run other queries while it streams
        cur = self.con.cursor()
        try:
            reader = cur.sql(sql).to_arrow_reader(rows)
            yield from reader
        finally:
            cur.close()

    def schema(self, relation: str) -> list[tuple[str, str]]:
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {q(relation)}").fetchall()
        return [(str(r[0]), str(r[1]).upper()) for r in rows]

    def register_arrow(self, name: str, table: pa.Table) -> None:
        # copied into the database: a registered object would be visible to this connection only,
        # and queries run on cursors of their own
        self.con.register("__wb_arrow", table)
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {q(name)} AS SELECT * FROM __wb_arrow")
        finally:
            self.con.unregister("__wb_arrow")

    def load_csv(self, name: str, path: Path, columns: list[str], sep: str) -> str | None:
        cols = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in columns) + "}"
        # a view: the canonical table is parsed, typed and flagged from it in one pass
        self.view(name, f"SELECT * FROM read_csv({lit(str(path))}, header = true, auto_detect = false, "
                        f"columns = {cols}, delim = {lit(sep)}, quote = '\"', escape = '\"', "
                        f"strict_mode = true, null_padding = false, parallel = true)")
        self.frame(f"SELECT * FROM {q(name)} LIMIT 0")  # bind now: a missing file fails here
        return None

    def load_parquet(self, name: str, path: Path) -> str | None:
        src = str(path / "*.parquet") if path.is_dir() else str(path)
        self.view(name, f"SELECT * EXCLUDE (file_row_number), file_row_number AS __wb_row "
                        f"FROM read_parquet({lit(src)}, file_row_number = true)")
        return "__wb_row"

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {q(name)} AS {sql}")

    def drop(self, name: str) -> None:
        for kind in ("TABLE", "VIEW"):
            try:
                self.con.execute(f"DROP {kind} IF EXISTS {q(name)}")
            except Exception:  # noqa: BLE001 - DuckDB refuses DROP TABLE on a view and vice versa
                pass

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            self._tmp.cleanup()
