"""Printable breach-response playbook: per scenario, from the moment of awareness (T0), who must
be told, by when, how many records trigger it and what each notice must contain; then what is
not owed and why. Markdown for notebooks, self-contained HTML for printing. Only counts, column
names and law text appear: no value from the dataset."""
from __future__ import annotations

from pathlib import Path

from ..boundary import md, md_code, safe_html, seal_html
from ..files import write_text_atomic

FIRST_HOUR = [
    "Record the moment of awareness (T0): every clock below runs from it.",
    "Contain: revoke the compromised credentials or keys, isolate the affected system, preserve logs and evidence.",
    "Convene the response team: DPO / privacy officer, security lead, legal, communications.",
    "Confirm the scope: which tables and fields, how many records per jurisdiction and US state (the simulation's exposure is the starting estimate).",
    "China: if you operate networks or services there (organisation.operates_in), check the incident grade (>= 1M people, >= RMB 5M direct loss, or a CII interruption make it relatively major: 4 h, 1 h for CII operators); if unsure, check whether the Measures apply.",
]


def _when(r: dict) -> str:
    h = r["deadline_hours"]
    if h is None:
        return "no hour count: " + r["deadline"]
    days = f" ({h / 24:g} days)" if h >= 48 else ""
    return f"T0 + {h:g} h{days}"


def _rows(o) -> list[dict]:
    """Obligations in the order a responder meets them: "immediately" first, then the hour
    clocks, then the ones with no hour count ("without undue delay"); a row ``beside`` another
    (GDPR Art. 34 beside Art. 33) right after it."""
    def key(r: dict) -> tuple:
        h = r["deadline_hours"]
        if h is None and r["deadline"].lower().startswith("immediately"):
            return (0, 0.0)
        return (1, h) if h is not None else (2, 0.0)
    keys = {r["obligation"]: key(r) for r in o.notifications}
    return sorted(o.notifications, key=lambda r: (*keys.get(r.get("beside"), key(r)),
                                                  r.get("beside") or r["obligation"], 1 if r.get("beside") in keys else 0))


def markdown(sim, scenario: str | None = None) -> str:
    """The playbook as Markdown (one scenario, or every scenario)."""
    org = sim.organisation or {}
    # every value inserted below passes the output boundary (md / md_code): it renders as text
    out = [f"# Breach-response playbook: {md(sim.dataset)}", "",
           f"As of {md(sim.as_of)}. Organisation: {md(org.get('name', ''))}; established in "
           f"{md(', '.join(map(str, org.get('established_in') or []))) or 'no declared establishment'}; "
           f"critical-information-infrastructure operator: {'yes' if org.get('critical_infrastructure') else 'no'}; "
           f"operates in: {md(', '.join(map(str, org.get('operates_in') or []))) or 'none'} "
           f"({md(org.get('operates_in_from', ''))}).",
           "", f"Record counts come from {md(org.get('records_from', 'the dataset'))}.",
           "", "## First hour", ""]
    out += [f"{i}. {t}" for i, t in enumerate(FIRST_HOUR, 1)]
    contents: dict[str, tuple[str, list[str]]] = {}
    for o in sim.outcomes:
        if scenario not in (None, o.scenario.id):
            continue
        ex = o.exposure
        out += ["", f"## {md(o.scenario.title)} ({md_code(o.scenario.id)})", "",
                f"Exposed: {ex.records:,} records via {md(ex.via)}; fields: {md(', '.join(ex.fields)) or 'none'}; "
                f"sensitive: {md(', '.join(ex.sensitive_fields)) or 'none'}.", "",
                "| by when | notify | basis | records | why |", "|---|---|---|---:|---|"]
        for r in _rows(o):
            out.append(f"| {md(_when(r))} | {md(r['jurisdiction'])}: {md(r['to'])} | {md(r['basis'])} | {r['records']:,} "
                       f"| {md(r['trigger'])} |")
            contents.setdefault(r["obligation"], (f"{r['jurisdiction']}: {r['to']} ({r['basis']})", r["content"]))
        if not o.notifications:
            out.append("| - | no notification owed | | | |")
        if o.exemptions:
            out += ["", "Not owed in this scenario:", ""]
            out += [f"- {md(r['jurisdiction'])}: {md(r['to'])} ({md(r['basis'])}): {md(r['trigger'])}" for r in o.exemptions]
    out += ["", "## What each notice must contain", ""]
    for _oid, (title, items) in sorted(contents.items(), key=lambda kv: kv[1][0]):
        out += [f"**{md(title)}**", ""] + [f"- {md(c)}" for c in items] + [""]
    return "\n".join(out).rstrip() + "\n"


def to_html(sim, scenario: str | None = None) -> str:
    """The playbook as a self-contained, printable HTML page (every value through the output
    boundary; a Content-Security-Policy that lets no script run)."""
    e = safe_html
    org = sim.organisation or {}
    body = [f"<h1>Breach-response playbook: {e(sim.dataset)}</h1>",
            f"<p>As of {e(sim.as_of)}. Organisation: {e(str(org.get('name', '')))}; established in "
            f"{e(', '.join(map(str, org.get('established_in') or [])) or 'no declared establishment')}; CII operator: "
            f"{'yes' if org.get('critical_infrastructure') else 'no'}; operates in: "
            f"{e(', '.join(map(str, org.get('operates_in') or [])) or 'none')} ({e(org.get('operates_in_from', ''))}).</p>",
            f"<p>Record counts come from {e(org.get('records_from', 'the dataset'))}.</p>", "<h2>First hour</h2><ol>"]
    body += [f"<li>{e(t)}</li>" for t in FIRST_HOUR] + ["</ol>"]
    contents: dict[str, tuple[str, list[str]]] = {}
    for o in sim.outcomes:
        if scenario not in (None, o.scenario.id):
            continue
        ex = o.exposure
        body += [f"<section><h2>{e(o.scenario.title)} <code>{e(o.scenario.id)}</code></h2>",
                 f"<p>Exposed: {ex.records:,} records via {e(ex.via)}; sensitive: "
                 f"{e(', '.join(ex.sensitive_fields) or 'none')}.</p>",
                 "<table><thead><tr><th>by when</th><th>notify</th><th>basis</th><th>records</th><th>why</th>"
                 "</tr></thead><tbody>"]
        for r in _rows(o):
            body.append(f"<tr><td>{e(_when(r))}</td><td>{e(r['jurisdiction'])}: {e(r['to'])}</td><td>{e(r['basis'])}</td>"
                        f"<td class=n>{r['records']:,}</td><td>{e(r['trigger'])}</td></tr>")
            contents.setdefault(r["obligation"], (f"{r['jurisdiction']}: {r['to']} ({r['basis']})", r["content"]))
        body.append("</tbody></table>")
        if o.exemptions:
            body += ["<p>Not owed in this scenario:</p><ul>"]
            body += [f"<li>{e(r['jurisdiction'])}: {e(r['to'])} ({e(r['basis'])}): {e(r['trigger'])}</li>"
                     for r in o.exemptions] + ["</ul>"]
        body.append("</section>")
    body.append("<h2>What each notice must contain</h2>")
    for _oid, (title, items) in sorted(contents.items(), key=lambda kv: kv[1][0]):
        body += [f"<h3>{e(title)}</h3><ul>"] + [f"<li>{e(c)}</li>" for c in items] + ["</ul>"]
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;font-size:11pt}"
             "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:3px 5px;"
             "vertical-align:top;text-align:left}td.n{text-align:right}section{page-break-inside:avoid}"
             "@media print{section{page-break-before:always}}")
    return seal_html(f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Breach-response playbook</title>"
                     f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def write(sim, out_dir: str | Path) -> list[Path]:
    """Write ``playbook.md`` and ``playbook.html`` atomically into ``out_dir``."""
    d = Path(out_dir)
    return [write_text_atomic(d / "playbook.md", markdown(sim)), write_text_atomic(d / "playbook.html", to_html(sim))]
