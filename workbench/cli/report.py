"""``workbench report``: the quarterly run (papermill → HTML/PDF, results, manifest)."""
from __future__ import annotations

import argparse
import signal
import sys

from ..boundary import safe_message

HELP = "run the quarterly report notebooks and write reports/<quarter>/ (HTML, results, manifest)"
DESCRIPTION = """Execute the notebooks headless through papermill and write, under OUT/QUARTER/:
executed notebooks, report.html (offline, no code), findings.json, risk_register.csv,
simulation.json, training.json and manifest.json. The previous quarter found in OUT gives the
trends. The folder is replaced atomically: a failed run leaves the last good report intact.

exit codes: 0 success; 1 a notebook failed (named with its cell); 2 bad input or usage;
3 the report was written but the overall score is below --fail-under"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", required=True, help="dataset folder (holds dataset.yaml)")
    p.add_argument("--quarter", required=True, help="quarter to report, YYYYQn (e.g. 2026Q4)")
    p.add_argument("--as-of", help="assessment date YYYY-MM-DD (default: as_of in dataset.yaml)")
    p.add_argument("--out", default="reports", help="folder holding one sub-folder per quarter (default: reports)")
    p.add_argument("--fail-under", type=float, metavar="SCORE", help="exit 3 when the overall score is below SCORE")
    p.add_argument("--pdf", action="store_true", help="also print report.pdf with headless Chromium")
    p.add_argument("--trials", type=int, default=100_000, help="Monte Carlo trials of the breach simulation")
    p.add_argument("--seed", type=int, default=7, help="random seed of the breach simulation (default 7)")
    p.add_argument("--store", help="training results store: SQLite file or SQLAlchemy URL (default: the notebook's)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks executed at once where possible (default 2)")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the report (default: the profile's lang, else en)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    import logging

    from ..errors import ThresholdError
    from ..report import run_report

    logging.getLogger("papermill").setLevel(logging.ERROR)  # "unknown parameter" chatter: the plan tests cover it

    last = {"text": ""}
    tty = sys.stderr.isatty()

    def progress(event) -> None:  # one line per notebook/cell, rewritten in place on a terminal
        if args.quiet:
            return
        text = safe_message(event)  # names from the export: no control sequence reaches the terminal
        if event.phase == "done":
            text = "done"
        if tty:
            sys.stderr.write("\r\x1b[K" + text + ("\n" if event.phase != "notebook" else ""))
        elif event.phase != "notebook" or event.cell in (0, event.cells) or text != last["text"]:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        last["text"] = text

    def terminated(signum, frame) -> None:  # SIGTERM (cron timeout, systemd stop): leave no temp or lock files
        from ..report.runner import cancel

        cancel()
        raise KeyboardInterrupt

    previous_handler = signal.signal(signal.SIGTERM, terminated)
    try:
        result = run_report(args.dataset, args.quarter, args.out, as_of=args.as_of, fail_under=args.fail_under,
                            pdf=args.pdf, trials=args.trials, seed=args.seed, store=args.store, progress=progress,
                            jobs=args.jobs, lang=args.lang)
    except ThresholdError as e:
        res = getattr(e, "result", None)
        if res is not None:
            for warning in res.warnings:
                print(f"workbench report: warning: {warning}", file=sys.stderr)
            print(res.html)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        if tty and not args.quiet:
            sys.stderr.write("\n" if last["text"] and not last["text"] == "done" else "")
    for warning in result.warnings:  # a warning is not progress: --quiet keeps it
        print(f"workbench report: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        score = f", overall score {result.overall:g}" if result.overall is not None else ""
        prev = f", compared with {result.previous.name}" if result.previous else ", no previous quarter"
        print(f"report {result.quarter} written in {result.seconds:.1f} s{score}{prev}", file=sys.stderr)
    print(result.html)
    return 0
