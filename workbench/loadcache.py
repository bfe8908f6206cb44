"""A load cache for the notebooks of one report run: the first process to load a dataset writes
its canonical tables into a DuckDB file; the others attach that file read-only instead of
parsing the same exports again (a 1M-customer export: once instead of six times).

Off unless ``WORKBENCH_LOAD_CACHE`` names a folder (``workbench report`` sets it to a folder
inside its temporary run folder, which is deleted with the run). The key hashes dataset.yaml,
permissions and posture, and every source's path, size and modification time, plus the engine
settings: a changed input is a different key.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

ENV = "WORKBENCH_LOAD_CACHE"


def cache_dir() -> Path | None:
    d = os.environ.get(ENV)
    return Path(d) if d else None


def key(yml: Path, extra: list[Path], sources: list[object], engine: str) -> str:
    """A fingerprint of everything loading reads."""
    h = hashlib.sha256(engine.encode())
    for p in [yml, *extra]:
        h.update(str(p).encode() + b"\0" + (p.read_bytes() if p.is_file() else b""))
    for rs in sources:
        h.update(repr(rs).encode())
        path = getattr(rs, "path", None)
        if path is not None and Path(path).exists():
            st = Path(path).stat()
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:32]


@contextmanager
def locked(folder: Path, name: str) -> Iterator[None]:
    """An exclusive lock across processes while one of them builds the cache entry ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_meta(folder: Path, name: str) -> dict | None:
    p = folder / f"{name}.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else None


def write_meta(folder: Path, name: str, meta: dict) -> None:
    tmp = folder / f"{name}.json.tmp"
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, folder / f"{name}.json")  # the entry exists only once complete
