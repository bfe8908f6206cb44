"""Breach simulation: scenarios → exposure from the dataset, posture → vulnerability, a seeded
FAIR Monte Carlo, fines and notification obligations, and what-if control fixes.

Public API: :func:`simulate`, :func:`write_simulation`, :class:`Simulation`,
:func:`load_scenarios`, :func:`load_laws`. Modules: ``statutes`` (the law files; fine ``regimes``),
``law`` (scope, grading, obligations and exemptions), ``states`` (US state breach laws), ``text``
(law sentences as catalogue keys, rendered per language; ``localize`` for display), ``sensitivity``
(tornado), ``calibration`` (published band), ``playbook`` (printable response playbook),
``figures`` (plotly).
"""
from __future__ import annotations

from .content import load_laws, load_scenarios
from .simulate import (
    Simulation,
    parse_scenarios,
    read_findings,
    simulate,
    write_simulation,
)

__all__ = ["simulate", "write_simulation", "Simulation", "read_findings", "parse_scenarios", "load_scenarios", "load_laws"]
