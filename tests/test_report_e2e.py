"""End to end on the committed sample: `workbench report` with the real notebooks, then the
planted-PII grep over every file it wrote (zero hits allowed)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from workbench.report import manifest, plan as plan_mod

pytestmark = pytest.mark.notebook
SAMPLE = plan_mod.REPO / "data" / "samples" / "acme_retail"
TRIALS = "20000"  # = conftest.SAMPLE_REPORT_TRIALS: the two quarters compare


def _missing_notebooks() -> list[str]:
    ctx = plan_mod.RunContext(dataset=SAMPLE, as_of="2026-09-30", quarter="2026Q3", run_dir=Path("x"),
                              previous_dir=None)
    return [s.notebook for s in plan_mod.quarterly_plan(ctx) if not (plan_mod.NOTEBOOKS / f"{s.notebook}.ipynb").exists()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, sample_report):
    """2026Q3 is the session's shared ``report --quiet`` run (tests/conftest.py); 2026Q4 runs on
    a copy of its folder, with progress shown."""
    missing = _missing_notebooks()
    if missing:
        pytest.skip(f"notebooks not written yet: {', '.join(missing)}")
    shared, first = sample_report
    out = tmp_path_factory.mktemp("reports")
    if (shared / "2026Q3").is_dir():
        shutil.copytree(shared / "2026Q3", out / "2026Q3")
    second = subprocess.run([sys.executable, "-m", "workbench", "report", "--dataset", str(SAMPLE), "--quarter",
                             "2026Q4", "--out", str(out), "--trials", TRIALS, "--fail-under", "100"],
                            capture_output=True, text=True, timeout=900, cwd=plan_mod.REPO)
    return out, first, second


def test_real_run_writes_the_quarter_folder(runs):
    out, first, second = runs
    assert first.returncode == 0, first.stderr[-3000:]
    q3 = out / "2026Q3"
    assert first.stdout.strip().endswith(str(Path("2026Q3") / "report.html"))
    assert "[5/5] 10_quarterly_report: cell" in second.stderr  # progress (the first run is --quiet)
    for name in ("report.html", "findings.json", "risk_register.csv", "simulation.json", "training.json",
                 "manifest.json", "history.json"):
        assert (q3 / name).is_file(), name
    for step in ("01_data_inventory", "02_posture_assessment", "03_breach_simulation", "05_training_dashboard",
                 "10_quarterly_report"):
        assert (q3 / "notebooks" / f"{step}.ipynb").is_file(), step
    html = (q3 / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*src=[\"']?(https?:)?//", html, re.I)
    assert html.count("plotly.js v") == 1 and html.count('class="plotly-graph-div"') >= 4
    assert "no previous quarter" in html.lower()
    assert manifest.verify(q3) == []
    man = json.loads((q3 / "manifest.json").read_text())
    assert {"dataset.yaml", "customers.csv"} <= {Path(e["path"]).name for e in man["inputs"]}
    assert json.loads((q3 / "simulation.json").read_text())["trials"] == int(TRIALS)


def test_next_quarter_compares_and_gates(runs):
    out, _, second = runs
    assert second.returncode == 3, second.stderr[-3000:]
    assert "below --fail-under 100" in second.stderr
    q4 = out / "2026Q4"
    assert second.stdout.strip() == str(q4 / "report.html") and (q4 / "manifest.json").is_file()
    hist = json.loads((q4 / "history.json").read_text())
    assert hist["previous_quarter"] == "2026Q3"
    assert hist["findings"]["new"] == [] and hist["findings"]["resolved"] == [] and hist["findings"]["persisting"]
    assert hist["scores"]["overall"]["trend"] == "▶"
    # same dataset, as_of and seed → identical simulation figures and findings (apart from assessed_at)
    s3, s4 = (json.loads((out / q / "simulation.json").read_text()) for q in ("2026Q3", "2026Q4"))
    assert s3["total"] == s4["total"]
    f3, f4 = (json.loads((out / q / "findings.json").read_text()) for q in ("2026Q3", "2026Q4"))
    f3.pop("assessed_at"), f4.pop("assessed_at")
    assert f3 == f4


def _planted_values() -> set[str]:
    from workbench.pii import find

    values: set[str] = set()
    cust = pd.read_csv(SAMPLE / "customers.csv", dtype=str, keep_default_na=False)
    for col in ("email", "phone", "national_id"):
        values |= {v.strip() for v in cust[col] if v.strip()}
    tx = pd.read_csv(SAMPLE / "transactions.csv", dtype=str, keep_default_na=False)
    values |= {v.strip() for v in tx["card_number"] if v.strip()}
    for note in cust["notes"]:
        values |= {note[m.start:m.end] for m in find(note) if m.category in ("email", "phone", "national_id", "card_number")}
    digits = {re.sub(r"\D", "", v) for v in values if "@" not in v}
    return values | {d for d in digits if len(d) >= 9}


def test_no_raw_personal_data_in_any_output(runs, tmp_path):
    out, first, second = runs
    planted = _planted_values()
    assert len(planted) > 3000  # the sample's customers, cards and notes
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 20
    patterns = tmp_path / "planted.txt"
    patterns.write_text("\n".join(sorted(planted)) + "\n", encoding="utf-8")
    # grep -F (Aho-Corasick): every planted value against every byte of every output file
    r = subprocess.run(["grep", "-rFoa", "-f", str(patterns), str(out)], capture_output=True, text=True,
                       errors="replace", timeout=300)
    assert r.returncode == 1, f"raw personal data in outputs: {r.stdout[:2000]}"  # 1 = no match
    streams = tmp_path / "streams.txt"
    streams.write_text(first.stdout + first.stderr + second.stdout + second.stderr, encoding="utf-8")
    r = subprocess.run(["grep", "-Fo", "-f", str(patterns), str(streams)], capture_output=True, text=True)
    assert r.returncode == 1, f"raw personal data on the terminal: {r.stdout[:2000]}"


def test_grep_finds_a_planted_value(tmp_path):
    """The grep above can fail: a raw value in a file is found."""
    value = sorted(_planted_values())[0]
    (tmp_path / "leak.json").write_text(f'{{"x": "{value}"}}', encoding="utf-8")
    patterns = tmp_path / "p.txt"
    patterns.write_text(value + "\n", encoding="utf-8")
    r = subprocess.run(["grep", "-rFoa", "-f", str(patterns), str(tmp_path / "leak.json")], capture_output=True, text=True)
    assert r.returncode == 0 and value in r.stdout
