"""The SCORM 1.2 package runs in headless Chromium against a minimal SCORM 1.2 API written here, and
reports lesson status and score — no kernel, no server but a static file server."""
from __future__ import annotations

import functools
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import run_cli
from workbench.training import load_module

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
MODULE = "access-control"

# The LMS side: a SCORM 1.2 runtime API object in the parent frame that records every call.
LAUNCHER = """<!DOCTYPE html><html><head><meta charset="utf-8"><script>
window.calls = []; window.cmi = {};
window.API = {
  LMSInitialize: function (a) { calls.push(["LMSInitialize", a]); return "true"; },
  LMSFinish: function (a) { calls.push(["LMSFinish", a]); return "true"; },
  LMSGetValue: function (k) { calls.push(["LMSGetValue", k]); return cmi[k] || ""; },
  LMSSetValue: function (k, v) { calls.push(["LMSSetValue", k, v]); cmi[k] = v; return "true"; },
  LMSCommit: function (a) { calls.push(["LMSCommit", a]); return "true"; },
  LMSGetLastError: function () { return "0"; },
  LMSGetErrorString: function () { return ""; },
  LMSGetDiagnostic: function () { return ""; }
};
</script></head><body><iframe id="sco" src="pkg/index.html" style="width:100%;height:90vh"></iframe></body></html>"""


@pytest.fixture()
def package_site(tmp_path: Path):
    out = tmp_path / "pkg.zip"
    res = run_cli("export", "scorm", MODULE, "--out", str(out))
    assert res.returncode == 0, res.stderr
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"imsmanifest.xml", "index.html", "quiz.js"} <= names
        manifest = zf.read("imsmanifest.xml").decode()
        assert "<schemaversion>1.2</schemaversion>" in manifest and 'adlcp:scormtype="sco"' in manifest
        zf.extractall(tmp_path / "site" / "pkg")
    (tmp_path / "site" / "launch.html").write_text(LAUNCHER)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/launch.html"
    server.shutdown()


def test_scorm_package_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    assert run_cli("export", "scorm", MODULE, "--out", str(a)).returncode == 0
    assert run_cli("export", "scorm", MODULE, "--out", str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    assert run_cli("export", "scorm", MODULE, "--out", str(tmp_path / "x.txt")).returncode == 2


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run 'make browser'")
@pytest.mark.parametrize("right", [True, False])
def test_scorm_quiz_reports_status_and_score_to_the_lms(package_site: str, right: bool) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    module = load_module(MODULE)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(package_site)
            frame = page.frame_locator("#sco")
            frame.locator("#submit").wait_for(timeout=30_000)
            assert frame.get_by_text(module.lessons[0].title.en).count() >= 1
            calls = page.evaluate("window.calls")
            assert calls[0] == ["LMSInitialize", ""]
            if right:
                for q in module.questions:
                    for oid in sorted(q.correct_ids):
                        frame.locator(f"fieldset[data-id='{q.id}'] input[value='{oid}']").check()
            frame.locator("#submit").click()
            frame.locator("#result").wait_for(timeout=10_000)
            calls = page.evaluate("window.calls")
            cmi = page.evaluate("window.cmi")
        finally:
            browser.close()
    assert cmi["cmi.core.lesson_status"] == ("passed" if right else "failed")
    assert cmi["cmi.core.score.raw"] == ("100" if right else "0")
    assert (cmi["cmi.core.score.min"], cmi["cmi.core.score.max"]) == ("0", "100")
    assert cmi["cmi.core.session_time"].count(":") == 2
    names = [c[0] for c in calls]
    assert names.index("LMSCommit") < names.index("LMSFinish") == len(names) - 1
