"""Privacy training: bilingual modules (``training/*.yaml``), grading, a results store, ipywidgets,
printable handouts and the trainer dashboard.

Headless: ``grade(load_module(id), answers)`` then ``record_attempt(...)``; interactive:
``training_app(id, trainee=..., store=...)``; analytics: ``summary(store_url, users, as_of)``.
"""
from __future__ import annotations

from .content import (
    LANGS,
    Lesson,
    Module,
    Option,
    Question,
    Text,
    list_modules,
    load_all,
    load_file,
    load_module,
)
from .dashboard import (
    completion_by_department,
    item_analysis,
    module_scores,
    most_missed,
    overdue_staff,
    privileged_roles,
    roster,
    score_table,
    staff_status,
    summary,
)
from .figures import (
    completion_figure,
    item_analysis_figure,
    overdue_figure,
    score_distribution_figure,
)
from .grading import Result, answer_key, check_answers, grade, is_correct, load_answers
from .handout import handout, handout_markdown
from .session import dashboard_config, headline, run_session, session
from .simulate import demo_store, simulate_cohort
from .store import attempts, default_store, record_attempt, responses, store_url


def training_app(module, **kwargs):  # noqa: ANN001, ANN201 - thin lazy wrapper (ipywidgets import)
    """Build the interactive :class:`~workbench.training.widgets.TrainingApp` for ``module``."""
    from .widgets import TrainingApp

    return TrainingApp(module, **kwargs)


__all__ = [
    "LANGS", "Lesson", "Module", "Option", "Question", "Text", "list_modules", "load_all", "load_file", "load_module",
    "Result", "answer_key", "check_answers", "grade", "is_correct", "load_answers",
    "attempts", "default_store", "record_attempt", "responses", "store_url",
    "handout", "handout_markdown", "training_app", "demo_store", "simulate_cohort",
    "session", "run_session", "dashboard_config", "headline",
    "completion_by_department", "item_analysis", "module_scores", "most_missed", "overdue_staff",
    "privileged_roles", "roster", "score_table", "staff_status", "summary",
    "completion_figure", "item_analysis_figure", "overdue_figure", "score_distribution_figure",
]
