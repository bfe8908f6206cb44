"""``workbench init EXPORT_DIR [--out DIR]``: draft dataset.yaml from a folder of CRM exports."""
from __future__ import annotations

import argparse

from ..boundary import strip_control


def _say(text: str) -> None:
    """A line for the terminal: names from an export lose their control characters (ESC sequences)."""
    print(strip_control(text))

HELP = "draft a dataset.yaml (plus permissions/posture skeletons) from a folder of CRM exports"
DESCRIPTION = """Look at every CSV, xlsx, Parquet and SQLite file in EXPORT_DIR, detect text encodings, recognise
which file holds customers, users, access log, backups and transactions (headers, file names,
content), and map their columns to the canonical ones (Salesforce, HubSpot, Dynamics 365 and Zoho
header names are known; personal-data columns are confirmed by content). Prints every guess with
its evidence and writes dataset.yaml, permissions.yaml and posture.yaml (commented skeletons) into
--out (default: EXPORT_DIR). Never overwrites a file. Then run `workbench validate`.
Exit codes: 0 drafted, 2 bad input (nothing written)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("export_dir", help="folder holding the CRM export files")
    p.add_argument("--out", help="folder to write the drafts into (default: EXPORT_DIR)")


def run(args: argparse.Namespace) -> int:
    from ..onboarding import draft_dataset, ensure_free, write_draft

    ensure_free(args.out or args.export_dir)   # refuse before any work: init never overwrites
    d = draft_dataset(args.export_dir)
    for g in d.guesses:
        if g.column is None:
            _say(f"{g.table:<13} <- {g.source}   ({g.evidence})")
    for g in d.guesses:
        if g.column is not None:
            _say(f"  {g.table}.{g.column:<20} <- {g.source:<24} ({g.evidence})")
    for note in d.left_out:
        _say(f"{'(left out)':<13}    {note}")
    for label in d.unassigned:
        _say(f"{'(other)':<13}    {label}   (scanned, never checked)")
    written = write_draft(d, args.out or args.export_dir)
    _say("wrote " + ", ".join(str(p) for p in written) + " — check the guesses, then run: workbench validate "
          + str(written[0].parent))
    return 0
