"""The trainee server of ``workbench serve``: one Voilà server for every module.

Runs ``notebooks/04_privacy_training.ipynb`` in Voilà; a page ``/?module=ID`` opens that module, the
bare ``/`` shows the picker. Its Voilà/Jupyter settings live in ``server.yaml`` beside this file
(idle-kernel culling, ipc transport, a kernel limit) and are rendered to ``voila.json`` in a private
run folder together with the staff roster (JSON, for identity checks without pandas in the kernel).

Who may name the trainee (issue 21 item 3): an authenticating proxy's header (``--trust-header``) is
believed only on requests that also carry the proxy's shared secret (``X-Workbench-Proxy-Secret``,
compared in constant time by :class:`ProxyIdentityProvider` in the server process); any other request
is refused with 403 before a kernel sees it. Without a secret ``--trust-header`` is refused (exit 2),
on loopback too: local users, and proxies that pass client headers on (JupyterHub's), reach loopback.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import yaml

from ..errors import InputError
from .content import CONTENT_DIR

REPO = CONTENT_DIR.parent
NOTEBOOK = REPO / "notebooks" / "04_privacy_training.ipynb"
CONFIG = Path(__file__).with_name("server.yaml")
SECRET_HEADER = "X-Workbench-Proxy-Secret"  # set by the proxy on every request it forwards
ENV_SECRET = "WORKBENCH_PROXY_SECRET"  # the shared secret itself (or --proxy-secret-file)

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

    from jupyter_server.auth.identity import PasswordIdentityProvider
    from traitlets import Unicode

    class ProxyIdentityProvider(PasswordIdentityProvider):
        """Voilà's identity provider plus the proxy check: when ``secret_file`` is set, every request
        (pages, kernel websockets, API) must carry ``X-Workbench-Proxy-Secret`` equal to the file's
        content, else HTTP 403; the trusted identity header is then the proxy's, not the client's."""

        secret_file = Unicode("", config=True, help="file holding the proxy's shared secret ('' = no check)")

        def _secret(self) -> bytes:
            if not hasattr(self, "_secret_bytes"):
                self._secret_bytes = Path(self.secret_file).read_bytes().strip() if self.secret_file else b""
            return self._secret_bytes

        def get_user(self, handler: Any) -> Any:
            secret = self._secret()
            if secret:
                sent = (handler.request.headers.get(SECRET_HEADER) or "").strip().encode("utf-8", "replace")
                if not hmac.compare_digest(sent, secret):
                    raise web.HTTPError(403, "requests must come through the authenticating proxy")
            return super().get_user(handler)
except ImportError:  # pragma: no cover - jupyter_server is a dependency of voila
    LimitedKernelManager = None  # type: ignore[assignment,misc]
    ProxyIdentityProvider = None  # type: ignore[assignment,misc]


@dataclass
class ServeOptions:
    port: int = 8866
    ip: str = "127.0.0.1"
    store: str = ""
    roster: Path | None = None
    mode: str = "exam"
    max_attempts: int | None = None
    trust_header: str | None = None
    secret_file: Path | None = None  # the proxy's shared secret (else $WORKBENCH_PROXY_SECRET)
    max_kernels: int | None = None
    cull_idle: int | None = None
    pool: int | None = None
    base_url: str = "/"
    extra: list[str] = field(default_factory=list)


def is_loopback(ip: str) -> bool:
    """True for an address only this host can reach (``127.0.0.1``, ``::1``, ``localhost``)."""
    if ip.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def proxy_secret(opts: ServeOptions, env: Mapping[str, str] | None = None) -> str:
    """The proxy's shared secret: ``--proxy-secret-file`` else ``$WORKBENCH_PROXY_SECRET`` ('' = none)."""
    env = os.environ if env is None else env
    if opts.secret_file is not None:
        try:
            secret = Path(opts.secret_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError.of("error.serve.secret_unreadable", path=opts.secret_file, kind=type(e).__name__) from None
        if not secret:
            raise InputError.of("error.serve.secret_empty", path=opts.secret_file)
        return secret
    return env.get(ENV_SECRET, "").strip()


def check_identity_options(opts: ServeOptions, env: Mapping[str, str] | None = None) -> str:
    """Refuse a header anyone could send: ``--trust-header`` needs the proxy's shared secret, whatever
    the bind address. Returns the secret ('' = none)."""
    secret = proxy_secret(opts, env)
    if opts.trust_header is not None and (not re.fullmatch(r"[A-Za-z0-9-]{1,64}", opts.trust_header)
                                          or opts.trust_header.lower() == SECRET_HEADER.lower()):
        raise InputError.of("error.serve.header", value=opts.trust_header)
    if secret and len(secret) < 16:
        raise InputError.of("error.serve.secret_short")
    if opts.trust_header and not secret:
        # on loopback too: a local user, or a proxy that passes client headers on (JupyterHub's does),
        # could otherwise claim any id
        raise InputError.of("error.serve.no_secret_local" if is_loopback(opts.ip) else "error.serve.no_secret",
                            "error.serve.no_secret_hint", ip=opts.ip, env=ENV_SECRET, header=SECRET_HEADER)
    return secret


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

    secret = check_identity_options(opts)
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = voila_config(opts)
    if secret:  # the server process reads it from a private file; no kernel inherits it
        secret_path = run_dir / "proxy-secret"
        fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secret)
        config["ProxyIdentityProvider"] = {"secret_file": str(secret_path)}
    (run_dir / "voila.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    runtime = run_dir / "runtime"  # connection files and ipc sockets: private and short paths
    runtime.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_TRAINING_") and k != ENV_SECRET}
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
        env.pop("JUPYTERHUB_USER", None)  # the operator's Hub account (serve started in a Hub terminal) is no trainee
    cmd = [sys.executable, "-m", "voila", str(NOTEBOOK), "--no-browser", f"--port={opts.port}",
           f"--Voila.ip={opts.ip}", f"--Voila.base_url={opts.base_url}",
           "--Voila.config_file_paths", str(run_dir), *opts.extra]
    return cmd, env
