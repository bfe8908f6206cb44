"""DPIA / PIPIA pre-filled from evidence (GDPR Art. 35, WP248 rev.01; PIPL Art. 55-56), in the
structure of the CNIL PIA method.

Public API: :func:`run_dpia` (evidence → document → files), :func:`gather` and :func:`from_results`
(evidence), :func:`build` (dpia.json as a dict), :func:`load_answers` / :func:`save_answers`
(the versioned answers file), :func:`dpia_status` (for the quarterly report), :func:`load_content`.
"""
from __future__ import annotations

from .answers import Answers, load_answers, save_answers
from .content import load_content
from .document import build, evidence_changes, fingerprint
from .evidence import Evidence, from_results, gather
from .run import run_dpia, write_dpia
from .status import dpia_status, report_table, status_table

__all__ = ["Answers", "Evidence", "build", "dpia_status", "evidence_changes", "fingerprint", "from_results", "gather",
           "load_answers", "load_content", "report_table", "run_dpia", "save_answers", "status_table", "write_dpia"]
