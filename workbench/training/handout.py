"""Printable handout of a module: lessons, questions, (optionally) the trainee's answers and the
explanations — Markdown or HTML, no widgets (exported widgets are static and need a CDN)."""
from __future__ import annotations

import html as _html
from typing import Literal

from ..boundary import md as md_text, seal_html
from ..i18n import DEFAULT, HTML_LANG, LANGS, section
from .content import Module, Question
from .grading import Answer, Result

def labels(lang: str) -> dict[str, str]:
    """The handout's labels in ``lang`` (catalogue ``training.handout.*``)."""
    return section("training.handout", lang if lang in LANGS else DEFAULT)


def format_answer(question: Question, answer: Answer | None, lang: str, with_ids: bool = True) -> str:
    """An answer as readable text: option ids (unless ``with_ids`` is False) with their text."""
    if answer is None:
        return labels(lang)["none"]
    if isinstance(answer, bool):
        return question.option("true" if answer else "false").text.get(lang)
    ids = answer if isinstance(answer, list) else [answer]
    known = {o.id for o in question.options}
    return "; ".join((f"{i}) " if with_ids else "") + question.option(i).text.get(lang) if i in known else i
                     for i in ids)


def question_markdown(question: Question, number: int, lang: str, *, answer: Answer | None = None,
                      show_key: bool = True, graded: bool = False) -> str:
    lab = labels(lang)
    lines = [f"### {number}. {question.prompt.get(lang)}", ""]
    if question.multi:
        lines += [f"*({lab['select_all']})*", ""]
    if question.record:
        lines += ["```text", question.record.rstrip("\n"), "```", ""]
    lines += [f"- **{o.id})** {o.text.get(lang)}" for o in question.options]
    lines.append("")
    if graded:
        from .grading import is_correct
        mark = lab["ok"] if is_correct(question, answer) else lab["ko"]
        lines += [f"**{lab['yours']}:** {format_answer(question, answer, lang)} — *{mark}*", ""]
    if show_key:
        lines += [f"**{lab['answer']}:** {format_answer(question, question.answer, lang)}", "",
                  f"**{lab['why']}:** {question.explanation.get(lang)}", "",
                  f"*{lab['ref']}: {question.reference}*", ""]
    return "\n".join(lines)


def handout_markdown(module: Module, lang: str = "en", *, result: Result | None = None, show_key: bool = True,
                     trainee: str | None = None) -> str:
    """The whole module as Markdown; with ``result`` it also shows the trainee's answers and score."""
    lab = labels(lang)
    parts = [f"# {module.title.get(lang)}", "",
             f"*{lab['version']} {module.version} · {lab['audience']}: {', '.join(module.audience)} · "
             f"{module.estimated_minutes} {lab['minutes']} · {lab['pass_mark']} {module.pass_mark:.0%}*", ""]
    if module.summary:
        parts += [module.summary.get(lang), ""]
    if result is not None:
        verdict = lab["passed"] if result.passed else lab["failed"]
        who = f"{lab['trainee']} {md_text(trainee)} · " if trainee else ""  # a trainee id is typed by anyone
        parts += [f"> **{who}{lab['score']}: {result.score:.0%} — {verdict}**", ""]
    parts += [f"## {lab['lessons']}", ""]
    for i, lesson in enumerate(module.lessons, 1):
        parts += [f"### {i}. {lesson.title.get(lang)}", "", lesson.body.get(lang).rstrip(), ""]
    parts += [f"## {lab['questions']}", ""]
    for i, q in enumerate(module.questions, 1):
        parts.append(question_markdown(q, i, lang, answer=(result.answers.get(q.id) if result else None),
                                       show_key=show_key, graded=result is not None))
    return "\n".join(parts).rstrip() + "\n"


def markdown_to_html(text: str) -> str:
    """Markdown → HTML (tables and fenced code supported)."""
    import mistune

    return str(mistune.create_markdown(plugins=["table", "strikethrough"], escape=False)(text))


def handout(module: Module, lang: str = "en", *, result: Result | None = None, show_key: bool = True,
            fmt: Literal["markdown", "html"] = "markdown", trainee: str | None = None) -> str:
    """Render the handout as ``fmt`` (``html`` gives a standalone page)."""
    md = handout_markdown(module, lang, result=result, show_key=show_key, trainee=trainee)
    if fmt == "markdown":
        return md
    title = _html.escape(module.title.get(lang))
    return seal_html(f"<!DOCTYPE html><html lang=\"{HTML_LANG.get(lang, 'en')}\"><head><meta charset=\"utf-8\">"
                     f"<title>{title}</title><style>body{{font-family:sans-serif;max-width:52em;margin:2em auto;"
                     "line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .6em}"
                     "pre{background:#f4f4f4;padding:.6em;overflow-x:auto}</style></head><body>"
                     f"{markdown_to_html(md)}</body></html>\n")
