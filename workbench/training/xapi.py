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
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

from ..errors import InputError, WorkbenchError
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
        "context": {"platform": "workbench", "language": "zh-CN" if _text(row.lang, "en") == "zh" else "en-US",
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


def post(stmts: list[dict[str, Any]], lrs: str, auth: str | None = None, batch: int = 100,
         timeout: float = 30) -> int:
    """POST the statements to ``LRS/statements`` in batches; returns how many were sent.

    Credentials: ``auth`` ("user:password"), else ``$WORKBENCH_LRS_AUTH``, else the URL's user info.
    """
    parts = urllib.parse.urlsplit(lrs)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--lrs {redact_url(lrs)}: not an http(s) URL", "pass the LRS endpoint, e.g. https://lrs.example/xapi")
    auth = auth or os.environ.get("WORKBENCH_LRS_AUTH") or (
        f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}" if parts.username else None)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    endpoint = urllib.parse.urlunsplit(parts._replace(netloc=host)).rstrip("/") + "/statements"
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": VERSION}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    sent = 0
    for i in range(0, len(stmts), batch):
        chunk = stmts[i:i + batch]
        req = urllib.request.Request(endpoint, data=json.dumps(chunk).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as e:
            raise WorkbenchError(f"LRS {redact_url(endpoint)} refused statements {i + 1}-{i + len(chunk)}: HTTP {e.code}",
                                 "check the LRS URL and credentials ($WORKBENCH_LRS_AUTH); statements sent before "
                                 "have the same ids and are safe to send again") from None
        except (urllib.error.URLError, OSError) as e:
            raise WorkbenchError(f"LRS {redact_url(endpoint)} unreachable: {getattr(e, 'reason', e)}",
                                 "check the URL and the network, then run the export again") from None
        sent += len(chunk)
    return sent
