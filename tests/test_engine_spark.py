"""The same definitions on Apache Spark (local mode): every finding, inventory row and exposure
count of both committed samples is identical to DuckDB's.

Needs pyspark and Java 17 (Debian's openjdk-17-jre-headless; `make spark` installs it, `.ci/run`
does); without them the module skips with the reason.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from workbench.engine.spark import java_available

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed"),
              pytest.mark.skipif(not java_available(), reason="no Java runtime for Spark (make spark installs it)")]

REPO = Path(__file__).resolve().parents[1]
SAMPLES = ["acme_retail", "mini_sqlite"]


def _results(name: str, engine: str):
    from workbench import load_dataset
    from workbench.assess import assess
    from workbench.breach import simulate
    from workbench.pii import scan_dataset

    ds = load_dataset(REPO / "data" / "samples" / name, engine=engine)
    a = assess(ds)
    findings = {f.id: (f.status, f.affected, f.total) for f in a.findings}
    inventory = scan_dataset(ds).to_dict()
    sim = simulate(ds, trials=2_000, seed=7, findings=a.to_dict()).to_dict()
    exposures = {s["id"]: s["exposure"] for s in sim["scenarios"]}
    ds.close()
    return findings, inventory, exposures


@pytest.fixture(scope="module", params=SAMPLES)
def both(request):
    return _results(request.param, "duckdb"), _results(request.param, "spark")


def test_findings_are_identical(both):
    (duck, _, _), (spark, _, _) = both
    assert spark == duck


def test_inventory_is_identical(both):
    (_, duck, _), (_, spark, _) = both
    assert spark["inventory"] == duck["inventory"]
    assert spark["processing_record"] == duck["processing_record"]
    assert spark["free_text"] == duck["free_text"]


def test_exposure_counts_are_identical(both):
    (_, _, duck), (_, _, spark) = both
    assert spark == duck
