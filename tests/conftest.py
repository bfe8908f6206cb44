"""Shared fixtures: repository paths and the committed samples."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# The session's own temporary folder (TMPDIR), set once by the first process and inherited by
# pytest-xdist's workers, notebook kernels and CLI subprocesses; removed when the session ends.
# Some temp folders cannot clean up after themselves here: an xdist worker ends without running
# its exit handlers (a dataset a test left open keeps its workbench-duckdb-* folder), and a test
# that SIGKILLs a report leaves its kernel folders. pytest's own folders stay in the system's
# temporary folder (PYTEST_DEBUG_TEMPROOT), where it keeps the last three sessions.
_TEMP_ROOT: list[str] = []
if not os.environ.get("WORKBENCH_TESTS_TMPDIR"):
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
    _TEMP_ROOT.append(tempfile.mkdtemp(prefix="wb-tests-"))
    os.environ["WORKBENCH_TESTS_TMPDIR"] = os.environ["TMPDIR"] = _TEMP_ROOT[0]
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again

# Pseudonym key of the test session: never the developer's ~/.config/workbench/key (subprocesses,
# papermill kernels included, inherit it).
# Set once, by the first process (pytest-xdist's workers inherit it, so all share one key);
# removed by that process when the session ends.
_KEY_DIR: list[str] = []
if not os.environ.get("WORKBENCH_PSEUDONYM_KEY") and not os.environ.get("WORKBENCH_KEY_FILE"):
    _KEY_DIR.append(tempfile.mkdtemp(prefix="workbench-test-key-"))
    os.environ["WORKBENCH_KEY_FILE"] = str(Path(_KEY_DIR[0]) / "key")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "acme_retail"
MINI = REPO / "data" / "samples" / "mini_sqlite"


_TMP: list[str] = []
_STORE = "WORKBENCH_TRAINING_STORE"


def pytest_runtest_setup(item) -> None:
    """nbval runs notebooks in place; 04_privacy_training records attempts in its default store,
    <repo>/training_results.db. Its kernel inherits this environment: the store goes to a
    temporary folder instead. (Only for 04: the dashboard, 05, reads the same variable and must
    keep showing its simulated cohort by default.)"""
    if Path(str(getattr(item, "path", ""))).name == "04_privacy_training.ipynb":
        if not _TMP:
            _TMP.append(tempfile.mkdtemp(prefix="workbench-tests-"))
        os.environ.setdefault(_STORE, os.path.join(_TMP[0], "training_results.db"))
    elif _TMP and os.environ.get(_STORE, "").startswith(_TMP[0]):
        del os.environ[_STORE]


# `make test` spreads whole files over pytest-xdist workers (--dist loadfile: a file's module
# fixtures are built once, and nbval's cells of a notebook stay in one kernel), in collection
# order (--no-loadscope-reorder; xdist would otherwise start with the files holding most tests).
# The files that take longest (measured with --durations) go first, so both cores stay busy to
# the end instead of one finishing a long file alone; the browser file, mostly waiting on
# kernels, starts beside the CPU-bound report runs.
LONGEST_FIRST = ("test_report_quality.py", "test_training_server.py", "test_report_pipeline.py",
                 "test_engine_spark.py", "test_hostile_sample.py", "test_report_e2e.py", "test_i18n.py")


def pytest_collection_modifyitems(session, config, items) -> None:
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.path)).name, len(rank)))  # stable: file order kept


def pytest_unconfigure(config) -> None:
    for d in _TMP + _KEY_DIR + _TEMP_ROOT:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Every test starts in English and leaves the language as it found it (tests share a worker
    process; an in-process call that switched the language once made later tests read Chinese)."""
    from workbench import i18n

    with i18n.using("en"):
        yield


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def mini_dir() -> Path:
    return MINI


SAMPLE_REPORT_TRIALS = 20000


def shared_folder(tmp_path_factory, name: str, make) -> Path:
    """A folder built once per test session, even when pytest-xdist runs the suite in several
    worker processes (`make test` does): the first worker to ask calls ``make(folder)`` under a
    file lock, the others wait and reuse what it wrote. Without xdist it is an ordinary session
    folder."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".built").write_text("")
    return folder


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One ``workbench report --quiet`` of the committed sample for 2026Q3 (five kernels, the
    costliest thing the suite does), shared by the report tests: (reports folder, the process).
    Read it, never write into it: a test that runs another quarter on top copies the folder."""
    import json

    def make(folder: Path) -> None:
        out = folder / "reports"
        out.mkdir()
        r = subprocess.run([sys.executable, "-m", "workbench", "report", "--dataset", str(SAMPLE), "--quarter",
                            "2026Q3", "--out", str(out), "--trials", str(SAMPLE_REPORT_TRIALS), "--quiet"],
                           capture_output=True, text=True, timeout=900, cwd=out)
        (folder / "process.json").write_text(json.dumps([r.args, r.returncode, r.stdout, r.stderr]))

    folder = shared_folder(tmp_path_factory, "sample-report", make)
    args, code, stdout, stderr = json.loads((folder / "process.json").read_text())
    return folder / "reports", subprocess.CompletedProcess(args, code, stdout, stderr)


@pytest.fixture(scope="session")
def salesforce_dir(tmp_path_factory) -> Path:
    """A Salesforce-style copy of mini_sqlite: renamed columns, no state, cp1252 (tests/_salesforce.py)."""
    from _salesforce import make_salesforce_export

    return make_salesforce_export(tmp_path_factory.mktemp("salesforce"))


@pytest.fixture(scope="session")
def sample_dataset():
    from workbench import load_dataset

    return load_dataset(SAMPLE)


def committed_code_cells(path: Path) -> list[dict]:
    """The code cells of a committed notebook, after checking what every notebook owes: kernel
    ``python3``, a first code cell tagged ``parameters``, and no outputs or execution counts."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    return code


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``python -m workbench ARGS`` as a user would; returns the completed process."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env=env, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli
