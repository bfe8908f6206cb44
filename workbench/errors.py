"""One exception hierarchy for the whole package.

Every error carries a ``hint`` telling the user what to do; the CLI prints
``str(error)`` on one line and exits with ``error.exit_code``.
"""
from __future__ import annotations

from .boundary import redact_secrets, strip_control  # the output boundary: the bottom layer


class WorkbenchError(Exception):
    """Base class. ``exit_code`` is what the CLI returns for it."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        # always one line, no terminal control sequence, no password or token
        text = " ".join(strip_control(self.message).split())
        if self.hint:
            text += f" — hint: {' '.join(strip_control(self.hint).split())}"
        return redact_secrets(text)


class InputError(WorkbenchError):
    """Bad input or usage: exit code 2."""

    exit_code = 2


class DatasetError(InputError):
    """A dataset folder, table, column, value or its YAML is unusable."""


class ContentError(InputError):
    """Project content (controls, scenarios, training modules, detectors) failed validation."""


class AnswersError(InputError):
    """A training answers file names an unknown question or an invalid option."""


class ExecutionError(WorkbenchError):
    """A notebook or internal step failed: exit code 1."""

    exit_code = 1


class ThresholdError(WorkbenchError):
    """The run worked but the overall score is below ``--fail-under``: exit code 3."""

    exit_code = 3
