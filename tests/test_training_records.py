"""Training records are data (issue 11, item 6): the report's training figures come from the
results store or the dataset's training_results table, never from a simulated cohort."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from workbench import load_dataset
from workbench.report.pipeline import write_training
from workbench.training import answer_key, grade, load_module, record_attempt, training_summary
from workbench.training.records import NO_DATA

ROOT = Path(__file__).resolve().parents[1]


def _without_training(tmp_path: Path, sample_dir: Path) -> Path:
    ds = tmp_path / "ds"
    shutil.copytree(sample_dir, ds)
    cfg = yaml.safe_load((ds / "dataset.yaml").read_text())
    source = cfg["tables"].pop("training_results")["path"]
    (ds / source).unlink()  # not left beside the export, where it would be read as another table
    (ds / "dataset.yaml").write_text(yaml.safe_dump(cfg))
    return ds


def test_report_training_json_comes_from_the_datasets_training_results(sample_dataset, tmp_path):
    path = write_training(sample_dataset, None, tmp_path)
    t = json.loads(path.read_text())
    rows = sample_dataset.tables["training_results"]
    window = rows[rows["completed_at"] > pd.Timestamp(sample_dataset.as_of) - pd.Timedelta(days=365)]
    assert t["source"] == "dataset" and not t["simulated"] and t["simulated_attempts"] == 0
    assert t["attempts"] == len(window) and t["trainees"] == window["trainee_id"].nunique()
    assert t["pass_rate"] == round(float(window["passed"].astype(bool).mean()), 4)
    # overdue staff agree with TRN-001 of the ground truth (same roster, same records)
    truth = json.loads((ROOT / "data/samples/acme_retail/ground_truth.json").read_text())["checks"]["TRN-001"]
    assert t["overdue"]["count"] == truth["affected"]
    again = json.loads(write_training(sample_dataset, None, tmp_path / "again").read_text())
    assert again == t  # deterministic: no temp file name leaks into it
    assert not list(Path(tempfile.gettempdir()).glob(f"workbench_training_lms_*_{os.getpid()}.db"))  # not kept


def test_store_takes_precedence_over_the_dataset(sample_dataset, tmp_path):
    store = str(tmp_path / "results.db")
    m = load_module("access-control")
    record_attempt(store, trainee="U00009", department="Support", module=m, result=grade(m, answer_key(m)),
                   started_at=pd.Timestamp("2026-09-01 10:00").to_pydatetime(),
                   finished_at=pd.Timestamp("2026-09-01 10:20").to_pydatetime(), source="cli")
    t = training_summary(sample_dataset, store)
    assert t["source"] == "store" and t["attempts"] == 1 and t["store"] == "results.db"


def test_without_store_or_records_the_report_says_there_is_no_data(tmp_path, sample_dir):
    ds = load_dataset(_without_training(tmp_path, sample_dir))
    t = json.loads(write_training(ds, None, tmp_path / "out").read_text())
    assert t["source"] == "none" and t["attempts"] == 0 and t["completion"] is None
    assert t["note"] == NO_DATA and not t["simulated"]


def test_executive_summary_states_the_missing_training_data(tmp_path, sample_dir):
    from workbench.report import executive

    ds = _without_training(tmp_path, sample_dir)
    out = executive.compute_results(ds, tmp_path / "res", trials=200)
    t = json.loads((out / "training.json").read_text())
    assert t["source"] == "none"
    assert "no training records" in executive.summary_markdown(executive.load_results(out, quarter="2026Q3"))


def test_the_simulated_cohort_left_the_product():
    assert importlib.util.find_spec("workbench.training.simulate") is None
    hits = [str(p) for p in (ROOT / "workbench").rglob("*.py")
            if re.search(r"simulate_cohort|demo_store", p.read_text(encoding="utf-8"))]
    assert hits == []
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert "demo_store" not in nb.read_text(encoding="utf-8") and "SIMULATED cohort" not in nb.read_text(encoding="utf-8")


def _in_a_process(code: str, tmp: Path) -> tuple[str, str]:
    """Run ``code`` in a fresh interpreter whose temp folder is ``tmp``; returns (stdout, stderr)."""
    import subprocess
    import sys

    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout, out.stderr


def test_throwaway_stores_and_results_are_private_and_gone_when_the_process_exits(tmp_path, sample_dir):
    """Issue 21 item 10: the dashboard wrote /tmp/workbench_training_lms_*.db (predictable, 0644,
    never removed) and compute_results left workbench-results-* folders behind."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code = ("import os, stat, sys\n"
            "from pathlib import Path\n"
            "from workbench.training.session import dashboard_config\n"
            "from workbench.report.executive import compute_results\n"
            f"cfg = dashboard_config(dataset={str(sample_dir)!r})\n"
            f"empty = dashboard_config(dataset={str(_without_training(tmp_path, sample_dir))!r})\n"
            f"res = compute_results({str(sample_dir)!r}, trials=200)\n"
            "for p in (Path(cfg.store).parent, Path(empty.store).parent, res):\n"
            "    print(p, oct(stat.S_IMODE(p.stat().st_mode)))\n")
    stdout, _ = _in_a_process(code, tmp)
    folders = [line.split() for line in stdout.strip().splitlines()]
    assert len(folders) == 3
    for folder, mode in folders:
        assert Path(folder).parent == tmp and mode == "0o700", (folder, mode)  # private, in the temp folder
        assert not Path(folder).exists()  # removed when the process ended
    assert list(tmp.iterdir()) == []
    assert Path(folders[0][0]).name != Path(folders[1][0]).name  # unpredictable: one per use


def test_the_report_summary_leaves_no_file(sample_dir, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    _in_a_process("from workbench import load_dataset\nfrom workbench.training import training_summary\n"
                  f"assert training_summary(load_dataset({str(sample_dir)!r}))['source'] == 'dataset'\n"
                  "import tempfile, pathlib\n"
                  "left = [p for p in pathlib.Path(tempfile.gettempdir()).iterdir() if 'training' in p.name]\n"
                  "assert left == [], left\n", tmp)
