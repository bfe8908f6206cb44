"""The hostile sample (issue 11, item 10): markup in every text column, a CP1252 file, empty and
all-null tables, undefined roles. The quarterly report and the trainer dashboard must contain no
live markup from data values (escaped text is fine), and the data must really reach them."""
from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hostile_fixture import MARKER, build_hostile

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


def test_report_has_no_live_markup(hostile, tmp_path):
    r = subprocess.run([sys.executable, "-m", "workbench", "report", "--dataset", str(hostile), "--quarter", "2026Q3",
                        "--out", str(tmp_path), "--trials", "2000"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode in (0, 3), r.stderr[-3000:]
    html_text = (tmp_path / "2026Q3" / "report.html").read_text(encoding="utf-8")
    p = _scan(html_text)
    assert p.live == []
    shown = "".join(p.text)
    # the data did reach the report, as text: departments (training tables) and the dataset name
    assert f"<img src=x onerror=alert('{MARKER}-users-department')>" in shown and f"alert('{MARKER}-name')" in shown


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
