"""The report a CISO signs, end to end with the real notebooks (issue 14).

- report.html on the bundled sample and on a generated 20,000-customer dataset holds no
  Python reprs, paths, NaN/NaT/None cells or index columns;
- `workbench report --quiet` writes nothing to stderr on success (no kernel TCP warnings);
- three consecutive quarters with an ``actions.yaml``: an action marked done whose finding
  persists, an accepted risk past its expiry and a new personal-data column are all flagged;
  a department named ``<img src=x onerror=alert(1)>`` prints as text, never as markup;
- the PDF (headless Chromium) has no blank first or last page and no table wider than the page.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from workbench.report import plan as plan_mod
from workbench.report import run_report

pytestmark = pytest.mark.notebook
SAMPLE = plan_mod.REPO / "data" / "samples" / "acme_retail"
TRIALS = 2000
HOSTILE = "<img src=x onerror=alert(1)>"

# What a reader must never see in report.html (outside <script>/<style>): reprs, paths, missing markers.
DIRT = {
    "PosixPath": r"PosixPath",
    "NaN": r"\bNaN\b",
    "NaT": r"\bNaT\b",
    "nan cell": r"<td[^>]*>\s*nan\s*</td>",
    "None cell": r"<td[^>]*>\s*None\s*</td>",
    "dict repr": r"\{'\w[^']*': ",
    "tuple repr": r"\('[^']*', '",
    "temp path": r"\.tmp-|/tmp/|workbench-results-|\.old-",
    "index column": r"<th[^>]*>\s*</th>|<th[^>]*>\s*index\s*</th>",
    "raw float": r"<td[^>]*>\s*\d+\.\d{3,}\s*</td>",
}


def visible(html: str) -> str:
    return re.sub(r"<(script|style)\b.*?</\1\s*>", "", html, flags=re.S | re.I)


def assert_clean(html_path: Path) -> str:
    html = visible(html_path.read_text(encoding="utf-8"))
    found = {k: re.search(p, html).group(0) for k, p in DIRT.items() if re.search(p, html)}
    assert not found, f"{html_path}: {found}"
    return html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img" or any(k.startswith("on") for k, _ in attrs):
            self.live.append((tag, attrs))


def assert_no_live_markup(html_path: Path) -> None:
    parser = _Tags()
    parser.feed(html_path.read_text(encoding="utf-8"))
    assert parser.live == [], parser.live[:3]


@pytest.fixture(scope="module")
def sample_quiet(sample_report):
    """The session's one ``report --quiet`` run of the sample (tests/conftest.py)."""
    return sample_report


def test_quiet_run_writes_nothing_to_stderr_and_leaves_no_temp_files(sample_quiet):
    out, r = sample_quiet
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stderr == ""
    assert r.stdout.strip() == str(out / "2026Q3" / "report.html")
    assert sorted(p.name for p in out.iterdir()) == ["2026Q3"]  # no .tmp-, .old- or .lock left


def test_sample_report_is_clean(sample_quiet):
    out, _ = sample_quiet
    html = assert_clean(out / "2026Q3" / "report.html")
    assert "19 of 25 assessed checks failed" in html and "new 19" not in html  # first quarter: nothing is "new"
    assert "Why a percentile can be 0" in html and "green</strong> at 80" in html
    for deadline in ("immediately", "without undue delay", "72 h", "30 days"):
        assert f">{deadline}<" in html, deadline


@pytest.fixture(scope="module")
def big_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("big")
    r = subprocess.run([sys.executable, "-m", "workbench", "sample", "--customers", "20000", "--seed", "11",
                        "--out", str(root / "ds")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return run_report(root / "ds", "2026Q3", root / "reports", trials=TRIALS)


def test_generated_20000_customer_report_is_clean(big_report):
    assert_clean(big_report.html)


# ---------------------------------------------------------------- three quarters
ACTIONS = """actions:
  - {risk: AC-001, owner: Identity & Access Management, status: done, due: 2026-10-15, note: MFA enforced}
  - {risk: AC-002, owner: HR and IT, status: in progress, due: 2026-11-15}
  - risk: ENC-002
    owner: IT Security (CISO)
    status: accepted
    approver: CISO
    reason: legacy marketing file share retired with the 2027 migration
    expires: 2027-01-31
"""


def _copy_sample(dest: Path) -> Path:
    shutil.copytree(SAMPLE, dest)
    users = dest / "users.csv"
    rows = list(csv.DictReader(users.open(encoding="utf-8", newline="")))
    for row in rows[:3]:
        row["department"] = HOSTILE
    with users.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)
    return dest


def _add_email_column(ds: Path) -> None:
    path = ds / "customers.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for n, row in enumerate(rows):
        row["Field7"] = f"contact{n}@mailbox.example"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def quarters(tmp_path_factory, sample_report):
    """2026Q3 is the session's shared run of the sample (a copy of its folder: one report run
    fewer); the hostile department and actions.yaml arrive in 2026Q4, a new column in 2027Q1."""
    root = tmp_path_factory.mktemp("quarters")
    ds = _copy_sample(root / "ds")
    out = root / "reports"
    shared, first = sample_report
    assert first.returncode == 0, first.stderr[-2000:]
    shutil.copytree(shared / "2026Q3", out / "2026Q3")
    q1 = SimpleNamespace(quarter="2026Q3", folder=out / "2026Q3", html=out / "2026Q3" / "report.html")
    (out / "actions.yaml").write_text(ACTIONS, encoding="utf-8")
    q2 = run_report(ds, "2026Q4", out, as_of="2026-12-31", trials=TRIALS)
    _add_email_column(ds)
    q3 = run_report(ds, "2027Q1", out, as_of="2027-03-31", trials=TRIALS)
    hist = {r.quarter: json.loads((r.folder / "history.json").read_text(encoding="utf-8")) for r in (q1, q2, q3)}
    return out, (q1, q2, q3), hist


def _flags(h: dict) -> dict[str, str]:
    return {a["risk"]: a["flag"] for a in h["actions"]}


def test_first_quarter_has_no_new_counts(quarters):
    _, (q1, _, _), hist = quarters
    h = hist["2026Q3"]
    assert h["previous_quarter"] is None and h["findings"]["new"] == [] and h["findings"]["failing"]
    assert h["inventory_drift"] is None and h["freshness"] == ""


def test_second_quarter_flags_done_but_persisting_overdue_and_accepts(quarters):
    _, (_, q2, _), hist = quarters
    h = hist["2026Q4"]
    flags = _flags(h)
    assert flags["AC-001"] == "done but persisting" and flags["AC-002"] == "overdue" and flags["ENC-002"] == ""
    assert "ENC-002" in h["findings"]["accepted"] and "ENC-002" not in h["findings"]["new"] + h["findings"]["persisting"]
    html = visible(q2.html.read_text(encoding="utf-8"))
    assert "done but persisting" in html and "overdue" in html
    assert (q2.folder / "actions.yaml").read_text(encoding="utf-8") == ACTIONS  # the quarter's evidence


def test_third_quarter_flags_expired_acceptance_and_inventory_drift(quarters):
    _, (_, _, q3), hist = quarters
    h = hist["2027Q1"]
    flags = _flags(h)
    assert flags["ENC-002"] == "acceptance expired" and flags["AC-001"] == "done but persisting"
    assert "ENC-002" not in h["findings"]["accepted"]
    appeared = {(r["table"], r["column"], r["category"]) for r in h["inventory_drift"]["appeared"]}
    assert ("customers", "Field7", "email") in appeared
    html = visible(q3.html.read_text(encoding="utf-8"))
    assert "acceptance expired" in html and "Field7" in html and "compared with 2026Q4" in html
    assert "last quarter" in html and "done — done but persisting" in html  # carried across quarters


def test_hostile_department_renders_as_text_in_every_quarter(quarters):
    _, (q1, q2, q3), _ = quarters
    for r in (q2, q3):  # the department arrives in 2026Q4 (2026Q3 is the plain sample)
        assert_no_live_markup(r.html)
        assert "&lt;img src=x onerror=alert(1)&gt;" in r.html.read_text(encoding="utf-8")
        assert_clean(r.html)
    assert_no_live_markup(q1.html)


# ---------------------------------------------------------------- print
@pytest.mark.browser
def test_pdf_fits_the_page(sample_quiet, tmp_path):
    import pdfplumber

    from workbench.report import export

    if export.find_chromium() is None:
        pytest.skip("Chromium is not installed (make browser)")
    out, r = sample_quiet
    assert r.returncode == 0
    pdf = export.write_pdf(out / "2026Q3" / "report.html", tmp_path / "report.pdf")
    with pdfplumber.open(str(pdf)) as doc:
        pages = doc.pages
        assert 8 <= len(pages) <= 40, len(pages)
        words = [len(p.extract_words()) for p in pages]
        # page 1 is not only the contents, the last page not only the footer
        assert words[0] > 80 and "overall score" in pages[0].extract_text()  # the verdict leads the first page
        assert words[-1] > 40, words[-1]
        text = "\n".join(p.extract_text() or "" for p in pages)
        # the widest table (breach losses) keeps its last column; no cell is printed off the page
        assert "p99" in text and "All scenarios" in text
        for n, page in enumerate(pages, 1):
            over = [c["text"] for c in page.chars if c["x1"] > page.width + 0.5 or c["x0"] < -0.5]
            assert not over, f"page {n}: characters off the page: {''.join(over)[:80]}"
            for t in page.find_tables():
                assert t.bbox[2] <= page.width - 20, f"page {n}: table reaches {t.bbox[2]:.0f} of {page.width:.0f}"
        assert "Download plot as a png" not in text and "Produced with Plotly" not in text
