"""Plotly figures of a :class:`~workbench.breach.simulate.Simulation` (for notebooks and reports)."""
from __future__ import annotations

import plotly.graph_objects as go

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
                      yaxis={"title": "probability of exceeding", "tickformat": ".0%"}, template="plotly_white")
    return fig


def components(sim) -> go.Figure:
    """Expected annual loss by component (stacked), per scenario."""
    ids = [o.scenario.id for o in sim.outcomes]
    fig = go.Figure()
    for k in COMPONENTS:
        fig.add_trace(go.Bar(x=ids, y=[o.components[k] for o in sim.outcomes], name=k.replace("_", " "),
                             marker_color=_COLOURS[k]))
    fig.update_layout(barmode="stack", title="Expected annual loss by component",
                      yaxis={"title": sim.currency}, template="plotly_white")
    return fig


def timeline(sim) -> go.Figure:
    """Notification deadlines after discovery (log hours); 'immediately' is drawn at 0.5 h."""
    df = sim.timeline()
    fig = go.Figure()
    if df.empty:
        fig.update_layout(title="No notification obligations triggered")
        return fig
    g = df.groupby(["jurisdiction", "to", "basis", "deadline"], dropna=False, sort=True).agg(
        hours=("deadline_hours", "first"), scenarios=("scenario", "nunique")).reset_index()
    g = g.sort_values("hours", na_position="last", kind="stable")
    labels = [f"{r.jurisdiction}: {r.to}" for r in g.itertuples()]
    xs = [0.5 if h == 0 else (h if h == h else None) for h in g["hours"]]
    text = ["immediately" if h == 0 else ("without undue delay" if h != h else f"{h:g} h") for h in g["hours"]]
    fig.add_trace(go.Scatter(x=[x if x is not None else 0.5 for x in xs], y=labels, mode="markers+text",
                             text=text, textposition="middle right", marker={"size": 12},
                             customdata=g[["basis", "scenarios"]].to_numpy(),
                             hovertemplate="%{y}<br>%{text}<br>%{customdata[0]}<br>%{customdata[1]} scenarios<extra></extra>"))
    fig.update_layout(title="Notification clock after a breach is discovered",
                      xaxis={"title": "hours after discovery", "type": "log"}, template="plotly_white",
                      height=120 + 40 * len(g))
    return fig


def what_if(sim) -> go.Figure:
    """Controls ranked by the reduction of expected annual loss."""
    rows = sorted(sim.what_if, key=lambda r: r["mean_reduction"])
    fig = go.Figure(go.Bar(x=[r["mean_reduction"] for r in rows], y=[r["control"] for r in rows],
                           orientation="h", text=[f"{r['reduction_share']:.0%}" for r in rows],
                           hovertext=[r["description"] for r in rows]))
    fig.update_layout(title="What-if: reduction in expected annual loss when one control is fixed",
                      xaxis={"title": sim.currency}, template="plotly_white")
    return fig
