"""Grade a trainee's answers against a module: plain functions, usable headless and by the widgets."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import AnswersError
from .content import Module, Question

Answer = str | bool | list[str]

_TRUE = {"true", "yes", "y", "t", "1", "正确", "对"}
_FALSE = {"false", "no", "n", "f", "0", "错误", "错"}


@dataclass(frozen=True)
class Result:
    """Outcome of one graded attempt. ``answers`` holds the normalised answers (sorted ids)."""

    module_id: str
    module_version: str
    score: float
    passed: bool
    pass_mark: float
    correct: list[str]
    wrong: list[str]
    unanswered: list[str]
    answers: dict[str, Answer] = field(default_factory=dict)

    @property
    def n_questions(self) -> int:
        return len(self.correct) + len(self.wrong)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON: module, score, passed, wrong."""
        return {"module": self.module_id, "score": self.score, "passed": self.passed, "wrong": list(self.wrong)}


def normalise(question: Question, value: Any, where: str = "answers") -> Answer | None:
    """Turn a raw answer into its canonical form, or raise :class:`AnswersError`.

    single/spot-single → option id; multiple/spot-multi → sorted list of ids; true_false → bool.
    ``None`` / empty means unanswered.
    """
    ids = [o.id for o in question.options]
    key = f"{where}: question '{question.id}'"
    if value is None or value == "" or value == []:
        return None
    if question.type == "true_false":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise AnswersError(f"{key}: '{value}' is not true or false", "answer true or false")
    if question.multi:
        items = value if isinstance(value, (list, tuple, set, frozenset)) else str(value).split(",")
        chosen = sorted({str(v).strip() for v in items if str(v).strip()})
        bad = [c for c in chosen if c not in ids]
        if bad:
            raise AnswersError(f"{key}: invalid option(s) {bad}", f"choose among {ids}")
        return chosen or None
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise AnswersError(f"{key}: expects exactly one option, got {list(value)}", f"choose one of {ids}")
        value = value[0]
    if isinstance(value, bool) or str(value).strip() not in ids:
        raise AnswersError(f"{key}: invalid option '{value}'", f"choose one of {ids}")
    return str(value).strip()


def is_correct(question: Question, answer: Answer | None) -> bool:
    """True when a normalised answer matches the key exactly (all and only the right options)."""
    if answer is None:
        return False
    if question.type == "true_false":
        return answer is question.answer
    chosen = set(answer) if isinstance(answer, list) else {answer}
    return chosen == set(question.correct_ids)


def check_answers(module: Module, answers: Mapping[str, Any], where: str = "answers") -> dict[str, Answer]:
    """Validate and normalise ``answers`` (question id → raw answer); unknown ids are bad input."""
    if not isinstance(answers, Mapping):
        raise AnswersError(f"{where}: expected a mapping of question id to answer, got {type(answers).__name__}",
                           "write one line per question, e.g. 'plb-01: d'")
    known = {q.id: q for q in module.questions}
    unknown = sorted(str(k) for k in answers if str(k) not in known)
    if unknown:
        raise AnswersError(f"{where}: unknown question id(s) {unknown} for module '{module.id}'",
                           f"question ids are {sorted(known)}")
    out: dict[str, Answer] = {}
    for qid, raw in answers.items():
        value = normalise(known[str(qid)], raw, where)
        if value is not None:
            out[str(qid)] = value
    return out


def grade(module: Module, answers: Mapping[str, Any], *, questions: list[str] | None = None,
          where: str = "answers") -> Result:
    """Grade ``answers`` against ``module``. Unanswered questions count as wrong.

    ``questions`` restricts grading to a subset (in module order); the score is the share correct.
    """
    norm = check_answers(module, answers, where)
    scope = [q for q in module.questions if questions is None or q.id in set(questions)]
    if not scope:
        raise AnswersError(f"{where}: no questions to grade in module '{module.id}'", "check the question ids")
    correct = [q.id for q in scope if is_correct(q, norm.get(q.id))]
    wrong = [q.id for q in scope if q.id not in set(correct)]
    score = round(len(correct) / len(scope), 4)
    return Result(module_id=module.id, module_version=module.version, score=score,
                  passed=score >= module.pass_mark - 1e-9, pass_mark=module.pass_mark,
                  correct=correct, wrong=wrong, unanswered=[q.id for q in scope if q.id not in norm],
                  answers={k: norm[k] for k in sorted(norm)})


def answer_key(module: Module) -> dict[str, Answer]:
    """The correct answers, in the answers-file format (useful for tests and handouts)."""
    out: dict[str, Answer] = {}
    for q in module.questions:
        out[q.id] = q.answer if isinstance(q.answer, bool) else (sorted(q.answer) if isinstance(q.answer, list) else q.answer)
    return out


def load_answers(path: str | Path) -> dict[str, Any]:
    """Read an answers file (YAML mapping question id → answer); problems are :class:`AnswersError`."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise AnswersError(f"{path}: answers file not found", "pass the path of a YAML file") from None
    except UnicodeDecodeError as e:
        raise AnswersError(f"{path}: not UTF-8 text (byte {e.start})", "save the file as UTF-8") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise AnswersError(f"{path}:{where} YAML {getattr(e, 'problem', None) or 'syntax error'}",
                           "write one 'question-id: answer' per line") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise AnswersError(f"{path}: expected a mapping of question id to answer, got {type(raw).__name__}",
                           "write one 'question-id: answer' per line, e.g. 'plb-01: d'")
    return {str(k): v for k, v in raw.items()}
