"""Masking: per-category rules and free-text masking that leaves no raw value behind."""
from __future__ import annotations

import pytest

from workbench.masking import mask, mask_text
from workbench.pii import find

from test_pii_detectors import ID1, ID2, VISA


@pytest.mark.parametrize("value,category,expected", [
    ("john.doe@example.com", "email", "j***@example.com"),
    ("13812345678", "phone", "*******5678"),  # at most the last four digits (issue 11)
    ("+86 138 1234 5678", "phone", "+*********5678"),
    ("+1 408-555-0167", "phone", "+*******0167"),
    ("4242 4242 4242 4242", "card_number", "**** **** **** 4242"),
    ("420106199001011234", "national_id", "4201**********1234"),
    ("536-22-1234", "national_id", "*****1234"),
    ("王小明", "person_name", "王**"),
    ("王伟", "person_name", "王*"),
    ("John Doe", "person_name", "J*** D**"),
    ("DE89 3704 0044 0532 0130 00", "iban", "DE****************3000"),
    ("192.168.1.20", "ip_address", "192.168.*.*"),
    ("1990-05-12", "birth_date", "****-**-**"),
    ("221 Baker Street", "address", "2** ***** ******"),
    ("北京市朝阳区建国路88号", "address", "北***********"),
    ("secret", None, "s****t"),
    (None, "email", ""),
])
def test_mask(value, category, expected) -> None:
    assert mask(value, category) == expected


def test_mask_text_masks_every_match_and_keeps_the_rest() -> None:
    text = f"客户身份证{ID1}，电话13812345678，mail john.doe@example.com, card {VISA}; DOB: 1990-05-12 ok"
    out = mask_text(text)
    assert out == ("客户身份证4201**********1231，电话*******5678，mail j***@example.com, card **** **** **** 1111; "
                   "DOB: ****-**-** ok")
    for m in find(text):
        assert text[m.start:m.end] not in out
    assert find(out) == []   # nothing detectable remains


def test_mask_text_without_personal_data_is_unchanged() -> None:
    assert mask_text("order 1234567812345678 shipped") == "order 1234567812345678 shipped"
    assert mask_text("") == "" and mask_text(None) == ""


def test_mask_never_returns_the_raw_value() -> None:
    for v, c in [(ID2, "national_id"), (VISA, "card_number"), ("a@b.cn", "email"), ("Li", "person_name")]:
        assert mask(v, c) != v
