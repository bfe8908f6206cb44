"""notebooks/07_subject_request.ipynb: thin, committed clean, runs headless through papermill with its
defaults (the sample's first planted subject) and with an export; the search widget finds and masks."""
from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from conftest import committed_code_cells

REPO = Path(__file__).resolve().parents[1]
NB = REPO / "notebooks" / "07_subject_request.ipynb"


def test_notebook_committed_without_outputs_and_thin():
    code = committed_code_cells(NB)
    params = [ln for ln in "".join(code[0]["source"]).splitlines() if ln.strip()]
    assert params and all(" # " in ln for ln in params)  # one comment per parameter
    lines = "\n".join("".join(c["source"]) for c in code).splitlines()
    assert not any(ln.lstrip().startswith(("def ", "for ", "while ", "class ")) for ln in lines)


def test_search_widget_finds_and_masks(sample_dataset, sample_dir):
    from workbench.subject.widget import SubjectSession

    s1 = json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))["subjects"][0]
    session = SubjectSession(sample_dataset)
    box = session.widget("email")
    pick, text, go = box.children[0].children
    text.value = s1["identifiers"]["email"].upper()
    go.click()
    html = box.children[1].value
    assert "customers" in html and "transactions" in html and "mention" in html
    for raw in filter(None, [*s1["identifiers"].values(), *s1["also"].values()]):
        assert raw not in html and raw.upper() not in html
    pick.value, text.value = "phone", "12ab"
    go.click()
    assert "is not a phone" in box.children[1].value
    pick.value, text.value = "email", "nobody.at.all@example.org"
    go.click()
    assert "no records found" in box.children[1].value


@pytest.mark.notebook
def test_notebook_runs_headless_with_defaults_and_exports(tmp_path, sample_dir):
    papermill = pytest.importorskip("papermill")
    truth = json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))["subjects"]
    papermill.execute_notebook(str(NB), str(tmp_path / "run.ipynb"), cwd=str(REPO / "notebooks"), kernel_name="python3",
                               progress_bar=False)
    outputs = (tmp_path / "run.ipynb").read_text(encoding="utf-8")
    assert "transactions" in outputs and "Traceback" not in outputs
    for s in truth:
        for raw in filter(None, s["identifiers"].values()):
            assert raw not in outputs
    pkg = tmp_path / "pkg"
    papermill.execute_notebook(str(NB), str(tmp_path / "run2.ipynb"), cwd=str(REPO / "notebooks"), kernel_name="python3",
                               parameters={"kind": "national_id", "value": truth[1]["identifiers"]["national_id"],
                                           "export_dir": str(pkg), "lang": "en"}, progress_bar=False)
    assert stat.S_IMODE((pkg / "data.json").stat().st_mode) == 0o600
    assert json.loads((pkg / "data.json").read_text(encoding="utf-8"))["tables"]["customers"][0]["customer_id"] == \
        truth[1]["identifiers"]["customer_id"]
