"""The generator beyond one shard (issue 10: memory that does not grow with --customers).

Shards are a million customers in production; ``shard_size`` makes them 400 here, so that three
shards and dozens of access-log chunks run in seconds through the same code."""
from __future__ import annotations

import filecmp

import pytest

from workbench import load_dataset
from workbench.assess import assess
from workbench.sample import generate_sample
from workbench.sample.generate import shard_sizes


def test_shard_sizes_cover_everyone_evenly():
    assert shard_sizes(3000, 1_000_000) == [3000]
    assert shard_sizes(1_000_000, 1_000_000) == [1_000_000]
    assert shard_sizes(1_000_001, 1_000_000) == [500_001, 500_000]
    assert shard_sizes(10_000_000, 1_000_000) == [1_000_000] * 10
    sizes = shard_sizes(1000, 400)
    assert sizes == [334, 333, 333] and sum(sizes) == 1000


@pytest.mark.parametrize("layout", ["parquet", "csv", "mixed"])
def test_sharded_sample_matches_its_ground_truth(tmp_path, layout):
    """Ground truth summed over shards is what an assessment of the whole dataset finds."""
    messages: list[str] = []
    truth = generate_sample(tmp_path / "s", customers=1200, seed=5, layout=layout, shard_size=400,
                            progress=messages.append)
    assert "generating customers 801–1,200 of 1,200 (shard 3/3)" in messages
    ds = load_dataset(tmp_path / "s")
    found = {f.id: f for f in assess(ds).findings}
    for cid, want in truth["checks"].items():
        f = found[cid]
        assert (f.status, f.affected) == (want["status"], want["affected"]), (cid, f.note)
        if want["total"] is not None:
            assert f.total == want["total"], cid
    for cid, f in found.items():  # nothing fails that nobody planted
        assert cid in truth["checks"] or f.status != "fail", cid
    c, t = ds.tables["customers"], ds.tables["transactions"]
    ids = c["customer_id"]
    assert len(c) == 1200 and ids.is_unique and ids.iloc[400] == "C0000401"
    assert len(t) == 3600 and t["transaction_id"].is_unique and set(t["customer_id"]) <= set(ids)
    if layout != "mixed":
        log = ds.tables["access_log"]
        chunks = [m for m in messages if m.startswith("generating access log, chunk")]
        assert len(chunks) > 10 and sum(int(m.split("(")[1].split()[0].replace(",", "")) for m in chunks) == len(log)
        assert log["timestamp"].is_monotonic_increasing  # chunks are slices of time, oldest first


def test_sharded_runs_are_identical(tmp_path):
    a = generate_sample(tmp_path / "a", customers=900, seed=3, layout="parquet", shard_size=400)
    b = generate_sample(tmp_path / "b", customers=900, seed=3, layout="parquet", shard_size=400)
    assert a == b
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert cmp.left_only == cmp.right_only == cmp.diff_files == [] and len(cmp.same_files) == 11
    c = generate_sample(tmp_path / "c", customers=900, seed=4, layout="parquet", shard_size=400)
    assert not filecmp.cmp(tmp_path / "a" / "customers.parquet", tmp_path / "c" / "customers.parquet", shallow=False)


def test_one_shard_is_the_one_piece_generator(tmp_path):
    """A shard size above --customers changes nothing: the committed samples stay reproducible."""
    generate_sample(tmp_path / "a", customers=400, seed=3, layout="parquet")
    generate_sample(tmp_path / "b", customers=400, seed=3, layout="parquet", shard_size=400)
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert cmp.diff_files == [] and len(cmp.same_files) == 11


def test_format_is_an_alias_of_layout(cli, tmp_path):
    r = cli("sample", "--customers", "200", "--seed", "2", "--format", "parquet", "--out", str(tmp_path / "f"))
    assert r.returncode == 0, r.stderr
    r = cli("sample", "--customers", "200", "--seed", "2", "--layout", "parquet", "--out", str(tmp_path / "l"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "f" / "customers.parquet").is_file()
    cmp = filecmp.dircmp(tmp_path / "f", tmp_path / "l")
    assert cmp.diff_files == [] and len(cmp.same_files) == 11
    r = cli("sample", "--customers", "200", "--format", "xml", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "Traceback" not in r.stderr and not (tmp_path / "x").exists()
