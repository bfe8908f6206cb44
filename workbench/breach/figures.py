"""Plotly figures of a :class:`~workbench.breach.simulate.Simulation` (for notebooks and reports)."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from ..i18n import maybe, t, term
from ..presentation import deadline, percent

from .engine import COMPONENTS
from .localize import sentence

_COLOURS = {"response": "#4C78A8", "productivity": "#F58518", "notification": "#72B7B2",
            "lost_business": "#E45756", "fines": "#54A24B"}


def _title(o) -> str:
    """A scenario by its title in the reader's language, never its slug."""
    return maybe(f"scenario.{o.scenario.id}", o.scenario.title)


def _wrap(text: str, width: int = 42) -> str:
    """A long axis label over several lines (``<br>``) instead of cut off."""
    words, lines, cur = str(text).split(" "), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return "<br>".join(lines + [cur])


def lec(sim) -> go.Figure:
    """Loss exceedance curves (log x): P(annual loss > x) per scenario and in total."""
    fig = go.Figure()
    names = {o.scenario.id: _title(o) for o in sim.outcomes} | {"TOTAL": t("loss.all_scenarios")}
    for key in [o.scenario.id for o in sim.outcomes] + ["TOTAL"]:
        e = sim.stats(key)[1]
        fig.add_trace(go.Scatter(x=e["loss"], y=e["probability"], mode="lines", name=names[key],
                                 line={"width": 3 if key == "TOTAL" else 1.5}))
    fig.update_layout(title=t("figure.lec_title", trials=f"{sim.trials:,}"),
                      xaxis={"title": t("figure.loss_axis", currency=sim.currency), "type": "log"},
                      yaxis={"title": t("figure.lec_y"), "tickformat": ".0%"})
    return fig


def components(sim) -> go.Figure:
    """Expected annual loss by component (stacked), per scenario."""
    ids = [_wrap(_title(o), 18) for o in sim.outcomes]
    fig = go.Figure()
    for k in COMPONENTS:
        fig.add_trace(go.Bar(x=ids, y=[o.components[k] for o in sim.outcomes], name=term("component", k),
                             marker_color=_COLOURS[k]))
    fig.update_layout(barmode="stack", title=t("figure.components"),
                      yaxis={"title": sim.currency}, xaxis={"automargin": True})
    return fig


def timeline(sim, scenario: str | None = None) -> go.Figure:
    """Who must be told, by when, from the moment of awareness (log hours), one marker per
    obligation and scenario; obligations with no hour count ("immediately", "without undue
    delay", "without unreasonable delay") sit in a band left of the 1 h line, labelled with the
    law's words."""
    df = sim.timeline()
    if scenario is not None:
        df = df[df["scenario"] == scenario]
    fig = go.Figure()
    if df.empty:
        fig.update_layout(title=t("figure.no_notifications"))
        return fig
    # a recipient the law engine words itself ("affected Texas residents") from its catalogue key
    # (the rows hold the phrase; a DataFrame keeps only its text), one a law file states from the
    # recipient vocabulary
    said = {str(r["to"]): sentence(r["to"], sim.laws) for o in sim.outcomes for r in o.notifications}
    df = df.assign(to=[said.get(x) or sentence(x, sim.laws) for x in df["to"]])
    g = df.groupby(["jurisdiction", "to", "basis", "deadline"], dropna=False, sort=True).agg(
        hours=("deadline_hours", "first"), scenarios=("scenario", "nunique"), records=("records", "max")).reset_index()
    g = g.sort_values(["hours", "jurisdiction"], na_position="first", kind="stable")
    labels = [_wrap(f"{r.jurisdiction}: {r.to}") for r in g.itertuples()]
    free = g["hours"].isna()
    # "immediately" (0 h) and "without undue delay" (no hours) sit left of 1 h on the log axis, in words
    xs = [0.4 if f or h == 0 else h for f, h in zip(free, g["hours"])]
    text = [deadline(None if f else h, d) for f, h, d in zip(free, g["hours"], g["deadline"])]
    fig.add_trace(go.Scatter(x=xs, y=labels, mode="markers+text", text=text, textposition="middle right",
                             cliponaxis=False, marker={"size": 11, "color": ["#E45756" if f else "#4C78A8" for f in free]},
                             customdata=g[["basis", "scenarios", "records"]].to_numpy(),
                             hovertemplate="%{y}<br>%{text}<br>%{customdata[0]}<br>%{customdata[2]:,} "
                                           + t("figure.records_scenarios") + "<extra></extra>"))
    # the clocks without an hour count sit in a shaded band left of 1 h: no line strikes through their labels
    fig.add_vrect(x0=0.25, x1=1, fillcolor="#f0f4f8", line_width=0, layer="below")
    title = t("figure.clock_title") + (f": {maybe(f'scenario.{scenario}', scenario)}" if scenario else "")
    # range to 4x the longest clock: its label ("45 days") is never clipped; long recipients wrap, the
    # y axis grows its margin to hold them (automargin), so no label is cut off
    fig.update_layout(title=title, xaxis={"title": t("figure.clock_axis"), "type": "log",
                                          "range": [math.log10(0.25), math.log10(max(xs) * 4)]},
                      yaxis={"automargin": True},
                      height=180 + 50 * len(g), margin={"l": 20, "r": 110}, showlegend=False)
    return fig


def tornado(sim, scenario: str | None = None) -> go.Figure:
    """Sensitivity of expected annual loss to each prior at its low and high value: one panel
    per scenario (or only ``scenario``), largest swing on top, the line at the simulated mean."""
    from plotly.subplots import make_subplots

    outs = [o for o in sim.outcomes if scenario in (None, o.scenario.id)]
    fig = make_subplots(rows=len(outs), cols=1, subplot_titles=[_title(o) for o in outs],
                        vertical_spacing=min(0.08, 0.5 / max(1, len(outs))))
    n = 0
    for i, o in enumerate(outs, 1):
        base = sum(o.components.values())
        rows = list(reversed(o.sensitivity))
        names = [r["prior"] for r in rows]
        for key, val, colour, label in (("loss_low", "low", "#4C78A8", t("figure.prior_low")),
                                        ("loss_high", "high", "#E45756", t("figure.prior_high"))):
            fig.add_trace(go.Bar(y=names, x=[r[key] - base for r in rows], base=base, orientation="h", name=label,
                                 marker_color=colour, showlegend=i == 1, legendgroup=key,
                                 customdata=[r[val] for r in rows],
                                 hovertemplate="%{y} = %{customdata:,}<br>loss %{x:,.0f}<extra></extra>"), row=i, col=1)
        fig.add_vline(x=base, line_color="#333", row=i, col=1)
        n += len(rows)
    fig.update_layout(barmode="overlay", height=200 + 24 * n + 60 * len(outs),
                      title=t("figure.tornado", currency=sim.currency), margin={"l": 260})
    return fig


def what_if(sim) -> go.Figure:
    """Controls ranked by the reduction of expected annual loss."""
    rows = sorted(sim.what_if, key=lambda r: r["mean_reduction"])
    fig = go.Figure(go.Bar(x=[r["mean_reduction"] for r in rows],
                           y=[_wrap(maybe(f"control.{r['control']}", r["description"]), 45) for r in rows],
                           orientation="h", text=[percent(r["reduction_share"], 1) for r in rows],
                           textposition="outside", cliponaxis=False, hovertext=[r["control"] for r in rows]))
    fig.update_layout(title=t("figure.what_if"), xaxis={"title": sim.currency}, yaxis={"automargin": True},
                      margin={"r": 60})
    return fig
