"""Run every benchmark in turn (each writes its figures to benchmarks/results/).

    .venv/bin/python benchmarks/run_all.py [--only NAME ...]

Benchmark-only dependencies (pyfair, presidio-analyzer) come from benchmarks/requirements.txt;
`make bench` installs them first. Run on a quiet machine: the figures are wall-clock times.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["sample_generate", "product_e2e", "pii_scan", "pii_accuracy", "breach_engine", "breach_cli", "training_store",
           "training_server_load", "report_run", "dpia_run"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=SCRIPTS, help="run only these")
    names = ap.parse_args().only or SCRIPTS
    failed = []
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] {name}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(HERE / f"{name}.py")])
        print(f"[{i}/{len(names)}] {name}: exit {rc} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
