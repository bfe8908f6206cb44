"""Law text of the breach results in the reader's language, at render time.

``simulation.json`` keeps its machine-readable fields (``to``, ``deadline``, ``trigger``,
``content``) in English: other tools read them. What a reader sees (notebook 03's tables, the
playbook) goes through :func:`row` / :func:`sentence`, which put them in :func:`i18n.current`:

- sentences the law engine builds are :class:`~.text.Phrase` values (a catalogue key and its
  parameters, :mod:`.text`): they are rendered from their key, never matched as English;
- text quoted from the law files comes from their ``*_zh`` fields (``content_zh``,
  ``us_state_content_zh``, ``elements_note_zh``, ``forbidden_content_zh``, ``content_note_zh``;
  validated on load);
- recipients, deadline wordings and bases the law files state are looked up in the catalogue's
  vocabulary (``recipient``, ``deadline_text``, ``basis``, ``lawword``...).

Anything else stays as it is (and the tests' untranslated-English checker reports English).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import i18n
from .text import Phrase

TERM_NAMESPACES = ("recipient", "deadline_text", "basis", "input", "scenario", "value")


@lru_cache(maxsize=None)
def _phrases(lang: str) -> list[tuple[re.Pattern, str]]:
    """``lawword.*``: short law phrases (element names, state names), longest first."""
    en, cat = i18n.catalogue("en"), i18n.catalogue(lang)
    keys = sorted((k for k in en if k.startswith("lawword.")), key=lambda k: -len(en[k]))
    def pat(text: str) -> re.Pattern:   # whole words only (a phrase that starts or ends with one)
        return re.compile((r"(?<![A-Za-z0-9_-])" if text[:1].isalnum() else "") + re.escape(text)
                          + (r"(?![A-Za-z0-9_-])" if text[-1:].isalnum() else ""))
    return [(pat(en[k]), cat[k]) for k in keys]


def _known(laws) -> dict[str, str]:
    """English → Chinese of every text the law files quote (their ``*_zh`` fields)."""
    out: dict[str, str] = {}
    if laws is None:
        return out
    for o in laws.notifications:
        out.update(zip(o.content, o.content_zh))
    for code, items in laws.us_state_content.items():
        out.update(zip(items, laws.us_state_content_zh.get(code, [])))
    for r in (laws.states.states.values() if laws.states else []):
        out.update(zip(r.content or [], r.content_zh or []))
        out.update(zip(r.forbidden_content, r.forbidden_content_zh))
        if r.elements_note and r.elements_note_zh:
            out[r.elements_note] = r.elements_note_zh
        if r.content_note and r.content_note_zh:
            out[r.content_note] = r.content_note_zh
    return out


def _split(text: str) -> list[str]:
    """Clauses joined by "; " outside parentheses and quotes."""
    parts, depth, quote, cur = [], 0, False, ""
    i = 0
    while i < len(text):
        c = text[i]
        depth += c in "(（"
        depth -= c in ")）"
        quote ^= c == '"'
        if text.startswith("; ", i) and depth <= 0 and not quote:
            parts.append(cur)
            cur, i = "", i + 2
            continue
        cur += c
        i += 1
    return parts + [cur]


def _exact(v: str, lang: str, known: dict[str, str]) -> str | None:
    """``v`` as a whole: a text the law files quote, a vocabulary entry or a law phrase (None: none)."""
    if v in known:
        return known[v]
    for ns in TERM_NAMESPACES:
        key = f"{ns}.{v.strip().lower().replace(' ', '_')}"
        if i18n.has(key):
            return i18n.t(key, lang)
    for pat, zh in _phrases(lang):
        if pat.fullmatch(v):
            return zh
    return None


def lookup(v: str, laws=None, lang: str | None = None) -> str:
    """A value the law files state (a recipient, a deadline wording, a basis, a quoted notice
    item) in ``lang``: its ``*_zh`` text, its vocabulary entry, or the law phrases it contains."""
    return _lookup("" if v is None else str(v), i18n.check_lang(lang or i18n.current()), _known(laws))


def _lookup(v: str, lang: str, known: dict[str, str]) -> str:
    if lang == i18n.DEFAULT or not re.search(r"[A-Za-z]", v):
        return v
    whole = _exact(v, lang, known)
    if whole is not None:
        return whole
    parts = _split(v)
    if len(parts) > 1:
        return i18n.t("lawtext_sep", lang).join(_lookup(c, lang, known) for c in parts)
    out = v
    for pat, zh in _phrases(lang):
        out = pat.sub(zh, out)
    return out


def sentence(text: Any, laws=None, lang: str | None = None, known: dict[str, str] | None = None) -> str:
    """``text`` (a trigger, a reason, a notice item) in ``lang`` (default: the run's language):
    a :class:`~.text.Phrase` from its catalogue key, a law-file value by :func:`lookup`."""
    lang = i18n.check_lang(lang or i18n.current())
    if isinstance(text, Phrase):
        return text.render(lang)
    return _lookup("" if text is None else str(text), lang, _known(laws) if known is None else known)


def row(r: dict, laws=None, lang: str | None = None) -> dict:
    """A display copy of an obligation row with ``to``, ``deadline``, ``trigger``, ``content`` (and
    a state row's ``content_note`` and ``good_practice``) in ``lang``; the row itself
    (simulation.json) is left as it is."""
    lang = i18n.check_lang(lang or i18n.current())
    if lang == i18n.DEFAULT:
        return r
    known = _known(laws)
    out = dict(r)
    for k in ("to", "deadline", "trigger"):
        if isinstance(r.get(k), str):
            out[k] = sentence(r[k], None, lang, known)
    if isinstance(r.get("basis"), Phrase):
        out["basis"] = r["basis"].render(lang)
    elif isinstance(r.get("basis"), str):
        out["basis"] = i18n.term("basis", r["basis"], lang)
    out["content"] = [sentence(x, None, lang, known) for x in r.get("content", [])]
    if r.get("good_practice"):
        out["good_practice"] = [sentence(x, None, lang, known) for x in r["good_practice"]]
    if isinstance(r.get("content_note"), str):
        out["content_note"] = sentence(r["content_note"], None, lang, known)
    return out


def what_if_cell(column: str, w: dict, lang: str | None = None) -> Any:
    """A cell of the what-if table: the control's description and the reasons in ``lang``."""
    v = w.get(column, "")
    if i18n.check_lang(lang or i18n.current()) == i18n.DEFAULT:
        return v
    if column == "description" and i18n.has(f"control.{w.get('control')}"):
        return i18n.t(f"control.{w.get('control')}", lang)
    if column == "reason":
        return sentence(v, None, lang)   # a Phrase (whatif.rank); other text as it is
    return v
