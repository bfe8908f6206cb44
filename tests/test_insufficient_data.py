"""Never claim what was not measured: blanking data never raises a score, missing inputs are
``insufficient_data`` (never a pass), and findings.json lists what could not be seen."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
import yaml

from workbench import load_dataset
from workbench.assess import assess
from workbench.schema import CANONICAL

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "acme_retail"
TABLES = yaml.safe_load((SAMPLE / "dataset.yaml").read_text(encoding="utf-8"))["tables"]


@pytest.fixture(scope="module")
def base_scores():
    return assess(load_dataset(SAMPLE)).scores


@pytest.fixture(scope="module")
def raw_tables():
    return {t: pacsv.read_csv(SAMPLE / src["path"], convert_options=pacsv.ConvertOptions(
        column_types={}, strings_can_be_null=False)) for t, src in TABLES.items()}


def _blank(tmp: Path, raw: dict[str, pa.Table], table: str, column: str | None) -> Path:
    """A copy of the sample with ``table`` header-only (column None) or its ``column`` empty everywhere."""
    dst = tmp / f"{table}-{column or 'ALL'}"
    shutil.copytree(SAMPLE, dst)
    t = raw[table]
    if column is None:
        t = t.slice(0, 0)
    else:
        i = t.column_names.index(column)
        t = t.set_column(i, column, pa.nulls(t.num_rows, pa.string()))
    pacsv.write_csv(t, dst / TABLES[table]["path"])
    return dst


def _cases():
    out = [(t, None) for t in TABLES]
    for t in TABLES:
        header = (SAMPLE / TABLES[t]["path"]).open(encoding="utf-8-sig").readline().strip().replace('"', "").split(",")
        out += [(t, c) for c in header if c in CANONICAL[t] and c != {"customers": "customer_id", "users": "user_id",
                                                                          "transactions": "transaction_id",
                                                                          "backups": "job_id"}.get(t)]
    return out


@pytest.mark.parametrize("table,column", _cases(), ids=lambda v: str(v))
def test_blanking_never_raises_a_score(tmp_path, base_scores, raw_tables, table, column):
    if table == "customers" and column is None:
        pytest.skip("customers is required: a header-only customers table is bad input (tested in the corpus)")
    scores = assess(load_dataset(_blank(tmp_path, raw_tables, table, column))).scores
    for domain, before in base_scores.items():
        after = scores.get(domain)
        assert before is None or (after is not None and after <= before), (domain, before, after)


def test_header_only_access_log_is_insufficient_not_pass(tmp_path, raw_tables):
    a = assess(load_dataset(_blank(tmp_path, raw_tables, "access_log", None)))
    for cid in ("AC-004", "AC-005", "AC-007"):
        f = a.finding(cid)
        assert f.status == "insufficient_data" and "access_log table is empty" in f.note
    doc = a.to_dict()
    assert {x["id"] for x in doc["insufficient_data"]} >= {"AC-004", "AC-005", "AC-007"}
    assert 0 < doc["coverage"] < 1


def test_empty_users_and_backups_are_not_passes(tmp_path, raw_tables):
    dst = _blank(tmp_path, raw_tables, "users", None)
    pacsv.write_csv(raw_tables["backups"].slice(0, 0), dst / TABLES["backups"]["path"])
    a = assess(load_dataset(dst))
    for cid in ("AC-001", "AC-002", "AC-003", "AC-006", "BK-001", "BK-005", "TRN-001"):
        assert a.finding(cid).status == "insufficient_data", cid
    assert a.scores["training"] == 0.0  # nothing measured: no credit (it was 100.0 before)
