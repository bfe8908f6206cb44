"""Execute notebooks through papermill's Python API, reporting progress cell by cell.

One kernel per notebook, all in this process (the papermill CLI costs ≈5 s per notebook in
start-up; the API ≈1 s). A cell error becomes an :class:`~workbench.errors.ExecutionError`
naming the notebook, the cell and the exception's last line — masked, because the text of an
error raised inside a cell can quote data.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import ExecutionError


@dataclass(frozen=True)
class Progress:
    """One progress event: ``phase`` is "notebook", "export", "pdf", "manifest" or "done"."""

    phase: str
    step: int = 0            # 1-based notebook number
    steps: int = 0           # notebooks in the run
    notebook: str = ""       # notebook stem, e.g. "02_posture_assessment"
    cell: int = 0            # 1-based code cell being executed (0: kernel starting)
    cells: int = 0           # code cells in the (parameterised) notebook
    message: str = ""

    def __str__(self) -> str:
        if self.phase == "notebook":
            where = f"cell {self.cell}/{self.cells}" if self.cell else "starting kernel"
            return f"[{self.step}/{self.steps}] {self.notebook}: {where}"
        return f"{self.phase}: {self.message}" if self.message else self.phase


ProgressCallback = Callable[[Progress], None]
CANCEL = threading.Event()  # set when the run is interrupted: notebooks stop at their next cell
_KERNELS: "weakref.WeakSet[Any]" = weakref.WeakSet()  # kernel managers of the notebooks running now


def cancel() -> None:
    """Stop the run: no notebook starts another cell, and running cells get a KeyboardInterrupt
    (SIGINT to their kernels), so the run's ``finally`` clauses remove its temporary files soon."""
    import signal

    CANCEL.set()
    for km in list(_KERNELS):
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if pid:
            try:
                os.kill(pid, signal.SIGINT)
            except OSError:
                pass


@contextmanager
def kernel_manager() -> Iterator[type]:
    """A kernel manager class whose kernels talk over IPC sockets in a private temporary folder.

    Over TCP ipykernel warns on stderr that it runs without encryption (five lines per report in a
    cron job's mail); IPC sockets are files only this user can reach. nbclient creates (and so
    owns and shuts down) the manager; the folder goes when the notebook is done.

    Shutdown never interrupts. jupyter_client's ``shutdown_kernel`` sends SIGINT before its
    shutdown request, even a graceful one; papermill shuts down as soon as the last reply
    (``kernel_info``) arrives, and a kernel that is still between sending that reply and leaving
    its handler (under load: descheduled right after the send) turns the SIGINT into
    ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.`` on the report's stderr. An
    idle kernel needs no interrupt: the shutdown request travels on the control channel, and a
    kernel that does not exit within ``shutdown_wait_time`` still gets SIGTERM, then SIGKILL.
    :func:`cancel` interrupts running cells on purpose, with its own signal."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    folder = tempfile.mkdtemp(prefix="wb-kernel-")

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            _KERNELS.add(self)

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:  # set by shutdown_kernel just before it would interrupt
                return
            await super()._async_interrupt_kernel()

        @default("transport")
        def _ipc_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _ipc_path(self) -> str:
            return os.path.join(folder, "kernel")

    try:
        yield IPCKernelManager
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class NotebookRun:
    """A notebook to execute: source path, output path and its parameters (plain Python values)."""

    source: Path
    output: Path
    parameters: dict[str, Any]

    @property
    def name(self) -> str:
        return self.source.stem


@dataclass(frozen=True)
class NotebookTiming:
    name: str
    seconds: float
    cells: int


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def scrub(text: str, limit: int = 240) -> str:
    """A notebook's error text fit for a message: ANSI colours dropped, then the output boundary
    (secrets redacted, personal data masked, one line) and shortened."""
    from ..boundary import safe_message

    return safe_message(_ANSI.sub("", str(text)), limit=limit)


def declared_parameters(path: Path) -> dict[str, Any]:
    """Parameters the notebook's ``parameters`` cell declares (name → papermill's inferred info)."""
    import papermill as pm

    return dict(pm.inspect_notebook(str(path)))


def _engine(progress: ProgressCallback | None, step: int, steps: int, name: str):
    from papermill.engines import NBClientEngine

    class _ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            code = [i for i, c in enumerate(nb_man.nb.cells) if c.cell_type == "code"]
            position = {index: n for n, index in enumerate(code, 1)}
            original = nb_man.cell_start

            def cell_start(cell, cell_index=None, **kw):
                if CANCEL.is_set():  # the run was interrupted (SIGTERM, Ctrl-C): stop before the next cell
                    raise ExecutionError.of("error.run.cancelled", notebook=name)
                if progress is not None and cell_index in position:
                    progress(Progress("notebook", step, steps, name, position[cell_index], len(code)))
                return original(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    return _ProgressEngine


def execute(runs: list[NotebookRun], cwd: Path, *, progress: ProgressCallback | None = None,
            start_timeout: int = 120, execution_timeout: int | None = None) -> list[NotebookTiming]:
    """Execute ``runs`` in order; stop at the first failure with an :class:`ExecutionError`."""
    import papermill as pm
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError

    timings: list[NotebookTiming] = []
    for step, run in enumerate(runs, 1):
        if not run.source.exists():
            raise ExecutionError.of("error.run.no_notebook", path=run.source)
        run.output.parent.mkdir(parents=True, exist_ok=True)
        engine_name = f"workbench-progress-{uuid.uuid4().hex}"  # unique: runs may execute in parallel threads
        papermill_engines.register(engine_name, _engine(progress, step, len(runs), run.name))
        if progress is not None:
            progress(Progress("notebook", step, len(runs), run.name))
        t0 = time.perf_counter()
        try:
            with kernel_manager() as km:
                nb = pm.execute_notebook(str(run.source), str(run.output), parameters=dict(run.parameters),
                                         engine_name=engine_name, kernel_name="python3", cwd=str(cwd),
                                         progress_bar=False, log_output=False, start_timeout=start_timeout,
                                         execution_timeout=execution_timeout, kernel_manager_class=km)
        except PapermillExecutionError as e:
            raise _cell_error(run, e) from None
        except ExecutionError:
            raise
        except Exception as e:  # kernel died, timeout, unreadable notebook …
            raise ExecutionError.of("error.run.not_executed", notebook=run.name, kind=type(e).__name__,
                                    detail=scrub(str(e))) from None
        finally:
            papermill_engines._engines.pop(engine_name, None)
        cells = sum(1 for c in nb.cells if c.cell_type == "code")
        timings.append(NotebookTiming(run.name, time.perf_counter() - t0, cells))
    return timings


def _cell_error(run: NotebookRun, e: Any) -> ExecutionError:
    import nbformat

    number, total = e.cell_index + 1, 0
    try:  # count code cells only, as the progress display does
        nb = nbformat.read(str(run.output), as_version=4)
        cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
        code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
        total = len(code)
        number = code.index(e.cell_index) + 1 if e.cell_index in code else number
    except Exception:
        pass
    lines = [ln for ln in str(e.evalue or "").strip().splitlines() if ln.strip()]
    last = scrub(lines[-1]) if lines else ""
    where = f"cell {number}/{total}" if total else f"cell {number}"
    first = next((ln.strip() for ln in str(e.source or "").splitlines() if ln.strip() and not ln.strip().startswith("#")), "")
    if first:
        where += f" `{first[:60]}{'…' if len(first) > 60 else ''}`"
    err = ExecutionError.of("error.run.cell", notebook=run.name, where=where, count=e.exec_count, kind=e.ename,
                            detail=last, source=run.source.name)
    err.notebook = run.name  # type: ignore[attr-defined]
    err.cell = number  # type: ignore[attr-defined]
    return err
