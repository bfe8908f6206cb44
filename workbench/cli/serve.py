"""``workbench serve``: one trainee server (Voilà) for every training module."""
from __future__ import annotations

import argparse

HELP = "serve every training module to trainees (Voilà): /?module=ID, a picker at /"
DESCRIPTION = """Start the trainee server: one Voilà server for every training module. A trainee opens
/?module=ID (or / for the module picker); answers are recorded in the results store.

Identity: JupyterHub's user ($JUPYTERHUB_USER), else the header of an authenticating reverse proxy
named by --trust-header, else the id the trainee types (recorded as self-declared). The header is
believed only on requests that carry the proxy's shared secret in X-Workbench-Proxy-Secret
($WORKBENCH_PROXY_SECRET or --proxy-secret-file; other requests get 403); without a secret
--trust-header is refused. With --dataset the id is checked
against the staff roster (users table) and the department comes from it.

A pool of pre-started kernels (--pool) serves the next trainees without a kernel start. Idle kernels
are culled, kernels talk over ipc sockets and their number is capped; the settings are in
workbench/training/server.yaml. See docs/training-server.md (reverse proxy, JupyterHub, systemd)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1: behind a proxy)")
    p.add_argument("--store", metavar="URL", help="results store: SQLite path or SQLAlchemy URL "
                   "(default: $WORKBENCH_TRAINING_STORE or training_results.db)")
    p.add_argument("--dataset", metavar="DIR", help="dataset whose users table is the staff roster")
    p.add_argument("--mode", choices=("exam", "practice"), default="exam",
                   help="exam (answers after the final submit; score of record) or practice (default exam)")
    p.add_argument("--max-attempts", type=int, metavar="N", help="cap on exam attempts per trainee and module")
    p.add_argument("--trust-header", metavar="NAME",
                   help="take the trainee from this request header (set by an authenticating proxy, e.g. X-Forwarded-User)")
    p.add_argument("--proxy-secret-file", metavar="FILE",
                   help="file holding the secret the proxy sends in X-Workbench-Proxy-Secret "
                   "(default: $WORKBENCH_PROXY_SECRET); requests without it get 403")
    p.add_argument("--max-kernels", type=int, metavar="N", help="most trainee pages at once (default from server.yaml)")
    p.add_argument("--cull-idle", type=int, metavar="SECONDS", help="shut down kernels idle this long with no tab open")
    p.add_argument("--pool", type=int, metavar="N", help="kernels kept started and ready for the next trainees "
                   "(about 50 MB each; default from server.yaml; 0: start one per page)")
    p.add_argument("--base-url", default="/", help="URL prefix when served under a path of a reverse proxy")


def run(args: argparse.Namespace) -> int:
    import signal
    import subprocess
    import tempfile
    from pathlib import Path

    from ..errors import InputError
    from ..training.server import ServeOptions, check_identity_options, prepare
    from ..redaction import redact_url
    from ..training.store import engine_for, store_url

    if args.max_attempts is not None and args.max_attempts < 1:
        raise InputError.of("error.serve.max_attempts", value=args.max_attempts)
    if args.pool is not None and args.pool < 0:
        raise InputError.of("error.serve.pool", value=args.pool)
    opts = ServeOptions(port=args.port, ip=args.ip, store=args.store or "", mode=args.mode,
                        max_attempts=args.max_attempts, trust_header=args.trust_header,
                        secret_file=Path(args.proxy_secret_file) if args.proxy_secret_file else None,
                        max_kernels=args.max_kernels, cull_idle=args.cull_idle, pool=args.pool, base_url=args.base_url)
    check_identity_options(opts)  # before anything starts: a spoofable header is a usage error
    engine_for(args.store)  # fail now, with a message, if the store is unreachable or has no schema
    with tempfile.TemporaryDirectory(prefix="wb-serve-") as tmp:
        run_dir = Path(tmp)
        roster = None
        if args.dataset:
            from ..dataset import load_dataset
            from ..training.identity import write_roster

            ds = load_dataset(args.dataset)
            if not ds.has("users", "user_id"):
                raise InputError.of("error.serve.no_users", path=args.dataset)
            roster = write_roster(ds.tables["users"], run_dir / "roster.json")
        opts.roster = roster
        cmd, env = prepare(opts, run_dir)
        print(f"workbench serve: http://{args.ip}:{args.port}{args.base_url} · store {redact_url(store_url(args.store))}"
              f" · roster {'yes' if roster else 'none (ids are self-declared and unchecked)'} · mode {args.mode}",
              flush=True)
        proc = subprocess.Popen(cmd, env=env, cwd=run_dir)

        def stop(signum: int, _frame: object) -> None:
            proc.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = proc.wait()
    return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else 1
