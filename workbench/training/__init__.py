"""Privacy training: bilingual modules (``training/*.yaml``), grading, a results store, ipywidgets,
printable handouts, the trainer dashboard, assignments, identities and LMS export.

Headless: ``grade(load_module(id), answers)`` then ``record_attempt(...)``; interactive:
``training_app(id, trainee=..., store=...)``; analytics: ``summary(store_url, users, as_of)``.

Every name is imported lazily: a trainee's quiz kernel (``workbench serve``) imports only content,
grading, identity, the store and the widgets — never pandas or plotly, which cost ≈ 2 CPU-seconds
and ≈ 125 MB per session (issue 16).
"""
from __future__ import annotations

import importlib
from typing import Any

# Functions named like their submodule are bound eagerly (importing a submodule rebinds the package
# attribute to the module); both import no pandas.
from .handout import handout, handout_markdown
from .session import dashboard_config, headline, run_session, session

# name -> submodule of workbench.training that defines it
_LAZY = {
    **dict.fromkeys(("LANGS", "Lesson", "Module", "Option", "Question", "Text", "list_modules", "load_all",
                     "load_file", "load_module"), "content"),
    **dict.fromkeys(("completion_by_department", "item_analysis", "module_scores", "most_missed", "overdue_staff",
                     "privileged_roles", "roster", "score_table", "staff_status", "summary"), "dashboard"),
    **dict.fromkeys(("completion_figure", "item_analysis_figure", "overdue_figure", "score_distribution_figure"),
                    "figures"),
    **dict.fromkeys(("Result", "answer_key", "check_answers", "grade", "is_correct", "load_answers"), "grading"),
    # real records only (results store, else the dataset's training_results); the simulated cohort is a test fixture
    **dict.fromkeys(("TrainingSource", "dataset_store", "training_source", "training_summary"), "records"),
    **dict.fromkeys(("attempts", "attempts_of_record", "default_store", "init_store", "record_attempt", "responses",
                     "store_url", "StoreError"), "store"),
    **dict.fromkeys(("Identity", "identify", "normalise_id", "load_roster"), "identity"),
    **dict.fromkeys(("Assignment", "load_assignments", "assignment_status", "assignment_summary", "assignment_view",
                     "identity_note", "overdue_assignments", "owed", "reminders_csv", "reminders_ics"), "assignments"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'workbench.training' has no attribute {name!r}")


def training_app(module, **kwargs):  # noqa: ANN001, ANN201 - thin lazy wrapper (ipywidgets import)
    """Build the interactive :class:`~workbench.training.widgets.TrainingApp` for ``module``."""
    from .widgets import TrainingApp

    return TrainingApp(module, **kwargs)


__all__ = ["training_app", "handout", "handout_markdown", "dashboard_config", "headline", "run_session", "session",
           *_LAZY]
