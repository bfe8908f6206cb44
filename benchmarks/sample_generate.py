"""Benchmark: ``workbench sample`` end to end (the CLI a user runs), 10M customers as Parquet.

Each run is a fresh ``workbench sample`` process; wall time and its own peak RSS (``os.wait4``)
are recorded, with the 1-minute load average before and after. Configurations: the bounded-memory
generator at 10,000,000 customers (Parquet) and at 1,000,000 (Parquet and CSV); baseline in the
same run: the previous, all-in-memory generator at 1,000,000 (Parquet and CSV), given as the
``workbench`` executable of an install of the older version (``--baseline``; skipped without it).
Every output folder is deleted after its run (10M Parquet is several GB), the large one unless
``--keep DIR`` is given.

    .venv/bin/python benchmarks/sample_generate.py [--baseline /path/to/old/.venv/bin/workbench]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
WORKBENCH = Path(sys.executable).with_name("workbench")


def run(exe: Path, customers: int, layout: str, keep: Path | None = None) -> dict:
    out = keep or DATA / f"sample_{customers}_{layout}"
    shutil.rmtree(out, ignore_errors=True)
    # --layout, not --format: the baseline predates the alias
    cmd = [str(exe), "sample", "--customers", str(customers), "--seed", "11", "--layout", layout, "--out", str(out)]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    size = sum(p.stat().st_size for p in out.iterdir())
    if keep is None:
        shutil.rmtree(out)
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "mb_on_disk": size / 2**20,
            "load": (load0, os.getloadavg()[0])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=10_000_000, help="the large run (default 10,000,000)")
    ap.add_argument("--baseline", type=Path, help="`workbench` executable of the previous generator")
    ap.add_argument("--keep", type=Path, help="write the large run here and keep it (to assess it afterwards)")
    a = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    runs = [("bounded (this version)", WORKBENCH, a.customers, "parquet"),
            ("bounded (this version)", WORKBENCH, 1_000_000, "parquet"),
            ("bounded (this version)", WORKBENCH, 1_000_000, "csv")]
    if a.baseline:
        runs += [("previous, all in memory", a.baseline, 1_000_000, "parquet"),
                 ("previous, all in memory", a.baseline, 1_000_000, "csv")]
    rows = []
    for i, (label, exe, n, layout) in enumerate(runs):
        r = run(exe, n, layout, a.keep if i == 0 else None)
        rows.append((label, n, layout, r))
        print(label, n, layout, r, flush=True)
    lines = [f"# `workbench sample` end to end, up to {a.customers:,} customers", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 cores shared with other jobs; "
             "one run each, in a fresh process (`workbench sample --seed 11 --layout L --out DIR`), "
             "peak RSS of that process; output folders deleted after the runs.",
             "Every table is written: customers, transactions (3 per customer), staff (customers/50), "
             "access log, backups, training records.", "",
             "| generator | customers | layout | seconds | customers/s | peak RSS MB | on disk MB | load avg before → after |",
             "|---|---:|---|---:|---:|---:|---:|---|"]
    for label, n, layout, r in rows:
        lines.append(f"| {label} | {n:,} | {layout} | {r['seconds']:.1f} | {n / r['seconds']:,.0f} | "
                     f"{r['peak_mb']:,.0f} | {r['mb_on_disk']:,.0f} | {r['load'][0]:.1f} → {r['load'][1]:.1f} |")
    lines += ["", "The bounded generator makes and writes customers and transactions one shard of at most "
              "1,000,000 customers at a time, and beyond one shard the access log in time-ordered chunks, so "
              "its peak stays near that of one shard whatever --customers; up to one shard its files are "
              "byte-identical to the previous generator's. The previous generator held every table in memory "
              "until the end, so its peak grows with --customers (issue 10: about 2 GB per million); it is not run at 10M."]
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "sample_generate.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
