"""Printable breach-response playbook: per scenario, from the moment of awareness (T0), who must
be told, by when, how many records trigger it and what each notice must contain; then what is
not owed and why. Markdown for notebooks, self-contained HTML for printing. Only counts, column
names and law text appear: no value from the dataset."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..boundary import md, md_code, safe_html, seal_html
from ..files import write_text_atomic
from ..i18n import current, t, term
from . import localize

FIRST_HOUR = ("t0", "contain", "convene", "scope", "china")  # playbook.first_hour.* in the message catalogue


def first_hour(lang: str | None = None) -> list[str]:
    """The first-hour steps in ``lang`` (default: the run's language)."""
    return [t(f"playbook.first_hour.{k}", lang) for k in FIRST_HOUR]


def _loc(sim):
    """Rows in the run's language for display (simulation.json keeps the English)."""
    laws = getattr(sim, "laws", None)
    return lambda r: localize.row(r, laws)


def _when(r: dict) -> str:
    h = r["deadline_hours"]
    if h is None:
        return t("playbook.no_hours", deadline=term("deadline_text", r["deadline"]))
    days = t("playbook.days", n=f"{h / 24:g}") if h >= 48 else ""
    return t("playbook.when", h=f"{h:g}", days=days)


def _to(r: dict) -> str:
    return f"{r['jurisdiction']}: {term('recipient', r['to'])}"


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


def _org_line(sim, e) -> str:
    org = sim.organisation or {}
    return t("playbook.org", as_of=e(sim.as_of), name=e(org.get("name", "")),
             established=e(", ".join(map(str, org.get("established_in") or []))) or t("playbook.no_establishment"),
             cii=t("value.yes") if org.get("critical_infrastructure") else t("value.no"),
             operates=e(", ".join(map(str, org.get("operates_in") or []))) or t("playbook.none"),
             operates_from=e(localize.sentence(org.get("operates_in_from", ""))))


def _earliest(sim, scenario: str | None, n: int = 5) -> list[dict]:
    """The first clocks over every scenario: what the first hours must start."""
    seen: dict[tuple, dict] = {}
    for o in sim.outcomes:
        if scenario in (None, o.scenario.id):
            for r in _rows(o):
                seen.setdefault((r["jurisdiction"], r["to"], r["basis"]), r)
    def key(r: dict) -> tuple:  # "immediately" first, then the hour clocks, then "without undue delay"
        h = r["deadline_hours"]
        return (0, 0.0) if h is None and r["deadline"].lower().startswith("immediately") else \
            (1, h) if h is not None else (2, 0.0)
    return sorted(seen.values(), key=key)[:n]


def _title(o) -> str:
    return term("scenario", o.scenario.id) if current() != "en" else o.scenario.title


def clocks(sim, exemptions: bool = False) -> pd.DataFrame:
    """The notification timeline across scenarios, earliest clock first: the rows of
    ``sim.obligations_table(exemptions)`` with repeats collapsed — one row per clock (the same
    jurisdiction, recipient, deadline, basis, record count and reason), naming the scenarios it
    applies to ("all 6 scenarios", "all but X"). Nothing is dropped: rows that differ in
    any of those stay apart."""
    tl = sim.obligations_table(exemptions=exemptions)
    cols = [c for c in tl.columns if c != "scenario"]
    if tl.empty:
        return pd.DataFrame(columns=[*cols, "scenarios"])
    titles = {o.scenario.id: _title(o) for o in sim.outcomes}
    groups: dict[tuple, dict] = {}
    for row in tl.to_dict("records"):
        key = tuple("" if pd.isna(row[c]) else str(row[c]) for c in cols)
        groups.setdefault(key, {**{c: row[c] for c in cols}, "scenarios": []})["scenarios"].append(row["scenario"])
    return pd.DataFrame([{**g, "scenarios": _which(list(dict.fromkeys(g["scenarios"])), titles)} for g in groups.values()],
                        columns=[*cols, "scenarios"])


def _which(ids: list[str], titles: dict[str, str]) -> str:
    """Scenarios named by title; "all 6 scenarios" or "all but X" when that is shorter."""
    n = len(titles)
    if n > 1 and len(ids) == n:
        return t("playbook.all_scenarios", n=n)
    if n > 2 and len(ids) == n - 1:
        return t("playbook.all_but", scenario=next(titles[i] for i in titles if i not in ids))
    return ", ".join(titles.get(i, i) for i in ids)


def _notice_extras(r: dict) -> list[tuple[str, str, list[str]]]:
    """What a US state resident row shows after its own (statutory) items: the note on the list
    (e.g. "the statute prescribes no content"), the default list labelled as good practice, not
    a legal requirement (where the statute prescribes none or only a partial list), and how sure
    the compiled list is. Other rows: nothing."""
    out: list[tuple[str, str, list[str]]] = []
    if r.get("content_note"):
        out.append(("note", r["content_note"], []))
    if r.get("good_practice"):
        out.append(("good", t("playbook.good_practice", state=r["jurisdiction"]), list(r["good_practice"])))
    if r.get("content_confidence"):
        level = t(f"playbook.confidence.{r['content_confidence']}")
        out.append(("note", t("playbook.content_confidence", level=level), []))
    return out


def first_hour_markdown() -> str:
    """The first-hour steps as a numbered Markdown list (the report shows these and points to
    playbook.html for the rest)."""
    return f"### {t('playbook.first_hour_title')}\n\n" + "\n".join(f"{i}. {x}" for i, x in enumerate(first_hour(), 1))


def markdown(sim, scenario: str | None = None, lang: str | None = None) -> str:
    """The playbook as Markdown (one scenario, or every scenario), in ``lang`` (default: the run's)."""
    from ..i18n import using

    with using(lang):
        return _markdown(sim, scenario)


def _markdown(sim, scenario: str | None) -> str:
    org = sim.organisation or {}
    none = t("playbook.none")
    # every value inserted below passes the output boundary (md / md_code): it renders as text
    out = [f"# {t('playbook.title')}: {md(sim.dataset)}", "", _org_line(sim, md),
           "", t("playbook.records_from", source=md(localize.sentence(org.get("records_from", t("playbook.the_dataset"))))),
           "", f"## {t('playbook.first_hour_title')}", ""]
    out += [f"{i}. {x}" for i, x in enumerate(first_hour(), 1)]
    loc = _loc(sim)
    early = [loc(r) for r in _earliest(sim, scenario)]
    if early:
        out += ["", t("playbook.first_clocks"), ""] + [f"- {md(_when(r))}: {md(_to(r))} ({md(term('basis', r['basis']))})"
                                                         for r in early]
    contents: dict[str, tuple[str, dict]] = {}
    head = " | ".join(t(f"playbook.col.{k}") for k in ("when", "notify", "basis", "records", "why"))
    for o in sim.outcomes:
        if scenario not in (None, o.scenario.id):
            continue
        ex = o.exposure
        title = term("scenario", o.scenario.id) if current() != "en" else o.scenario.title
        out += ["", f"## {md(title)} ({md_code(o.scenario.id)})", "",
                t("playbook.exposed_fields", records=f"{ex.records:,}", via=md(ex.via), fields=md(", ".join(ex.fields)) or none,
                  sensitive=md(", ".join(ex.sensitive_fields)) or none), "",
                f"| {head} |", "|---|---|---|---:|---|"]
        for r in map(loc, _rows(o)):
            out.append(f"| {md(_when(r))} | {md(_to(r))} | {md(term('basis', r['basis']))} | {r['records']:,} "
                       f"| {md(r['trigger'])} |")
            contents.setdefault(r["obligation"], (f"{_to(r)} ({term('basis', r['basis'])})", r))
        if not o.notifications:
            out.append(f"| - | {t('playbook.nothing_owed')} | | | |")
        if o.exemptions:
            out += ["", t("playbook.not_owed"), ""]
            out += [f"- {md(_to(r))} ({md(term('basis', r['basis']))}): {md(r['trigger'])}" for r in map(loc, o.exemptions)]
    out += ["", f"## {t('playbook.contents_title')}", ""]
    for _oid, (title, r) in sorted(contents.items(), key=lambda kv: kv[1][0]):
        out += [f"**{md(title)}**", ""] + ([f"- {md(c)}" for c in r["content"]] + [""] if r["content"] else [])
        for kind, text, items in _notice_extras(r):
            out += [f"*{md(text)}*" if kind == "note" else md(text), ""]
            out += [f"- {md(c)}" for c in items] + ([""] if items else [])
    return "\n".join(out).rstrip() + "\n"


def to_html(sim, scenario: str | None = None, lang: str | None = None) -> str:
    """The playbook as a self-contained, printable HTML page in the report's styling: an index
    of scenarios, the first hour and its earliest clocks, then one section per scenario (every
    value through the output boundary; a Content-Security-Policy that lets no script run)."""
    from ..i18n import using

    with using(lang):
        return _to_html(sim, scenario)


def _to_html(sim, scenario: str | None) -> str:
    from ..i18n import HTML_LANG
    from ..report.export import _CSS

    e = safe_html
    loc = _loc(sim)
    none = t("playbook.none")
    outs = [o for o in sim.outcomes if scenario in (None, o.scenario.id)]
    titles = {o.scenario.id: term("scenario", o.scenario.id) if current() != "en" else o.scenario.title for o in outs}
    index = "".join(f'<li><a href="#s-{e(o.scenario.id)}">{e(titles[o.scenario.id])}</a> — '
                    f"{e(t('playbook.index_item', n=len(o.notifications), records=f'{o.exposure.records:,}'))}</li>"
                    for o in outs)
    early = "".join(f"<tr><td class=tok>{e(_when(r))}</td><td>{e(_to(r))}</td><td>{e(term('basis', r['basis']))}</td></tr>"
                    for r in map(loc, _earliest(sim, scenario)))
    body = [f'<header class="report"><h1>{e(t("playbook.title"))}</h1><p>{e(sim.dataset)} · {_org_line(sim, e)}</p></header>',
            "<main>", f"<p>{e(t('playbook.records_from', source=localize.sentence((sim.organisation or {}).get('records_from') or t('playbook.the_dataset'))))}</p>",
            f'<h2 id="first-hour">{e(t("playbook.first_hour_title"))}</h2><ol>']
    body += [f"<li>{e(x)}</li>" for x in first_hour()] + ["</ol>"]
    if early:
        body += [f"<p><strong>{e(t('playbook.first_clocks'))}</strong></p>",
                 f'<table class="wb short"><thead><tr><th>{e(t("playbook.col.when"))}</th><th>{e(t("playbook.col.notify"))}</th>'
                 f'<th>{e(t("playbook.col.basis"))}</th></tr></thead><tbody>{early}</tbody></table>']
    body.append(f'<nav class="toc"><strong>{e(t("playbook.index"))}</strong><ol>{index}'
                f'<li><a href="#contents">{e(t("playbook.contents_title"))}</a></li></ol></nav>')
    contents: dict[str, tuple[str, dict]] = {}
    for o in outs:
        ex = o.exposure
        body += [f'<section class="notebook" id="s-{e(o.scenario.id)}"><h2>{e(titles[o.scenario.id])} '
                 f"<code>{e(o.scenario.id)}</code></h2>",
                 f"<p>{e(t('playbook.exposed', records=f'{ex.records:,}', via=ex.via, sensitive=', '.join(ex.sensitive_fields) or none))}</p>",
                 '<table class="wb"><thead><tr>' + "".join(f"<th>{e(t(f'playbook.col.{k}'))}</th>"
                                                        for k in ("when", "notify", "basis", "records", "why"))
                 + "</tr></thead><tbody>"]
        for r in map(loc, _rows(o)):
            body.append(f"<tr><td class=tok>{e(_when(r))}</td><td>{e(_to(r))}</td><td>{e(term('basis', r['basis']))}</td>"
                        f"<td class=num>{r['records']:,}</td><td>{e(r['trigger'])}</td></tr>")
            contents.setdefault(r["obligation"], (f"{_to(r)} ({term('basis', r['basis'])})", r))
        body.append("</tbody></table>")
        if o.exemptions:
            body += [f"<p>{e(t('playbook.not_owed'))}</p><ul>"]
            body += [f"<li>{e(_to(r))} ({e(term('basis', r['basis']))}): {e(r['trigger'])}</li>"
                     for r in map(loc, o.exemptions)] + ["</ul>"]
        body.append("</section>")
    body.append(f'<section class="notebook" id="contents"><h2>{e(t("playbook.contents_title"))}</h2>')
    for _oid, (title, r) in sorted(contents.items(), key=lambda kv: kv[1][0]):
        body += [f"<h3>{e(title)}</h3>"] + ([f"<ul>{''.join(f'<li>{e(c)}</li>' for c in r['content'])}</ul>"]
                                           if r["content"] else [])
        for kind, text, items in _notice_extras(r):
            body.append(f'<p class="{kind}"><em>{e(text)}</em></p>' if kind == "note" else f"<p>{e(text)}</p>")
            body += [f"<ul>{''.join(f'<li>{e(c)}</li>' for c in items)}</ul>"] if items else []
    body += ["</section>", f'<p class="footer">{e(t("playbook.footer"))}</p>', "</main>"]
    return seal_html(f'<!DOCTYPE html><html lang="{HTML_LANG.get(current(), "en")}"><head><meta charset=utf-8>'
                     f"<title>{e(t('playbook.title'))}</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")


def write(sim, out_dir: str | Path, lang: str | None = None) -> list[Path]:
    """Write ``playbook.md`` and ``playbook.html`` atomically into ``out_dir`` (in ``lang``)."""
    d = Path(out_dir)
    return [write_text_atomic(d / "playbook.md", markdown(sim, lang=lang)),
            write_text_atomic(d / "playbook.html", to_html(sim, lang=lang))]
