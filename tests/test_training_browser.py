"""End to end: the trainee notebook served by Voilà, driven in headless Chromium with Playwright.

Every request leaving 127.0.0.1 is aborted, so the test also proves the widgets render offline.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workbench.training import attempts

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run 'make browser' "
                                 "(apt-get install chromium) to enable the browser test")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def voila(tmp_path: Path):
    voila_bin = Path(sys.executable).with_name("voila")
    if not voila_bin.exists():
        pytest.skip("voila is not installed in this environment")
    port = _free_port()
    store = tmp_path / "results.db"
    env = dict(os.environ, WORKBENCH_TRAINING_STORE=str(store), WORKBENCH_TRAINING_TRAINEE="U00042",
               WORKBENCH_TRAINING_DEPARTMENT="Sales", WORKBENCH_TRAINING_MODULE="phishing-social-engineering",
               WORKBENCH_TRAINING_MODE="practice")  # practice: instant feedback per question
    log = open(tmp_path / "voila.log", "wb")
    proc = subprocess.Popen([str(voila_bin), str(ROOT / "notebooks" / "04_privacy_training.ipynb"), "--no-browser",
                             f"--port={port}", "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=True"],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "voila/static/voila.js", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"voila did not start: {(tmp_path / 'voila.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
    try:
        yield url, store
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_trainee_answers_sees_feedback_finishes_and_is_recorded(voila) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    url, store = voila
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            external: list[str] = []

            def offline(route) -> None:  # no CDN: everything must come from the local server
                if route.request.url.startswith("http://127.0.0.1"):
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()
            page.route("**/*", offline)
            page.goto(url, timeout=90_000)
            page.get_by_text("Attackers target people, not only systems").first.wait_for(timeout=90_000)
            assert page.locator(".widget-toggle-buttons").count() == 1  # the en/zh switch rendered as a widget
            page.locator("button", has_text="Next").click()  # lesson 2
            page.get_by_text("Verify, then report").first.wait_for()
            page.locator("button", has_text="Next").click()  # question 1
            page.get_by_text("Question 1 of 8").first.wait_for()
            # answer the first question through whatever input it has (radio or checkbox)
            page.locator(".widget-radio-box input[type=radio], .widget-checkbox input[type=checkbox]").first.check()
            page.locator("button", has_text="Check answer").click()
            feedback = page.locator(".workbench-feedback")
            feedback.wait_for(timeout=30_000)
            assert "Correct." in feedback.inner_text() or "Not quite." in feedback.inner_text()
            page.get_by_text("Explanation:").first.wait_for()
            for n in range(2, 9):  # skip through the rest (unanswered = wrong), then finish
                page.locator("button", has_text="Next").click()
                page.get_by_text(f"Question {n} of 8").first.wait_for()
            page.locator("button", has_text="Finish").click()
            score = page.locator(".workbench-score")
            score.wait_for(timeout=30_000)
            assert "NOT PASSED" in score.inner_text()
            page.get_by_text("Attempt recorded").first.wait_for(timeout=30_000)
            assert not page.get_by_text("outcome = training.run_session").count()  # no code visible
        finally:
            browser.close()
    df = attempts(str(store))
    assert len(df) == 1
    row = df.iloc[0]
    assert (row.trainee_id, row.department, row.module_id, row.source, row["mode"], row.identity) == \
        ("U00042", "Sales", "phishing-social-engineering", "widget", "practice", "self-declared")
    assert row.score <= 1 / 8
    assert all("127.0.0.1" not in u for u in external)
