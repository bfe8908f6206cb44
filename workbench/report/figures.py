"""Plotly figures of the executive notebook (build here, display there)."""
from __future__ import annotations

import plotly.graph_objects as go

from .executive import Results, loss_table, next_actions, training_by_department

_NOW, _BEFORE = "#1f4f82", "#9fb3c8"


def _layout(fig: go.Figure, title: str, **kw) -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", height=380, margin=dict(l=60, r=20, t=60, b=60),
                      legend=dict(orientation="h", y=-0.2), **kw)
    return fig


def score_figure(r: Results) -> go.Figure:
    """Overall and domain scores, this quarter against the previous one."""
    scores = r.history["scores"]
    keys = list(scores)
    fig = go.Figure()
    if r.previous_quarter:
        fig.add_bar(name=r.previous_quarter, x=keys, y=[scores[k]["previous"] for k in keys], marker_color=_BEFORE)
    fig.add_bar(name=r.quarter or "this quarter", x=keys, y=[scores[k]["current"] for k in keys], marker_color=_NOW,
                text=[f"{scores[k]['current']:.0f} {scores[k]['trend']}" if scores[k]["current"] is not None else ""
                      for k in keys], textposition="outside")
    return _layout(fig, "Scores (0–100, higher is better)", barmode="group", yaxis=dict(range=[0, 110]))


def loss_figure(r: Results) -> go.Figure:
    """Mean and 95th-percentile annual loss per scenario."""
    df = loss_table(r)
    df = df.drop(index="All scenarios", errors="ignore") if not df.empty else df
    fig = go.Figure()
    if not df.empty:
        fig.add_bar(name="mean", y=list(df.index), x=list(df["mean"]), orientation="h", marker_color=_NOW)
        fig.add_bar(name="95th percentile", y=list(df.index), x=list(df["p95"]), orientation="h", marker_color=_BEFORE)
    return _layout(fig, f"Annualised loss per scenario ({r.currency})", barmode="group",
                   yaxis=dict(autorange="reversed"))


def training_figure(r: Results) -> go.Figure:
    """Training completion by department."""
    dep = training_by_department(r.training)
    fig = go.Figure(go.Bar(x=list(dep), y=[v * 100 for v in dep.values()], marker_color=_NOW,
                           text=[f"{v:.0%}" for v in dep.values()], textposition="outside"))
    return _layout(fig, "Training completion by department (%)", yaxis=dict(range=[0, 110]))


def actions_figure(r: Results) -> go.Figure:
    """Expected-loss reduction of each recommended action."""
    df = next_actions(r)
    fig = go.Figure()
    if not df.empty:
        fig.add_bar(y=list(df["action"]), x=list(df["expected loss reduction"]), orientation="h", marker_color=_NOW)
    return _layout(fig, f"Expected annual loss avoided per action ({r.currency})", yaxis=dict(autorange="reversed"))
