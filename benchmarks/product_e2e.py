"""End-to-end product timings: the CLI a user runs (start-up and loading included), beside a
same-run baseline and a floor.

    .venv/bin/python benchmarks/product_e2e.py [--data DIR] [--customers 1000000] [--commands scan assess simulate]
    .venv/bin/python benchmarks/product_e2e.py --data /tmp/crm10m --commands scan assess --no-baseline   # 10M Parquet
    (make it with: workbench sample --customers 10000000 --seed 11 --format parquet --out /tmp/crm10m)

For each command it runs, in fresh processes:

* ``workbench``   — this checkout's CLI (``python -m workbench CMD DATA --out ...``);
* ``baseline``    — the same command of the pandas-based product before the engine layer
                    (git revision ``--baseline-rev``, checked out into a temporary worktree and
                    run with this venv): what users had;
* ``duckdb-floor``— raw DuckDB on the same files: read every table and run one regex over every
                    customers column (what no product path can beat).

Wall time is measured around the process; peak RSS is ``ru_maxrss`` from ``wait4`` (the largest
of the process and the children it waited for — the report's kernels included). The load
average before and after each run is recorded, since the machine may be shared. Results:
``benchmarks/results/product_e2e.{json,md}`` (``--tag`` names the run inside them).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
BASELINE_REV = "64a5711"  # last commit with the eager pandas loader (decode → StringIO → pandas)

FLOOR = r"""
import sys, duckdb, yaml, pathlib
root = pathlib.Path(sys.argv[1]); cfg = yaml.safe_load((root / "dataset.yaml").read_text())
con = duckdb.connect()
for t, src in cfg["tables"].items():
    p = str(root / src["path"])
    reader = "read_parquet" if p.endswith(".parquet") else "read_csv"
    con.execute(f"CREATE TABLE {t} AS SELECT * FROM {reader}('{p}')")
cols = [r[0] for r in con.execute("DESCRIBE customers").fetchall()]
expr = ", ".join(f"count(*) FILTER (WHERE regexp_matches(CAST(\"{c}\" AS VARCHAR), '[0-9]{{6,}}|@'))" for c in cols)
con.execute(f"SELECT {expr} FROM customers").fetchall()
"""


def _run(cmd: list[str], env: dict | None = None, cwd: Path = REPO) -> dict:
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    # cwd decides which package `python -m workbench` imports (the current folder comes first)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return {"seconds": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024), "exit": code,
            "load_before": round(load0, 2), "load_after": round(os.getloadavg()[0], 2),
            **({"stderr_tail": err.strip().splitlines()[-1][:300]} if code and err.strip() else {})}


def _baseline_tree(rev: str) -> Path:
    tree = Path(tempfile.mkdtemp(prefix="workbench-baseline-"))
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev], check=True,
                   capture_output=True)
    return tree


def _args(command: str, data: Path, out: Path) -> list[str]:
    if command == "report":
        return ["report", "--dataset", str(data), "--quarter", "2026Q3", "--out", str(out), "--quiet"]
    return [command, str(data), "--out", str(out)] + (["--quiet"] if command == "scan" else [])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "workbench-bench-1m")
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--commands", nargs="+", default=["scan", "assess", "simulate"])
    ap.add_argument("--engine", default=None, help="pass --engine to this checkout's CLI")
    ap.add_argument("--baseline-rev", default=BASELINE_REV)
    ap.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline (it needs ~3 GB per 1M customers)")
    ap.add_argument("--tag", default=None, help="name of this run in the results (default: DATA's name)")
    a = ap.parse_args()
    py = sys.executable
    if not (a.data / "dataset.yaml").is_file():
        print(f"generating {a.customers:,} customers into {a.data} …", file=sys.stderr)
        subprocess.run([py, "-m", "workbench", "sample", "--customers", str(a.customers), "--seed", str(a.seed),
                        "--out", str(a.data)], check=True, cwd=REPO)
    size = sum(p.stat().st_size for p in a.data.iterdir() if p.is_file())
    rows = {}
    for line in subprocess.run([py, "-m", "workbench", "validate", str(a.data)], capture_output=True, text=True,
                               cwd=REPO).stdout.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[2] == "rows":
            rows[parts[0]] = int(parts[1].replace(",", ""))
    tree = None if a.no_baseline else _baseline_tree(a.baseline_rev)
    out_root = Path(tempfile.mkdtemp(prefix="workbench-bench-out-"))
    results: dict = {"data": str(a.data), "bytes": size, "rows": rows, "commands": {},
                     "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                     "baseline_rev": None if a.no_baseline else a.baseline_rev}
    try:
        floor = _run([py, "-c", FLOOR, str(a.data)])
        results["duckdb_floor"] = floor
        print(f"duckdb-floor: {floor}", file=sys.stderr)
        for cmd in a.commands:
            eng = ["--engine", a.engine] if a.engine else []
            new = _run([py, "-m", "workbench", *_args(cmd, a.data, out_root / f"new-{cmd}"), *eng])
            entry = {"workbench": new}
            print(f"{cmd} workbench: {new}", file=sys.stderr)
            if tree is not None:
                env = dict(os.environ, PYTHONPATH=str(tree))
                base = _run([py, "-m", "workbench", *_args(cmd, a.data, out_root / f"old-{cmd}")], env=env, cwd=tree)
                entry["baseline"] = base
                entry["speedup_vs_baseline"] = round(base["seconds"] / new["seconds"], 2) if new["seconds"] else None
                entry["memory_ratio_vs_baseline"] = round(base["peak_rss_mb"] / max(new["peak_rss_mb"], 1), 2)
                print(f"{cmd} baseline: {base}", file=sys.stderr)
            entry["rows_per_second"] = round(sum(rows.values()) / new["seconds"]) if new["seconds"] else None
            results["commands"][cmd] = entry
    finally:
        shutil.rmtree(out_root, ignore_errors=True)
        if tree is not None:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True)
    tag = a.tag or a.data.name
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "product_e2e.json"
    doc = json.loads(path.read_text()) if path.is_file() else {}
    doc[tag] = results
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    _markdown(doc)
    print(json.dumps(results, indent=2))
    return 0


def _markdown(doc: dict) -> None:
    lines = ["# Product end to end (CLI, start-up and loading included)", "",
             "Generated by `benchmarks/product_e2e.py`. Peak RSS is `ru_maxrss` of the command's process tree "
             "(largest single process). `baseline` is the pandas product before the engine layer, run in the "
             "same session on the same files; `duckdb-floor` reads every table and runs one regex over every "
             "customers column in raw DuckDB. Load average (1 min) before/after each run shows how busy the "
             "2-core machine was.", ""]
    for tag, r in sorted(doc.items()):
        total = sum(r["rows"].values())
        lines += [f"## {tag}: {r['rows'].get('customers', 0):,} customers, {total:,} rows in all, "
                  f"{r['bytes'] / 1e6:,.0f} MB on disk", "",
                  "| command | workbench s | peak MB | rows/s | baseline s | baseline peak MB | speed-up | memory ratio | load before→after |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for cmd, e in r["commands"].items():
            w, b = e["workbench"], e.get("baseline") or {}
            lines.append(f"| {cmd} | {w['seconds']}{'' if not w['exit'] else ' (exit ' + str(w['exit']) + ')'} | "
                         f"{w['peak_rss_mb']:,} | {e['rows_per_second'] or 0:,} | {b.get('seconds', '—')} | "
                         f"{b.get('peak_rss_mb', '—')} | {e.get('speedup_vs_baseline', '—')}× | "
                         f"{e.get('memory_ratio_vs_baseline', '—')}× | {w['load_before']}→{w['load_after']} |")
        f = r["duckdb_floor"]
        lines += ["", f"duckdb-floor: {f['seconds']} s, {f['peak_rss_mb']:,} MB peak.", ""]
    (RESULTS / "product_e2e.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
