"""notebooks/01_data_inventory.ipynb runs headless through papermill with its defaults and with parameters."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import committed_code_cells
from leaks import found_in

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "01_data_inventory.ipynb"
SAMPLE = ROOT / "data" / "samples" / "acme_retail"

pytestmark = pytest.mark.notebook


def test_committed_without_outputs_and_with_parameters_cell() -> None:
    code = committed_code_cells(NB)
    assert not any("def " in "".join(c["source"]) for c in code)


@pytest.mark.skipif(not (SAMPLE / "dataset.yaml").is_file(), reason="committed sample not generated yet")
def test_notebook_runs_on_the_sample(tmp_path) -> None:
    import papermill as pm

    out_nb = tmp_path / "01.ipynb"
    pm.execute_notebook(str(NB), str(out_nb), parameters={"output_dir": str(tmp_path / "out")},  # default dataset path
                        cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    doc = json.loads((tmp_path / "out" / "pii_inventory.json").read_text(encoding="utf-8"))
    assert any(e["column"] == "email" for e in doc["inventory"])
    executed = out_nb.read_text(encoding="utf-8")
    assert "application/vnd.plotly.v1+json" in executed       # the heat map rendered
    truth = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
    customers = __import__("pandas").read_csv(SAMPLE / "customers.csv", dtype=str)
    for col in ("email", "national_id"):                       # no raw value in the executed notebook
        assert not found_in(customers[col].dropna(), executed), col
    assert truth["pii_in_notes"]["records"] > 0
