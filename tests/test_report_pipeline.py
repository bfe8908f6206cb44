"""The quarterly pipeline and `workbench report` on fixture notebooks (real papermill runs).

The real notebooks 01–05 are replaced by the fixture notebook ``00_results`` (see
``_report_fixtures``); the executive notebook is the real ``10_quarterly_report``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import _report_fixtures as fx
from workbench.cli import main
from workbench.report import manifest, plan as plan_mod

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    return {"dataset": fx.make_dataset(root / "ds"), "notebooks": fx.notebooks_dir(root / "nb"), "out": root / "out"}


def _cli(env, monkeypatch, quarter, *extra, **plan_kw):
    monkeypatch.setattr(plan_mod, "quarterly_plan", fx.fixture_plan(**plan_kw))
    monkeypatch.setattr(plan_mod, "NOTEBOOKS", env["notebooks"])
    return main(["report", "--dataset", str(env["dataset"]), "--quarter", quarter, "--out", str(env["out"]), *extra])


def _state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_first_run_then_next_quarter_compares(env, monkeypatch, capsys):
    assert _cli(env, monkeypatch, "2026Q2", failed="AC-001,BK-001", overall=60.0, loss=150000.0) == 0
    out, err = capsys.readouterr()
    q2 = env["out"] / "2026Q2"
    assert out.strip() == str(q2 / "report.html")
    assert "[1/2] 00_results: cell 3/4" in err and "[2/2] 10_quarterly_report: cell" in err
    assert "no previous quarter" in err
    assert json.loads((q2 / "history.json").read_text())["note"] == "no previous quarter"
    assert "no previous quarter" in (q2 / "report.html").read_text().lower()

    assert _cli(env, monkeypatch, "2026Q3", failed="AC-001,ENC-002", overall=70.0, loss=100000.0) == 0
    q3 = env["out"] / "2026Q3"
    hist = json.loads((q3 / "history.json").read_text())
    assert hist["previous_quarter"] == "2026Q2"
    assert hist["findings"] == {"new": ["ENC-002"], "resolved": ["BK-001"], "persisting": ["AC-001"], "accepted": [],
                                "failing": ["AC-001", "ENC-002"]}
    assert hist["scores"]["overall"]["trend"] == "▲" and hist["expected_loss"]["change"] == -50000.0
    for name in ("report.html", "findings.json", "risk_register.csv", "simulation.json", "training.json",
                 "manifest.json", "notebooks/00_results.ipynb", "notebooks/10_quarterly_report.ipynb"):
        assert (q3 / name).is_file(), name
    html = (q3 / "report.html").read_text()
    assert "compared with 2026Q2" in html and "ENC-002" in html
    assert html.count("plotly.js v") == 1 and 'src="http' not in html and "<script src=" not in html
    assert "import json, pathlib" not in html  # no code
    assert not [p for p in env["out"].iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_manifest_hashes_are_correct(env):
    q3 = env["out"] / "2026Q3"
    man = json.loads((q3 / "manifest.json").read_text())
    assert manifest.verify(q3) == []
    outputs = {e["path"] for e in man["outputs"]}
    assert {"report.html", "findings.json", "notebooks/10_quarterly_report.ipynb"} <= outputs
    assert outputs == {str(p.relative_to(q3)) for p in q3.rglob("*") if p.is_file() and p.name != "manifest.json"}
    inputs = {e["path"]: e["sha256"] for e in man["inputs"]}
    assert inputs["ds/customers.csv"] == manifest.sha256(env["dataset"] / "customers.csv")
    assert inputs["ds/dataset.yaml"] == manifest.sha256(env["dataset"] / "dataset.yaml")
    assert man["parameters"]["quarter"] == "2026Q3" and man["parameters"]["previous_quarter"] == "2026Q2"
    assert man["parameters"]["as_of"] == "2026-09-30" and man["parameters"]["seed"] == 7
    assert [n["notebook"] for n in man["notebooks"]] == ["00_results", "10_quarterly_report"]
    assert man["notebooks"][0]["parameters"]["output_dir"] == "<quarter folder>"


def test_fail_under_exits_3_after_writing(env, monkeypatch, capsys):
    before = (env["out"] / "2026Q3" / "manifest.json").read_bytes()
    assert _cli(env, monkeypatch, "2026Q3", "--fail-under", "80", failed="AC-001", overall=70.0) == 3
    out, err = capsys.readouterr()
    assert out.strip().endswith("2026Q3/report.html")
    assert "70 is below --fail-under 80" in err
    q3 = env["out"] / "2026Q3"
    assert (q3 / "manifest.json").read_bytes() != before and manifest.verify(q3) == []
    assert json.loads((q3 / "findings.json").read_text())["scores"]["overall"] == 70.0


def test_failing_notebook_keeps_previous_report(env, monkeypatch, capsys):
    q3 = env["out"] / "2026Q3"
    before = _state(q3)
    assert _cli(env, monkeypatch, "2026Q3", failed="AC-001", fail=True) == 1
    out, err = capsys.readouterr()
    assert out == ""
    line = [ln for ln in err.splitlines() if "error" in ln][-1]
    assert "notebook 00_results failed at cell 4/4" in line and "ValueError: planted failure" in line
    assert fx.RAW_EMAIL not in err and "a***@example.org" in err  # masked
    assert _state(q3) == before
    assert not [p for p in env["out"].iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_bad_input_exits_2_before_any_kernel(env, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "workbench", "report", *args], capture_output=True, text=True,
                              timeout=60)
    r = run("--dataset", str(env["dataset"]), "--quarter", "2026Q5", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "YYYYQn" in r.stderr and "Traceback" not in r.stderr
    r = run("--dataset", str(tmp_path / "missing"), "--quarter", "2026Q4", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "dataset folder not found" in r.stderr and "Traceback" not in r.stderr
    r = run("--dataset", str(env["dataset"]), "--quarter", "2026Q4", "--out", str(tmp_path / "o"), "--fail-under", "120")
    assert r.returncode == 2
    r = run("--dataset", str(env["dataset"]), "--quarter", "2026Q4", "--out", str(tmp_path / "o"), "--store", "nope.db")
    assert r.returncode == 2 and "no such training results file" in r.stderr
    r = run("--dataset", str(env["dataset"]), "--quarter", "2026Q4", "--out", str(tmp_path / "o"), "--trials", "0")
    assert r.returncode == 2
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


KILL_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    import _report_fixtures as fx
    from workbench.report import run_report
    run_report({dataset!r}, "2026Q3", {out!r}, plan=fx.fixture_plan(failed="PRV-001", overall=10.0, sleep={sleep}),
               notebooks_dir=Path({notebooks!r}), progress=lambda p: print(p, flush=True))
""")


def test_killed_run_leaves_previous_report_and_rerun_succeeds(env):
    q3 = env["out"] / "2026Q3"
    before = _state(q3)
    script = KILL_SCRIPT.format(tests=str(Path(__file__).parent), dataset=str(env["dataset"]), out=str(env["out"]),
                                notebooks=str(env["notebooks"]), sleep=60)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        for line in proc.stdout:  # wait until the sleeping cell runs
            if "00_results: cell 4/4" in line or time.monotonic() > deadline:
                break
        time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its kernel
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert [p for p in env["out"].iterdir() if p.name.startswith(".2026Q3.tmp-")]  # killed midway
    assert _state(q3) == before
    # re-run succeeds and cleans up the leftovers
    rerun = KILL_SCRIPT.format(tests=str(Path(__file__).parent), dataset=str(env["dataset"]), out=str(env["out"]),
                               notebooks=str(env["notebooks"]), sleep=0)
    r = subprocess.run([sys.executable, "-c", rerun], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads((q3 / "findings.json").read_text())["scores"]["overall"] == 10.0
    assert manifest.verify(q3) == []
    assert not [p for p in env["out"].iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_recover_restores_a_report_moved_aside(tmp_path):
    from workbench.report.pipeline import recover

    fx.write_results(tmp_path / ".2026Q3.old-123-456", ["AC-001"], 50, 1)  # killed between the two renames
    (tmp_path / ".2026Q3.tmp-xyz").mkdir()
    recover(tmp_path, "2026Q3")
    assert (tmp_path / "2026Q3" / "findings.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026Q3"]


def test_parallel_steps_respect_dependencies(env, tmp_path):
    """Two independent notebooks run side by side; the one that needs them never starts after a failure."""
    from workbench.errors import ExecutionError
    from workbench.report import run_report
    from workbench.report.plan import EXECUTIVE, Step

    # two notebooks of their own: steps are known by name, and each writes its own output notebook
    # (one notebook twice let the executive start when the first copy finished, and the error's
    # cell count read the other copy's half-written output under load)
    notebooks = shutil.copytree(env["notebooks"], tmp_path / "nb")
    shutil.copy(notebooks / "00_results.ipynb", notebooks / "00_failing.ipynb")

    def factory(ctx):
        base = {"dataset": str(ctx.dataset), "as_of": ctx.as_of, "output_dir": str(ctx.run_dir)}
        return [Step("00_results", {**base, "sleep": 1.0}, ("findings.json",), after=()),
                Step("00_failing", {**base, "fail": True}, (), after=()),
                Step(EXECUTIVE, {"quarter": ctx.quarter, "results_dir": str(ctx.run_dir), "previous_dir": "",
                                 "output_dir": str(ctx.run_dir)})]
    events = []
    with pytest.raises(ExecutionError, match="00_failing failed at cell 4/4"):
        run_report(env["dataset"], "2027Q1", tmp_path, plan=factory, notebooks_dir=notebooks, jobs=2,
                   progress=events.append)
    started = [(e.step, e.notebook) for e in events if e.phase == "notebook" and e.cell == 0]
    assert sorted(started) == [(1, "00_results"), (2, "00_failing")]
    assert not (tmp_path / "2027Q1").exists() and not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_a_plan_running_one_notebook_twice_is_bad_input(env, tmp_path):
    """Steps are known by notebook name (dependencies) and write notebooks/<name>.ipynb: a notebook
    twice would let the executive start after the first copy and race on one output file. Refused
    (exit 2) before any kernel starts, and nothing is left behind."""
    from workbench.errors import InputError
    from workbench.report import run_report
    from workbench.report.plan import Step

    def factory(ctx):
        base = {"dataset": str(ctx.dataset), "as_of": ctx.as_of, "output_dir": str(ctx.run_dir)}
        return [Step("00_results", base, ("findings.json",), after=()), Step("00_results", base, (), after=())]
    events = []
    with pytest.raises(InputError, match="runs notebook 00_results more than once") as e:
        run_report(env["dataset"], "2027Q1", tmp_path, plan=factory, notebooks_dir=env["notebooks"], jobs=2,
                   progress=events.append)
    assert e.value.exit_code == 2 and "its own notebook" in str(e.value.hint)
    assert not [ev for ev in events if ev.phase == "notebook"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


TERM_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    import _report_fixtures as fx
    from workbench.cli import main
    from workbench.report import plan as plan_mod
    plan_mod.quarterly_plan = fx.fixture_plan(failed="PRV-001", overall=10.0, sleep=120)
    plan_mod.NOTEBOOKS = Path({notebooks!r})
    sys.exit(main(["report", "--dataset", {dataset!r}, "--quarter", "2026Q3", "--out", {out!r}]))
""")


def test_sigterm_removes_temp_and_lock_files(env):
    q3 = env["out"] / "2026Q3"
    before = _state(q3)
    script = TERM_SCRIPT.format(tests=str(Path(__file__).parent), dataset=str(env["dataset"]), out=str(env["out"]),
                                notebooks=str(env["notebooks"]))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        for line in proc.stderr:  # progress: wait until the sleeping cell runs
            if "00_results: cell 4/4" in line or time.monotonic() > deadline:
                break
        assert [p for p in env["out"].iterdir() if p.name.startswith(".2026Q3.")]  # tmp folder and lock exist
        time.sleep(0.5)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)  # what cron timeouts and systemd send
        rest = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1 and "interrupted" in rest, rest[-2000:]
    assert time.monotonic() - t0 < 30  # the sleeping cell was interrupted, not waited for
    assert not [p.name for p in env["out"].iterdir() if p.name.startswith(".")]  # no .tmp-, .old- or .lock
    assert _state(q3) == before


def test_data_outside_the_quarter_is_a_warning(env, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(plan_mod, "quarterly_plan", fx.fixture_plan())
    monkeypatch.setattr(plan_mod, "NOTEBOOKS", env["notebooks"])
    assert main(["report", "--dataset", str(env["dataset"]), "--quarter", "2027Q1", "--out", str(tmp_path),
                 "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("workbench report: warning: the data is as of 2026-09-30")
    html = (tmp_path / "2027Q1" / "report.html").read_text(encoding="utf-8")
    assert 'class="warning">Warning: the data is as of 2026-09-30' in html
    assert json.loads((tmp_path / "2027Q1" / "history.json").read_text())["freshness"].startswith("the data is as of")
