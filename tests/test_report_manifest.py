"""manifest.json: hashes, versions, git state (no kernels: fast)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from workbench.report import manifest

REPO_FILES = ("pyproject.toml",)


def test_manifest_hashes_inputs_and_outputs(tmp_path):
    run = tmp_path / "2026Q3"
    (run / "notebooks").mkdir(parents=True)
    (run / "findings.json").write_text('{"a": 1}')
    (run / "notebooks" / "x.ipynb").write_bytes(b"\x00\x01" * 1000)
    data = tmp_path / "ds"
    data.mkdir()
    (data / "customers.csv").write_text("customer_id\n1\n")
    now = dt.datetime(2026, 9, 30, tzinfo=dt.timezone.utc)
    m = manifest.build_manifest(run_dir=run, inputs=[data / "customers.csv", data / "absent.csv"],
                                parameters={"quarter": "2026Q3"}, started=now, finished=now,
                                repo=tmp_path, input_bases=(data,))
    path = manifest.write_manifest(run, m)
    loaded = json.loads(path.read_text())
    assert loaded["inputs"] == [{"path": "customers.csv", "bytes": 14,
                                 "sha256": hashlib.sha256(b"customer_id\n1\n").hexdigest()}]
    outs = {e["path"]: e["sha256"] for e in loaded["outputs"]}
    assert outs == {"findings.json": hashlib.sha256(b'{"a": 1}').hexdigest(),
                    "notebooks/x.ipynb": hashlib.sha256(b"\x00\x01" * 1000).hexdigest()}
    assert loaded["parameters"] == {"quarter": "2026Q3"} and loaded["started_at"].startswith("2026-09-30")
    assert loaded["git"] is None  # tmp_path is no git checkout
    for pkg in ("papermill", "nbconvert", "pandas", "plotly", "workbench"):
        assert loaded["packages"][pkg][0].isdigit(), pkg
    assert manifest.verify(run) == []
    (run / "findings.json").write_text('{"a": 2}')
    assert manifest.verify(run) == ["findings.json"]


def test_git_state_of_the_repository():
    from workbench.report.plan import REPO

    state = manifest.git_state(REPO)
    if (REPO / ".git").exists():
        assert len(state["commit"]) == 40 and isinstance(state["dirty"], bool)
