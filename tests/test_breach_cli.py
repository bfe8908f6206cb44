"""`workbench simulate`: outputs, summary, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from breach_helpers import make_dataset, scenario_dict, write_scenarios
from workbench.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_simulate_writes_json_and_prints_summary(tmp_path, capsys):
    ds = make_dataset(tmp_path / "ds")
    out = tmp_path / "out"
    rc = main(["simulate", str(ds), "--trials", "5000", "--seed", "3", "--scenario", "ransomware-crm-db",
               "--scenario", "stolen-credentials", "--out", str(out)])
    cap = capsys.readouterr()
    assert rc == 0
    d = json.loads((out / "simulation.json").read_text())
    assert d["trials"] == 5000 and d["seed"] == 3 and d["currency"] == "EUR"
    assert [s["id"] for s in d["scenarios"]] == ["ransomware-crm-db", "stolen-credentials"]
    assert "TOTAL" in cap.out and "what-if" in cap.out and "ransomware-crm-db" in cap.out
    assert "simulate:" in cap.err and "simulate:" not in cap.out


def test_findings_file_drives_posture(tmp_path, capsys):
    ds = make_dataset(tmp_path / "ds")
    f = tmp_path / "findings.json"
    f.write_text(json.dumps({"findings": [{"id": "AC-001", "status": "pass", "affected": 0, "total": 2}]}))
    rc = main(["simulate", str(ds), "--trials", "2000", "--findings", str(f), "--out", str(tmp_path / "o")])
    assert rc == 0
    d = json.loads((tmp_path / "o" / "simulation.json").read_text())
    assert d["findings_source"] == "given"
    assert d["posture"]["inputs"]["mfa_coverage"] == 1.0 and d["posture"]["origin"]["mfa_coverage"] == "findings:AC-001"


def test_bad_input_exits_2_without_traceback(tmp_path, capsys):
    ds = make_dataset(tmp_path / "ds")
    out = tmp_path / "out"
    bad_dir = tmp_path / "scn"
    d = scenario_dict()
    d["vulnerability"]["base"] = {"min": 0.1, "mode": 0.5, "max": 0.9, "source": "uncited"}
    write_scenarios(bad_dir, d)
    badjson = tmp_path / "f.json"
    badjson.write_text("{not json")
    cases = [
        ["--scenario", "no-such-scenario"],
        ["--scenarios-dir", str(bad_dir)],
        ["--findings", str(badjson)],
        ["--findings", str(tmp_path / "missing.json")],
        ["--trials", "0"],
    ]
    for extra in cases:
        rc = main(["simulate", str(ds), "--out", str(out), *extra])
        err = capsys.readouterr().err
        assert rc == 2, extra
        lines = [ln for ln in err.splitlines() if "error" in ln]
        assert len(lines) == 1 and "Traceback" not in err, err
    assert not out.exists() or not (out / "simulation.json").exists()
    assert main(["simulate", str(tmp_path / "nope"), "--out", str(out)]) == 2
    capsys.readouterr()


def test_bad_scenario_error_names_file_and_key(tmp_path):
    ds = make_dataset(tmp_path / "ds")
    d = scenario_dict()
    d["tef"] = {"min": 1, "mode": 5, "max": 2, "source": "s"}
    write_scenarios(tmp_path / "scn", d)
    r = subprocess.run([sys.executable, "-m", "workbench", "simulate", str(ds), "--scenarios-dir", str(tmp_path / "scn"),
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2
    assert "const-test.yaml" in r.stderr and "'tef'" in r.stderr and "Traceback" not in r.stderr
