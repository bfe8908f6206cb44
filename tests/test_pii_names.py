"""Issue 20 item 3: person names, addresses, cities and old phone formats decided by evidence
(name dictionaries, street and division words, the header, the spread of values), never by
capitalisation alone; the classifier says which evidence decided."""
from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from workbench.errors import ContentError
from workbench.pii import classify_column, find
from workbench.pii.names import load_names, name_evidence


def _classify(values: list[str | None], header: str) -> tuple[dict[str, float], dict[str, str]]:
    evidence: dict[str, str] = {}
    return classify_column(pd.Series(values * 10), header, evidence=evidence), evidence


UPPER = ["MARY SMITH", "JOHN BROWN", "LINDA JONES", "JAMES WILSON", "PATRICIA TAYLOR", "ROBERT MILLER"]
ZH2 = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"]


@pytest.mark.parametrize("values,header,evidence", [
    (UPPER, "Field3", "content"),                                   # upper case: the dictionary decides
    (UPPER, "CUSTOMER_NAME", "content"),
    (["MARY", "LINDA", "JOHN", "JAMES", "SUSAN"], "FIRST_NAME", "header+content"),
    (["SMITH", "BROWN", "JONES", "WILSON", "TAYLOR"], "LAST_NAME", "header+content"),
    (["SMITH, MARY", "BROWN, JOHN", "JONES, LINDA", "WILSON, JAMES", "TAYLOR, ANNA"], "Field1", "content"),
    (ZH2, "Field1", "content"),                                      # two-character Chinese names, no header
    (["大梨", "小李", "老王", "阿明", "大壮"], "姓名", "header+content"),  # nicknames under a name header
    (["大梨", "小李", "老王", "阿明", "大壮"], "name", "header+content"),
    (["Maria Anders", "Ana Trujillo", "Antonio Moreno", "Thomas Hardy", "Christina Berglund", "Hanna Moos"],
     "ContactName", "content"),
])
def test_names_found_by_evidence(values: list[str], header: str, evidence: str) -> None:
    shares, how = _classify(values, header)
    assert shares.get("person_name") == 1.0, shares
    assert how["person_name"] == evidence


@pytest.mark.parametrize("values,header", [
    (["Western Europe", "Eastern Europe", "North America", "South America", "Central America"], "RegionDescription"),
    (["Western Europe", "Eastern Europe", "North America", "South America", "Central America"], "Field2"),
    (["Sales Representative", "Sales Manager", "Vice President, Sales", "Inside Sales Coordinator"], "Title"),
    (["Sales Representative", "Sales Manager", "Vice President, Sales", "Inside Sales Coordinator"], "Field2"),
    (["Alfreds Futterkiste", "Around the Horn", "Berglunds snabbköp", "Blauer See Delikatessen", "Bon app'",
      "Bottom-Dollar Markets", "Consolidated Holdings", "Eastern Connection"], "CompanyName"),
    (["Acme Trading Ltd", "Globex Corporation", "Initech Inc", "Umbrella Holdings", "Stark Industries"], "customer_name"),
    (["大梨", "小李", "老王", "阿明", "大壮"], "Field1"),                 # a nickname needs the header
    (["华东", "华南", "华北", "西南", "东北"], "region"),
    (["Active", "Closed", "Pending"], "Field5"),
    (["Gold Member", "Silver Member", "Bronze Member", "Platinum Member", "Basic Member"], "Field5"),
])
def test_things_with_capital_letters_are_no_names(values: list[str], header: str) -> None:
    assert "person_name" not in _classify(values, header)[0]


def test_a_repeated_handful_is_no_name_column_without_a_header() -> None:
    assert "person_name" not in _classify(["Mary Smith", "John Brown"], "Field1")[0]      # no spread
    assert _classify(["Mary Smith", "John Brown"], "owner_name")[0] == {"person_name": 1.0}  # header+content


def test_name_evidence_per_value() -> None:
    values = ["MARY SMITH", "Western Europe", "王伟", "欧阳明", "小李", "南京市", "Sales Manager", "John"]
    assert name_evidence(pl.Series(values), False).tolist() == [True, False, True, True, False, False, False, False]
    assert name_evidence(pl.Series(values), True).tolist() == [True, False, True, True, True, False, False, True]


@pytest.mark.parametrize("values,header,evidence", [
    (["908 W. Capital Way", "722 Moss Bay Blvd.", "4110 Old Redmond Rd.", "4726 - 11th Ave. N.E.", "1600 Maple Dr"],
     "Field8", "content"),
    (["908 W. Capital Way", "14 Garrett Hill", "Coventry House Miner Rd.", "Edgeham Hollow Winchester Way"],
     "Address", "header+content"),
    (["Hauptstraße 5", "Berliner Straße 12", "Am Ring 3", "Lindenweg 7a", "Marktplatz 1"], "Field8", "content"),
    (["12 rue de la Paix", "5 avenue Foch", "3 bis, boulevard Voltaire", "8 place Bellecour"], "Field8", "content"),
    (["Calle Mayor 5", "Avenida de la Constitución, 12", "Paseo del Prado 8", "C/ Alcalá 20"], "Field8", "content"),
    (["Rua Augusta, 100", "Av. Paulista, 1578", "Praça da Sé, 1", "Travessa do Carmo 7", "Alameda Santos, 200"],
     "Field8", "content"),
    (["上海市浦东新区张江高科技园区", "广东省深圳市南山区", "北京市朝阳区建国路88号", "浙江省杭州市西湖区文三路90号"],
     "Field8", "content"),
])
def test_streets_in_six_languages(values: list[str], header: str, evidence: str) -> None:
    shares, how = _classify(values, header)
    assert shares.get("address", 0) >= 0.8, shares
    assert how["address"] == evidence


def test_lower_case_cities_count_when_header_and_values_agree() -> None:
    cities = ["sao paulo", "rio de janeiro", "belo horizonte", "curitiba", "campinas", "porto alegre"]
    assert _classify(cities, "customer_city") == ({"address": 1.0}, {"address": "header+content"})
    assert "address" not in _classify(cities, "Field4")[0]
    assert "address" not in _classify(["yes", "no"], "city")[0]          # two repeated words are no cities


OLD_PHONES = ["030-0074321", "(5) 555-4729", "(171) 555-7788", "0921-12 34 65", "0621-08460", "88.60.15.31",
              "(91) 555 22 82", "91.24.45.40", "(604) 555-4729", "(1) 135-5555"]


@pytest.mark.parametrize("header", ["Phone", "Fax", "HomePhone", "传真"])
def test_old_phone_formats_under_a_phone_header(header: str) -> None:
    shares, how = _classify(OLD_PHONES, header)
    assert shares["phone"] == 1.0 and how["phone"] == "header+content"


def test_old_phone_formats_without_the_header_are_not_decided_by_it() -> None:
    shares, how = _classify(OLD_PHONES, "Field4")
    assert how.get("phone") in (None, "content") and shares.get("phone", 0) < 1.0
    assert "phone" not in _classify(["2024", "1999", "42"], "Phone")[0]   # too few digits for a phone


@pytest.mark.parametrize("text,name", [
    ("Please call MARY SMITH tomorrow about the refund.", "MARY SMITH"),
    ("Spoke with Anna Kowalski, she wants a callback.", "Anna Kowalski"),
    ("请与王伟联系，确认地址。", "王伟"),
    ("已转告张敏，明天回电。", "张敏"),
    ("客户李娜来电投诉", "李娜"),
])
def test_names_in_free_text(text: str, name: str) -> None:
    got = [text[m.start:m.end] for m in find(text) if m.category == "person_name"]
    assert any(name in g for g in got), got


@pytest.mark.parametrize("text", [
    "Our Western Europe sales grew 5%.",
    "The Sales Representative will send the invoice.",
    "请与高效团队联系",                     # 高效 is no name: 效 is no given-name character
    "ORDER SHIPPED TO WAREHOUSE",
])
def test_no_names_in_ordinary_text(text: str) -> None:
    assert "person_name" not in {m.category for m in find(text)}


def test_name_lists_are_validated_on_load(tmp_path) -> None:
    bad = tmp_path / "names.yaml"
    text = (load_names.__wrapped__.__globals__["DEFAULT_PATH"]).read_text(encoding="utf-8")
    bad.write_text(text.replace("zh_compound_surnames: [欧阳", "zh_compound_surnames: [O-Yang, 欧阳"), encoding="utf-8")
    with pytest.raises(ContentError, match="zh_compound_surnames"):
        load_names(str(bad))


def test_the_dictionary_is_read_as_gender_guesser_reads_it():
    """names.py reads gender-guesser's data file itself (the Detector's per-country parse costs
    0.5 s per process); the names it finds must be exactly the Detector's."""
    from gender_guesser.detector import Detector

    from workbench.pii.names import _dictionary_names

    assert _dictionary_names() == set(Detector(case_sensitive=False).names)
