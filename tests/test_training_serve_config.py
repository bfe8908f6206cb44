"""`workbench serve` configuration: server.yaml rendered for Voilà, the kernel limit, the environment
handed to the quiz kernels, and usage errors (no server started here; the browser tests start one)."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from conftest import run_cli
from workbench.training.server import LimitedKernelManager, ServeOptions, prepare, voila_config


def test_server_yaml_sets_culling_ipc_and_a_kernel_limit() -> None:
    cfg = voila_config(ServeOptions())
    km = cfg["LimitedKernelManager"]
    assert (km["cull_idle_timeout"], km["cull_interval"], km["cull_connected"]) == (90, 15, False)
    assert km["cull_idle_timeout"] + km["cull_interval"] <= 120  # a closed tab's kernel is gone within 2 minutes
    assert cfg["VoilaConfiguration"]["preheat_kernel"] and cfg["VoilaConfiguration"]["default_pool_size"] > 0
    assert not cfg["VoilaConfiguration"].get("progressive_rendering")  # Voilà refuses it with a pool
    no_pool = voila_config(ServeOptions(pool=0))["VoilaConfiguration"]
    assert (no_pool["preheat_kernel"], no_pool["default_pool_size"]) == (False, 0)
    assert km["max_kernels"] > 0 and cfg["KernelManager"]["transport"] == "ipc"
    assert cfg["VoilaConfiguration"]["multi_kernel_manager_class"] == "workbench.training.server.LimitedKernelManager"
    assert cfg["VoilaConfiguration"]["http_header_envs"] == []  # no header is trusted unless asked
    over = voila_config(ServeOptions(trust_header="X-Forwarded-User", max_kernels=5, cull_idle=120))
    assert over["VoilaConfiguration"]["http_header_envs"] == ["X-Forwarded-User"]
    assert (over["LimitedKernelManager"]["max_kernels"], over["LimitedKernelManager"]["cull_idle_timeout"]) == (5, 120)


def test_prepare_writes_voila_json_and_kernel_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_X_FORWARDED_USER", "spoofed")  # never inherited: only Voilà may set it per request
    monkeypatch.setenv("WORKBENCH_TRAINING_TRAINEE", "U1")
    monkeypatch.setenv("WORKBENCH_PROXY_SECRET", "config-test-proxy-secret-0123")  # --trust-header needs one
    cmd, env = prepare(ServeOptions(port=9999, store=str(tmp_path / "s.db"), roster=tmp_path / "r.json",
                                    trust_header="X-Forwarded-User", max_attempts=2), tmp_path / "run")
    assert json.loads((tmp_path / "run" / "voila.json").read_text())["KernelManager"]["transport"] == "ipc"
    assert "--port=9999" in cmd and str(tmp_path / "run") in cmd
    assert env["WORKBENCH_TRAINING_PICKER"] == "1" and env["WORKBENCH_TRAINING_MAX_ATTEMPTS"] == "2"
    assert env["WORKBENCH_TRAINING_IDENTITY_HEADER"] == "X-Forwarded-User"
    assert "HTTP_X_FORWARDED_USER" not in env and "WORKBENCH_TRAINING_TRAINEE" not in env
    assert env["WORKBENCH_TRAINING_STORE"].startswith("sqlite:///")


def test_kernel_limit_refuses_with_503() -> None:
    from tornado import web

    km = LimitedKernelManager(max_kernels=2)
    km.list_kernel_ids = lambda: ["a", "b"]  # two trainee kernels already running
    with pytest.raises(web.HTTPError) as info:
        asyncio.run(km.start_kernel(kernel_name="python3"))
    assert info.value.status_code == 503


def test_await_request_returns_at_once_outside_a_pool(monkeypatch) -> None:
    from workbench.training import preheat

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert preheat.await_request() is False  # papermill, JupyterLab, plain Voilà: nothing to wait for
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
    monkeypatch.setenv("VOILA_APP_PORT", "8899")
    monkeypatch.setenv("VOILA_SERVER_URL", "/training/")
    assert preheat._request_info_url() == "ws://127.0.0.1:8899/training/voila/query/k-1"


@pytest.mark.parametrize("args", [["serve", "--max-attempts", "0"], ["serve", "--pool", "-1"], ["export"], ["store"],
                                  ["export", "questions", "access-control", "--format", "docx"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    res = run_cli(*args)
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_serve_refuses_an_unreachable_store_before_starting() -> None:
    res = run_cli("serve", "--store", "postgresql://u:Pw0rd@127.0.0.1:1/x", "--port", "1")
    assert res.returncode == 1 and "Pw0rd" not in res.stderr and "results store" in res.stderr
