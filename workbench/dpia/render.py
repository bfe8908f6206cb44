"""``dpia.html``: the DPIA as one self-contained, offline page (no script, no external resource).

Every value passes :func:`_e`, which masks personal data found by the detectors and escapes
markup; the risk map is plain HTML/CSS. Labels are given in English and Chinese.
"""
from __future__ import annotations

from typing import Any

from ..i18n import HTML_LANG, catalogue, maybe
from ..boundary import safe_html, seal_html

def labels(lang: str) -> dict[str, str]:
    """The page's labels in ``lang`` from the message catalogue (``dpia.label.*``)."""
    cat = catalogue(lang)
    return {k.removeprefix("dpia.label."): v for k, v in cat.items() if k.startswith("dpia.label.")}


def _status(lang: str, v: Any) -> str:
    return maybe(f"dpia.status.{v}", str(v), lang)


def _short(rid: str, lang: str) -> str:
    """The risk map's mark of a risk: IA/UM/DI in English, 非法访问/篡改/丢失 in Chinese."""
    return maybe(f"dpia.short.{rid}", rid, lang)


_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC","Noto Sans SC",sans-serif;
 color:#1f2933;margin:0;line-height:1.5}
main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 4rem}
header.doc{background:#102a43;color:#fff;padding:1.5rem 2rem} header.doc h1{margin:0;font-size:1.6rem}
header.doc p{margin:.3rem 0 0;color:#bcccdc}
h2{color:#102a43;border-bottom:2px solid #d9e2ec;padding-bottom:.2rem;margin-top:2.2rem} h3{color:#243b53;margin-bottom:.3rem}
nav.toc{border:1px solid #d9e2ec;background:#f5f7fa;padding:.6rem 1.2rem;margin:1rem 0} nav.toc a{color:#1f4f82}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.88rem;width:100%}
th,td{border:1px solid #d9e2ec;padding:.3rem .55rem;text-align:left;vertical-align:top}
thead th{background:#f0f4f8} tbody tr:nth-child(even){background:#fafbfc}
.verdict{padding:.7rem 1rem;border-radius:4px;font-weight:600;margin:.8rem 0}
.verdict.req{background:#fde8e8;border-left:6px solid #c81e1e} .verdict.ok{background:#e3f9e5;border-left:6px solid #2f8132}
.warn{background:#fff8e1;border-left:6px solid #f0b429;padding:.5rem 1rem;margin:.6rem 0}
.tag{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.78rem;background:#e4e7eb;white-space:nowrap}
.tag.evidence{background:#dceefb} .tag.override{background:#ffe3e3} .tag.open{background:#fff3c4} .tag.confirmed{background:#e3f9e5}
.levels{display:flex;gap:1rem;flex-wrap:wrap;margin:.4rem 0}
.lv{border:1px solid #d9e2ec;padding:.3rem .7rem;border-radius:4px} .lv b{font-size:1.2rem}
.l1{background:#e3f9e5}.l2{background:#fff3c4}.l3{background:#ffe0b2}.l4{background:#ffcdd2}
ol.steps{margin:.2rem 0 .6rem 1.2rem;padding:0;font-size:.9rem}
.map{display:grid;grid-template-columns:7rem repeat(4,1fr);gap:2px;max-width:640px;margin:.6rem 0 1.4rem}
.map div{min-height:3.2rem;padding:.2rem;font-size:.75rem;text-align:center}
.map .ax{background:none;font-weight:600;display:flex;align-items:center;justify-content:center}
.mk{display:inline-block;margin:1px;padding:0 .3rem;border-radius:3px;font-weight:700;font-size:.75rem}
.mk.b{background:#102a43;color:#fff} .mk.a{border:2px dashed #102a43;color:#102a43;background:#fff}
td.nw{white-space:nowrap}
.footer{margin-top:3rem;color:#829ab1;font-size:.8rem}
.risk{border:1px solid #d9e2ec;border-radius:4px;padding:.4rem 1rem 1rem;margin:1rem 0;page-break-inside:avoid}
@media print{header.doc{-webkit-print-color-adjust:exact;print-color-adjust:exact} .l1,.l2,.l3,.l4,.mk,.verdict,.tag{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _e(v: Any) -> str:
    """The one way a value reaches the page: personal data masked, markup escaped."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return safe_html(v)  # the output boundary: secrets redacted, personal data masked, markup escaped


def _value(v: Any, L: dict[str, str]) -> str:
    if v is None or v == "" or v == []:
        return f'<span class="tag open">{L["open"]}</span>'
    if isinstance(v, list):
        return "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in v) + "</ul>"
    if isinstance(v, bool):
        return L["yes"] if v else L["no"]
    return _e(v)


def _tag(origin: str, lang: str) -> str:
    return f'<span class="tag {_e(origin)}">{_e(maybe(f"dpia.origin.{origin}", origin, lang))}</span>'


def _screening(doc: dict[str, Any], L: dict[str, str], lang: str) -> list[str]:
    s = doc["screening"]
    out = ['<h2 id="screening">' + L["screening"] + "</h2>",
           f'<div class="verdict {"req" if s["required"] else "ok"}">{L["required"] if s["required"] else L["not_required"]}</div>',
           "<ul>" + "".join(f"<li>{_e(r)}</li>" for r in s["reasons"]) + "</ul>",
           f'<table><thead><tr><th>{L["criterion"]}</th><th>{L["law"]}</th><th>{L["met"]}</th><th>{L["origin"]}</th>'
           f'<th>{L["reason"]}</th></tr></thead><tbody>']
    for c in s["criteria"]:
        met = L["open"] if c["met"] is None else (L["yes"] if c["met"] else L["no"])
        out.append(f'<tr><td><b>{_e(c["text"])}</b>{"<br><small>" + _e(c["id"]) + "</small>" if lang == "en" else ""}</td><td class="nw">{_e(c["law"])}</td>'
                   f'<td class="nw">{met}</td><td>{_tag(c["origin"], lang)}</td><td>{_e(c["reason"])}</td></tr>')
    out.append("</tbody></table>")
    return out


def _section(sec: dict[str, Any] | None, anchor: str, L: dict[str, str], lang: str) -> list[str]:
    if not sec:
        return []
    out = [f'<h2 id="{anchor}">{_e(sec["title"])}</h2>']
    for q in sec["answers"]:
        out.append(f'<h3>{_e(q["question"])} {_tag(q["origin"], lang)}</h3><p><small>{_e(q["help"])}</small></p>')
        out.append(_value(q["value"], L))
        if q["origin"] == "override":
            out.append(f'<p><small>{L["override"]}: {_e(q["reason"])} — {L["prefilled"]}:</small></p>{_value(q["prefilled"], L)}')
        elif q["reason"]:
            out.append(f'<p><small>{L["reason"]}: {_e(q["reason"])}</small></p>')
        if q["evidence"]:
            out.append(f'<p><small>{L["evidence"]}: {_e(", ".join(q["evidence"]))}</small></p>')
    return out


def _map(doc: dict[str, Any], L: dict[str, str]) -> list[str]:
    cells = ['<div class="map">']
    pos: dict[tuple[int, int], list[str]] = {}
    for when, cls in (("before", "b"), ("after", "a")):
        for r in doc["risk_map"][when]:
            pos.setdefault((r["severity"], r["likelihood"]), []).append(f'<span class="mk {cls}">{_short(r["id"], doc.get("lang", "en"))}</span>')
    for sev in (4, 3, 2, 1):
        cells.append(f'<div class="ax">{L["severity"]} {sev}<br>{_e(doc["scale"][str(sev)])}</div>')
        for lik in (1, 2, 3, 4):
            lvl = min(4, max(1, round((sev + lik) / 2)))
            cells.append(f'<div class="l{lvl}">{"".join(pos.get((sev, lik), []))}</div>')
    cells.append('<div class="ax"></div>' + "".join(f'<div class="ax">{L["likelihood"]} {k}<br>{_e(doc["scale"][str(k)])}</div>'
                                                     for k in (1, 2, 3, 4)))
    cells.append("</div>")
    legend = " ".join(f'<span class="mk b">{_short(r["id"], doc.get("lang", "en"))}</span> {_e(r["title"])}'
                      for r in doc["risks"])
    cells.append(f'<p><small>{legend} — <span class="mk b">XX</span> {L["before"]}, <span class="mk a">XX</span> {L["after"]}</small></p>')
    return [f'<h3 id="map">{L["map"]}</h3>', *cells]


def _risk(r: dict[str, Any], doc: dict[str, Any], L: dict[str, str], lang: str) -> list[str]:
    def lv(field: str, label: str) -> str:
        v = r[field]
        extra = f' <span class="tag override">{L["override"]} ({L["derived"]} {r["derived"][field]})</span>' if r["origin"][field] == "override" else ""
        return f'<div class="lv l{v}">{label}: <b>{v}</b> {_e(doc["scale"][str(v)])}{extra}</div>'

    key = f' <small>({_e(r["id"])})</small>' if lang == "en" else ""  # the machine key, for English readers of dpia.json
    out = [f'<div class="risk"><h3 id="risk-{_e(r["id"])}">{_e(r["title"])}{key}</h3>',
           f'<div class="levels">{lv("severity", L["severity"])}{lv("likelihood", L["likelihood"])}</div>',
           f'<div class="levels"><small>{L["after"]}:</small>{lv("severity_after", L["severity"])}{lv("likelihood_after", L["likelihood"])}</div>']
    for k in ("severity", "likelihood", "severity_after", "likelihood_after"):
        name = L[k.split("_")[0]] + (f" ({L['after']})" if k.endswith("after") else "")
        out.append(f'<p><b>{L["derivation"]} — {name}</b></p><ol class="steps">' +
                   "".join(f"<li>{_e(s)}</li>" for s in r["derivation"][k]) + "</ol>")
    for o in r["overrides"]:
        name = L[o["field"].split("_")[0]] + (f" ({L['after']})" if o["field"].endswith("after") else "")
        out.append(f'<p class="warn">{L["override"]} — {name}: {o["derived"]} → {o["value"]} — {_e(o["reason"])}</p>')
    for k in ("sources", "threats", "impacts"):
        out.append(f'<p><b>{L[k]}</b></p>' + _value(r[k], L))
    ev = r["evidence"]
    out.append(f'<p><small>{L["evidence"]} — {L["checks"]}: {_e(", ".join(ev["checks"]))}; '
               f'{L["scenarios"]}: {_e(", ".join(ev["scenarios"]) or L["none"])}</small></p>')
    m = r["measures"]
    out.append(f'<p><b>{L["existing"]}</b></p>' + _value([f'{x["id"]} — {x["title"]}' for x in m["existing"]], L))
    out.append(f'<p><b>{L["planned"]}</b></p>' + _value([f'{x["id"]} ({x["owner"]}, {L["due"]} {x["due_date"]})' for x in m["planned"]], L))
    out.append("</div>")
    return out


def _action_plan(doc: dict[str, Any], L: dict[str, str]) -> list[str]:
    out = [f'<h2 id="plan">{L["action_plan"]}</h2><table><thead><tr><th>{L["check"]}</th><th>{L["severity"]}</th>'
           f'<th>{L["owner"]}</th><th>{L["due"]}</th><th>{L["remediation"]}</th><th>{L["addresses"]}</th></tr></thead><tbody>']
    for a in doc["action_plan"]:
        out.append(f'<tr><td><b>{_e(a["id"])}</b> {_e(a["title"])}</td><td>{_e(a["severity"])}</td><td>{_e(a["owner"])}</td>'
                   f'<td class="nw">{_e(a["due_date"])}</td><td>{_e(a["remediation"])}</td><td>{_e(", ".join(_short(x, doc.get("lang", "en")) for x in a["risks"]))}</td></tr>')
    out.append("</tbody></table>")
    return out


def _pipia(doc: dict[str, Any], L: dict[str, str]) -> list[str]:
    p = doc["pipia"]
    titles = {r["id"]: r["title"] for r in doc["risks"]}  # risks by their title, not their key
    out = [f'<h2 id="pipia">{L["pipia"]}</h2><table><thead><tr><th>{L["item"]}</th><th>{L["answers"]}</th>'
           f'<th>{L["risk_col"]}</th><th>{L["open_items"]}</th></tr></thead><tbody>']
    for it in p["items"]:
        out.append(f'<tr><td>{_e(it["text"])}</td><td>{_e(", ".join(it["answers"]))}</td><td>{_e(", ".join(titles.get(x, x) for x in it["risks"]))}</td>'
                   f'<td>{_e(", ".join(it["open"])) or "—"}</td></tr>')
    out.append("</tbody></table>")
    return out


def _validation(doc: dict[str, Any], L: dict[str, str], lang: str) -> list[str]:
    v = doc["validation"]
    out = [f'<h2 id="validation">{L["validation"]}</h2><table><tbody>',
           f'<tr><th>{L["status"]}</th><td><b>{_e(_status(lang, v["status"]))}</b></td></tr>',
           f'<tr><th>{L["last_validated"]}</th><td>{_e(v["last_validated"] or L["never"])}'
           f'{" (" + _e(v["validated_by"]) + ")" if v["validated_by"] else ""}</td></tr>',
           f'<tr><th>{L["dpo_opinion"]}</th><td>{_value(v["dpo_opinion"], L)}</td></tr>',
           f'<tr><th>{L["data_subjects_views"]}</th><td>{_value(v["data_subjects_views"], L)}</td></tr>',
           f'<tr><th>{L["signed_off_by"]}</th><td>{_value(v["signed_off_by"], L)}</td></tr></tbody></table>']
    if v["evidence_changed"]:
        out.append(f'<div class="warn"><b>{L["warning"]}</b><ul>' + "".join(f"<li>{_e(w)}</li>" for w in v["evidence_changed"]) + "</ul></div>")
    out.append(f'<h3>{L["history"]}</h3>')
    if v["history"]:
        out.append(f'<table><thead><tr><th>{L["version"]}</th><th>{L["by"]}</th><th>{L["at"]}</th><th>{L["changed"]}</th></tr></thead><tbody>')
        out += [f'<tr><td>{h["version"]}</td><td>{_e(h["by"])}</td><td class="nw">{_e(h["at"])}</td><td>{_e(", ".join(h["changed"]))}'
                f'{"<br><small>" + _e(h["note"]) + "</small>" if h["note"] else ""}</td></tr>' for h in v["history"]]
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{L['none']}</p>")
    return out


def render_html(doc: dict[str, Any]) -> str:
    """The page for ``doc`` (a dpia.json document), in the document's language."""
    lang = doc.get("lang", "en")
    L = labels(lang)
    sections = [doc["context"], doc["principles"], doc["measures"]]
    toc = [("screening", L["screening"]), *((s_id, s["title"]) for s_id, s in zip(("context", "principles", "measures"), sections) if s),
           ("risks", L["risks"]), ("plan", L["action_plan"]), ("pipia", L["pipia"]), ("validation", L["validation"])]
    sub = f'{_e(doc["organisation"] or "")} — {_e(doc["dataset"])} — {L["as_of"]} {_e(doc["as_of"])} — {L["status"]}: {_e(_status(lang, doc["validation"]["status"]))}'
    body = ["<!DOCTYPE html>", f'<html lang="{HTML_LANG.get(lang, "en")}">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{L['title']} — {_e(doc['dataset'])}</title>",
            f"<style>{_CSS}</style>", "</head>", "<body>", f'<header class="doc"><h1>{L["title"]}</h1><p>{sub}</p></header>', "<main>",
            f'<nav class="toc"><b>{L["contents"]}</b><ol>' + "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in toc) + "</ol></nav>"]
    if doc["validation"]["evidence_changed"]:
        body.append(f'<div class="warn"><b>{L["warning"]}</b>: {_e("; ".join(doc["validation"]["evidence_changed"]))}</div>')
    body += _screening(doc, L, lang)
    for s_id, s in zip(("context", "principles", "measures"), sections):
        body += _section(s, s_id, L, lang)
    body.append(f'<h2 id="risks">{L["risks"]}</h2>')
    body += _map(doc, L)
    for r in doc["risks"]:
        body += _risk(r, doc, L, lang)
    body += _action_plan(doc, L)
    body += _pipia(doc, L)
    body += _validation(doc, L, lang)
    body += [f'<p class="footer">{L["footer"]}</p>', "</main>", "</body>", "</html>", ""]
    return seal_html("\n".join(body))  # no script at all may run in the page
