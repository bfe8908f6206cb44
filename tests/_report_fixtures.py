"""Fixtures of the report tests: a tiny dataset, hand-made result files and fixture notebooks.

The fixture notebook ``00_results`` stands in for notebooks 01–05: it writes findings.json,
risk_register.csv, simulation.json and training.json into its ``output_dir`` from parameters,
shows one plotly figure, and can fail on request or sleep (to be killed midway).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
CHECKS = {"AC-001": ("access", "high", "MFA off for privileged accounts"),
          "BK-001": ("backup", "medium", "Failed backup jobs"),
          "ENC-002": ("encryption", "critical", "Encryption at rest disabled"),
          "PRV-001": ("privacy", "high", "Marketing without recorded consent")}
RAW_EMAIL = "alice.planted@example.org"


def make_dataset(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "customers.csv").write_text("customer_id,email,country\n1,a@example.com,DE\n2,b@example.com,CN\n",
                                        encoding="utf-8")
    (root / "dataset.yaml").write_text(
        "name: Tiny CRM\nas_of: 2026-09-30\norganisation: {name: Tiny GmbH, currency: EUR}\n"
        "tables:\n  customers: {path: customers.csv}\n", encoding="utf-8")
    return root


def findings(failed: list[str], overall: float) -> dict:
    rows = [{"id": cid, "domain": d, "title": t, "severity": s, "status": "fail" if cid in failed else "pass",
             "affected": 3 if cid in failed else 0, "total": 10, "mappings": {"GDPR": ["Art. 32"]}}
            for cid, (d, s, t) in sorted(CHECKS.items())]
    return {"dataset": "Tiny CRM", "assessed_at": "2026-09-30T00:00:00", "as_of": "2026-09-30",
            "workbench_version": "0.1.0",
            "scores": {"overall": overall, "encryption": 80.0, "access": 60.0, "backup": 90.0, "privacy": 70.0,
                       "data": 100.0, "training": 50.0},
            "findings": rows}


def simulation(mean: float) -> dict:
    scen = [{"id": "stolen-credentials", "title": "Stolen staff credentials",
             "exposure": {"records": 2, "by_jurisdiction": {"EU": 1, "CN": 1}, "fields": ["email"], "sensitive_fields": []},
             "loss": {"mean": mean * 0.6, "p50": mean * 0.3, "p90": mean, "p95": mean * 1.5, "p99": mean * 3},
             "notifications": [{"jurisdiction": "EU", "to": "supervisory authority", "deadline_hours": 72,
                                "basis": "GDPR Art. 33"},
                               {"jurisdiction": "CN", "to": "CAC / regulator", "deadline_hours": None,
                                "basis": "PIPL Art. 57"}]},
            {"id": "ransomware", "title": "Ransomware on the CRM database",
             "exposure": {"records": 2, "by_jurisdiction": {"EU": 1, "CN": 1}, "fields": ["email"], "sensitive_fields": []},
             "loss": {"mean": mean * 0.4, "p50": mean * 0.2, "p90": mean, "p95": mean * 1.2, "p99": mean * 2},
             "notifications": [{"jurisdiction": "EU", "to": "supervisory authority", "deadline_hours": 72,
                                "basis": "GDPR Art. 33"}]}]
    return {"trials": 1000, "seed": 7, "currency": "EUR", "scenarios": scen,
            "total": {"mean": mean, "p50": mean / 2, "p90": mean * 2, "p95": mean * 2.5, "p99": mean * 4},
            "what_if": [{"control": "immutable-offsite-backups", "mean_reduction": mean * 0.1},
                        {"control": "mfa-all-privileged", "mean_reduction": mean * 0.3}]}


TRAINING = {"completion": {"overall": 0.75, "by_department": {"Sales": 0.5, "Support": 1.0}}, "mean_score": 0.82,
            "pass_rate": 0.9, "overdue": {"count": 2, "privileged": 1},
            "most_missed": [{"question": "q1", "missed": 3}]}
REGISTER = ("check,title,domain,likelihood,impact,rating,owner,remediation\n"
            "{rows}")

RESULTS_SOURCE = '''import json, pathlib, time
import plotly.graph_objects as go
from workbench.notebook import setup
setup()
out = pathlib.Path(output_dir)
failed_ids = [c for c in str(failed).split(",") if c]
if fail:
    raise ValueError("planted failure for {email} in row 7")
time.sleep(float(sleep))
out.joinpath("findings.json").write_text(json.dumps(findings(failed_ids, float(overall))))
out.joinpath("simulation.json").write_text(json.dumps(simulation(float(loss))))
out.joinpath("training.json").write_text(json.dumps(TRAINING))
out.joinpath("risk_register.csv").write_text("check,title,domain,likelihood,impact,rating,owner,remediation\\n" + "".join(
    f"{c},{CHECKS[c][2]},{CHECKS[c][0]},4,4,{16 - i},IT,fix it\\n" for i, c in enumerate(failed_ids)))
go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))'''


def results_notebook(path: Path) -> Path:
    """Write the fixture notebook ``00_results`` (see module docstring)."""
    import inspect

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(
        'dataset = ""  # dataset folder\nas_of = ""  # date\noutput_dir = "."  # where results go\n'
        'failed = "AC-001"  # comma-separated failed check ids\noverall = 70.0  # overall score\n'
        'loss = 100000.0  # expected annual loss\nfail = False  # raise in a cell\nsleep = 0.0  # seconds to wait')
    params.metadata["tags"] = ["parameters"]
    helpers = "\n".join([f"CHECKS = {CHECKS!r}", f"TRAINING = {TRAINING!r}", inspect.getsource(findings),
                         inspect.getsource(simulation)])
    nb.cells = [params, nbformat.v4.new_code_cell(helpers),
                nbformat.v4.new_code_cell(RESULTS_SOURCE.replace("{email}", RAW_EMAIL)),
                nbformat.v4.new_markdown_cell("## Fixture appendix\n\nResults written.")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def notebooks_dir(root: Path) -> Path:
    """A notebooks folder with the fixture ``00_results`` and the real executive notebook."""
    results_notebook(root / "00_results.ipynb")
    shutil.copy(REPO / "notebooks" / "10_quarterly_report.ipynb", root / "10_quarterly_report.ipynb")
    return root


def fixture_plan(failed: str = "AC-001", overall: float = 70.0, loss: float = 100000.0, fail: bool = False,
                 sleep: float = 0.0):
    """A plan factory for ``run_report(plan=...)``: fixture results, then the real executive notebook."""
    from workbench.report.plan import EXECUTIVE, Step

    def factory(ctx):
        out = str(ctx.run_dir)
        return [Step("00_results", {"dataset": str(ctx.dataset), "as_of": ctx.as_of, "output_dir": out,
                                    "failed": failed, "overall": overall, "loss": loss, "fail": fail, "sleep": sleep},
                     ("findings.json",), "Appendix — fixture results"),
                Step(EXECUTIVE, {"quarter": ctx.quarter, "results_dir": out,
                                 "previous_dir": str(ctx.previous_dir) if ctx.previous_dir else "", "output_dir": out},
                     ("history.json",), "Quarterly privacy risk report")]
    return factory


def write_results(folder: Path, failed: list[str], overall: float, loss: float) -> Path:
    """Result files written directly (no kernel), e.g. a previous quarter's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "findings.json").write_text(json.dumps(findings(failed, overall)))
    (folder / "simulation.json").write_text(json.dumps(simulation(loss)))
    (folder / "training.json").write_text(json.dumps(TRAINING))
    (folder / "risk_register.csv").write_text("check,title,domain,likelihood,impact,rating,owner,remediation\n" + "".join(
        f"{c},{CHECKS[c][2]},{CHECKS[c][0]},4,4,{16 - i},IT,fix it\n" for i, c in enumerate(failed)))
    return folder
