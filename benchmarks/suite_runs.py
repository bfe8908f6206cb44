"""`make test`, several times in a row, optionally beside a CPU-bound process (issue 21).

    python benchmarks/suite_runs.py --runs 1                  # the suite's wall time, quiet machine
    python benchmarks/suite_runs.py --runs 5 --load           # five runs, one core kept busy meanwhile
    python benchmarks/suite_runs.py --runs 5 --load --out benchmarks/results/suite_runs_load.md

Run it in a clone that nothing else edits (a test run reads the working tree). Each run's output
goes to ``<log dir>/run-N.log``; the table (wall time, pytest's summary line, exit code, load
average) is printed and, with ``--out``, written as Markdown beside a JSON copy. It stops at the
first failing run: "five in a row with no failure" is what it measures.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BURNER = "x = 0\nwhile True:\n    x = (x * 1103515245 + 12345) % 2147483648\n"  # one core, no memory


def _summary(log: Path) -> str:
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    hits = [ln for ln in lines if (" passed" in ln or " failed" in ln or " error" in ln) and " in " in ln]
    return hits[-1].strip("= ") if hits else (lines[-1] if lines else "(no output)")


def _write(args: argparse.Namespace, rows: list[dict]) -> None:
    """The table as Markdown at ``args.out`` and everything as JSON beside it."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    meta = {"commit": commit, "load": args.load, "cpus": os.cpu_count(), "python": platform.python_version(),
            "written": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    table = ["| run | wall time | exit | pytest | load avg (1 min) after |", "|---:|---:|---:|---|---:|"]
    table += [f"| {r['run']} | {r['seconds'] / 60:.1f} min | {r['exit']} | {r['summary']} | {r['load_1min_after']} |"
              for r in rows]
    head = (f"# `make {args.target}` × {len(rows)} of {args.runs}{' beside a CPU-bound process' if args.load else ''}\n\n"
            f"Commit `{commit}`, {meta['cpus']} CPUs, Python {meta['python']}, written {meta['written']}. "
            f"Command: `python benchmarks/suite_runs.py --runs {args.runs}{' --load' if args.load else ''}`.\n\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(head + "\n".join(table) + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({**meta, "runs": rows}, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="consecutive runs (default 5)")
    ap.add_argument("--load", action="store_true", help="keep a CPU-bound process running beside the suite")
    ap.add_argument("--target", default="test", help="make target (default: test)")
    ap.add_argument("--logs", type=Path, default=None, help="folder for run-N.log (default: a new temp folder)")
    ap.add_argument("--out", type=Path, default=None, help="write the table here (Markdown) and a .json beside it")
    args = ap.parse_args(argv)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="suite-runs-"))
    logs.mkdir(parents=True, exist_ok=True)
    burner = subprocess.Popen([sys.executable, "-c", BURNER]) if args.load else None
    rows: list[dict] = []
    try:
        for n in range(1, args.runs + 1):
            log = logs / f"run-{n}.log"
            t0 = time.monotonic()
            with log.open("wb") as fh:
                rc = subprocess.run(["make", args.target], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT).returncode
            row = {"run": n, "seconds": round(time.monotonic() - t0, 1), "exit": rc, "summary": _summary(log),
                   "load_1min_after": round(os.getloadavg()[0], 2), "log": str(log)}
            rows.append(row)
            print(f"run {n}: exit {rc}, {row['seconds'] / 60:.1f} min, {row['summary']}", flush=True)
            if args.out:  # after every run: an interrupted series keeps the runs it finished
                _write(args, rows)
            if rc != 0:
                break
    finally:
        if burner is not None:
            burner.kill()
            burner.wait()
    return 0 if rows and all(r["exit"] == 0 for r in rows) and len(rows) == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
