"""Pre-started trainee kernels (``workbench serve`` keeps a pool of them, Voilà's ``preheat_kernel``).

A pooled kernel runs notebook 04 before any trainee asks for a page, so the page a trainee opens
skips the kernel start and the imports (most of a page's server-side CPU). The page's query string
(``?module=``) and the authenticating proxy's header only exist once a trainee's request arrives:
Voilà sends them over its request-info websocket, and :func:`await_request` blocks until then.
Outside a pooled kernel (papermill, JupyterLab, a plain Voilà start) it returns at once.

Voilà's own helper (``voila.utils.wait_for_request``) imports the whole Jupyter server (≈ 1.2 s);
this one needs only the ``websockets`` client that Voilà depends on.
"""
from __future__ import annotations

import json
import os


def _request_info_url() -> str:
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL") or "/"
    return (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
            f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env['VOILA_KERNEL_ID']}")


def await_request() -> bool:
    """In a pooled kernel: load what a quiz needs, then wait for the trainee's request and put its
    query string and headers into ``os.environ``. Returns True when it waited."""
    if os.environ.get("VOILA_PREHEAT") != "True" or "VOILA_KERNEL_ID" not in os.environ:
        return False
    # done before the trainee arrives: these imports are most of what is left of a page's start
    import ipywidgets  # noqa: F401

    from . import identity, widgets  # noqa: F401
    from websockets.sync.client import connect

    with connect(_request_info_url(), open_timeout=30) as ws:
        info = json.loads(ws.recv())
    os.environ.update({str(k): str(v) for k, v in info.items()})
    os.environ["VOILA_PREHEAT"] = "False"  # once: this kernel now belongs to one trainee
    return True
