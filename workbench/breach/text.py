"""Law sentences as catalogue keys with parameters: one text per sentence, in the catalogue.

The law engine (:mod:`.law`, :mod:`.states`, :mod:`.whatif`, :mod:`.simulate`) builds every
sentence it writes (a trigger, an exemption, a what-if reason, a recipient it words itself) as a
:class:`Text`: a catalogue key (``lawtext.*``, ``reason.*``, ``lawword.*``) and its parameters.
A :class:`Phrase` *is* its English text (a ``str``), so ``simulation.json`` and every tool reading
it see the English as before; :meth:`Phrase.render` gives the reader's language from the same key
at display time (notebook 03's tables, the playbook). Parameters are plain text (numbers as
formatted, ids, names) or phrases themselves: a nested clause (:class:`Text`), clauses joined
(:class:`Joined`), a text quoted from the law files with its ``*_zh`` translation
(:class:`Quote`) or a law-file term looked up in the vocabulary (:class:`Term`).

Render before tabulating: a pandas DataFrame stores the text only (pandas 3's string columns turn
a phrase into a plain ``str``), so display code renders the rows first (:func:`.localize.row`).
"""
from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Any, Iterable

from .. import i18n
from ..errors import ContentError


def render(value: Any, lang: str | None = None) -> str:
    """``value`` in ``lang`` (default: the run's language): a phrase from its key, other text as it is."""
    if isinstance(value, Phrase) and (lang or i18n.current()) != i18n.DEFAULT:
        return value.render(lang)
    return "" if value is None else str(value)   # a phrase is its English text


class Phrase(str):
    """English text that knows how to say itself in another language (see :meth:`render`)."""

    def render(self, lang: str | None = None) -> str:  # pragma: no cover - every subclass overrides
        return str(self)


class Text(Phrase):
    """The catalogue message ``key`` formatted with ``params`` (each plain text or a phrase)."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> "Text":
        # a phrase parameter *is* its English text: the English template formats it as it is
        template = i18n.catalogue(i18n.DEFAULT).get(key)
        if template is None:
            i18n.t(key, i18n.DEFAULT)   # raises ContentError naming the key
        self = super().__new__(cls, template.format(**params) if params else template)
        self.key, self.params = key, params
        return self

    def render(self, lang: str | None = None) -> str:
        lang = lang or i18n.current()
        if lang == i18n.DEFAULT:
            return str(self)
        return i18n.t(self.key, lang, **{k: render(v, lang) for k, v in self.params.items()})

    def __reduce__(self):
        return (_text, (self.key, self.params))


def _text(key: str, params: dict[str, Any]) -> Text:
    return Text(key, **params)


class Joined(Phrase):
    """``parts`` joined by ``sep`` (plain text, or a phrase such as ``lawtext_sep``: "; ", "；")."""

    parts: tuple
    sep: Any

    def __new__(cls, parts: Iterable[Any], sep: Any = None) -> "Joined":
        parts = tuple(parts)
        sep = _sep() if sep is None else sep
        self = super().__new__(cls, str(sep).join(map(str, parts)))
        self.parts, self.sep = parts, sep
        return self

    def render(self, lang: str | None = None) -> str:
        lang = lang or i18n.current()
        if lang == i18n.DEFAULT:
            return str(self)
        return render(self.sep, lang).join(render(p, lang) for p in self.parts)

    def __reduce__(self):
        return (Joined, (self.parts, self.sep))


@lru_cache(maxsize=1)
def _sep() -> Text:
    """``lawtext_sep``: the separator of clauses ("; " in English, "；" in Chinese)."""
    return Text("lawtext_sep")


class Quote(Phrase):
    """A text quoted from the law files with its translations (``{"zh": ...}``, the ``*_zh`` field)."""

    translations: dict[str, str]

    def __new__(cls, text: str, translations: dict[str, str] | None = None) -> "Quote":
        self = super().__new__(cls, text)
        self.translations = {k: v for k, v in (translations or {}).items() if v}
        return self

    def render(self, lang: str | None = None) -> str:
        return self.translations.get(lang or i18n.current(), str(self))

    def __reduce__(self):
        return (Quote, (str(self), self.translations))


class Term(Phrase):
    """A value as the data states it (English): a law-file basis, statute or deadline wording,
    looked up in the vocabulary of :func:`workbench.breach.localize.lookup` (``recipient.*``,
    ``deadline_text.*``, ``lawword.*``...), or an id in one ``namespace`` (``input.mfa_coverage``)."""

    namespace: str | None

    def __new__(cls, value: str, namespace: str | None = None) -> "Term":
        self = super().__new__(cls, value)
        self.namespace = namespace
        return self

    def render(self, lang: str | None = None) -> str:
        if (lang or i18n.current()) == i18n.DEFAULT:
            return str(self)
        if self.namespace:
            return i18n.term(self.namespace, str(self), lang)
        from .localize import lookup

        return lookup(str(self), None, lang)

    def __reduce__(self):
        return (Term, (str(self), self.namespace))


def word(key: str, fallback: str) -> Phrase | str:
    """The catalogue word ``key`` as a phrase, or ``fallback`` unchanged when the catalogue has none."""
    return Text(key) if i18n.has(key) else fallback


@lru_cache(maxsize=None)
def state_word(name: str) -> Phrase | str:
    """A US state's name (``lawword.state_texas``; California and New York: ``lawword.california``)."""
    slug = str(name).strip().lower().replace(" ", "_")
    return word(f"lawword.state_{slug}", "") or word(f"lawword.{slug}", name)


def keyed(value: Any) -> bool:
    """Whether ``value`` was built from catalogue keys all the way down (a test helper: a
    :class:`Text` or :class:`Joined` whose parts are keyed or plain, never an English sentence
    formatted in code)."""
    return isinstance(value, (Text, Joined, Quote, Term))



@lru_cache(maxsize=None)
def _patterns(prefix: str) -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern of the English template, key) of the catalogue keys under ``prefix``, the most
    literal first (a specific message before a generic one)."""
    en = i18n.catalogue(i18n.DEFAULT)
    out = []
    for key in (k for k in en if k.startswith(prefix)):
        parts, seen = ["^"], set()
        for literal, field, _, _ in string.Formatter().parse(en[key]):
            parts.append(re.escape(literal))
            if field:
                parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
                seen.add(field)
        out.append((re.compile("".join(parts) + "$", re.S), key, len(re.sub(r"\{\w+\}", "", en[key]))))
    return tuple((p, k) for p, k, _ in sorted(out, key=lambda x: (-x[2], x[1])))


def parse(english: str, prefix: str) -> Text | None:
    """The :class:`Text` (key under ``prefix``, plain-text parameters) whose English is
    ``english``, or None. Only for sentences read back from a file that stores the English alone
    (``simulation.json`` of a finished run); the law engine itself always builds a Text."""
    for pattern, key in _patterns(prefix):
        m = pattern.match(str(english))
        if m:
            return Text(key, **m.groupdict())
    return None


# Phrases in files: simulation.json stores each sentence's English (the DESIGN contract) and,
# beside it in ``i18n``, the keys it was built from, so a reader (the quarterly report) renders
# it in its own language from the catalogue instead of parsing the English back.
def encode(value: Any) -> Any:
    """A phrase as plain JSON data (key and parameters, all the way down); other text as it is."""
    if isinstance(value, Text):
        return {"key": value.key, "params": {k: encode(v) for k, v in value.params.items()}}
    if isinstance(value, Joined):
        return {"join": [encode(p) for p in value.parts], "sep": encode(value.sep)}
    if isinstance(value, Quote):
        return {"quote": str(value), "translations": dict(value.translations)}
    if isinstance(value, Term):
        return {"term": str(value), "namespace": value.namespace}
    return "" if value is None else str(value)


class Word(Term):
    """An id shown as its vocabulary word in every language, English included (``mfa_coverage`` →
    "MFA coverage"): a :class:`Term` of a file read back for display, not for a machine."""

    value: str

    def __new__(cls, value: str, namespace: str) -> "Word":
        self = Phrase.__new__(cls, i18n.term(namespace, value, i18n.DEFAULT))
        self.value, self.namespace = value, namespace
        return self

    def render(self, lang: str | None = None) -> str:
        return i18n.term(str(self.namespace), self.value, lang)

    def __reduce__(self):
        return (Word, (self.value, self.namespace))


def decode(data: Any, display: bool = False) -> Phrase | str:
    """The phrase :func:`encode` wrote (plain text stays text); ``display``: ids in a namespace read
    as their words (:class:`Word`) in English too. Raises ContentError on a key the catalogue
    lacks, KeyError/TypeError on data that is not an encoded phrase."""
    if not isinstance(data, dict):
        return "" if data is None else str(data)
    if "key" in data:
        return Text(str(data["key"]), **{str(k): decode(v, display) for k, v in dict(data.get("params") or {}).items()})
    if "join" in data:
        return Joined([decode(p, display) for p in data["join"]], decode(data.get("sep"), display))
    if "quote" in data:
        return Quote(str(data["quote"]), {str(k): str(v) for k, v in dict(data.get("translations") or {}).items()})
    if "term" in data:
        ns = data.get("namespace")
        return Word(str(data["term"]), ns) if display and ns else Term(str(data["term"]), ns)
    raise KeyError("not an encoded phrase")


def with_keys(row: dict) -> dict:
    """``row`` plus ``i18n``: the encoded phrase of each of its phrase fields (none: the row as it is).
    Nested dicts of phrases (a what-if row's ``no_saving``) are encoded field by field."""
    keys: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, Phrase) and keyed(v):
            keys[k] = encode(v)
        elif isinstance(v, dict) and any(isinstance(x, Phrase) and keyed(x) for x in v.values()):
            keys[k] = {kk: encode(x) for kk, x in v.items()}
    return {**row, "i18n": keys} if keys else row


def said(row: dict, field: str, lang: str | None = None, display: bool = True) -> str | None:
    """``row[field]`` in ``lang`` from the keys stored beside it (:func:`with_keys`), ids shown as
    words unless ``display`` is False, or None when the row has none or they no longer match the catalogue (an older run's file)."""
    data = (row.get("i18n") or {}).get(field)
    return None if data is None else said_text(data, lang, display)


def said_text(data: Any, lang: str | None = None, display: bool = True) -> str | None:
    """An encoded phrase (:func:`encode`) in ``lang`` (for ``display``: see :func:`decode`), or None
    when it no longer matches the catalogue."""
    try:
        phrase = decode(data, display)
        return str(phrase) if (lang or i18n.current()) == i18n.DEFAULT else render(phrase, lang)
    except (ContentError, KeyError, TypeError, ValueError, IndexError):
        return None   # an older or hand-edited file: the caller falls back to the English
