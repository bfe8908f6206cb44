"""Issue 20: encoding detection limited to what CRM exports are written in; CP1252 preferred over
rarer single-byte code pages; a guess that does not read as its encoding's script is refused."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workbench import DatasetError, load_dataset
from workbench.encoding import ALLOWED, _fit, detect

HEADER = "user_id,name\n"


def _file(tmp_path: Path, body: str, enc: str, repeat: int = 1) -> tuple[Path, str]:
    text = HEADER + body * repeat
    p = tmp_path / f"users_{enc}_{repeat}.csv"
    p.write_bytes(text.encode(enc))
    return p, text


CASES = [
    # the bug: a Western file whose only non-ASCII letters are a few umlauts was read as cp775
    ("U1,Jürgen Müller\nU2,Hans Meier\n", "cp1252"),
    ("U1,Jürgen Müller\n", "cp1252"),
    ("U1,François Lefèvre\nU2,Zoë Brontë\nU3,René Ærø\n", "cp1252"),
    ("1,€ 50 – net\n2,£30 “gift”\n", "cp1252"),
    ("U1,Иван Петров\nU2,Мария Смирнова\nU3,Алексей Кузнецов\n", "cp1251"),
    ("U1,王伟\nU2,李娜\nU3,张三丰\n", "gb18030"),
    ("U1,VIP客户\nU2,iPhone手机壳\n", "gb18030"),
    ("U1,王偉\nU2,李娜\nU3,張三豐\n", "big5"),
    ("U1,山田太郎\nU2,佐藤花子\nU3,ヤマダ タロウ\n", "shift_jis"),
    ("U1,김민준\nU2,이서연\n", "euc_kr"),
]


@pytest.mark.parametrize("repeat", [1, 30])
@pytest.mark.parametrize("body,enc", CASES, ids=[f"{e}-{i}" for i, (_, e) in enumerate(CASES)])
def test_export_encodings_are_read_right(tmp_path: Path, body: str, enc: str, repeat: int) -> None:
    p, text = _file(tmp_path, body, enc, repeat)
    got = detect(p)
    assert p.read_bytes().decode(got) == text, got


def test_umlauts_are_never_read_as_a_rarer_code_page(tmp_path: Path) -> None:
    p, _ = _file(tmp_path, "U1,Jürgen Müller\nU2,Hans Meier\n", "cp1252", 30)
    assert detect(p) == "cp1252"
    assert "cp775" not in ALLOWED and "cp852" not in ALLOWED


@pytest.mark.parametrize("data", [
    HEADER.encode() + bytes(range(0x80, 0x100)) * 3 + b",x\n",       # no encoding reads this as text
    (HEADER + "U1,Łukasz Żółć\n").encode("cp1250"),                  # outside the list: stop, do not guess
    (HEADER + "U1,Łukasz Żółć\n" * 30).encode("cp1250"),
])
def test_unsure_guesses_stop(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "users.csv"
    p.write_bytes(data)
    with pytest.raises(DatasetError, match="encoding"):
        detect(p)


def test_script_fit() -> None:
    assert _fit("Jürgen Müller", "cp1252") == 1.0
    assert _fit("Jьrgen Mьller", "cp1251") == 0.0          # Cyrillic letters inside Latin words
    assert _fit("Иван Петров", "cp1251") == 1.0
    assert _fit("J黵gen", "gb18030") == 0.0                 # a CJK character inside a Latin word
    assert _fit("VIP客户", "gb18030") == 1.0
    assert _fit("£ukasz ¯ó³æ", "cp1252") < 0.9              # symbols no one types


def test_cp1252_file_loads_through_the_dataset(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_bytes(
        ("customer_id,full_name,city\n" + "".join(f"C{i},Jürgen Müller,München\n" for i in range(5))).encode("cp1252"))
    (tmp_path / "dataset.yaml").write_text(yaml.safe_dump(
        {"name": "enc", "as_of": "2026-09-30", "tables": {"customers": {"path": "customers.csv"}}}), encoding="utf-8")
    df = load_dataset(tmp_path).tables["customers"]
    assert set(df["full_name"]) == {"Jürgen Müller"} and set(df["city"]) == {"München"}
