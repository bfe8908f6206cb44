"""Who may name the trainee (issue 21 item 3): a proxy's identity header is believed only together with
the proxy's shared secret; ``--trust-header`` on an address other hosts reach without a secret is
refused; a real ``workbench serve`` refuses requests that do not carry the secret (403)."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from _serve import free_port, start_serve
from conftest import run_cli
from workbench.errors import InputError
from workbench.training.server import (ENV_SECRET, SECRET_HEADER, ServeOptions, check_identity_options,
                                       is_loopback, prepare)

SECRET = "s3cret-proxy-secret-0123456789abcdef"


@pytest.mark.parametrize("ip", ["0.0.0.0", "::", "10.1.2.3", "training.example.org", "", "127.0.0.1"])
def test_trust_header_without_a_secret_exits_2(ip: str, tmp_path: Path) -> None:
    """On every address: behind a non-loopback bind anybody on the network, on loopback any local user
    (the exploit of the security review) or a proxy that passes headers on (JupyterHub's) could send it."""
    env = {k: v for k, v in os.environ.items() if k != ENV_SECRET}
    res = subprocess.run([sys.executable, "-m", "workbench", "serve", "--ip", ip, "--port", str(free_port()),
                          "--store", str(tmp_path / "r.db"), "--trust-header", "X-Forwarded-User"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert "hint:" in lines[0] and ENV_SECRET in lines[0] and SECRET_HEADER in lines[0]


def test_identity_options() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.0.0.5")
    assert not any(is_loopback(ip) for ip in ("0.0.0.0", "::", "", "192.168.1.4", "example.org"))
    assert check_identity_options(ServeOptions(), env={}) == ""  # no header trusted: no secret needed
    with pytest.raises(InputError, match="local user"):  # loopback too
        check_identity_options(ServeOptions(trust_header="X-Forwarded-User"), env={})
    assert check_identity_options(ServeOptions(ip="0.0.0.0", trust_header="X-Forwarded-User"),
                                  env={ENV_SECRET: SECRET}) == SECRET
    with pytest.raises(InputError, match="16 characters"):
        check_identity_options(ServeOptions(ip="0.0.0.0", trust_header="X-Forwarded-User"), env={ENV_SECRET: "abc"})
    for bad in ("X-Forwarded-User\r\nX: y", SECRET_HEADER, "", "a b"):
        with pytest.raises(InputError, match="--trust-header"):
            check_identity_options(ServeOptions(trust_header=bad), env={ENV_SECRET: SECRET})


def test_secret_reaches_the_server_config_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(ENV_SECRET, SECRET)
    monkeypatch.setenv("JUPYTERHUB_USER", "operator")  # serve started from an operator's Hub terminal
    cmd, env = prepare(ServeOptions(ip="0.0.0.0", trust_header="X-Forwarded-User", store=str(tmp_path / "r.db")),
                       tmp_path / "run")
    assert ENV_SECRET not in env and SECRET not in " ".join(cmd) and SECRET not in "".join(env.values())
    assert "JUPYTERHUB_USER" not in env  # else every trainee would be recorded as the operator
    secret_file = tmp_path / "run" / "proxy-secret"
    assert secret_file.read_text() == SECRET and secret_file.stat().st_mode & 0o777 == 0o600
    assert SECRET not in (tmp_path / "run" / "voila.json").read_text()
    assert (tmp_path / "run").stat().st_mode & 0o077 == 0


def _get(url: str, headers: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def test_real_server_refuses_requests_without_the_proxy_secret(tmp_path: Path) -> None:
    """The spoofing case of the security review: a client that sends ``X-Forwarded-User`` itself,
    straight to the server, is refused; the proxy (which sends the secret) gets the page."""
    with ExitStack() as stack:
        base = start_serve(tmp_path, stack, "--pool", "0", "--store", str(tmp_path / "r.db"),
                           "--trust-header", "X-Forwarded-User", env={ENV_SECRET: SECRET})
        spoof = {"X-Forwarded-User": "U00001"}
        assert _get(base + "?module=access-control", spoof)[0] == 403
        assert _get(base + "?module=access-control", {**spoof, SECRET_HEADER: SECRET[:-1] + "x"})[0] == 403
        assert _get(base + "api/kernels", {SECRET_HEADER: "wrong"})[0] == 403
        status, page = _get(base + "?module=access-control", {**spoof, SECRET_HEADER: SECRET})
        assert status == 200 and "Privacy training" in page
    assert SECRET not in (tmp_path / "serve.log").read_text(errors="replace")


def test_serve_help_names_the_secret() -> None:
    res = run_cli("serve", "--help")
    assert res.returncode == 0 and "--proxy-secret-file" in res.stdout and SECRET_HEADER in res.stdout


def test_hostile_roster_and_identity_never_become_markup_in_the_trainee_page(tmp_path: Path) -> None:
    """The hostile sample's staff roster (markup in departments and roles) and an identity header or
    a typed id holding markup: every HTML the trainee page shows has them escaped."""
    import ipywidgets as w

    from hostile_fixture import CONTROL, MARKER, build_hostile
    from workbench.dataset import load_dataset
    from workbench.training.identity import ENV_HEADER, load_roster, write_roster
    from workbench.training.widgets import TrainingApp

    ds = load_dataset(build_hostile(tmp_path / "hostile"))
    roster = load_roster(write_roster(ds.tables["users"], tmp_path / "roster.json"))
    assert any(MARKER in str(r.get("department")) for r in roster.values())  # the fixture is hostile
    uid = next(u for u, r in roster.items() if MARKER in str(r.get("department")))
    evil = f"<img src=x onerror=alert('{MARKER}')>{CONTROL}"
    apps = [TrainingApp("access-control", store=str(tmp_path / "r.db"), roster=roster, seed=1,
                        env={ENV_HEADER: "X-Forwarded-User", "HTTP_X_FORWARDED_USER": uid}),
            TrainingApp("access-control", store=str(tmp_path / "r.db"), roster=roster, seed=1,
                        env={ENV_HEADER: "X-Forwarded-User", "HTTP_X_FORWARDED_USER": evil}),
            TrainingApp("access-control", store=str(tmp_path / "r.db"), roster=None, seed=1, env={})]
    apps[2].trainee_input.value = evil

    def html_values(widget: w.Widget) -> list[str]:
        out = [widget.value] if isinstance(widget, w.HTML) else []
        for child in getattr(widget, "children", ()):
            out += html_values(child)
        return out
    for app in apps:
        seen = []
        while True:
            seen += html_values(app.widget)
            if app.pages[app.page][0] == "result":
                break
            app.next_button.click()
        seen += html_values(app.widget)
        text = "\n".join(seen)
        assert "<img" not in text and "<b class" not in text and "\x1b" not in text, text[:500]
