"""report.html: offline (no external script), plotly.js exactly once, no code; PDF via Chromium."""
from __future__ import annotations

import re

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from workbench.report import export

SECRET_CODE = "very_secret_code_line = 42"


def _executed_notebook(path, title):
    """An executed-looking notebook whose outputs are what plotly's notebook renderer emits in a kernel."""
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    renderer = pio.renderers["notebook"]
    bundle = renderer.to_mimebundle(fig.to_dict())
    bundle["application/vnd.plotly.v1+json"] = fig.to_plotly_json()  # in a kernel (plotly_mimetype+notebook)
    init_html = ("<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n<script>"
                 + __import__("plotly.offline", fromlist=["x"]).get_plotlyjs() + "</script>")
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell(SECRET_CODE)
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/html": init_html}),
                    nbformat.v4.new_output("display_data", data=bundle),
                    nbformat.v4.new_output("stream", name="stderr", text="StderrNoiseMarker: noise\n")]
    table = nbformat.v4.new_code_cell("df")
    table.outputs = [nbformat.v4.new_output("execute_result", data={"text/html": "<table><tr><td>cell-value</td></tr></table>",
                                                                    "text/plain": "x"}, execution_count=2)]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n[link](#{title})"), code, table]
    nbformat.write(nb, str(path))
    return path


def test_html_is_offline_with_plotly_once_and_no_code(tmp_path):
    sections = [export.Section("Executive", _executed_notebook(tmp_path / "a.ipynb", "Exec"), "s1"),
                export.Section("Appendix", _executed_notebook(tmp_path / "b.ipynb", "App"), "s2")]
    assert "mathjax" in nbformat.read(str(sections[0].notebook), 4).cells[1].outputs[1]["data"]["text/html"]
    html = export.write_html(sections, tmp_path / "report.html", title="Report 2026Q3").read_text()
    assert not re.search(r"<script[^>]*src=[\"']?(https?:)?//", html, re.I)
    assert html.count("plotly.js v") == 1 and html.count("window.Plotly = Plotly") == 1
    assert len(html) < 1.2 * len(__import__("plotly.offline", fromlist=["x"]).get_plotlyjs())
    assert SECRET_CODE not in html and "StderrNoiseMarker" not in html
    assert html.count("cell-value") == 2
    # figure divs keep their ids, which their scripts look up
    ids = re.findall(r'class="plotly-graph-div"', html)
    assert len(ids) == 2
    for div_id in re.findall(r'<div id="([0-9a-f-]{36})" class="plotly-graph-div"', html):
        assert f'getElementById("{div_id}")' in html
    # headings are namespaced per section, TOC links both
    assert 'id="s1-Exec"' in html and 'href="#s1-Exec"' in html and 'href="#s2"' in html


@pytest.mark.browser
def test_pdf_is_printed_by_chromium(tmp_path):
    if export.find_chromium() is None:
        pytest.skip("chromium not installed (make browser)")
    sections = [export.Section("Executive", _executed_notebook(tmp_path / "a.ipynb", "Exec"), "s1")]
    html = export.write_html(sections, tmp_path / "report.html", title="Report")
    pdf = export.write_pdf(html, tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.browser
def test_charts_draw_in_chromium_without_network(tmp_path):
    """Headless Chromium with networking disabled renders every figure (plotly adds js-plotly-plot)."""
    import subprocess

    exe = export.find_chromium()
    if exe is None:
        pytest.skip("chromium not installed (make browser)")
    sections = [export.Section("Executive", _executed_notebook(tmp_path / "a.ipynb", "Exec"), "s1"),
                export.Section("Appendix", _executed_notebook(tmp_path / "b.ipynb", "App"), "s2")]
    html = export.write_html(sections, tmp_path / "report.html", title="Report")
    dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--proxy-server=http://127.0.0.1:9",  # no network
                          f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom",
                          html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert dom.count('class="plotly-graph-div"') == 0  # none left undrawn
    assert dom.count("plotly-graph-div js-plotly-plot") == 2
    assert dom.count('class="main-svg"') >= 2
