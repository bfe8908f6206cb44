"""``workbench list checks|scenarios|modules|profiles``: what the workbench knows."""
from __future__ import annotations

import argparse
from pathlib import Path

HELP = "list checks, profiles, breach scenarios or training modules"
REPO = Path(__file__).resolve().parents[2]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["checks", "profiles", "scenarios", "modules"], help="what to list")


def _id_titles(folder: Path) -> list[tuple[str, str]]:
    """(id, title) of every ``*.yaml`` in ``folder`` (absent folder → nothing); title may be per language."""
    import yaml

    from ..errors import ContentError

    out = []
    for p in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            raw = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            raise ContentError(f"{p}: YAML syntax error", "fix the file") from None
        if not isinstance(raw, dict) or "id" not in raw:
            raise ContentError(f"{p}: key 'id' missing", "every content file needs an id and a title")
        title = raw.get("title", "")
        if isinstance(title, dict):  # {en: ..., zh: ...}
            title = title.get("en") or next(iter(title.values()), "")
        out.append((str(raw["id"]), str(title)))
    return out


def run(args: argparse.Namespace) -> int:
    if args.what == "checks":
        from ..checks import load_catalog, validate_catalog

        cat = load_catalog()
        validate_catalog(cat)
        for cid, c in sorted(cat.controls.items()):
            print(f"{cid:<8} {c.domain:<10} {c.severity:<8} {c.unit:<10} {c.title}")
        return 0
    if args.what == "profiles":
        from ..checks import load_profile
        from ..checks.catalog import list_profiles

        rows = [(p, load_profile(p).title) for p in list_profiles()]
    elif args.what == "scenarios":
        rows = _id_titles(REPO / "assessments" / "scenarios")
    else:
        rows = _id_titles(REPO / "training")
    for i, t in rows:
        print(f"{i:<28} {t}")
    if not rows:
        print(f"no {args.what} found")
    return 0
