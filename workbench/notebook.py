"""Set-up shared by every notebook: renderers and display options that survive nbconvert.

Call :func:`setup` in the cell after ``parameters``.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from .boundary import md

# plotly's notebook renderer always adds a MathJax <script src="https://cdn…">; reports must
# open offline and we typeset no LaTeX, so that tag is dropped where the HTML is made.
_CDN_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>', re.IGNORECASE)
RENDERER = "workbench_offline"


def _register_renderer() -> None:
    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        """The ``notebook`` renderer (plotly.js embedded once) minus any CDN script tag."""

        def to_mimebundle(self, fig_dict):  # type: ignore[override]
            bundle = super().to_mimebundle(fig_dict)
            bundle["text/html"] = _CDN_SCRIPT.sub("", bundle.get("text/html", ""))
            return bundle

    if RENDERER not in pio.renderers:
        # no toolbar: it prints on paper and offers nothing a report reader needs
        pio.renderers[RENDERER] = OfflineNotebookRenderer(connected=False, config={"displayModeBar": False,
                                                                                   "responsive": True})


def setup() -> None:
    """Make plotly figures render in JupyterLab *and* in exported HTML, offline.

    Inside a kernel plotly picks ``plotly_mimetype`` alone, which nbconvert cannot render
    (plotly/plotly.py#5365); the offline notebook renderer embeds plotly.js once so the report
    opens without network.
    """
    import plotly.io as pio

    from .presentation import TEMPLATE, register_theme

    _register_renderer()
    pio.renderers.default = f"plotly_mimetype+{RENDERER}"
    register_theme()
    pio.templates.default = f"plotly_white+{TEMPLATE}"  # one look for every chart of every notebook
    pd.set_option("display.max_rows", 60)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)


def progress(label: str = "") -> Callable[[str], None]:
    """A progress callback for long work in a notebook: one line, updated in place.

    In JupyterLab the line changes as work advances; in an executed notebook (papermill,
    the quarterly report) only the last message remains, instead of one line per step.
    """
    from IPython.display import Markdown, display

    handle = display(Markdown(f"*{md(label)}starting…*"), display_id=True)

    def update(message: str) -> None:
        handle.update(Markdown(f"*{md(label)}{md(message)}*"))

    return update
