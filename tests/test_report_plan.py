"""The real plan: every notebook exists, declares the parameters the pipeline passes, has its
parameters cell first among code cells, and is committed without outputs (fast: no kernels)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from workbench.report import plan as plan_mod

CTX = plan_mod.RunContext(dataset=Path("/d"), as_of="2026-09-30", quarter="2026Q3", run_dir=Path("/r"),
                          previous_dir=Path("/p"), store="training.db", scenarios="ransomware-crm-db")
STEPS = plan_mod.quarterly_plan(CTX)


def declared(path: Path) -> set[str]:
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in cell.metadata.get("tags", []), f"{path.name}: first code cell is not tagged parameters"
    return set(re.findall(r"^(\w+)\s*(?::[^=]+)?=", cell.source, re.M))


@pytest.mark.parametrize("step", STEPS, ids=[s.notebook for s in STEPS])
def test_notebook_declares_what_the_plan_passes(step):
    path = plan_mod.NOTEBOOKS / f"{step.notebook}.ipynb"
    assert path.exists(), f"{path} missing"
    missing = set(step.parameters) - declared(path)
    assert not missing, f"{step.notebook} does not declare {sorted(missing)}"
    nb = nbformat.read(str(path), as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")


def test_plan_shape():
    names = [s.notebook for s in STEPS]
    assert names[-1] == plan_mod.EXECUTIVE
    # training.json is written by the pipeline (training.summary), the rest by notebooks
    assert {f for s in STEPS for f in s.produces} | {"training.json"} >= set(plan_mod.RESULT_FILES)
    sim = next(s for s in STEPS if s.notebook == "03_breach_simulation")
    assert sim.parameters["findings"] == "/r/findings.json" and isinstance(sim.parameters["trials"], int)
    assert "02_posture_assessment" in sim.after
    exe = STEPS[-1]
    assert exe.after is None and exe.parameters["previous_dir"] == "/p" and exe.parameters["results_dir"] == "/r"
