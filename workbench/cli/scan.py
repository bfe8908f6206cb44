"""``workbench scan DATASET --out DIR``: discover personal data by content and write the inventory."""
from __future__ import annotations

import argparse
import sys
import time

from ..boundary import safe_message

HELP = "discover personal data by content and write pii_inventory.json"
DESCRIPTION = """Discover personal data in every column of every table, by content (not column name), and
scan free-text columns cell by cell. Writes DIR/pii_inventory.json: the inventory list
({table, column, category, share, sensitivity}), free-text findings with masked examples, and a
processing record per table (categories, record counts, subject jurisdictions, retention).
Only masked values are written. Exit codes: 0 success, 2 bad input, 1 internal failure."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="dataset folder (holds dataset.yaml)")
    p.add_argument("--out", required=True, help="output folder (created if absent)")
    p.add_argument("--as-of", help="assessment date YYYY-MM-DD (default: as_of in dataset.yaml)")
    p.add_argument("--detectors", help="detector file (default: the bundled workbench/pii/detectors.yaml)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    from ..dataset import load_dataset
    from ..pii import load_catalog, scan_dataset, write_inventory

    t0 = time.perf_counter()

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - t0:6.1f}s] {safe_message(msg)}", file=sys.stderr, flush=True)

    catalog = load_catalog(args.detectors)
    ds = load_dataset(args.dataset, as_of=args.as_of)   # bad input fails here, before any progress line
    say(f"loaded {ds.name}: {', '.join(f'{t} {ds.rows(t):,} rows' for t in sorted(ds.columns))}")
    inv = scan_dataset(ds, progress=say, catalog=catalog)
    path = write_inventory(inv, args.out)
    say(f"wrote {path}")
    free = sum(e["affected_records"] for e in inv.free_text)
    print(f"{len(inv.columns)} personal-data columns/categories, {free} free-text records with personal data -> {path}")
    return 0
