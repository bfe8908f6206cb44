"""The ``workbench`` command: a thin shell over the library.

Each subcommand lives in ``workbench/cli/<name>.py`` and defines ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``. Heavy imports belong inside ``run`` so that
``--help`` stays instant. Only this package prints or chooses exit codes.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from ..errors import InputError, WorkbenchError

# Subcommands that read a dataset and take --engine (the kernels of `report` inherit it too).
ENGINE_COMMANDS = ("validate", "scan", "assess", "simulate", "report", "dpia")
# Order shown in --help.
COMMANDS = ("sample", "init", "validate", "scan", "assess", "simulate", "train", "report", "dpia", "list", "serve",
            "export", "store", "reveal", "subject")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: one line, exit 2, in the language of the command line
        from ._errors import error_lang, usage_line

        self.exit(2, usage_line(self.prog, message, error_lang(_ARGV)) + "\n")


_ARGV: list[str] = []  # the command line being parsed (its --lang chooses the language of usage errors)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(prog="workbench", description="CRM privacy risk & training workbench: discover personal data, "
                     "assess protection posture, simulate breaches, train staff and produce quarterly reports.",
                     epilog="Exit codes: 0 success, 1 a notebook or internal step failed, 2 bad input or usage, "
                     "3 score below --fail-under.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{name}":
                continue  # subcommand not built yet
            raise
        p = sub.add_parser(name, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        # `workbench init X --debug` as well as `workbench --debug init X`: set only when given here
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback on errors")
        if name in ENGINE_COMMANDS:
            p.add_argument("--engine", choices=("duckdb", "spark"),
                           help="engine holding the tables (default: engine in dataset.yaml, else duckdb)")
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ._errors import error_lang, error_line, interrupted_line

    parser = build_parser()
    _ARGV[:] = [*(sys.argv[1:] if argv is None else argv)]
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    if getattr(args, "engine", None):
        # load_dataset reads it as the default, here and in the notebooks a report executes
        os.environ["WORKBENCH_ENGINE"] = args.engine
    if args.debug:
        os.environ["WORKBENCH_DEBUG"] = "1"  # engines keep their own logs (Spark's) and say where
    try:
        return int(args._run(args) or 0)
    except WorkbenchError as e:
        if args.debug:
            traceback.print_exc()
        print(error_line(args.command, e, error_lang(_ARGV, args)), file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(interrupted_line(args.command, error_lang(_ARGV, args)), file=sys.stderr)
        return 1
    except Exception as e:  # an internal failure: still one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(internal_error_line(args.command, e, error_lang(_ARGV, args)), file=sys.stderr)
        return 1
    finally:
        if args.debug:
            _engine_logs()


def _engine_logs() -> None:
    """Under --debug: where Spark's own log of this run is (kept; off the terminal otherwise)."""
    spark = sys.modules.get("workbench.engine.spark")
    path = spark.log_file() if spark else None
    if path is not None:
        print(f"workbench: Spark's log of this run: {path}", file=sys.stderr)


def internal_error_line(command: str, e: BaseException, lang: str = "en") -> str:
    """The one line shown for an unexpected exception. Its text may quote anything (a cell value,
    a connection URL), so it passes the output boundary: secrets redacted, personal data masked."""
    from ..boundary import safe_message
    from ._errors import say

    return say("error.cli.internal", lang, "workbench {command}: internal error: {kind}: {detail} "
               "— hint: rerun with --debug for the traceback and report it", command=command,
               kind=type(e).__name__, detail=safe_message(e, limit=300))


__all__ = ["main", "build_parser", "internal_error_line", "InputError"]
