"""The hostile sample (issue 11, item 10): markup in every text column, a CP1252 file, empty and
all-null tables, undefined roles. The quarterly report and the trainer dashboard must contain no
live markup from data values (escaped text is fine), and the data must really reach them."""
from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from _serve import CHROMIUM, CHROMIUM_ARGS, start_serve
from hostile_fixture import CONTROL, MARKER, PLANTED, build_hostile

pytestmark = pytest.mark.notebook
ROOT = Path(__file__).resolve().parents[1]


class _LiveMarkup(HTMLParser):
    """Collects elements that came from a data value: any event-handler attribute, the payloads'
    ``class="hostile"`` / ``src=x``, and a script element that is a payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[tuple[str, list]] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if any(k.startswith("on") for k in a) or a.get("class") == MARKER or (tag == "img" and a.get("src") == "x"):
            self.live.append((tag, attrs))
        self._script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        # a payload's own <script> that went live; plotly's figure JSON inside its script carries
        # the values as JS strings (not markup), and a `</script>` break-out from it would show up
        # above as a start tag
        if self._script and data.strip().startswith(f"alert('{MARKER}"):
            self.live.append(("script", [("code", data[:80])]))
        elif not self._script:
            self.text.append(data)


def _scan(html_text: str) -> _LiveMarkup:
    p = _LiveMarkup()
    p.feed(html_text)
    return p


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build_hostile(tmp_path_factory.mktemp("hostile") / "crm")


def test_the_parser_catches_live_markup():
    p = _scan(f"<td><img src=x onerror=alert('{MARKER}-t-c')></td><td>&lt;img src=x onerror=alert(1)&gt;</td>"
              f"<script>alert('{MARKER}-role')</script><script>var f = {{\"x\": \"<b>alert('{MARKER}')\"}}</script>")
    assert len(p.live) == 2 and "<img src=x onerror=alert(1)>" in "".join(p.text)


def test_hostile_dataset_loads_with_its_cp1252_file(hostile):
    from workbench import load_dataset

    ds = load_dataset(hostile)
    assert "Jürgen Müller" in set(ds.tables["users"]["name"])
    assert len(ds.tables["backups"]) == 0 and ds.tables["transactions"].drop(columns="transaction_id").isna().all().all()
    assert "salez" in set(ds.tables["users"]["role"]) and "salez" not in ds.permissions.roles


def _run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


@pytest.fixture(scope="module")
def report_run(hostile, tmp_path_factory):
    """One quarterly report over the hostile sample, shared by the tests below."""
    out = tmp_path_factory.mktemp("report")
    r = _run("report", "--dataset", str(hostile), "--quarter", "2026Q3", "--out", str(out), "--trials", "2000")
    return out, r


def _leaks(folder: Path, *outputs: str) -> list[str]:
    """Planted values and terminal control sequences found raw in any file under ``folder`` or in
    the given terminal outputs."""
    raw = [v.encode() for v in PLANTED.values()] + [PLANTED["card"].replace(" ", "").encode()]
    found = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = f.read_bytes()
        found += [f"{f.name}: {v!r}" for v in raw if v in data]
        if f.suffix in (".html", ".md", ".json", ".csv") and (b"\x1b" in data or b"\x07" in data):
            found.append(f"{f.name}: control character")
    for text in outputs:
        found += [f"terminal: {v!r}" for v in PLANTED.values() if v in text]
        found += ["terminal: control character"] if ("\x1b" in text or "\x07" in text) else []
    return found


def _markdown_cells_live(nb_path: Path) -> list:
    """Live markup in the Markdown outputs of an executed notebook, rendered as nbconvert would."""
    import json

    import mistune

    live = []
    for cell in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]:
        for o in cell.get("outputs", []):
            md_text = o.get("data", {}).get("text/markdown")
            if md_text:
                md_text = "".join(md_text) if isinstance(md_text, list) else md_text
                live += _scan(str(mistune.create_markdown(escape=False, plugins=["table"])(md_text))).live
    return live


def test_report_has_no_live_markup(report_run):
    tmp_path, r = report_run
    assert r.returncode in (0, 3), r.stderr[-3000:]
    html_text = (tmp_path / "2026Q3" / "report.html").read_text(encoding="utf-8")
    p = _scan(html_text)
    assert p.live == []
    shown = "".join(p.text)
    # the data did reach the report, as text: departments (training tables) and the dataset name
    assert f"<img src=x onerror=alert('{MARKER}-users-department')>" in shown and f"alert('{MARKER}-name')" in shown
    assert html_text.count('http-equiv="Content-Security-Policy"') == 1
    scripts = html_text.split("script-src", 1)[1].split(";", 1)[0]  # the policy's script sources: hashes only
    assert "unsafe" not in scripts and scripts.count("'sha256-") >= 5


def test_report_outputs_hold_no_planted_value_and_no_live_markdown(report_run):
    out, r = report_run
    assert r.returncode in (0, 3), r.stderr[-3000:]
    assert _leaks(out, r.stdout, r.stderr) == []
    notebooks = sorted((out / "2026Q3").rglob("*.ipynb"))
    assert notebooks and all(_markdown_cells_live(nb) == [] for nb in notebooks)


def test_simulate_playbook_and_dpia_have_no_live_markup(hostile, tmp_path):
    import mistune

    r = _run("simulate", str(hostile), "--trials", "2000", "--out", str(tmp_path / "sim"))
    assert r.returncode == 0, r.stderr[-2000:]
    book = (tmp_path / "sim" / "playbook.md").read_text(encoding="utf-8")
    assert "<svg" not in book and "<img" not in book and "<script" not in book
    assert _scan(str(mistune.create_markdown(escape=False, plugins=["table"])(book))).live == []
    page = (tmp_path / "sim" / "playbook.html").read_text(encoding="utf-8")
    assert _scan(page).live == [] and "Content-Security-Policy" in page
    old = __import__("os").umask(0o027)
    try:
        r2 = _run("dpia", str(hostile), "--trials", "2000", "--out", str(tmp_path / "dpia"))
    finally:
        __import__("os").umask(old)
    assert r2.returncode == 0, r2.stderr[-2000:]
    page = (tmp_path / "dpia" / "dpia.html").read_text(encoding="utf-8")
    assert _scan(page).live == [] and "script-src 'none'" in page and f"alert('{MARKER}-org')" in "".join(_scan(page).text)
    # item 12: dpia files follow the umask like every other output
    assert {(tmp_path / "dpia" / n).stat().st_mode & 0o777 for n in ("dpia.json", "dpia.html")} == {0o640}
    assert _leaks(tmp_path, r.stdout, r.stderr, r2.stdout, r2.stderr) == []


def test_init_on_hostile_exports_prints_no_control_sequence_or_planted_value(hostile, tmp_path):
    import shutil

    src = tmp_path / "exports"
    src.mkdir()
    for f in hostile.glob("*.csv"):
        shutil.copy(f, src / f.name)
    shutil.copy(hostile / "customers.csv", src / f"contacts<img src=x onerror=alert(1)>{CONTROL}.csv")
    r = _run("init", str(src), "--out", str(tmp_path / "draft"))
    assert r.returncode in (0, 2), r.stderr[-2000:]
    assert _leaks(tmp_path / "draft", r.stdout, r.stderr) == []  # (no draft folder: the terminal alone)


def test_trainer_dashboard_has_no_live_markup(hostile, tmp_path):
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    out = tmp_path / "dash.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "05_training_dashboard.ipynb"), str(out),
                        parameters={"dataset": str(hostile)}, cwd=str(ROOT / "notebooks"), kernel_name="python3",
                        progress_bar=False)
    body, _ = HTMLExporter(exclude_input=True).from_notebook_node(nbformat.read(out, as_version=4))
    p = _scan(body)
    assert p.live == []
    shown = "".join(p.text)
    # as text (pandas cuts long cells at 50 characters): departments, modules and the dataset name
    assert f"<img src=x onerror=alert('{MARKER}-users-dep" in shown and f"alert('{MARKER}-name')" in shown
    assert f"<img src=x onerror=alert('{MARKER}-training_res" in shown


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: run 'make browser'")
def test_serve_on_the_hostile_roster_shows_no_live_markup_and_no_planted_value(hostile, tmp_path):
    """``workbench serve --dataset HOSTILE`` behind a proxy, in headless Chromium: a trainee whose roster
    department is markup, an identity header holding markup, and module ids that are markup or a path.
    No script runs (no dialog), no payload element exists in any page, the markup header shows as text,
    and neither the pages nor the server's log hold a planted value or a control character."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from contextlib import ExitStack

    from workbench.dataset import load_dataset
    from workbench.training.server import ENV_SECRET, SECRET_HEADER

    users = load_dataset(hostile).tables["users"]
    uid = str(users.loc[users["department"].astype(str).str.contains(MARKER), "user_id"].iloc[0])  # recorded with it
    secret = "hostile-test-proxy-secret-0123456789"
    # the proxy's identity is the trainee's own (shown back to them, escaped), not assessed data
    evil_id = f"<img src=x onerror=alert('{MARKER}-header')>"
    visits = [(uid, "?module=access-control", "Signed in as"),
              (evil_id, "?module=access-control", None),
              (uid, f"?module=<script>alert('{MARKER}-module')</script>", None),
              (uid, "?module=../../../../etc/passwd", None),
              (uid, "", None)]
    dialogs, pages = [], []
    with ExitStack() as stack:
        base = start_serve(tmp_path, stack, "--pool", "0", "--store", str(tmp_path / "results.db"),
                           "--dataset", str(hostile), "--trust-header", "X-Forwarded-User", env={ENV_SECRET: secret})
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for who, query, wait_for in visits:
                    context = browser.new_context(extra_http_headers={"X-Forwarded-User": who, SECRET_HEADER: secret})
                    page = context.new_page()
                    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                    page.goto(base + query, timeout=120_000)
                    if wait_for:
                        page.get_by_text(wait_for).first.wait_for(timeout=120_000)
                    else:  # the kernel's page (or the server's refusal) has finished rendering
                        page.wait_for_load_state("networkidle", timeout=120_000)
                    page.wait_for_timeout(500)
                    live = page.locator(f"[onerror], [onload], [onmouseover], .{MARKER}, img[src='x']").count()
                    html_text = page.content()
                    pages.append((query, live, html_text))
                    context.close()
            finally:
                browser.close()
    assert dialogs == []
    assert [(q, n) for q, n, _ in pages if n] == []
    assert all(_scan(h).live == [] for _, _, h in pages)
    assert f"Signed in as: {uid} (proxy-header)" in "".join(_scan(pages[0][2]).text)  # the roster's trainee got in
    assert f"alert('{MARKER}-header')" in "".join(_scan(pages[1][2]).text)  # the markup id, as text  # the roster's markup shows as text
    assert _leaks(tmp_path, *[h for _, _, h in pages]) == []
