"""notebooks/00_onboarding.ipynb: thin, committed clean, and runs headless through papermill."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import committed_code_cells

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "00_onboarding.ipynb"
SAMPLE = ROOT / "data" / "samples" / "mini_sqlite"


def test_committed_without_outputs_and_with_parameters_cell() -> None:
    code = committed_code_cells(NB)
    assert not any(w in "".join(c["source"]) for c in code for w in ("def ", "for ", "while "))


@pytest.mark.notebook
def test_notebook_drafts_and_writes(tmp_path: Path) -> None:
    import papermill as pm

    exports = tmp_path / "exports"
    exports.mkdir()
    for p in SAMPLE.iterdir():
        if p.suffix in (".db", ".parquet", ".xlsx"):
            shutil.copy(p, exports / p.name)
    out = tmp_path / "draft"
    pm.execute_notebook(str(NB), str(tmp_path / "00.ipynb"), parameters={"export_dir": str(exports), "out_dir": str(out)},
                        cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    draft = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))
    truth = yaml.safe_load((SAMPLE / "dataset.yaml").read_text(encoding="utf-8"))
    assert draft["columns"] == truth["columns"]
    executed = (tmp_path / "00.ipynb").read_text(encoding="utf-8")
    assert "MailingStreet" in executed and "application/vnd.jupyter.widget-view+json" in executed
    assert "ingrid.bernard816@example.com" not in executed      # headers and evidence only, never values
