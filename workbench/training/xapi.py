"""xAPI (Experience API 1.0.3) statements for recorded attempts, to a file or an LRS.

One statement per attempt: the actor is an *account* (``homePage`` = the organisation's identity
provider or LMS, ``name`` = the roster's user id — never a name or e-mail), the verb is ADL
``passed``/``failed`` for an exam attempt and ``completed`` for practice, the object is the module's
activity IRI, and ``result`` carries ``score.scaled``, ``success``, ``completion`` and ``duration``.
Statement ids are UUIDv5 of the store's attempt, so exporting twice gives the same ids (an LRS then
recognises duplicates instead of counting them twice).
"""
from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

from ..errors import InputError, WorkbenchError, Said
from ..i18n import DEFAULT, LOCALES
from ..redaction import redact_url
from .content import list_modules, load_module

VERSION = "1.0.3"
DEFAULT_HOMEPAGE = "https://localhost/workbench"
VERB = {name: {"id": f"http://adlnet.gov/expapi/verbs/{name}", "display": {"en-US": name}}
        for name in ("passed", "failed", "completed")}
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
REQUIRED = ("id", "actor", "verb", "object", "result", "timestamp")


def activity_iri(homepage: str, module_id: str) -> str:
    return f"{homepage.rstrip('/')}/training/modules/{urllib.parse.quote(module_id)}"


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"PT{h}H{m}M{s}S" if h else f"PT{m}M{s}S"


def _iso(value: Any) -> str:
    ts = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.timezone.utc)  # the store keeps naive UTC
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any, default: str) -> str:
    return value if isinstance(value, str) and value else default  # NaN/None from older stores


def _language_tag(lang: str) -> str:
    """The BCP 47 tag of a run's language (``zh-CN``, ``en-US``; English for an unknown one)."""
    return LOCALES.get(lang, LOCALES[DEFAULT]).replace("_", "-")


def statement(row: Any, homepage: str = DEFAULT_HOMEPAGE) -> dict[str, Any]:
    """The xAPI statement of one attempt row (from :func:`workbench.training.attempts`)."""
    mode = _text(getattr(row, "mode", None), "exam")
    verb = "completed" if mode == "practice" else ("passed" if bool(row.passed) else "failed")
    known = set(list_modules())
    names = ({"en-US": load_module(row.module_id).title.en, "zh-CN": load_module(row.module_id).title.zh}
             if row.module_id in known else {"en-US": row.module_id})
    started, finished = row.started_at, row.finished_at
    key = f"{homepage}|{row.attempt_id}|{row.trainee_id}|{_iso(finished)}"
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
        "actor": {"objectType": "Agent", "account": {"homePage": homepage, "name": str(row.trainee_id)}},
        "verb": VERB[verb],
        "object": {"objectType": "Activity", "id": activity_iri(homepage, row.module_id),
                   "definition": {"type": ASSESSMENT, "name": names}},
        "result": {"score": {"scaled": round(float(row.score), 4), "raw": int(row.n_correct), "min": 0,
                             "max": int(row.n_questions)},
                   "success": bool(row.passed) if mode != "practice" else False,
                   "completion": True,
                   "duration": _duration((finished - started).total_seconds())},
        "context": {"platform": "workbench", "language": _language_tag(_text(row.lang, "en")),
                    "extensions": {f"{homepage.rstrip('/')}/xapi/mode": mode,
                                   f"{homepage.rstrip('/')}/xapi/module-version": str(row.module_version),
                                   f"{homepage.rstrip('/')}/xapi/identity": _text(getattr(row, "identity", None), "unknown")}},
        "timestamp": _iso(finished),
        "version": VERSION,
    }


def statements(store: str | None, homepage: str = DEFAULT_HOMEPAGE) -> list[dict[str, Any]]:
    """Every attempt in ``store`` as an xAPI statement, in attempt order."""
    from .store import attempts

    return [statement(r, homepage) for r in attempts(store).itertuples()]


def problems(stmt: dict[str, Any]) -> list[str]:
    """What a statement lacks of the xAPI required fields (empty when valid)."""
    out = [f"missing '{k}'" for k in REQUIRED if k not in stmt]
    actor = stmt.get("actor", {})
    account = actor.get("account") or {}
    if not (actor.get("mbox") or (account.get("homePage") and account.get("name"))):
        out.append("actor needs an mbox or an account with homePage and name")
    if not str(stmt.get("verb", {}).get("id", "")).startswith("http"):
        out.append("verb.id must be an IRI")
    if not stmt.get("object", {}).get("id"):
        out.append("object.id missing")
    scaled = stmt.get("result", {}).get("score", {}).get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        out.append("result.score.scaled outside [-1, 1]")
    try:
        uuid.UUID(str(stmt.get("id")))
    except ValueError:
        out.append("id is not a UUID")
    return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """An LRS that answers with a redirect is refused: urllib would follow it with the
    ``Authorization`` header (to whatever host the ``Location`` names) and report the target's 200."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None  # urllib then raises HTTPError(3xx)


_OPENER = urllib.request.build_opener(_NoRedirect)


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lrs_endpoint(lrs: str) -> tuple[str, str | None]:
    """``LRS/statements`` without user info, and the credentials the URL carried ("user:password").
    Only https, or http to this machine (a test LRS): credentials and statements never cross a
    network in clear."""
    parts = urllib.parse.urlsplit(lrs.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError.of("error.lrs.url", url=redact_url(lrs))
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InputError.of("error.lrs.http", url=redact_url(lrs))
    creds = (f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
             if parts.username else None)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    host += f":{parts.port}" if parts.port else ""
    return urllib.parse.urlunsplit(parts._replace(netloc=host)).rstrip("/") + "/statements", creds


def _printable(text: str, limit: int = 120) -> str:
    """A value an LRS sent (a Location header), fit for one terminal line: secrets redacted, no control characters."""
    return "".join(ch for ch in redact_url(text) if ch.isprintable())[:limit]


def _stored_ids(status: int, body: bytes) -> list[str] | None:
    """The statement ids the LRS says it stored (xAPI: 200 with a JSON list); None for 204 (no body)."""
    if status == 204:
        return None
    try:
        ids = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ["<not a JSON list>"]
    return [str(i).lower() for i in ids] if isinstance(ids, list) else ["<not a JSON list>"]


def post(stmts: list[dict[str, Any]], lrs: str, auth: str | None = None, batch: int = 100,
         timeout: float = 30) -> int:
    """POST the statements to ``LRS/statements`` in batches; returns how many the LRS stored.

    Credentials: ``auth`` ("user:password"), else ``$WORKBENCH_LRS_AUTH``, else the URL's user info.
    Refused (:class:`WorkbenchError`, exit 1): a redirect (never followed: it would carry the
    credentials elsewhere), any status but 200/204, and a 200 whose statement ids are not the ones sent.
    """
    endpoint, creds = lrs_endpoint(lrs)
    auth = auth or os.environ.get("WORKBENCH_LRS_AUTH") or creds
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": VERSION}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    where = redact_url(endpoint)
    sent = 0
    for i in range(0, len(stmts), batch):
        chunk = stmts[i:i + batch]
        span = {"first": i + 1, "last": i + len(chunk), "url": where}
        again = Said("error.lrs.again", n=sent)   # what a retry does, in the reader's language
        req = urllib.request.Request(endpoint, data=json.dumps(chunk).encode(), headers=headers, method="POST")
        try:
            with _OPENER.open(req, timeout=timeout) as resp:
                status, body = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            if 300 <= e.code < 400:
                raise WorkbenchError.of("error.lrs.redirect", code=e.code, again=again, **span,
                                        location=_printable(e.headers.get("Location", "?"))) from None
            raise WorkbenchError.of("error.lrs.refused", code=e.code, again=again, **span) from None
        except (urllib.error.URLError, OSError) as e:
            raise WorkbenchError.of("error.lrs.unreachable", url=where, detail=str(getattr(e, "reason", e)),
                                    again=again) from None
        if status not in (200, 204):
            raise WorkbenchError.of("error.lrs.status", "error.lrs.endpoint_hint", status=status, again=again, **span)
        ids = _stored_ids(status, body)
        if ids is not None and ids != [str(s["id"]).lower() for s in chunk]:
            raise WorkbenchError.of("error.lrs.ids", "error.lrs.endpoint_hint", n=len(ids), sent=len(chunk),
                                    again=again, **span)
        sent += len(chunk)
    return sent
