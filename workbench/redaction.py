"""Secrets out of text: the one implementation of password and token redaction.

Every message, JSON output, notebook and log line of the package loses its secrets here (through
:mod:`workbench.boundary`, the training store and the xAPI client). This module imports nothing else
of the package, so the bottom layer can use it.

* :func:`redact_url` — one connection URL, **parsed** (SQLAlchemy's ``make_url``, which takes a
  password up to the last ``@`` of the user info: ``/``, spaces and quotes included) and rendered with
  ``hide_password=True``; query parameters are redacted by name (``password``, ``sslpassword``,
  ``credentials_base64``, ``token`` …) and ``odbc_connect``'s embedded ``PWD=`` too. A string that does
  not parse falls back to :func:`redact_secrets`.
* :func:`redact_secrets` — free text that may contain URLs, ``key=value`` pairs and
  ``Bearer``/``Basic`` credentials; a text that is a URL as a whole is parsed as above.
* :func:`redact_url_passwords` — only the user-info password of URLs (for HTML and scripts, where the
  pair rules would corrupt JavaScript such as ``token:`` in minified code).
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus, unquote_plus

REDACTED = "***"
# query parameters and key=value pairs whose value is a secret (matched case-insensitively, whole name)
SECRET_NAMES = ("password", "passwd", "pwd", "pass", "sslpassword", "ssl_password", "sslkey_password", "passphrase",
                "private_key", "private_key_passphrase", "credentials_base64", "credentials", "access_token",
                "refresh_token", "id_token", "token", "auth_token", "api_key", "api-key", "apikey", "key", "secret",
                "client_secret", "account_key", "sas", "sas_token", "sig", "signature", "x-amz-signature",
                "x-amz-security-token", "auth")
# key=value / key: value in free text: only names that cannot mean anything but a secret ("key: id" is prose)
PAIR_NAMES = ("password", "passwd", "pwd", "sslpassword", "ssl_password", "sslkey_password", "passphrase",
              "private_key_passphrase", "secret", "client_secret", "token", "access_token", "refresh_token", "api_key",
              "api-key", "apikey", "credentials_base64", "account_key", "sas_token")
_NAMES = "|".join(re.escape(n) for n in sorted(SECRET_NAMES, key=len, reverse=True))
_PAIRS = "|".join(re.escape(n) for n in sorted(PAIR_NAMES, key=len, reverse=True))
_SCHEME = r"\b[A-Za-z][A-Za-z0-9+.\-]*://"
# scheme://user:PASSWORD@host — a password without whitespace runs to the '@' ('/', quotes included);
# one with spaces runs (lazily, on one line) to the first '@host' that ends like a host, unless what
# follows 'user:' is a port ('http://host:8080/x … bob@example.com' is a port, then prose)
_URL_PASSWORD = re.compile(
    rf"(?P<pre>{_SCHEME}[^\s:/@?#'\"]*:)(?P<pw>[^@\s]+|(?!\d{{1,5}}(?:[/\s?#]|$))(?:(?!://)[^@\n]){{1,200}}?)"
    r"(?=@[A-Za-z0-9_.\-\[\]%]+(?:[:/?#\s'\"\\,;)\]]|$))")
# scheme://token@host (a credential with no user part, e.g. https://ghp_xxx@github.com)
_URL_TOKEN = re.compile(r"(?P<pre>\b(?:https?|git|ssh)://)(?P<pw>[^\s:/@?#'\"]{8,})(?=@)")
_QUERY_SECRET = re.compile(rf"(?P<pre>[?&;](?:{_NAMES})=)(?P<pw>[^&\s#'\"]+)", re.IGNORECASE)
_ODBC = re.compile(r"(?P<pre>\bodbc_connect=)(?P<pw>[^&\s#'\"]+)", re.IGNORECASE)
# password=VALUE, pwd: VALUE, PWD%3DVALUE (URL-encoded), password='with spaces', PWD={odbc;braces}
_PAIR_SECRET = re.compile(
    rf"(?P<pre>(?<![A-Za-z0-9])(?:{_PAIRS})\s*(?:=|:|%3[Dd])\s*)"
    r"(?P<pw>\{[^}\n]*\}|%7[Bb].*?%7[Dd]|\"[^\"\n]*\"|'[^'\n]*'|(?:[^\s;,&'\"%]|%(?!3[Bb]|26)[0-9A-Fa-f]{2})+)",
    re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(?P<pre>\b(?:Bearer|Basic|Token)\s+)(?P<pw>[A-Za-z0-9._~+/=\-]{8,})")
_WHOLE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+]*://")
_SECRET_NAME = re.compile(rf"^(?:{_NAMES})$", re.IGNORECASE)


def _sub(rx: re.Pattern[str], text: str) -> str:
    return rx.sub(lambda m: m.group("pre") + REDACTED, text)


def _odbc(value: str) -> str:
    """An ``odbc_connect`` value (URL-encoded ODBC connection string) with its password redacted."""
    decoded = unquote_plus(value)
    redacted = _sub(_PAIR_SECRET, decoded)
    return value if redacted == decoded else quote_plus(redacted, safe="*")


def _query_value(name: str, value: str) -> str:
    if _SECRET_NAME.match(name):
        return REDACTED
    if name.lower() == "odbc_connect":  # already decoded by the parser: DRIVER=…;PWD=…;
        return _sub(_PAIR_SECRET, value)
    return value


def redact_url(url: Any) -> str:
    """One connection URL with its password and secret query parameters replaced by ``***``, by
    parsing it; user, host, port and database stay (they say which connection is meant). A URL
    without secrets is returned unchanged; a string that does not parse goes through
    :func:`redact_secrets`."""
    text = "" if url is None else str(url)
    if not _WHOLE_URL.match(text.strip()):
        return redact_secrets(text)
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(text.strip())
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy can read: the text rules still apply
        return _redact_text(text)
    query = {k: (tuple(_query_value(k, x) for x in v) if isinstance(v, tuple) else _query_value(k, v))
             for k, v in parsed.query.items()}
    password = parsed.password
    if password is not None and re.match(r"\d{1,5}(?:[/?#]|$)", password) and re.search(r"\s", password):
        password = None  # 'http://host:8080/x … bob@example.com': a port, then prose with an '@'
    if password is None and query == dict(parsed.query):
        return _redact_text(text)  # nothing the parser sees as secret; the text rules still run
    rendered = parsed.set(query=query).render_as_string(hide_password=True)
    return rendered.replace(quote_plus(REDACTED), REDACTED)


def _redact_text(text: str) -> str:
    s = _sub(_URL_PASSWORD, text)
    s = _sub(_URL_TOKEN, s)
    s = _ODBC.sub(lambda m: m.group("pre") + _odbc(m.group("pw")), s)
    for rx in (_QUERY_SECRET, _PAIR_SECRET, _AUTH_HEADER):
        s = _sub(rx, s)
    return s


def redact_secrets(text: Any) -> str:
    """``text`` with passwords and tokens replaced by ``***`` (user names and hosts are kept). A text
    that is one URL as a whole is parsed (:func:`redact_url`); URLs inside longer text, query
    parameters, ``key=value`` pairs and HTTP credentials are found by pattern."""
    if text is None:
        return ""
    s = str(text)
    if _WHOLE_URL.match(s.strip()) and "\n" not in s.strip():
        return redact_url(s)
    return _redact_text(s)


def redact_url_passwords(text: str) -> str:
    """Only the user-info passwords of URLs: safe for HTML and scripts (no pair or header rules)."""
    return _sub(_URL_PASSWORD, text)


def secret_name(name: str) -> bool:
    """True when a parameter or key called ``name`` holds a secret (``password``, ``token`` …)."""
    return bool(_SECRET_NAME.match(name.strip()))


__all__ = ["REDACTED", "SECRET_NAMES", "redact_secrets", "redact_url", "redact_url_passwords", "secret_name"]
