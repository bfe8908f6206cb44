"""One output boundary (issue 11, item 8): markup escaped, personal data masked, secrets redacted,
files under the user's umask."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from workbench import boundary, masking
from workbench.cli import internal_error_line
from workbench.errors import DatasetError
from workbench.files import write_json_atomic, write_text_atomic

CORPUS = Path(__file__).parent / "bad_inputs"
PASSWORD = "hunter2-Zq9"
URL = f"postgresql+psycopg2://crm_reader:{PASSWORD}@db.internal.example:5432/crm"


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


@pytest.mark.parametrize("phone", ["5550132", "555-0132", "+1 408 555 0167", "13812345678", "+86 138 1234 5678",
                                   "0049 30 1234567"])
def test_phones_keep_at_most_the_last_four_digits(phone):
    shown = masking.mask(phone, "phone")
    assert len(_digits(shown)) <= 4 and _digits(phone).endswith(_digits(shown))


@pytest.mark.parametrize("value", ["U12", "7", "AB", "A1B2", "x9"])
def test_short_ids_are_fully_masked(value):
    assert set(masking.mask(value)) == {"*"} and len(masking.mask(value)) == len(value)
    assert set(masking.mask_national_id(value)) == {"*"}


def test_secrets_are_redacted_but_the_connection_stays_recognisable():
    for text in (URL, f"mysql://root:{PASSWORD}@10.0.0.5/crm", f"https://api.example/x?token={PASSWORD}&a=1",
                 f"Server=db;User Id=sa;Password={PASSWORD};", f"Authorization: Bearer {PASSWORD}abcdef"):
        out = boundary.redact_secrets(text)
        assert PASSWORD not in out and "***" in out
    assert boundary.redact_secrets(URL) == "postgresql+psycopg2://crm_reader:***@db.internal.example:5432/crm"
    assert boundary.redact_secrets("sqlite:////data/crm.db") == "sqlite:////data/crm.db"


def test_safe_html_escapes_markup_and_masks():
    out = boundary.safe_html('<img src=x onerror=alert(1)> mail jane.doe@example.com')
    assert "<img" not in out and "&lt;img" in out and "jane.doe" not in out


def test_sql_url_password_never_reaches_the_message(tmp_path, cli):
    d = tmp_path / "ds"
    shutil.copytree(CORPUS / "bad_enum", d)
    (d / "expect.txt").unlink()
    (d / "users.csv").write_text((CORPUS / "bad_enum" / "users.csv").read_text().replace("enabled", "active"))
    yml = (d / "dataset.yaml").read_text().replace("customers: {path: customers.csv}",
                                                   f'customers: {{sql: "{URL}", table: Customer}}')
    (d / "dataset.yaml").write_text(yml)
    r = cli("validate", str(d))
    assert r.returncode == 2, r.stderr
    assert PASSWORD not in r.stderr and "crm_reader:***@" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_enum_error_shows_the_shape_not_the_cell(tmp_path, cli):
    d = tmp_path / "ds"
    shutil.copytree(CORPUS / "bad_enum", d)
    users = (d / "users.csv").read_text()
    secret = "Jane5550132"
    (d / "users.csv").write_text(users.replace(",enabled,", f",{secret},", 1))
    r = cli("validate", str(d))
    assert r.returncode == 2 and "column 'status'" in r.stderr
    assert secret not in r.stderr and "5550132" not in r.stderr and "aaaa9999999" in r.stderr


def test_error_messages_pass_the_boundary_whatever_raised_them():
    e = DatasetError(f"cannot reach {URL}", f"check {URL}")
    assert PASSWORD not in str(e)


def test_cli_internal_error_line_is_masked_and_redacted():
    e = ValueError(f"bad row for jane.doe@example.com via {URL}\nsecond line")
    line = internal_error_line("report", e)
    assert "jane.doe@example.com" not in line and PASSWORD not in line and "\n" not in line
    assert line.startswith("workbench report: internal error: ValueError: ")


def test_json_outputs_and_manifest_are_redacted(tmp_path):
    from workbench.report import manifest

    write_json_atomic(tmp_path / "a.json", {"store": URL, "nested": [{"u": URL}]})
    manifest.write_manifest(tmp_path, {"parameters": {"store": URL}, "notebooks": [{"parameters": {"store": URL}}]})
    for f in ("a.json", "manifest.json"):
        text = (tmp_path / f).read_text()
        assert PASSWORD not in text and "crm_reader:***@" in text
        json.loads(text)


def test_output_files_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "a.txt", "x")
        write_json_atomic(tmp_path / "b.json", {})
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "b.json").stat().st_mode & 0o777 == 0o640
    old = os.umask(0o002)
    try:
        write_text_atomic(tmp_path / "c.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "c.txt").stat().st_mode & 0o777 == 0o664


@pytest.mark.notebook
def test_executed_notebook_loses_the_password(tmp_path):
    """A real papermill run injects the parameter (cell source, metadata, printed output);
    redact_notebook — which the report pipeline applies to every executed notebook — removes it."""
    import nbformat
    import papermill as pm

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('store = ""  # results store')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(store)\nstore")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src, out = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, src)
    pm.execute_notebook(str(src), str(out), parameters={"store": URL}, kernel_name="python3", progress_bar=False,
                        cwd=str(tmp_path))
    assert PASSWORD in out.read_text()  # the run really carried it
    assert boundary.redact_notebook(out) is True
    text = out.read_text()
    assert PASSWORD not in text and text.count("crm_reader:***@") >= 3
    nbformat.validate(nbformat.read(out, as_version=4))
