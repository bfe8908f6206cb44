"""notebooks/03_breach_simulation.ipynb runs headless through papermill with its defaults."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import committed_code_cells

REPO = Path(__file__).resolve().parents[1]
NB = REPO / "notebooks" / "03_breach_simulation.ipynb"


def test_notebook_committed_without_outputs_and_tagged():
    code = committed_code_cells(NB)
    src = "\n".join("".join(c["source"]) for c in code)
    lines = src.splitlines()
    assert not any(ln.lstrip().startswith(("def ", "for ", "while ", "class ")) for ln in lines)


@pytest.mark.notebook
def test_notebook_runs_with_defaults_and_writes_simulation(tmp_path):
    papermill = pytest.importorskip("papermill")
    if not (REPO / "data" / "samples" / "acme_retail" / "dataset.yaml").is_file():
        pytest.skip("committed sample not present")
    out = tmp_path / "out"
    papermill.execute_notebook(str(NB), str(tmp_path / "run.ipynb"), cwd=str(REPO / "notebooks"),
                               kernel_name="python3", parameters={"trials": 20000, "output_dir": str(out)},
                               progress_bar=False)
    d = json.loads((out / "simulation.json").read_text())
    assert d["trials"] == 20000 and len(d["scenarios"]) >= 6 and d["total"]["mean"] > 0
    nb = json.loads((tmp_path / "run.ipynb").read_text())
    html = json.dumps(nb)
    assert "application/vnd.plotly.v1+json" in html and "text/html" in html
    # Appendix C: one table of clocks across scenarios, the first hour, and the full playbook beside
    # simulation.json instead of every scenario's notices and their contents (the PDF stays short)
    assert (out / "playbook.html").is_file() and (out / "playbook.md").is_file()
    assert "(playbook.html)" in html and "all 6 scenarios" in html and "First hour" in html
    assert "What each notice must contain" in (out / "playbook.md").read_text(encoding="utf-8")
    assert "What each notice must contain" not in html
