"""Plotly figures of a :class:`~workbench.breach.simulate.Simulation` (for notebooks and reports)."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from ..presentation import deadline, percent

from .engine import COMPONENTS

_COLOURS = {"response": "#4C78A8", "productivity": "#F58518", "notification": "#72B7B2",
            "lost_business": "#E45756", "fines": "#54A24B"}


def lec(sim) -> go.Figure:
    """Loss exceedance curves (log x): P(annual loss > x) per scenario and in total."""
    fig = go.Figure()
    for key in [o.scenario.id for o in sim.outcomes] + ["TOTAL"]:
        e = sim.stats(key)[1]
        fig.add_trace(go.Scatter(x=e["loss"], y=e["probability"], mode="lines", name=key,
                                 line={"width": 3 if key == "TOTAL" else 1.5}))
    fig.update_layout(title=f"Loss exceedance curves ({sim.trials:,} simulated years)",
                      xaxis={"title": f"annual loss ({sim.currency})", "type": "log"},
                      yaxis={"title": "probability of exceeding", "tickformat": ".0%"})
    return fig


def components(sim) -> go.Figure:
    """Expected annual loss by component (stacked), per scenario."""
    ids = [o.scenario.id for o in sim.outcomes]
    fig = go.Figure()
    for k in COMPONENTS:
        fig.add_trace(go.Bar(x=ids, y=[o.components[k] for o in sim.outcomes], name=k.replace("_", " "),
                             marker_color=_COLOURS[k]))
    fig.update_layout(barmode="stack", title="Expected annual loss by component",
                      yaxis={"title": sim.currency})
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
        fig.update_layout(title="No notification obligations triggered")
        return fig
    g = df.groupby(["jurisdiction", "to", "basis", "deadline"], dropna=False, sort=True).agg(
        hours=("deadline_hours", "first"), scenarios=("scenario", "nunique"), records=("records", "max")).reset_index()
    g = g.sort_values(["hours", "jurisdiction"], na_position="first", kind="stable")
    labels = [f"{r.jurisdiction}: {r.to}"[:70] for r in g.itertuples()]
    free = g["hours"].isna()
    # "immediately" (0 h) and "without undue delay" (no hours) sit left of 1 h on the log axis, in words
    xs = [0.4 if f or h == 0 else h for f, h in zip(free, g["hours"])]
    text = [deadline(None if f else h, d) for f, h, d in zip(free, g["hours"], g["deadline"])]
    fig.add_trace(go.Scatter(x=xs, y=labels, mode="markers+text", text=text, textposition="middle right",
                             cliponaxis=False, marker={"size": 11, "color": ["#E45756" if f else "#4C78A8" for f in free]},
                             customdata=g[["basis", "scenarios", "records"]].to_numpy(),
                             hovertemplate="%{y}<br>%{text}<br>%{customdata[0]}<br>%{customdata[2]:,} records, "
                                           "%{customdata[1]} scenarios<extra></extra>"))
    fig.add_vline(x=1, line_dash="dot", line_color="#999")
    title = "Notification clock from the moment of awareness" + (f": {scenario}" if scenario else "")
    # range to 4x the longest clock: its label ("45 days") is never clipped
    fig.update_layout(title=title, xaxis={"title": "hours after awareness (log)", "type": "log",
                                          "range": [math.log10(0.25), math.log10(max(xs) * 4)]},
                      height=160 + 28 * len(g), margin={"l": 320, "r": 110}, showlegend=False)
    return fig


def tornado(sim, scenario: str | None = None) -> go.Figure:
    """Sensitivity of expected annual loss to each prior at its low and high value: one panel
    per scenario (or only ``scenario``), largest swing on top, the line at the simulated mean."""
    from plotly.subplots import make_subplots

    outs = [o for o in sim.outcomes if scenario in (None, o.scenario.id)]
    fig = make_subplots(rows=len(outs), cols=1, subplot_titles=[o.scenario.id for o in outs],
                        vertical_spacing=min(0.08, 0.5 / max(1, len(outs))))
    n = 0
    for i, o in enumerate(outs, 1):
        base = sum(o.components.values())
        rows = list(reversed(o.sensitivity))
        names = [r["prior"] for r in rows]
        for key, val, colour, label in (("loss_low", "low", "#4C78A8", "prior at its low value"),
                                        ("loss_high", "high", "#E45756", "prior at its high value")):
            fig.add_trace(go.Bar(y=names, x=[r[key] - base for r in rows], base=base, orientation="h", name=label,
                                 marker_color=colour, showlegend=i == 1, legendgroup=key,
                                 customdata=[r[val] for r in rows],
                                 hovertemplate="%{y} = %{customdata:,}<br>loss %{x:,.0f}<extra></extra>"), row=i, col=1)
        fig.add_vline(x=base, line_color="#333", row=i, col=1)
        n += len(rows)
    fig.update_layout(barmode="overlay", height=200 + 24 * n + 60 * len(outs),
                      title=f"Sensitivity of expected annual loss to each prior ({sim.currency})", margin={"l": 260})
    return fig


def what_if(sim) -> go.Figure:
    """Controls ranked by the reduction of expected annual loss."""
    rows = sorted(sim.what_if, key=lambda r: r["mean_reduction"])
    fig = go.Figure(go.Bar(x=[r["mean_reduction"] for r in rows], y=[r["control"] for r in rows],
                           orientation="h", text=[percent(r["reduction_share"]) for r in rows],
                           textposition="outside", cliponaxis=False, hovertext=[r["description"] for r in rows]))
    fig.update_layout(title="What-if: reduction in expected annual loss when one control is fixed",
                      xaxis={"title": sim.currency}, margin={"r": 60})
    return fig
