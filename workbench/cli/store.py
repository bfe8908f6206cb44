"""``workbench store init``: create (or migrate) the training results store's schema once."""
from __future__ import annotations

import argparse

HELP = "create or migrate the training results store's schema (run once, as the database owner)"
DESCRIPTION = """Create the training results store's tables, indexes and any columns added since it was
made. Run it once with a role that may create tables; the trainee server and 'workbench train' then
need only INSERT and SELECT (PostgreSQL: GRANT INSERT, SELECT ON ALL TABLES and USAGE ON ALL SEQUENCES)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    i = sub.add_parser("init", help="create or migrate the schema")
    i.add_argument("--store", metavar="URL",
                   help="SQLite path or SQLAlchemy URL (default: $WORKBENCH_TRAINING_STORE or training_results.db)")


def run(args: argparse.Namespace) -> int:
    from ..redaction import redact_url
    from ..training.store import init_store, store_url

    done = init_store(args.store)
    where = redact_url(store_url(args.store))
    print(f"{where}: " + ("; ".join(done) if done else "schema already up to date"))
    return 0
