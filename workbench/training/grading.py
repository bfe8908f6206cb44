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
        raise AnswersError.of("error.answers.not_bool", where=where, question=question.id, value=value)
    if question.multi:
        items = value if isinstance(value, (list, tuple, set, frozenset)) else str(value).split(",")
        chosen = sorted({str(v).strip() for v in items if str(v).strip()})
        bad = [c for c in chosen if c not in ids]
        if bad:
            raise AnswersError.of("error.answers.bad_options", where=where, question=question.id, bad=bad, ids=ids)
        return chosen or None
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise AnswersError.of("error.answers.one_option", where=where, question=question.id, got=list(value), ids=ids)
        value = value[0]
    if isinstance(value, bool) or str(value).strip() not in ids:
        raise AnswersError.of("error.answers.bad_option", where=where, question=question.id, value=value, ids=ids)
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
        raise AnswersError.of("error.answers.not_mapping", where=where, got=type(answers).__name__)
    known = {q.id: q for q in module.questions}
    unknown = sorted(str(k) for k in answers if str(k) not in known)
    if unknown:
        raise AnswersError.of("error.answers.unknown", where=where, ids=unknown, module=module.id, known=sorted(known))
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
        raise AnswersError.of("error.answers.none", where=where, module=module.id)
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
        raise AnswersError.of("error.answers.missing", path=path) from None
    except UnicodeDecodeError as e:
        raise AnswersError.of("error.yaml.not_utf8", path=path, byte=e.start) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or "syntax error"
        if mark:
            raise AnswersError.of("error.yaml.syntax_at", "error.answers.yaml_hint", path=path, line=mark.line + 1,
                                  column=mark.column + 1, problem=problem) from None
        raise AnswersError.of("error.yaml.syntax", "error.answers.yaml_hint", path=path, problem=problem) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise AnswersError.of("error.answers.file_not_mapping", path=path, got=type(raw).__name__)
    return {str(k): v for k, v in raw.items()}
