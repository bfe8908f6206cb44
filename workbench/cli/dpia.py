"""``workbench dpia DATASET --out DIR``: the DPIA / PIPIA pre-filled from evidence."""
from __future__ import annotations

import argparse
import sys

from ..boundary import safe_message

HELP = "write a DPIA / PIPIA (CNIL PIA structure) pre-filled from evidence: dpia.json + dpia.html"
DESCRIPTION = """Assess whether a DPIA (GDPR Art. 35, WP248 criteria) or a PIPIA (PIPL Art. 55) is
required and write the assessment in the CNIL PIA structure, pre-filled from the data inventory,
the posture findings and the breach simulation of DATASET, completed by an answers file
(notebook 06_dpia writes it; an override of a derived value needs a reason).

Writes DIR/dpia.json and DIR/dpia.html (and DIR/dpia.pdf with --pdf, via headless Chromium).
Exit codes: 0 done, 1 internal failure, 2 bad input (dataset, answers file, folder)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="dataset folder (holds dataset.yaml)")
    p.add_argument("--as-of", help="assessment date YYYY-MM-DD (default: as_of in dataset.yaml, else today)")
    p.add_argument("--answers", help="DPIA answers file (YAML, from notebook 06_dpia); default: none, a draft")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the document (default en)")
    p.add_argument("--pdf", action="store_true", help="also print dpia.pdf with headless Chromium")
    p.add_argument("--trials", type=int, default=20_000, help="simulated years per scenario (default 20000)")
    p.add_argument("--seed", type=int, default=7, help="random seed of the simulation (default 7)")
    p.add_argument("--out", required=True, help="output folder (created; must be empty or hold an earlier DPIA)")


def run(args: argparse.Namespace) -> int:
    from ..dpia import run_dpia
    from ..errors import InputError

    if args.trials < 1:
        raise InputError.of("error.cli.trials", "error.cli.trials_dpia_hint", value=args.trials)

    def progress(msg: str) -> None:
        print(f"dpia: {safe_message(msg)}", file=sys.stderr, flush=True)

    from ..dataset import load_dataset

    ds = load_dataset(args.dataset, as_of=args.as_of, engine=getattr(args, "engine", None))  # --engine is added by cli/__init__
    doc, paths = run_dpia(ds, args.out, answers=args.answers, lang=args.lang,
                          pdf=args.pdf, trials=args.trials, seed=args.seed, progress=progress)
    s = doc["screening"]
    yn = {True: "yes", False: "no"}
    print(f"{doc['dataset']}: as of {doc['as_of']}")
    print(f"DPIA required: {yn[s['required']]} (GDPR Art. 35: {yn[s['dpia_required']]}, {s['wp248_met']} of 9 WP248 criteria; "
          f"PIPL Art. 55: {yn[s['pipia_required']]}); {len(s['open'])} criteria left to the analyst")
    print(f"{'risk':<24} {'severity':>8} {'likelihood':>10}   after plan")
    for r in doc["risks"]:
        print(f"{r['id']:<24} {r['severity']:>8} {r['likelihood']:>10}   {r['severity_after']} x {r['likelihood_after']}")
    v = doc["validation"]
    print(f"status: {v['status']}; answers version {v['answers_version']}; {len(doc['action_plan'])} actions in the plan")
    for w in v["evidence_changed"]:
        print(f"warning: evidence changed since validation: {w}")
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
