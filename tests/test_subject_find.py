"""workbench subject find: the planted subjects of a generated sample are found with recall 1.0 and
no row of another person; selectors normalise phones and e-mails; bad input is one line, exit 2."""
from __future__ import annotations

import json

import pytest

from workbench import load_dataset
from workbench.errors import InputError
from workbench.sample import generate_sample
from workbench.subject import find_subject, from_sample, parse_selector
from workbench.subject.find import subject_rows


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    out = tmp_path_factory.mktemp("subj") / "s"
    truth = generate_sample(out, customers=1200, seed=5)
    ds = load_dataset(out)
    yield out, ds, truth
    ds.close()


def found_rows(ds, finding) -> tuple[dict[str, list[str]], list[dict]]:
    """Rows a finding returns, by table key (customers, transactions), and its mentions."""
    rows: dict[str, list[str]] = {}
    mentions: list[dict] = []
    for tm in finding.hits():
        for df in subject_rows(ds, finding, tm):
            for _, r in df.iterrows():
                if r["__kind"] == "mention":
                    mentions += [{"table": tm.table, "key": str(r[tm.key_column]), "column": c}
                                 for c in tm.mentions if r[f"__m_{c}"]]
                else:
                    rows.setdefault(tm.table, []).append(str(r[tm.key_column]))
    return {t: sorted(v) for t, v in rows.items()}, sorted(mentions, key=lambda m: (m["table"], m["key"]))


def test_planted_subjects_found_with_recall_one_and_nobody_else(planted):
    _, ds, truth = planted
    cols = from_sample(ds)
    assert {s["id"] for s in truth["subjects"]} == {"S1", "S2", "S3"}
    checked = 0
    for subject in truth["subjects"]:
        ident = {**subject["identifiers"]}
        for kind, expected in subject["expected"].items():
            value = ident[kind]
            finding = find_subject(ds, parse_selector(**{kind: value}), cols)
            rows, mentions = found_rows(ds, finding)
            assert rows == expected["rows"], (subject["id"], kind)
            assert mentions == sorted(expected["mentions"], key=lambda m: (m["table"], m["key"])), (subject["id"], kind)
            checked += 1
    assert checked >= 8


def test_selector_forms_and_the_second_account(planted):
    _, ds, truth = planted
    s1 = next(s for s in truth["subjects"] if s["id"] == "S1")
    expected = s1["expected"]["email"]["rows"]
    cols = from_sample(ds)
    for email in (s1["identifiers"]["email"].upper(), "  " + s1["also"]["email"] + " "):
        rows, _ = found_rows(ds, find_subject(ds, parse_selector(email=email), cols))
        assert rows == expected
    phone = s1["identifiers"]["phone"]  # "+31 62 8609554"-like: every written form finds both accounts
    digits = "".join(ch for ch in phone if ch.isdigit())
    for form in (phone, "00" + digits, "+" + digits[:2] + " (" + digits[2:4] + ") " + digits[4:]):
        rows, _ = found_rows(ds, find_subject(ds, parse_selector(phone=form), cols))
        assert rows == s1["expected"]["phone"]["rows"], form
    s2 = next(s for s in truth["subjects"] if s["id"] == "S2")
    nid = s2["identifiers"]["national_id"]
    rows, mentions = found_rows(ds, find_subject(ds, parse_selector(national_id=nid[:6] + " " + nid[6:].lower()), cols))
    assert rows == s2["expected"]["national_id"]["rows"] and len(mentions) == 1


def test_no_partial_matches(planted):
    _, ds, truth = planted
    s1 = next(s for s in truth["subjects"] if s["id"] == "S1")
    cols = from_sample(ds)
    cid = s1["identifiers"]["customer_id"]
    assert not find_subject(ds, parse_selector(customer_id=cid + "0"), cols).found
    assert not find_subject(ds, parse_selector(customer_id=cid[:-1]), cols).found
    email = s1["identifiers"]["email"]
    assert not find_subject(ds, parse_selector(email="x" + email), cols).found
    assert not find_subject(ds, parse_selector(email=email + "x"), cols).found
    assert not find_subject(ds, parse_selector(email="nobody@example.org"), cols).found


def test_summary_is_masked(planted):
    _, ds, truth = planted
    s2 = next(s for s in truth["subjects"] if s["id"] == "S2")
    summary = find_subject(ds, parse_selector(phone=s2["identifiers"]["phone"])).summary()
    text = json.dumps(summary, ensure_ascii=False)
    for raw in s2["identifiers"].values():
        assert raw and raw not in text
    by = {t["table"]: t for t in summary["tables"]}
    assert by["customers"]["by_kind"] == {"direct": 1, "key": 0, "mention": 1}
    assert by["transactions"]["by_kind"]["key"] == len(s2["expected"]["phone"]["rows"]["transactions"])
    assert "card_number" in by["transactions"]["categories"] and "phone" in by["customers"]["categories"]
    assert summary["oldest"] <= summary["newest"]


@pytest.mark.parametrize("given, words", [
    ({}, "exactly one of"),
    ({"email": "a@example.org", "phone": "+4930123456"}, "exactly one of"),
    ({"email": "not-an-email"}, "is not an e-mail"),
    ({"email": "a@b.c\nx"}, "single-line"),
    ({"phone": "12ab34"}, "is not a phone"),
    ({"phone": "123"}, "is not a phone"),
    ({"national_id": "x'); DROP"}, "is not a national id"),
])
def test_bad_selectors(given, words):
    with pytest.raises(InputError) as e:
        parse_selector(**given)
    assert words in str(e.value) and "\n" not in str(e.value)
    assert "DROP" not in str(e.value)


def test_cli_find_with_the_scans_inventory_agrees_and_a_foreign_inventory_is_refused(cli, sample_dir, tmp_path):
    s2 = {s["id"]: s for s in json.loads((sample_dir / "ground_truth.json").read_text(encoding="utf-8"))["subjects"]}["S2"]
    r = cli("scan", str(sample_dir), "--out", str(tmp_path / "scan"), "--quiet")
    assert r.returncode == 0, r.stderr
    inv = tmp_path / "scan" / "pii_inventory.json"
    # by phone: the scan lists the notes' categories (phone among them) in its inventory too; a note is
    # still searched as text (a mention), never compared whole as a phone value
    ask = ["subject", "find", str(sample_dir), "--phone", s2["identifiers"]["phone"], "--json", "--quiet"]
    with_inv, default = cli(*ask, "--inventory", str(inv)), cli(*ask)
    assert with_inv.returncode == default.returncode == 0
    a, b = json.loads(with_inv.stdout), json.loads(default.stdout)
    assert a["searched"]["inventory"] == str(inv)
    for x, y in zip(a["tables"], b["tables"], strict=True):  # the scan knows more categories (birth dates)
        assert set(y["categories"]) <= set(x["categories"])
        assert {k: v for k, v in x.items() if k != "categories"} == {k: v for k, v in y.items() if k != "categories"}
    assert a["tables"][0]["by_kind"] == {"direct": 1, "key": 0, "mention": 1}
    assert s2["identifiers"]["phone"] not in with_inv.stdout + with_inv.stderr
    doc = json.loads(inv.read_text(encoding="utf-8"))
    doc["inventory"].append({"table": "customers", "column": "Email__c", "category": "email", "share": 1.0, "sensitivity": "medium"})
    inv.write_text(json.dumps(doc), encoding="utf-8")
    r = cli(*ask, "--inventory", str(inv))
    assert r.returncode == 2 and "Email__c" in r.stderr and "scan" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli("subject", "find", str(sample_dir), "--email", "nobody.here@example.org", "--quiet")
    assert r.returncode == 0 and "no records found" in r.stdout


def test_other_tables_linked_by_key_are_searched(tmp_path):
    """Tables beyond the canonical ones: an address book reached by customers.address_id and an
    orders table holding CustomerId are the person's rows too."""
    import pandas as pd
    import yaml

    root = tmp_path / "ds"
    root.mkdir()
    pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "email": ["ann@example.org", "bob@example.org", "cy@example.org"],
                  "address_id": ["A1", "A2", "A3"]}).to_csv(root / "customers.csv", index=False)
    pd.DataFrame({"AddressId": ["A1", "A2", "A3"], "street": ["Main St 1", "Side St 2", "Long Rd 3"]}).to_csv(root / "address.csv", index=False)
    pd.DataFrame({"OrderId": ["O1", "O2", "O3", "O4"], "CustomerId": ["C1", "C2", "C1", "C3"]}).to_csv(root / "orders.csv", index=False)
    (root / "dataset.yaml").write_text(yaml.safe_dump({"name": "links", "tables": {
        "customers": {"path": "customers.csv"}, "address": {"path": "address.csv"}, "orders": {"path": "orders.csv"}}}),
        encoding="utf-8")
    ds = load_dataset(root)
    finding = find_subject(ds, parse_selector(email="ANN@example.org"))
    by = {t["table"]: t["rows"] for t in finding.summary()["tables"]}
    assert by == {"customers": 1, "address": 1, "orders": 2}
    rows = {tm.table: [r for df in subject_rows(ds, finding, tm) for r in df.to_dict("records")] for tm in finding.hits()}
    assert [r["AddressId"] for r in rows["address"]] == ["A1"] and sorted(r["OrderId"] for r in rows["orders"]) == ["O1", "O3"]


@pytest.mark.parametrize("args", [
    ["--email", "not-an-email"],
    ["--email", "a@example.org", "--customer-id", "C1"],
    [],
    ["--phone", "call me"],
])
def test_cli_bad_selectors_exit_2_with_one_line(cli, sample_dir, tmp_path, args):
    r = cli("subject", "export", str(sample_dir), *args, "--out", str(tmp_path / "pkg"), "--quiet")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "pkg").exists()
