"""workbench subject export: the access package (raw data by design): 0600 files, atomic, refused
on a folder holding other files, HTML in the person's language, escaped, with a strict CSP."""
from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from workbench import load_dataset
from workbench.subject import find_subject, parse_selector
from workbench.subject import export as export_mod


def truth(sample_dir: Path) -> dict:
    return {s["id"]: s for s in json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))["subjects"]}


def test_export_writes_private_files_in_the_persons_language(cli, sample_dir, tmp_path):
    s2 = truth(sample_dir)["S2"]
    out = tmp_path / "pkg"
    r = cli("subject", "export", str(sample_dir), "--phone", s2["identifiers"]["phone"], "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert "RAW personal data" in r.stderr and "0600" in r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    files = sorted(p.name for p in out.iterdir())
    assert files == ["customers.csv", "data.json", "mentions.csv", "summary.html", "transactions.csv"]
    assert all(stat.S_IMODE((out / f).stat().st_mode) == 0o600 for f in files)
    data = json.loads((out / "data.json").read_text(encoding="utf-8"))
    expected = s2["expected"]["phone"]
    assert [r["customer_id"] for r in data["tables"]["customers"]] == expected["rows"]["customers"]
    assert sorted(r["transaction_id"] for r in data["tables"]["transactions"]) == expected["rows"]["transactions"]
    assert data["tables"]["customers"][0]["national_id"] == s2["identifiers"]["national_id"]  # raw, by design
    # another customer's note mentions the person: its text only, not whose note it is
    assert len(data["mentions"]) == 1 and set(data["mentions"][0]) == {"table", "column", "text"}
    assert expected["mentions"][0]["key"] not in (out / "data.json").read_text(encoding="utf-8")
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html and "订单、配送与客户服务" in html and "处理目的" in html  # a CN customer: Chinese
    from test_i18n import english_leftovers  # the project's check for untranslated English

    body = html.split("</style>", 1)[1]
    assert not english_leftovers(body), english_leftovers(body)
    assert "Content-Security-Policy" in html and "script-src 'none'" in html and "<script" not in html.lower()

    en = tmp_path / "en"
    r = cli("subject", "export", str(sample_dir), "--phone", s2["identifiers"]["phone"], "--out", str(en), "--lang", "en", "--quiet")
    assert r.returncode == 0 and 'lang="en"' in (en / "summary.html").read_text(encoding="utf-8")


def test_export_refuses_a_folder_with_other_files_and_writes_nothing_when_nobody_is_found(cli, sample_dir, tmp_path):
    s3 = truth(sample_dir)["S3"]
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    r = cli("subject", "export", str(sample_dir), "--email", s3["identifiers"]["email"], "--out", str(busy), "--quiet")
    assert r.returncode == 2 and "not empty" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in busy.iterdir()) == ["keep.txt"]
    none = tmp_path / "none"
    r = cli("subject", "export", str(sample_dir), "--email", "nobody.here@example.org", "--out", str(none), "--quiet")
    assert r.returncode == 0 and "no records found" in r.stdout and not none.exists()


def test_a_failing_package_leaves_no_half_written_files(sample_dataset, sample_dir, tmp_path, monkeypatch):
    s1 = truth(sample_dir)["S1"]
    finding = find_subject(sample_dataset, parse_selector(email=s1["identifiers"]["email"]))
    real, calls = export_mod.write_private, []

    def fail_on_third(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(export_mod, "write_private", fail_on_third)
    with pytest.raises(OSError):
        export_mod.write_access_package(sample_dataset, finding, tmp_path / "pkg")
    assert list((tmp_path / "pkg").iterdir()) == []


def test_hostile_processing_texts_are_escaped(tmp_path, sample_dir):
    ds_dir = tmp_path / "ds"
    shutil.copytree(sample_dir, ds_dir)
    cfg = yaml.safe_load((ds_dir / "dataset.yaml").read_text(encoding="utf-8"))
    cfg["organisation"]["name"] = "<script>alert('org')</script>"
    cfg["processing"]["purposes"] = ["<img src=x onerror=alert(1)>", {"en": "\"><svg onload=alert(2)>"}]
    (ds_dir / "dataset.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    ds = load_dataset(ds_dir)
    s3 = truth(sample_dir)["S3"]
    finding = find_subject(ds, parse_selector(customer_id=s3["identifiers"]["customer_id"]))
    export_mod.write_access_package(ds, finding, tmp_path / "pkg", lang="en")
    html = (tmp_path / "pkg" / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;" in html


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    out = export_mod._csv([{"a": "=HYPERLINK(\"http://x\")", "b": "+49 30 1234567", "c": "@SUM(A1)", "d": -3.5}]).decode("utf-8-sig")
    assert "'=HYPERLINK" in out and ",+49 30 1234567," in out and "'@SUM" in out and "-3.5" in out


def test_file_names_of_hostile_tables_are_safe_and_unique():
    names = export_mod.file_names(["../../etc/passwd", "a b", "a_b", "data", "客户"])
    assert all("/" not in n and n.endswith(".csv") for n in names.values())
    assert len(set(names.values())) == 5 and names["data"] != "data.csv"
