"""Reading YAML content and writing outputs, the same way everywhere.

* :func:`load_yaml_mapping` + :func:`validate_model`: ``safe_load`` a file and validate it with
  pydantic; every failure is one error naming the file, the line or the key, with a hint.
* :func:`write_text_atomic` / :func:`write_json_atomic`: write a temp file in the target folder,
  then ``os.replace`` — a reader never sees half a file, a crash leaves the old one.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .boundary import output_mode, redact_data
from .errors import ContentError, InputError, validation_message

M = TypeVar("M", bound=BaseModel)
# libyaml's safe loader when present (several times faster on the training content), else pure Python
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_mapping(path: str | Path, what: str, error: type[InputError] = ContentError, *,
                      missing_hint: str = "error.yaml.missing_hint") -> dict[str, Any]:
    """Return the top-level mapping of a YAML file, or raise ``error`` naming file and line.
    ``missing_hint``: what to do when the file is absent, a catalogue key (``error.…``) or text."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError):
        if missing_hint.startswith("error."):
            raise error.of("error.yaml.missing", missing_hint, path=path, what=what) from None
        raise error(hint=missing_hint, key="error.yaml.missing", params={"path": path, "what": what}) from None
    except UnicodeDecodeError as e:
        raise error.of("error.yaml.not_utf8", path=path, byte=e.start) from None
    try:
        raw = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or "syntax error"
        if mark:
            raise error.of("error.yaml.syntax_at", "error.yaml.syntax_hint", path=path, line=mark.line + 1,
                           column=mark.column + 1, problem=problem) from None
        raise error.of("error.yaml.syntax", "error.yaml.syntax_hint", path=path, problem=problem) from None
    except ValueError:   # a scalar YAML reads as a date but that is no date (2026-13-01)
        raise bad_date(path, text, error) from None
    if not isinstance(raw, dict):
        raise error.of("error.yaml.not_mapping", path=path, got=type(raw).__name__, what=what)
    return raw


def bad_date(path: str | Path, text: str, error: type[InputError] = ContentError) -> InputError:
    """The error for a YAML text whose loading failed on an impossible date: naming its line."""
    line, value = 0, ""
    stack = [yaml.compose(text, Loader=_SAFE_LOADER)]   # noqa: S506 - a safe loader, nodes only
    while stack and not value:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":timestamp"):
            try:
                dt.date.fromisoformat(node.value[:10])
            except ValueError:
                line, value = node.start_mark.line + 1, node.value
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for kv in reversed(node.value) for v in reversed(kv))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return error.of("error.yaml.bad_date", path=path, line=line or "?", value=value)


def error_key(loc: Sequence[Any]) -> str:
    """A pydantic error location as a dotted key, without union-branch labels like ``list[str]``."""
    return ".".join(str(p) for p in loc if not any(ch in str(p) for ch in "[]'")) or "(top level)"


def id_key(loc: Sequence[Any], raw: Any) -> str:
    """Like :func:`error_key`, but names list items by their ``id`` when they have one
    (``questions[ph-03].prompt.zh`` rather than ``questions.2.prompt.zh``)."""
    parts: list[str] = []
    node = raw
    for p in loc:
        if isinstance(p, int) and isinstance(node, list):
            item = node[p] if p < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{ident or p}]"]
            node = item
        elif not any(ch in str(p) for ch in "[]'"):  # skip union-branch labels such as list[str]
            parts.append(str(p))
            node = node.get(p) if isinstance(node, dict) else None
    return ".".join(x for x in parts if x and not x.startswith("function-")) or "(top level)"


def validate_model(raw: dict[str, Any], model: type[M], path: str | Path, what: str,
                   error: type[InputError] = ContentError, *,
                   key: Callable[[tuple, dict], str] | None = None, hint: str | None = None) -> M:
    """Validate ``raw`` as ``model``; the first problem becomes ``error`` naming file and key."""
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        k = key(tuple(err["loc"]), raw) if key else error_key(err["loc"])
        msg = validation_message(err)   # a validator's catalogue message, sayable in the reader's language
        kind = err.get("type", "")
        key_ = f"error.yaml.key_{kind}" if kind in _PYDANTIC_KINDS else "error.yaml.key"
        if msg.startswith("error."):  # a validator's ValueError naming a catalogue key ("{path}: key '{key}': ...")
            key_ = msg
        params = {"path": path, "key": k, "msg": msg, "what": what}
        if hint is None or hint.startswith("error."):  # ``hint``: a catalogue key, or text
            raise error.of(key_, hint or "error.yaml.key_hint", **params) from None
        raise error(hint=hint, key=key_, params=params) from None


# pydantic error types whose message the catalogue words itself (the rest quote pydantic's English)
_PYDANTIC_KINDS = ("missing", "extra_forbidden", "string_type", "int_parsing", "int_type", "float_parsing",
                   "bool_parsing", "list_type", "dict_type")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` via a temp file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, output_mode())  # mkstemp creates 0600: give the mode a plain open() would (the umask decides)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json_atomic(path: str | Path, data: Any, *, sort_keys: bool = True) -> Path:
    """Write ``data`` as indented UTF-8 JSON (trailing newline), atomically, with secrets
    (passwords and tokens in URLs) redacted from every string: JSON outputs pass the boundary."""
    return write_text_atomic(path, json.dumps(redact_data(data), indent=2, sort_keys=sort_keys, ensure_ascii=False,
                                              default=str) + "\n")


_PRIVATE_DIRS: list[tempfile.TemporaryDirectory[str]] = []


def private_temp_dir(prefix: str) -> Path:
    """A new private folder (0700, unpredictable name) in the temp folder, removed with everything in
    it when the process (a notebook's kernel) exits — for intermediate files that must outlive a
    call but not the process (a throw-away results store, results computed for a notebook)."""
    tmp = tempfile.TemporaryDirectory(prefix=prefix)  # mkdtemp: mode 0700; its finalizer runs at exit
    _PRIVATE_DIRS.append(tmp)
    return Path(tmp.name)
