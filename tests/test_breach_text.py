"""Issue 23 §1: every law sentence the breach simulation writes is built from a catalogue key.

A real simulation of the bundled sample and of small hand-made datasets (EU and non-EU
controllers, field encryption, offshore processing); each sentence-bearing field of every row
(``trigger``, a recipient or basis the code words itself, a notice item, a what-if reason) is a
:class:`~workbench.breach.text.Phrase` whose English is what ``simulation.json`` stores, and whose
Chinese comes from the same key, or else a value quoted from the law files.
"""
from __future__ import annotations

import json
import re
import pickle
from pathlib import Path

import pytest

from workbench import i18n
from workbench.breach import simulate, write_simulation
from workbench.breach.content import load_laws
from workbench.breach.text import Joined, Phrase, Quote, Term, Text, keyed, render
from workbench.dataset import load_dataset

from breach_helpers import make_dataset

REPO = Path(__file__).resolve().parents[1]
_SENTENCE = re.compile(r"\b[a-z]{2,}(?:\s+[a-z]{2,}){2,}")   # three lowercase words in a row


def _law_values(laws) -> set[str]:
    """Every recipient, deadline, basis and notice item the law files state (not built in code)."""
    out: set[str] = set()
    for o in laws.notifications:
        out |= {o.to, o.deadline, o.basis, *o.content}
    for items in laws.us_state_content.values():
        out |= set(items)
    for r in laws.states.states.values():
        for v in (r, r.as_of(None)):
            out |= {v.deadline, v.regulator_deadline or "", v.regulator or "", v.statute, *(v.content or [])}
    return out


def _check_phrase(p: Phrase) -> None:
    """``p`` re-rendered from its key(s) in English is its text, and nests only phrases or plain values."""
    assert keyed(p), p
    assert render(p, "en") == str(p)
    if isinstance(p, Text):
        assert i18n.has(p.key), p.key
        assert Text(p.key, **p.params) == p
        for v in p.params.values():
            if isinstance(v, Phrase):
                _check_phrase(v)
            else:   # numbers, ids, names, lists of them: never a sentence formatted in code
                assert isinstance(v, str) and not _SENTENCE.search(v), (p.key, v)
    elif isinstance(p, Joined):
        for v in (*p.parts, p.sep):
            if isinstance(v, Phrase):
                _check_phrase(v)
            else:
                assert not _SENTENCE.search(str(v)), (str(p), v)
    assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is type(p)


def _check(sim, stored: dict) -> int:
    laws = sim.laws
    quoted = _law_values(laws)
    seen = 0
    for o, s in zip(sim.outcomes, stored["scenarios"]):
        for kind in ("notifications", "exemptions"):
            for r, js in zip(getattr(o, kind), s.get(kind, [])):
                assert isinstance(r["trigger"], Phrase), r["trigger"]   # every trigger is built from keys
                for f in ("to", "deadline", "basis", "trigger"):
                    v = r[f]
                    assert js[f] == v   # simulation.json holds the English the key renders
                    if isinstance(v, Phrase):
                        _check_phrase(v)
                        seen += 1
                    else:
                        assert v in quoted, (f, v)
                for item, js_item in zip(r["content"], js["content"]):
                    assert item == js_item
                    if isinstance(item, Phrase):
                        _check_phrase(item)
                    else:
                        assert item in quoted, item
    for w, js in zip(sim.what_if, stored["what_if"]):
        for sid, why in (w.get("no_saving") or {}).items():
            assert isinstance(why, Text) and why.key == "lawtext.scenario_reason" and js["no_saving"][sid] == why
            _check_phrase(why)
            seen += 1
        if "reason" in w:
            assert isinstance(w["reason"], Phrase) and js["reason"] == w["reason"]
            _check_phrase(w["reason"])
    _check_keys_stored(stored)
    org = sim.organisation
    for k in ("operates_in_from", "group_revenue_from", "records_from"):
        assert isinstance(org[k], Phrase) or org[k].startswith("organisation."), (k, org[k])
    return seen


def _check_keys_stored(stored: dict) -> None:
    """Beside each sentence's English, simulation.json's ``i18n`` holds the keys it came from:
    decoded, they give that English back, and Chinese with no English sentence left."""
    from workbench.breach.text import said

    rows = [r for s in stored["scenarios"] for k in ("notifications", "exemptions") for r in s.get(k, [])]
    checked = 0
    for r in rows + stored["what_if"]:
        for f, data in (r.get("i18n") or {}).items():
            if f == "no_saving":
                for sid, d in data.items():
                    assert said({"i18n": {"x": d}}, "x", "en", display=False) == r[f][sid]
                continue
            assert said(r, f, "en", display=False) == r[f], (f, r[f])
            zh = said(r, f, "zh")
            assert zh and not _SENTENCE.search(re.sub(r"\bnot_owed\b", "", zh)), (f, zh)
            checked += 1
    assert all("i18n" in r for r in rows if r.get("trigger")), "every obligation row stores its keys"
    assert checked >= len(rows)


def _run(path: Path, tmp_path: Path):
    sim = simulate(load_dataset(path), None, trials=300, seed=3)
    out = write_simulation(sim, tmp_path / "out")
    return sim, json.loads(out.read_text(encoding="utf-8"))


def test_sample_law_sentences_come_from_catalogue_keys(tmp_path):
    sim, stored = _run(REPO / "data" / "samples" / "acme_retail", tmp_path)
    assert _check(sim, stored) > 20
    # the Chinese of a trigger comes from the same key: no English sentence left in it
    trig = sim.outcomes[0].notifications[0]["trigger"]
    assert trig.render("zh") != str(trig) and trig.render("en") == str(trig)


@pytest.mark.parametrize("org,enc", [
    ({"established_in": [], "operates_in": []}, ("customers.national_id",)),
    ({"established_in": ["EU"], "critical_infrastructure": True, "lead_authority": "BfDI"}, ()),
    ({"established_in": ["DE"], "operates_in": ["EU"]}, ()),
])
def test_small_datasets_law_sentences_come_from_catalogue_keys(tmp_path, org, enc):
    ds = make_dataset(tmp_path / "ds", customers=24, org=org, field_encryption=enc)
    sim, stored = _run(ds, tmp_path)
    assert _check(sim, stored) > 0
    triggers = [r["trigger"] for o in sim.outcomes for r in (*o.notifications, *o.exemptions)]
    assert triggers and all(isinstance(t, Phrase) for t in triggers)


def test_a_sentence_formatted_in_code_is_caught():
    """The check itself: a trigger written as an f-string (no key) fails it."""
    with pytest.raises(AssertionError):
        _check_phrase("not owed: 3 residents")   # type: ignore[arg-type]
    with pytest.raises(AssertionError):
        _check_phrase(Text("lawtext.not_owed", why="graded below relatively major: 3 people < 100000"))


def test_phrases_render_each_language_from_the_key():
    laws = load_laws()
    ca = laws.states.states["CA"]
    q = Quote(ca.forbidden_content[0], {"zh": ca.forbidden_content_zh[0]}) if ca.forbidden_content else Quote("x", {"zh": "叉"})
    t = Text("lawtext.must_not", item=q)
    assert t == f"must NOT contain: {q}" and t.render("zh") == i18n.t("lawtext.must_not", "zh", item=q.render("zh"))
    assert Term("mfa_coverage", "input").render("zh") == i18n.t("input.mfa_coverage", "zh")
    assert Term("mfa_coverage", "input").render("en") == "mfa_coverage"
    j = Joined([Text("lawtext.document"), Text("lawtext.us_key_acquired")])
    assert j == "document the breach internally; notice is owed if the key was also acquired"
    assert j.render("zh") == i18n.t("lawtext.document", "zh") + "；" + i18n.t("lawtext.us_key_acquired", "zh")


def test_report_reads_reasons_back_through_their_catalogue_key():
    """simulation.json stores English only: the report finds each what-if reason's key from the
    catalogue (no second copy of the English in code) and renders it in the reader's language."""
    import string as _string

    from workbench.breach.text import parse
    from workbench.report.first_screen import why_nothing, zero_reason

    en = i18n.catalogue("en")
    for k in [k for k in en if k.startswith("reason.")]:
        fields = {f for _, f, _, _ in _string.Formatter().parse(en[k]) if f}
        x = Text(k, **{f: f"v{i}" for i, f in enumerate(sorted(fields))})
        back = parse(str(x), "reason.")
        assert back is not None and back.key == k and back == x, k
    i18n.use("zh")
    try:
        assert zero_reason("stolen-credentials: its likelihood does not depend on mfa_coverage", {"stolen-credentials": "T"}) \
            == ("T", i18n.t("reason.not_driven", input=i18n.t("input.mfa_coverage")))
        assert why_nothing({"reason": "no scenario is affected"}, {}) == i18n.t("reason.none_affected")
        assert zero_reason("x: something else", {}) == ("x", "something else")
    finally:
        i18n.use("en")


def test_timeline_chart_names_a_state_the_engine_words_itself_in_chinese(tmp_path):
    """A recipient built in code ("affected Texas residents") reads Chinese on the clock chart:
    rendered from its key, not looked up as a law-file recipient (there is no recipient.* key)."""
    from workbench.breach import figures

    ds = make_dataset(tmp_path / "ds", customers=16, places=[("US", "TX"), ("US", "CA")])
    sim = simulate(load_dataset(ds), None, trials=200, seed=3)
    assert any(r["to"] == "affected Texas residents" for o in sim.outcomes for r in o.notifications)
    assert not i18n.has("recipient.affected_texas_residents")
    i18n.use("zh")
    try:
        labels = [y for tr in figures.timeline(sim).data for y in tr.y]
    finally:
        i18n.use("en")
    assert any("受影响的得克萨斯州居民" in y for y in labels) and not any("Texas" in y for y in labels), labels


def test_report_names_recipients_the_engine_words_itself_in_chinese(tmp_path):
    """The quarterly report's notification table reads the recipient's keys from simulation.json
    ("affected Texas residents" has no recipient.* word): Chinese, not the stored English."""
    from workbench.report.executive import notification_table
    from workbench.report.results import compute_results, load_results

    ds = make_dataset(tmp_path / "ds", customers=16, places=[("US", "TX"), ("US", "CA")])
    out = compute_results(ds, tmp_path / "out", trials=200)
    try:
        frame = notification_table(load_results(out, lang="zh")).frame
        cells = " ".join(map(str, frame.to_numpy().ravel()))
    finally:
        i18n.use("en")
    assert "受影响的得克萨斯州居民" in cells and "Texas" not in cells and "residents" not in cells, cells
    en = " ".join(map(str, notification_table(load_results(out, lang="en")).frame.to_numpy().ravel()))
    assert "affected Texas residents" in en


def test_stored_keys_outlive_a_catalogue_change():
    """A file whose keys the catalogue no longer has (an older run) falls back to its English."""
    from workbench.breach.text import decode, encode, said

    t = Text("lawtext.must_not", item=Quote("the number affected", {"zh": "受影响人数"}))
    assert decode(encode(t)) == t and decode(encode(t)).render("zh") == t.render("zh")
    assert said({"i18n": {"to": {"key": "lawtext.no_such_key"}}}, "to", "zh") is None
    assert said({"i18n": {"to": {"what": 1}}}, "to", "zh") is None
    assert said({"to": "x"}, "to", "zh") is None
