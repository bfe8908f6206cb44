"""The printable handout: lessons, questions, answers and explanations in Markdown and HTML."""
from __future__ import annotations

from workbench.training import answer_key, grade, handout, load_module


def test_handout_contains_every_lesson_question_and_explanation() -> None:
    m = load_module("backups-incident-reporting")
    md = handout(m, "en")
    for lesson in m.lessons:
        assert lesson.title.en in md
    for q in m.questions:
        assert q.prompt.en in md and q.explanation.en in md and q.reference in md
    assert "```text\njob_id  system" in md  # spot record kept verbatim
    assert "Your answer" not in md


def test_handout_with_result_and_html_in_chinese() -> None:
    m = load_module("case-bank-crm-leak")
    result = grade(m, dict(answer_key(m), **{"bank-06": True}))
    md = handout(m, "zh", result=result, trainee="U00003")
    assert "学员 U00003 · 得分: 88% — 通过" in md
    assert "你的答案:** 正确 — *错误*" in md  # true/false answered "true", which is wrong
    page = handout(m, "zh", result=result, fmt="html")
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
    assert "<table>" in page and "<pre><code" in page and m.lessons[0].title.zh in page
    blank = handout(m, "en", show_key=False)
    assert m.question("bank-01").explanation.en not in blank and m.question("bank-01").prompt.en in blank
