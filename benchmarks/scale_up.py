"""Scale a generated dataset up k times into Parquet, streaming, for the 10M-customer benchmark.

    .venv/bin/python benchmarks/scale_up.py SRC DST --factor 10

Every table is replicated ``factor`` times in DuckDB with the copy number appended to its ids
(``C0000001`` → ``C0000001-3``; user, transaction and customer references follow, so joins and
the planted problems scale with it; backups and the YAML files are copied as they are). Written
as Parquet in row groups of 100,000 rows (DESIGN), out of core: memory stays at DuckDB's limit
whatever the size. A shortcut for benchmark data, not a generator: ``workbench sample`` remains
the source of truth for planted problems.
"""
from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import duckdb
import yaml

IDS = {  # columns holding ids that must stay unique / keep referring to the right copy
    "customers": ["customer_id"], "transactions": ["transaction_id", "customer_id"], "users": ["user_id"],
    "access_log": ["user_id"],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--factor", type=int, default=10)
    a = ap.parse_args()
    cfg = yaml.safe_load((a.src / "dataset.yaml").read_text(encoding="utf-8"))
    a.dst.mkdir(parents=True, exist_ok=False)
    con = duckdb.connect(config={"memory_limit": "6GB", "temp_directory": str(a.dst / ".tmp")})
    con.execute("SET preserve_insertion_order = false")
    for t, src in cfg["tables"].items():
        t0 = time.perf_counter()
        path = a.src / src["path"]
        reader = f"read_csv('{path}', all_varchar = true)" if path.suffix == ".csv" else f"read_parquet('{path}')"
        factor = a.factor if t in IDS else 1
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
        sel = ", ".join(f"CASE WHEN \"{c}\" IS NULL THEN NULL ELSE \"{c}\" || '-' || k END AS \"{c}\""
                        if c in IDS.get(t, []) else f'"{c}"' for c in cols)
        con.execute(f"COPY (SELECT {sel} FROM {reader}, range({factor}) r(k)) TO '{a.dst / (t + '.parquet')}' "
                    f"(FORMAT parquet, ROW_GROUP_SIZE 100000)")
        n = con.execute(f"SELECT count(*) FROM read_parquet('{a.dst / (t + '.parquet')}')").fetchone()[0]
        print(f"{t}: {n:,} rows in {time.perf_counter() - t0:.1f}s")
        cfg["tables"][t] = {"path": f"{t}.parquet"}
    shutil.rmtree(a.dst / ".tmp", ignore_errors=True)
    for f in ("permissions.yaml", "posture.yaml"):
        shutil.copy(a.src / f, a.dst / f)
    cfg["name"] = f"{cfg['name']} ×{a.factor}"
    (a.dst / "dataset.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
