"""Apache Spark as the engine, for CRMs that outgrow one machine.

The package's SQL is written once in DuckDB's dialect; here sqlglot transpiles it to Spark SQL.
Relations are temporary views (cached when they are parsed sources), so the same names
(``customers``, ``access_log`` ...) resolve in both engines. ``master`` is ``local[N]`` (tests),
``spark://host:7077`` (a standalone cluster) or ``sc://host:15002`` (Spark Connect).

Spark's own logging never reaches the terminal: the driver JVM (local and cluster client mode)
is started with its stdout/stderr and a log4j configuration pointing at ``spark.log`` in a
private temporary folder, and PySpark's JSON error loggers write there too. The folder goes when
the process exits, unless ``WORKBENCH_DEBUG`` is set (``workbench --debug``), which keeps it and
names it. Spark's errors become the package's: a missing catalog table or path is a
:class:`~workbench.errors.DatasetError` (exit 2); SQL that Spark cannot analyse or run is a
:class:`SparkQueryError` (exit 1, an internal fault) naming the relation being built and Spark's
error condition. Failures to parse a CSV pass through unchanged for the loader to name the file.
"""
from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import DatasetError, ExecutionError, InputError
from .base import BATCH_ROWS, Engine

DEFAULT_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.caseSensitive": "true",        # CSV headers "Email" and "email" are two columns
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",   # the CLI prints its own progress
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
DRIVER_JAVA_OPTIONS = "-Dderby.system.home={folder}/derby -Dlog4j2.configurationFile=file:{folder}/log4j2.properties"
_TYPES = {"string": "VARCHAR", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP", "timestamp_ntz": "TIMESTAMP",
          "date": "DATE", "double": "DOUBLE", "float": "FLOAT", "bigint": "BIGINT", "int": "INTEGER",
          "smallint": "SMALLINT", "tinyint": "TINYINT"}
# PySpark's Python-side loggers that print a JSON dump of every analysis error on stderr
PYSPARK_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")
LOG4J = """status = error
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n%ex
"""
# error conditions caused by the dataset's description rather than by the package's SQL
_INPUT_CONDITIONS = {"TABLE_OR_VIEW_NOT_FOUND": "a table named in spark_table does not exist in Spark's catalog",
                     "PATH_NOT_FOUND": "a source path does not exist where Spark runs",
                     "SCHEMA_NOT_FOUND": "a database named in spark_table does not exist in Spark's catalog"}
_PARSE = re.compile(r"MALFORMED_RECORD|Malformed (CSV )?record|FAILFAST|malformed", re.IGNORECASE)
_LOG_DIR: list[Path] = []


class SparkQueryError(ExecutionError):
    """Spark could not analyse or run the package's SQL: an internal fault (exit 1)."""

    condition: str = ""


def log_file() -> Path | None:
    """Where Spark's own log of this process goes (``None`` before Spark started here)."""
    return _LOG_DIR[0] / "spark.log" if _LOG_DIR else None


def _log_folder() -> Path:
    """The process's Spark log folder (0700), created once; removed at exit unless debugging."""
    if not _LOG_DIR:
        folder = Path(tempfile.mkdtemp(prefix="workbench-spark-"))
        (folder / "log4j2.properties").write_text(LOG4J.format(log=folder / "spark.log"), encoding="utf-8")
        _LOG_DIR.append(folder)
        if not os.environ.get("WORKBENCH_DEBUG"):
            atexit.register(shutil.rmtree, folder, True)
    return _LOG_DIR[0]


def _quiet_python_loggers(folder: Path) -> None:
    """PySpark logs each analysis error as JSON on stderr: to the log file instead."""
    from pyspark.logger import PySparkLogger

    for name in PYSPARK_LOGGERS:
        logger = PySparkLogger.getLogger(name)
        for h in list(logger.handlers):
            logger.removeHandler(h)
            h.close()
        logger.addHandler(logging.FileHandler(folder / "spark.log", encoding="utf-8", delay=True))
        logger.propagate = False


def _start_jvm(master: str, conf: dict[str, str], folder: Path) -> None:
    """Start the driver JVM with its output in the log folder (pyspark would let it inherit the
    terminal), unless this process already has a SparkContext."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway

    if SparkContext._active_spark_context is not None:
        return
    opts = DRIVER_JAVA_OPTIONS.format(folder=folder)
    extra = conf.get("spark.driver.extraJavaOptions", "")
    sconf = SparkConf(loadDefaults=False).setMaster(master).setAppName("workbench")
    for k, v in {**conf, "spark.driver.extraJavaOptions": f"{opts} {extra}".strip()}.items():
        sconf.set(k, v)
    with (folder / "spark.log").open("ab") as out:
        gateway = launch_gateway(sconf, popen_kwargs={"stdout": out, "stderr": out})
    SparkContext(conf=sconf, gateway=gateway)


def _condition(e: BaseException) -> str:
    get = getattr(e, "getCondition", None) or getattr(e, "getErrorClass", None)
    try:
        return str(get() or "") if get else ""
    except Exception:  # noqa: BLE001 - a Py4J call on a dead JVM
        return ""


@contextmanager
def spark_errors(relation: str | None = None) -> Iterator[None]:
    """Spark's exceptions as the package's (see the module docstring)."""
    try:
        yield
    except (DatasetError, ExecutionError):
        raise
    except Exception as e:  # noqa: BLE001 - pyspark and py4j raise several unrelated types
        from pyspark.errors import PySparkException

        text = str(e)
        if not isinstance(e, PySparkException) and type(e).__name__ != "Py4JJavaError":
            raise
        condition = _condition(e)
        if _PARSE.search(condition) or _PARSE.search(text.split("\n", 1)[0]):
            raise  # a source that does not parse: the loader names the file
        base = condition.split(".")[0]
        what = f" while building '{relation}'" if relation else ""
        if base in _INPUT_CONDITIONS:
            suffix = "_in" if relation else ""
            raise DatasetError.of(f"error.spark.{base.lower()}{suffix}", "error.spark.input_hint", relation=relation,
                                  condition=base) from None
        from ..boundary import safe_message

        first = text.strip().splitlines()[0] if text.strip() else type(e).__name__
        err = SparkQueryError(f"the Spark engine could not run the workbench's SQL{what}: {safe_message(first, limit=200)}",
                              hint=f"a workbench fault, not your data: rerun with --debug to keep Spark's log "
                                   f"and report it{'; engine: duckdb works meanwhile' if relation else ''}")
        err.condition = condition
        raise err from None


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
            raise InputError.of("error.spark.no_pyspark") from None
        if not java_available():
            raise InputError.of("error.spark.no_java")
        master = master or "local[2]"
        local = {}
        if master.startswith("local"):  # one machine: few partitions (each costs a task per query)
            local = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
        settings = {**DEFAULT_CONF, **local, **{k: str(v) for k, v in (conf or {}).items()}}
        folder = _log_folder()
        _quiet_python_loggers(folder)
        builder = SparkSession.builder.appName("workbench")
        if master.startswith("sc://"):
            builder = builder.remote(master)
        else:
            with spark_errors():
                _start_jvm(master, settings, folder)
            builder = builder.master(master)
            settings.pop("spark.driver.extraJavaOptions", None)  # fixed when the JVM started
        for k, v in settings.items():
            builder = builder.config(k, v)
        with spark_errors():
            self.spark = builder.getOrCreate()
        self._views: list[str] = []
        self._views: list[str] = []

    # -- SQL ---------------------------------------------------------------------------
    def _df(self, sql: str, relation: str | None = None):
        with spark_errors(relation):
            return self.spark.sql(transpile(sql))

    def execute(self, sql: str) -> None:
        df = self._df(sql)
        with spark_errors():
            df.collect()

    def frame(self, sql: str) -> pd.DataFrame:
        df = self._df(sql)
        with spark_errors():
            return df.toArrow().to_pandas() if hasattr(df, "toArrow") else df.toPandas()

    def batches(self, sql: str, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        # toArrow collects to the driver; a cluster-sized column would use toLocalIterator instead
        df = self._df(sql)
        with spark_errors():
            table = df.toArrow()
        yield from table.to_batches(max_chunksize=rows)

    def schema(self, relation: str) -> list[tuple[str, str]]:
        out = []
        with spark_errors(relation):
            dtypes = self.spark.table(f"`{relation}`").dtypes
        for name, t in dtypes:
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
        self._keep(name, self._df(sql, name), cache=False)

    def materialise(self, name: str, sql: str) -> None:
        self._keep(name, self._df(sql, name), cache=True)

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
        with spark_errors(name):
            df.count()  # parse now: a malformed file fails here, where the loader names it
        return None

    def load_parquet(self, name: str, path: Path) -> str | None:
        return self._positioned(name, self.spark.read.parquet(str(path)))

    def load_catalog_table(self, name: str, table: str) -> str | None:
        with spark_errors(name):
            df = self.spark.table(table)
        return self._positioned(name, df)

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
