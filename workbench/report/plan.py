"""The quarterly run in one place: which notebooks, in which order, with which parameters.

Notebooks write their machine-readable results into their ``output_dir`` parameter; the
pipeline passes all of them the same run folder (and writes ``training.json`` there itself), so
the executive notebook (last) finds this run's ``findings.json``, ``risk_register.csv``,
``simulation.json`` and ``training.json`` there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"

# Files the quarter folder must hold after the notebooks ran (DESIGN "Reports and the CLI").
RESULT_FILES = ("findings.json", "risk_register.csv", "simulation.json", "training.json")
EXECUTIVE = "10_quarterly_report"


@dataclass(frozen=True)
class RunContext:
    """What a quarterly run knows before the first kernel starts (all paths absolute)."""

    dataset: Path
    as_of: str                     # YYYY-MM-DD
    quarter: str                   # YYYYQn
    run_dir: Path                  # where every notebook writes (the temporary quarter folder)
    previous_dir: Path | None      # last quarter's folder, None on a first run
    trials: int = 100_000
    seed: int = 7
    profile: str = "quarterly"
    store: str | None = None       # training results store (path or SQLAlchemy URL); None: notebook default
    scenarios: str | None = None   # comma-separated scenario ids; None: all
    actions: Path | None = None    # this run's copy of actions.yaml; None: no actions file
    lang: str = "en"               # language of the report (en | zh)


@dataclass(frozen=True)
class Step:
    """One notebook of the run and the files it must leave in ``output_dir``."""

    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    produces: tuple[str, ...] = ()
    title: str = ""
    after: tuple[str, ...] | None = None  # notebooks that must finish first; None: every earlier one


def quarterly_plan(ctx: RunContext) -> list[Step]:
    """The real plan: appendices first (they produce the results), the executive report last."""
    from ..i18n import t

    ds, out = str(ctx.dataset), str(ctx.run_dir)
    simulation = {"dataset": ds, "as_of": ctx.as_of, "trials": int(ctx.trials), "seed": int(ctx.seed),
                  "findings": str(ctx.run_dir / "findings.json"), "output_dir": out}
    if ctx.scenarios:
        simulation["scenarios"] = ctx.scenarios
    # training.json is written by the pipeline itself (training.training_summary) before the notebooks
    # run; the dashboard notebook reads the same records (the store, else the dataset's training_results)
    training = {"dataset": ds, "as_of": ctx.as_of}
    if ctx.store:
        training["store"] = ctx.store
    for params in (simulation, training):
        params["lang"] = ctx.lang
    return [
        Step("01_data_inventory", {"dataset": ds, "as_of": ctx.as_of, "output_dir": out, "lang": ctx.lang}, ("pii_inventory.json",),
             t("plan.appendix_a", ctx.lang), after=()),
        Step("02_posture_assessment", {"dataset": ds, "as_of": ctx.as_of, "profile": ctx.profile, "output_dir": out,
                                        "lang": ctx.lang},
             ("findings.json", "risk_register.csv"), t("plan.appendix_b", ctx.lang), after=()),
        Step("03_breach_simulation", simulation, ("simulation.json", "playbook.md", "playbook.html"), t("plan.appendix_c", ctx.lang),
             after=("02_posture_assessment",)),
        Step("05_training_dashboard", training, (), t("plan.appendix_d", ctx.lang), after=()),
        Step(EXECUTIVE, {"quarter": ctx.quarter, "results_dir": out,
                         "previous_dir": str(ctx.previous_dir) if ctx.previous_dir else "", "output_dir": out,
                         "actions": str(ctx.actions) if ctx.actions else "", "lang": ctx.lang,
                         # issue 15: the DPIA answers file kept beside the dataset, if any, for the DPIA status section
                         **({"dpia_answers": str(ctx.dataset / "dpia_answers.yaml")}
                            if (ctx.dataset / "dpia_answers.yaml").is_file() else {})},
             ("history.json",), t("plan.executive", ctx.lang)),
    ]
