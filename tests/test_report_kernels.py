"""How the report's kernels end: after their last reply, by a shutdown request, never by SIGINT.

jupyter_client interrupts a kernel before every shutdown; a kernel still leaving its last
handler (a loaded machine) logged ``KeyboardInterrupt caught in kernel.`` on the stderr of
``workbench report --quiet``. The notebook below makes any SIGINT after its last cell visible
deterministically: it leaves a handler that writes a marker file in place of ipykernel's.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from workbench.report.runner import NotebookRun, execute

pytestmark = pytest.mark.notebook

TRAP = """import signal
def _trap(*_):
    open(marker, "w").write("SIGINT")
get_ipython().kernel.saved_sigint_handler = _trap  # what ipykernel restores after each handler"""


def _notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('marker = ""  # file written if the kernel gets SIGINT')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(TRAP)]
    nbformat.write(nb, str(path))
    return path


def test_kernels_are_shut_down_without_an_interrupt(tmp_path):
    marker = tmp_path / "sigint"
    src = _notebook(tmp_path / "trap.ipynb")
    execute([NotebookRun(src, tmp_path / "out.ipynb", {"marker": str(marker)})], tmp_path)
    assert not marker.exists(), "the kernel was interrupted at shutdown"


def test_cancel_still_interrupts_a_running_cell(tmp_path):
    """The one deliberate SIGINT (cancel: SIGTERM / Ctrl-C of the run) still reaches the kernel."""
    import threading
    import time

    from workbench.errors import ExecutionError
    from workbench.report import runner

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("seconds = 60")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import time\ntime.sleep(seconds)")]
    src = tmp_path / "sleep.ipynb"
    nbformat.write(nb, str(src))

    def stop() -> None:
        while not list(runner._KERNELS):
            time.sleep(0.2)
        time.sleep(3)
        runner.cancel()

    threading.Thread(target=stop, daemon=True).start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ExecutionError, match="KeyboardInterrupt|cancelled"):
            execute([NotebookRun(src, tmp_path / "out.ipynb", {"seconds": 60})], tmp_path)
    finally:
        runner.CANCEL.clear()
    assert time.perf_counter() - t0 < 50
