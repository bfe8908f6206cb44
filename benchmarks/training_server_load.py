"""Load test of the trainee server (issue 16): N headless Chromium pages opened at once.

    .venv/bin/python benchmarks/training_server_load.py [--pages 20] [--only serve|baseline] [--pool N ...]

Two servers, measured in the same run, one after the other:

* ``serve`` — ``workbench serve`` as a user runs it (its server.yaml: idle culling 60 s, ipc
  transport, kernel limit; the quiz kernel imports no pandas/plotly), identity from a trusted
  proxy header, roster from the bundled sample;
* ``baseline`` — plain ``voila notebooks/04_privacy_training.ipynb`` with Voilà's defaults (TCP
  ports, no culling) on the same notebook plus the pandas + plotly set-up cell it had before issue 16.

Per server: time from navigation to the quiz widget being visible (median, p90, max), the memory of
the Voilà process tree (PSS, so shared pages count once) before and with all pages open (per session:
the growth divided by the kernels started for the pages; and the mean PSS of one kernel process,
pooled ones included), and after the tabs close how many trainee
kernels are left every 10 s for 150 s (the idle pool of pre-started kernels that ``serve`` keeps ready
is not counted: it stays by design). Writes
``benchmarks/results/training_server_load.{json,md}`` with the load average beside the figures.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SAMPLE = REPO / "data" / "samples" / "acme_retail"
MODULE = "access-control"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _pss_mb(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        try:
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total / 2**20


def _kernel_procs(pid: int) -> list[psutil.Process]:
    """The kernel processes in the server's tree."""
    out = []
    for p in _tree(pid):
        try:
            if any("ipykernel_launcher" in part for part in p.cmdline()):
                out.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return out


def _kernel_pss_mb(pid: int) -> list[float]:
    """PSS of every kernel process in the server's tree (what one trainee session holds)."""
    out = []
    for p in _kernel_procs(pid):
        try:
            out.append(p.memory_full_info().pss / 2**20)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return out


def _tree_cpu(pid: int, seconds: float) -> float:
    """CPU-seconds the server's process tree used over the next ``seconds``."""
    def total() -> float:
        t = 0.0
        for p in _tree(pid):
            try:
                c = p.cpu_times()
                t += c.user + c.system
            except psutil.NoSuchProcess:
                pass
        return t
    before = total()
    time.sleep(seconds)
    return total() - before


def _kernels(pid: int) -> int:
    return len(_kernel_procs(pid))


def _baseline_notebook(folder: Path) -> Path:
    """Notebook 04 with the set-up cell it had before issue 16 (imports pandas and plotly)."""
    nb = json.loads((REPO / "notebooks" / "04_privacy_training.ipynb").read_text(encoding="utf-8"))
    nb["cells"].insert(2, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                           "source": ["import workbench.notebook\n", "workbench.notebook.setup()  # pandas + plotly, as before"]})
    path = folder / "04_baseline.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


PROXY_SECRET = "benchmark-proxy-secret-0123456789"


def _start(kind: str, folder: Path, port: int, pool: int | None = None) -> tuple[subprocess.Popen, int]:
    """Start a server; return (process, pid of the Voilà process whose tree holds the kernels)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_TRAINING_")}
    log = open(folder / f"{kind}.log", "wb")
    if kind == "serve":
        env["WORKBENCH_PROXY_SECRET"] = PROXY_SECRET  # what the authenticating proxy sends (every page does)
        cmd = [sys.executable, "-m", "workbench", "serve", "--port", str(port), "--store", str(folder / "serve.db"),
               "--dataset", str(SAMPLE), "--trust-header", "X-Forwarded-User",
               *(["--pool", str(pool)] if pool is not None else [])]
    else:
        env.update(WORKBENCH_TRAINING_STORE=str(folder / "baseline.db"), WORKBENCH_TRAINING_MODULE=MODULE)
        cmd = [sys.executable, "-m", "voila", str(_baseline_notebook(folder)), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1"]
    proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{kind} did not start: {(folder / f'{kind}.log').read_text(errors='replace')[-1500:]}")
            time.sleep(0.5)
    return proc, proc.pid


async def _open_pages(url: str, n: int) -> tuple[list[float], list[str], object, object]:
    from playwright.async_api import async_playwright

    pw = await async_playwright().start()
    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    contexts = [await browser.new_context(extra_http_headers={"X-Forwarded-User": f"U{i + 1:05d}",
                                                                    "X-Workbench-Proxy-Secret": PROXY_SECRET}) for i in range(n)]
    pages = [await c.new_page() for c in contexts]
    errors: list[str] = []

    async def one(page) -> float:
        t0 = time.perf_counter()
        try:
            await page.goto(url, timeout=300_000)
            await page.locator(".workbench-training").first.wait_for(state="visible", timeout=300_000)
        except Exception as e:  # noqa: BLE001 - a page that never shows the quiz is a result, not a crash
            errors.append(f"{type(e).__name__}: {str(e).splitlines()[0][:160]}")
            return float("nan")
        return time.perf_counter() - t0
    times = await asyncio.gather(*(one(p) for p in pages))
    return list(times), errors, (pw, browser, contexts), pages


async def _close(handles) -> None:
    pw, browser, contexts = handles
    for c in contexts:
        await c.close()
    await browser.close()
    await pw.stop()


def measure(kind: str, n: int, wait_after_close: int = 150, pool: int | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"wb-load-{kind}-") as tmp:
        folder = Path(tmp)
        port = _free_port()
        proc, pid = _start(kind, folder, port, pool)
        try:
            time.sleep(3)
            deadline = time.monotonic() + 90  # serve pre-starts a pool of kernels: let it fill first
            while time.monotonic() < deadline:
                before = _kernels(pid)
                time.sleep(5)
                if _kernels(pid) == before:
                    break
            settle = time.monotonic() + 120  # and until the pool's kernels have finished starting (CPU quiet)
            while time.monotonic() < settle and _tree_cpu(pid, 3.0) > 0.3:
                pass
            idle_kernels = _kernels(pid)
            idle_mb = _pss_mb(pid)
            url = f"http://127.0.0.1:{port}/" + (f"?module={MODULE}" if kind == "serve" else "")
            load_before = os.getloadavg()
            t0 = time.perf_counter()
            loop = asyncio.new_event_loop()
            times, errors, handles, _ = loop.run_until_complete(_open_pages(url, n))
            wall = time.perf_counter() - t0
            time.sleep(2)
            open_mb = _pss_mb(pid)
            kernels_open = _kernels(pid)
            kernel_mb = _kernel_pss_mb(pid)
            load_open = os.getloadavg()
            loop.run_until_complete(_close(handles))
            loop.close()
            closed_at = time.perf_counter()
            left = []
            while True:
                elapsed = time.perf_counter() - closed_at
                left.append((round(elapsed), max(0, _kernels(pid) - idle_kernels)))  # the idle pool stays by design
                if left[-1][1] == 0 or elapsed > wait_after_close:
                    break
                time.sleep(10)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    ok = [t for t in times if t == t]
    gone = next((s for s, k in left if k == 0), None)
    if kind == "serve":
        kind = f"serve, pool {pool}" if pool is not None else "serve"
    return {"server": kind, "pages": n, "shown": len(ok), "errors": errors[:5],
            "kernel_pss_mean_mb": round(statistics.mean(kernel_mb), 1) if kernel_mb else None,
            "time_to_quiz_s": {"median": round(statistics.median(ok), 1) if ok else None,
                               "p90": round(sorted(ok)[max(0, math.ceil(0.9 * len(ok)) - 1)], 1) if ok else None,
                               "max": round(max(ok), 1) if ok else None},
            "wall_s": round(wall, 1), "pss_idle_mb": round(idle_mb), "pss_open_mb": round(open_mb),
            # growth of the tree per kernel started for the pages (none when they all came from the pool)
            "pss_per_session_mb": round((open_mb - idle_mb) / (kernels_open - idle_kernels), 1)
            if kernels_open > idle_kernels else None,
            "kernels_idle_pool": idle_kernels, "kernels_open": kernels_open, "kernels_left_after_close": left,
            "all_kernels_gone_after_s": gone,
            "loadavg_before": [round(x, 2) for x in load_before], "loadavg_with_pages": [round(x, 2) for x in load_open]}


def _markdown(results: list[dict], meta: dict) -> str:
    lines = ["# Trainee server load test (issue 16)", "",
             f"Measured {meta['date']} on {meta['cpus']} CPUs / {meta['mem_gb']} GB by `benchmarks/training_server_load.py` "
             f"({meta['pages']} headless Chromium pages opened at once; Chromium's own memory is not counted). "
             "Machine shared with other sessions: load average given beside each figure.", "",
             "| server | quiz shown | time to quiz median / p90 / max (s) | PSS idle → open (MB) | tree growth per new kernel (MB) "
             "| per session: kernel PSS, mean (MB) | idle pool → kernels with pages open | trainee kernels gone after tabs closed "
             "| load avg before → with pages |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        t = r["time_to_quiz_s"]
        gone = f"{r['all_kernels_gone_after_s']} s" if r["all_kernels_gone_after_s"] is not None else \
            f"no: {r['kernels_left_after_close'][-1][1]} left after {r['kernels_left_after_close'][-1][0]} s"
        lines.append(f"| {r['server']} | {r['shown']}/{r['pages']} | {t['median']} / {t['p90']} / {t['max']} | "
                     f"{r['pss_idle_mb']} → {r['pss_open_mb']} | {r['pss_per_session_mb']} | {r['kernel_pss_mean_mb']} | "
                     f"{r['kernels_idle_pool']} → {r['kernels_open']} | {gone} | "
                     f"{r['loadavg_before'][0]} → {r['loadavg_with_pages'][0]} |")
    serve = next((r for r in results if r["server"].startswith("serve")), None)
    per = serve and (serve.get("kernel_pss_mean_mb") or serve["pss_per_session_mb"])
    if serve and per:
        budget = 0.75 * meta["mem_gb"] * 1024 - serve["pss_idle_mb"]
        lines += ["", "A session is one kernel: its memory is the mean PSS of the kernel processes. (With a pool the "
                  "tree's growth says little: the pages take kernels that were already running, and the refills "
                  "start 30 s later.)",
                  "", f"**Capacity (estimate).** Memory: with 75 % of {meta['mem_gb']} GB for kernels at "
                  f"{per} MB each, one server holds ≈ {int(budget // per)} "
                  "open trainee pages; the kernel limit in `workbench/training/server.yaml` (60) is set well below that "
                  "because CPU, not memory, binds first: each page start costs CPU-seconds on 2 cores, so "
                  f"{meta['pages']} simultaneous starts took a median {serve['time_to_quiz_s']['median']} s here. "
                  "Trainees who arrive spread over minutes (and kernels culled 90 s after a tab closes) let the same "
                  "server train hundreds of staff a day."]
    return "\n".join(lines) + "\n"


def render(path: Path = HERE / "results" / "training_server_load.json") -> str:
    """The markdown of a recorded run (to re-render after a change of wording)."""
    data = json.loads(path.read_text())
    return _markdown(data["results"], data["meta"])


def main() -> int:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the finally blocks: stop the servers
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--only", choices=("serve", "baseline"))
    ap.add_argument("--pool", type=int, action="append",
                    help="serve with this --pool (repeat to compare sizes; default: server.yaml's)")
    args = ap.parse_args()
    kinds = [args.only] if args.only else ["serve", "baseline"]
    runs = [(k, p) for k in kinds for p in ((args.pool or [None]) if k == "serve" else [None])]
    results = []
    for kind, pool in runs:
        print(f"{kind} (pool {pool}): opening {args.pages} pages …", file=sys.stderr, flush=True)
        results.append(measure(kind, args.pages, pool=pool))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
            "mem_gb": round(psutil.virtual_memory().total / 2**30), "pages": args.pages}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "training_server_load.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1) + "\n")
    (out / "training_server_load.md").write_text(_markdown(results, meta))
    print((out / "training_server_load.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
