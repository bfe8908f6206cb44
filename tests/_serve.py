"""A real ``workbench serve`` for tests: started on a free port, waited for, stopped on exit."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(tmp_path: Path, stack: ExitStack, *args: str, env: dict[str, str] | None = None,
                log_name: str = "serve.log", timeout: float = 90) -> str:
    """Start ``workbench serve ARGS`` (a fresh port, cwd ``tmp_path``, log in ``tmp_path/log_name``)
    with the trainee variables of this environment removed and ``env`` added; returns its base URL
    once Voilà answers. ``stack`` stops it (terminate, then kill after 20 s)."""
    port = free_port()
    log = stack.enter_context(open(tmp_path / log_name, "wb"))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBENCH_TRAINING_", "JUPYTERHUB_"))}
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "serve", "--port", str(port), *args],
                            cwd=tmp_path, env=full_env, stdout=log, stderr=subprocess.STDOUT)

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    stack.callback(stop)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url + "voila/static/voila.js", timeout=2).close()
            return url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not start: {(tmp_path / log_name).read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
