"""Texts of the trainee app (widgets), from the message catalogue (``training.app.*``)."""
from __future__ import annotations

from ..i18n import section


def labels(lang: str) -> dict[str, str]:
    """The trainee app's texts in ``lang`` (catalogue ``training.app.*``; templates keep their ``{fields}``)."""
    return section("training.app", lang)
