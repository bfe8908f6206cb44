"""The output boundary: every value that reaches HTML, Markdown, a notebook output, a widget, a
log line, the terminal or a message passes here. It is the bottom layer of the package: it
imports nothing from ``workbench`` (a test parses the imports), so every module may use it.

* :func:`redact_secrets` — passwords in URLs (``postgresql://u:***@host/db``, SQLAlchemy URLs
  included), tokens and keys in query strings, ``Bearer``/``Basic`` credentials, ``password=``
  pairs in connection strings. :func:`redact_data` / :func:`redact_notebook` apply it to JSON
  outputs and executed notebooks.
* The masking rules for the categories the PII detectors find (``mask_email`` … ``mask_generic``)
  and :func:`mask_text`, which masks every value the detectors find in free text. The detectors
  live higher up (:mod:`workbench.pii`): the package root hands them in with :func:`set_finder`,
  and masking refuses to run without them rather than let a value through.
* :func:`strip_control` — control characters (ESC sequences, C1, bidi overrides) removed.
* :func:`safe_message` — one line, control characters stripped, secrets redacted, personal data
  masked: for messages, log lines and the terminal.
* :func:`safe_html` (text in HTML), :func:`md` (text in Markdown), :func:`md_code` (a Markdown
  code span): the same, with markup escaped for that context.
* :func:`seal_html` — a whole HTML page gets a strict Content-Security-Policy ``<meta>``: only
  the inline scripts the writer names (by their SHA-256) may run, nothing may be fetched.
* :func:`value_shape` — what an unexpected raw cell looks like without showing it (``aaaa 99``).
* :func:`safe_frame` — a table for display with every text cell through :func:`safe_message`.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import re
from collections.abc import Callable, Iterable
from typing import Any

# the one redaction implementation (parsing URLs, query parameters by name): workbench.redaction
from .redaction import REDACTED, redact_secrets, redact_url_passwords  # noqa: E402,F401


def redact_data(obj: Any) -> Any:
    """``obj`` (JSON-like: dicts, lists, strings, numbers) with :func:`redact_secrets` applied to
    every string, keys included; other values are returned unchanged."""
    if isinstance(obj, str):
        return redact_secrets(obj)
    if isinstance(obj, dict):
        return {(redact_secrets(k) if isinstance(k, str) else k): redact_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [redact_data(v) for v in obj]
    return obj


def _redact_urls(text: str) -> str:
    # URL-shaped secrets only: the pair and header rules would corrupt embedded JavaScript
    # (minified plotly.js contains ``token:`` and ``;key=``)
    return redact_url_passwords(text)


def redact_notebook(path: Any) -> bool:
    """Rewrite an executed notebook with secrets redacted from cell sources (papermill's injected
    parameters cell included), its metadata (``papermill.parameters``) and its text outputs;
    HTML and Markdown outputs lose passwords in URLs; scripts and images are left alone.
    Returns whether anything changed."""
    import json
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(nb, sort_keys=True)
    nb["metadata"] = redact_data(nb.get("metadata", {}))
    for cell in nb.get("cells", []):
        cell["source"] = redact_data(cell.get("source", ""))
        cell["metadata"] = redact_data(cell.get("metadata", {}))
        for out in cell.get("outputs", []) or []:
            if "text" in out:  # stream
                out["text"] = redact_data(out["text"])
            if "evalue" in out:  # error
                out["evalue"] = redact_secrets(out["evalue"])
                out["traceback"] = redact_data(out.get("traceback", []))
            data = out.get("data") or {}
            for mime in list(data):
                if mime == "text/plain":
                    data[mime] = redact_data(data[mime])
                elif mime in ("text/html", "text/markdown", "text/latex"):
                    v = data[mime]
                    data[mime] = [_redact_urls(x) for x in v] if isinstance(v, list) else _redact_urls(v)
    if json.dumps(nb, sort_keys=True) == text:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(nb, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    os.chmod(tmp, output_mode())
    os.replace(tmp, path)
    return True


# ---------------------------------------------------------------- masking rules
_DIGITS = re.compile(r"\d")
SHORT = 4  # a value this short is masked entirely: keeping two of four characters reveals too much


def mask_generic(v: str) -> str:
    v = str(v)
    if len(v) <= SHORT:
        return "*" * len(v)
    return v[0] + "*" * (len(v) - 2) + v[-1]


def mask_email(v: str) -> str:
    local, _, domain = v.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_generic(v)


def mask_phone(v: str) -> str:
    # At most the last four digits survive: a prefix plus a suffix (55*0132) would leave a
    # seven-digit number guessable in ten tries.
    raw = v.strip()
    digits = re.sub(r"\D", "", raw)
    intl = raw.startswith(("+", "00"))
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{'+' if intl else ''}{'*' * (len(digits) - 4)}{digits[-4:]}"


def mask_card(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    return "**** **** **** " + digits[-4:] if len(digits) >= 12 else "*" * len(digits)


def mask_national_id(v: str) -> str:
    s = re.sub(r"[\s-]", "", v)
    if len(s) == 18:  # China resident id: 4201**********1234
        return s[:4] + "*" * 10 + s[-4:]
    if len(s) <= 8:  # the last four of a short id are most of it
        return "*" * len(s)
    return "*" * (len(s) - 4) + s[-4:]


def mask_iban(v: str) -> str:
    s = re.sub(r"\s", "", v)
    return s[:2] + "*" * (len(s) - 6) + s[-4:] if len(s) > 8 else "*" * len(s)


def mask_name(v: str) -> str:
    parts = v.split()
    if len(parts) == 1 and re.search(r"[\u3400-\u9fff]", v):  # 王小明 → 王**
        return v[:1] + "*" * (len(v) - 1)
    return " ".join(p[:1] + "*" * (len(p) - 1) for p in parts)


def mask_ip(v: str) -> str:
    if "." in v:
        a = v.split(".")
        return ".".join(a[:2] + ["*"] * (len(a) - 2))
    return v.split(":")[0] + ":****"


def mask_date(v: str) -> str:
    # Birth dates identify people: keep the shape, drop every digit.
    return _DIGITS.sub("*", str(v))


def mask_address(v: str) -> str:
    """Keep the first character and the punctuation; hide every letter, digit and CJK character."""
    v = str(v)
    return v[:1] + re.sub(r"[0-9A-Za-z\u00c0-\u024f\u3400-\u9fff]", "*", v[1:])


RULES: dict[str, Callable[[str], str]] = {
    "email": mask_email, "phone": mask_phone, "card_number": mask_card, "national_id": mask_national_id,
    "iban": mask_iban, "person_name": mask_name, "ip_address": mask_ip, "birth_date": mask_date,
    "address": mask_address,
}
# text -> matches with .start, .end, .category (workbench.pii.find); set by the package root
_finder: Callable[[str], Iterable[Any]] | None = None


def set_finder(finder: Callable[[str], Iterable[Any]]) -> None:
    """Hand the boundary the PII detectors (``workbench/__init__.py`` does, on import)."""
    global _finder
    _finder = finder
    _mask_short.cache_clear()


def mask_text(text: Any) -> str:
    """Free text with every personal value the detectors find replaced by its mask."""
    if not text:
        return "" if text is None else str(text)
    if _finder is None:  # fail closed: never let text through unmasked
        raise RuntimeError("workbench.boundary: no PII finder set (import workbench first)")
    text = str(text)
    # labels repeat (jurisdictions, legal bases, column names): short texts are masked once
    return _mask_short(text) if len(text) <= 256 else _mask_found(text)


def _mask_found(text: str) -> str:
    assert _finder is not None
    parts, last = [], 0
    for m in _finder(text):
        parts.append(text[last:m.start])
        parts.append(RULES.get(m.category, mask_generic)(text[m.start:m.end]))
        last = m.end
    parts.append(text[last:])
    return "".join(parts)


_mask_short = functools.lru_cache(maxsize=4096)(_mask_found)


# ---------------------------------------------------------------- text for each context
# C0 controls except tab/newline, DEL, C1 controls (CSI included), bidi embeddings/overrides/isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def strip_control(text: Any) -> str:
    """``text`` without terminal escape sequences and control characters (tab and newline kept)."""
    s = "" if text is None else str(text)
    return _CONTROL.sub("", _ANSI.sub("", s))


def has_control(text: Any) -> bool:
    """Whether ``text`` holds a character :func:`strip_control` would remove (or a newline)."""
    s = "" if text is None else str(text)
    return bool(_CONTROL.search(s)) or "\n" in s or "\r" in s


def safe_message(text: Any, limit: int | None = None) -> str:
    """A message, log line or terminal line fit to show: one line, no control characters,
    secrets redacted, personal data masked."""
    s = " ".join(strip_control(redact_secrets(text)).split())
    s = mask_text(s)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def escape(text: Any) -> str:
    """Markup escaped (``<`` ``>`` ``&`` and quotes), nothing else changed."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_html(text: Any) -> str:
    """Text to place into HTML (element content or a quoted attribute): control characters
    stripped, secrets redacted, personal data masked, markup escaped."""
    return html.escape(mask_text(strip_control(redact_secrets(text))), quote=True)


# emphasis, code, links/images, table columns, strikethrough: escaped anywhere; list, heading and
# setext markers only where they act, at the start (the value is one line)
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]|~])")
_MD_START = re.compile(r"^(\d+)([.)])|^([#+\-=])")


def md(text: Any) -> str:
    """Text to place into Markdown (prose, a heading, a table cell): :func:`safe_message`, the
    Markdown punctuation that could act backslash-escaped, HTML markup escaped — it renders as the
    text itself and can open no element, link, list, heading or table column."""
    s = _MD_ANYWHERE.sub(r"\\\1", safe_message(text))
    s = _MD_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", s)
    return html.escape(s, quote=False)


def md_code(text: Any) -> str:
    """A Markdown code span holding :func:`safe_message` text (a fence no backtick in it can close);
    text with markup characters is given as :func:`md` text instead, so that not even the
    Markdown source holds a tag."""
    s = safe_message(text)
    if re.search(r"[<>&]", s):
        return md(s)
    fence = "`" * (max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def md_fence(text: Any, lang: str = "") -> str:
    """A fenced Markdown code block holding ``text`` (line breaks kept, control characters
    stripped, secrets redacted): the fence is longer than any backtick run inside, so the text
    cannot close it; inside a fence a renderer shows markup as text."""
    s = strip_control(redact_secrets(text)).replace("\r", "")
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    return f"{fence}{re.sub(r'[^A-Za-z0-9_+-]', '', lang)}\n{s.rstrip(chr(10))}\n{fence}\n"


# ---------------------------------------------------------------- whole HTML pages
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)


def inline_scripts(fragment: str) -> list[str]:
    """The bodies of the inline ``<script>`` elements of ``fragment`` (those with no ``src``)."""
    return [body for attrs, body in _SCRIPT.findall(fragment) if not re.search(r"\bsrc\s*=", attrs, re.I)]


def script_hash(body: str) -> str:
    """The CSP source expression allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def csp(scripts: Iterable[str] = (), script_files: bool = False) -> str:
    """The policy: nothing fetched from anywhere, no plugins, no forms, no ``<base>``; images and
    fonts only inline (``data:``); styles inline; scripts only the inline ones given (by hash),
    and with ``script_files`` the page's own script files (``'self'``, e.g. a SCORM package)."""
    allowed = sorted({script_hash(s) for s in scripts}) + (["'self'"] if script_files else [])
    return ("default-src 'none'; script-src " + (" ".join(allowed) if allowed else "'none'")
            + "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
              "object-src 'none'; base-uri 'none'; form-action 'none'")


def seal_html(page: str, scripts: Iterable[str] = (), script_files: bool = False) -> str:
    """``page`` with the :func:`csp` ``<meta>`` as the first element of its ``<head>``: only the
    inline ``scripts`` named here (the writer's own) may run; a script or event handler that
    reached the page any other way does not."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp(scripts, script_files)}">'
    m = re.search(r"<head\b[^>]*>", page, re.I)
    if m is None:
        raise ValueError("seal_html: the page has no <head>")
    return page[: m.end()] + meta + page[m.end():]


# ---------------------------------------------------------------- shapes, tables, files
def value_shape(value: Any, limit: int = 24) -> str:
    """The shape of a raw value without its content: letters → ``a``, digits → ``9``, CJK → ``字``,
    common punctuation kept, anything else (markup included) → ``?``; cut at ``limit``."""
    s = "" if value is None else str(value)
    out = []
    for ch in s[:limit]:
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append("字" if "\u3400" <= ch <= "\u9fff" else "a")
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(ch if ch in "-_.,:;/@+()#'&*" else "?")
    return "".join(out) + ("…" if len(s) > limit else "")


def safe_frame(df: Any) -> Any:
    """A copy of a DataFrame whose text cells (and column names) have secrets redacted and
    personal data masked; numbers, dates and booleans are left as they are. Escaping is left to
    the renderer that writes HTML (pandas ``to_html(escape=True)``, Styler ``escape="html"``)."""
    import pandas as pd

    out = df.copy()
    out.columns = [safe_message(c) if isinstance(c, str) else c for c in out.columns]
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col):
            out[c] = col.map(lambda v: safe_message(v) if isinstance(v, str) else v)
    return out


def output_mode(directory: bool = False) -> int:
    """The mode a new output file (or folder) gets under the user's umask."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask
