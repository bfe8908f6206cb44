"""`init` -> `validate` -> `scan` on public sample databases, unedited, scored against hand labels.

Usage: python benchmarks/real_exports.py DATA_DIR [--out DIR]

DATA_DIR holds one folder per database named as in ``benchmarks/real_exports_labels.yaml``
(chinook/, northwind/, sakila/, olist/), each with the files of the export as fetched (see the
``source`` of each entry: repository, commit and path; Northwind is built from its create.sql with
``sqlite3.connect("northwind.db").executescript(open("create.sql").read())``). The databases are
never committed. Every step runs the CLI as a user would (``python -m workbench``), timed.

Per database it prints the tables init chose, whether the unedited draft validated, and per-column
recall (labelled personal-data columns reported in their labelled category) and false positives
(reported column/category pairs the labels do not have). Held-out databases are reported apart.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LABELS = HERE / "real_exports_labels.yaml"


def _run(*args: str) -> tuple[int, float, str]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True,
                       cwd=HERE.parent, timeout=1800)
    return r.returncode, time.perf_counter() - t0, (r.stderr.strip().splitlines() or [""])[-1]


def _source_names(ds_yaml: dict) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """canonical table -> source table, and canonical table -> engine column -> source column."""
    tables = {}
    for t, src in (ds_yaml.get("tables") or {}).items():
        tables[t] = src.get("table") or Path(src.get("path", t)).stem
    cols = {t: {c: s for c, s in m.items()} for t, m in (ds_yaml.get("columns") or {}).items()}
    return tables, cols


def evaluate(name: str, spec: dict, folder: Path, work: Path) -> dict:
    ds, out = work / f"{name}-ds", work / f"{name}-out"
    ds.mkdir()
    rc_init, t_init, err_init = _run("init", str(folder), "--out", str(ds))
    res = {"database": name, "held_out": spec["held_out"], "init": rc_init, "init_s": round(t_init, 2),
           "error": err_init if rc_init else ""}
    if rc_init:
        return res
    doc = yaml.safe_load((ds / "dataset.yaml").read_text(encoding="utf-8"))
    rc_val, _, err_val = _run("validate", str(ds))
    rc_scan, t_scan, err_scan = _run("scan", str(ds), "--out", str(out), "--quiet")
    res.update(validate=rc_val, scan=rc_scan, scan_s=round(t_scan, 2), error=err_val or err_scan)
    tables, cols = _source_names(doc)
    res["chosen"] = {t: tables[t] for t in ("customers", "users", "transactions") if t in tables}
    if rc_scan:
        return res
    inv = json.loads((out / "pii_inventory.json").read_text(encoding="utf-8"))
    reported = set()
    for e in inv["inventory"]:
        t = tables.get(e["table"], e["table"])
        c = cols.get(e["table"], {}).get(e["column"], e["column"])
        reported.add((t, c, e["category"]))
    labels = {(t, c, cat) for t, m in spec["labels"].items() for c, cat in m.items()}
    found = labels & reported
    res.update(labelled=len(labels), found=len(found), recall=round(len(found) / len(labels), 3) if labels else None,
               false_positives=sorted(f"{t}.{c}: {k}" for t, c, k in reported - labels),
               missed=sorted(f"{t}.{c}: {k}" for t, c, k in labels - reported),
               tables_scanned=len(inv.get("tables", [])),
               skipped_columns=sum(len(t["skipped_columns"]) for t in inv.get("tables", [])))
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args()
    spec = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["databases"]
    results = []
    with tempfile.TemporaryDirectory(prefix="real-exports-") as tmp:
        for name, s in spec.items():
            folder = args.data_dir / name
            if not folder.is_dir():
                print(f"{name}: {folder} not found, skipped", file=sys.stderr)
                continue
            results.append(evaluate(name, s, folder, Path(tmp)))
    for held in (False, True):
        rows = [r for r in results if r["held_out"] == held]
        if not rows:
            continue
        print(f"\n### {'Held out (not looked at while tuning)' if held else 'Tuned on'}\n")
        print("| database | init | validate | scan | chosen (customers / users / transactions) | tables | "
              "recall | false positives | init s | scan s |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            ch = r.get("chosen", {})
            print(f"| {r['database']} | {r['init']} | {r.get('validate', '-')} | {r.get('scan', '-')} | "
                  f"{ch.get('customers', '-')} / {ch.get('users', '-')} / {ch.get('transactions', '-')} | "
                  f"{r.get('tables_scanned', '-')} | {r.get('found', '-')}/{r.get('labelled', '-')} = {r.get('recall', '-')} | "
                  f"{len(r.get('false_positives', []))} | {r['init_s']} | {r.get('scan_s', '-')} |")
        for r in rows:
            if r.get("error"):
                print(f"\n{r['database']}: {r['error']}")
            if r.get("missed"):
                print(f"\n{r['database']} missed: {', '.join(r['missed'])}")
            if r.get("false_positives"):
                print(f"\n{r['database']} false positives: {', '.join(r['false_positives'])}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
