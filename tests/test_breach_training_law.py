"""Training corrections from the law review (issue 22 §5): GDPR Art. 3(1) wording, the
Cybersecurity Law's article numbers after the 2025 amendment, the bank's sector reporting rules."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

TRAINING = Path(__file__).resolve().parents[1] / "training"


def _text(name: str) -> str:
    return (TRAINING / name).read_text(encoding="utf-8")


def test_gdpr_scope_says_establishment_covers_every_customer():
    raw = yaml.safe_load(_text("privacy-law-basics.yaml"))
    body = str(raw)
    assert "whoever and wherever the customer is (Art. 3(1))" in body and "Art. 3(2)" in body
    assert "无论客户是谁、身在何处（第 3(1) 条）" in body


def test_cybersecurity_law_articles_use_the_amended_numbering():
    for f in TRAINING.glob("*.yaml"):
        s = f.read_text(encoding="utf-8")
        for m in re.finditer(r"Cybersecurity Law[^.\n|]{0,40}?Art\. (\d+)", s):
            assert m.group(1) not in ("21", "42"), (f.name, m.group(0))
        for m in re.finditer(r"《网络安全法》[^。\n|]{0,20}?第\s?(\d+|二十一|四十二)\s?条", s):
            assert m.group(1) not in ("21", "42", "二十一", "四十二"), (f.name, m.group(0))
    assert "Art. 23" in _text("access-control.yaml") and "Art. 44" in _text("backups-incident-reporting.yaml")


def test_bank_case_names_the_sector_reporting_rules():
    s = _text("case-bank-crm-leak.yaml")
    assert "DORA" in s and "2022/2554" in s and "银行保险机构数据安全管理办法" in s
