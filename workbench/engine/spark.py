"""Apache Spark as the engine, for CRMs that outgrow one machine.

The package's SQL is written once in DuckDB's dialect; here sqlglot transpiles it to Spark SQL.
Relations are temporary views (cached when they are parsed sources), so the same names
(``customers``, ``access_log`` ...) resolve in both engines. ``master`` is ``local[N]`` (tests),
``spark://host:7077`` (a standalone cluster) or ``sc://host:15002`` (Spark Connect).
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import InputError
from .base import BATCH_ROWS, Engine

DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.caseSensitive": "true",        # CSV headers "Email" and "email" are two columns
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",   # the CLI prints its own progress
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.extraJavaOptions": "-Dderby.system.home=/tmp",
}
_TYPES = {"string": "VARCHAR", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP", "timestamp_ntz": "TIMESTAMP",
          "date": "DATE", "double": "DOUBLE", "float": "FLOAT", "bigint": "BIGINT", "int": "INTEGER",
          "smallint": "SMALLINT", "tinyint": "TINYINT"}


@functools.lru_cache(maxsize=8)
def transpile(sql: str) -> str:
    """DuckDB SQL → Spark SQL."""
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def java_available() -> bool:
    """Spark needs a Java 17+ runtime on PATH or in JAVA_HOME."""
    from shutil import which

    return bool(os.environ.get("JAVA_HOME") or which("java"))


class SparkEngine(Engine):
    kind = "spark"

    def __init__(self, master: str | None = None, conf: dict[str, Any] | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise InputError("the Spark engine needs pyspark", "pip install 'pyspark>=4.0,<4.1' (and Java 17)") from None
        if not java_available():
            raise InputError("the Spark engine needs Java 17", "install openjdk-17-jre-headless (make spark) or set JAVA_HOME")
        master = master or "local[2]"
        local = {}
        if master.startswith("local"):  # one machine: few partitions (each costs a task per query)
            local = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
        builder = SparkSession.builder.appName("workbench")
        builder = builder.remote(master) if master.startswith("sc://") else builder.master(master)
        for k, v in {**DEFAULT_CONF, **local, **{k: str(v) for k, v in (conf or {}).items()}}.items():
            builder = builder.config(k, v)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR") if hasattr(self.spark, "sparkContext") else None
        self._views: list[str] = []

    # -- SQL ---------------------------------------------------------------------------
    def _df(self, sql: str):
        return self.spark.sql(transpile(sql))

    def execute(self, sql: str) -> None:
        self._df(sql).collect()

    def frame(self, sql: str) -> pd.DataFrame:
        df = self._df(sql)
        out = df.toArrow().to_pandas() if hasattr(df, "toArrow") else df.toPandas()
        return out

    def batches(self, sql: str, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        # toArrow collects to the driver; a cluster-sized column would use toLocalIterator instead
        yield from self._df(sql).toArrow().to_batches(max_chunksize=rows)

    def schema(self, relation: str) -> list[tuple[str, str]]:
        out = []
        for name, t in self.spark.table(f"`{relation}`").dtypes:
            base = re.sub(r"\(.*", "", t)
            out.append((name, _TYPES.get(base, "DECIMAL" if base == "decimal" else base.upper())))
        return out

    def ordinal(self) -> str:
        # Spark numbers rows only over an order: the scan's own order (partition, then position)
        return "row_number() OVER (ORDER BY monotonically_increasing_id()) - 1"

    # -- relations -----------------------------------------------------------------------
    def _keep(self, name: str, df, cache: bool) -> None:
        if cache:
            df = df.cache()
        df.createOrReplaceTempView(name)
        self._views.append(name)

    def view(self, name: str, sql: str) -> None:
        self._keep(name, self._df(sql), cache=False)

    def materialise(self, name: str, sql: str) -> None:
        self._keep(name, self._df(sql), cache=True)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        from pyspark.sql.types import StringType, StructField, StructType

        pdf = table.to_pandas()
        if len(pdf) == 0:  # Spark cannot infer types from no rows: an empty relation of strings
            schema = StructType([StructField(c, StringType()) for c in pdf.columns])
            df = self.spark.createDataFrame([], schema)
        else:
            df = self.spark.createDataFrame(pdf)
        self._keep(name, df, cache=False)

    def load_csv(self, name: str, path: Path, columns: list[str], sep: str) -> str | None:
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType()) for c in columns])
        df = (self.spark.read.option("header", "true").option("sep", sep).option("quote", '"')
              .option("escape", '"').option("multiLine", "true").option("mode", "FAILFAST")
              .schema(schema).csv(str(path)))
        self._keep(name, df, cache=True)
        df.count()  # parse now: a malformed file fails here, where the loader names it
        return None

    def load_parquet(self, name: str, path: Path) -> str | None:
        return self._positioned(name, self.spark.read.parquet(str(path)))

    def load_catalog_table(self, name: str, table: str) -> str | None:
        return self._positioned(name, self.spark.table(table))

    def _positioned(self, name: str, df) -> str:
        # increasing in scan order (partition, then position) but not contiguous: a window to
        # number them would funnel every read of the view through one task
        from pyspark.sql import functions as F

        self._keep(name, df.withColumn("__wb_row", F.monotonically_increasing_id()), cache=False)
        return "__wb_row"

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        if name in self._views:
            self._views.remove(name)

    def close(self) -> None:
        # the session is shared by every dataset of this process (starting one costs seconds)
        for v in list(self._views):
            self.drop(v)
