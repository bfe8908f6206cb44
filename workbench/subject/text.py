"""The texts of subject-request outputs (``messages.yaml``, English and Chinese) and the HTML page
frame: escaped title, a Content-Security-Policy that allows no script at all, inline styles only."""
from __future__ import annotations

import functools
from pathlib import Path

from ..errors import ContentError, InputError
from ..files import load_yaml_mapping

LANGS = ("en", "zh")
MESSAGES = Path(__file__).with_name("messages.yaml")
_STYLE = ("body{font-family:'Noto Sans CJK SC','Noto Sans',Arial,sans-serif;max-width:52em;margin:2em auto;"
          "padding:0 1em;color:#222;line-height:1.5}table{border-collapse:collapse;width:100%}"
          "td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}"
          ".notice{background:#fff4d6;border-left:4px solid #e0a800;padding:.5em 1em}")


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, str]]:
    raw = load_yaml_mapping(MESSAGES, "subject messages")
    if set(raw) != set(LANGS):
        raise ContentError(f"{MESSAGES}: languages {sorted(raw)}; expected {list(LANGS)}", "one mapping per language")
    keys = set(raw["en"])
    for lang in LANGS:
        if not isinstance(raw[lang], dict) or set(raw[lang]) != keys:
            missing = sorted(keys ^ set(raw[lang] or {}))
            raise ContentError(f"{MESSAGES}: '{lang}' differs from 'en' in keys {missing}", "give every text in both languages")
        bad = [k for k, v in raw[lang].items() if not isinstance(v, str) or not v.strip()]
        if bad:
            raise ContentError(f"{MESSAGES}: key '{lang}.{bad[0]}' is not a text", "write the text in quotes")
    return {lang: dict(raw[lang]) for lang in LANGS}


def messages(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise InputError(f"language '{lang}' is not available", f"use one of: {', '.join(LANGS)}")
    return _catalogue()[lang]


def localised(value: str | dict[str, str], lang: str) -> str:
    """A ``processing:`` entry in ``lang``: a plain text as it is; a mapping's ``lang`` text, else
    its English, else its first."""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


def html_page(title: str, lang: str, body: str) -> str:
    """A self-contained page; ``body`` must already be escaped, ``title`` is escaped here. Sealed by
    the output boundary with a Content-Security-Policy that lets no script run (none is named)."""
    from ..boundary import escape, seal_html

    return seal_html("<!DOCTYPE html>\n"
                     f"<html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">"
                     f"<meta name=\"referrer\" content=\"no-referrer\"><title>{escape(title)}</title>"
                     f"<style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")
