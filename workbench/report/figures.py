"""Plotly figures of the executive notebook (build here, display there); one theme for all."""
from __future__ import annotations

import plotly.graph_objects as go

from ..presentation import COLOURS, RAG, percent, score, theme
from .executive import Results, _actions_frame, _loss_frame, rag, training_by_department

_NOW, _BEFORE = COLOURS[0], COLOURS[6]


def _layout(fig: go.Figure, title: str, **kw) -> go.Figure:
    theme(fig)
    fig.update_layout(title=title, **{"height": 380, **kw})
    return fig


def _empty(title: str, why: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=why, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return _layout(fig, title, height=160, xaxis=dict(visible=False), yaxis=dict(visible=False))


def score_figure(r: Results) -> go.Figure:
    """Overall and domain scores coloured by RAG status, the previous quarter beside them."""
    scores = {k: v for k, v in r.history["scores"].items() if v["current"] is not None}
    keys = list(scores)
    fig = go.Figure()
    if r.previous_quarter:
        fig.add_bar(name=r.previous_quarter, x=keys, y=[scores[k]["previous"] for k in keys], marker_color=_BEFORE)
    fig.add_bar(name=r.quarter or "this quarter", x=keys, y=[scores[k]["current"] for k in keys],
                marker_color=[RAG[rag(scores[k]["current"])] for k in keys],
                text=[f"{score(scores[k]['current'])} {scores[k]['trend']}".strip() for k in keys],
                textposition="outside", cliponaxis=False)
    return _layout(fig, "Scores (0–100; green ≥ 80, amber ≥ 60, red below)", barmode="group",
                   yaxis=dict(range=[0, 112]), showlegend=bool(r.previous_quarter))


def loss_figure(r: Results) -> go.Figure:
    """Mean and 95th-percentile annual loss per scenario."""
    df = _loss_frame(r)
    df = df[df["scenario"] != "All scenarios"] if not df.empty else df
    if df.empty:
        return _empty("Annualised loss per scenario", "no scenario was simulated")
    fig = go.Figure()
    fig.add_bar(name="mean", y=list(df["scenario"]), x=list(df["mean"]), orientation="h", marker_color=_NOW)
    fig.add_bar(name="95th percentile", y=list(df["scenario"]), x=list(df["p95"]), orientation="h",
                marker_color=_BEFORE)
    return _layout(fig, f"Annualised loss per scenario ({r.currency})", barmode="group",
                   yaxis=dict(autorange="reversed", automargin=True), height=120 + 50 * len(df))


def training_figure(r: Results) -> go.Figure:
    """Training completion by department."""
    dep = training_by_department(r.training)
    if not dep:
        return _empty("Training completion by department", "no department figures in training.json")
    fig = go.Figure(go.Bar(x=list(dep), y=[v * 100 for v in dep.values()], marker_color=_NOW,
                           text=[percent(v) for v in dep.values()], textposition="outside", cliponaxis=False))
    return _layout(fig, "Training completion by department (%)", yaxis=dict(range=[0, 112]),
                   xaxis=dict(automargin=True))


def actions_figure(r: Results) -> go.Figure:
    """Expected-loss reduction of each recommended action."""
    df = _actions_frame(r)
    if df.empty:
        return _empty("Expected annual loss avoided per action", "the simulation ran no what-if")
    fig = go.Figure(go.Bar(y=list(df["control"]), x=list(df["expected loss reduction"]), orientation="h",
                           marker_color=_NOW))
    return _layout(fig, f"Expected annual loss avoided per action ({r.currency})",
                   yaxis=dict(autorange="reversed", automargin=True), height=120 + 40 * len(df))
