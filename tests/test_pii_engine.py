"""The column engine: text_hits agrees with find, classification by content, free-text detection."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.pii import classify_column, find, is_free_text, special_hits, text_hits

from test_pii_detectors import CASES, ID1, ID2, VISA, VISA_PLAIN, cn_id

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "acme_retail"


def _expected(series: pd.Series, cats: list[str]) -> pd.DataFrame:
    rows = []
    for v in series:
        found = {m.category for m in find(v)} if isinstance(v, str) else set()
        rows.append({c: c in found for c in cats})
    return pd.DataFrame(rows, index=series.index, columns=cats)


def test_text_hits_agrees_with_find_on_the_table_cases() -> None:
    texts = [t for t, _ in CASES] + [None, "", f"{ID1} {VISA} 13812345678@qq.com 13812345678", "DE89 3704 0044 0532 0130 00"]
    s = pd.Series(texts, index=pd.RangeIndex(100, 100 + len(texts)), dtype="string")
    hits = text_hits(s)
    assert list(hits.index) == list(s.index)
    pd.testing.assert_frame_equal(hits, _expected(s, list(hits.columns)))


def test_text_hits_agrees_with_find_on_random_mixed_text() -> None:
    rng = np.random.default_rng(11)
    parts = ["客户", "call", VISA, VISA_PLAIN, "4111111111111112", ID1, ID2, "13812345678", "+86 138 1234 5678",
             "a.b@example.com", "192.168.0.1", "2024-05-01", "1,234.56", "v1.2.3", "DE89 3704 0044 0532 0130 00",
             "536-22-1234", "666-12-3456", "DOB 1990-05-12", "(415) 555-0132", "，", " ", "x", "号",
             "DE53 7406 5072 1760 0088 67", "320102197504017461", "a@b.cn"]
    texts = ["".join(rng.choice(parts, int(rng.integers(1, 7)))) for _ in range(3000)]
    s = pd.Series(texts, dtype="string")
    hits = text_hits(s)
    pd.testing.assert_frame_equal(hits, _expected(s, list(hits.columns)))
    assert hits.any(axis=None)


def test_long_columns_are_scanned_in_chunks_with_the_same_result(monkeypatch) -> None:
    from workbench.pii import engine

    texts = [f"{ID1} {VISA}", "a@b.cn 13812345678@qq.com", None, "DE89 3704 0044 0532 0130 00", "x"] * 7
    s = pd.Series(texts, dtype="string")
    whole = text_hits(s)
    monkeypatch.setattr(engine, "CHUNK", 4)
    chunked = text_hits(s)
    pd.testing.assert_frame_equal(chunked, whole)
    pd.testing.assert_frame_equal(chunked, _expected(s, list(chunked.columns)))


def test_text_hits_subset_of_categories_and_unknown_category() -> None:
    s = pd.Series([f"mail a@b.cn card {VISA}", "nothing"])
    h = text_hits(s, ["card_number", "email", "person_name"])
    assert list(h.columns) == ["card_number", "email", "person_name"]
    assert h.loc[0, "card_number"] and h.loc[0, "email"] and not h.loc[0, "person_name"]
    assert not h.loc[1].any()


def test_text_hits_preserves_a_non_default_index() -> None:
    s = pd.Series(["a@b.cn", None, "x"], index=["r1", "r2", "r3"])
    assert text_hits(s, ["email"])["email"].to_dict() == {"r1": True, "r2": False, "r3": False}


def test_field7_full_of_emails_found_by_content() -> None:
    s = pd.Series([f"user{i}@example.org" for i in range(500)] + [None] * 50)
    assert classify_column(s, "Field7") == {"email": 1.0}


def test_luhn_failing_order_numbers_are_not_cards() -> None:
    rng = np.random.default_rng(1)
    orders = []
    while len(orders) < 400:
        v = "".join(rng.choice(list("0123456789"), 16))
        if v[0] != "0" and not __import__("workbench.pii.validators", fromlist=["luhn"]).luhn(v):
            orders.append(v)
    assert "card_number" not in classify_column(pd.Series(orders), "order_no")
    cards = pd.Series([VISA, VISA_PLAIN] * 200)
    assert classify_column(cards, "col_x") == {"card_number": 1.0}


def test_national_id_column_is_not_phone() -> None:
    ids = pd.Series([cn_id(f"42010619900101{i:03d}") for i in range(300)])
    assert classify_column(ids, "Field3") == {"national_id": 1.0}


def test_threshold_share_and_sample_confirmation() -> None:
    s = pd.Series(["a@b.cn"] * 3000 + ["n/a"] * 2000)   # 60% > 0.5
    assert classify_column(s, "x") == {"email": 0.6}
    s = pd.Series(["a@b.cn"] * 1000 + ["n/a"] * 4000)   # 20% < 0.5
    assert classify_column(s, "x") == {}


def test_names_need_content_hint_helps_never_decides() -> None:
    names = pd.Series(["John Smith", "Mary O'Brien", "王小明", "李娜", "Anna-Lena Müller"] * 40)
    assert classify_column(names, "contact_name") == {"person_name": 1.0}
    assert classify_column(names, "Field2") == {"person_name": 1.0}          # strong content alone
    mixed = pd.Series(["John Smith"] * 60 + ["Gold", "Silver", "Bronze", "n/a"] * 10)  # 60% name-shaped
    assert classify_column(mixed, "full_name") == {"person_name": 0.6}
    assert classify_column(mixed, "Field2") == {}                            # no hint, not strong enough
    products = pd.Series(["Widget", "Gadget", "Sprocket"] * 50)
    assert classify_column(products, "customer_name") == {}                  # a hint alone never decides


def test_addresses_by_shape_with_hint() -> None:
    addr = pd.Series(["221 Baker Street", "Hauptstraße 5, 10115 Berlin", "北京市朝阳区建国路88号",
                      "6257 Oak Ave, San Jose, CA 95154", "Kerkstraat 39, 2827 AB Amsterdam"] * 30)
    assert classify_column(addr, "地址") == {"address": 1.0}
    assert classify_column(pd.Series(["Berlin", "Paris", "上海"] * 50), "address") == {}


def test_birth_dates_need_a_birth_context() -> None:
    dates = pd.Series(pd.to_datetime(["1980-01-31", "1975-06-01", "1990-12-24"] * 50))
    assert classify_column(dates, "date_of_birth") == {"birth_date": 1.0}
    assert classify_column(dates, "出生日期") == {"birth_date": 1.0}
    assert classify_column(dates, "created_at") == {}


def test_ip_column() -> None:
    assert classify_column(pd.Series(["10.0.0.1", "192.168.1.20"] * 100), "source_ip") == {"ip_address": 1.0}


def test_empty_and_non_text_columns() -> None:
    assert classify_column(pd.Series([None, None], dtype="string"), "email") == {}
    assert classify_column(pd.Series([1.5, 2.5]), "amount") == {}
    assert not is_free_text(pd.Series([1, 2, 3]), "notes")


def test_is_free_text() -> None:
    notes = pd.Series(["Customer called about the order and wants a refund soon.", "客户希望晚上通过邮件联系并询问会员积分。",
                       None, "VIP customer, handle with care please."] * 20)
    assert is_free_text(notes, "comments")
    assert is_free_text(notes, "Field9")
    assert not is_free_text(pd.Series(["John Smith", "王小明"] * 50), "name")
    assert not is_free_text(pd.Series(["a@b.cn"] * 50), "notes")


def test_special_hits() -> None:
    h = special_hits(pd.Series(["diabetic, needs insulin", "宗教信仰：佛教", None, "nothing"]))
    assert h["health"].tolist() == [True, False, False, False]
    assert h["religion"].tolist() == [False, True, False, False]


@pytest.mark.parametrize("sample", ["acme_retail", "mini_sqlite"])
def test_planted_pii_in_notes_found_exactly(sample: str) -> None:
    from workbench.dataset import load_dataset

    folder = ROOT / "data" / "samples" / sample
    if not (folder / "ground_truth.json").is_file():
        pytest.skip(f"sample {sample} not generated yet")
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))["pii_in_notes"]
    notes = load_dataset(folder).tables["customers"]["notes"]
    hits = text_hits(notes, ["email", "phone", "card_number", "national_id"])
    assert int(hits.any(axis=1).sum()) == truth["records"]
    assert {c: int(hits[c].sum()) for c in hits.columns if hits[c].any()} == truth["by_category"]
