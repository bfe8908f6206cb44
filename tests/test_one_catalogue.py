"""One mechanism for user-facing text (issue 23): every text a user reads comes from the message
catalogue (workbench/i18n.py + assessments/i18n/{en,zh}.yaml), never from English/Chinese pairs
inline in the code.

The scan reads the syntax tree of every module under workbench/ and reports
- a string literal holding CJK text (docstrings and comments aside),
- a function taking both ``en`` and ``zh`` (an inline pair helper such as ``_t(lang, en, zh)``),
- a dict literal keyed by both ``"en"`` and ``"zh"`` (a per-language label table),
- a comparison with ``"zh"`` (an ``if lang == "zh"`` branch choosing a text),
unless the module is in the allow-list below for that rule, with the reason it is data, not text.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# Chinese in a literal that is data, not text shown to a user (module → reason)
ALLOW_CJK = {
    "workbench/boundary.py": "masking: the shape of a CJK value (字) and the CJK range of a name to mask",
    "workbench/breach/localize.py": "parser: full-width brackets （） in law texts",
    "workbench/breach/statutes.py": "validator pattern: a citation in full-width brackets （§ ...） in a content_zh item",
    "workbench/breach/subjects.py": "detector vocabulary: Chinese words for a credential (密码, 安全码) in free text",
    "workbench/canonical.py": "input vocabulary: 是/否 accepted as booleans in data (and named in the hint)",
    "workbench/pii/names.py": "detector vocabulary: Chinese surnames, given-name characters, honorifics, name headers",
    "workbench/pii/validators.py": "detector pattern: dates written 2026年9月30日",
    "workbench/encoding.py": "detector pattern: the CJK Unicode ranges that tell an encoding",
    "workbench/sample/vocab.py": "synthetic sample data: Chinese names, cities, notes",
    "workbench/sample/people.py": "synthetic sample data: Chinese street numbers (号)",
    "workbench/sample/generate.py": "synthetic sample data: the sample's dataset.yaml purposes in en and zh",
    "workbench/training/grading.py": "input vocabulary: 正确/错误 accepted as true/false answers",
}
# dict literals keyed "en" and "zh" that are data
ALLOW_PAIR_DICT = {
    "workbench/sample/generate.py": "synthetic sample data: dataset.yaml's bilingual processing section",
    "workbench/i18n.py": "the catalogue's own table of languages (locale and HTML lang of each)",
}
# comparisons with "zh" that pick a field of bilingual content, not a text of the code
ALLOW_ZH_BRANCH = {
    "workbench/training/content.py": "Text.get: the bilingual field of a training module's YAML",
    "workbench/checks/catalog.py": "control_text/owner_text: the *_zh fields of controls.yaml",
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first.value))
    return ids


def scan(source: str, name: str) -> list[tuple[str, int, str]]:
    """(rule, line, excerpt) of every inline-language construct in ``source``."""
    tree = ast.parse(source, name)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs and CJK.search(node.value):
            found.append(("cjk", node.lineno, node.value[:40]))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            params = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}
            if {"en", "zh"} <= params:
                found.append(("pair_helper", node.lineno, getattr(node, "name", "lambda")))
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"en", "zh"} <= keys:
                found.append(("pair_dict", node.lineno, "{'en': ..., 'zh': ...}"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) and s.value == "zh" for s in sides) and \
                    any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
                found.append(("zh_branch", node.lineno, ast.unparse(node)[:40]))
    return found


# functions taking en and zh that are not text helpers
ALLOW_PAIR_HELPER = {
    "workbench/breach/statutes.py": "content validation: a Chinese list beside each English list of statutes.yaml",
}
ALLOWED = {"cjk": ALLOW_CJK, "pair_dict": ALLOW_PAIR_DICT, "zh_branch": ALLOW_ZH_BRANCH, "pair_helper": ALLOW_PAIR_HELPER}


def violations(root: Path = ROOT) -> list[str]:
    out = []
    for path in sorted((root / "workbench").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for rule, line, what in scan(path.read_text(encoding="utf-8"), rel):
            if rel not in ALLOWED[rule]:
                out.append(f"{rel}:{line}: {rule}: {what!r}")
    return out


def test_no_inline_language_text_outside_the_catalogue():
    found = violations()
    assert not found, ("user-facing text belongs in assessments/i18n/{en,zh}.yaml (workbench.i18n.t / each); "
                       "data that is not text goes in this test's allow-list with a reason:\n" + "\n".join(found))


def test_allow_list_names_existing_modules_that_need_it():
    """An allow-list entry for a module that no longer needs it (or is gone) is removed, so the list stays honest."""
    stale = []
    for rule, allowed in ALLOWED.items():
        for rel, reason in allowed.items():
            path = ROOT / rel
            assert reason.strip(), rel
            if not path.is_file() or not any(r == rule for r, _, _ in scan(path.read_text(encoding="utf-8"), rel)):
                stale.append(f"{rule}: {rel}")
    assert not stale, "allow-list entries with nothing to allow: " + ", ".join(stale)


@pytest.mark.parametrize("source, rule", [
    ('def _t(lang, en, zh):\n    return zh if lang == "zh" else en\n', "pair_helper"),
    ('LABELS = {"en": {"ok": "correct"}, "zh": {"ok": "x"}}\n', "pair_dict"),
    ('def f(lang):\n    return "yes" if lang == "zh" else "no"\n', "zh_branch"),
    ('def f(n):\n    return f"客户：{n}"\n', "cjk"),
    ('TITLE = "风险"\n', "cjk"),
])
def test_scan_catches_each_kind_of_inline_text(source, rule):
    assert rule in {r for r, _, _ in scan(source, "planted.py")}


def test_scan_ignores_docstrings_and_catalogue_lookups():
    source = ('"""Masks 王小明 as 王**."""\nfrom workbench.i18n import t\n\n'
              'def f(lang):\n    """A name such as 王伟."""\n    return t("dpia.screen.none", lang)  # 无\n')
    assert scan(source, "clean.py") == []
