"""One self-contained, offline ``report.html`` from executed notebooks; optional PDF via Chromium.

Each executed notebook is exported with nbconvert's ``basic`` template and no code
(``exclude_input``); the bodies are joined under one HTML shell with a table of contents.
plotly.js is embedded exactly once, in the shell's ``<head>``: the per-notebook copies that
plotly's ``notebook`` renderer emits are dropped, and so is every ``<script src="http…">`` (plotly
7 adds a MathJax CDN tag to each figure), so the file opens with its charts and no network.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExecutionError
from ..files import write_text_atomic

CHROMIUM = "/usr/bin/chromium"
_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script\s*>", re.I)
_HEADING_ID = re.compile(r'(<h[1-6]\b[^>]*\bid=")([^"]*)"')
_LOCAL_HREF = re.compile(r'(<a\b[^>]*\bhref="#)([^"]*)"')


@dataclass(frozen=True)
class Section:
    """A notebook shown in the report under ``title``."""

    title: str
    notebook: Path
    anchor: str


def _is_plotly_bundle(output: dict) -> bool:
    text = output.get("data", {}).get("text/html", "")
    text = "".join(text) if isinstance(text, list) else text
    return "window.PlotlyConfig" in text[:2000] and len(text) > 200_000


def notebook_body(path: Path, anchor: str) -> str:
    """The HTML of an executed notebook without code, plotly.js bundles, stderr or CDN scripts.

    Heading ids and in-page links are prefixed with ``anchor`` so that sections cannot clash."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                        and not _is_plotly_bundle(o)]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    body = _EXTERNAL_SCRIPT.sub("", body)
    body = re.sub(r'<div class="cell border-box-sizing code_cell rendered[^"]*" id="[^"]*">\s*</div>\s*', "", body)
    body = _HEADING_ID.sub(lambda m: f'{m.group(1)}{anchor}-{m.group(2)}"', body)
    return _LOCAL_HREF.sub(lambda m: f'{m.group(1)}{anchor}-{m.group(2)}"', body)


_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC",sans-serif;
 color:#1f2933;margin:0;line-height:1.5}
main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 4rem}
header.report{background:#102a43;color:#fff;padding:1.5rem 2rem}
header.report h1{margin:0;font-size:1.7rem;color:#fff !important} header.report p{margin:.3rem 0 0;color:#bcccdc}
nav.toc{border:1px solid #d9e2ec;background:#f5f7fa;padding:.8rem 1.2rem;margin:1rem 0 2rem}
nav.toc ol{margin:.3rem 0 0 1.2rem;padding:0} nav.toc a{color:#1f4f82}
section.notebook{border-top:3px solid #102a43;margin-top:3rem;padding-top:.5rem}
section.notebook:first-of-type{border-top:none;margin-top:0}
h1,h2,h3{color:#102a43} a.anchor-link{display:none}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.88rem}
th,td{border:1px solid #d9e2ec;padding:.25rem .55rem;text-align:left;vertical-align:top}
thead th{background:#f0f4f8} tbody tr:nth-child(even){background:#fafbfc}
.output_stdout pre,.output_text pre{background:#f5f7fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
.output_error{display:none}
.footer{margin-top:3rem;color:#829ab1;font-size:.8rem}
@media print{header.report{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 section.notebook{page-break-before:always} section.notebook:first-of-type{page-break-before:auto}
 nav.toc{page-break-after:always}}
"""


def write_html(sections: list[Section], out_path: Path, *, title: str, subtitle: str = "") -> Path:
    """Write the combined report atomically; returns ``out_path``."""
    from plotly.offline import get_plotlyjs

    bodies = [f'<section class="notebook" id="{s.anchor}">\n{notebook_body(s.notebook, s.anchor)}\n</section>'
              for s in sections]
    toc = "".join(f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>' for s in sections)
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style>",
        "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>', "</head>", "<body>",
        f'<header class="report"><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>', "<main>",
        f'<nav class="toc"><strong>Contents</strong><ol>{toc}</ol></nav>', *bodies,
        '<p class="footer">Generated by workbench. Personal data is shown masked only. '
        "Charts are embedded: this file opens offline.</p>", "</main>", "</body>", "</html>", ""])
    return write_text_atomic(out_path, page)


def find_chromium() -> str | None:
    """Debian's chromium (or one on PATH)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def write_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium after plotly has drawn."""
    exe = find_chromium()
    if exe is None:
        raise ExecutionError("--pdf needs Chromium, which is not installed",
                             hint="install Debian's package: make browser (apt-get install chromium)")
    pdf_path = Path(pdf_path)
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="workbench-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", Path(html_path).resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ExecutionError(f"Chromium did not finish printing {pdf_path.name} within {timeout} s",
                                 hint="rerun without --pdf and print report.html from a browser") from None
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        raise ExecutionError(f"Chromium failed to print {pdf_path.name} (exit {proc.returncode}): {last}",
                             hint="rerun without --pdf and print report.html from a browser")
    os.replace(tmp, pdf_path)
    return pdf_path
