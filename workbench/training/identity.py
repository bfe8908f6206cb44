"""Who is taking the quiz: the platform's user when there is one, else a self-declared id.

Sources, most trusted first (issue 16 / issue 11 item 7):

1. ``jupyterhub`` — ``$JUPYTERHUB_USER``, set by JupyterHub in every single-user server and
   inherited by its kernels.
2. ``proxy-header`` — a header set by an authenticating reverse proxy (e.g. ``X-Forwarded-User``).
   ``workbench serve --trust-header NAME`` tells Voilà to copy that header into the kernel's
   environment (``VoilaConfiguration.http_header_envs``) and names it in
   ``$WORKBENCH_TRAINING_IDENTITY_HEADER``; without that option no header is ever believed.
3. ``server-user`` — ``$WORKBENCH_TRAINING_SERVER_USER``, for a server that authenticates its users
   itself and starts the kernel with their name.
4. ``self-declared`` — what the trainee typed, normalised; recorded and shown as self-declared.

The id is then looked up in the staff roster (the dataset's ``users`` table, handed to the kernel as
a small JSON file so that the quiz kernel does not import pandas); the department is the roster's.
"""
from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

ENV_ROSTER = "WORKBENCH_TRAINING_ROSTER"
ENV_HEADER = "WORKBENCH_TRAINING_IDENTITY_HEADER"
ENV_SERVER_USER = "WORKBENCH_TRAINING_SERVER_USER"
PLATFORM_SOURCES = ("jupyterhub", "proxy-header", "server-user")


@dataclass(frozen=True)
class Identity:
    """A resolved trainee. ``trainee_id`` is the roster's spelling when the roster knows the id."""

    trainee_id: str
    source: str  # jupyterhub | proxy-header | server-user | self-declared
    on_roster: bool | None  # None: no roster was available to check against
    department: str | None = None
    role: str | None = None

    @property
    def self_declared(self) -> bool:
        return self.source not in PLATFORM_SOURCES


def header_env_name(header: str) -> str:
    """The environment variable Voilà sets for an HTTP header (``X-Forwarded-User`` → ``HTTP_X_FORWARDED_USER``)."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def normalise_id(raw: Any) -> str:
    """Width-fold (NFKC), trim and drop inner whitespace and control/format characters (a header or a
    typed id may carry terminal escapes or bidi overrides): ``' u 00042 '`` → ``'u00042'``. Case is
    settled by the roster lookup, which is case-insensitive and returns the roster's spelling."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(ch for ch in "".join(text.split()) if unicodedata.category(ch) not in ("Cc", "Cf"))


def roster_records(users: Any) -> dict[str, dict[str, Any]]:
    """Active staff from a ``users`` DataFrame as ``{user_id: {department, role}}`` (no names: the quiz
    kernel needs none). Accounts disabled, terminated or marked service accounts are left out."""
    if users is None or "user_id" not in getattr(users, "columns", ()):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in users.to_dict("records"):
        status = str(row.get("status") or "active").strip().lower()
        terminated = row.get("terminated_at")
        service = str(row.get("is_service_account") or "").strip().lower() in ("true", "1", "yes", "y", "t")
        if status != "active" or (terminated is not None and str(terminated) not in ("", "NaT", "nan", "None")) \
                or service:
            continue
        dept, role = row.get("department"), row.get("role")
        out[str(row["user_id"])] = {"department": None if dept is None or str(dept) in ("", "nan", "<NA>") else str(dept),
                                    "role": None if role is None or str(role) in ("", "nan", "<NA>") else str(role)}
    return out


def write_roster(users: Any, path: str | Path) -> Path:
    """Write the kernel's roster file (JSON) from a ``users`` table; returns its path."""
    from ..files import write_json_atomic

    return write_json_atomic(path, roster_records(users))


def load_roster(path: str | Path | None = None) -> dict[str, dict[str, Any]] | None:
    """The roster JSON at ``path`` (default ``$WORKBENCH_TRAINING_ROSTER``); None when there is none."""
    path = path or os.environ.get(ENV_ROSTER)
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError.of("error.roster.unreadable", path=path, kind=type(e).__name__) from None
    if not isinstance(data, dict):
        raise InputError.of("error.roster.shape", path=path)
    return data


def platform_user(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """``(user, source)`` from the platform, or None when the platform says nothing."""
    env = os.environ if env is None else env
    if env.get("JUPYTERHUB_USER", "").strip():
        return env["JUPYTERHUB_USER"], "jupyterhub"
    header = env.get(ENV_HEADER, "").strip()
    if header and env.get(header_env_name(header), "").strip():
        return env[header_env_name(header)], "proxy-header"
    if env.get(ENV_SERVER_USER, "").strip():
        return env[ENV_SERVER_USER], "server-user"
    return None


def lookup(trainee: str, roster: Mapping[str, Mapping[str, Any]] | None) -> tuple[str, dict[str, Any] | None]:
    """The roster's spelling of ``trainee`` and its record (case-insensitive), or ``(trainee, None)``."""
    if not roster:
        return trainee, None
    if trainee in roster:
        return trainee, dict(roster[trainee])
    folded = trainee.casefold()
    for uid, record in roster.items():
        if uid.casefold() == folded:
            return uid, dict(record)
    return trainee, None


def identify(typed: str = "", *, env: Mapping[str, str] | None = None,
             roster: Mapping[str, Mapping[str, Any]] | None = None, department: str | None = None) -> Identity | None:
    """Resolve the trainee: the platform's user if any (``typed`` is then ignored), else ``typed`` as a
    self-declared id. The department comes from the roster; ``department`` is used only when there is
    no roster to ask. None when there is nobody yet (no platform user, nothing typed)."""
    platform = platform_user(env)
    raw, source = platform if platform else (typed, "self-declared")
    trainee = normalise_id(raw)
    if not trainee:
        return None
    trainee, record = lookup(trainee, roster)
    if roster is None:
        return Identity(trainee, source, None, department or None)
    if record is None:
        return Identity(trainee, source, False)
    return Identity(trainee, source, True, record.get("department"), record.get("role"))
