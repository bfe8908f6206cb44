"""Law text of the breach results in the reader's language, at render time.

``simulation.json`` keeps its machine-readable fields (``to``, ``deadline``, ``trigger``,
``content``) in English: other tools read them. What a reader sees (notebook 03's tables, the
playbook) goes through :func:`row` / :func:`sentence`, which put them in :func:`i18n.current`:

- text quoted from the law files comes from their ``*_zh`` fields (``content_zh``,
  ``us_state_content_zh``, ``elements_note_zh``, ``forbidden_content_zh``, ``content_note_zh``;
  validated on load);
- recipients and deadline wordings from the catalogue's ``recipient`` / ``deadline_text``;
- sentences built in code (:mod:`.law`, :mod:`.states`, :mod:`.whatif`) are matched clause by
  clause against the catalogue's English templates (``lawtext.*``, ``reason.*``) and rewritten with
  the same placeholders in the target language; each value is translated in turn (a nested
  clause, a vocabulary word, a law phrase), numbers and ids stay as they are.

Anything not matched stays English (and the tests' untranslated-English checker reports it).
"""
from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Any

from .. import i18n

TEMPLATE_NAMESPACES = ("lawtext", "reason")
TERM_NAMESPACES = ("recipient", "deadline_text", "basis", "input", "scenario", "value")


def _pattern(template: str) -> re.Pattern:
    out, seen = ["^"], set()
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if field:
            out.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
            seen.add(field)
    return re.compile("".join(out) + "$", re.S)


@lru_cache(maxsize=None)
def _templates(lang: str) -> list[tuple[re.Pattern, str, str]]:
    """(English pattern, key, target template), the most literal text first (specific before generic)."""
    en, cat = i18n.catalogue("en"), i18n.catalogue(lang)
    keys = [k for k in en if k.split(".")[0] in TEMPLATE_NAMESPACES]
    lit = {k: len(re.sub(r"\{\w+\}", "", en[k])) for k in keys}
    return [(_pattern(en[k]), k, cat[k]) for k in sorted(keys, key=lambda k: (-lit[k], k))]


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


def _value(v: str, lang: str, known: dict[str, str], depth: int) -> str:
    if not re.search(r"[A-Za-z]", v):
        return v
    got = _exact(v, lang, known)
    if got is None and depth < 4:
        got = _clause(v, lang, known, depth + 1)
    if got is not None:
        return got
    out = v
    for pat, zh in _phrases(lang):
        out = pat.sub(zh, out)
    return out


def _clause(c: str, lang: str, known: dict[str, str], depth: int) -> str | None:
    if c in known:
        return known[c]
    for pat, _, target in _templates(lang):
        m = pat.match(c)
        if m:
            vals = {k: _value(v, lang, known, depth) for k, v in m.groupdict().items()}
            return target.format(**vals)
    return None


def sentence(text: Any, laws=None, lang: str | None = None) -> str:
    """``text`` (a trigger, a reason, a notice item) in ``lang`` (default: the run's language)."""
    lang = i18n.check_lang(lang or i18n.current())
    text = "" if text is None else str(text)
    if lang == i18n.DEFAULT or not text:
        return text
    known = _known(laws)
    whole = _exact(text, lang, known)   # a quoted text or vocabulary entry as a whole
    if whole is not None:
        return whole
    sep = i18n.t("lawtext_sep", lang)
    return sep.join(_value(c, lang, known, 0) for c in _split(text))


def row(r: dict, laws=None, lang: str | None = None) -> dict:
    """A display copy of an obligation row with ``to``, ``deadline``, ``trigger``, ``content`` (and
    a state row's ``content_note`` and ``good_practice``) in ``lang``; the row itself
    (simulation.json) is left as it is."""
    lang = i18n.check_lang(lang or i18n.current())
    if lang == i18n.DEFAULT:
        return r
    out = dict(r)
    for k in ("to", "deadline", "trigger"):
        if isinstance(r.get(k), str):
            out[k] = sentence(r[k], laws, lang)
    if isinstance(r.get("basis"), str):
        out["basis"] = i18n.term("basis", r["basis"], lang)
    out["content"] = [sentence(x, laws, lang) for x in r.get("content", [])]
    if r.get("good_practice"):
        out["good_practice"] = [sentence(x, laws, lang) for x in r["good_practice"]]
    if isinstance(r.get("content_note"), str):
        out["content_note"] = sentence(r["content_note"], laws, lang)
    return out


def what_if_cell(column: str, w: dict, lang: str | None = None) -> Any:
    """A cell of the what-if table: the control's description and the reasons in ``lang``."""
    v = w.get(column, "")
    if i18n.check_lang(lang or i18n.current()) == i18n.DEFAULT:
        return v
    if column == "description" and i18n.has(f"control.{w.get('control')}"):
        return i18n.t(f"control.{w.get('control')}", lang)
    if column == "reason":
        return sentence(v, None, lang)
    return v
