"""Plotly figures of the executive notebook (build here, display there); one theme for all."""
from __future__ import annotations

import plotly.graph_objects as go

from ..i18n import t, term
from ..presentation import COLOURS, RAG, money, percent, score, theme
from .executive import _actions_frame, _loss_frame, rag
from .results import Results, training_by_department

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
    names = [term("domain", k) for k in keys]
    fig = go.Figure()
    if r.previous_quarter:
        fig.add_bar(name=r.previous_quarter, x=names, y=[scores[k]["previous"] for k in keys], marker_color=_BEFORE)
    fig.add_bar(name=r.quarter or t("column.this_quarter"), x=names, y=[scores[k]["current"] for k in keys],
                marker_color=[RAG[rag(scores[k]["current"])] for k in keys],
                text=[f"{score(scores[k]['current'])} {scores[k]['trend']}".strip() for k in keys],
                textposition="outside", cliponaxis=False)
    return _layout(fig, t("figure.scores"), barmode="group",
                   yaxis=dict(range=[0, 112]), showlegend=bool(r.previous_quarter))


def loss_figure(r: Results) -> go.Figure:
    """Mean, 95th and 99th-percentile annual loss per scenario: the tail is shown, so a scenario
    whose p95 is 0 but whose p99 is millions is not hidden. Each bar carries its value outside it."""
    df = _loss_frame(r)
    df = df[df["scenario"] != t("loss.all_scenarios")] if not df.empty else df
    if df.empty:
        return _empty(t("figure.loss"), t("empty.no_scenario"))
    fig = go.Figure()
    for col, colour in (("mean", _NOW), ("p95", _BEFORE), ("p99", COLOURS[3])):
        vals = [float(v or 0) for v in df[col]]
        fig.add_bar(name=t(f"figure.loss_{col}"), y=list(df["scenario"]), x=vals, orientation="h", marker_color=colour,
                    text=[money(v) if v else "" for v in vals], textposition="outside", cliponaxis=False)
    top = max([float(v or 0) for v in df["p99"]] + [1.0])
    return _layout(fig, t("figure.loss_title", currency=r.currency), barmode="group", bargap=0.25,
                   xaxis=dict(title=t("figure.loss_axis", currency=r.currency), range=[0, top * 1.25]),
                   yaxis=dict(autorange="reversed", automargin=True), height=160 + 75 * len(df))


def training_figure(r: Results) -> go.Figure:
    """Training completion by department."""
    dep = training_by_department(r.training)
    if not dep:
        return _empty(t("figure.training"), t("empty.departments"))
    fig = go.Figure(go.Bar(x=list(dep), y=[v * 100 for v in dep.values()], marker_color=_NOW,
                           text=[percent(v) for v in dep.values()], textposition="outside", cliponaxis=False))
    return _layout(fig, t("figure.training_pct"), yaxis=dict(range=[0, 112]),
                   xaxis=dict(automargin=True))


def actions_figure(r: Results) -> go.Figure:
    """Expected-loss reduction of each recommended action."""
    df = _actions_frame(r)
    if df.empty:
        return _empty(t("figure.actions"), t("empty.no_whatif"))
    vals = [float(v or 0) for v in df["expected loss reduction"]]
    fig = go.Figure(go.Bar(y=list(df["action"]), x=vals, orientation="h", marker_color=_NOW,
                           text=[money(v) if v else "" for v in vals], textposition="outside", cliponaxis=False))
    return _layout(fig, t("figure.actions_title", currency=r.currency), xaxis=dict(range=[0, max(vals + [1.0]) * 1.3]),
                   yaxis=dict(autorange="reversed", automargin=True), height=120 + 40 * len(df))
