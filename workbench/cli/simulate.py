"""``workbench simulate DATASET --out DIR``: breach scenarios → simulation.json and a summary table."""
from __future__ import annotations

import argparse
import sys

from ..boundary import safe_message

HELP = "simulate breach scenarios (FAIR Monte Carlo) and write simulation.json"
DESCRIPTION = """Simulate the breach scenarios of assessments/scenarios/ on a dataset.

Exposure comes from the dataset (permissions, posture, customers per jurisdiction), the posture
from findings (--findings, else the assessment engine, else the dataset), losses from a seeded
FAIR Monte Carlo; fines and notification deadlines from assessments/laws.yaml.
Writes DIR/simulation.json and the breach-response playbook (DIR/playbook.md, DIR/playbook.html:
who to tell, by when, for how many records, what each notice must contain) atomically, and
prints a summary table."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="dataset folder (holds dataset.yaml)")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default: as_of in dataset.yaml)")
    p.add_argument("--trials", type=int, default=100_000, help="simulated years (default 100000)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--scenario", action="append", metavar="ID", help="run only this scenario (repeatable)")
    p.add_argument("--findings", help="findings.json from 'workbench assess' (default: assess the dataset)")
    p.add_argument("--scenarios-dir", help="folder of scenario YAML files (default: assessments/scenarios)")
    p.add_argument("--out", required=True, help="output folder for simulation.json")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the playbook (default en)")


def run(args: argparse.Namespace) -> int:
    from ..breach import playbook, simulate, write_simulation
    from ..breach.simulate import read_findings
    from ..dataset import load_dataset
    from ..errors import InputError

    if args.trials < 1:
        raise InputError.of("error.cli.trials", "error.cli.trials_hint", value=args.trials)
    findings = read_findings(args.findings)

    def progress(msg: str) -> None:
        print(f"simulate: {safe_message(msg)}", file=sys.stderr, flush=True)

    ds = load_dataset(args.dataset, as_of=args.as_of)
    sim = simulate(ds, findings, trials=args.trials, seed=args.seed, scenarios=args.scenario,
                   scenario_dir=args.scenarios_dir, progress=progress)
    path = write_simulation(sim, args.out)
    book = playbook.write(sim, args.out, lang=args.lang)
    table = sim.scenario_table()[["scenario", "records", "events_per_year", "mean", "p90", "p99"]]
    print(f"{sim.dataset}: {sim.trials:,} simulated years, seed {sim.seed}, amounts in {sim.currency}")
    print(table.to_string(index=False, float_format=lambda x: f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3f}"))
    if sim.what_if:
        print("what-if (reduction of expected annual loss):")
        for w in sim.what_if:
            print(f"  {w['rank']}. {w['control']:<28} {w['mean_reduction']:>14,.0f}  ({w['reduction_share']:.0%})")
            if w.get("reason"):
                print(f"     saves nothing: {w['reason'].split('; ')[0]}")
    cal = sim.calibration()
    print(f"mean loss per event {cal['per_event']:,.0f} {sim.currency} (published band "
          f"{cal['band']['per_event']['low']:,.0f}-{cal['band']['per_event']['high']:,.0f}); per exposed record "
          f"{cal['per_record']:,.2f} (band {cal['band']['per_record']['low']:,.2f}-{cal['band']['per_record']['high']:,.2f}); "
          "see docs/calibration.md")
    from ..breach.frequency import describe
    print(describe(sim.frequency))
    print(f"record counts come from {sim.organisation.get('records_from', 'the dataset')}")
    print(f"wrote {path}, {book[0].name}, {book[1].name}")
    return 0
