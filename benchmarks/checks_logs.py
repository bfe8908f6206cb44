"""Benchmark AC-004 + AC-005 (log checks) on 10M access-log rows read from Parquet on disk.

    .venv/bin/python benchmarks/checks_logs.py [--rows 10000000] [--repeats 3]

Generates (once, cached in benchmarks/_data/) 10M log rows, 20k users, 12 roles, 40 fields as
Parquet in row groups of 100k, then runs each engine in a fresh subprocess per repeat and records
the best wall time of the two checks together and the peak RSS of that process:

* duckdb        — workbench.checks.logs.access_violations straight from the Parquet files (the
                  path the checks use; nothing of the log enters pandas)
* pandas-merge  — baseline: read the Parquet into pandas, merge with users, explode field lists
                  of the distinct (role, table, fields) combinations, merge with the grants

Both must report the same counts. Results: benchmarks/results/checks_logs.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "checks_logs"
RESULTS = HERE / "results" / "checks_logs.md"
sys.path.insert(0, str(HERE.parent))

N_USERS, N_ROLES, N_FIELDS, TABLES = 20_000, 12, 40, ("customers", "transactions", "users", "orders")
START, DAYS = "2026-04-01", 180  # log spans 180 days; the checks look at the last 90
AS_OF = "2026-09-27"
ROW_GROUP = 100_000


def permissions_dict(rng) -> dict:
    """role00 is all-access; the others read 8-30 of the 40 fields (or '*') on each table, some may export."""
    fields = [f"f{i:02d}" for i in range(N_FIELDS)]
    roles: dict = {"role00": {"*": {"read": "*", "export": True}}}
    for r in range(1, N_ROLES):
        roles[f"role{r:02d}"] = {
            t: {"read": "*" if (r + i) % 7 == 0 else
                sorted(rng.choice(fields, size=int(rng.integers(8, 31)), replace=False).tolist()),
                "export": bool((r + i) % 3 == 0)}
            for i, t in enumerate(TABLES)}
    return {"roles": roles}


def generate(rows: int) -> None:
    """Realistic traffic: reads within the role's fields except ~0.1%, exports mostly by roles allowed to."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import yaml

    DATA.mkdir(parents=True, exist_ok=True)
    stamp = DATA / f"done_v2_{rows}"
    if stamp.exists():
        return
    for old in DATA.glob("done_*"):
        old.unlink()
    rng = np.random.default_rng(20260930)
    perms = permissions_dict(rng)
    (DATA / "permissions.yaml").write_text(yaml.safe_dump(perms), encoding="utf-8")
    uids = np.array([f"U{i:06d}" for i in range(N_USERS)], dtype=object)
    role_names = [f"role{r:02d}" for r in range(N_ROLES)]
    user_role = rng.integers(0, N_ROLES, N_USERS)
    pq.write_table(pa.table({"user_id": uids, "role": np.array(role_names, dtype=object)[user_role]}),
                   DATA / "users.parquet")
    all_fields = [f"f{i:02d}" for i in range(N_FIELDS)]
    combos: list[str] = []
    pool = np.zeros((N_ROLES, len(TABLES), 40), dtype=np.int32)  # 40 allowed field lists per role and table
    may_export = np.zeros((N_ROLES, len(TABLES)), dtype=bool)
    for r, role in enumerate(role_names):
        for t, table in enumerate(TABLES):
            grant = perms["roles"][role].get(table) or perms["roles"][role]["*"]
            allowed = all_fields if grant["read"] == "*" else grant["read"]
            may_export[r, t] = grant["export"]
            for k in range(40):
                pick = rng.choice(allowed, size=int(rng.integers(1, 5)), replace=False)
                combos.append(",".join(sorted(pick)))
                pool[r, t, k] = len(combos) - 1
    n_ok = len(combos)
    combos += [",".join(sorted(rng.choice(all_fields, size=int(rng.integers(1, 5)), replace=False))) for _ in range(200)] + ["*"]
    actions = np.array(["read", "write", "export", "login", "delete"], dtype=object)
    writer = None
    t0 = np.datetime64(START, "us").astype(np.int64)
    span = DAYS * 86_400 * 1_000_000
    for lo in range(0, rows, 1_000_000):
        n = min(1_000_000, rows - lo)
        ts = np.sort(rng.integers(t0, t0 + span, n))
        who = rng.integers(0, N_USERS, n)
        r = user_role[who]
        t = rng.integers(0, len(TABLES), n)
        combo = pool[r, t, rng.integers(0, 40, n)]
        odd = rng.random(n) < 0.001  # 0.1% of events read something random (often forbidden)
        combo[odd] = rng.integers(n_ok, len(combos), int(odd.sum()))
        act = rng.choice(5, n, p=[0.75, 0.1, 0.05, 0.08, 0.02])
        blocked = (act == 2) & ~may_export[r, t] & (rng.random(n) > 0.01)  # 1% of forbidden exports get through
        act[blocked] = 0
        batch = pa.table({
            "timestamp": pa.array(ts.astype("datetime64[us]")),
            "user_id": pa.DictionaryArray.from_arrays(who.astype(np.int32), pa.array(uids)),
            "action": pa.DictionaryArray.from_arrays(act.astype(np.int32), pa.array(actions)),
            "table": pa.DictionaryArray.from_arrays(t.astype(np.int32), pa.array(list(TABLES))),
            "fields": pa.DictionaryArray.from_arrays(combo, pa.array(combos)),
            "record_count": rng.integers(1, 500, n).astype(np.int32),
        })
        if writer is None:
            writer = pq.ParquetWriter(DATA / "access_log.parquet", batch.schema)
        writer.write_table(batch, row_group_size=ROW_GROUP)
    writer.close()
    stamp.write_text("ok")


def _window():
    import pandas as pd
    now = pd.Timestamp(AS_OF) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return now - pd.Timedelta(days=90), now


def run_duckdb() -> dict:
    from workbench.checks.logs import access_violations
    from workbench.config import Permissions, read_yaml

    perms = read_yaml(DATA / "permissions.yaml", Permissions, "permissions")
    start, end = _window()
    r = access_violations(DATA / "access_log.parquet", DATA / "users.parquet", perms, start, end)
    return {"read_events": r.read_events, "read_violations": r.read_violations,
            "export_events": r.export_events, "export_violations": r.export_violations}


def run_pandas() -> dict:
    import pandas as pd

    from workbench.checks.logs import grant_frames
    from workbench.config import Permissions, read_yaml

    perms = read_yaml(DATA / "permissions.yaml", Permissions, "permissions")
    start, end = _window()
    log = pd.read_parquet(DATA / "access_log.parquet", columns=["timestamp", "user_id", "action", "table", "fields"])
    users = pd.read_parquet(DATA / "users.parquet")
    log = log[(log["timestamp"] >= start) & (log["timestamp"] <= end) & log["action"].isin(["read", "export"])]
    log = log.merge(users, on="user_id", how="left")
    reads, exports = grant_frames(perms)
    rd = log[log["action"] == "read"]
    combos = rd.groupby(["role", "table", "fields"], observed=True, dropna=False).size().rename("n").reset_index()
    ex = combos.assign(field=combos["fields"].astype(str).str.split(",")).explode("field")
    ex["field"] = ex["field"].str.strip().str.lower()
    ok_specific = ex.merge(reads.rename(columns={"tbl": "table"}), on=["role", "table", "field"], how="left", indicator=True)["_merge"].eq("both").to_numpy()
    star = reads[reads["field"] == "*"]
    ok_star_t = ex.merge(star[["role", "tbl"]].rename(columns={"tbl": "table"}).drop_duplicates(), on=["role", "table"], how="left", indicator=True)["_merge"].eq("both").to_numpy()
    anyt = reads[reads["tbl"] == "*"]
    ok_anyt = ex.merge(anyt[["role", "field"]].drop_duplicates(), on=["role", "field"], how="left", indicator=True)["_merge"].eq("both").to_numpy()
    ok_all = ex["role"].isin(anyt.loc[anyt["field"] == "*", "role"]).to_numpy()
    ex["denied"] = ~(ok_specific | ok_star_t | ok_anyt | ok_all)
    bad = ex.groupby(["role", "table", "fields"], observed=True, dropna=False).agg(denied=("denied", "any"), n=("n", "first"))
    xp = log[log["action"] == "export"]
    xg = exports.rename(columns={"tbl": "table"})
    allowed = xp.merge(xg, on=["role", "table"], how="left", indicator=True)["_merge"].eq("both").to_numpy().copy()
    allowed |= xp["role"].isin(xg.loc[xg["table"] == "*", "role"]).to_numpy()
    return {"read_events": int(len(rd)), "read_violations": int(bad.loc[bad["denied"], "n"].sum()),
            "export_events": int(len(xp)), "export_violations": int((~allowed).sum())}


def child(engine: str) -> None:
    import duckdb  # noqa: F401  imports are not part of the timed work (both engines need pandas)
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import workbench.checks.logs  # noqa: F401
    t = time.perf_counter()
    res = {"duckdb": run_duckdb, "pandas-merge": run_pandas}[engine]()
    res["seconds"] = time.perf_counter() - t
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.child)
    t = time.perf_counter()
    generate(a.rows)
    print(f"data ready in {time.perf_counter() - t:.1f} s ({a.rows:,} rows)", flush=True)
    load_before = os.getloadavg()[0]
    best: dict[str, dict] = {}
    for rep in range(a.repeats):
        for engine in ("duckdb", "pandas-merge"):
            out = subprocess.run([sys.executable, __file__, "--child", engine], capture_output=True, text=True,
                                 check=True, env={**os.environ, "PYTHONHASHSEED": "0"}).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"  {engine:<13} run {rep + 1}: {r['seconds']:.2f} s, peak {r['peak_rss_mb']:.0f} MB", flush=True)
            if engine not in best or r["seconds"] < best[engine]["seconds"]:
                best[engine] = r
    counts = {e: {k: v for k, v in r.items() if k not in ("seconds", "peak_rss_mb")} for e, r in best.items()}
    assert counts["duckdb"] == counts["pandas-merge"], counts
    d, p = best["duckdb"], best["pandas-merge"]
    ok = d["seconds"] <= 2.0 and d["peak_rss_mb"] <= 500
    c = counts["duckdb"]
    lines = [
        "# AC-004 + AC-005 on 10M access-log rows",
        "",
        f"Generated by `benchmarks/checks_logs.py` ({a.rows:,} log rows, {N_USERS:,} users, {N_ROLES} roles, "
        f"{N_FIELDS} fields, {len(TABLES)} tables; Parquet, row groups of {ROW_GROUP:,}; window 90 of {DAYS} days). "
        f"Both checks together, from Parquet on disk; each engine in a fresh process; best of {a.repeats} "
        "(the machine is shared, timings are noisy). Time excludes interpreter start-up and imports. Peak RSS = `ru_maxrss` of that process (includes the "
        "Python interpreter and imports).",
        "",
        "| engine | time (s) | rows/s | peak RSS (MB) | vs pandas-merge |",
        "|---|---:|---:|---:|---:|",
        f"| DuckDB SQL (`workbench.checks.logs`) | {d['seconds']:.2f} | {a.rows / d['seconds']:,.0f} | {d['peak_rss_mb']:.0f} | {p['seconds'] / d['seconds']:.1f}× faster, {p['peak_rss_mb'] / d['peak_rss_mb']:.1f}× less memory |",
        f"| pandas merge (baseline) | {p['seconds']:.2f} | {a.rows / p['seconds']:,.0f} | {p['peak_rss_mb']:.0f} | 1.0× |",
        "",
        f"Counts (identical in both engines): {c['read_events']:,} reads in the window, {c['read_violations']:,} "
        f"forbidden (AC-004); {c['export_events']:,} exports, {c['export_violations']:,} unauthorised (AC-005).",
        "",
        f"Target ≤ 2 s and ≤ 500 MB for DuckDB: **{'met' if ok else 'NOT met'}** in this run. "
        f"Load average when the run started: {load_before:.1f} on {os.cpu_count()} cores (other jobs were running).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
