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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import ExecutionError, InputError, ThresholdError
from . import export, history, manifest, plan as plan_mod
from .runner import NotebookRun, NotebookTiming, Progress, ProgressCallback, execute

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


@contextmanager
def _quarter_lock(out_dir: Path, quarter: str) -> Iterator[None]:
    lock = open(out_dir / f".{quarter}.lock", "a+")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExecutionError(f"another report run of {quarter} is writing to {out_dir}",
                                 hint="wait for it to finish, or use another --out") from None
        yield
    finally:
        lock.close()  # closing releases the lock (so does the death of the process)


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
    os.rename(tmp, final)
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


def run_report(dataset: str | Path, quarter: str, out_dir: str | Path, *, as_of: str | None = None,
               fail_under: float | None = None, pdf: bool = False, trials: int = 100_000, seed: int = 7,
               store: str | None = None, profile: str = "quarterly", progress: ProgressCallback | None = None,
               plan: PlanFactory | None = None, notebooks_dir: Path | None = None) -> ReportResult:
    """Run the quarterly report; see the module docstring. Raises ``InputError``/``DatasetError``
    (exit 2) before any kernel starts, ``ExecutionError`` (exit 1) naming notebook and cell, and
    ``ThresholdError`` (exit 3, with ``.result``) after the report is in place."""
    from ..dataset import load_dataset

    t0 = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc)
    history.parse_quarter(quarter)
    quarter = quarter.strip()
    if fail_under is not None and not 0 <= float(fail_under) <= 100:
        raise InputError(f"--fail-under {fail_under} is outside 0–100", hint="give an overall score, e.g. 70")
    if int(trials) < 1:
        raise InputError(f"--trials {trials} must be a positive number", hint="e.g. --trials 100000")
    ds = load_dataset(dataset, as_of=as_of)  # DatasetError: exit 2, nothing started yet
    out_dir = Path(out_dir).resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create output folder {out_dir}: {e.strerror}", hint="choose a writable --out") from None
    nb_dir = Path(notebooks_dir) if notebooks_dir else plan_mod.NOTEBOOKS
    make_plan = plan or plan_mod.quarterly_plan

    with _quarter_lock(out_dir, quarter):
        recover(out_dir, quarter)
        previous = history.find_previous(out_dir, quarter)
        tmp = Path(tempfile.mkdtemp(prefix=f".{quarter}.tmp-", dir=out_dir))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the report folder is not
        try:
            ctx = plan_mod.RunContext(dataset=Path(ds.root).resolve(), as_of=str(ds.as_of), quarter=quarter,
                                      run_dir=tmp, previous_dir=previous, trials=int(trials), seed=int(seed),
                                      profile=profile, store=store)
            steps = make_plan(ctx)
            runs = [NotebookRun(nb_dir / f"{s.notebook}.ipynb", tmp / "notebooks" / f"{s.notebook}.ipynb",
                                s.parameters) for s in steps]
            timings = _execute_steps(steps, runs, nb_dir, tmp, progress)
            missing = [f for f in plan_mod.RESULT_FILES if not (tmp / f).is_file()]
            if missing and plan is None:
                raise ExecutionError(f"the run finished without {', '.join(missing)}",
                                     hint="check that each notebook writes its results to its output_dir parameter")
            _emit(progress, "export", "report.html")
            sections = _sections(steps, runs)
            html = export.write_html(sections, tmp / "report.html", title=f"Privacy risk report {quarter}",
                                     subtitle=f"{ds.organisation.name} · data as of {ds.as_of} · "
                                              f"{'compared with ' + previous.name if previous else history.NO_PREVIOUS}")
            if pdf:
                _emit(progress, "pdf", "report.pdf")
                export.write_pdf(html, tmp / "report.pdf")
            _emit(progress, "manifest", "manifest.json")
            params = {"dataset": str(ctx.dataset), "quarter": quarter, "as_of": ctx.as_of, "trials": ctx.trials,
                      "seed": ctx.seed, "profile": profile, "store": store, "fail_under": fail_under, "pdf": pdf,
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
                          final / manifest.MANIFEST, previous, overall, timings, time.perf_counter() - t0)
    _emit(progress, "done", str(result.html))
    if fail_under is not None:
        if overall is None:
            raise ExecutionError("findings.json has no overall score to compare with --fail-under",
                                 hint="check the posture assessment notebook")
        if overall < float(fail_under):
            err = ThresholdError(f"overall score {overall:g} is below --fail-under {float(fail_under):g} "
                                 f"(report written to {result.html})", hint="see the recommended actions in the report")
            err.result = result  # type: ignore[attr-defined]
            raise err
    return result


def _execute_steps(steps: list[plan_mod.Step], runs: list[NotebookRun], nb_dir: Path, tmp: Path,
                   progress: ProgressCallback | None) -> list[NotebookTiming]:
    timings: list[NotebookTiming] = []
    for i, (step, run) in enumerate(zip(steps, runs)):
        def shifted(p: Progress, i: int = i) -> None:
            if progress is not None:
                progress(Progress(p.phase, i + 1, len(runs), p.notebook, p.cell, p.cells, p.message))
        timings += execute([run], cwd=nb_dir, progress=shifted)
        absent = [f for f in step.produces if not (tmp / f).is_file()]
        if absent:
            raise ExecutionError(f"notebook {step.notebook} ran but did not write {', '.join(absent)}",
                                 hint="its output_dir parameter must receive these files")
    return timings


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
