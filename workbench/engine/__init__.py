"""Engines that hold a dataset's tables: the embedded DuckDB (default) and Apache Spark.

``connect(config)`` picks one from ``dataset.yaml``'s ``engine:`` (or ``--engine``). Checks, the
PII column scan and the exposure counts are SQL in DuckDB's dialect run through
:meth:`Engine.frame`; the Spark engine transpiles it with sqlglot.
"""
from __future__ import annotations

from ..config import EngineConfig
from .base import BATCH_ROWS, Engine, lit, q

ENGINES = ("duckdb", "spark")


def connect(config: EngineConfig | None = None, kind: str | None = None) -> Engine:
    """An engine for ``config`` (``kind`` overrides ``config.kind``)."""
    cfg = config or EngineConfig()
    kind = kind or cfg.kind
    if kind == "spark":
        from .spark import SparkEngine

        return SparkEngine(master=cfg.master, conf=cfg.conf)
    from .duck import DuckDBEngine

    return DuckDBEngine(threads=cfg.threads, memory_limit=cfg.memory_limit)


__all__ = ["BATCH_ROWS", "ENGINES", "Engine", "connect", "lit", "q"]
