"""Issue 22 §4: the report shows the breach-frequency anchor — the published rate or the
organisation's own incidents.yaml, the loss events a year it gives, its uncertainty — and says
when record counts come from an extract. Real `workbench simulate` runs on the bundled sample."""
from __future__ import annotations

import json
import re
from pathlib import Path

import mistune
import yaml

from breach_helpers import acme_copy
from test_i18n import english_leftovers
from workbench import i18n
from workbench.cli import main
from workbench.report.narrative import frequency_anchor

ACME = Path(__file__).resolve().parents[1] / "data" / "samples" / "acme_retail"


def _simulate(dataset: Path, out: Path) -> dict:
    assert main(["simulate", str(dataset), "--out", str(out), "--trials", "2000", "--seed", "7"]) == 0
    return json.loads((out / "simulation.json").read_text(encoding="utf-8"))


def _shown(markdown: str) -> str:
    """What a reader sees: the Markdown rendered, tags dropped (no backslash escapes left)."""
    html = mistune.create_markdown()(markdown)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(html)))


def _in(lang: str, sim: dict) -> str:
    try:
        i18n.use(lang)
        return frequency_anchor(sim)
    finally:
        i18n.use("en")


def test_sample_report_names_the_published_anchor_its_rate_uncertainty_and_the_extract(tmp_path, capsys):
    sim = _simulate(ACME, tmp_path / "sim")
    cli = capsys.readouterr().out
    f, org = sim["frequency"], sim["organisation"]
    assert f["from"] == "published" and org["customer_rows"] == 3000 and org["customers"] == 1_000_000
    text = _shown(_in("en", sim))
    # the same anchor the CLI prints, in the report's words
    assert "9.3% a year" in cli and "9.3% of years (iris-2025)" in text
    assert f"{f['rate']:.3f} loss events a year" in text and f"{f['prior_rate']:.2f} a year" in text
    assert "Uncertainty of this anchor: high (9.3 % is the 2024" in text and "docs/calibration.md" in text
    assert "Record counts come from the extract: 3,000 customer rows, while the whole store holds 1,000,000" in text
    assert "\\" not in text
    zh = _shown(_in("zh", sim))
    assert "9.3%（iris-2025）" in zh and f"每年 {f['rate']:.3f} 次损失事件" in zh and "不确定性：高" in zh
    assert "3,000 行客户记录" in zh and "1,000,000 名客户" in zh
    assert not english_leftovers(zh), english_leftovers(zh)


def test_own_incident_history_is_named_with_its_spread_and_a_full_table_says_so(tmp_path):
    root = acme_copy(tmp_path / "hist", top={"incidents": "incidents.yaml"}, customers=3000)
    (root / "incidents.yaml").write_text(yaml.safe_dump({"years": 4, "incidents": [
        {"date": "2023-05-02", "scenario": "stolen-credentials"}, {"date": "2025-01-10"}]}), encoding="utf-8")
    sim = _simulate(root, tmp_path / "sim")
    text = _shown(_in("en", sim))
    assert "own incident history (incidents.yaml: 2 incidents in 4 years), which overrides the published" in text
    assert "0.625 loss events a year" in text  # (2 + 0.5) / 4
    # Jeffreys posterior Gamma(2.5, rate 4) = chi-square(5 dof) / 8: its 5th and 95th percentiles
    # 1.1455 / 8 and 11.0705 / 8 (chi-square tables)
    assert "between 0.143 and 1.38 a year" in text
    assert "Record counts come from the full customer table (3,000 rows)." in text and "extract" not in text
    zh = _shown(_in("zh", sim))
    assert "incidents.yaml：4 年内 2 起事件" in zh and "每年 0.143 至 1.38 次" in zh
    assert not english_leftovers(zh), english_leftovers(zh)


def test_loss_explanation_of_the_report_carries_the_anchor(tmp_path):
    from workbench.report.executive import Results
    from workbench.report.narrative import loss_explanation

    sim = _simulate(ACME, tmp_path / "sim")
    r = Results(quarter="2026Q3", folder=tmp_path / "sim", findings={}, register=None, simulation=sim, training={})
    text = _shown(loss_explanation(r))
    assert "How often a loss event happens." in text and "iris-2025" in text and "from the extract" in text
