"""Passwords never reach an output (issue 21 item 5): connection URLs whose password holds ``/``,
spaces or quotes, ``odbc_connect=…PWD%3D…``, ``sslpassword=`` and ``credentials_base64=`` are redacted
in messages, JSON outputs (``manifest.json``), papermill's parameter cells and store errors — by one
implementation, :mod:`workbench.redaction`, which parses URLs with SQLAlchemy's ``make_url``."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from conftest import run_cli
from workbench.boundary import redact_data, redact_notebook, redact_secrets
from workbench.errors import WorkbenchError
from workbench.files import write_json_atomic

ROOT = Path(__file__).resolve().parents[1]
# (URL, fragments of its secret that must never show, what must stay visible)
HOSTILE = [
    ("postgresql://writer:Tr0ub4dor/3@db/x", ["Tr0ub4dor"], ["writer", "db/x"]),
    ("postgresql+psycopg://writer:correct horse battery@db.example.org:5432/crm", ["horse", "battery"],
     ["writer", "db.example.org:5432/crm"]),
    ("""postgresql://writer:it's "qu0ted" pw@db/x""", ["qu0ted", "it's"], ["writer", "db/x"]),
    ("mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BSERVER%3Ddb%3BUID%3Dsa%3BPWD%3DS3cr%21tPw%3B",
     ["S3cr"], ["odbc_connect", "SERVER%3Ddb"]),
    ("postgresql://writer@db/x?sslmode=verify-full&sslpassword=K3yPassw0rd", ["K3yPassw0rd"], ["sslmode=verify-full"]),
    ("bigquery://project/dataset?credentials_base64=eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=", ["eyJ0eXBl"],
     ["bigquery://project/dataset"]),
    ("https://lrs.example/xapi?token=T0kenT0ken", ["T0kenT0ken"], ["lrs.example/xapi"]),
]


def _clean(text: str, secrets: list[str]) -> None:
    for s in secrets:
        assert s not in text, f"{s!r} leaked in {text!r}"


@pytest.mark.parametrize(("url", "secrets", "visible"), HOSTILE)
def test_url_alone_in_a_sentence_and_in_json(url: str, secrets: list[str], visible: list[str]) -> None:
    alone = redact_secrets(url)
    _clean(alone, secrets)
    assert all(v in alone for v in visible) and "***" in alone
    for text in (f"results store {url}: the attempt was not saved", f"cannot use database URL {url} (OperationalError)",
                 f"store = {json.dumps(url)}", f"store = {url!r}\nlang = 'en'"):
        _clean(redact_secrets(text), secrets)
    _clean(json.dumps(redact_data({"parameters": {"store": url, "nested": [url]}, url: 1})), secrets)


def test_text_without_secrets_is_left_alone() -> None:
    for text in ("http://host:8080/x then mail bob@example.com", "sqlite:////tmp/a b/results.db",
                 "primary key: customer_id", "https://example.org/a?b=1&a=2", "duckdb:///:memory:"):
        assert redact_secrets(text) == text


def test_manifest_and_papermill_parameter_cell(tmp_path: Path) -> None:
    from papermill.translators import PythonTranslator

    params = {f"store{i}": url for i, (url, _, _) in enumerate(HOSTILE)}
    secrets = [s for _, ss, _ in HOSTILE for s in ss]
    write_json_atomic(tmp_path / "manifest.json", {"parameters": params, "steps": [{"parameters": params}]})
    _clean((tmp_path / "manifest.json").read_text(encoding="utf-8"), secrets)
    # the cell papermill injects, as papermill writes it, and its metadata copy
    cell_source = PythonTranslator.codify(params)
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": cell_source,
                     "outputs": [{"output_type": "error", "ename": "StoreError",
                                  "evalue": f"results store {HOSTILE[1][0]}: down", "traceback": []}],
                     "execution_count": 1}],
          "metadata": {"papermill": {"parameters": params}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "run.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert redact_notebook(path)
    text = path.read_text(encoding="utf-8")
    _clean(text, secrets)
    ast.parse("".join(json.loads(text)["cells"][0]["source"]))  # still valid Python


def test_error_messages_and_the_real_store(tmp_path: Path) -> None:
    from workbench.training.store import StoreError, engine_for

    for url, secrets, _ in HOSTILE[:3]:
        _clean(str(WorkbenchError(f"results store {url}: unreachable", f"check {url}")), secrets)
        with pytest.raises(StoreError) as info:  # nothing listens on port 1
            engine_for(url.replace("@db/", "@127.0.0.1:1/").replace("@db.example.org:5432/", "@127.0.0.1:1/"))
        _clean(str(info.value), secrets)
    res = run_cli("store", "init", "--store", "postgresql://writer:Tr0ub4dor/3 x@127.0.0.1:1/x")
    assert res.returncode == 1 and "writer:***@127.0.0.1:1/x" in res.stderr, res.stderr
    _clean(res.stdout + res.stderr, ["Tr0ub4dor"])


def test_one_implementation() -> None:
    """The redaction module is the bottom layer (imports nothing of the package), and nobody else
    parses or hides passwords: the training store's and the xAPI client's copies are gone."""
    import workbench.redaction as redaction

    tree = ast.parse(Path(redaction.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("workbench"), ast.dump(node)
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("workbench") for a in node.names)
    for path in (ROOT / "workbench").rglob("*.py"):
        if path.name == "redaction.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "hide_password" not in text and "def safe_url" not in text and "def _redact(" not in text, path


def test_the_report_manifest_writer(tmp_path: Path) -> None:
    """manifest.json as the quarterly run writes it (its parameters hold --store and SQL URLs)."""
    import datetime as dt

    from workbench.report import manifest

    run = tmp_path / "2026Q3"
    run.mkdir()
    now = dt.datetime(2026, 9, 30, tzinfo=dt.timezone.utc)
    params = {"store": HOSTILE[1][0], "steps": [{"notebook": "05", "parameters": {"store": u}} for u, _, _ in HOSTILE]}
    path = manifest.write_manifest(run, manifest.build_manifest(run_dir=run, inputs=[], parameters=params,
                                                                started=now, finished=now, repo=tmp_path))
    text = path.read_text(encoding="utf-8")
    _clean(text, [s for _, ss, _ in HOSTILE for s in ss])
    assert "writer:***@db.example.org:5432/crm" in text
