"""The CLI's error lines in the user's language.

The language of an error: the command's ``--lang`` when given (read from the command line, so it
holds also for usage errors and for checks after parsing), else the ``lang:`` of the profile the
command uses, else ``WORKBENCH_LANG``, else English. The framing ("error", "hint", "interrupted",
"internal error") and argparse's usual usage messages come from the catalogue (``error.cli.*``);
English output is what it always was, and a broken catalogue falls back to it.
"""
from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from typing import Any

from ..errors import WorkbenchError

ENV = "WORKBENCH_LANG"
LANGS = ("en", "zh")


def lang_from_argv(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` on the command line, if it is a language."""
    found = None
    for i, a in enumerate(argv):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif a.startswith("--lang="):
            found = a.split("=", 1)[1]
    value = (found or "").strip().lower()
    return value if value in LANGS else None


def _profile_lang(args: argparse.Namespace | None) -> str | None:
    if args is None or getattr(args, "command", None) not in ("report", "assess"):
        return None
    try:
        from ..checks.catalog import load_profile

        return getattr(load_profile(getattr(args, "profile", None) or "quarterly"), "lang", None)
    except Exception:  # noqa: BLE001 - the profile may be the error itself: fall back to the environment
        return None


def error_lang(argv: Sequence[str], args: argparse.Namespace | None = None) -> str:
    """``--lang``, else the profile's ``lang:``, else ``WORKBENCH_LANG``, else ``en``."""
    for cand in (lang_from_argv(argv), _profile_lang(args), os.environ.get(ENV)):
        value = str(cand or "").strip().lower()
        if value in LANGS:
            return value
    return "en"


def say(key: str, lang: str, default: str, **values: Any) -> str:
    """The framing text ``key`` in ``lang``; ``default`` (the English text) when English or unusable."""
    if lang != "en":
        try:
            from .. import i18n

            return i18n.t(key, lang, **values)
        except Exception:  # noqa: BLE001 - a broken catalogue must not hide the error being reported
            pass
    return default.format(**values)


def error_line(command: str, e: WorkbenchError, lang: str) -> str:
    return say("error.cli.error", lang, "workbench {command}: error: {message}", command=command,
               message=e.render(lang))


def interrupted_line(command: str, lang: str) -> str:
    return say("error.cli.interrupted", lang, "workbench {command}: interrupted", command=command)


# argparse's own messages (Python 3.11+) → catalogue key and the groups it uses
_ARGPARSE = [
    (re.compile(r"the following arguments are required: (?P<args>.+)"), "error.cli.argparse.required"),
    (re.compile(r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     "error.cli.argparse.choice"),
    (re.compile(r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: (?P<value>.+)"), "error.cli.argparse.type"),
    (re.compile(r"argument (?P<arg>\S+): expected one argument"), "error.cli.argparse.one"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"), "error.cli.argparse.unrecognized"),
    (re.compile(r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)"), "error.cli.argparse.exclusive"),
]


def usage_line(prog: str, message: str, lang: str) -> str:
    """argparse's usage error, one line, in ``lang`` (its message too when it is one of the usual ones)."""
    if lang != "en":
        for pattern, key in _ARGPARSE:
            m = pattern.fullmatch(message)
            if m:
                message = say(key, lang, message, **m.groupdict())
                break
    return say("error.cli.usage", lang, "{prog}: error: {message} (see '{prog} --help')", prog=prog, message=message)
