"""Appendix C shows one table of notification clocks across scenarios (playbook.clocks) instead
of one row per scenario × obligation; nothing of the timeline is lost in the collapse. Real
simulation of the bundled sample."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench import i18n
from workbench.breach import playbook, simulate

ACME = Path(__file__).resolve().parents[1] / "data" / "samples" / "acme_retail"
KEY = ["jurisdiction", "to", "deadline_hours", "deadline", "basis", "records", "trigger"]


@pytest.fixture(scope="module")
def sim():
    return simulate(ACME, trials=1000, seed=7)


def _key(row) -> tuple:
    return tuple("" if pd.isna(row[c]) else str(row[c]) for c in KEY)


@pytest.mark.parametrize("exemptions", [False, True])
def test_clocks_collapse_repeats_and_lose_no_row(sim, exemptions):
    full = sim.obligations_table(exemptions=exemptions)
    clocks = playbook.clocks(sim, exemptions=exemptions)
    assert list(clocks.columns) == [*KEY, "scenarios"]
    # one row per distinct clock, and every distinct clock of the per-scenario timeline is there
    assert len(clocks) == len({_key(r) for r in full.to_dict("records")}) < len(full)
    titles = {o.scenario.id: o.scenario.title for o in sim.outcomes}
    by_key = {_key(r): r["scenarios"] for r in clocks.to_dict("records")}
    for r in full.to_dict("records"):
        named = by_key[_key(r)]
        shared = {x["scenario"] for x in full.to_dict("records") if _key(x) == _key(r)}
        if len(shared) == len(titles):
            assert named == "all 6 scenarios"
        elif len(shared) == len(titles) - 1:
            assert named == f"all but {next(titles[i] for i in titles if i not in shared)}"
        else:
            assert titles[r["scenario"]] in named
    if not exemptions:  # earliest clock first, as the notebook asserts
        assert clocks["deadline_hours"].dropna().is_monotonic_increasing


def test_sample_clocks_read_as_a_timeline(sim):
    clocks = playbook.clocks(sim)
    # the sample: 44 scenario × obligation rows are 8 clocks
    assert len(sim.obligations_table()) == 44 and len(clocks) == 8
    first = clocks.iloc[0]
    assert first["basis"] == "GDPR Art. 33(1)" and first["deadline_hours"] == 72 and first["scenarios"] == "all 6 scenarios"
    art34 = clocks[clocks["basis"] == "GDPR Art. 34(1)"].iloc[0]
    assert art34["scenarios"] == "all but Third-party integration key leak" and art34.name == 1  # beside Art. 33
    try:
        i18n.use("zh")
        zh = playbook.clocks(sim)
    finally:
        i18n.use("en")
    assert zh.loc[1, "scenarios"] == "除第三方集成密钥泄露外的全部场景" and zh.loc[0, "scenarios"] == "全部 6 个场景"


def test_first_hour_is_a_numbered_list_in_the_run_language():
    en = playbook.first_hour_markdown()
    assert en.startswith("### First hour\n\n1. Record the moment of awareness (T0)") and "\n5. China:" in en
    try:
        i18n.use("zh")
        assert playbook.first_hour_markdown().startswith(f"### {i18n.t('playbook.first_hour_title')}\n\n1. ")
    finally:
        i18n.use("en")
