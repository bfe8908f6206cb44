"""``workbench sample``: write a synthetic CRM dataset with planted problems of known size."""
from __future__ import annotations

import argparse
import sys
import time

HELP = "generate a synthetic CRM dataset (all tables + YAML + ground truth of planted problems)"
DESCRIPTION = HELP + """

The folder gets customers, transactions, users, access_log, backups and training_results tables,
dataset.yaml, permissions.yaml, posture.yaml, ground_truth.json (the status and affected count a
correct assessment reports for every check id) and .workbench-sample.json (the files the generator
wrote). Same --customers, --seed and --as-of give identical files.

Nothing is deleted that the generator did not make: --out must be new, empty or (with --force) a
previous sample; a folder holding other files is refused with exit 2 and left untouched.

Memory stays bounded (about 2-3 GB) whatever --customers: customers and transactions are made
and written in shards of a million customers, the access log in chunks of a million events, so
--customers 10000000 --format parquet fits a machine with 8 GB.

layouts: csv      every table as UTF-8 CSV (default)
         parquet  every table as Parquet (row groups of 100k rows), for large runs
         mixed    customers in SQLite with Salesforce-style column names, transactions as
                  Parquet, users as .xlsx, no access log and no backups

examples: workbench sample --customers 5000 --seed 7 --out data/my_sample
          workbench sample --customers 10000000 --format parquet --out /data/big_sample
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customers", type=int, default=3000, help="number of customers (default 3000)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--as-of", default="2026-09-30", help="export date written to dataset.yaml (default 2026-09-30)")
    p.add_argument("--layout", "--format", dest="layout", default="csv", choices=["csv", "parquet", "mixed"],
                   help="file layout (default csv); --format is the same option")
    p.add_argument("--name", default="Acme Retail CRM (synthetic)", help="dataset name")
    p.add_argument("--out", required=True,
                   help="folder to write: new, empty (`.` works) or, with --force, a previous sample")
    p.add_argument("--force", action="store_true",
                   help="replace a previous sample in --out (only the files the generator wrote; "
                        "a folder holding anything else is always refused)")


def run(args: argparse.Namespace) -> int:
    from ..sample import generate_sample

    t0 = time.perf_counter()
    truth = generate_sample(args.out, customers=args.customers, seed=args.seed, as_of=args.as_of,
                            layout=args.layout, name=args.name, force=args.force,
                            progress=lambda m: print(f"  {m}…", file=sys.stderr, flush=True))
    failing = sum(1 for c in truth["checks"].values() if c["status"] == "fail")
    print(f"wrote {args.out}: {args.customers:,} customers, {failing} checks with planted problems "
          f"({time.perf_counter() - t0:.1f} s); ground truth in {args.out}/ground_truth.json")
    return 0
