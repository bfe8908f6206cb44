"""notebooks/06_dpia.ipynb: thin, committed clean, runs headless through papermill from an
answers file, writes the DPIA and a new version of the answers file; the editor widgets save."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import committed_code_cells

REPO = Path(__file__).resolve().parents[1]
NB = REPO / "notebooks" / "06_dpia.ipynb"


def test_notebook_committed_without_outputs_and_thin():
    code = committed_code_cells(NB)
    params = [ln for ln in "".join(code[0]["source"]).splitlines() if ln.strip()]
    assert params and all(" # " in ln for ln in params)  # one comment per parameter
    lines = "\n".join("".join(c["source"]) for c in code).splitlines()
    assert not any(ln.lstrip().startswith(("def ", "for ", "while ", "class ")) for ln in lines)


@pytest.fixture(scope="module")
def evidence(sample_dataset):
    from workbench.dpia import gather

    return gather(sample_dataset, trials=1000)


def test_editor_widgets_confirm_override_and_save(evidence, tmp_path):
    from workbench.dpia.widgets import DpiaSession

    s = DpiaSession("unused", evidence=evidence, trials=1000)
    box = s.editor()
    rows = {r.children[0].value.split("<code>")[1].split("</code>")[0]: r for r in box.children[:-2]}
    action, value, reason = rows["risks.disappearance.severity"].children[1].children
    action.value = action.options[2]  # override
    value.value = 2
    who, path, save = box.children[-2].children
    who.value, path.value = "A. Analyst", str(tmp_path / "answers.yaml")
    save.click()
    assert "without a reason" in box.children[-1].value and not (tmp_path / "answers.yaml").exists()
    reason.value = "tape copies in a vault"
    save.click()
    saved = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert saved["answers"]["risks.disappearance.severity"] == {"value": 2, "reason": "tape copies in a vault"}
    assert saved["history"][0]["by"] == "A. Analyst" and saved["history"][0]["version"] == 1
    assert s.risk_table().set_index("risk").loc["disappearance", "severity"] == 2


def test_chinese_editor_offers_its_choices_in_chinese(evidence):
    """The zh editor: yes/no choices and the special-category mark from the catalogue, not English."""
    from workbench.dpia.widgets import DpiaSession

    box = DpiaSession("unused", evidence=evidence, trials=1000, lang="zh").editor()
    bools = [r.children[1].children[1] for r in box.children[:-2]
             if getattr(r.children[1].children[1], "options", None) and len(r.children[1].children[1].options) == 2]
    assert bools and all(d.options == (("是", True), ("否", False)) for d in bools), [d.options for d in bools]
    heads = " ".join(r.children[0].value.split("<code>")[0] for r in box.children[:-2])
    assert "严重程度（计划措施实施后）" in heads and not re.search("severity|likelihood", heads)


def test_special_categories_are_marked_in_the_readers_language(tmp_path):
    from workbench.dpia.content import load_content
    from workbench.dpia.evidence import Evidence
    from workbench.dpia.prefill import _data_categories

    rec = {"table": "patients", "records": 12, "categories": ["email"], "special_categories": ["health"],
           "sensitivity": "high"}
    ev = Evidence.__new__(Evidence)
    ev.inventory = {"processing_record": [rec]}
    (zh,), _ = _data_categories(ev, load_content(), None, "zh")
    (en,), _ = _data_categories(ev, load_content(), None, "en")
    assert "health（特殊类别）" in zh and "(special)" not in zh and "health (special)" in en


@pytest.mark.notebook
def test_notebook_runs_headless_from_answers_file(tmp_path):
    papermill = pytest.importorskip("papermill")
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"format": "workbench-dpia-answers/1", "answers": {
        "context.purposes": {"value": "customer service, orders, marketing with consent"},
        "risks.illegitimate_access.severity": {"value": 4, "reason": "identity numbers of children suspected"},
    }}), encoding="utf-8")
    out = tmp_path / "out"
    papermill.execute_notebook(str(NB), str(tmp_path / "run.ipynb"), cwd=str(REPO / "notebooks"), kernel_name="python3",
                               parameters={"answers": str(answers), "lang": "zh", "trials": 2000, "output_dir": str(out),
                                           "analyst": "papermill run"}, progress_bar=False)
    doc = json.loads((out / "dpia.json").read_text(encoding="utf-8"))
    ia = next(r for r in doc["risks"] if r["id"] == "illegitimate_access")
    assert doc["lang"] == "zh" and ia["severity"] == 4 and ia["origin"]["severity"] == "override"
    assert (out / "dpia.html").is_file()
    saved = yaml.safe_load(answers.read_text(encoding="utf-8"))
    assert saved["history"][-1]["by"] == "papermill run" and saved["history"][-1]["version"] == 1
    outputs = json.dumps(json.loads((tmp_path / "run.ipynb").read_text(encoding="utf-8")), ensure_ascii=False)
    assert "illegitimate_access" in outputs and "Traceback" not in outputs
    for raw in ("420111199703294011", "wei.gao640@example.org", "18053953072"):  # first customer of the sample
        assert raw not in outputs
