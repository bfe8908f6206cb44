"""Papermill runs of the trainee notebook (headless grading + handout) and the trainer dashboard."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from workbench.training import answer_key, attempts, load_module

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"
pytestmark = pytest.mark.notebook


def _run(name: str, out: Path, **params) -> nbformat.NotebookNode:
    papermill = pytest.importorskip("papermill")
    papermill.execute_notebook(str(NB / name), str(out), parameters=params, cwd=str(NB), kernel_name="python3",
                               progress_bar=False)
    return nbformat.read(out, as_version=4)


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            parts.append(str(data.get("text/markdown", "")) + str(data.get("text/plain", "")) + str(o.get("text", "")))
    return "\n".join(parts)


def test_trainee_notebook_headless_grades_records_and_prints_handout(tmp_path: Path) -> None:
    m = load_module("case-ecommerce-breach")
    answers = dict(answer_key(m), **{"ecom-06": False})
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers))
    store = tmp_path / "results.db"
    nb = _run("04_privacy_training.ipynb", tmp_path / "out.ipynb", module=m.id, lang="zh", trainee="U00009",
              department="Support", store=str(store), answers=str(tmp_path / "answers.yaml"), seed=3)
    text = _text(nb)
    assert "得分: 88% — 通过" in text  # 7 of 8, pass mark 75 %
    assert m.lessons[0].title.zh in text and m.question("ecom-06").explanation.zh in text
    df = attempts(str(store))
    assert len(df) == 1 and (df.iloc[0].trainee_id, df.iloc[0].source, df.iloc[0].score) == ("U00009", "notebook", 0.875)


def test_dashboard_notebook_default_shows_the_datasets_training_records(tmp_path: Path) -> None:
    nb = _run("05_training_dashboard.ipynb", tmp_path / "dash.ipynb")
    text = _text(nb)
    # Markdown escapes the underscore (training\_results): compare the text as it renders
    assert "SIMULATED" not in text and "training_results table" in text.replace("\\_", "_")
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    plotly = [o for c in nb.cells for o in c.get("outputs", []) if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(plotly) >= 4


def test_dashboard_notebook_without_records_says_so(tmp_path: Path) -> None:
    """No store and no training_results table: no invented cohort, an explicit 'no records'."""
    import shutil

    ds = tmp_path / "ds"
    shutil.copytree(ROOT / "data" / "samples" / "acme_retail", ds)
    cfg = yaml.safe_load((ds / "dataset.yaml").read_text())
    (ds / cfg["tables"].pop("training_results")["path"]).unlink()  # else read as another table of the export
    (ds / "dataset.yaml").write_text(yaml.safe_dump(cfg))
    nb = _run("05_training_dashboard.ipynb", tmp_path / "dash.ipynb", dataset=str(ds))
    text = _text(nb)
    assert "No training records" in text and "SIMULATED" not in text
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_trainee_notebook_on_the_module_picker_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21 item 14: the page ``workbench serve`` shows at ``/`` (no ?module=) failed in the last
    cell ('NoneType' object has no attribute 'score'). The kernel inherits the server's environment."""
    monkeypatch.setenv("WORKBENCH_TRAINING_PICKER", "1")
    monkeypatch.setenv("QUERY_STRING", "lang=zh")
    for name in ("MODULE", "ANSWERS", "TRAINEE"):
        monkeypatch.delenv(f"WORKBENCH_TRAINING_{name}", raising=False)
    nb = _run("04_privacy_training.ipynb", tmp_path / "picker.ipynb", store=str(tmp_path / "r.db"))
    text = _text(nb)
    assert "选择培训模块" in text and "?module=access-control&lang=zh" in text
    assert not (tmp_path / "r.db").exists() or attempts(str(tmp_path / "r.db")).empty
