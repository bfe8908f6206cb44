"""Issue 21 items 7, 8 and 13: a source file name with glob characters is read exactly; a header
with a line break or control character is bad input naming the file and column position; no
terminal control sequence from an export reaches the terminal."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "bad_inputs"


@pytest.fixture()
def small(tmp_path):
    from workbench.sample import generate_sample

    d = tmp_path / "crm"
    generate_sample(d, customers=200, seed=3)
    return d


def _point_users_at(d: Path, name: str) -> None:
    cfg = yaml.safe_load((d / "dataset.yaml").read_text())
    cfg["tables"]["users"]["path"] = name
    (d / "dataset.yaml").write_text(yaml.safe_dump(cfg))


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_glob_characters_in_a_source_path_read_exactly_that_file(small, suffix):
    import pandas as pd

    from workbench import load_dataset

    users = pd.read_csv(small / "users.csv", dtype=str, keep_default_na=False)
    decoy = users.head(3)  # what users[ab] would glob to: usersa.<suffix>
    exact = small / f"users[ab].{suffix}"
    if suffix == "csv":
        (small / "users.csv").rename(exact)
        decoy.to_csv(small / "usersa.csv", index=False)
    else:
        users.to_parquet(exact, index=False)
        decoy.to_parquet(small / "usersa.parquet", index=False)
        (small / "users.csv").unlink()
    _point_users_at(small, exact.name)
    ds = load_dataset(small)
    assert len(ds.tables["users"]) == len(users) != len(decoy)


def test_line_break_in_a_header_is_bad_input_with_file_and_column(small, cli):
    text = (small / "users.csv").read_text()
    head, rest = text.split("\n", 1)
    cols = head.split(",")
    cols[2] = '"dep\nartment"'
    (small / "users.csv").write_text(",".join(cols) + "\n" + rest)
    r = cli("validate", str(small))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "users.csv" in r.stderr and "column 3 of the header" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_escape_sequences_from_a_header_never_reach_the_terminal(small, cli, tmp_path):
    text = (small / "users.csv").read_text()
    head, rest = text.split("\n", 1)
    (small / "users.csv").write_text(head.replace("department", "dep\x1b]0;owned\x07\x1b[2Jartment", 1) + "\n" + rest)
    r = cli("validate", str(small))
    assert r.returncode == 2 and "\x1b" not in r.stderr + r.stdout and "\x07" not in r.stderr + r.stdout
    src = tmp_path / "exports"
    src.mkdir()
    shutil.copy(small / "users.csv", src / "users.csv")
    shutil.copy(small / "customers.csv", src / "customers\x1b[31m.csv")
    r = cli("init", str(src), "--out", str(tmp_path / "draft"))
    assert "\x1b" not in r.stderr + r.stdout and "\x07" not in r.stderr + r.stdout, (r.stdout, r.stderr)


def test_error_messages_lose_terminal_control_sequences():
    from workbench.errors import DatasetError

    e = DatasetError("users.csv: column 'dep\x1b]0;owned\x07art\x1b[2Jment' \u202eis odd", "fix\x1b[31m it")
    assert str(e) == "users.csv: column 'department' is odd — hint: fix it"
