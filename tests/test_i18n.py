"""Issue 23: one message catalogue per language; the report's first screen; Chinese output.

Real catalogue files, real result files computed from the bundled sample, real Chromium for the PDF.
"""
from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from workbench import i18n
from workbench.errors import ContentError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "acme_retail"

# What may stay in Latin letters inside Chinese text: ids, law and standard names, units, codes,
# file names, percentiles, column names from the data (snake_case), currency codes, roles.
_ALLOWED = [
    r"\b[A-Z]{2,4}-\d{3}\b",                      # check ids
    r"\b[\w.-]+\.(ya?ml|json|csv|html|pdf)\b",   # file names
    r"\b[a-z]+(?:_[a-z]+)+\b",                    # snake_case names (posture.yaml keys, columns)
    r"\b[a-z]+(?:-[a-z]+)+\b",                    # slugs in code spans
    r"\b(GDPR|PIPL|CCPA|CPRA|CSL|CAC|CNIL|DPIA|PIPIA|FAIR|RPO|RTO|TLS|KMS|HSM|SIEM|WORM|CRM|IT|EU|CN|US|CA|NY|MFA|PCI|DSS|AES|TDE|HR|DPO|GB/T|ISO|NIST|CIS|Art|Arts|EUR|CNY|USD|SQL|XX|IA|UM|DI|Spark|DuckDB|workbench|Acme|Retail|GmbH|CRM|synthetic|Tiny)\b",
    r"Cal\. Civ\. Code[^<]*?\(\d{4}\)", r"N\.Y\. Gen\. Bus\. Law[^<]*?\d{4}\)",  # statute citations
    r"\bp\d{2}\b", r"\b\d{4}Q\d\b", r"\bmean\b",
]


def english_leftovers(text: str, min_words: int = 3) -> list[str]:
    """Runs of ``min_words`` or more English words left in ``text`` after the allowed tokens go."""
    t = re.sub(r"<[^>]+>", " ", text)
    t = re.sub(r"&\w+;", " ", t)
    for pat in _ALLOWED:
        t = re.sub(pat, " ", t)
    return [m.group(0) for m in re.finditer(r"[A-Za-z]{2,}(?:[\s,;:()'’-]+[A-Za-z]{2,}){%d,}" % (min_words - 1), t)]


def test_checker_finds_an_english_sentence_and_spares_ids():
    assert english_leftovers("检查项 AC-001 未通过（GDPR Art. 32, posture.yaml）") == []
    assert english_leftovers("检查项 AC-001：Privileged accounts without multi-factor authentication")


# ---------------------------------------------------------------- the catalogue itself
def test_every_english_key_is_translated_with_the_same_placeholders():
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    assert set(en) == set(zh) and len(en) > 150
    fields = re.compile(r"\{(\w+)\}")
    for k in en:
        assert set(fields.findall(en[k])) == set(fields.findall(zh[k])), k
    leftovers = {k: english_leftovers(v) for k, v in zh.items() if english_leftovers(v)}
    assert not leftovers, leftovers


def _copy_catalogues(tmp_path: Path, monkeypatch) -> Path:
    d = tmp_path / "i18n"
    shutil.copytree(i18n.CATALOGUE_DIR, d)
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", d)
    i18n.catalogue.cache_clear()
    return d


def test_a_missing_chinese_key_is_a_content_error_naming_file_and_key(tmp_path, monkeypatch):
    d = _copy_catalogues(tmp_path, monkeypatch)
    zh = yaml.safe_load((d / "zh.yaml").read_text(encoding="utf-8"))
    del zh["first"]["verdict"]
    (d / "zh.yaml").write_text(yaml.safe_dump(zh, allow_unicode=True), encoding="utf-8")
    try:
        with pytest.raises(ContentError, match=r"zh\.yaml: first\.verdict: missing"):
            i18n.catalogue("zh")
    finally:
        i18n.catalogue.cache_clear()


def test_a_lost_placeholder_is_a_content_error(tmp_path, monkeypatch):
    d = _copy_catalogues(tmp_path, monkeypatch)
    text = (d / "zh.yaml").read_text(encoding="utf-8").replace('"个人信息保护风险报告 {quarter}"', '"个人信息保护风险报告"')
    (d / "zh.yaml").write_text(text, encoding="utf-8")
    try:
        with pytest.raises(ContentError, match=r"report\.title: placeholders"):
            i18n.catalogue("zh")
    finally:
        i18n.catalogue.cache_clear()


def test_unknown_language_is_bad_input():
    from workbench.errors import InputError

    with pytest.raises(InputError, match="unknown language"):
        i18n.check_lang("fr")


def test_controls_yaml_needs_chinese_title_and_remediation(tmp_path):
    from workbench.checks.catalog import load_catalog

    src = (REPO / "assessments" / "controls.yaml").read_text(encoding="utf-8")
    cat = load_catalog()
    for cid, c in cat.controls.items():
        assert c.title_zh and c.remediation_zh and c.verifies and c.verifies_zh, cid
        assert not english_leftovers(c.title_zh + " " + c.remediation_zh + " " + c.verifies_zh), cid
    broken = re.sub(r"\n    title_zh: [^\n]*", "", src, count=1)
    (tmp_path / "controls.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match="title_zh"):
        load_catalog(tmp_path / "controls.yaml")


def test_money_and_dates_follow_the_locale_with_the_same_precision():
    import datetime as dt

    from workbench.presentation import date, money, score

    try:
        i18n.use("zh")
        assert money(460630.4, "EUR") == "€460,630" and money(1234.6, "CNY") == "¥1,235"
        assert date(dt.date(2026, 9, 30)) == "2026年9月30日" and score(56.25) == "56.2"
        i18n.use("en")
        assert money(460630.4, "EUR") == "460,630 EUR" and date("2026-09-30") == "2026-09-30"
    finally:
        i18n.use("en")


# ---------------------------------------------------------------- the report on the sample
@pytest.fixture(scope="module")
def sample_results(tmp_path_factory):
    from workbench.report.executive import compute_results

    return compute_results(SAMPLE, tmp_path_factory.mktemp("results"), trials=4000, seed=7)


def _render(results_dir: Path, lang: str) -> str:
    from workbench.report import executive as ex
    from workbench.report import figures, first_screen, narrative

    try:
        r = ex.load_results(results_dir, quarter="2026Q3", lang=lang)
        parts = [first_screen.first_screen(r)._repr_html_(), ex.summary_markdown(r), narrative.status_legend(),
                 narrative.loss_explanation(r)]
        parts += [narrative.section(k) for k in ("scores", "failed", "top_risks", "loss", "next_actions")]
        parts += [t._repr_html_() for t in (ex.scorecard(r), ex.findings_changes(r), ex.top_risks(r), ex.loss_table(r),
                                              ex.notification_table(r), ex.next_actions(r))]
        for fig in (figures.score_figure(r), figures.loss_figure(r), figures.actions_figure(r)):
            lay = fig.layout
            parts += [str(lay.title.text), str(lay.xaxis.title.text or ""), str(lay.yaxis.title.text or "")]
            parts += [str(tr.name or "") for tr in fig.data]
        return "\n".join(parts)
    finally:
        i18n.use("en")


def test_first_screen_holds_verdict_three_risks_and_three_actions(sample_results):
    html = _render(sample_results, "en")
    first = html.split('<div class="wb-toc-here">')[0]
    assert "Verdict: red — overall score" in first and "of 25 assessed checks failed" in first
    assert first.count("<tr>") == 2 + 3 + 3  # two header rows, three risks, three actions
    assert "IT Security (CISO)" in first and "2026-10-14" in first  # owner and due date
    assert "1-in-100-year loss" in first and "insider-bulk-export" not in first  # titles, not slugs
    assert ">=" not in html


def test_an_action_that_saves_nothing_says_why(sample_results, tmp_path):
    """Only the integration-key scenario simulated: encrypting backups cannot lower it; the
    report says why, naming the scenario by its title, in both languages."""
    from workbench import breach
    from workbench.report.history import read_json

    for name in ("findings.json", "risk_register.csv", "training.json"):
        shutil.copy(sample_results / name, tmp_path / name)
    sim = breach.simulate(SAMPLE, read_json(tmp_path / "findings.json"), trials=2000, seed=7,
                          scenarios=["integration-key-leak"])
    breach.write_simulation(sim, tmp_path)
    html = _render(tmp_path, "en")
    assert "why it saves nothing" in html and "saves nothing — its likelihood does not depend on encrypted backups" in html
    assert "(Third-party integration key leak)" in html and "integration-key-leak:" not in html
    zh = _render(tmp_path, "zh")
    assert "其发生可能性与备份加密率无关（第三方集成密钥泄露）" in zh and "encrypted backups" not in zh


def test_loss_chart_shows_the_tail(sample_results):
    from workbench.report import executive as ex
    from workbench.report import figures

    r = ex.load_results(sample_results, quarter="2026Q3")
    fig = figures.loss_figure(r)
    names = [tr.name for tr in fig.data]
    assert any("99th" in n for n in names)
    p99 = next(tr for tr in fig.data if "99th" in tr.name)
    assert max(p99.x) > 0 and all(tr.textposition == "outside" for tr in fig.data)
    assert fig.layout.xaxis.range[1] > max(p99.x)  # room for the labels: nothing is cut off


def test_chinese_report_sections_have_no_english_sentences(sample_results):
    html = _render(sample_results, "zh")
    assert "结论：红色" in html and "三大风险" in html and "百年一遇" in html
    assert "Insider bulk export" not in html and "内部人员批量导出" in html
    assert "特权账户未启用多因素认证" in html  # controls.yaml title_zh
    left = english_leftovers(html)
    assert not left, left[:10]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium")
def test_chinese_pdf_embeds_a_cjk_font_and_has_no_missing_glyph(tmp_path):
    import pdfplumber

    from workbench.report.export import write_pdf

    text = "个人信息保护风险报告：敏感个人信息、个人信息处理者、网络安全事件"
    page = tmp_path / "zh.html"
    page.write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{{font-family:'
                    f'"Noto Sans CJK SC",sans-serif}}</style></head><body><p>{text}</p></body></html>', encoding="utf-8")
    pdf = write_pdf(page, tmp_path / "zh.pdf")
    with pdfplumber.open(pdf) as doc:
        chars = doc.pages[0].chars
        fonts = {c["fontname"] for c in chars}
        # Noto CJK's ToUnicode maps some glyphs to Kangxi radicals (⼈ for 人): NFKC folds them back
        got = unicodedata.normalize("NFKC", "".join(c["text"] for c in chars))
    assert any("CJK" in f or "Noto" in f for f in fonts), fonts
    got = got.replace(" ", "")
    want = unicodedata.normalize("NFKC", text)
    assert len(got) == len(want), got  # one glyph per character: nothing dropped as .notdef
    for g, w in zip(got, want):  # each glyph maps back to its character (or the radical form of it)
        assert g == w or 0x2E80 <= ord(g) <= 0x2FDF, (g, w)
    assert "\ufffd" not in got


# ---------------------------------------------------------------- the playbook (simulate --lang)
def test_simulate_lang_zh_writes_a_chinese_playbook_with_index_and_first_hour(tmp_path):
    from workbench.cli import main

    out = tmp_path / "out"
    try:
        assert main(["simulate", str(SAMPLE), "--trials", "1000", "--out", str(out), "--lang", "zh"]) == 0
    finally:
        i18n.use("en")
    page = (out / "playbook.html").read_text(encoding="utf-8")
    md = (out / "playbook.md").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "网络安全事件应急手册" in page and "第一小时" in page
    assert 'href="#s-insider-bulk-export"' in page and "内部人员批量导出" in page  # the index, by title
    assert "从 T0 起最先开始计时的期限" in page and "nav class=\"toc\"" in page and "header class=\"report\"" in page
    assert "# 网络安全事件应急手册" in md
    # the playbook's own words are Chinese; law text (triggers, notice contents) is quoted from laws.yaml
    own = [i18n.t(f"playbook.first_hour.{k}", "zh") for k in ("t0", "contain", "convene", "scope", "china")]
    assert all(x in page for x in own) and not english_leftovers(" ".join(own))
    for word in ("First hour", "by when", "Not owed in this scenario", "What each notice must contain", "Exposed:"):
        assert word not in page, word
