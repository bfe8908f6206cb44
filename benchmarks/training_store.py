"""Results-store write benchmark: N processes recording attempts into one SQLite file at once.

Engine: ``workbench.training.record_attempt`` (WAL, busy timeout, BEGIN IMMEDIATE, retries).
Baseline: plain ``sqlite3`` inserts with the default rollback journal and a 0.1 s busy timeout, as a
naive implementation would do. Reports rows written, rows lost (errors), time, attempts/s and the
peak RSS of one writer process. Best of 3 runs. Writes benchmarks/results/training_store.md.

    .venv/bin/python benchmarks/training_store.py
"""
from __future__ import annotations

import multiprocessing as mp
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
DATA = HERE / "_data" / "training_store"
PER_WRITER = 25


def _workbench_writer(args: tuple[str, int, object]) -> tuple[int, int, int]:
    path, i, barrier = args
    from workbench.training import answer_key, grade, load_module, record_attempt
    from workbench.training.store import engine_for

    m = load_module("case-bank-crm-leak")
    result = grade(m, answer_key(m))
    engine_for(path)  # connect + schema before the start line, like the baseline's pre-created tables
    barrier.wait()
    t0 = time.perf_counter()
    ok = lost = 0
    for k in range(PER_WRITER):
        try:
            record_attempt(path, trainee=f"U{i:03d}-{k:03d}", module=m, result=result, source="bench")
            ok += 1
        except Exception:
            lost += 1
    return ok, lost, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, t0, time.perf_counter()


def _naive_writer(args: tuple[str, int, object]) -> tuple[int, int, int]:
    path, i, barrier = args
    barrier.wait()
    t0 = time.perf_counter()
    ok = lost = 0
    for k in range(PER_WRITER):
        try:
            conn = sqlite3.connect(path, timeout=0.1)
            with conn:
                cur = conn.execute("INSERT INTO attempts (trainee, score) VALUES (?, ?)", (f"U{i:03d}-{k:03d}", 1.0))
                conn.executemany("INSERT INTO responses (attempt_id, question_id, correct) VALUES (?, ?, 1)",
                                 [(cur.lastrowid, f"q{j}") for j in range(8)])
            conn.close()
            ok += 1
        except sqlite3.OperationalError:
            lost += 1
    return ok, lost, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, t0, time.perf_counter()


def _prepare_naive(path: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, trainee TEXT, score REAL)")
        conn.execute("CREATE TABLE responses (attempt_id INTEGER, question_id TEXT, correct INTEGER)")


def run(kind: str, writers: int) -> dict[str, float]:
    best: dict[str, float] | None = None
    for rep in range(3):
        folder = DATA / f"{kind}_{writers}_{rep}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        path = str(folder / "results.db")
        if kind == "naive":
            _prepare_naive(path)
        ctx = mp.get_context("fork")
        with ctx.Manager() as manager:
            barrier = manager.Barrier(writers)
            with ctx.Pool(writers) as pool:
                out = pool.map(_workbench_writer if kind == "workbench" else _naive_writer,
                               [(path, i, barrier) for i in range(writers)])
        # wall time of the concurrent phase: first writer released → last writer done
        elapsed = max(o[4] for o in out) - min(o[3] for o in out)
        ok, lost = sum(o[0] for o in out), sum(o[1] for o in out)
        row = {"seconds": elapsed, "written": ok, "lost": lost, "per_s": ok / elapsed,
               "peak_rss_mb": max(o[2] for o in out) / 1024}
        if best is None or row["seconds"] < best["seconds"]:
            best = row
    assert best is not None
    return best


def main() -> None:
    lines = ["# Training results store: concurrent writers on one SQLite file", "",
             f"{PER_WRITER} attempts per writer (8 questions each), best of 3, fork start method, 2-core machine; "
             "time = first writer released by the barrier → last writer done (process start-up excluded).",
             "Baseline: naive sqlite3 inserts (rollback journal, 0.1 s busy timeout, no retries).", "",
             "| engine | writers | attempts written | lost | seconds | attempts/s | peak RSS per writer (MB) |",
             "|---|---|---|---|---|---|---|"]
    for writers in (1, 4, 20):
        for kind in ("workbench", "naive"):
            r = run(kind, writers)
            lines.append(f"| {kind} | {writers} | {r['written']} | {r['lost']} | {r['seconds']:.2f} | "
                         f"{r['per_s']:.0f} | {r['peak_rss_mb']:.0f} |")
            print(lines[-1], flush=True)
    out = HERE / "results" / "training_store.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
