"""workbench subject on Spark (local mode): the same people, rows and summary as on DuckDB.

Needs pyspark and Java 17 (`make spark`); marked ``spark``."""
from __future__ import annotations

import importlib.util
import json

import pytest

from workbench.engine.spark import java_available

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed"),
              pytest.mark.skipif(not java_available(), reason="no Java runtime for Spark (make spark installs it)")]


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
