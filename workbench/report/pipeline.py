"""``run_report``: the quarterly run from dataset to ``<out>/<quarter>/``, atomically.

Everything is built in ``<out>/.<quarter>.tmp-XXXX`` and renamed over ``<out>/<quarter>`` at the
end; the previous folder of that quarter is moved aside first and removed only once the new one
is in place. A lock file serialises runs of one quarter, and leftovers of a killed run (temporary
folders, a moved-aside folder) are cleaned up — or restored — by the next run.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..boundary import redact_notebook
from ..errors import ExecutionError, InputError, ThresholdError, WorkbenchError
from ..files import write_json_atomic
from . import actions, export, history, manifest
from . import plan as plan_mod
from .runner import (
    NotebookRun,
    NotebookTiming,
    Progress,
    ProgressCallback,
    execute,
    scrub,
)

PlanFactory = Callable[[plan_mod.RunContext], list[plan_mod.Step]]


@dataclass
class ReportResult:
    """Where a finished run put things, and what it measured."""

    quarter: str
    folder: Path
    html: Path
    pdf: Path | None
    manifest: Path
    previous: Path | None
    overall: float | None
    timings: list[NotebookTiming] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # e.g. data as of a date outside the quarter


@contextmanager
def _quarter_lock(out_dir: Path, quarter: str) -> Iterator[None]:
    """An exclusive lock on ``.<quarter>.lock``, removed again when the run ends (any way but
    SIGKILL). A run that opened a lock file another run has just removed retries on the new one."""
    path = out_dir / f".{quarter}.lock"
    while True:
        lock = open(path, "a+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise ExecutionError.of("error.run.locked", quarter=quarter, out=out_dir) from None
        try:
            same = os.stat(path).st_ino == os.fstat(lock.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        lock.close()  # removed by the run that held it: lock the file now in its place
    try:
        yield
    finally:
        try:
            path.unlink()  # while still holding the lock: the next run creates a fresh file
        except OSError:
            pass
        lock.close()


def recover(out_dir: Path, quarter: str) -> None:
    """Under the quarter's lock: drop temporary folders of dead runs; put back a report that a
    killed run had moved aside but not yet replaced."""
    final = out_dir / quarter
    for p in sorted(out_dir.glob(f".{quarter}.old-*")):
        if final.exists():
            shutil.rmtree(p, ignore_errors=True)
        else:
            os.rename(p, final)
    for p in out_dir.glob(f".{quarter}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)


def _swap_in(tmp: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old is not None:
            os.rename(old, final)  # put the last good report back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _content_files(repo: Path) -> list[Path]:
    files: list[Path] = []
    for folder in ("assessments", "training"):
        if (repo / folder).is_dir():
            files += [p for p in (repo / folder).rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")]
    return files


def _store_file(store: str | None) -> list[Path]:
    if not store:
        return []
    path = Path(store[len("sqlite:///"):]) if store.startswith("sqlite:///") else Path(store)
    return [path] if path.is_file() else []


def run_report(dataset: str | Path, quarter: str, out_dir: str | Path, **kw: Any) -> ReportResult:
    """Run the quarterly report; see the module docstring. Raises ``InputError``/``DatasetError``
    (exit 2) before any kernel starts, ``ExecutionError`` (exit 1) naming notebook and cell, and
    ``ThresholdError`` (exit 3, with ``.result``) after the report is in place. ``jobs``: notebooks
    executed at once where the plan allows (2 suits a 2-core machine).

    Every notebook loads the dataset in its own kernel: for the run, a load cache (a temporary
    folder named by ``WORKBENCH_LOAD_CACHE``, inherited by the kernels) lets the first load parse
    the exports and the others attach its tables (workbench/loadcache.py)."""
    from .. import loadcache

    from ..i18n import using

    with using(None):  # the run's language (--lang, the profile's) ends with the run
        if os.environ.get(loadcache.ENV):  # an outer caller already provides one
            return _run_report(dataset, quarter, out_dir, **kw)
        with tempfile.TemporaryDirectory(prefix="workbench-load-cache-") as cache:
            os.environ[loadcache.ENV] = cache
            try:
                return _run_report(dataset, quarter, out_dir, **kw)
            finally:
                os.environ.pop(loadcache.ENV, None)


def _run_report(dataset: str | Path, quarter: str, out_dir: str | Path, *, as_of: str | None = None,
                fail_under: float | None = None, pdf: bool = False, trials: int = 100_000, seed: int = 7,
                store: str | None = None, profile: str = "quarterly", progress: ProgressCallback | None = None,
                plan: PlanFactory | None = None, notebooks_dir: Path | None = None, jobs: int = 2,
                lang: str | None = None) -> ReportResult:
    from .. import i18n
    from ..checks.catalog import load_profile
    from ..dataset import load_dataset

    from .runner import CANCEL

    CANCEL.clear()
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc)
    history.parse_quarter(quarter)
    quarter = quarter.strip()
    if fail_under is not None and not 0 <= float(fail_under) <= 100:
        raise InputError.of("error.report.fail_under", value=fail_under)
    if int(jobs) < 1:
        raise InputError.of("error.report.jobs", value=jobs)
    if int(trials) < 1:
        raise InputError.of("error.report.trials", value=trials)
    if store and "://" not in store:  # a file path: notebooks run in notebooks/, so make it absolute
        if not Path(store).expanduser().is_file():
            raise InputError.of("error.report.store", value=store)
        store = str(Path(store).expanduser().resolve())
    # --lang, else the profile's `lang:`, else English (InputError/ContentError: exit 2 before any kernel)
    lang = i18n.use(lang or getattr(load_profile(profile), "lang", None) or i18n.DEFAULT)
    ds = load_dataset(dataset, as_of=as_of)  # DatasetError: exit 2, nothing started yet
    out_dir = Path(out_dir).resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError.of("error.report.out", path=out_dir, reason=e.strerror) from None
    nb_dir = Path(notebooks_dir) if notebooks_dir else plan_mod.NOTEBOOKS
    make_plan = plan or plan_mod.quarterly_plan
    actions_file = out_dir / actions.FILE
    actions.load(actions_file)  # InputError (exit 2) before any kernel starts
    stale = history.freshness(quarter, ds.as_of)

    with _quarter_lock(out_dir, quarter):
        recover(out_dir, quarter)
        previous = history.find_previous(out_dir, quarter)
        tmp = Path(tempfile.mkdtemp(prefix=f".{quarter}.tmp-", dir=out_dir))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the report folder is not
        try:
            if actions_file.is_file():  # this quarter's copy: audit evidence, and what the report reviewed
                shutil.copyfile(actions_file, tmp / actions.FILE)
            ctx = plan_mod.RunContext(dataset=Path(ds.root).resolve(), as_of=str(ds.as_of), quarter=quarter,
                                      run_dir=tmp, previous_dir=previous, trials=int(trials), seed=int(seed),
                                      profile=profile, store=store, lang=lang,
                                      actions=tmp / actions.FILE if actions_file.is_file() else None)
            steps = make_plan(ctx)
            # Steps are keyed by notebook (dependencies, output file): a notebook twice would race on both.
            twice = sorted(n for n, c in Counter(s.notebook for s in steps).items() if c > 1)
            if twice:
                raise InputError.of("error.report.plan_twice", notebook=twice[0])
            if plan is None:
                _emit(progress, "training", "training.json")
                write_training(ds, store, tmp)
            runs = [NotebookRun(nb_dir / f"{s.notebook}.ipynb", tmp / "notebooks" / f"{s.notebook}.ipynb",
                                s.parameters) for s in steps]
            timings = _execute_steps(steps, runs, nb_dir, tmp, progress, jobs)
            for r in runs:  # the output boundary: no password from --store or a SQL URL in a saved notebook
                if r.output.is_file():
                    redact_notebook(r.output)
            missing = [f for f in plan_mod.RESULT_FILES if not (tmp / f).is_file()]
            if missing and plan is None:
                raise ExecutionError.of("error.run.missing_results", files=", ".join(missing))
            _emit(progress, "export", "report.html")
            sections = _sections(steps, runs)
            html = export.write_html(sections, tmp / "report.html", title=i18n.t("report.title", quarter=quarter),
                                     subtitle=i18n.t("report.subtitle", organisation=ds.organisation.name,
                                                     as_of=i18n.fmt_date(ds.as_of) if isinstance(ds.as_of, dt.date)
                                                     else str(ds.as_of),
                                                     previous=i18n.t("report.compared", quarter=previous.name)
                                                     if previous else i18n.t("report.no_previous")),
                                     warning=i18n.t("summary.warning", text=stale) if stale else "", lang=lang)
            if pdf:
                _emit(progress, "pdf", "report.pdf")
                export.write_pdf(html, tmp / "report.pdf")
            _emit(progress, "manifest", "manifest.json")
            for p in tmp.rglob("*"):  # atomic writers elsewhere use private temp files: one mode for the folder
                os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)
            params = {"dataset": str(ctx.dataset), "quarter": quarter, "as_of": ctx.as_of, "trials": ctx.trials, "jobs": jobs,
                      "seed": ctx.seed, "profile": profile, "lang": lang, "store": store, "fail_under": fail_under, "pdf": pdf,
                      "previous_quarter": previous.name if previous else None}
            inputs = [Path(p) for p in ds.files] + [r.source for r in runs] + _content_files(plan_mod.REPO) \
                + _store_file(store)
            notebooks = [{"notebook": t.name, "seconds": round(t.seconds, 2), "cells": t.cells,
                          "parameters": _public(s.parameters, tmp)} for t, s in zip(timings, steps)]
            man = manifest.build_manifest(run_dir=tmp, inputs=inputs, parameters=params, started=started,
                                          finished=dt.datetime.now(dt.timezone.utc), repo=plan_mod.REPO,
                                          notebooks=notebooks, input_bases=(ctx.dataset, plan_mod.REPO))
            manifest.write_manifest(tmp, man)
            final = out_dir / quarter
            _swap_in(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    overall = _overall(final / "findings.json")
    result = ReportResult(quarter, final, final / "report.html", final / "report.pdf" if pdf else None,
                          final / manifest.MANIFEST, previous, overall, timings, time.perf_counter() - t0,
                          [stale] if stale else [])
    _emit(progress, "done", str(result.html))
    if fail_under is not None:
        if overall is None:
            raise ExecutionError.of("error.run.no_overall")
        if overall < float(fail_under):
            err = ThresholdError.of("error.run.below", score=f"{overall:g}", limit=f"{float(fail_under):g}",
                                    path=result.html)
            err.result = result  # type: ignore[attr-defined]
            raise err
    return result


def write_training(ds: Any, store: str | None, out_dir: Path) -> Path:
    """``training.json`` from real records: the results store (``--store``), else the dataset's
    ``training_results`` table; with neither it says there is no data (nothing is simulated)."""
    from .. import training

    try:
        summary = training.training_summary(ds, store)
    except WorkbenchError:
        raise
    except Exception as e:
        raise ExecutionError.of("error.run.training", kind=type(e).__name__, detail=scrub(str(e))) from e
    return write_json_atomic(Path(out_dir) / "training.json", summary)


def _execute_steps(steps: list[plan_mod.Step], runs: list[NotebookRun], nb_dir: Path, tmp: Path,
                   progress: ProgressCallback | None, jobs: int = 1) -> list[NotebookTiming]:
    """Run the notebooks, up to ``jobs`` at a time, each once the notebooks it comes ``after`` are
    done (``after=None``: every earlier step; unknown names are ignored). The first
    failure stops new starts; running notebooks finish, then the error is raised."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    names = [s.notebook for s in steps]
    done: set[str] = set()
    timings: dict[str, NotebookTiming] = {}
    pending = list(range(len(steps)))
    error: BaseException | None = None

    def one(i: int) -> NotebookTiming:
        def shifted(p: Progress) -> None:
            if progress is not None:
                progress(Progress(p.phase, i + 1, len(runs), p.notebook, p.cell, p.cells, p.message))
        (timing,) = execute([runs[i]], cwd=nb_dir, progress=shifted)
        absent = [f for f in steps[i].produces if not (tmp / f).is_file()]
        if absent:
            raise ExecutionError.of("error.run.not_written", notebook=steps[i].notebook, files=", ".join(absent))
        return timing

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="notebook") as pool:
        running: dict[Any, int] = {}
        while pending or running:
            if error is None:
                for i in list(pending):
                    if len(running) >= max(1, jobs):
                        break
                    after = names[:i] if steps[i].after is None else steps[i].after
                    deps = [d for d in after if d in names]
                    if all(d in done for d in deps):
                        pending.remove(i)
                        running[pool.submit(one, i)] = i
            if not running:
                if error is None and pending:  # a dependency cycle or an unknown later name
                    raise ExecutionError.of("error.run.cycle", notebooks=", ".join(names[i] for i in pending))
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = running.pop(fut)
                try:
                    timings[names[i]] = fut.result()
                    done.add(names[i])
                except BaseException as e:  # noqa: BLE001 - re-raised below
                    error = error or e
            if error is not None:
                pending.clear()
    if error is not None:
        raise error
    return [timings[n] for n in names]


def _sections(steps: list[plan_mod.Step], runs: list[NotebookRun]) -> list[export.Section]:
    """The executive notebook first, then the appendices in run order."""
    pairs = list(zip(steps, runs))
    pairs.sort(key=lambda p: p[0].notebook != plan_mod.EXECUTIVE)
    return [export.Section(s.title or s.notebook, r.output, f"s{n}-{s.notebook}") for n, (s, r) in enumerate(pairs, 1)]


def _public(params: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """Parameters as recorded in the manifest: the temporary folder shown as the quarter folder."""
    return {k: (v.replace(str(tmp), "<quarter folder>") if isinstance(v, str) else v) for k, v in params.items()}


def _overall(path: Path) -> float | None:
    data = history.read_json(path) or {}
    try:
        return float(data["scores"]["overall"])
    except (KeyError, TypeError, ValueError):
        return None


def _emit(progress: ProgressCallback | None, phase: str, message: str) -> None:
    if progress is not None:
        progress(Progress(phase, message=message))


__all__ = ["run_report", "ReportResult", "recover"]
