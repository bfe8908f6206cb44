"""Content invariants of training/*.yaml and the schema's error messages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from workbench.errors import ContentError
from workbench.training import list_modules, load_all, load_file, load_module
from workbench.training.content import CONTENT_DIR

REQUIRED = {"privacy-law-basics", "data-classification", "access-control", "encryption-safe-handling",
            "backups-incident-reporting", "phishing-social-engineering", "case-bank-crm-leak", "case-ecommerce-breach"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_at_least_eight_modules_with_eight_questions() -> None:
    modules = load_all()
    assert REQUIRED <= set(list_modules())
    assert len(modules) >= 8
    for m in modules:
        assert len(m.questions) >= 8, m.id
        assert {q.type for q in m.questions} >= {"single", "true_false"}, m.id


def _texts(module):
    yield "title", module.title
    if module.summary:
        yield "summary", module.summary
    for i, lesson in enumerate(module.lessons):
        yield f"lessons[{i}].title", lesson.title
        yield f"lessons[{i}].body", lesson.body
    for q in module.questions:
        yield f"{q.id}.prompt", q.prompt
        yield f"{q.id}.explanation", q.explanation
        for o in q.options:
            yield f"{q.id}.{o.id}.text", o.text
            if o.feedback:
                yield f"{q.id}.{o.id}.feedback", o.feedback


@pytest.mark.parametrize("module_id", sorted(REQUIRED))
def test_every_text_in_english_and_chinese(module_id: str) -> None:
    m = load_module(module_id)
    for where, text in _texts(m):
        assert text.en.strip() and text.zh.strip(), where
        assert CJK.search(text.zh) or where.endswith(".text"), f"{module_id}:{where} zh has no Chinese"
        # English may quote a Chinese legal term in brackets, e.g. "separate consent (单独同意)", no more
        assert len(CJK.findall(text.en)) <= 0.02 * len(text.en), f"{module_id}:{where} en is not English"


def test_answers_among_options_and_ids_unique() -> None:
    seen: set[str] = set()
    for m in load_all():
        for q in m.questions:
            assert q.id not in seen, f"question id {q.id} used twice"
            seen.add(q.id)
            ids = [o.id for o in q.options]
            assert len(ids) == len(set(ids))
            assert set(q.correct_ids) <= set(ids) and q.correct_ids
            assert q.reference.strip()
            if q.type == "spot":
                assert q.record and len(q.correct_ids) >= 1


def test_spot_records_are_masked() -> None:
    """Spot-the-problem records must never show a raw e-mail, card, phone or national id."""
    raw_email = re.compile(r"\b(?!support@|info@|noreply@)[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]{2,}\b")
    long_digits = re.compile(r"\d{9,}")
    for m in load_all():
        for q in m.questions:
            if q.record:
                assert not raw_email.search(q.record), q.id
                assert not long_digits.search(q.record.replace(",", "")), q.id


def test_deadlines_stated_accurately() -> None:
    """The breach-reporting facts staff learn: 72 h, 30 days (California), 4 h / 1 h (CAC), PIPL immediately."""
    m = load_module("backups-incident-reporting")
    body = " ".join(lesson.body.en for lesson in m.lessons)
    for fact in ("72 hours", "30 calendar days", "4 hours", "1 hour", "immediately", "most expedient time possible"):
        assert fact in body, fact
    zh = " ".join(lesson.body.zh for lesson in m.lessons)
    for fact in ("72 小时", "30 个自然日", "4 小时", "1 小时", "立即"):
        assert fact in zh, fact


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / f"{data.get('id', 'broken')}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _module_dict() -> dict:
    return yaml.safe_load((CONTENT_DIR / "phishing-social-engineering.yaml").read_text(encoding="utf-8"))


def test_missing_chinese_names_file_and_key(tmp_path: Path) -> None:
    data = _module_dict()
    del data["questions"][2]["prompt"]["zh"]
    with pytest.raises(ContentError) as e:
        load_file(_write(tmp_path, data))
    assert "phishing-social-engineering.yaml" in str(e.value)
    assert "questions[ph-03].prompt.zh" in str(e.value)


def test_answer_not_among_options_rejected(tmp_path: Path) -> None:
    data = _module_dict()
    data["questions"][1]["answer"] = "z"
    with pytest.raises(ContentError, match=r"questions\[ph-02\]"):
        load_file(_write(tmp_path, data))


def test_duplicate_question_id_rejected(tmp_path: Path) -> None:
    data = _module_dict()
    data["questions"][1]["id"] = data["questions"][0]["id"]
    with pytest.raises(ContentError, match="duplicate question ids"):
        load_file(_write(tmp_path, data))


def test_id_must_match_file_name_and_yaml_errors(tmp_path: Path) -> None:
    data = _module_dict()
    path = tmp_path / "other-name.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="differs from the file name"):
        load_file(path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="line"):
        load_file(bad)


def test_unknown_module() -> None:
    with pytest.raises(ContentError, match="unknown training module 'nope'"):
        load_module("nope")
