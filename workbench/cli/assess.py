"""``workbench assess DATASET --out DIR``: run the posture checks, write findings.json + risk_register.csv."""
from __future__ import annotations

import argparse

HELP = "run posture checks on a dataset; write findings.json and risk_register.csv"
DESCRIPTION = """Run the posture checks of a profile (default: quarterly = every check) on a dataset.

Writes DIR/findings.json (scores, findings with masked evidence and framework mappings) and
DIR/risk_register.csv (one row per failed check). Scores are explained in docs/scoring.md.
Exit codes: 0 done, 2 bad input, 3 overall score below --fail-under."""


def _window(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if not 1 <= v <= 3650:
        raise argparse.ArgumentTypeError("must be between 1 and 3650 days")
    return v


def _score(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= v <= 100:
        raise argparse.ArgumentTypeError("must be between 0 and 100")
    return v


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="dataset folder (holds dataset.yaml)")
    p.add_argument("--as-of", help="assessment date YYYY-MM-DD (default: as_of in dataset.yaml, else today)")
    p.add_argument("--window-days", type=_window, default=90, help="log and backup look-back window in days (default 90)")
    p.add_argument("--profile", default="quarterly", help="assessment profile id or YAML path (default quarterly; see 'workbench list checks')")
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--fail-under", type=_score, help="exit 3 when the overall score is below this (0-100)")


def run(args: argparse.Namespace) -> int:
    from ..assess import assess, write_outputs
    from ..dataset import load_dataset
    from ..errors import ThresholdError
    from ..scoring import lacking_data, not_assessable

    ds = load_dataset(args.dataset, as_of=args.as_of)
    a = assess(ds, window_days=args.window_days, profile=args.profile)
    paths = write_outputs(a, args.out)
    print(f"{a.dataset}: as of {a.as_of}, profile {a.profile}, window {a.window_days} days")
    print(f"{'check':<8} {'domain':<10} {'severity':<8} {'status':<14} {'affected':>9} {'total':>9}  title")
    for f in a.findings:
        total = "-" if f.total is None else f"{f.total:,}"
        print(f"{f.id:<8} {f.domain:<10} {f.severity:<8} {f.status:<14} {f.affected:>9,} {total:>9}  {f.title}")
    sc = "  ".join(f"{k} {'n/a' if v is None else f'{v:.1f}'}" for k, v in a.scores.items())
    print(f"scores: {sc}")
    fails = sum(f.status == "fail" for f in a.findings)
    reason = not_assessable(a.findings)
    if reason:  # no overall number: "0 failed" would read as a clean bill of health
        print(f"{reason} (listed under insufficient_data in findings.json); {fails} of the others failed; "
              f"wrote {paths['findings']} and {paths['risk_register']}")
    else:
        print(f"{fails} failed check(s); wrote {paths['findings']} and {paths['risk_register']}")
    overall = a.scores.get("overall")
    if args.fail_under is not None and reason:
        lacking, total = lacking_data(a.findings) or (0, 0)
        raise ThresholdError.of("error.assess.not_assessable", n=lacking, total=total, limit=f"{args.fail_under:g}")
    if args.fail_under is not None and overall is not None and overall < args.fail_under:
        raise ThresholdError.of("error.assess.below", score=f"{overall:.1f}", limit=f"{args.fail_under:g}")
    return 0
