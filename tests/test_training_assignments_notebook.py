"""Notebook 05's assignment section (issue 16): per assignment who is done, due, failed or overdue,
privileged first; the identity note says how many attempts of record are self-declared."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat
import pytest

from workbench.training import answer_key, grade, load_module, record_attempt

NB = Path(__file__).resolve().parents[1] / "notebooks"
pytestmark = pytest.mark.notebook


def test_dashboard_shows_assignments_and_self_declared_identities(tmp_path: Path, repo: Path) -> None:
    papermill = pytest.importorskip("papermill")
    store = tmp_path / "r.db"
    m = load_module("access-control")
    when = dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone.utc)
    record_attempt(store, trainee="U00001", department="IT", module=m, result=grade(m, answer_key(m)),
                   finished_at=when, identity="jupyterhub", source="widget")
    record_attempt(store, trainee="U00012", department="IT", module=m, result=grade(m, {}), finished_at=when,
                   identity="self-declared", source="widget")
    out = tmp_path / "dash.ipynb"
    papermill.execute_notebook(str(NB / "05_training_dashboard.ipynb"), str(out), cwd=str(NB), kernel_name="python3",
                               progress_bar=False, parameters={"store": str(store), "assignments": str(
                                   repo / "training" / "assignments" / "example.yaml")})
    nb = nbformat.read(out, as_version=4)
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("data", {}).get("text/markdown", ""))
                     for c in nb.cells for o in c.get("outputs", []))
    assert "privileged-access" in text and "overdue" in text
    assert "1 of 2 attempts of record were identified by the platform" in text and "1 rest on self-declared ids" in text
