"""Phone numbers read in the customer's own country (issue 12): ``find(text, region=...)``, the
column engine with per-row regions, the inventory scan and PII-001 on a table with ``country``."""
from __future__ import annotations

import json

import numpy as np
import phonenumbers
import polars as pl
import pytest
import yaml

from workbench import load_dataset
from workbench.assess import assess
from workbench.pii import find, scan_dataset
from workbench.pii.engine import polars_hits
from workbench.pii.phones import region_code, region_codes

# national formats valid only in their own country's plan (none of them is valid in the usual regions)
OWN = [("AU", "(02) 1234 5678"), ("BR", "(11) 2345-6789"), ("MX", "222 123 4567"), ("GR", "691 234 5678"),
       ("CO", "321 1234567"), ("NP", "984-1234567")]


def _phones(text: str, region: str = "") -> list[str]:
    return [text[m.start:m.end] for m in find(text, {"phone"}, region=region)]


@pytest.mark.parametrize("region,number", OWN)
def test_a_national_number_is_found_in_its_customers_country_only(region, number) -> None:
    assert phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    text = f"Customer asked us to ring {number} after five."
    assert _phones(text, region) == [number]
    assert _phones(text) == []            # no country: the usual regions reject it
    others = [o for o in ("CN", "US", "JP", "DE") if not phonenumbers.is_valid_number(phonenumbers.parse(number, o))]
    assert others
    for other in others:                  # another customer's country, whose plan rejects it: no phone
        assert _phones(text, other) == []


@pytest.mark.parametrize("text", ["Paid EUR 250 000 000 in three tranches.", "Visit on 2026 05 06 at ten.",
                                  "Visit on 06 05 2026."])
def test_amounts_and_dates_with_spaces_are_no_phones_in_any_country(text) -> None:
    for region in ("BD", "TZ", "FR", "ES", "KE", "LT", "PK"):
        assert _phones(text, region) == []


def test_country_values_map_to_phone_regions() -> None:
    assert [region_code(c) for c in ["de", " NG ", "EL", "UK", "xx", "", None]] == ["DE", "NG", "GR", "GB", "", "", ""]
    assert region_codes(pl.Series(["au", None, "Germany"])).tolist() == ["AU", "", ""]


def test_column_engine_agrees_with_find_row_by_row() -> None:
    """Same rows with and without their countries: the vectorised engine and find() agree on every row."""
    rng = np.random.default_rng(3)
    texts, regions = [], []
    for region, number in OWN * 3:
        texts += [f"Call {number} today", f"ref {number.replace(' ', '')} ok"]
        regions += [region, str(rng.choice(["DE", "", region]))]
    texts += ["Order 4711 0815 2231 shipped.", "Paid 250 000 000."]
    regions += ["MX", "TZ"]
    got = polars_hits(pl.Series(texts), ["phone"], regions=region_codes(pl.Series(regions)))["phone"]
    want = [bool(_phones(t, r)) for t, r in zip(texts, regions)]
    assert got.tolist() == want
    assert sum(want) >= len(OWN) * 3  # the country made a difference


def _dataset(tmp_path, with_country: bool):
    rows = []
    for i in range(120):
        region, number = OWN[i % len(OWN)]
        row = {"customer_id": f"C{i:04d}", "phone": number, "notes": f"Prefers a call on {number}, evenings."}
        if with_country:
            row["country"] = region
        rows.append(row)
    import pandas as pd

    pd.DataFrame(rows).to_csv(tmp_path / "customers.csv", index=False)
    (tmp_path / "users.csv").write_text("user_id,role\nU1,admin\n", encoding="utf-8")
    (tmp_path / "dataset.yaml").write_text(yaml.safe_dump(
        {"name": "regions", "as_of": "2026-09-30",
         "tables": {"customers": {"path": "customers.csv"}, "users": {"path": "users.csv"}}}), encoding="utf-8")
    return load_dataset(tmp_path)


def test_scan_reads_phones_in_each_customers_country(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with_country = scan_dataset(_dataset(tmp_path / "a", True))
    without = scan_dataset(_dataset(tmp_path / "b", False))
    share = {(c["column"], c["category"]): c["share"] for c in with_country.columns}
    assert share[("phone", "phone")] == 1.0
    evidence = {(c["column"], c["category"]): c["evidence"] for c in with_country.columns}
    assert evidence[("phone", "phone")] == "content"   # the values prove it, read in their country
    # without a country the values alone prove nothing; only the 'phone' header makes them phones (issue 20)
    assert {(c["column"], c["category"]): c["evidence"] for c in without.columns}.get(("phone", "phone")) in (
        None, "header+content")
    notes = next(f for f in with_country.free_text if f["column"] == "notes")
    assert notes["by_category"] == {"phone": 120}
    assert all(e.count("*") >= 4 for e in notes["examples"]["phone"])  # masked
    raw = json.dumps(with_country.to_dict(), ensure_ascii=False)
    assert not any(number in raw for _, number in OWN)  # no unmasked number leaves the scan


def test_pii_001_counts_notes_with_their_customers_phone(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    f_with = {f.id: f for f in assess(_dataset(tmp_path / "a", True)).findings}["PII-001"]
    f_without = {f.id: f for f in assess(_dataset(tmp_path / "b", False)).findings}["PII-001"]
    assert (f_with.status, f_with.affected, f_with.total) == ("fail", 120, 120)
    assert f_without.affected == 0
