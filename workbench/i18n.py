"""One message catalogue per language for every user-facing string (report, playbook, DPIA, charts).

The catalogues are YAML a privacy officer edits: ``assessments/i18n/en.yaml`` and ``zh.yaml``.
Nested mappings flatten to dotted keys (``report.title``); a value is a ``str.format`` template
with named fields (``{quarter}``). On load both files are validated: every key of ``en`` exists in
every other language and the reverse, every value is text, and each translation uses exactly the
placeholders of the English text. A problem raises :class:`ContentError` naming file and key.

Money, dates and counts are formatted per locale with Babel (``zh`` → ``zh_CN``), with the same
precision in every language: whole currency units, one decimal for points.

The language of a run is chosen once (``--lang``, a profile's ``lang:``, the notebook's ``lang``
parameter) and set with :func:`use`; the formatting layer reads it from :func:`current`.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ContentError, InputError
from .files import load_yaml_mapping

LANGS = ("en", "zh")
DEFAULT = "en"
LOCALES = {"en": "en_US", "zh": "zh_CN"}
HTML_LANG = {"en": "en", "zh": "zh-CN"}
CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "assessments" / "i18n"
_current: ContextVar[str] = ContextVar("workbench_lang", default=DEFAULT)


def check_lang(lang: Any) -> str:
    """``lang`` if it is a supported language, else an :class:`InputError` (exit 2)."""
    value = str(lang or DEFAULT).strip().lower()
    if value not in LANGS:
        raise InputError.of("error.lang.unknown", value=str(lang)[:20], known=", ".join(LANGS))
    return value


def use(lang: str) -> str:
    """Make ``lang`` the language of this run (formatting, labels); returns it, validated."""
    value = check_lang(lang)
    _current.set(value)
    return value


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """``lang`` as the language inside the block (``None``: the current one), and the one before
    it again afterwards, whatever :func:`use` did inside: a library call with ``lang=`` must not
    change the caller's language."""
    token = _current.set(check_lang(lang) if lang else _current.get())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current() -> str:
    """The language set by :func:`use` (``en`` when none was)."""
    return _current.get()


def _flatten(node: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    else:
        out[prefix] = node


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _load(lang: str) -> dict[str, str]:
    path = CATALOGUE_DIR / f"{lang}.yaml"
    flat: dict[str, Any] = {}
    _flatten(load_yaml_mapping(path, f"message catalogue ({lang})"), "", flat)
    for key, value in flat.items():
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{path}: {key}: expected non-empty text, got {type(value).__name__}",
                               hint="quote the message; every key holds one text")
        try:
            _fields(value)
        except ValueError as e:
            raise ContentError(f"{path}: {key}: bad placeholder ({e})", hint="write {name}; a literal brace is {{ or }}") from None
    return flat


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """The flattened, validated catalogue of ``lang`` (checked against English)."""
    lang = check_lang(lang)
    base = _load(DEFAULT)
    if lang == DEFAULT:
        return base
    cat = _load(lang)
    path = CATALOGUE_DIR / f"{lang}.yaml"
    missing_keys = sorted(set(base) - set(cat))
    if missing_keys:
        raise ContentError(f"{path}: {missing_keys[0]}: missing ({len(missing_keys)} key(s) of en.yaml untranslated)",
                           hint="translate every key of en.yaml")
    extra = sorted(set(cat) - set(base))
    if extra:
        raise ContentError(f"{path}: {extra[0]}: not in en.yaml", hint="remove it or add it to en.yaml first")
    for key, text in cat.items():
        if _fields(text) != _fields(base[key]):
            raise ContentError(f"{path}: {key}: placeholders {sorted(_fields(text))} differ from English "
                               f"{sorted(_fields(base[key]))}", hint="keep every {name} of the English text")
    return cat


def t(key: str, lang: str | None = None, /, **values: Any) -> str:
    """The message ``key`` in ``lang`` (default: :func:`current`), formatted with ``values``."""
    cat = catalogue(lang or current())
    try:
        text = cat[key]
    except KeyError:
        raise ContentError(f"{CATALOGUE_DIR / 'en.yaml'}: {key}: no such message",
                           hint="add the key to every catalogue") from None
    return text.format(**values) if values else text


def each(key: str, /, **values: Any) -> dict[str, str]:
    """The message ``key`` in every language, ``{"en": ..., "zh": ...}``: for a document that keeps
    both (the DPIA's reasons and derivations). A value that is callable is called with the language
    (a list joined with that language's separator, a word from the catalogue)."""
    return {lang: t(key, lang, **{k: v(lang) if callable(v) else v for k, v in values.items()}) for lang in LANGS}


def section(prefix: str, lang: str | None = None) -> dict[str, str]:
    """Every message under ``prefix`` (``training.app``) in ``lang``, by the rest of its key."""
    head = prefix.rstrip(".") + "."
    return {k[len(head):]: v for k, v in catalogue(lang or current()).items() if k.startswith(head)}


def joined(items: Any, lang: str | None = None, sep: str = "common.list_sep") -> str:
    """``items`` as text joined with the catalogue's separator ``sep`` (``, `` in English, ``、`` in Chinese)."""
    return t(sep, lang).join(str(x) for x in items)


def markdown(key: str, /, **values: Any) -> Any:
    """The message ``key`` as a Markdown display object: a notebook's prose cell in the run's language.
    Inserted ``values`` pass the output boundary (:func:`workbench.boundary.md`): they show as text."""
    from IPython.display import Markdown

    from .boundary import md

    return Markdown(t(key, **{k: md(v) for k, v in values.items()}))


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogues."""
    return key in catalogue(DEFAULT)


def maybe(key: str, default: str, lang: str | None = None) -> str:
    """The message ``key`` if the catalogue has it, else ``default`` (for open-ended value sets)."""
    return t(key, lang) if has(key) else default


def term(namespace: str, value: Any, lang: str | None = None) -> str:
    """A vocabulary word (``severity``/``high`` → 高): the catalogue's ``namespace.value`` when
    there is one, else the value unchanged (ids, names, numbers)."""
    key = f"{namespace}.{str(value).strip().lower().replace(' ', '_')}"
    return t(key, lang) if has(key) else str(value)


# ---------------------------------------------------------------- locale formatting (Babel)
def locale(lang: str | None = None) -> str:
    return LOCALES[check_lang(lang or current())]


def fmt_count(v: float, lang: str | None = None) -> str:
    """A whole number with the locale's grouping (``2,988`` in en and zh)."""
    from babel.numbers import format_decimal

    return format_decimal(round(float(v)), format="#,##0", locale=locale(lang))


def fmt_decimal(v: float, digits: int = 1, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(float(v), format="#,##0." + "0" * digits if digits else "#,##0", locale=locale(lang))


def fmt_money(v: float, currency: str = "", lang: str | None = None) -> str:
    """Whole currency units: ``1,234,568 EUR`` in English, ``€1,234,568`` / ``¥1,234,568`` in zh-CN."""
    from babel.numbers import format_currency

    lang = check_lang(lang or current())
    if lang == DEFAULT or not currency:
        return f"{fmt_count(abs(float(v)), lang)} {currency}".strip()
    return format_currency(abs(float(v)), currency, format="¤#,##0", locale=locale(lang), currency_digits=False)


def fmt_date(v: dt.date, lang: str | None = None) -> str:
    """ISO ``2026-09-30`` in English (as the contracts write it), ``2026年9月30日`` in zh-CN."""
    from babel.dates import format_date

    lang = check_lang(lang or current())
    return v.isoformat() if lang == DEFAULT else format_date(v, format="long", locale=locale(lang))


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def fmt_date_text(v: str, lang: str | None = None) -> str:
    """:func:`fmt_date` of an ISO date string; other text unchanged."""
    if _ISO.match(v or ""):
        try:
            return fmt_date(dt.date.fromisoformat(v[:10]), lang)
        except ValueError:
            return v
    return v
