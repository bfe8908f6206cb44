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
    r"`[^`]*`", r"'workbench [^']*'",              # code spans and commands (error hints)
    r"\b[YMDHS]{2,4}(?:[-:T]+[YMDHS]{2,4})+\b",     # date formats: YYYY-MM-DD
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
    assert ">=" not in html and "\\" not in first  # HTML, not Markdown: no backslash escapes ("12\\.6%")
    assert re.search(r">\d+\.\d%<", first)  # shares with one decimal


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
    assert not english_headers([html]), english_headers([html])


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


# ---------------------------------------------------------------- the DPIA (dpia --lang zh --pdf)
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium")
def test_chinese_dpia_leaves_no_english_check_text_and_its_pdf_has_cjk_glyphs(tmp_path):
    import pdfplumber

    from workbench.cli import main

    out = tmp_path / "dpia"
    try:
        assert main(["dpia", str(SAMPLE), "--lang", "zh", "--trials", "1000", "--out", str(out), "--pdf"]) == 0
    finally:
        i18n.use("en")
    page = (out / "dpia.html").read_text(encoding="utf-8")
    for leftover in ("Encrypt or tokenise", "National ids and card numbers", "IT Security (CISO)", "Identity &amp; Access",
                     "敏感度 low", "敏感度 high", "(illegitimate_access)", '<span class="mk b">IA</span>', "BK-003 fail",
                     "TLS minimum version below 1.2", ">critical<", ">high<", "offsite, immutable"):
        assert leftover not in page, leftover
    assert "身份证件号码和银行卡号以明文存储" in page and "信息安全部（首席信息安全官）" in page
    assert "所有端点均要求 TLS 1.2 及以上版本" in page  # existing measures: what a passed check verifies
    body = re.sub(r"<[^>]+>", "\n", page.split("<body", 1)[1])
    names = r"\b(admin|analyst|backup_svc|dpo|finance|integration|it_ops|marketing|sales|support|access_log|customers|" \
            r"transactions|users|address|email|phone|crm|synthetic)\b"  # role, table and column names of the export
    left = [x for line in body.split("\n") for x in english_leftovers(re.sub(names, " ", line))]
    assert len(left) <= 2, left  # at most the PIPIA table's answer keys (question ids)
    with pdfplumber.open(out / "dpia.pdf") as doc:
        fonts = {c["fontname"] for p in doc.pages[:2] for c in p.chars}
        text = unicodedata.normalize("NFKC", "".join(c["text"] for c in doc.pages[0].chars))
    assert any("CJK" in f for f in fonts), fonts
    assert "数据保护影响评估" in text.replace(" ", "") and "\ufffd" not in text


# ---------------------------------------------------------------- charts (breach and posture figures)
@pytest.fixture(scope="module")
def sample_sim(sample_results):
    from workbench import breach
    from workbench.report.history import read_json

    return breach.simulate(SAMPLE, read_json(sample_results / "findings.json"), trials=2000, seed=7)


def test_notification_clock_labels_are_whole_and_no_line_crosses_them(sample_sim):
    from workbench.breach import figures

    fig = figures.timeline(sample_sim)
    labels = list(fig.data[0].y)
    whole = [x.replace("<br>", " ") for x in labels]
    assert any(len(x) > 70 for x in whole)  # the long recipients, not cut at 70 characters
    assert all(len(part) <= 45 for x in labels for part in x.split("<br>"))  # wrapped onto lines instead
    assert fig.layout.yaxis.automargin is True
    assert [s.type for s in fig.layout.shapes] == ["rect"] and fig.layout.shapes[0].layer == "below"


def test_charts_name_scenarios_by_title_and_speak_chinese(sample_sim):
    from workbench.breach import figures

    try:
        i18n.use("zh")
        lec, comp, what, clock = (figures.lec(sample_sim), figures.components(sample_sim), figures.what_if(sample_sim),
                                  figures.timeline(sample_sim))
    finally:
        i18n.use("en")
    assert "内部人员批量导出" in [tr.name for tr in lec.data] and "全部场景" in [tr.name for tr in lec.data]
    assert lec.layout.title.text.startswith("损失超越概率曲线") and lec.layout.yaxis.title.text == "超过该损失的概率"
    assert "应急响应" in [tr.name for tr in comp.data] and not any("-" in x for x in comp.data[0].x)
    assert clock.layout.title.text == "自知悉时刻起的通知时限" and "立即" in list(clock.data[0].text)
    texts = [lec.layout.title.text, comp.layout.title.text, what.layout.title.text, clock.layout.xaxis.title.text,
             *[tr.name for tr in comp.data], *what.data[0].y]
    assert not english_leftovers(" ".join(texts)), texts


def test_posture_chart_has_no_reference_line_over_its_labels(sample_results):
    from workbench import assess
    from workbench.checks import figures
    from workbench.dataset import load_dataset

    a = assess.assess(load_dataset(SAMPLE))
    fig = figures.score_bars(a)
    assert not fig.layout.shapes and list(fig.data[0].x)[0] == "overall"  # overall is a bar, not a line
    assert all(len(t.split(".")[1]) == 1 for t in fig.data[0].text)  # one decimal for points


def test_checks_that_could_not_be_assessed_are_on_the_first_screen(sample_results, tmp_path):
    import json

    for name in ("risk_register.csv", "training.json", "simulation.json"):
        shutil.copy(sample_results / name, tmp_path / name)
    doc = json.loads((sample_results / "findings.json").read_text(encoding="utf-8"))
    doc["insufficient_data"] = [{"id": "AC-004", "why": "the access_log table is empty"}]
    (tmp_path / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    first = _render(tmp_path, "en").split('<div class="wb-toc-here">')[0]
    assert "1 of 25 checks could not be assessed (insufficient data, no credit): AC-004." in first
    first = _render(tmp_path, "zh").split('<div class="wb-toc-here">')[0]
    assert "25 项检查中有 1 项因数据不足无法评估（不计分）：AC-004。" in first


def test_every_count_says_what_it_counts_and_of_how_many(sample_results):
    html = _render(sample_results, "en")
    assert ">1 of 2 columns<" in html and ">51 of 2,988 records<" in html  # ENC-001, PRV-002
    assert "of 25 assessed checks failed" in html
    zh = _render(sample_results, "zh")
    assert ">1 / 2 个字段<" in zh and ">51 / 2,988 条记录<" in zh


# ---------------------------------------------------------------- Appendix C: the law text of the breach results
def _appendix_c(sim, lang: str) -> str:
    """What notebook 03 displays (its tables and the playbook) and the playbook page, in ``lang``."""
    from workbench.breach import playbook
    from workbench.presentation import show

    try:
        i18n.use(lang)
        parts = [show(sim.scenario_table(), currency=sim.currency)._repr_html_(), show(sim.posture_table())._repr_html_(),
                 show(sim.obligations_table(), kinds={"deadline": "text"}, hide=["deadline"])._repr_html_(),
                 show(sim.obligations_table(exemptions=True), kinds={"deadline": "text"}, hide=["deadline"])._repr_html_(),
                 show(sim.calibration_table(), currency=sim.currency)._repr_html_(),
                 show(sim.what_if_table(), currency=sim.currency, kinds={"rank": "count"})._repr_html_(),
                 playbook.markdown(sim).replace("\\_", "_"), playbook.to_html(sim)]
        return "\n".join(parts)
    finally:
        i18n.use("en")


def test_appendix_c_in_chinese_has_no_untranslated_english_sentence(sample_sim):
    """Triggers, notice contents, recipients, deadlines, exemptions, calibration and what-if rows
    of the breach appendix are Chinese; only ids, law names, column names and units stay."""
    text = _appendix_c(sample_sim, "zh")
    assert "个人数据泄露可能造成的后果（第33条第3款(c)项）" in text  # laws.yaml content_zh
    assert "因此全部 2,988 条被泄露记录均计入" in text and "法律规定“不得无故拖延”：无具体小时数" in text  # built in code
    assert "受影响的加利福尼亚州居民" in text and "期限：720 小时" in text  # states.py sentences
    assert "每条被泄露记录的平均损失" in text and "所有备份任务加密" in text  # calibration and what-if rows
    # California's statute prescribes the notice's English title and headings: quoted, they stay
    text = re.sub(r"“(Notice of Data Breach|What Happened|What Information Was Involved|What We Are Doing|"
                  r"What You Can Do|For More Information)”", " ", text)
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    fields = {f for o in sample_sim.outcomes for f in o.exposure.fields}  # the export's column names (data ids)
    text = re.sub(r"\b(%s)\b" % "|".join(sorted(map(re.escape, fields), key=len, reverse=True)), " ", text)
    left = [x for line in re.split(r"\n|</t[dh]>|</li>", text) for x in english_leftovers(line)]
    assert not left, left[:10]


def test_appendix_c_and_simulation_json_stay_english_in_english(sample_sim):
    text = _appendix_c(sample_sim, "en")
    for s in ("is established in EU, so all 2,988 exposed records count", 'the law says "without undue delay": no hour count',
              "the likely consequences of the breach (Art. 33(3)(c))", "affected California residents",
              "mean loss per exposed record", "every backup job encrypted"):
        assert s in text, s
    assert not re.search(r"[\u4e00-\u9fff]{4}", re.sub(r"立即|较大|国家网络安全事件报告管理办法|网络安全事件分级指南|上一年度营业额", "", text))
    en_doc = sample_sim.to_dict()
    try:  # machine-readable fields stay English whatever the run's language
        i18n.use("zh")
        _appendix_c(sample_sim, "zh")
        doc = sample_sim.to_dict()
    finally:
        i18n.use("en")
    assert doc == en_doc
    rows = [n for s in doc["scenarios"] for n in s["notifications"] + s["exemptions"]]
    assert any("exposed records" in n["trigger"] for n in rows) and "，" not in str(doc["scenarios"])


def test_a_law_text_without_its_chinese_is_a_content_error_naming_file_and_key(tmp_path):
    from workbench.breach.statutes import LAWS_FILE, load_laws

    src = LAWS_FILE.read_text(encoding="utf-8")
    start = src.index("    content_zh:\n")
    end = src.index("    source:", start)
    (tmp_path / "laws.yaml").write_text(src[:start] + src[end:], encoding="utf-8")
    with pytest.raises(ContentError, match=r"laws\.yaml.*gdpr-art33.*content_zh"):
        load_laws(tmp_path / "laws.yaml")
    states = (LAWS_FILE.parent / "us_breach_laws.yaml").read_text(encoding="utf-8")
    (tmp_path / "us.yaml").write_text(re.sub(r"(, |\n\s+)elements_note_zh: \"[^\"]*\"", "", states), encoding="utf-8")
    with pytest.raises(ContentError, match=r"us\.yaml.*elements_note_zh"):
        load_laws(LAWS_FILE, tmp_path / "us.yaml")


def _displayed_lines(nb: dict) -> list[str]:
    """The lines a reader sees in an executed notebook: HTML tables and text (no scripts or styles),
    Markdown, and the charts' titles, axis titles, trace names and labels."""
    lines: list[str] = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/html" in data:
                page = re.sub(r"<(style|script)[^>]*>.*?</(style|script)>", " ", "".join(data["text/html"]), flags=re.S)
                lines += re.split(r"\n|</t[dh]>|</li>|</p>", page)
            elif "text/markdown" in data:
                lines += "".join(data["text/markdown"]).replace("\\_", "_").split("\n")
            fig = data.get("application/vnd.plotly.v1+json")
            if fig:
                lay = fig.get("layout", {})
                lines += [str((lay.get(k, {}).get("title", {}) if k != "title" else lay.get(k, {})).get("text", ""))
                          for k in ("title", "xaxis", "yaxis")]
                for tr in fig.get("data", []):
                    lines.append(str(tr.get("name", "")))
                    lines += [x for a in ("x", "y", "text") for x in (tr.get(a) or []) if isinstance(x, str)]
    return [x for x in lines if x.strip()]


@pytest.mark.notebook
def test_breach_notebook_in_chinese_leaves_no_english_sentence(tmp_path):
    """Appendix C as the report builds it: notebook 03 through papermill with lang=zh."""
    import json

    papermill = pytest.importorskip("papermill")
    run = tmp_path / "run.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks" / "03_breach_simulation.ipynb"), str(run),
                               cwd=str(REPO / "notebooks"), kernel_name="python3",
                               parameters={"trials": 2000, "lang": "zh"}, progress_bar=False)
    lines = _displayed_lines(json.loads(run.read_text(encoding="utf-8")))
    text = "\n".join(lines)
    assert len(lines) > 300 and "被泄露记录均计入" in text and "受影响的加利福尼亚州居民" in text and "期限：720 小时" in text
    fields = r"\b(address|amount|birth_date|city|consent_at|consent_marketing|country|created_at|currency|customer_id|" \
             r"email|erased_at|erasure_requested_at|full_name|last_activity_at|national_id|notes|phone|state|transaction_id)\b"
    statutory = r"“(Notice of Data Breach|What Happened|What Information Was Involved|What We Are Doing|What You Can Do|" \
                r"For More Information)”"  # California prescribes these English headings; quoted, with a translation
    left = [x for line in lines for x in english_leftovers(re.sub(statutory, " ", re.sub(fields, " ", line)))]
    assert not left, left[:10]


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", ["01_data_inventory", "02_posture_assessment", "05_training_dashboard"])
def test_appendices_a_b_d_in_chinese_leave_no_english_sentence(tmp_path, notebook):
    """Appendices A, B and D: chart titles, table headers and labels, empty-table notes, banners."""
    import json

    papermill = pytest.importorskip("papermill")
    run = tmp_path / "run.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks" / f"{notebook}.ipynb"), str(run), cwd=str(REPO / "notebooks"),
                               kernel_name="python3", parameters={"lang": "zh"}, progress_bar=False)
    from workbench.pii.detectors import CATEGORIES

    lines = _displayed_lines(json.loads(run.read_text(encoding="utf-8")))
    assert len(lines) > 10
    ids = r"\b(%s)\b" % "|".join(sorted(CATEGORIES, key=len, reverse=True))  # detector category ids
    left = [x for line in lines for x in english_leftovers(re.sub(ids, " ", line))]
    assert not left, left[:10]
    # a table header of one or two English words slips past the sentence check: headers are words
    # from the catalogue (column.*), ids and framework names aside
    nb = json.loads(run.read_text(encoding="utf-8"))
    heads = english_headers(["".join(out.get("data", {}).get("text/html", "")) for cell in nb["cells"]
                             for out in cell.get("outputs", [])], set(CATEGORIES))
    assert not heads, heads


def english_headers(pages: list[str], allowed: set[str] = frozenset()) -> list[str]:
    """Table headers (``<th>``) of HTML pages that are English words, not ids or framework names."""
    frameworks = {"GDPR", "CCPA", "PIPL", "ISO 27001", "NIST CSF", "CIS", "ID"}
    heads = {re.sub(r"<[^>]+>", "", h).strip() for page in pages for h in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)}
    return sorted(h for h in heads if re.fullmatch(r"[A-Za-z][A-Za-z ]*[a-z]", h) and h not in set(allowed) | frameworks)


def test_every_us_state_recipient_and_deadline_reads_chinese():
    """A dataset with residents of any state: its resident and regulator rows (recipient, deadline
    wording) have Chinese text, not only California and New York of the sample."""
    from workbench.breach import localize
    from workbench.breach.content import load_laws
    from workbench.breach.text import Text, state_word

    laws = load_laws()
    texts, affected = set(), []
    for rule in laws.states.states.values():
        r = rule.as_of(None)
        texts |= {r.deadline, r.regulator_deadline} | ({r.regulator} if r.regulator else set())
        affected.append(Text("lawtext.us_affected", state=state_word(r.name)))   # as states.py words it
    assert len(texts) > 50 and len(affected) > 50
    left = {x: localize.sentence(x, laws, "zh") for x in [*texts, *affected]
            if english_leftovers(localize.sentence(x, laws, "zh"))}
    assert not left, left
    texas = Text("lawtext.us_affected", state=state_word("Texas"))
    assert localize.sentence(texas, laws, "zh") == "受影响的得克萨斯州居民"
    assert localize.sentence(texas, laws, "en") == "affected Texas residents" == texas


def test_every_law_sentence_key_is_used_and_renders_from_its_key():
    """Each law sentence of the catalogue (``lawtext.*``, ``reason.*``) is built somewhere in the
    breach code from its key (no template left only for matching English), and a Text of it
    renders the English and the Chinese template with the same values."""
    import string as _string

    from workbench.breach.text import Text

    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    code = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "workbench" / "breach").glob("*.py"))
    keys = [k for k in en if k.startswith(("lawtext.", "reason."))]
    assert len(keys) > 50
    unused = [k for k in keys if f'"{k}"' not in code]
    assert not unused, unused
    for k in keys:
        fields = {f for _, f, _, _ in _string.Formatter().parse(en[k]) if f}
        values = {f: f"X{1000 + i}" for i, f in enumerate(sorted(fields))}
        x = Text(k, **values)
        assert x == en[k].format(**values) and x.render("zh") == zh[k].format(**values) and x.render("en") == x, k


def test_dpia_status_in_the_report_speaks_chinese(sample_results, tmp_path):
    from workbench.cli import main
    from workbench.dpia import report_table

    for p in sample_results.iterdir():
        shutil.copy(p, tmp_path / p.name)
    assert main(["scan", str(SAMPLE), "--out", str(tmp_path / "scan")]) == 0
    shutil.copy(tmp_path / "scan" / "pii_inventory.json", tmp_path / "pii_inventory.json")
    sample_results = tmp_path
    zh = report_table(sample_results, "", "zh")
    assert zh.iloc[0]["item"] == "是否需要 DPIA / 个人信息保护影响评估" and "非法访问" in " ".join(zh["value"])
    assert not english_leftovers(" ".join(zh["item"]) + " " + " ".join(zh["value"]))
    en = report_table(sample_results, "", "en")
    assert en.iloc[0]["item"] == "DPIA / PIPIA required" and "illegitimate_access" in " ".join(en["value"])


def test_a_call_with_lang_leaves_the_callers_language(sample_sim):
    """A library call given ``lang=`` speaks that language and then hands the caller's back: one
    in-process ``playbook.markdown(lang="zh")`` left a whole test session speaking Chinese."""
    from workbench.breach import playbook

    assert i18n.current() == "en"
    assert "网络安全事件应急手册" in playbook.markdown(sample_sim, lang="zh")
    assert "网络安全事件应急手册" in playbook.to_html(sample_sim, lang="zh")
    assert i18n.current() == "en"
    with i18n.using("zh"):
        assert playbook.markdown(sample_sim, lang="en").startswith("# ") and i18n.current() == "zh"
        i18n.use("en")  # whatever happens inside the block
    assert i18n.current() == "en"
