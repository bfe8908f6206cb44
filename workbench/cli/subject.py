"""``workbench subject find|export|erase-plan DATASET --email|--phone|--customer-id|--national-id X``."""
from __future__ import annotations

import argparse
import json
import sys
import time

HELP = "find, export or plan the erasure of one person's data across every table"
DESCRIPTION = """Data-subject requests (GDPR Arts. 15-17 and 20, PIPL Arts. 44-47, CCPA right to know and delete).

  find        print a masked summary: tables, row counts, categories, oldest and newest record
  export      write the access package into --out: the person's rows as JSON and CSV and an HTML
              summary in their language. The ONE output holding raw personal data: files 0600.
  erase-plan  write what erasure would touch and keep (masked) and SQL to review (0600) into --out;
              the export is never changed.

The person is found by key (customer_id in transactions and other tables), by the value in every
column the PII inventory marks with its category, and in free text. Phones match in any written
form, e-mails ignore case. Give exactly one identifier. An identifier found nowhere prints "no
records found" and exits 0. Exit codes: 0 success, 2 bad input or usage, 1 internal failure."""

ACTIONS = ("find", "export", "erase-plan")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    for name in ACTIONS:
        a = sub.add_parser(name, help={"find": "masked summary of the person's records",
                                       "export": "access package (raw data, files 0600)",
                                       "erase-plan": "what erasure would touch and keep, and SQL to review"}[name])
        a.add_argument("dataset", help="dataset folder (holds dataset.yaml)")
        who = a.add_argument_group("the person (exactly one)")
        who.add_argument("--email")
        who.add_argument("--phone", help="any written form; with + and country code where you have it")
        who.add_argument("--customer-id", dest="customer_id")
        who.add_argument("--national-id", dest="national_id")
        a.add_argument("--inventory", help="pii_inventory.json from 'workbench scan' (default: classify a sample now)")
        a.add_argument("--engine", choices=("duckdb", "spark"),
                       help="engine holding the tables (default: engine in dataset.yaml, else duckdb)")
        a.add_argument("--as-of", help="date YYYY-MM-DD (default: as_of in dataset.yaml)")
        a.add_argument("--quiet", action="store_true", help="no progress on stderr")
        if name == "find":
            a.add_argument("--json", action="store_true", help="print the masked summary as JSON")
        else:
            a.add_argument("--out", required=True, help="output folder: new or empty")
        if name == "export":
            a.add_argument("--lang", choices=("en", "zh"), help="language of summary.html (default: the person's)")


def _table(summary: dict) -> str:
    head = ("table", "rows", "own", "by key", "mentions", "categories", "oldest", "newest")
    rows = [head] + [(t["table"], str(t["rows"]), str(t["by_kind"]["direct"]), str(t["by_kind"]["key"]),
                      str(t["by_kind"]["mention"]), ", ".join(t["categories"]), t["oldest"] or "–", t["newest"] or "–")
                     for t in summary["tables"]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def run(args: argparse.Namespace) -> int:
    from ..boundary import safe_message
    from ..dataset import load_dataset
    from ..subject import find_subject, from_inventory, from_sample, parse_selector

    t0 = time.perf_counter()

    def say(msg: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    selector = parse_selector(email=args.email, phone=args.phone, customer_id=args.customer_id,
                              national_id=args.national_id)  # bad input fails before loading anything
    ds = load_dataset(args.dataset, as_of=args.as_of)
    try:
        say(f"loaded {safe_message(ds.name)}: {len(ds.columns)} tables")
        cols = from_inventory(ds, args.inventory) if args.inventory else from_sample(ds)
        say(f"searching {sum(len(v) for v in cols.by_category.values())} identifier columns and "
            f"{len(cols.free_text)} free-text columns (inventory: {'file' if args.inventory else 'sample'})")
        finding = find_subject(ds, selector, cols)
        summary = finding.summary()
        say(f"searched {len(finding.tables)} tables")
        who = f"{selector.kind.replace('_', ' ')} {selector.masked()}"
        if not finding.found:
            if getattr(args, "json", False):
                print(json.dumps(summary, ensure_ascii=False, indent=2))
            else:
                print(f"no records found for {who} in {len(finding.tables)} tables")
            return 0
        if args.action == "find":
            if args.json:
                print(json.dumps(summary, ensure_ascii=False, indent=2))
            else:
                print(f"{who}: {summary['rows']} rows in {len(summary['tables'])} tables, "
                      f"{summary['oldest'] or '–'} to {summary['newest'] or '–'}")
                print(_table(summary))
            return 0
        if args.action == "export":
            from ..subject.export import write_access_package

            files = write_access_package(ds, finding, args.out, lang=args.lang)
            print(f"workbench subject export: this package holds RAW personal data of one person: {len(files)} files "
                  f"written readable by you only (mode 0600) in {args.out}; hand it over securely and delete your copy",
                  file=sys.stderr)
            print(f"{who}: access package of {summary['rows']} rows -> {args.out}")
            return 0
        from ..subject.erase import write_erase_plan

        files = write_erase_plan(ds, finding, args.out)
        print("workbench subject erase-plan: nothing was changed; erase_plan.sql holds the identifiers and is "
              "readable by you only (mode 0600)", file=sys.stderr)
        print(f"{who}: erasure plan for {summary['rows']} rows -> {files[1]}")
        return 0
    finally:
        ds.close()
