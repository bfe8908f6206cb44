"""notebooks/02_posture_assessment.ipynb runs headless with its defaults and writes masked outputs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from leaks import found_in

REPO = Path(__file__).resolve().parents[1]
NB = REPO / "notebooks" / "02_posture_assessment.ipynb"


@pytest.mark.notebook
def test_posture_notebook_runs_with_defaults(tmp_path):
    import nbformat
    import pandas as pd
    import papermill as pm

    src = nbformat.read(NB, as_version=4)
    assert src.metadata.kernelspec.name == "python3"
    assert "parameters" in src.cells[0].metadata.get("tags", [])  # the title is a catalogue cell after set-up
    assert all(not c.get("outputs") for c in src.cells if c.cell_type == "code"), "commit without outputs"
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NB), str(out), cwd=str(REPO / "notebooks"), kernel_name="python3",
                        parameters={"output_dir": str(tmp_path / "res")}, progress_bar=False)
    d = json.loads((tmp_path / "res" / "findings.json").read_text(encoding="utf-8"))
    assert d["profile"] == "quarterly" and any(f["status"] == "fail" for f in d["findings"])
    text = out.read_text(encoding="utf-8")
    assert "application/vnd.plotly.v1+json" in text  # figures rendered
    customers = pd.read_csv(REPO / "data" / "samples" / "acme_retail" / "customers.csv", dtype=str)
    raw = set(customers["email"].dropna()) | set(customers["national_id"].dropna()) | set(customers["customer_id"])
    assert not found_in(raw, text)
