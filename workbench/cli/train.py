"""``workbench train MODULE_ID --answers FILE --trainee ID``: grade an answers file and record it."""
from __future__ import annotations

import argparse

HELP = "grade a training answers file (YAML: question id -> answer) and record the attempt"
DESCRIPTION = """Grade a trainee's answers to a training module and record the attempt in the results store.

The answers file is YAML mapping question id to answer: an option id ('b'), a list of option ids
([a, c]) or true/false. Prints one JSON object: {"module", "score", "passed", "wrong"}.
Exit 2 for an unknown module, an unknown question id or an invalid option."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("module", metavar="MODULE_ID", help="training module id (see 'workbench list')")
    p.add_argument("--answers", required=True, metavar="FILE", help="YAML file: question id -> answer")
    p.add_argument("--trainee", required=True, metavar="ID", help="trainee id (user_id in the staff roster)")
    p.add_argument("--department", metavar="D", help="trainee's department")
    p.add_argument("--store", metavar="URL",
                   help="results store: SQLite file path or SQLAlchemy URL "
                        "(default: $WORKBENCH_TRAINING_STORE or training_results.db)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language the trainee used (recorded)")
    p.add_argument("--no-record", action="store_true", help="grade only; do not write to the store")


def run(args: argparse.Namespace) -> int:
    import json

    from ..training import grade, load_answers, load_module, record_attempt

    module = load_module(args.module)
    answers = load_answers(args.answers)
    result = grade(module, answers, where=str(args.answers))
    if not args.no_record:
        record_attempt(args.store, trainee=args.trainee, department=args.department, module=module,
                       result=result, lang=args.lang, source="cli")
    print(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=False))
    return 0
