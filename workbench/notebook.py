"""Set-up shared by every notebook: renderers and display options that survive nbconvert.

Call :func:`setup` in the cell after ``parameters``.
"""
from __future__ import annotations

import pandas as pd


def setup() -> None:
    """Make plotly figures render in JupyterLab *and* in exported HTML, offline.

    Inside a kernel plotly picks ``plotly_mimetype`` alone, which nbconvert cannot render
    (plotly/plotly.py#5365); ``notebook`` embeds plotly.js once so the report opens offline.
    """
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype+notebook"
    pd.set_option("display.max_rows", 60)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
