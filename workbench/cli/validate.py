"""``workbench validate DATASET``: load a dataset and summarise it, or name what is wrong."""
from __future__ import annotations

import argparse

from ..boundary import strip_control


def _say(text: str) -> None:
    """A line for the terminal: names from an export lose their control characters (ESC sequences)."""
    print(strip_control(text))

HELP = "check a dataset folder and print a per-table summary"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="dataset folder (holds dataset.yaml)")
    p.add_argument("--as-of", help="assessment date YYYY-MM-DD (default: as_of in dataset.yaml)")


def run(args: argparse.Namespace) -> int:
    from ..dataset import load_dataset
    from ..schema import CANONICAL

    ds = load_dataset(args.dataset, as_of=args.as_of)
    _say(f"{ds.name}: as of {ds.as_of}, organisation {ds.organisation.name} "
          f"({', '.join(ds.organisation.jurisdictions) or 'no jurisdictions'})")
    width = max(len(t) for t in CANONICAL)
    for t in CANONICAL:
        cols = ds.columns.get(t)
        if cols is None:
            _say(f"  {t:<{width}}  absent (optional)")
            continue
        missing = [c for c in CANONICAL[t] if c not in cols]
        extra = [c for c in cols if c not in CANONICAL[t] and c != "jurisdiction"]
        _say(f"  {t:<{width}}  {ds.rows(t):>9,} rows  {len(ds.mapped[t])}/{len(CANONICAL[t])} canonical columns"
              f"  [{ds.sources[t].kind}]")
        if missing:
            _say(f"  {'':<{width}}  missing optional: {', '.join(missing)}")
        if extra:
            _say(f"  {'':<{width}}  extra (kept, scanned): {', '.join(extra)}")
    others = [t for t in ds.columns if ds.role(t) == "other"]
    if others:  # scanned with role "other", never checked
        _say(f"  other tables ({len(others)}, scanned, never checked):")
        for t in others:
            info = ds.table_info.get(t, {})
            _say(f"    {t}  {ds.rows(t):,} rows  [{info.get('kind', 'table')}"
                 f"{'' if info.get('declared') else ', found beside the export'}]")
    for s in ds.skipped:
        _say(f"  skipped: {s['table']} ({s['reason']})")
    _say(f"  permissions: {len(ds.permissions.roles)} roles" if ds.permissions else "  permissions: absent")
    _say(f"  posture: {len(ds.posture.systems)} systems" if ds.posture else "  posture: absent")
    _say("OK")
    return 0
