"""Benchmark: `workbench scan` end to end on 1M customers, with the bundled detectors against the
catalog as it was before issue 12 (benchmarks/detectors_before_issue12.yaml) in the same run.

    .venv/bin/python benchmarks/pii_scan_cli.py [--rows 1000000] [--repeats 3] [--data DIR]

``--data DIR`` scans a dataset folder instead (e.g. ``workbench sample --customers 1000000``: every
table, and customers with a ``country`` column, so phones are also read in each customer's country).

``--baseline-code PATH`` (issue 20) compares code instead of catalogs: the baseline is the CLI of
another checkout (e.g. main before the change, run with ``PYTHONPATH=PATH``) and the current one
is this checkout's, both ``python -m workbench scan`` with the same interpreter, alternating.

Each run is the CLI a user types (`workbench scan DATA --out DIR --quiet [--detectors OLD]`),
loading included, alternating baseline and current so that both see the same machine load. Wall
time and CPU time (user + sys of the process and its threads) are recorded; on a shared machine
CPU time is the steadier of the two. Writes benchmarks/results/pii_scan_cli.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

BASELINE = HERE / "detectors_before_issue12.yaml"


def run_once(data: Path, detectors: Path | None, code: Path | None = None) -> tuple[float, float]:
    """One CLI scan; ``code``: the checkout whose package runs (``python -m workbench`` on its path)."""
    out = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    if code is None:
        cmd = [str(ROOT / ".venv" / "bin" / "workbench")]
        env = None
    else:
        cmd = [sys.executable, "-m", "workbench"]
        env = {**os.environ, "PYTHONPATH": str(code)}
    cmd += ["scan", str(data), "--out", str(out / "o"), "--quiet"]
    if detectors:
        cmd += ["--detectors", str(detectors)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, cwd=code)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(out, ignore_errors=True)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare_code(a: argparse.Namespace) -> None:
    """Issue 20: this checkout's scan against another checkout's (same data, same interpreter, alternating)."""
    data = a.data
    runs: dict[str, list[tuple[float, float]]] = {"baseline": [], "this branch": []}
    loads = []
    for _ in range(a.repeats):
        runs["baseline"].append(run_once(data, None, a.baseline_code))
        runs["this branch"].append(run_once(data, None, ROOT))
        loads.append(os.getloadavg()[0])
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    (b_wall, b_cpu), (n_wall, n_cpu) = med["baseline"], med["this branch"]
    size = sum(f.stat().st_size for f in data.iterdir() if f.is_file()) / 1e6
    lines = ["# `workbench scan` end to end: names and addresses by evidence (issue 20) against main before it", "",
             f"Machine: {os.cpu_count()} cores shared with other jobs; 1-min load average after each pair of runs: "
             + ", ".join(f"{x:.1f}" for x in loads) + f". Data: `workbench sample --customers 1000000 --seed 11` "
             f"({size:,.0f} MB, every table; customers have a `country` column). Baseline: the code of "
             f"`{a.baseline_code}`. Command: `python benchmarks/pii_scan_cli.py --data DIR "
             f"--baseline-code {a.baseline_code} --repeats {a.repeats}`", "",
             "| code | median wall (s) | median CPU user+sys (s) | all runs wall / CPU (s) |", "|---|---|---|---|"]
    for k, v in runs.items():
        lines.append(f"| {k} | {med[k][0]:.1f} | {med[k][1]:.1f} | " + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in v) + " |")
    lines += ["", f"Change: wall {n_wall / b_wall - 1:+.1%}, CPU {n_cpu / b_cpu - 1:+.1%} (budget: +15% wall)."]
    path = HERE / "results" / "pii_scan_cli.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    at = old.find("# `workbench scan` end to end: detectors of issue 12")   # the earlier measurement stays below
    keep = old[at:].rstrip("\n") if at >= 0 else ""
    path.write_text("\n".join(lines) + "\n\n" + keep + "\n" if keep else "\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", type=Path, help="a dataset folder to scan instead of pii_scan.py's table")
    ap.add_argument("--baseline-code", type=Path, help="checkout to compare with (issue 20: main before the change)")
    a = ap.parse_args()
    if a.baseline_code:
        return compare_code(a)
    from pii_scan import ensure_data

    data = a.data or ensure_data(a.rows)
    what = (f"the dataset `{a.data.name}` ({sum(f.stat().st_size for f in a.data.iterdir()) / 1e6:,.0f} MB, every table; "
            "customers have a `country` column)" if a.data else
            f"{a.rows:,} customers × 8 columns (benchmarks/pii_scan.py's table, notes 50–200 characters)")
    command = f"--data {a.data}" if a.data else f"--rows {a.rows}"
    runs: dict[str, list[tuple[float, float]]] = {"before issue 12": [], "issue 12": []}
    for _ in range(a.repeats):
        runs["before issue 12"].append(run_once(data, BASELINE))
        runs["issue 12"].append(run_once(data, None))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    (b_wall, b_cpu), (n_wall, n_cpu) = med["before issue 12"], med["issue 12"]
    lines = ["# `workbench scan` end to end: detectors of issue 12 against the catalog before it", "",
             f"Machine: {os.cpu_count()} cores shared with other jobs; 1-min load average at the end: "
             f"{os.getloadavg()[0]:.1f}. Data: {what}. Command: "
             f"`.venv/bin/python benchmarks/pii_scan_cli.py {command} --repeats {a.repeats}`", "",
             "| catalog | median wall (s) | median CPU user+sys (s) | all runs wall / CPU (s) |", "|---|---|---|---|"]
    for k, v in runs.items():
        lines.append(f"| {k} | {med[k][0]:.1f} | {med[k][1]:.1f} | "
                     + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in v) + " |")
    lines += ["", f"Slow-down with the issue-12 detectors: wall {n_wall / b_wall - 1:+.0%}, CPU {n_cpu / b_cpu - 1:+.0%} "
              "(budget: +20%)."]
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "pii_scan_cli.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
