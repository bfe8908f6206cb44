"""`workbench sample --out`: nothing is deleted that the generator did not make (issue 11, item 5)."""
from __future__ import annotations

import json

import pytest

from workbench.errors import InputError
from workbench.sample import generate_sample
from workbench.sample.generate import MARKER


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_refuses_a_folder_holding_other_files_and_touches_nothing(tmp_path, cli):
    target = tmp_path / "mine"
    (target / "sub").mkdir(parents=True)
    (target / "notes.txt").write_text("keep me")
    (target / "sub" / "deep.csv").write_text("a,b\n1,2\n")
    before = _tree(target)
    for extra in ([], ["--force"]):
        r = cli("sample", "--customers", "200", "--out", str(target), *extra)
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
        assert "not empty" in r.stderr
    assert _tree(target) == before
    assert (target / "notes.txt").read_text() == "keep me"
    assert not list(tmp_path.glob(".*tmp*")) and not list(target.glob(".*tmp*"))


def test_previous_sample_needs_force_and_force_keeps_foreign_files(tmp_path, cli):
    target = tmp_path / "s"
    generate_sample(target, customers=200, seed=1)
    made = json.loads((target / MARKER).read_text())["files"]
    assert "customers.csv" in made and "training_results.csv" in made and MARKER not in made
    (target / "analyst_notes.md").write_text("mine")
    r = cli("sample", "--customers", "200", "--out", str(target))
    assert r.returncode == 2 and "--force" in r.stderr
    # --force with another layout: the old csv tables go, the analyst's file stays
    generate_sample(target, customers=200, seed=1, layout="mixed", force=True)
    names = {p.name for p in target.iterdir()}
    assert "analyst_notes.md" in names and "crm.db" in names and "customers.csv" not in names
    assert set(json.loads((target / MARKER).read_text())["files"]) == names - {MARKER, "analyst_notes.md"}


def test_out_dot_writes_into_the_current_empty_folder(tmp_path, cli):
    here = tmp_path / "here"
    here.mkdir()
    r = cli("sample", "--customers", "200", "--out", ".", cwd=here)
    assert r.returncode == 0, r.stderr
    assert (here / "dataset.yaml").is_file() and (here / MARKER).is_file()
    assert not [p for p in here.iterdir() if p.name.startswith(".workbench-sample.tmp")]
    r = cli("sample", "--customers", "200", "--out", ".", "--force", cwd=here)
    assert r.returncode == 0, r.stderr


def test_a_file_as_out_is_bad_input(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("x")
    with pytest.raises(InputError):
        generate_sample(f, customers=200)
    assert f.read_text() == "x"
