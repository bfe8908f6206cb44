"""Benchmark: full PII scan of a 1M-customer CRM table — Polars engine vs a pandas baseline.

    .venv/bin/python benchmarks/pii_scan.py [--rows 1000000] [--repeats 3] [--skip-baseline]

Generates (once) an 8-column customers table with notes of 50–200 characters embedding personal
values into benchmarks/_data/, then runs each engine in a fresh subprocess (so ``ru_maxrss`` is
that engine's own peak RSS) and writes benchmarks/results/pii_scan.md.

* ``polars``: ``workbench.pii.scan_dataset`` on the loaded dataset (all columns, free text cell by
  cell, validators applied), best of N; loading (``load_dataset``) is timed separately.
* ``pandas``: the same detectors (Python ``re``) through pandas ``Series.str.contains`` per column
  and pattern, validators applied to the candidate cells — the baseline named in the issue.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

DATASET_YAML = """name: PII benchmark CRM ({rows} customers)
as_of: 2026-09-30
organisation: {{name: Bench Corp, industry: retail, annual_revenue: 100000000, currency: EUR, jurisdictions: [EU, CN]}}
tables:
  customers: {{path: customers.parquet}}
"""


def ensure_data(rows: int) -> Path:
    folder = DATA / f"pii_crm_{rows}"
    if (folder / "dataset.yaml").is_file():
        return folder
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pii_corpus import crm_table

    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    df = crm_table(rows)
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), folder / "customers.parquet", row_group_size=100_000)
    (folder / "dataset.yaml").write_text(DATASET_YAML.format(rows=rows), encoding="utf-8")
    print(f"generated {rows:,} rows in {time.perf_counter() - t:.1f}s -> {folder}", file=sys.stderr)
    return folder


def pandas_scan(df) -> dict:
    """Baseline: pandas str.contains per column and detector, validators on candidate cells."""
    from workbench.pii import load_catalog
    from workbench.pii.validators import VALIDATORS

    cat = load_catalog()
    out = {}
    for col in df.columns:
        s = df[col].astype("string")
        for det in cat.text_detectors:
            has = s.str.contains(det.rx, na=False)
            if det.validator and has.any():
                check = VALIDATORS[det.validator]
                has[has] = s[has].map(lambda t, d=det, c=check: any(c(t[slice(*d.value(m))]) for m in d.rx.finditer(t)))
            out[(col, det.category)] = int(has.sum()) | out.get((col, det.category), 0)
    return out


def _current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(engine: str, folder: Path, repeats: int) -> dict:
    from workbench.dataset import load_dataset

    t = time.perf_counter()
    ds = load_dataset(folder)
    load_s = time.perf_counter() - t
    rss_after_load_mb = _current_rss_mb()
    df = ds.tables["customers"].drop(columns=[c for c in ("jurisdiction",) if c in ds.tables["customers"]])
    times, notes_times, cpu = [], [], []
    for _ in range(repeats):
        c0 = time.process_time()
        if engine == "polars":
            from workbench.pii import scan_dataset, text_hits

            t = time.perf_counter()
            inv = scan_dataset(ds)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            hits = text_hits(df["notes"])
            notes_times.append(time.perf_counter() - t)
            found = {f"{e['column']}:{e['category']}": e["share"] for e in inv.columns}
            notes_any = int(hits.any(axis=1).sum())
            cpu.append(time.process_time() - c0)
        else:
            import pandas as pd

            t = time.perf_counter()
            res = pandas_scan(df)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            notes = pandas_scan(pd.DataFrame({"notes": df["notes"]}))
            notes_times.append(time.perf_counter() - t)
            found = {f"{c}:{k}": n for (c, k), n in sorted(res.items()) if n}
            notes_any = None
            cpu.append(time.process_time() - c0)
            del notes
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "rows": len(df), "cells": int(df.size), "load_s": load_s, "scan_s": min(times),
            "scan_all_s": times, "notes_s": min(notes_times), "peak_rss_mb": rss_mb, "found": found,
            "cpu_s_scan_plus_notes": min(cpu), "loadavg_1m": os.getloadavg()[0],
            "rss_after_load_mb": rss_after_load_mb,
            "notes_records_with_pii": notes_any}


def run_engine(engine: str, folder: Path, repeats: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", engine, "--folder", str(folder), "--repeats", str(repeats)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"{engine} worker failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--reuse-baseline", action="store_true",
                    help="take the pandas figures from the last run's results/pii_scan.json (it takes minutes)")
    ap.add_argument("--worker")
    ap.add_argument("--folder")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, Path(a.folder), a.repeats)))
        return
    folder = ensure_data(a.rows)
    results = [run_engine("polars", folder, a.repeats)]
    print(f"polars: scan {results[0]['scan_s']:.2f}s, notes {results[0]['notes_s']:.2f}s, "
          f"peak {results[0]['peak_rss_mb']:.0f} MB", file=sys.stderr)
    previous = RESULTS / "pii_scan.json"
    if a.reuse_baseline and previous.is_file():
        old = [r for r in json.loads(previous.read_text(encoding="utf-8")) if r["engine"] == "pandas"]
        results += [dict(r, reused=True) for r in old[:1]]
    elif not a.skip_baseline:
        results.append(run_engine("pandas", folder, 1))
        print(f"pandas: scan {results[1]['scan_s']:.2f}s, notes {results[1]['notes_s']:.2f}s", file=sys.stderr)
    write_report(results, a)


def write_report(results: list[dict], a: argparse.Namespace) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pii_scan.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    pol = results[0]
    base = results[1] if len(results) > 1 else None
    lines = [
        "# PII scan benchmark",
        "",
        f"Machine: {platform.machine()}, {platform.python_version()}, 2 cores (shared with other jobs, so best of N).",
        f"Table: {pol['rows']:,} customers × 8 columns = {pol['cells']:,} cells; notes 50–200 chars, 30% embed one",
        "personal value, 20% hard negatives (Luhn-failing order numbers, dates, amounts, versions).",
        f"Command: `.venv/bin/python benchmarks/pii_scan.py --rows {a.rows} --repeats {a.repeats}`",
        "",
        "| engine | whole table scan (s) | rows/s | notes column only (s) | CPU s (scan + notes) | load_dataset (s) | RSS after load (MiB) | peak RSS (MiB) | 1-min load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['engine']}{' (previous run)' if r.get('reused') else ''} | {r['scan_s']:.2f} | "
                     f"{r['rows'] / r['scan_s']:,.0f} | {r['notes_s']:.2f} | {r.get('cpu_s_scan_plus_notes') or float('nan'):.2f} | "
                     f"{r['load_s']:.2f} | {r.get('rss_after_load_mb') or float('nan'):.0f} | {r['peak_rss_mb']:.0f} | "
                     f"{r.get('loadavg_1m') or float('nan'):.1f} |")
    if base:
        lines += ["", f"Speed-up of the Polars engine over the pandas `str.contains` baseline: "
                  f"**{base['scan_s'] / pol['scan_s']:.1f}×** on the whole table, "
                  f"**{base['notes_s'] / pol['notes_s']:.1f}×** on the notes column."]
    lines += ["", f"Target: ≤ 5 s and ≤ 1.5 GB for the full scan. Polars scan: {pol['scan_s']:.2f} s "
              f"({'met' if pol['scan_s'] <= 5 else 'NOT met'}); peak RSS of the whole process incl. the loaded pandas "
              f"dataset ({pol.get('rss_after_load_mb') or float('nan'):.0f} MiB after load_dataset): {pol['peak_rss_mb']:.0f} MiB "
              f"({'met' if pol['peak_rss_mb'] <= 1536 else 'NOT met'}).",
              "The scan runs two columns at a time (Polars releases the GIL) and each column's detectors in one "
              "parallel Polars select; CPU seconds above include the extra notes-only pass.",
              f"All polars runs (s): {', '.join(f'{x:.2f}' for x in pol['scan_all_s'])}.",
              f"Notes records with ≥1 personal value (Polars): {pol['notes_records_with_pii']:,}.",
              "", "Inventory found by the Polars engine (column:category → share):", "",
              "```", json.dumps(pol["found"], indent=1, ensure_ascii=False), "```", ""]
    (RESULTS / "pii_scan.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS / 'pii_scan.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
