"""Actionable evidence without exposure (issue 11, item 9): staff ids in full, customers as keyed
pseudonyms resolvable only with the local key (`workbench reveal`)."""
from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest

from workbench import load_dataset
from workbench.assess import assess, write_outputs
from workbench.errors import InputError
from workbench.pseudonyms import TOKEN, load_key, pseudonym
from leaks import found_in


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "cfg" / "workbench" / "key"
    monkeypatch.setenv("WORKBENCH_KEY_FILE", str(path))
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY", raising=False)
    return path


def test_key_is_created_on_first_use_private_and_stable(key_file):
    assert not key_file.exists()
    k = load_key()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert load_key() == k and len(k) == 32
    assert pseudonym("C0000052") == pseudonym("C0000052") != pseudonym("C0000053")
    assert pseudonym("C0000052", key=b"x" * 32) != pseudonym("C0000052")
    assert TOKEN.fullmatch(pseudonym("C0000052"))


def test_a_key_readable_by_others_is_refused(key_file):
    load_key()
    os.chmod(key_file, 0o644)
    with pytest.raises(InputError, match="chmod 600"):
        load_key()


def test_evidence_shows_staff_ids_in_full_and_customers_as_pseudonyms(key_file, tmp_path, sample_dir, cli):
    ds = load_dataset(sample_dir)
    write_outputs(assess(ds), tmp_path)
    findings = {f["id"]: f for f in json.loads((tmp_path / "findings.json").read_text())["findings"]}
    staff = set(ds.tables["users"]["user_id"])
    ac = findings["AC-001"]["evidence"]
    assert ac and all(r["user_id"] in staff for r in ac)  # in full: the reader must fix exactly these
    prv = findings["PRV-001"]["evidence"]
    tokens = [r["customer_id"] for r in prv]
    assert tokens and all(TOKEN.fullmatch(t) for t in tokens)
    raw_ids = set(ds.tables["customers"]["customer_id"])
    text = (tmp_path / "findings.json").read_text()
    assert not found_in((f'"{i}"' for i in raw_ids), text)
    # an authorised analyst resolves them locally, to exactly the failing records
    env_cli = cli("reveal", *tokens[:3], "--dataset", str(sample_dir))
    assert env_cli.returncode == 0, env_cli.stderr
    resolved = dict(line.split("\t") for line in env_cli.stdout.strip().splitlines())
    c = ds.tables["customers"].set_index("customer_id")
    assert set(resolved) == set(tokens[:3])
    for cid in resolved.values():
        assert bool(c.at[cid, "consent_marketing"]) and pd.isna(c.at[cid, "consent_at"])
        assert c.at[cid, "jurisdiction"] in ("EU", "CN")


def test_staff_ids_can_be_masked(key_file, monkeypatch, sample_dir, tmp_path):
    monkeypatch.setenv("WORKBENCH_STAFF_IDS", "masked")
    ds = load_dataset(sample_dir)
    write_outputs(assess(ds), tmp_path)
    ev = {f["id"]: f for f in json.loads((tmp_path / "findings.json").read_text())["findings"]}["AC-001"]["evidence"]
    assert ev and all("*" in r["user_id"] and r["user_id"] not in set(ds.tables["users"]["user_id"]) for r in ev)


def test_reveal_with_another_key_finds_nothing(key_file, tmp_path, sample_dir, cli, monkeypatch):
    token = pseudonym("C0000052")
    other = tmp_path / "other_key"
    r = cli("reveal", token, "--dataset", str(sample_dir))
    assert r.returncode == 0 and r.stdout.strip() == f"{token}\tC0000052"
    monkeypatch.setenv("WORKBENCH_KEY_FILE", str(other))
    other.write_text("ab" * 32 + "\n")
    os.chmod(other, 0o600)
    r = cli("reveal", token, "--dataset", str(sample_dir))
    assert r.returncode == 2 and "match no customer" in r.stderr and "C0000052" not in r.stdout + r.stderr
