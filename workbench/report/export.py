"""One self-contained, offline ``report.html`` from executed notebooks; optional PDF via Chromium.

Each executed notebook is exported with nbconvert's ``basic`` template and no code
(``exclude_input``); the bodies are joined under one HTML shell with a table of contents.
plotly.js is embedded exactly once, in the shell's ``<head>``: the per-notebook copies that
plotly's ``notebook`` renderer emits are dropped, and so is every ``<script src="http…">`` (plotly
7 adds a MathJax CDN tag to each figure), so the file opens with its charts and no network.

The page carries a Content-Security-Policy (:func:`workbench.boundary.seal_html`) that lets run
only the inline scripts this module puts there — plotly.js, its config, the print helper and
each figure's drawing script, taken from the outputs plotly itself produced (those carrying
plotly's own MIME type) — by their SHA-256. Any other script or event handler, e.g. markup from
an export that a renderer failed to escape, does not run.
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

from ..boundary import inline_scripts, safe_html, seal_html
from ..errors import ExecutionError
from ..files import write_text_atomic

CHROMIUM = "/usr/bin/chromium"
TOC_MARKER = '<div class="wb-toc-here"></div>'  # where the executive summary wants the contents box
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


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def notebook_body(path: Path, anchor: str, scripts: list[str] | None = None) -> str:
    """The HTML of an executed notebook without code, plotly.js bundles, stderr or CDN scripts.

    Heading ids and in-page links are prefixed with ``anchor`` so that sections cannot clash.
    The inline scripts of plotly's figure outputs are appended to ``scripts`` (the ones the
    page's policy allows)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", [])
                        if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                        and not _is_plotly_bundle(o)]
        if scripts is not None:
            for o in cell.outputs:
                data = o.get("data", {})
                if PLOTLY_MIME in data and "text/html" in data:
                    text = data["text/html"]
                    scripts += inline_scripts("".join(text) if isinstance(text, list) else text)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    body = _EXTERNAL_SCRIPT.sub("", body)
    body = re.sub(r'<div class="cell border-box-sizing code_cell rendered[^"]*" id="[^"]*">\s*</div>\s*', "", body)
    body = _HEADING_ID.sub(lambda m: f'{m.group(1)}{anchor}-{m.group(2)}"', body)
    return _LOCAL_HREF.sub(lambda m: f'{m.group(1)}{anchor}-{m.group(2)}"', body)


_CSS = """
@page{size:A4;margin:14mm 12mm 16mm}
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC",sans-serif;
 color:#1f2933;margin:0;line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 2rem}
header.report{background:#102a43;color:#fff;padding:1.5rem 2rem}
header.report h1{margin:0;font-size:1.7rem;color:#fff !important} header.report p{margin:.3rem 0 0;color:#bcccdc}
header.report p.warning{color:#102a43;background:#fbd38d;padding:.3rem .6rem;margin-top:.6rem;font-weight:600}
nav.toc{border:1px solid #d9e2ec;background:#f5f7fa;padding:.8rem 1.2rem;margin:1rem 0 2rem}
nav.toc ol{margin:.3rem 0 0 1.2rem;padding:0} nav.toc a{color:#1f4f82}
section.notebook{border-top:3px solid #102a43;margin-top:3rem;padding-top:.5rem}
section.notebook:first-of-type{border-top:none;margin-top:0}
h1,h2,h3{color:#102a43} a.anchor-link{display:none}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.84rem;max-width:100%}
caption{caption-side:top;text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #d9e2ec;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
thead th{background:#f0f4f8;overflow-wrap:normal;word-break:normal}
tbody tr:nth-child(even){background:#fafbfc}
td.num{text-align:right;white-space:nowrap} td.tok{white-space:nowrap;overflow-wrap:normal}
td.sev-critical,td.sev-red,td.sev-expired{color:#9b1c1c;font-weight:600}
td.sev-high,td.sev-overdue,td.sev-persisting{color:#c53030;font-weight:600}
td.sev-medium,td.sev-amber{color:#b7791f;font-weight:600} td.sev-green,td.sev-pass{color:#2f855a;font-weight:600}
p.wb-empty{color:#52606d;font-style:italic}
.wb-first-screen h3{margin:.9rem 0 .2rem;font-size:1.05rem}
p.verdict{font-size:1.15rem;margin:0 0 .4rem;padding:.5rem .8rem;border-left:6px solid #9fb3c8;background:#f5f7fa}
p.verdict-red{border-color:#c53030} p.verdict-amber{border-color:#d69e2e} p.verdict-green{border-color:#2f855a}
.wb-first-screen table{margin:.3rem 0 .6rem}
@media screen{table.wb{display:block;overflow-x:auto}}
.output_stdout pre,.output_text pre{background:#f5f7fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
.output_error{display:none}
.footer{margin-top:2rem;color:#829ab1;font-size:.8rem}
@media print{
 header.report,p.warning{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 main{max-width:none;padding:0 0 0}
 header.report{padding:1rem 1.2rem}
 nav.toc{margin:.8rem 0 1rem}
 section.notebook{break-before:page} section.notebook:first-of-type{break-before:auto}
 table{font-size:.72rem;width:auto;max-width:100%;table-layout:auto}
 th,td{padding:.15rem .3rem}
 table.short{break-inside:avoid}
 tr,img,svg,.js-plotly-plot{break-inside:avoid}
 h2,h3{break-after:avoid}
 .modebar,.modebar-container,.hoverlayer{display:none !important}
 .js-plotly-plot,.plotly-graph-div{max-width:100% !important}
 .footer{break-before:avoid;margin-top:1rem}}
"""


def write_html(sections: list[Section], out_path: Path, *, title: str, subtitle: str = "", warning: str = "",
               lang: str = "en") -> Path:
    """Write the combined report atomically; returns ``out_path``. ``warning`` (e.g. the data's
    date lies outside the quarter) is shown under the title. The contents box goes below the
    executive summary's first screen (its marker), else at the top."""
    from plotly.offline import get_plotlyjs

    from .. import i18n

    own = ["window.PlotlyConfig = {MathJaxConfig: 'local'};", get_plotlyjs()]
    bodies = [f'<section class="notebook" id="{s.anchor}">\n{notebook_body(s.notebook, s.anchor, own)}\n</section>'
              for s in sections]
    toc = "".join(f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>' for s in sections)
    warn = f'<p class="warning">{safe_html(warning)}</p>' if warning else ""
    nav = f'<nav class="toc"><strong>{html.escape(i18n.t("report.contents", lang))}</strong><ol>{toc}</ol></nav>'
    if bodies and TOC_MARKER in bodies[0]:
        bodies[0], nav = bodies[0].replace(TOC_MARKER, nav, 1), ""
    page = "\n".join([
        "<!DOCTYPE html>", f'<html lang="{i18n.HTML_LANG.get(lang, "en")}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style>",
        f"<script>{own[0]}</script>", f'<script type="text/javascript">{own[1]}</script>', "</head>", "<body>",
        f'<header class="report"><h1>{safe_html(title)}</h1><p>{safe_html(subtitle)}</p>{warn}</header>', "<main>",
        nav, *bodies, f'<p class="footer">{html.escape(i18n.t("report.footer", lang))}</p>', "</main>", _PRINT_SCRIPT,
        "</body>", "</html>", ""])
    return write_text_atomic(out_path, seal_html(page, [*own, *inline_scripts(_PRINT_SCRIPT)]))


# Before printing, plotly charts are redrawn at the printable width (A4 minus margins) so that
# axis labels are laid out for the paper, not for a wide screen, and nothing is cut off.
_PRINT_SCRIPT = """<script>
(function(){function fit(w){if(!window.Plotly)return;document.querySelectorAll('.js-plotly-plot').forEach(
function(el){try{Plotly.relayout(el,{width:w,autosize:false});}catch(e){}});}
window.matchMedia('print').addListener(function(m){if(m.matches)fit(700);});
window.addEventListener('beforeprint',function(){fit(700);});
if(/[?&]print=1/.test(location.search))fit(700);})();
</script>"""


def find_chromium() -> str | None:
    """Debian's chromium (or one on PATH)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def write_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium after plotly has drawn."""
    exe = find_chromium()
    if exe is None:
        raise ExecutionError.of("error.run.no_chromium")
    pdf_path = Path(pdf_path)
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="workbench-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
               f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", Path(html_path).resolve().as_uri() + "?print=1"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ExecutionError.of("error.run.pdf_timeout", "error.run.pdf_hint", name=pdf_path.name,
                                    seconds=timeout) from None
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        raise ExecutionError.of("error.run.pdf_failed", "error.run.pdf_hint", name=pdf_path.name,
                                code=proc.returncode, detail=last)
    os.replace(tmp, pdf_path)
    return pdf_path
