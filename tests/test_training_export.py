"""LMS export (issue 16): xAPI statements (file and LRS), question banks, assignment reminders."""
from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pandas as pd
import pytest

from conftest import run_cli
from workbench.training import answer_key, grade, load_module, record_attempt
from workbench.training.assignments import (assignment_status, load_assignments, overdue_assignments, reminders_csv,
                                            reminders_ics)
from workbench.training.question_bank import export

M = load_module("access-control")
T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)


def _store(tmp_path: Path) -> str:
    store = str(tmp_path / "r.db")
    for trainee, passed, mode, minutes in (("U00001", True, "exam", 14), ("U00002", False, "exam", 3),
                                           ("U00002", True, "practice", 5)):
        record_attempt(store, trainee=trainee, department="IT", module=M, result=grade(M, answer_key(M) if passed else {}),
                       started_at=T0, finished_at=T0 + dt.timedelta(minutes=minutes), mode=mode, identity="jupyterhub")
    return store


REQUIRED = ("id", "actor", "verb", "object", "result", "timestamp")


def _check_statement(s: dict) -> None:
    for key in REQUIRED:
        assert key in s, key
    assert s["actor"]["objectType"] == "Agent" and s["actor"]["account"]["homePage"].startswith("http")
    assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/") and s["verb"]["display"]["en-US"]
    assert s["object"]["objectType"] == "Activity" and s["object"]["id"].startswith("https://lms.example/")
    assert 0 <= s["result"]["score"]["scaled"] <= 1 and isinstance(s["result"]["success"], bool)
    assert s["result"]["duration"].startswith("PT") and s["timestamp"].endswith("Z")


def test_xapi_file_has_required_fields_and_adl_verbs(tmp_path: Path) -> None:
    store = _store(tmp_path)
    out = tmp_path / "statements.json"
    res = run_cli("export", "xapi", "--store", store, "--out", str(out), "--homepage", "https://lms.example")
    assert res.returncode == 0, res.stderr
    stmts = json.loads(out.read_text())
    assert len(stmts) == 3
    for s in stmts:
        _check_statement(s)
    assert [s["verb"]["display"]["en-US"] for s in stmts] == ["passed", "failed", "completed"]
    assert [s["actor"]["account"]["name"] for s in stmts] == ["U00001", "U00002", "U00002"]
    assert stmts[0]["result"]["score"]["scaled"] == 1.0 and stmts[0]["result"]["duration"] == "PT14M0S"
    assert stmts[0]["object"]["id"] == "https://lms.example/training/modules/access-control"
    assert stmts[2]["context"]["extensions"]["https://lms.example/xapi/mode"] == "practice"
    again = tmp_path / "again.json"
    run_cli("export", "xapi", "--store", store, "--out", str(again), "--homepage", "https://lms.example")
    assert [s["id"] for s in json.loads(again.read_text())] == [s["id"] for s in stmts]  # idempotent ids


class _LRS(BaseHTTPRequestHandler):
    """A real HTTP server on loopback playing the LRS: answers with ``status`` and the ids it was sent
    (``ids="echo"``), wrong ids, or a redirect to ``location``."""

    received: list = []
    status = 200
    ids = "echo"
    location = ""

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        cls = type(self)
        if cls.location:
            self.send_response(cls.status)
            self.send_header("Location", cls.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        reply = b"" if cls.status == 204 else json.dumps(
            [s["id"] for s in body] if cls.ids == "echo" else cls.ids).encode()
        self.send_response(cls.status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST  # a followed redirect arrives as GET: recorded too

    def log_message(self, *args) -> None:
        pass


def _server(handler: type) -> tuple[HTTPServer, str]:
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture()
def lrs():
    _LRS.received, _LRS.status, _LRS.ids, _LRS.location = [], 200, "echo", ""
    server, base = _server(_LRS)
    yield f"{base}/xapi", _LRS
    server.shutdown()


def test_xapi_posts_to_an_lrs_with_version_and_auth(tmp_path: Path, lrs) -> None:
    url, handler = lrs
    store = _store(tmp_path)
    endpoint = url.replace("http://", "http://trainer:Pa55word@")
    res = run_cli("export", "xapi", "--store", store, "--lrs", endpoint, "--homepage", "https://lms.example")
    assert res.returncode == 0, res.stderr
    path, headers, body = handler.received[0]
    assert path == "/xapi/statements" and headers["x-experience-api-version"] == "1.0.3"
    assert headers["authorization"] == "Basic " + base64.b64encode(b"trainer:Pa55word").decode()
    assert len(body) == 3
    handler.status = 401
    res = run_cli("export", "xapi", "--store", store, "--lrs", endpoint)
    assert res.returncode == 1 and "HTTP 401" in res.stderr and "Pa55word" not in res.stderr + res.stdout
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "qti"])
def test_question_bank_formats(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"bank.{fmt}"
    res = run_cli("export", "questions", M.id, "--format", fmt, "--out", str(out))
    assert res.returncode == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "moodle-xml":
        root = ET.fromstring(text)
        qs = [q for q in root.findall("question") if q.get("type") != "category"]
        assert [q.find("name/text").text for q in qs] == [q.id for q in M.questions]
        multi = next(q for q in qs if q.find("name/text").text == "ac-05")
        assert multi.find("single").text == "false"
        assert abs(sum(float(a.get("fraction")) for a in multi.findall("answer") if float(a.get("fraction")) > 0) - 100) < 0.01
    elif fmt == "gift":
        assert all(f"::{q.id}::" for q in M.questions if f"::{q.id}::" in text)
        assert text.count("::") == 2 * len(M.questions) and "{T" in text or "{F" in text
    else:
        root = ET.fromstring(text)
        items = root.findall(".//item")
        assert [i.get("ident") for i in items] == [q.id for q in M.questions]
        assert all(i.find(".//resprocessing") is not None for i in items)
    assert run_cli("export", "questions", "nope", "--format", fmt).returncode == 2


ROSTER = pd.DataFrame({"user_id": ["A1", "S1", "S2", "X1"], "name": ["Ann Admin", "Sam Sales", "Sue Sales", "Gone"],
                       "department": ["IT", "Sales", "Sales", "IT"], "role": ["admin", "sales", "sales", "admin"],
                       "status": ["active", "active", "active", "disabled"]})


def test_assignment_status_due_overdue_failed_done_privileged_first(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "assignments:\n"
        "  - {id: law, module: privacy-law-basics, roles: ['*'], due: 2026-06-30, every_days: 365}\n"
        "  - {id: ac, module: access-control, roles: [admin], due: 2026-10-31}\n")
    assignments = load_assignments(tmp_path / "a.yaml")
    recs = pd.DataFrame({"trainee_id": ["S1", "S2", "S2", "A1"],
                         "module_id": ["privacy-law-basics", "privacy-law-basics", "privacy-law-basics", "access-control"],
                         "passed": [True, False, True, False], "score": [0.9, 0.3, 1.0, 0.4],
                         "finished_at": pd.to_datetime(["2026-06-01", "2026-05-01", "2026-05-02", "2026-09-01"]),
                         "mode": ["exam", "exam", "practice", "exam"]})
    status = assignment_status(ROSTER, recs, assignments, "2026-09-30", privileged=["admin"])
    got = {(r.assignment, r.user_id): r.status for r in status.itertuples()}
    assert got == {("law", "S1"): "done", ("law", "S2"): "overdue", ("law", "A1"): "overdue", ("ac", "A1"): "failed"}
    assert status.iloc[0]["user_id"] == "A1"  # privileged first
    assert "X1" not in set(status["user_id"])  # disabled accounts owe nothing
    over = overdue_assignments(ROSTER, recs, assignments, "2026-09-30")
    assert list(zip(over["user_id"], over["assignment"])) == [("A1", "law"), ("S2", "law")]
    assert str(over.iloc[0]["due_date"]) == "2026-06-30"
    soon = assignment_status(ROSTER, recs, assignments, "2027-06-10")  # inside the 30-day reminder window
    assert dict(zip(soon[soon.assignment == "law"].user_id, soon[soon.assignment == "law"].status))["S1"] == "due"
    # a year later S1's pass has expired: the recurrence starts a new cycle
    later = assignment_status(ROSTER, recs, assignments, "2027-07-15")
    assert dict(zip(later[later.assignment == "law"].user_id, later[later.assignment == "law"].status))["S1"] == "overdue"
    csv_text = reminders_csv(status)
    assert csv_text.count("\n") == 1 + 3 and "Ann Admin" not in csv_text and "A1," in csv_text
    ics = reminders_ics(status, "2026-09-30")
    assert ics.count("BEGIN:VEVENT") == 3 and ics.startswith("BEGIN:VCALENDAR\r\n") and "DTSTART;VALUE=DATE:20261031" in ics


def test_bad_assignments_name_file_and_key(tmp_path: Path) -> None:
    from workbench.errors import ContentError

    (tmp_path / "a.yaml").write_text("assignments:\n  - {module: nope, roles: ['*'], due: 2026-06-30}\n")
    with pytest.raises(ContentError, match="a.yaml.*unknown module 'nope'"):
        load_assignments(tmp_path / "a.yaml")
    (tmp_path / "b.csv").write_text("module,role,due\naccess-control,admin,31/12/2026\n")
    with pytest.raises(ContentError, match="row 2"):
        load_assignments(tmp_path / "b.csv")


def test_reminders_cli_on_the_sample(tmp_path: Path, sample_dir: Path, repo: Path) -> None:
    store = _store(tmp_path)
    res = run_cli("export", "reminders", "--dataset", str(sample_dir), "--assignments",
                  str(repo / "training" / "assignments" / "example.yaml"), "--store", store, "--out", str(tmp_path / "rem"))
    assert res.returncode == 0, res.stderr
    rows = (tmp_path / "rem" / "reminders.csv").read_text().splitlines()
    ics = (tmp_path / "rem" / "reminders.ics").read_text()
    assert len(rows) > 10 and ics.count("BEGIN:VEVENT") == len(rows) - 1
    assert "U00001" in (tmp_path / "rem" / "reminders.csv").read_text()


def test_xapi_statement_of_an_attempt_recorded_without_mode_or_identity(tmp_path: Path) -> None:
    """Attempts from `workbench train` (no identity) and stores written before issue 16 still export valid JSON."""
    from workbench.training.xapi import problems, statements

    store = str(tmp_path / "old.db")
    record_attempt(store, trainee="U9", module=M, result=grade(M, {}), started_at=T0, finished_at=T0)
    (s,) = statements(store, "https://lms.example")
    assert problems(s) == [] and s["verb"]["display"]["en-US"] == "failed"
    assert s["context"]["extensions"]["https://lms.example/xapi/identity"] == "unknown"
    json.dumps(s, allow_nan=False)  # no NaN leaks into the JSON


class _Elsewhere(_LRS):
    """Where a hostile LRS redirects to: it must never be contacted (it would get the credentials)."""

    received: list = []


def test_xapi_refuses_redirects_wrong_ids_and_plain_http(tmp_path: Path, lrs) -> None:
    """Issue 21 item 6: a 302 was followed with the Authorization header and reported as success."""
    from workbench.errors import InputError, WorkbenchError
    from workbench.training import xapi

    url, handler = lrs
    store = _store(tmp_path)
    stmts = xapi.statements(store)
    endpoint = url.replace("http://", "http://trainer:Pa55word@")
    _Elsewhere.received, _Elsewhere.location, _Elsewhere.status, _Elsewhere.ids = [], "", 200, "echo"
    elsewhere, other = _server(_Elsewhere)
    try:
        for code in (301, 302, 303, 307, 308):
            handler.status, handler.location = code, f"{other}/steal\x1b[2J"
            with pytest.raises(WorkbenchError, match=f"redirect \\(HTTP {code}"):
                xapi.post(stmts, endpoint)
        res = run_cli("export", "xapi", "--store", store, "--lrs", endpoint)  # the CLI: exit 1, one clean line
        assert res.returncode == 1 and "redirect" in res.stderr and "sent" not in res.stdout, res.stderr
        assert "\x1b" not in res.stderr and "Pa55word" not in res.stderr and len(res.stderr.splitlines()) == 1
        assert _Elsewhere.received == []  # never followed: no request, no credentials elsewhere
    finally:
        elsewhere.shutdown()
    handler.location = ""
    for status, ids in ((200, ["not-the-id"]), (200, []), (200, {"ids": "x"}), (202, "echo"), (500, "echo")):
        handler.status, handler.ids = status, ids
        with pytest.raises(WorkbenchError, match="statement ids|HTTP"):
            xapi.post(stmts, endpoint)
    handler.status, handler.ids = 200, list(reversed([s["id"] for s in stmts]))
    res = run_cli("export", "xapi", "--store", store, "--lrs", endpoint)
    assert res.returncode == 1 and "statement ids" in res.stderr, res.stderr
    handler.status = 204  # stored, nothing to check
    assert xapi.post(stmts, endpoint) == 3
    handler.status, handler.ids = 200, "echo"
    assert xapi.post(stmts, endpoint, batch=2) == 3
    for plain in ("http://lrs.example/xapi", "http://10.0.0.5/xapi", "ftp://lrs.example/x"):
        with pytest.raises(InputError, match="https|http\\(s\\)"):
            xapi.post(stmts, plain)
    res = run_cli("export", "xapi", "--store", store, "--lrs", "http://trainer:Pa55word@lrs.example/xapi")
    assert res.returncode == 2 and "https" in res.stderr and "Pa55word" not in res.stderr, res.stderr
