"""The quarterly report: run the notebooks (papermill), export one offline HTML (and PDF),
compare with the previous quarter and record an evidence manifest.

``run_report(dataset, quarter, out_dir, ...)`` is the entry point; ``workbench report`` is its CLI.
"""
from __future__ import annotations

from .pipeline import ReportResult, run_report
from .runner import Progress

__all__ = ["run_report", "ReportResult", "Progress"]
