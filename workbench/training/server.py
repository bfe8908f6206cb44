"""The trainee server of ``workbench serve``: one Voilà server for every module.

Runs ``notebooks/04_privacy_training.ipynb`` in Voilà; a page ``/?module=ID`` opens that module, the
bare ``/`` shows the picker. Its Voilà/Jupyter settings live in ``server.yaml`` beside this file
(idle-kernel culling, ipc transport, a kernel limit) and are rendered to ``voila.json`` in a private
run folder together with the staff roster (JSON, for identity checks without pandas in the kernel).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .content import CONTENT_DIR

REPO = CONTENT_DIR.parent
NOTEBOOK = REPO / "notebooks" / "04_privacy_training.ipynb"
CONFIG = Path(__file__).with_name("server.yaml")

try:  # only the server process needs these (never the quiz kernel)
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from tornado import web
    from traitlets import Integer

    class LimitedKernelManager(AsyncMappingKernelManager):
        """Refuses a new kernel when ``max_kernels`` are running, so a rush of trainees degrades into
        "try again in a minute" instead of exhausting memory."""

        max_kernels = Integer(60, config=True, help="most kernels (trainee pages) running at once; 0 = no limit")

        async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
            if kwargs.get("kernel_id") is None and self.max_kernels and len(self.list_kernel_ids()) >= self.max_kernels:
                raise web.HTTPError(503, "the training server is full: try again in a minute")
            return await super().start_kernel(*args, **kwargs)
except ImportError:  # pragma: no cover - jupyter_server is a dependency of voila
    LimitedKernelManager = None  # type: ignore[assignment,misc]


@dataclass
class ServeOptions:
    port: int = 8866
    ip: str = "127.0.0.1"
    store: str = ""
    roster: Path | None = None
    mode: str = "exam"
    max_attempts: int | None = None
    trust_header: str | None = None
    max_kernels: int | None = None
    cull_idle: int | None = None
    pool: int | None = None
    base_url: str = "/"
    extra: list[str] = field(default_factory=list)


def voila_config(opts: ServeOptions) -> dict[str, Any]:
    """``server.yaml`` with the command line's overrides, as Voilà reads it from ``voila.json``."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    if opts.trust_header:
        config["VoilaConfiguration"]["http_header_envs"] = [opts.trust_header]
    if opts.max_kernels is not None:
        config["LimitedKernelManager"]["max_kernels"] = opts.max_kernels
    if opts.pool is not None:
        config["VoilaConfiguration"]["default_pool_size"] = opts.pool
        config["VoilaConfiguration"]["preheat_kernel"] = opts.pool > 0
    if opts.cull_idle is not None:
        config["LimitedKernelManager"]["cull_idle_timeout"] = opts.cull_idle
        config["LimitedKernelManager"]["cull_interval"] = max(5, min(15, opts.cull_idle // 4))
    return config


def prepare(opts: ServeOptions, run_dir: Path) -> tuple[list[str], dict[str, str]]:
    """Write ``voila.json`` into ``run_dir``; return the Voilà command and its environment."""
    from .identity import ENV_HEADER, ENV_ROSTER, header_env_name
    from .store import ENV_STORE, store_url

    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "voila.json").write_text(json.dumps(voila_config(opts), indent=1), encoding="utf-8")
    runtime = run_dir / "runtime"  # connection files and ipc sockets: private and short paths
    runtime.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_TRAINING_")}
    if opts.ip not in ("", "0.0.0.0", "::"):  # where a pooled kernel reaches Voilà for its trainee's request
        env["VOILA_APP_IP"] = opts.ip
    env.update({ENV_STORE: store_url(opts.store or None), "WORKBENCH_TRAINING_PICKER": "1",
                "WORKBENCH_TRAINING_MODE": opts.mode, "JUPYTER_RUNTIME_DIR": str(runtime),
                "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)})
    if opts.max_attempts:
        env["WORKBENCH_TRAINING_MAX_ATTEMPTS"] = str(opts.max_attempts)
    if opts.roster:
        env[ENV_ROSTER] = str(opts.roster)
    if opts.trust_header:
        env[ENV_HEADER] = opts.trust_header
        env.pop(header_env_name(opts.trust_header), None)  # only Voilà, from the request, may set it
    cmd = [sys.executable, "-m", "voila", str(NOTEBOOK), "--no-browser", f"--port={opts.port}",
           f"--Voila.ip={opts.ip}", f"--Voila.base_url={opts.base_url}",
           "--Voila.config_file_paths", str(run_dir), *opts.extra]
    return cmd, env
