"""The output boundary: every value that reaches HTML, a notebook output, a log line or a message
passes here.

* :func:`redact_secrets` — passwords in URLs (``postgresql://u:***@host/db``, SQLAlchemy URLs
  included), tokens and keys in query strings, ``Bearer``/``Basic`` credentials, ``password=``
  pairs in connection strings.
* :func:`redact_data` / :func:`redact_notebook` — the same for JSON outputs (``manifest.json``,
  ``training.json`` …: :func:`workbench.files.write_json_atomic` applies it) and executed notebooks.
* :func:`safe_message` — a message or log line: secrets redacted, then every personal value the
  PII detectors find masked (``workbench.masking.mask_text``), on one line.
* :func:`safe_html` — the same, with markup escaped, for text placed into HTML.
* :func:`value_shape` — what an unexpected raw cell looks like without showing it (``aaaa 99``).
* :func:`safe_frame` — a table for display: every cell through :func:`safe_html`-grade
  treatment of its text (secrets redacted, personal data masked); escaping is left to the
  renderer that writes HTML, which must escape (pandas ``to_html(escape=True)``, Styler ``escape="html"``).

``workbench.masking`` re-exports these names, so callers import one module for output safety.
"""
from __future__ import annotations

import html
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


def safe_message(text: Any, limit: int | None = None) -> str:
    """A message or log line fit to show: one line, secrets redacted, personal data masked."""
    from .masking import mask_text  # local: masking re-exports this module

    s = " ".join(redact_secrets(text).split())
    s = mask_text(s)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def safe_html(text: Any) -> str:
    """Text to place into HTML: :func:`safe_message` treatment, then markup escaped."""
    from .masking import mask_text

    return html.escape(mask_text(redact_secrets(text)), quote=True)


def escape(text: Any) -> str:
    """Markup escaped (``<`` ``>`` ``&`` and quotes), nothing else changed."""
    return html.escape("" if text is None else str(text), quote=True)


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
    personal data masked; numbers, dates and booleans are left as they are."""
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
