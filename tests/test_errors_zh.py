"""The CLI's one-line errors speak the user's language (issue 23 §1).

Errors raised with a catalogue key (``DatasetError.of("error.…", **params)``) keep their English
text byte for byte and render in Chinese when the command runs with ``--lang zh``, a profile's
``lang: zh`` or ``WORKBENCH_LANG=zh``: exit 2, one line, no traceback, no untranslated English.
"""
from __future__ import annotations

import ast
import re
import shutil
import string
from pathlib import Path

import pytest

from workbench import i18n
from workbench.errors import DatasetError, InputError

from test_i18n import english_leftovers

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expect.txt").is_file())
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(main, capsys, monkeypatch, *args: str, env_lang: str | None = None) -> tuple[int, str, str]:
    if env_lang is None:
        monkeypatch.delenv("WORKBENCH_LANG", raising=False)
    else:
        monkeypatch.setenv("WORKBENCH_LANG", env_lang)
    try:
        code = main(list(args))
    except SystemExit as e:  # argparse usage errors exit from the parser
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def main():
    from workbench.cli import main

    return main


def _untranslated(line: str) -> list[str]:
    """English runs left in a Chinese error line once paths, quoted names/values and the parser's own
    detail (in parentheses after "YAML") are set aside: those come from the export, not from us."""
    line = re.sub(r"(/|tests/)[\w./-]+", " ", line)          # paths
    line = re.sub(r"'[^']*'|\"[^\"]*\"", " ", line)          # quoted names, shapes, values
    line = re.sub(r"YAML 语法错误（[^）]*）", " ", line)       # PyYAML's problem text
    line = re.sub(r"\b[a-z_]+(?:\.[a-z_]+)+\b", " ", line)   # dotted keys such as columns.customers.email
    line = re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", " ", line)      # column names
    return english_leftovers(_formats_and_lists(line))


def _formats_and_lists(text: str) -> str:
    """Date formats (YYYY-MM-DD) and comma-separated lists of identifiers are not sentences."""
    text = re.sub(r"\b[YMDHS]{2,4}(?:[-:T]+[YMDHS]{2,4})*\b", " ", text)
    return re.sub(r"[\w.-]+(?:,\s*[\w.-]+)+", " ", text)


@pytest.mark.parametrize("case", CASES)
def test_every_bad_input_case_speaks_chinese_under_workbench_lang(case, main, capsys, monkeypatch):
    code, out, err = _run(main, capsys, monkeypatch, "validate", str(CORPUS / case), env_lang="zh")
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and len(lines) == 1 and "Traceback" not in err, err
    line = lines[0]
    assert line.startswith("workbench validate：错误：") and "—— 提示：" in line, line
    assert CJK.search(line.split("：错误：", 1)[1]), line
    assert not _untranslated(line), (line, _untranslated(line))
    # the same case in English is unchanged: the corpus' expected fragment and the framing
    code, _, err_en = _run(main, capsys, monkeypatch, "validate", str(CORPUS / case))
    expect = (CORPUS / case / "expect.txt").read_text(encoding="utf-8").strip()
    assert code == 2 and err_en.startswith("workbench validate: error: ") and expect in err_en
    assert " — hint: " in err_en and not CJK.search(err_en.replace("是/否", "")), err_en


def test_lang_zh_of_the_command_chooses_chinese_and_english_stays_byte_identical(main, capsys, monkeypatch, tmp_path):
    missing = tmp_path / "no-such-folder"
    code, _, err = _run(main, capsys, monkeypatch, "simulate", str(missing), "--lang", "zh", "--out", str(tmp_path / "o"))
    assert code == 2
    assert err == f"workbench simulate：错误：{missing}：未找到数据集文件夹 —— 提示：请传入包含 dataset.yaml 的文件夹\n"
    code, _, err = _run(main, capsys, monkeypatch, "simulate", str(missing), "--out", str(tmp_path / "o"))
    assert code == 2
    assert err == (f"workbench simulate: error: {missing}: dataset folder not found — hint: pass the folder "
                   "that holds dataset.yaml\n")
    # --lang en beats WORKBENCH_LANG=zh
    code, _, err = _run(main, capsys, monkeypatch, "simulate", str(missing), "--lang=en", "--out", str(tmp_path / "o"),
                        env_lang="zh")
    assert err.startswith("workbench simulate: error: ")


def test_bad_yaml_and_csv_header_control_character_in_chinese(main, capsys, monkeypatch, tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "missing_file", ds)
    (ds / "dataset.yaml").write_text("tables:\n  customers: {path: customers.csv\n", encoding="utf-8")
    code, _, err = _run(main, capsys, monkeypatch, "report", "--dataset", str(ds), "--quarter", "2026Q4",
                        "--out", str(tmp_path / "r"), "--lang", "zh")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "dataset.yaml：第 3 行第 1 列：YAML 语法错误（" in err and "请修正 YAML 语法" in err, err
    assert not _untranslated(err.strip())

    ds2 = tmp_path / "ds2"
    shutil.copytree(CORPUS / "bad_boolean", ds2)
    csv = ds2 / "customers.csv"
    rows = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join([rows[0].replace("email", "em\x1b[31mail"), *rows[1:]]) + "\n", encoding="utf-8")
    code, _, err = _run(main, capsys, monkeypatch, "validate", str(ds2), env_lang="zh")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "\x1b" not in err, repr(err)
    assert "表头第" in err and "列含有换行符或控制字符" in err, err
    assert not _untranslated(err.strip())


def test_unknown_lang_value_is_a_chinese_usage_error_under_workbench_lang(main, capsys, monkeypatch, tmp_path):
    code, out, err = _run(main, capsys, monkeypatch, "report", "--dataset", str(tmp_path), "--quarter", "2026Q4",
                          "--lang", "fr", env_lang="zh")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("workbench report：错误：参数 --lang：无效的取值 'fr'（可选："), err
    assert "（参见 'workbench report --help'）" in err
    code, _, err = _run(main, capsys, monkeypatch, "report", "--dataset", str(tmp_path), "--quarter", "2026Q4",
                        "--lang", "fr")
    assert err == ("workbench report: error: argument --lang: invalid choice: 'fr' (choose from 'en', 'zh') "
                   "(see 'workbench report --help')\n")
    # a required argument missing, with --lang zh given before it fails
    code, _, err = _run(main, capsys, monkeypatch, "report", "--lang", "zh", "--quarter", "2026Q4")
    assert code == 2 and err.startswith("workbench report：错误：缺少必需的参数：--dataset"), err


def test_check_after_parsing_uses_the_command_lang(main, capsys, monkeypatch, tmp_path):
    code, _, err = _run(main, capsys, monkeypatch, "report", "--dataset", str(tmp_path), "--quarter", "2026Q9",
                        "--lang", "zh", "--out", str(tmp_path / "r"))
    assert code == 2 and "季度 '2026Q9' 的格式不是 YYYYQn" in err and "提示：例如 --quarter 2026Q4" in err, err


def test_profile_lang_chooses_the_language_of_assess_errors(main, capsys, monkeypatch, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("id: p\ntitle: P\nchecks: '*'\nlang: zh\n", encoding="utf-8")
    code, _, err = _run(main, capsys, monkeypatch, "assess", str(tmp_path / "none"), "--profile", str(profile),
                        "--out", str(tmp_path / "o"))
    assert code == 2 and "未找到数据集文件夹" in err, err


def test_error_params_pass_the_output_boundary_in_every_language():
    e = DatasetError.of("error.source.header_twice", where="postgresql://u:s3cret@db/crm (x)", column="a\x1b[2Jb\nc")
    for lang in ("en", "zh"):
        line = e.render(lang)
        assert "\x1b" not in line and "\n" not in line and "s3cret" not in line, line
    assert str(e) == e.render("en") and "appears twice in the header" in str(e)


def test_an_error_without_key_stays_english_and_a_broken_catalogue_still_reports(monkeypatch, tmp_path):
    assert InputError("plain text", "do this").render("zh") == "plain text —— 提示：do this"
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)  # no catalogue at all
    i18n.catalogue.cache_clear()
    try:
        e = InputError.of("error.report.jobs", value=0)
        assert "error.report.jobs" in str(e) and "0" in str(e)
        assert e.render("zh") == str(e)
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


# ------------------------------------------------------------------ every key a raise site uses exists
def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _of_calls() -> list[tuple[str, int, str, str | None, set[str] | None]]:
    """(file, line, key or key prefix, hint key, keyword names or None when ``**`` is passed) of every
    ``X.of("error.…", ...)`` and ``X(key="error.…")`` in the package."""
    found = []
    for path in sorted((REPO / "workbench").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            kws = {k.arg for k in node.keywords if k.arg}
            names = None if any(k.arg is None for k in node.keywords) else kws
            first = None
            hint = None
            if isinstance(node.func, ast.Attribute) and node.func.attr == "of" and node.args:
                first = node.args[0]
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    hint = node.args[1].value
                hint = next((k.value.value for k in node.keywords if k.arg == "hint_key"
                             and isinstance(k.value, ast.Constant)), hint)
            else:
                first = next((k.value for k in node.keywords if k.arg == "key"), None)
                names = None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("error."):
                found.append((path.name, node.lineno, first.value, hint, names))
            elif isinstance(first, ast.JoinedStr) and first.values and isinstance(first.values[0], ast.Constant) \
                    and str(first.values[0].value).startswith("error."):
                found.append((path.name, node.lineno, first.values[0].value + "*", hint, None))
    return found


def test_every_key_a_raise_site_uses_is_in_the_catalogue_with_its_placeholders_given():
    en = i18n.catalogue("en")
    calls = _of_calls()
    assert len(calls) > 150  # the scan sees the converted raise sites
    problems = []
    for file, line, key, hint, names in calls:
        if key.endswith("*"):
            if not any(k.startswith(key[:-1]) for k in en):
                problems.append(f"{file}:{line}: no key starts with {key[:-1]}")
            continue
        if key not in en:
            problems.append(f"{file}:{line}: {key} not in en.yaml")
            continue
        hint = hint if hint is not None else (f"{key}_hint" if f"{key}_hint" in en else "")
        if hint and hint.startswith("error.") and hint not in en:
            problems.append(f"{file}:{line}: hint {hint} not in en.yaml")
            continue
        if names is not None:
            need = _fields(en[key]) | (_fields(en[hint]) if hint in en else set())
            if need - names:
                problems.append(f"{file}:{line}: {key} needs {sorted(need - names)}")
    assert not problems, "\n".join(problems)


def test_every_error_message_is_translated_into_chinese():
    zh = i18n.catalogue("zh")
    left = {k: v for k, v in zh.items() if k.startswith("error.") and not k.startswith("error.cli.argparse")
            and english_leftovers(_formats_and_lists(re.sub(r"'[^']*'|\{[^}]*\}", " ", v)))}
    assert not left, left


def test_every_error_key_literal_in_the_package_is_in_the_catalogue():
    """Keys passed as text (``missing_hint="error.…"``, a validator's ``ValueError("error.…")``) exist too."""
    en = i18n.catalogue("en")
    literal = re.compile(r"^error(\.[a-z0-9_]*[a-z0-9])+$")  # not the head of an f-string (error.columns.bad_)
    missing = []
    for path in sorted((REPO / "workbench").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and literal.match(node.value) \
                    and node.value not in en and not any(k.startswith(node.value + ".") or k.startswith(node.value + "_")
                                                         for k in en):
                missing.append(f"{path.name}:{node.lineno}: {node.value}")
    assert not missing, missing


def test_a_dataset_yaml_validator_error_speaks_chinese(main, capsys, monkeypatch, tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "bad_boolean", ds)
    yml = ds / "dataset.yaml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("{path: users.csv}", "{path: users.csv, spark_table: x}"),
                   encoding="utf-8")
    code, _, err = _run(main, capsys, monkeypatch, "validate", str(ds))
    assert code == 2 and err == (f"workbench validate: error: {yml}: key 'tables.users': give exactly one of 'path', "
                                 "'sql' or 'spark_table' — hint: fix 'tables.users' in the dataset.yaml\n")
    code, _, err = _run(main, capsys, monkeypatch, "validate", str(ds), env_lang="zh")
    assert code == 2 and "键 'tables.users'：'path'、'sql' 和 'spark_table' 只能给出一个" in err, err


def test_internal_error_and_interrupted_lines_speak_chinese_and_stay_english_in_english():
    from workbench.cli import internal_error_line
    from workbench.cli._errors import interrupted_line

    e = RuntimeError("boom at postgresql://u:s3cret@db/x")
    en = internal_error_line("report", e)
    assert en.startswith("workbench report: internal error: RuntimeError: boom at ") and "s3cret" not in en
    assert en.endswith(" — hint: rerun with --debug for the traceback and report it")
    zh = internal_error_line("report", e, "zh")
    assert zh.startswith("workbench report：内部错误：RuntimeError：boom at ") and "s3cret" not in zh
    assert "--debug" in zh and not _untranslated(zh.replace("boom at", ""))
    assert interrupted_line("report", "en") == "workbench report: interrupted"
    assert interrupted_line("report", "zh") == "workbench report：已中断"


def test_an_impossible_date_in_a_yaml_file_is_bad_input_naming_its_line(main, capsys, monkeypatch, tmp_path):
    """``as_of: 2026-13-01`` made PyYAML raise a bare ValueError: an internal error, exit 1."""
    ds = tmp_path / "ds"
    shutil.copytree(REPO / "data" / "samples" / "mini_sqlite", ds)
    yml = ds / "dataset.yaml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(re.sub(r"(?m)^as_of:.*$", "as_of: 2026-13-01", text), encoding="utf-8")
    line = 1 + [ln.startswith("as_of:") for ln in yml.read_text(encoding="utf-8").splitlines()].index(True)
    code, _, err = _run(main, capsys, monkeypatch, "validate", str(ds))
    assert code == 2 and err.startswith(f"workbench validate: error: {yml}: line {line}: '2026-13-01' is not a date"), err
    code, _, err = _run(main, capsys, monkeypatch, "validate", str(ds), env_lang="zh")
    assert code == 2 and f"第 {line} 行" in err and "不是存在的日期" in err and not _untranslated(err), err


@pytest.mark.parametrize("body,en,zh", [
    ("actions:\n- {risk: AC-001, owner: IT, status: accepted}\n", "an accepted risk needs approver, reason, expires",
     "接受的风险需要填写"),
    ("actions:\n- {risk: AC-001, owner: IT, status: open}\n", "an action needs a due date", "整改措施需要截止日期"),
    ("actions:\n- {risk: AC-001, owner: IT, status: opn, due: 2026-10-01}\n", "must be one of", "必须是以下之一"),
    ("actions:\n- {risk: AC-001, owner: IT, status: open, due: 2026-02-30}\n", "'2026-02-30' is not a date",
     "不是存在的日期"),
])
def test_actions_file_reasons_speak_the_readers_language(tmp_path, body, en, zh):
    from workbench.report.actions import load

    path = tmp_path / "actions.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load(path)
    assert en in e.value.render("en") and zh in e.value.render("zh"), e.value.render("zh")
    assert not _untranslated(e.value.render("zh").replace("'open', 'in progress', 'done' or 'accepted'", ""))


def test_assignment_and_training_module_reasons_speak_the_readers_language(tmp_path):
    import pandas as pd
    import yaml

    from workbench.training.assignments import load_assignments
    from workbench.training.content import load_file

    with pytest.raises(InputError) as e:
        load_assignments(pd.DataFrame([{"module": "gdpr-basics", "due": "2026-10-01"}]))
    assert "name at least one of 'roles' or 'departments'" in e.value.render("en")
    assert "至少指定 'roles' 或 'departments' 之一" in e.value.render("zh")
    with pytest.raises(InputError) as e:
        load_assignments(pd.DataFrame([{"module": "gdpr-basics", "due": "soon", "role": "sales"}]))
    assert "不是日期" in e.value.render("zh") and not _untranslated(e.value.render("zh")), e.value.render("zh")
    src = next((REPO / "training").glob("*.yaml"))
    mod = yaml.safe_load(src.read_text(encoding="utf-8"))
    q = next(q for q in mod["questions"] if q.get("type") in ("single", "multiple"))
    q["options"] = q["options"][:1]
    bad = tmp_path / src.name
    bad.write_text(yaml.safe_dump(mod, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_file(bad)
    assert "needs at least two options" in e.value.render("en") and "至少需要两个选项" in e.value.render("zh")


def test_every_error_the_package_raises_comes_from_a_catalogue_key():
    """No error is worded in code (it would stay English under --lang zh); only the catalogue loader
    itself words its errors, since a broken catalogue cannot word them."""
    pattern = re.compile(r"raise (\w*Error)\((?!\))")
    workbench_errors = {"WorkbenchError", "InputError", "DatasetError", "ContentError", "AnswersError",
                        "ExecutionError", "ThresholdError", "StoreError"}
    found = [f"{p.relative_to(REPO)}:{n}" for p in sorted((REPO / "workbench").rglob("*.py")) if p.name != "i18n.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if (m := pattern.search(line)) and m.group(1) in workbench_errors]
    assert not found, found


def test_a_reason_inside_an_error_speaks_the_readers_language():
    from workbench.errors import Said, WorkbenchError

    e = WorkbenchError.of("error.lrs.refused", url="https://lrs.example/x", first=1, last=50, code=403,
                          again=Said("error.lrs.again", n=0))
    assert e.render("en").startswith("LRS https://lrs.example/x refused statements 1-50: HTTP 403 — hint: ")
    assert "0 statements were stored before" in e.render("en")
    zh = e.render("zh")
    assert "此前已存储 0 条语句" in zh and not _untranslated(zh), zh


def test_a_custom_scenario_folders_reason_speaks_chinese(main, capsys, monkeypatch, tmp_path):
    """``simulate --scenarios-dir``: an analyst's own scenario file; its validator reasons are keyed too."""
    scen = tmp_path / "scenarios"
    shutil.copytree(REPO / "assessments" / "scenarios", scen)
    f = scen / "exposed-backup-bucket.yaml"
    f.write_text(re.sub(r"tef: \{min: [0-9.]+, mode: [0-9.]+, max: [0-9.]+",
                        "tef: {min: 3.0, mode: 0.5, max: 2.0", f.read_text(encoding="utf-8")), encoding="utf-8")
    args = ("simulate", str(REPO / "data" / "samples" / "mini_sqlite"), "--trials", "10",
            "--scenarios-dir", str(scen), "--out", str(tmp_path / "out"))
    code, _, err = _run(main, capsys, monkeypatch, *args)
    assert code == 2 and "PERT needs min <= mode <= max (got 3.0, 0.5, 2.0)" in err, err
    code, _, err = _run(main, capsys, monkeypatch, *args, env_lang="zh")
    assert code == 2 and "PERT 要求 min <= mode <= max（实际为 3.0、0.5、2.0）" in err and not _untranslated(err), err
    assert not (tmp_path / "out").exists()
