"""Actionable evidence without exposure: staff account ids in full, customers as keyed pseudonyms.

* Staff account ids (``users.user_id`` and the ``user_id`` of the access log) are shown in full in
  evidence by default: the people who read a report must disable, fix or retrain exactly those
  accounts, and a staff id is an internal identifier, not the customer data the report protects.
  ``WORKBENCH_STAFF_IDS=masked`` masks them instead.
* Customer ids become stable pseudonyms, ``C-`` + 16 base-32 characters of
  HMAC-SHA256(key, "customer_id" NUL id). The same key gives the same token in every report, so
  findings can be tracked quarter to quarter; without the key a token reveals nothing. An
  authorised analyst on a machine holding the key resolves tokens with
  ``workbench reveal TOKEN --dataset DIR`` (:func:`reveal`).

The key never enters a report: it is ``$WORKBENCH_PSEUDONYM_KEY`` (hex, for CI and shared
analyst machines) or the file ``$WORKBENCH_KEY_FILE`` (default
``$XDG_CONFIG_HOME/workbench/key``, i.e. ``~/.config/workbench/key``), created on first use with
32 random bytes and mode 0600 (its folder 0700). A key file readable by others is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError

ENV_KEY = "WORKBENCH_PSEUDONYM_KEY"
ENV_KEY_FILE = "WORKBENCH_KEY_FILE"
ENV_STAFF_IDS = "WORKBENCH_STAFF_IDS"
PREFIX = {"customer_id": "C"}
TOKEN = re.compile(r"\b([A-Z])-([A-Z2-7]{16})\b")


def key_path() -> Path:
    """Where the pseudonym key file lives (it may not exist yet)."""
    if os.environ.get(ENV_KEY_FILE):
        return Path(os.environ[ENV_KEY_FILE]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "workbench" / "key"


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:  # O_EXCL: two processes starting at once never overwrite each other's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")


def load_key(create: bool = True) -> bytes:
    """The pseudonym key: ``$WORKBENCH_PSEUDONYM_KEY``, else the key file (created when absent
    and ``create``). Raises :class:`InputError` for a malformed key or a key file others can read."""
    env = os.environ.get(ENV_KEY, "").strip()
    if env:
        try:
            key = bytes.fromhex(env)
        except ValueError:
            raise InputError.of("error.pseudonym.env_hex", env=ENV_KEY) from None
        if len(key) < 16:
            raise InputError.of("error.pseudonym.env_short", env=ENV_KEY, n=len(key))
        return key
    path = key_path()
    if not path.is_file():
        if not create:
            raise InputError.of("error.pseudonym.no_key", path=path, env_file=ENV_KEY_FILE, env=ENV_KEY)
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InputError.of("error.pseudonym.mode", path=path, mode=f"{mode:o}")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        raise InputError.of("error.pseudonym.not_hex", "error.pseudonym.restore_hint", path=path) from None
    if len(key) < 16:
        raise InputError.of("error.pseudonym.short", "error.pseudonym.restore_hint", path=path)
    return key


def pseudonym(value: Any, kind: str = "customer_id", key: bytes | None = None) -> str:
    """The stable keyed pseudonym of ``value`` (``C-XXXXXXXXXXXXXXXX`` for a customer id)."""
    k = key if key is not None else load_key()
    digest = hmac.new(k, f"{kind}\0{value}".encode("utf-8"), hashlib.sha256).digest()
    return f"{PREFIX.get(kind, 'X')}-{base64.b32encode(digest).decode('ascii')[:16]}"


def staff_ids_in_full() -> bool:
    """Whether evidence shows staff account ids in full (default) or masked
    (``WORKBENCH_STAFF_IDS=masked``)."""
    value = os.environ.get(ENV_STAFF_IDS, "full").strip().lower()
    if value not in ("full", "masked"):
        raise InputError.of("error.pseudonym.staff_ids", env=ENV_STAFF_IDS, value=value)
    return value == "full"


def reveal(tokens: Iterable[str], dataset: Any) -> dict[str, str | None]:
    """Resolve customer pseudonyms against ``dataset`` (a folder or a loaded Dataset) with the
    local key: token → customer_id, or ``None`` when no customer of this dataset has it."""
    from .dataset import Dataset, load_dataset

    wanted = {}
    for t in tokens:
        t = str(t).strip()
        if not TOKEN.fullmatch(t):
            raise InputError.of("error.pseudonym.token", value=t[:40])
        wanted[t] = None
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    key = load_key(create=False)
    ids = ds.tables["customers"]["customer_id"].dropna().astype(str)
    left = set(wanted)
    for cid in ids:
        tok = pseudonym(cid, "customer_id", key)
        if tok in left:
            wanted[tok] = cid
            left.discard(tok)
            if not left:
                break
    return wanted
