"""``workbench reveal TOKEN... --dataset DIR``: resolve customer pseudonyms from a report locally."""
from __future__ import annotations

import argparse

HELP = "resolve customer pseudonyms (C-…) from a report to customer ids, with the local key"
DESCRIPTION = HELP + """

Reports show customers as stable keyed pseudonyms (HMAC-SHA256 with a key that never leaves this
machine: $WORKBENCH_PSEUDONYM_KEY, else the file $WORKBENCH_KEY_FILE or ~/.config/workbench/key,
created on first use with mode 0600). An authorised analyst holding the key resolves a token
against the dataset the report was made from. Staff account ids are shown in full in evidence
(set WORKBENCH_STAFF_IDS=masked to mask them).

Prints one line per token: TOKEN<TAB>customer_id. Exit 2 when a token matches no customer of the
dataset under this key (another key, another dataset, or a typo).

example: workbench reveal C-7K3Q9XWZ2M4PA5BD --dataset data/samples/acme_retail
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("tokens", nargs="+", metavar="TOKEN", help="pseudonym(s) as shown in a report, e.g. C-7K3Q9XWZ2M4PA5BD")
    p.add_argument("--dataset", required=True, help="dataset folder the report was made from")


def run(args: argparse.Namespace) -> int:
    import sys

    from ..errors import InputError
    from ..pseudonyms import reveal

    found = reveal(args.tokens, args.dataset)
    for token, cid in found.items():
        if cid is not None:
            print(f"{token}\t{cid}")
    missing = [t for t, cid in found.items() if cid is None]
    if missing:
        sys.stdout.flush()
        raise InputError.of("error.reveal.no_match", n=len(missing), path=args.dataset, tokens=", ".join(missing[:5]))
    return 0
