"""Issue 20 item 6: the scan of the committed samples keeps every entry it had before the issue.

tests/data/pii_inventory_samples.json is the inventory of the code before issue 20 (commit 51c557f)
on the samples as committed now; regenerate it that way when the samples are regenerated. New
columns, tables and fields (``evidence``) may be added; no recorded entry may change or go away."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench import load_dataset
from workbench.pii import scan_dataset

REPO = Path(__file__).resolve().parents[1]
BEFORE = json.loads((REPO / "tests" / "data" / "pii_inventory_samples.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("sample", sorted(BEFORE))
def test_sample_scan_keeps_every_entry(sample: str) -> None:
    inv = scan_dataset(load_dataset(REPO / "data" / "samples" / sample))
    now = {(e["table"], e["column"], e["category"]): e for e in inv.columns}
    for e in BEFORE[sample]["inventory"]:
        got = now.get((e["table"], e["column"], e["category"]))
        assert got is not None, f"{sample}: {e} is gone"
        assert {k: got[k] for k in e} == e, f"{sample}: {e} became {got}"
        assert got["evidence"] in ("content", "header+content")
    free = {(f["table"], f["column"]): f for f in inv.free_text}
    for f in BEFORE[sample]["free_text"]:
        got = free[(f["table"], f["column"])]
        assert {k: got[k] for k in f} == f
    # what a sample column newly reports must be a new column/table, never a new category of an old column
    old_cols = {(e["table"], e["column"]) for e in BEFORE[sample]["inventory"]}
    old_keys = {(e["table"], e["column"], e["category"]) for e in BEFORE[sample]["inventory"]}
    assert not [k for k in now if k[:2] in old_cols and k not in old_keys]
