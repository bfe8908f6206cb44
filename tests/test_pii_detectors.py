"""Table-driven tests of every detector: what ``find`` must match and what it must not."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.errors import ContentError
from workbench.pii import CATEGORIES, find, find_special, load_catalog
from workbench.pii import validators as V

CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, CN_W)) % 11]


def bad_check(id18: str) -> str:
    return id18[:-1] + ("1" if id18[-1] != "1" else "2")


ID1 = cn_id("42010619900101123")     # 420106199001011231
ID2 = cn_id("11010519491231002")     # ends in X
VISA = "4111 1111 1111 1111"
VISA_PLAIN = "4242424242424242"
AMEX = "3782 822463 10005"

# (text, expected [(category, matched text)])
CASES = [
    # email
    ("write to john.doe@example.com today", [("email", "john.doe@example.com")]),
    ("邮箱wang.wei@mail.example.cn谢谢", [("email", "wang.wei@mail.example.cn")]),
    ("not an email: john@localhost, @handle, a@b", []),
    # phone
    ("手机13812345678", [("phone", "13812345678")]),
    ("call +86 138 1234 5678 now", [("phone", "+86 138 1234 5678")]),
    ("Call (415) 555-0132 or 415-555-0132", [("phone", "(415) 555-0132"), ("phone", "415-555-0132")]),
    ("office +44 20 7946 0958.", [("phone", "+44 20 7946 0958")]),
    ("order 12812345678901 shipped", []),                 # 14 digits: not a mobile, Luhn fails
    ("amount 1,234,567.89 EUR on 2024-05-01", []),
    ("12345678901", []),                                 # 11 digits not starting 1[3-9]
    # national id (China): ASCII boundaries find ids glued to Chinese text
    (f"身份证{ID1}", [("national_id", ID1)]),
    (f"身份证号码：{ID2}。", [("national_id", ID2)]),
    (f"id {bad_check(ID1)} wrong check digit", []),
    ("id 420106199013011234 month 13", []),
    (f"x{ID1}", []),                                     # glued to a Latin letter: not a boundary
    # national id (US SSN)
    ("SSN 536-22-1234", [("national_id", "536-22-1234")]),
    ("SSN 666-12-3456, 000-12-3456, 912-12-3456, 123-00-4567, 123-45-0000", []),
    # card numbers (Luhn)
    (f"card {VISA} exp 12/27", [("card_number", VISA)]),
    (f"卡号{VISA_PLAIN}", [("card_number", VISA_PLAIN)]),
    (f"amex {AMEX}", [("card_number", AMEX)]),
    ("order 4111111111111112 (Luhn fails)", []),
    ("order number 1234567812345678", []),
    ("0000 0000 0000 0000", []),
    # IBAN (mod-97)
    ("IBAN DE89 3704 0044 0532 0130 00 thanks", [("iban", "DE89 3704 0044 0532 0130 00")]),
    ("GB82WEST12345698765432", [("iban", "GB82WEST12345698765432")]),
    ("IBAN DE89 3704 0044 0532 0130 01", []),            # check fails; the card pattern finds no Luhn-valid run
    ("Account DE53 7406 5072 1760 0088 67 rejected", []),  # mistyped IBAN: its Luhn-valid digits are not a card
    ("证件号320102197504017461有误", []),                  # mistyped id (bad check digit) passing Luhn: not a card
    # IP address
    ("login from 192.168.1.20", [("ip_address", "192.168.1.20")]),
    ("bad 256.1.1.1 and 01.2.3.4 and 1.2.3", []),
    # birth date: only in a birth-date context
    ("DOB: 1990-05-12", [("birth_date", "1990-05-12")]),
    ("出生日期1985年3月4日", [("birth_date", "1985年3月4日")]),
    ("born on 12/31/1985", [("birth_date", "12/31/1985")]),
    ("delivered 2024-05-12, invoice dated 1990-05-12", []),
    ("DOB 1990-02-30", []),
    # address shapes
    ("ship to 221 Baker Street", [("address", "221 Baker Street")]),
    ("寄到北京市朝阳区建国路88号", [("address", "寄到北京市朝阳区建国路88号")]),
    # version strings, dates, amounts, mixed text
    ("app v2.14.3 build 20240501 total ¥3,280.00 订单2024-05-01", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_find(text: str, expected: list[tuple[str, str]]) -> None:
    got = [(m.category, text[m.start:m.end]) for m in find(text)]
    assert got == expected


def test_card_or_id_never_also_phone() -> None:
    text = f"{ID1} / {VISA_PLAIN} / 13812345678@qq.com"
    cats = [m.category for m in find(text)]
    assert cats == ["national_id", "card_number", "email"]


def test_iban_digits_not_a_card() -> None:
    assert [m.category for m in find("DE89 3704 0044 0532 0130 00")] == ["iban"]


def test_offsets_are_character_offsets() -> None:
    text = f"客户身份证{ID1}，邮箱a@b.cn"
    ms = find(text)
    assert [text[m.start:m.end] for m in ms] == [ID1, "a@b.cn"]


def test_categories_filter() -> None:
    assert [m.category for m in find("a@b.cn 13812345678", {"phone"})] == ["phone"]


@pytest.mark.parametrize("text,expected", [
    ("patient has diabetes", ["health"]),
    ("怀孕三个月", ["health"]),
    ("Customer is Muslim, halal food", ["religion"]),
    ("uses FINGERPRINT login", ["biometrics"]),
    ("salary paid to bank account", ["financial"]),
    ("account for her child, parental consent given", ["minors"]),
    ("未成年人账户", ["minors"]),
    ("diabetes medication for the child", ["health", "minors"]),
    ("cancellation requested", []),                      # 'cancer' inside a word is not a hit
    ("nothing special here", []),
])
def test_special_categories(text: str, expected: list[str]) -> None:
    assert find_special(text) == expected


# ------------------------------------------------------------------ validators

@pytest.mark.parametrize("name,good,bad", [
    ("luhn", [VISA, VISA_PLAIN, AMEX, "5555-5555-5555-4444"], ["4111111111111112", "1234", "0000000000000000"]),
    ("cn_resident_id", [ID1, ID2, ID2.lower()], [bad_check(ID1), "420106199002301234", "420106180001011234"]),
    ("us_ssn", ["536-22-1234", "001-01-0001"], ["666-12-3456", "000-12-3456", "900-12-3456", "123-00-1234", "123-45-0000", "123-45-6789"]),
    ("iban", ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "NL91ABNA0417164300"], ["DE89 3704 0044 0532 0130 01", "XX00", "GB82WEST1234569876543!"]),
    ("ipv4", ["192.168.1.20", "8.8.8.8", "255.255.255.255"], ["256.1.1.1", "1.2.3", "01.2.3.4", "0.1.2.3"]),
    ("phone_digits", ["13812345678", "+44 20 7946 0958"], ["1234567", "11111111111", "1" * 16]),
    ("plausible_birth_date", ["1990-05-12", "1985年3月4日", "31/12/1985", "12/31/1985"], ["1990-02-30", "1850-01-01", "2999-01-01"]),
])
def test_validators(name: str, good: list[str], bad: list[str]) -> None:
    fn = V.VALIDATORS[name]
    assert all(fn(v) for v in good), [v for v in good if not fn(v)]
    assert not any(fn(v) for v in bad), [v for v in bad if fn(v)]


@pytest.mark.parametrize("name", sorted(V.VECTORISED))
def test_vectorised_validators_agree_with_scalar(name: str) -> None:
    rng = np.random.default_rng(3)
    pool = [VISA, VISA_PLAIN, AMEX, "4111111111111112", ID1, ID2, bad_check(ID1), "536-22-1234", "666-12-3456",
            "192.168.1.20", "256.1.1.1", "01.2.3.4", "13812345678", "11111111111", "", "x"]
    pool += ["".join(rng.choice(list("0123456789"), int(rng.integers(8, 20)))) for _ in range(300)]
    pool += [cn_id("".join(rng.choice(list("0123456789"), 6)) + "19900101" + "123") for _ in range(100)]
    pool += [".".join(str(int(x)) for x in rng.integers(0, 300, 4)) for _ in range(100)]
    got = V.VECTORISED[name](pl.Series(pool, dtype=pl.String))
    want = np.array([V.VALIDATORS[name](v) for v in pool])
    assert (got == want).all(), [v for v, g, w in zip(pool, got, want) if g != w][:5]


# ------------------------------------------------------------------ detectors.yaml is validated content

def _write(tmp_path, text: str):
    p = tmp_path / "detectors.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_bundled_catalog_loads() -> None:
    cat = load_catalog()
    assert {d.category for d in cat.detectors} == set(CATEGORIES)
    assert {"email", "phone", "national_id", "card_number", "iban", "ip_address", "birth_date", "person_name",
            "address"} <= set(CATEGORIES)   # DESIGN's names stay
    assert set(cat.special) == {"health", "religion", "biometrics", "financial", "minors"}


@pytest.mark.parametrize("body,key", [
    ("detectors:\n  - {id: x, category: email, sensitivity: medium, patterns: ['\\d+@']}\n", "detectors[x].patterns"),
    ("detectors:\n  - {id: x, category: email, sensitivity: medium, patterns: ['(?<=a)b']}\n", "detectors[x].patterns"),
    ("detectors:\n  - {id: x, category: email, sensitivity: medium, patterns: ['a'], validator: nope}\n", "detectors[x].validator"),
    ("detectors:\n  - {id: x, category: shoe_size, sensitivity: medium, patterns: ['a']}\n", "detectors[x].category"),
    ("detectors:\n  - {id: x, category: email, sensitivity: extreme, patterns: ['a']}\n", "detectors[x].sensitivity"),
    ("detectors:\n  - {id: x, category: email, sensitivity: low, patterns: ['(']}\n", "detectors[x].patterns"),
    ("threshold: 2\ndetectors:\n  - {id: x, category: email, sensitivity: low, patterns: ['a']}\n", "threshold"),
])
def test_bad_detector_file_names_key(tmp_path, body: str, key: str) -> None:
    with pytest.raises(ContentError) as e:
        load_catalog(_write(tmp_path, body))
    assert key in str(e.value) and "detectors.yaml" in str(e.value)
    assert e.value.exit_code == 2


def test_yaml_syntax_error(tmp_path) -> None:
    with pytest.raises(ContentError, match="YAML"):
        load_catalog(_write(tmp_path, "detectors: [\n"))
