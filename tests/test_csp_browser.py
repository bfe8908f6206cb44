"""Issue 21 item 1, in a real browser: report.html under its Content-Security-Policy still draws
its plotly charts (the project's own scripts are allowed by hash), and a script or event handler
that reached the page from data does not run."""
from __future__ import annotations

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from workbench.report import export

pytestmark = pytest.mark.browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _notebook(path):
    """An executed notebook as a kernel leaves it: plotly's bundle, a figure output carrying
    plotly's MIME type, and an HTML output with markup a renderer failed to escape."""
    from plotly.offline import get_plotlyjs

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    bundle = pio.renderers["notebook"].to_mimebundle(fig.to_dict())
    bundle["application/vnd.plotly.v1+json"] = fig.to_plotly_json()
    init = "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n<script>" + get_plotlyjs() + "</script>"
    leak = ("<p>leak</p><script>document.title='PWNED-script'</script>"
            "<img src=x onerror=\"document.title='PWNED-img'\">")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": init}),
                    nbformat.v4.new_output("display_data", data=bundle),
                    nbformat.v4.new_output("display_data", data={"text/html": leak})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Charts\n\n<script>document.title='PWNED-md'</script>"), cell]
    nbformat.write(nb, str(path))
    return path


def test_charts_render_and_injected_script_does_not_run(tmp_path):
    if export.find_chromium() is None:
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    page_path = export.write_html([export.Section("Charts", _notebook(tmp_path / "a.ipynb"), "s1")],
                                  tmp_path / "report.html", title="CSP check")
    text = page_path.read_text()
    assert "Content-Security-Policy" in text and "PWNED-script" in text  # the injected script is in the file
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=export.find_chromium(), args=FLAGS)
        try:
            page = browser.new_page()
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(page_path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)  # plotly drew the chart
            assert page.locator(".js-plotly-plot .bars path").count() == 2
            assert page.evaluate("typeof window.Plotly") == "object"
            assert page.title() == "CSP check"  # no injected script or handler changed it
            assert violations  # the browser refused them
        finally:
            browser.close()
