"""One exception hierarchy for the whole package.

Every error carries a ``hint`` telling the user what to do; the CLI prints it on one line and
exits with ``error.exit_code``.

An error raised with a catalogue key (``DatasetError.of("error.dataset.no_folder", path=root)``)
renders its English ``message``/``hint`` from ``assessments/i18n/en.yaml`` at construction, and
keeps ``key``/``params`` so the CLI can show the same error in another language
(:meth:`WorkbenchError.render`). The hint key defaults to ``<key>_hint`` when the catalogue has
one. Either way the line passes the output boundary: no control sequence, no password or token.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from .boundary import redact_secrets, strip_control  # the output boundary: the bottom layer

E = TypeVar("E", bound="WorkbenchError")
_FRAMING = {"en": " — hint: {hint}"}  # English framing without the catalogue (a broken catalogue still reports)
_depth = [0]  # rendering a message can load the catalogue, whose own errors render again: stop there


def _render(key: str, lang: str, params: Mapping[str, Any]) -> str:
    """The catalogue text of ``key`` in ``lang`` formatted with ``params``; when the catalogue itself is
    unusable (the error may be about it), the key and its parameters."""
    if _depth[0] == 0:
        _depth[0] += 1
        try:
            from .i18n import t  # lazily: the catalogue imports this module

            return t(key, lang, **params)
        except Exception:  # noqa: BLE001 - the catalogue is broken or lacks the key: say what we know
            pass
        finally:
            _depth[0] -= 1
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"{key} ({shown})" if shown else key


def _line(text: str) -> str:
    return " ".join(strip_control(text).split())


class Said(str):
    """A catalogue message used as a parameter of an error (a validator's reason inside "{path}:
    {where}: {msg}"): its English text, and its key to say it in the reader's language."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> "Said":
        self = super().__new__(cls, _render(key, "en", params))
        self.key, self.params = key, params
        return self

    def render(self, lang: str) -> str:
        text = _render(self.key, lang, self.params)
        return str(self) if text.startswith(self.key) else text


class KeyedValueError(ValueError):
    """A validator's ValueError worded by the catalogue: pydantic keeps the exception in the
    error's ``ctx``; :func:`validation_message` gives it back as a :class:`Said`."""

    def __init__(self, key: str, /, **params: Any) -> None:
        self.said = Said(key, **params)
        super().__init__(str(self.said))


# pydantic error types the catalogue words itself (``error.pydantic.<type>``, with pydantic's ctx);
# any other type quotes pydantic's English
PYDANTIC_TYPES = ("missing", "extra_forbidden", "literal_error", "date_parsing", "date_from_datetime_parsing",
                  "date_type", "string_type", "string_too_short", "int_parsing", "int_type", "float_parsing",
                  "bool_parsing", "list_type", "dict_type", "greater_than", "greater_than_equal", "less_than_equal")


def validation_message(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as text that can be said in the
    reader's language (a :class:`Said`), or pydantic's English when the catalogue has no words for it."""
    ctx = dict(err.get("ctx") or {})
    exc = ctx.get("error")
    if isinstance(exc, KeyedValueError):
        return exc.said
    kind = str(err.get("type", ""))
    if kind in PYDANTIC_TYPES:
        return Said(f"error.pydantic.{kind}", **{k: v for k, v in ctx.items() if k != "error"})
    return str(err.get("msg", "")).removeprefix("Value error, ")


class WorkbenchError(Exception):
    """Base class. ``exit_code`` is what the CLI returns for it."""

    exit_code = 1

    def __init__(self, message: str = "", hint: str = "", *, key: str = "", hint_key: str = "",
                 params: Mapping[str, Any] | None = None) -> None:
        self.key = key
        self.hint_key = hint_key
        self.params: dict[str, Any] = dict(params or {})
        if key:
            message = _render(key, "en", self.params)
            if hint_key:
                hint = _render(hint_key, "en", self.params)
        self.message = message
        self.hint = hint
        super().__init__(message)

    @classmethod
    def of(cls: type[E], key: str, /, hint_key: str | None = None, **params: Any) -> E:
        """The error whose message is the catalogue's ``key`` (and hint ``hint_key``, by default
        ``<key>_hint`` when the catalogue has it), formatted with ``params``."""
        if hint_key is None:
            hint_key = f"{key}_hint" if _has(f"{key}_hint") else ""
        return cls(key=key, hint_key=hint_key, params=params)

    def text(self, lang: str = "en") -> tuple[str, str]:
        """(message, hint) in ``lang``: the catalogue's translation when the error has a key, else English."""
        if not self.key or lang == "en":
            return self.message, self.hint
        # a validator's reason inside the message: in the reader's language too
        params = {k: v.render(lang) if isinstance(v, Said) else v for k, v in self.params.items()}
        if isinstance(params.get("what"), str):  # "posture file" → the catalogue's word for it, when it has one
            slug = "".join(ch if ch.isalnum() else "_" for ch in params["what"].lower()).strip("_")
            word = _render(f"error.what.{slug}", lang, {})
            params["what"] = params["what"] if word.startswith("error.what.") else word
        message = _render(self.key, lang, params)
        if message.startswith(self.key):  # not translatable here: the English text beats a bare key
            return self.message, self.hint
        hint = _render(self.hint_key, lang, params) if self.hint_key else self.hint
        return message, hint

    def render(self, lang: str = "en") -> str:
        """One line in ``lang``: message and hint, without control sequences, passwords or tokens."""
        message, hint = self.text(lang)
        text = _line(message)
        if hint:
            framing = _FRAMING["en"]
            if lang != "en":
                framing = _render("error.cli.hint", lang, {"hint": "{hint}"})
                framing = _FRAMING["en"] if framing.startswith("error.cli.hint") else framing
            text += framing.replace("{hint}", _line(hint))
        return redact_secrets(text)

    def __str__(self) -> str:
        # always one line, no terminal control sequence, no password or token
        return self.render("en")


def _has(key: str) -> bool:
    if _depth[0]:
        return False
    _depth[0] += 1
    try:
        from .i18n import has

        return has(key)
    except Exception:  # noqa: BLE001 - a broken catalogue: no hint rather than a second error
        return False
    finally:
        _depth[0] -= 1


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
