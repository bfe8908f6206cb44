"""Benchmark: `workbench simulate` end to end on the committed sample, as a user runs it, for
this tree and for baseline code trees in the same run (ratios).

Times the CLI in a fresh process (imports, dataset load, exposure, 100,000 simulated years ×
every scenario with what-if, sensitivity, obligations, playbook and simulation.json) against
the same command with --trials 1, which pays everything except the Monte Carlo, what-if and
sensitivity. Every code tree runs the same command on the same sample (this tree's
data/samples/acme_retail) with ``PYTHONPATH`` set to it; the trees alternate, best of N each,
because other jobs share the machine. Also times ``simulate()`` in one process on the loaded
dataset (the simulator alone) per tree.

Run: python benchmarks/breach_cli.py [--repeats N] [--baseline NAME=PATH ...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "acme_retail"   # --sample DIR: a copy every tree can read
RESULTS = REPO / "benchmarks" / "results" / "breach_cli.md"
INPROC = """
import json, sys, time
from workbench.breach import simulate
from workbench.dataset import load_dataset
ds, fnd = load_dataset(sys.argv[1]), json.loads(open(sys.argv[2], encoding="utf-8").read())
simulate(ds, fnd, trials=1_000)
best = 1e9
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); simulate(ds, fnd, trials=100_000); best = min(best, time.perf_counter() - t0)
print(best)
"""


def _env(tree: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(tree)}


def _run(tree: Path, trials: int, findings: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "workbench", "simulate", str(SAMPLE), "--trials", str(trials),
                        "--out", tmp, "--findings", findings], check=True, capture_output=True, env=_env(tree))
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--baseline", action="append", default=[], help="NAME=PATH of another code tree")
    ap.add_argument("--sample", default=None, help="dataset folder (default: data/samples/acme_retail)")
    args = ap.parse_args()
    global SAMPLE
    if args.sample:
        SAMPLE = Path(args.sample)
    trees = {"this branch": REPO, **{b.split("=", 1)[0]: Path(b.split("=", 1)[1]) for b in args.baseline}}
    tmpdir = tempfile.TemporaryDirectory()
    subprocess.run([sys.executable, "-m", "workbench", "assess", str(SAMPLE), "--out", tmpdir.name], check=True,
                   capture_output=True, env=_env(REPO))
    findings = str(Path(tmpdir.name) / "findings.json")
    load0 = os.getloadavg()[0]
    full = {k: [] for k in trees}
    base = {k: [] for k in trees}
    for _ in range(args.repeats):
        for name, tree in trees.items():
            full[name].append(_run(tree, 100_000, findings))
            base[name].append(_run(tree, 1, findings))
    inproc = {name: float(subprocess.run([sys.executable, "-c", INPROC, str(SAMPLE), findings, str(args.repeats)],
                                         check=True, capture_output=True, text=True, env=_env(tree)).stdout.split()[-1])
              for name, tree in trees.items()}
    load1 = os.getloadavg()[0]
    tmpdir.cleanup()
    ref = "this branch"
    rows = []
    for name in trees:
        mc = min(full[name]) - min(base[name])
        rows.append(f"| {name} | {min(full[name]):.2f} | {min(base[name]):.2f} | {mc:.2f} | {inproc[name]:.2f} | "
                    f"{', '.join(f'{x:.2f}' for x in full[name])} |")
    def mc_ratio(name: str) -> str:
        a, b = min(full[ref]) - min(base[ref]), min(full[name]) - min(base[name])
        return f"{a / b:.2f}×" if a > 0 and b > 0 else "not measurable (difference of two noisy runs <= 0)"

    ratios = [f"- {name}: end to end {min(full[ref]) / min(full[name]):.2f}×, Monte Carlo + what-if + sensitivity "
              f"{mc_ratio(name)}, `simulate()` in process {inproc[ref] / inproc[name]:.2f}× (this branch / {name})"
              for name in trees if name != ref]
    text = f"""# `workbench simulate` end to end (issue 22: per-person law, frequency anchor)

Measured {dt.date.today()} on {platform.machine()}, Python {platform.python_version()}, with
`benchmarks/breach_cli.py` on `{SAMPLE.name}`: `python -m workbench simulate DATASET --findings
findings.json` in a fresh process (6 scenarios, 7 what-if controls, sensitivity per prior,
obligations for EU/CN/52 US rules, playbook, JSON), for each code tree (``PYTHONPATH``) on the same
sample, alternating, best of {args.repeats}. Baseline per tree: the same command with `--trials 1`
(start-up, loading, exposure with the per-person counts, obligations, output: everything but the
Monte Carlo, what-if and sensitivity). 1-min load average {load0:.1f} at the start, {load1:.1f} at the
end (the 2-core machine is shared by several jobs, so the figures are noisy).

| code tree | 100k trials, best s | --trials 1, best s | Monte Carlo + what-if + sensitivity s | `simulate()` in process, 100k, best s | all 100k runs s |
|---|---:|---:|---:|---:|---|
{chr(10).join(rows)}

Ratios (same run):

{chr(10).join(ratios)}
"""
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
