"""Notebook parameter handling: papermill values win, then WORKBENCH_TRAINING_* (Voilà), then defaults."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workbench.errors import ContentError, InputError
from workbench.training import answer_key, attempts, load_module, run_session, session


def test_parameters_then_environment_then_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MODULE", "LANG", "TRAINEE", "DEPARTMENT", "STORE", "ANSWERS"):
        monkeypatch.delenv(f"WORKBENCH_TRAINING_{name}", raising=False)
    s = session()
    assert (s.module.id, s.lang, s.trainee, s.department, s.headless) == ("privacy-law-basics", "en", "", None, False)
    assert s.store.endswith("training_results.db")
    monkeypatch.setenv("WORKBENCH_TRAINING_MODULE", "access-control")
    monkeypatch.setenv("WORKBENCH_TRAINING_LANG", "zh")
    monkeypatch.setenv("WORKBENCH_TRAINING_STORE", str(tmp_path / "env.db"))
    s = session()
    assert (s.module.id, s.lang, s.store) == ("access-control", "zh", str(tmp_path / "env.db"))
    s = session(module="phishing-social-engineering", lang="en")
    assert (s.module.id, s.lang) == ("phishing-social-engineering", "en")
    with pytest.raises(InputError, match="lang"):
        session(lang="fr")
    with pytest.raises(InputError, match="seed"):
        session(seed="x")
    with pytest.raises(ContentError, match="unknown training module"):
        session(module="nope")


def test_headless_session_grades_records_and_renders(tmp_path: Path) -> None:
    m = load_module("data-classification")
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(answer_key(m)))
    out = run_session(session(module=m.id, trainee="U5", store=str(tmp_path / "r.db"), answers=str(tmp_path / "a.yaml")))
    assert not out.interactive and out.result.score == 1.0 and out.attempt_id == 1
    assert "Score: 100% — PASSED" in out._repr_mimebundle_()["text/markdown"]
    assert attempts(str(tmp_path / "r.db")).iloc[0].source == "notebook"
    interactive = run_session(session(module=m.id, store=str(tmp_path / "r.db")))
    assert interactive.interactive and "application/vnd.jupyter.widget-view+json" in interactive._repr_mimebundle_()


def test_module_from_the_page_url_cannot_leave_the_training_folder(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21 item 4: ``?module=../../../tmp/x`` loaded a YAML outside training/. A valid module
    file planted outside the folder is refused, by relative and absolute path, and so is a path that
    would resolve back into the folder; only ids that ``list_modules()`` names load."""
    from urllib.parse import quote

    from workbench.training.content import CONTENT_DIR, list_modules

    planted = yaml.safe_load((CONTENT_DIR / "access-control.yaml").read_text(encoding="utf-8"))
    planted["id"] = "x"
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(planted, allow_unicode=True), encoding="utf-8")
    ups = "../" * len(CONTENT_DIR.parts)
    for name in ("WORKBENCH_TRAINING_MODULE", "WORKBENCH_TRAINING_PICKER"):
        monkeypatch.delenv(name, raising=False)
    for hostile in (f"{ups}{str(tmp_path).lstrip('/')}/x", str(tmp_path / "x"), "../training/access-control",
                    "access-control/../access-control", "access-control\x00", "<b>x</b>"):
        monkeypatch.setenv("QUERY_STRING", f"module={quote(hostile)}")
        with pytest.raises(ContentError, match="unknown training module"):
            session()
        with pytest.raises(ContentError):
            load_module(hostile)
    monkeypatch.setenv("QUERY_STRING", "module=access-control")
    assert session().module.id == "access-control" and "x" not in list_modules()
