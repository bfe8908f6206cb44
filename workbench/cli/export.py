"""``workbench export xapi|scorm|questions|reminders``: training results and content for an LMS."""
from __future__ import annotations

import argparse

HELP = "export training: xAPI statements, a SCORM 1.2 package, a question bank, or assignment reminders"
DESCRIPTION = """Export training for the organisation's LMS and mail.

  xapi       every recorded attempt as xAPI statements: --out FILE (JSON list) or --lrs URL (POST)
  scorm      a module as a SCORM 1.2 zip (static HTML/JS quiz, no kernel needed)
  questions  a module's question bank: --format moodle-xml | gift | qti
  reminders  who still owes which assigned module: reminders.csv (mail merge) and reminders.ics"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="kind", metavar="KIND", required=True, parser_class=type(p))
    x = sub.add_parser("xapi", help="attempts as xAPI statements (file or LRS)")
    x.add_argument("--store", metavar="URL", help="results store (default: $WORKBENCH_TRAINING_STORE or training_results.db)")
    dest = x.add_mutually_exclusive_group(required=True)
    dest.add_argument("--out", metavar="FILE", help="write a JSON list of statements")
    dest.add_argument("--lrs", metavar="URL", help="POST to this LRS endpoint (credentials: $WORKBENCH_LRS_AUTH user:password)")
    x.add_argument("--homepage", metavar="URL", default=None,
                   help="actor account homePage and activity IRI base: your identity provider or LMS URL")
    s = sub.add_parser("scorm", help="a module as a SCORM 1.2 zip")
    s.add_argument("module", metavar="MODULE", help="training module id (see 'workbench list modules')")
    s.add_argument("--out", required=True, metavar="FILE.zip", help="zip file to write")
    s.add_argument("--lang", choices=("en", "zh"), default="en")
    q = sub.add_parser("questions", help="a module's question bank for an LMS")
    q.add_argument("module", metavar="MODULE", help="training module id")
    q.add_argument("--format", required=True, choices=("moodle-xml", "gift", "qti"), dest="fmt")
    q.add_argument("--out", metavar="FILE", help="file to write (default: standard output)")
    q.add_argument("--lang", choices=("en", "zh"), default="en")
    r = sub.add_parser("reminders", help="who still owes what: reminders.csv and reminders.ics")
    r.add_argument("--dataset", required=True, metavar="DIR", help="dataset whose users table is the staff roster")
    r.add_argument("--assignments", metavar="FILE", help="assignments YAML or CSV (default: DIR/assignments.yaml)")
    r.add_argument("--store", metavar="URL", help="results store with the attempts (else the dataset's training_results)")
    r.add_argument("--as-of", metavar="DATE", help="date the status is measured at (default: the dataset's as_of)")
    r.add_argument("--out", required=True, metavar="DIR", help="folder for reminders.csv and reminders.ics")
    r.add_argument("--lang", choices=("en", "zh"), default="en")


def run(args: argparse.Namespace) -> int:
    import sys

    from ..errors import InputError

    if args.kind == "xapi":
        from ..files import write_json_atomic
        from ..training import xapi

        stmts = xapi.statements(args.store, args.homepage or xapi.DEFAULT_HOMEPAGE)
        if args.out:
            write_json_atomic(args.out, stmts, sort_keys=False)
            print(f"wrote {len(stmts)} xAPI statements to {args.out}")
        else:
            sent = xapi.post(stmts, args.lrs)
            print(f"sent {sent} xAPI statements to the LRS")
        return 0
    from ..training import load_module

    if args.kind == "scorm":
        from ..training.scorm import write_package

        if not args.out.lower().endswith(".zip"):
            raise InputError.of("error.export.scorm_zip", path=args.out)
        path = write_package(load_module(args.module), args.out, args.lang)
        print(f"wrote SCORM 1.2 package {path}")
        return 0
    if args.kind == "questions":
        from ..files import write_text_atomic
        from ..training.question_bank import export

        text = export(load_module(args.module), args.fmt, args.lang)
        if args.out:
            write_text_atomic(args.out, text)
            print(f"wrote {args.fmt} question bank to {args.out}")
        else:
            sys.stdout.write(text)
        return 0
    return _reminders(args)


def _reminders(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..dataset import load_dataset
    from ..errors import InputError
    from ..files import write_text_atomic
    from ..training.assignments import assignment_status, load_assignments, owed, reminders_csv, reminders_ics
    from ..training.dashboard import privileged_roles
    from ..training.store import attempts

    ds = load_dataset(args.dataset, as_of=args.as_of)
    source = Path(args.assignments) if args.assignments else Path(args.dataset) / "assignments.yaml"
    if not source.is_file():
        raise InputError.of("error.export.no_assignments", path=source)
    assignments = load_assignments(source)
    if args.store:
        records = attempts(args.store)
    elif ds.has("training_results"):
        records = ds.tables["training_results"]
    else:
        raise InputError.of("error.export.no_records")
    status = assignment_status(ds.tables.get("users"), records, assignments, ds.as_of, privileged=privileged_roles(ds))
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError.of("error.export.out_file", path=out)
    write_text_atomic(out / "reminders.csv", reminders_csv(status, args.lang))
    write_text_atomic(out / "reminders.ics", reminders_ics(status, ds.as_of, args.lang))
    print(f"{len(owed(status))} reminders (people x modules still owed) in {out}/reminders.csv and reminders.ics")
    return 0
