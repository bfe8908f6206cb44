"""`workbench serve` end to end: five trainees, identified by an authenticating proxy's header, finish a
module in headless Chromium, all at once; the store (SQLite, and PostgreSQL through an insert-only role when a server
is available) holds five attempts of record with the roster's departments, and a retry after the
answers were shown never turns a fail into a pass."""
from __future__ import annotations

import asyncio
import re
from contextlib import ExitStack
from pathlib import Path

import pytest

from _pg import fresh_database, insert_only_role
from _serve import CHROMIUM, CHROMIUM_ARGS, start_serve
from conftest import run_cli
from workbench.training import load_module
from workbench.training.server import ENV_SECRET, SECRET_HEADER
from workbench.training.store import attempts, attempts_of_record, forget

ROOT = Path(__file__).resolve().parents[1]
ARGS = CHROMIUM_ARGS
MODULE = load_module("access-control")
# header value as a proxy might send it -> roster id and department (data/samples/acme_retail/users.csv)
TRAINEES = [(" u00009", "U00009", "Sales"), ("U00013", "U00013", "Finance"), ("u00014", "U00014", "Analytics"),
            ("U00008", "U00008", "Support"), ("U00001", "U00001", "IT")]
PROXY_SECRET = "browser-test-proxy-secret-0123456789"  # what the authenticating proxy adds to every request
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run 'make browser'")]


def _serve(store: str, tmp_path: Path, stack: ExitStack) -> str:
    return start_serve(tmp_path, stack, "--store", store, "--dataset", str(ROOT / "data" / "samples" / "acme_retail"),
                       "--trust-header", "X-Forwarded-User",
                       # two pre-started kernels: the first trainees get pooled kernels (their
                       # module and header arrive over Voilà's request-info socket), the rest new ones
                       "--pool", "2", env={ENV_SECRET: PROXY_SECRET})


async def _current_question(page, seen: set[str]):
    """The question on screen that this round has not shown yet. The header ("Question 2 of 5")
    and the body are separate widgets: under load the header can show the next number while the
    body still holds the last question, so wait until a new prompt and all its options show."""
    for _ in range(300):
        text = " ".join((await page.locator(".workbench-training").inner_text()).split())
        new = [q for q in MODULE.questions if q.id not in seen and " ".join(q.prompt.en.split())[:60] in text
               and all(" ".join(o.text.en.split()) in text for o in q.options)]
        if len(new) == 1:
            seen.add(new[0].id)
            return new[0]
        await page.wait_for_timeout(200)
    raise AssertionError(f"no single new question on screen: {text[:300]}")


async def _answer_right(page, q) -> None:
    box = page.locator(".workbench-training")
    for oid in sorted(q.correct_ids):
        label = q.option(oid).text.en
        if q.multi:
            await box.locator(".widget-checkbox", has=page.get_by_text(label, exact=True)).locator("input").check()
        else:
            exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
            await box.locator(".widget-radio-box label").filter(has_text=exact).first.click()


async def _take_module(browser, url: str, header: str, right: bool, retry: bool) -> None:
    wait = 60_000  # five trainees at once on two cores: each step waits for its kernel's reply
    context = await browser.new_context(extra_http_headers={"X-Forwarded-User": header, SECRET_HEADER: PROXY_SECRET})
    try:
        page = await context.new_page()
        await page.goto(url + "?module=access-control", timeout=180_000)
        await page.get_by_text(MODULE.lessons[0].title.en).first.wait_for(timeout=180_000)
        assert await page.get_by_text("Signed in as").count() >= 1
        for _ in MODULE.lessons:
            await page.locator("button", has_text="Next").click()
        seen: set[str] = set()
        for n in range(1, len(MODULE.questions) + 1):
            await page.get_by_text(f"Question {n} of {len(MODULE.questions)}").first.wait_for(timeout=wait)
            assert await page.locator("button", has_text="Check answer").is_hidden()  # exam: no answers before Finish
            if right:
                await _answer_right(page, await _current_question(page, seen))
            await page.locator("button", has_text="Finish" if n == len(MODULE.questions) else "Next").click()
        await page.locator(".workbench-score").wait_for(timeout=wait)
        await page.get_by_text("Attempt recorded").first.wait_for(timeout=wait)
        if retry:  # the retry shows answers: it is practice, recorded as such
            await page.locator("button", has_text="Retry missed questions").click()
            total = len(MODULE.questions)  # nothing was answered: every question is retried
            seen = set()
            for k in range(1, total + 1):
                await page.get_by_text(f"Question {k} of {total} · Retry round 1").first.wait_for(timeout=wait)
                await _answer_right(page, await _current_question(page, seen))
                await page.locator("button", has_text="Check answer").click()
                await page.locator(".workbench-feedback").first.wait_for(timeout=wait)
                await page.locator("button", has_text="Finish" if k == total else "Next").click()
            await page.get_by_text("Practice recorded").first.wait_for(timeout=wait)
    finally:
        await context.close()


async def _all_at_once(url: str) -> None:
    """The five trainees in five browser contexts at the same time, as a class would take the module
    (and a third of the time of one after another: most of each step is waiting for a kernel)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            await asyncio.gather(*(_take_module(browser, url, header, right=i != len(TRAINEES) - 1,
                                                retry=i == len(TRAINEES) - 1)
                                   for i, (header, _, _) in enumerate(TRAINEES)))
        finally:
            await browser.close()


def _five_trainees(store: str, tmp_path: Path) -> None:
    pytest.importorskip("playwright.async_api")
    with ExitStack() as stack:
        url = _serve(store, tmp_path, stack)
        asyncio.run(_all_at_once(url))


def _check(store: str) -> None:
    forget(store)
    rec = attempts_of_record(store).set_index("trainee_id")
    assert sorted(rec.index) == sorted(t[1] for t in TRAINEES)
    assert {t: rec.loc[t, "department"] for t in rec.index} == {t[1]: t[2] for t in TRAINEES}
    assert set(rec["identity"]) == {"proxy-header"} and set(rec["mode"]) == {"exam"}
    assert bool(rec.loc["U00001", "passed"]) is False  # the retry passed, but the record stays a fail
    assert int(rec["passed"].sum()) == 4
    everything = attempts(store)
    assert len(everything) == 6 and list(everything["mode"]).count("practice") == 1
    assert bool(everything[everything["mode"] == "practice"].iloc[0]["passed"]) is True


def test_five_trainees_sqlite(tmp_path: Path) -> None:
    store = str(tmp_path / "results.db")
    _five_trainees(store, tmp_path)
    _check(store)


def test_five_trainees_postgresql_insert_only_role(tmp_path: Path) -> None:
    with fresh_database() as owner_url:
        res = run_cli("store", "init", "--store", owner_url)
        assert res.returncode == 0, res.stderr
        with insert_only_role(owner_url) as writer_url:
            _five_trainees(writer_url, tmp_path)
            assert "s3cret" not in (tmp_path / "serve.log").read_text(errors="replace")
        _check(owner_url)
