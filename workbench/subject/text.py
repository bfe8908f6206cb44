"""The texts of subject-request outputs (the ``subject`` section of the project's message catalogue,
English and Chinese) and the HTML page frame: escaped title, a Content-Security-Policy that allows no script at all, inline styles only."""
from __future__ import annotations

LANGS = ("en", "zh")
_STYLE = ("body{font-family:'Noto Sans CJK SC','Noto Sans',Arial,sans-serif;max-width:52em;margin:2em auto;"
          "padding:0 1em;color:#222;line-height:1.5}table{border-collapse:collapse;width:100%}"
          "td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}"
          ".notice{background:#fff4d6;border-left:4px solid #e0a800;padding:.5em 1em}")


def messages(lang: str) -> dict[str, str]:
    """The ``subject.*`` texts of the project's message catalogue (``assessments/i18n/<lang>.yaml``,
    validated there: same keys and placeholders in every language) in ``lang``."""
    from .. import i18n

    cat = i18n.catalogue(lang)
    return {k[len("subject."):]: v for k, v in cat.items() if k.startswith("subject.")}


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
    from ..i18n import HTML_LANG

    return seal_html("<!DOCTYPE html>\n"
                     f"<html lang=\"{HTML_LANG.get(lang, 'en')}\"><head><meta charset=\"utf-8\">"
                     f"<meta name=\"referrer\" content=\"no-referrer\"><title>{escape(title)}</title>"
                     f"<style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")
