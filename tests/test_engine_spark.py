"""The same definitions on Apache Spark (local mode): every finding, inventory row and exposure
count is identical to DuckDB's — on both committed samples and on a Salesforce-style export
mapped differently from them (renamed columns, no ``state``, cp1252; tests/_salesforce.py).
``workbench subject`` finds the same people, rows and summary on both engines.
Spark's own logging stays off the terminal and its errors become the package's.

Needs pyspark and Java 17 (Debian's openjdk-17-jre-headless; `make spark` installs it, `.ci/run`
does); without them the module skips with the reason. One SparkSession serves the whole test
process (the engine shares it; hence the subject test lives here, not in a file that another
pytest-xdist worker would run in a second JVM); the CLI tests start their own, in subprocesses.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.engine.spark import java_available

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed"),
              pytest.mark.skipif(not java_available(), reason="no Java runtime for Spark (make spark installs it)")]

REPO = Path(__file__).resolve().parents[1]
DATASETS = ["acme_retail", "mini_sqlite", "salesforce"]


def _results(folder: Path, engine: str):
    from workbench import load_dataset
    from workbench.assess import assess
    from workbench.breach import simulate
    from workbench.pii import scan_dataset

    ds = load_dataset(folder, engine=engine)
    try:
        a = assess(ds)
        findings = {f.id: (f.status, f.affected, f.total) for f in a.findings}
        inventory = scan_dataset(ds).to_dict()
        sim = simulate(ds, trials=2_000, seed=7, findings=a.to_dict()).to_dict()
    finally:
        ds.close()
    exposures = {s["id"]: s["exposure"] for s in sim["scenarios"]}
    return findings, inventory, exposures


@pytest.fixture(scope="module", params=DATASETS)
def both(request, salesforce_dir):
    folder = salesforce_dir if request.param == "salesforce" else REPO / "data" / "samples" / request.param
    return _results(folder, "duckdb"), _results(folder, "spark")


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


def test_an_absent_column_is_a_typed_null_on_spark(salesforce_dir):
    """No ``state`` column: US customers are 'US', never 'US-CA' — the expression that derives
    the jurisdiction once failed Spark's analysis (``array_contains(..., NULL)``)."""
    from workbench import load_dataset

    ds = load_dataset(salesforce_dir, engine="spark")
    try:
        assert "state" not in ds.columns["customers"]
        got = dict(ds.sql("SELECT jurisdiction, count(*) AS n FROM customers GROUP BY 1").itertuples(index=False))
    finally:
        ds.close()
    assert got.get("US", 0) > 0 and "US-CA" not in got


def test_spark_errors_are_the_packages_and_stay_off_stderr(capfd):
    """SQL Spark cannot analyse: one SparkQueryError (exit 1) naming Spark's condition, and no
    JSON dump of PySpark's logger on stderr (it goes to the log file)."""
    from workbench.engine.spark import SparkEngine, SparkQueryError, log_file

    eng = SparkEngine()
    capfd.readouterr()
    with pytest.raises(SparkQueryError) as e:
        eng.materialise("t", "SELECT list_contains(['CA'], NULL) AS x")
    assert e.value.exit_code == 1
    assert "DATATYPE_MISMATCH" in str(e.value) and "while building 't'" in str(e.value)
    assert e.value.condition.startswith("DATATYPE_MISMATCH")
    assert capfd.readouterr().err == ""
    assert "DATATYPE_MISMATCH" in log_file().read_text(encoding="utf-8")


def test_a_missing_catalog_table_is_bad_input(tmp_path):
    from workbench import DatasetError, load_dataset

    (tmp_path / "dataset.yaml").write_text(
        "name: catalog\nas_of: 2026-09-30\nengine: {kind: spark}\n"
        "tables:\n  customers: {spark_table: crm_nowhere.contacts}\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="does not exist in Spark's catalog"):
        load_dataset(tmp_path)


def _cli(dataset: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    tmp.mkdir()
    env = dict(os.environ, PYTHONIOENCODING="utf-8", TMPDIR=str(tmp))
    env.pop("WORKBENCH_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "workbench", *extra, "validate", str(dataset), "--engine", "spark"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=600)


def test_cli_on_spark_prints_one_line_and_leaves_no_log(tmp_path):
    """Before: JVM warnings and a multi-kilobyte JSON dump on stderr, then a wrong cause."""
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "dataset.yaml").write_text("name: catalog\nas_of: 2026-09-30\n"
                                     "tables:\n  customers: {spark_table: crm_nowhere.contacts}\n", encoding="utf-8")
    r = _cli(ds, tmp_path / "tmp")
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "does not exist in Spark's catalog" in r.stderr, r.stderr
    assert not list((tmp_path / "tmp").glob("workbench-spark-*")), "the Spark log folder must go at exit"

    d = _cli(ds, tmp_path / "tmp-debug", "--debug")
    assert d.returncode == 2
    line = next(ln for ln in d.stderr.splitlines() if ln.startswith("workbench: Spark's log of this run: "))
    log = Path(line.split(": ", 2)[2])
    assert log.is_file() and log.is_relative_to(tmp_path / "tmp-debug")
    assert " WARN " in log.read_text(encoding="utf-8")  # the JVM's own output went there instead


def test_spark_finds_the_planted_subjects_as_duckdb_does(sample_dir):
    from workbench import load_dataset
    from workbench.subject import find_subject, from_sample, parse_selector
    from workbench.subject.erase import build_plan

    subjects = {s["id"]: s for s in json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))["subjects"]}
    asks = [{"email": subjects["S1"]["identifiers"]["email"].upper()}, {"phone": subjects["S2"]["identifiers"]["phone"]},
            {"national_id": subjects["S2"]["identifiers"]["national_id"]}]
    out = {}
    for engine in ("duckdb", "spark"):
        ds = load_dataset(sample_dir, engine=engine)
        try:
            cols = from_sample(ds)
            findings = [find_subject(ds, parse_selector(**a), cols) for a in asks]
            out[engine] = ([f.summary() for f in findings], build_plan(ds, findings[0])[1])
        finally:
            ds.close()
    assert out["spark"] == out["duckdb"]
    s1 = out["spark"][0][0]
    assert {t["table"]: t["rows"] for t in s1["tables"]} == {
        "customers": 3, "transactions": len(subjects["S1"]["expected"]["email"]["rows"]["transactions"])}
