"""Grading, answers-file errors and the `workbench train` CLI."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench.errors import AnswersError
from workbench.training import answer_key, attempts, grade, load_answers, load_module

ROOT = Path(__file__).resolve().parents[1]


def test_perfect_and_empty_answers() -> None:
    m = load_module("privacy-law-basics")
    r = grade(m, answer_key(m))
    assert r.score == 1.0 and r.passed and r.wrong == []
    r0 = grade(m, {})
    assert r0.score == 0.0 and not r0.passed and r0.wrong == [q.id for q in m.questions]
    assert r0.unanswered == r0.wrong


def test_partial_credit_and_pass_mark() -> None:
    m = load_module("backups-incident-reporting")  # 9 questions, pass mark 0.75
    key = answer_key(m)
    two_wrong = dict(key, **{"bir-01": "b", "bir-03": True})
    r = grade(m, two_wrong)
    assert r.wrong == ["bir-01", "bir-03"]
    assert r.score == round(7 / 9, 4) and r.passed
    three_wrong = dict(two_wrong, **{"bir-06": ["a", "b"]})  # multiple: all and only the right options
    r3 = grade(m, three_wrong)
    assert r3.score == round(6 / 9, 4) and not r3.passed and "bir-06" in r3.wrong


def test_answer_forms_are_normalised() -> None:
    m = load_module("backups-incident-reporting")
    key = answer_key(m)
    variants = dict(key, **{"bir-06": "c, a,b", "bir-03": "false", "bir-08": "no"})
    assert grade(m, variants).score == 1.0


@pytest.mark.parametrize("answers, match", [
    ({"nope-1": "a"}, "unknown question id"),
    ({"bir-01": "z"}, "invalid option 'z'"),
    ({"bir-06": ["a", "q"]}, r"invalid option\(s\) \['q'\]"),
    ({"bir-03": "maybe"}, "not true or false"),
    ({"bir-01": ["a", "b"]}, "expects exactly one option"),
])
def test_bad_answers_raise(answers: dict, match: str) -> None:
    with pytest.raises(AnswersError, match=match):
        grade(load_module("backups-incident-reporting"), answers)


def test_load_answers_errors(tmp_path: Path) -> None:
    with pytest.raises(AnswersError, match="not found"):
        load_answers(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(AnswersError, match="expected a mapping"):
        load_answers(tmp_path / "list.yaml")
    (tmp_path / "bad.yaml").write_text("a: [\n")
    with pytest.raises(AnswersError, match="line"):
        load_answers(tmp_path / "bad.yaml")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", "train", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


def test_cli_grades_records_and_prints_one_json(tmp_path: Path) -> None:
    m = load_module("phishing-social-engineering")
    answers = dict(answer_key(m), **{"ph-03": True})
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers))
    store = tmp_path / "results.db"
    p = _cli("phishing-social-engineering", "--answers", "answers.yaml", "--trainee", "U00007",
             "--department", "Sales", "--store", str(store), "--lang", "zh", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)  # exactly one JSON object
    assert out == {"module": "phishing-social-engineering", "score": 0.875, "passed": True, "wrong": ["ph-03"]}
    rows = attempts(str(store))
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.trainee_id, row.department, row.module_version, row.lang, row.source) == \
        ("U00007", "Sales", m.version, "zh", "cli")
    assert row.score == 0.875 and row.answers["ph-03"] is True


@pytest.mark.parametrize("module, answers, needle", [
    ("phishing-social-engineering", {"ph-99": "a"}, "unknown question id"),
    ("phishing-social-engineering", {"ph-02": "x"}, "invalid option"),
    ("no-such-module", {"ph-02": "b"}, "unknown training module"),
])
def test_cli_bad_input_exits_2_without_recording(tmp_path: Path, module: str, answers: dict, needle: str) -> None:
    (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers))
    store = tmp_path / "results.db"
    p = _cli(module, "--answers", "answers.yaml", "--trainee", "U1", "--store", str(store), cwd=tmp_path)
    assert p.returncode == 2
    assert needle in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and p.stdout == ""
    assert not store.exists() or attempts(str(store)).empty


def test_cli_missing_answers_file_exits_2(tmp_path: Path) -> None:
    p = _cli("phishing-social-engineering", "--answers", "nope.yaml", "--trainee", "U1",
             "--store", str(tmp_path / "r.db"), cwd=tmp_path)
    assert p.returncode == 2 and "answers file not found" in p.stderr
