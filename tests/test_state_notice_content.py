"""Issue 22 §3: each US state entry carries its own statute's notice content (with citations), or
says the statute prescribes none; the playbook shows each state's own list, and the default list
only labelled as good practice. Real law files, real CLI runs on the bundled sample and on
hand-made datasets."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from breach_helpers import make_dataset
from test_i18n import english_leftovers
from workbench import i18n
from workbench.breach.statutes import CITATION, LAWS_FILE, STATES_FILE, load_laws, load_states
from workbench.cli import main
from workbench.errors import ContentError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "acme_retail"
DEFAULT = yaml.safe_load(LAWS_FILE.read_text(encoding="utf-8"))["us_state_content"]["default"]
GOOD_EN = "Good practice, not a legal requirement in"
GOOD_ZH = "良好实践，并非"


def _left(zh: str) -> list[str]:
    """English left in a Chinese text, the statute's quoted English wording (California's prescribed
    title and headings, “Notice of Data Breach”) aside."""
    return english_leftovers(re.sub(r"“[A-Za-z ]+”", " ", zh))


# ---------------------------------------------------------------- the law file
def test_every_state_entry_has_its_content_or_says_none_is_prescribed():
    states = load_states().states
    assert len(states) == 52 and {"DC", "PR", "CA", "NY", "TX", "WY"} <= set(states)
    for code, r in states.items():
        assert r.content is not None, code
        assert r.content or "prescribes no content" in r.content_note, code
        assert r.content_confidence in ("high", "medium", "low"), code
        assert r.reviewed_by is None and r.reviewed_at is None, code   # nobody reviewed these lists
    own = {c for c, r in states.items() if r.content}
    assert {"CA", "NY", "NC", "IL", "MD", "FL", "MA", "VA", "MI", "OR", "WA"} <= own
    assert {"AK", "GA", "TX", "DE", "PA"} <= set(states) - own


def _citation(item: str) -> list[str]:
    """The numbers of the citation at the end of an item ("(§ 75-65(d)(1))" -> ["75-65(d)(1)"])."""
    group = re.search(r"[(（]([^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*)[)）]\s*$", item)
    assert group, item
    return re.findall(r"\d[\w.:/-]*(?:\([\w.-]+\))*", group.group(1))


def test_every_item_cites_its_subsection_and_chinese_matches_item_for_item():
    for code, r in load_states().states.items():
        for en_key, zh_key in (("content", "content_zh"), ("forbidden_content", "forbidden_content_zh")):
            en, zh = getattr(r, en_key) or [], getattr(r, zh_key) or []
            assert len(en) == len(zh), (code, en_key)
            for a, b in zip(en, zh):
                assert CITATION.search(a) and CITATION.search(b), (code, a)
                assert _citation(a) and _citation(a) == _citation(b), (code, a, b)
                assert not _left(b), (code, b)
                assert re.search(r"[\u4e00-\u9fff]", b), (code, b)
        assert bool(r.content_note) == bool(r.content_note_zh), code
        if r.content_note_zh:
            assert not _left(r.content_note_zh), code


def test_credit_monitoring_months_and_maryland_clock_are_kept():
    states = load_states().states
    months = {c: r.credit_monitoring_months for c, r in states.items() if r.credit_monitoring_months}
    assert months == {"CT": 24, "MA": 18, "DC": 18, "DE": 12, "PA": 12}
    assert states["MD"].deadline_hours == 45 * 24


def _write_states(tmp_path: Path, code: str, **change) -> Path:
    raw = yaml.safe_load(STATES_FILE.read_text(encoding="utf-8"))
    for k, v in change.items():
        if v is None:
            raw["states"][code].pop(k, None)
        else:
            raw["states"][code][k] = v
    p = tmp_path / "states.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


@pytest.mark.parametrize("change, message", [
    ({"content": None, "content_zh": None}, r"states\.yaml.*content: \[\]"),                         # no content key
    ({"content_note": None, "content_note_zh": None}, r"states\.yaml.*content_note"),                # [] without a note
    ({"content_note_zh": None}, r"states\.yaml.*content_note_zh"),                                   # note without Chinese
])
def test_an_entry_without_content_or_its_note_is_a_content_error(tmp_path, change, message):
    with pytest.raises(ContentError, match=message):
        load_states(_write_states(tmp_path, "TX", **change))


def test_an_item_without_citation_or_without_its_chinese_is_a_content_error(tmp_path):
    ny = load_states().states["NY"]
    with pytest.raises(ContentError, match=r"states\.yaml.*cites no subsection") as e:
        load_states(_write_states(tmp_path, "NY", content=[*ny.content[:2], "contact information of the business"],
                                  content_zh=[*ny.content_zh[:2], "企业的联系方式"]))
    # the same reason in the reader's language (the item itself is quoted as the file states it)
    assert "未引用具体条款" in e.value.render("zh") and "cites no" not in e.value.render("zh")
    with pytest.raises(ContentError, match=r"states\.yaml.*content_zh"):
        load_states(_write_states(tmp_path, "NY", content_zh=ny.content_zh[:2]))


# ---------------------------------------------------------------- the playbook
def _block(md: str, heading: str) -> str:
    """One notice's entry under "What each notice must contain" (its bold title up to the next)."""
    tail = md[md.index("## What each notice must contain"):] if "## What each" in md else md[md.index("## 各项通知"):]
    start = tail.index(f"**{heading}")
    end = tail.find("\n**", start + 2)
    return tail[start:end if end > 0 else None]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    try:
        assert main(["simulate", str(SAMPLE), "--trials", "300", "--scenario", "insider-bulk-export",
                     "--out", str(out / "en")]) == 0
        assert main(["simulate", str(SAMPLE), "--trials", "300", "--scenario", "insider-bulk-export",
                     "--out", str(out / "zh"), "--lang", "zh"]) == 0
    finally:
        i18n.use("en")
    return out


def test_sample_playbook_shows_californias_headings_and_new_yorks_own_items(sample_run):
    md = (sample_run / "en" / "playbook.md").read_text(encoding="utf-8")
    ca, ny = _block(md, "US-CA: affected California residents"), _block(md, "US-NY: affected New York residents")
    for heading in ("Notice of Data Breach", "What Happened", "What Information Was Involved", "What We Are Doing",
                    "What You Can Do", "For More Information"):
        assert f'"{heading}"' in ca, heading
    assert "(§1798.82(d)(1))" in ca and "(§1798.82(d)(2)(G))" in ca
    assert "(§ 899-aa(7))" in ny and "the relevant state and federal agencies" in ny
    for block in (ca, ny):
        assert not any(d in block for d in DEFAULT) and GOOD_EN not in block
        assert re.search(r"confidence: (high|medium)", block)
    page = (sample_run / "en" / "playbook.html").read_text(encoding="utf-8")
    assert "&quot;What Happened&quot;" in page and "(§ 899-aa(7))" in page and GOOD_EN not in page
    zh = (sample_run / "zh" / "playbook.md").read_text(encoding="utf-8")
    assert "“What Happened”（发生了什么）" in zh and "（§ 899-aa(7)）" in zh and GOOD_ZH not in zh


def test_sample_simulation_json_keeps_its_fields_and_adds_the_content_note(sample_run):
    doc = json.loads((sample_run / "en" / "simulation.json").read_text(encoding="utf-8"))
    rows = {n["obligation"]: n for s in doc["scenarios"] for n in s["notifications"]}
    ca = rows["us-ca-residents"]
    assert {"jurisdiction", "to", "deadline_hours", "deadline", "basis", "records", "trigger", "content",
            "obligation"} <= set(ca)
    assert ca["good_practice"] == [] and ca["content_note"] is None and ca["content_confidence"] == "medium"
    assert all(CITATION.search(c) for c in ca["content"]) and rows["us-ny-residents"]["content_confidence"] == "high"
    assert "good_practice" not in rows["gdpr-art33"]      # only the state resident rows carry the additions


@pytest.fixture(scope="module")
def states_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("states")
    root = make_dataset(d / "ds", customers=8, places=[("US", "TX"), ("US", "DE"), ("US", "IL"), ("US", "CT")])
    try:
        for lang in ("en", "zh"):
            assert main(["simulate", str(root), "--trials", "200", "--scenario", "insider-bulk-export",
                         "--out", str(d / lang), "--lang", lang]) == 0
    finally:
        i18n.use("en")
    return d


def test_a_state_without_prescribed_content_shows_the_default_as_good_practice(states_run):
    md = (states_run / "en" / "playbook.md").read_text(encoding="utf-8")
    tx = _block(md, "US-TX: affected Texas residents")
    assert "the statute prescribes no content for the resident notice" in tx
    label = tx.index(f"{GOOD_EN} US-TX")
    assert all(tx.index(d) > label for d in DEFAULT)           # the default list only after its label
    assert "confidence: low" in tx
    de = _block(md, "US-DE: affected Delaware residents")    # statutory credit monitoring first, then the label
    assert de.index("at least 12 months of free credit monitoring") < de.index(f"{GOOD_EN} US-DE")
    ct = _block(md, "US-CT: affected Connecticut residents")  # a partial list: its own item, and good practice
    assert ct.index("(§ 36a-701b(b)(2)(B))") < ct.index(f"{GOOD_EN} US-CT")
    il = _block(md, "US-IL: affected Illinois residents")
    assert "must NOT contain: the number of Illinois residents" in il and GOOD_EN not in il
    page = (states_run / "en" / "playbook.html").read_text(encoding="utf-8")
    assert f"{GOOD_EN} US-TX" in page and "the statute prescribes no content" in page
    doc = json.loads((states_run / "en" / "simulation.json").read_text(encoding="utf-8"))
    rows = {n["obligation"]: n for s in doc["scenarios"] for n in s["notifications"]}
    assert rows["us-tx-residents"]["content"] == [] and rows["us-tx-residents"]["good_practice"] == DEFAULT
    assert rows["us-il-residents"]["good_practice"] == []


def test_the_chinese_playbook_labels_good_practice_and_leaves_no_english_in_the_contents(states_run):
    md = (states_run / "zh" / "playbook.md").read_text(encoding="utf-8")
    contents = md[md.index("## 各项通知"):].replace("\\_", "_")
    assert f"{GOOD_ZH} US-TX 的法律要求" in contents and "该州法规未规定居民通知的内容" in contents
    assert "不得包含：受泄露影响的伊利诺伊州居民人数" in contents and "可信度：低" in contents
    # statute names in the bold titles stay as cited; everything else is Chinese
    lines = [re.sub(r"\*\*.*\*\*", " ", x) for x in contents.splitlines()]
    left = [y for x in lines for y in _left(x)]
    assert not left, left[:5]


def test_residents_without_a_recorded_state_get_the_default_labelled_as_good_practice(tmp_path):
    from workbench.breach import playbook, simulate
    from workbench.dataset import load_dataset

    root = make_dataset(tmp_path / "unk", customers=6, places=[("US", ""), ("US", "TX")])
    sim = simulate(load_dataset(root), {}, trials=200, seed=1, scenarios=["insider-bulk-export"])
    row = {r["obligation"]: r for r in sim.outcomes[0].notifications}["us-unknown-residents"]
    assert row["content"] == DEFAULT and "not any state's legal requirement" in row["content_note"]
    try:
        zh = playbook.markdown(sim, lang="zh")
    finally:
        i18n.use("en")
    assert "未记录所在州：上列清单为良好实践，并非任何州的法律要求" in zh and "not any state" not in zh
