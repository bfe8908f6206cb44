"""``manifest.json``: audit evidence of a quarterly run (hashes, parameters, versions, times)."""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata as md
import json
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable

from ..files import write_json_atomic

MANIFEST = "manifest.json"
# Tools the run itself uses besides workbench's declared dependencies.
_TOOLS = ("workbench", "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client", "plotly",
          "pandas", "numpy")


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def file_entries(paths: Iterable[Path], *bases: Path) -> list[dict[str, Any]]:
    """``[{path, sha256, bytes}]`` sorted by path; a path is shown relative to the first of
    ``bases`` that contains it (prefixed with that base's name unless it is the only base)."""
    out = []
    for p in {Path(p).resolve() for p in paths}:
        if not p.is_file():
            continue
        shown = str(p)
        for base in bases:
            try:
                rel = p.relative_to(Path(base).resolve()).as_posix()
            except ValueError:
                continue
            shown = rel if len(bases) == 1 else f"{Path(base).name}/{rel}"
            break
        out.append({"path": shown, "sha256": sha256(p), "bytes": p.stat().st_size})
    return sorted(out, key=lambda e: e["path"])


def package_versions() -> dict[str, str]:
    """Installed versions of workbench's dependencies and of the tools the run uses."""
    names = set(_TOOLS)
    try:
        for req in md.requires("workbench") or []:
            if "extra ==" in req:
                continue
            names.add(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0])
    except md.PackageNotFoundError:
        pass
    versions = {}
    for n in sorted(names, key=str.lower):
        try:
            versions[n] = md.version(n)
        except md.PackageNotFoundError:
            versions[n] = "not installed"
    return versions


def git_state(repo: Path) -> dict[str, Any] | None:
    """Commit and whether the working tree has changes; ``None`` outside a git checkout."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def build_manifest(*, run_dir: Path, inputs: Iterable[Path], parameters: dict[str, Any],
                   started: dt.datetime, finished: dt.datetime, repo: Path,
                   notebooks: list[dict[str, Any]] | None = None, input_bases: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The manifest of ``run_dir``: every file in it except the manifest itself is an output."""
    outputs = [p for p in Path(run_dir).rglob("*") if p.is_file() and p.name != MANIFEST]
    return {
        "parameters": parameters,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "inputs": file_entries(inputs, *input_bases),
        "outputs": file_entries(outputs, run_dir),
        "notebooks": notebooks or [],
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        "git": git_state(repo),
    }


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` atomically (temp file in the same folder, then ``os.replace``)."""
    return write_json_atomic(Path(run_dir) / MANIFEST, manifest)


def verify(run_dir: Path) -> list[str]:
    """Outputs whose hash no longer matches the manifest (empty list: intact)."""
    data = json.loads((Path(run_dir) / MANIFEST).read_text(encoding="utf-8"))
    bad = []
    for e in data["outputs"]:
        p = Path(run_dir) / e["path"]
        if not p.is_file() or sha256(p) != e["sha256"]:
            bad.append(e["path"])
    return bad
