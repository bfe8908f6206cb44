"""Plotly figures of the trainer dashboard (built here, displayed by the notebook)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..i18n import t


def _title(text: str, simulated: bool) -> str:
    return t("appx.simulated_title", title=text) if simulated else text


def completion_figure(by_department: pd.DataFrame, simulated: bool = False) -> go.Figure:
    """Stacked bars: current vs overdue staff per department, completion share as text."""
    df = by_department.sort_values("department")
    fig = go.Figure([
        go.Bar(name="current", x=df["department"], y=df["current"], marker_color="#2e7d32",
               text=[f"{c:.0%}" for c in df["completion"]], textposition="inside"),
        go.Bar(name="overdue", x=df["department"], y=df["overdue"], marker_color="#c62828"),
    ])
    fig.update_layout(barmode="stack", title=_title(t("appx.fig_completion"), simulated),
                      xaxis_title="department", yaxis_title=t("appx.active_staff"), legend_title="status")
    return fig


def score_distribution_figure(scores: pd.DataFrame, simulated: bool = False) -> go.Figure:
    """Histogram of attempt scores, one trace per module."""
    fig = go.Figure()
    for module_id, g in scores.groupby("module_id", sort=True):
        fig.add_trace(go.Histogram(x=g["score"], name=module_id, xbins=dict(start=0, end=1.0001, size=0.1),
                                   opacity=0.75))
    fig.update_layout(barmode="overlay", title=_title(t("appx.fig_scores"), simulated),
                      xaxis_title="score", yaxis_title="attempts", xaxis_tickformat=".0%",
                      xaxis_range=[0, 1.0001])  # scores are 0–100%: no empty bins past 100%
    return fig


def item_analysis_figure(items: pd.DataFrame, simulated: bool = False) -> go.Figure:
    """Share correct vs discrimination per question: bottom-left items need rework or teaching."""
    fig = go.Figure()
    for module_id, g in items.groupby("module_id", sort=True):
        fig.add_trace(go.Scatter(x=g["share_correct"], y=g["discrimination"], mode="markers", name=module_id,
                                 text=g["question_id"] + " · " + g["topic"],
                                 hovertemplate="%{text}<br>correct %{x:.0%}<br>discrimination %{y:.2f}<extra></extra>",
                                 marker=dict(size=9)))
    fig.add_hline(y=0.2, line_dash="dot", annotation_text="discrimination 0.2")
    fig.update_layout(title=_title(t("appx.fig_items"), simulated),
                      xaxis_title=t("appx.share_correct"), yaxis_title=t("appx.discrimination"),
                      xaxis_tickformat=".0%")
    return fig


def overdue_figure(overdue: pd.DataFrame, simulated: bool = False) -> go.Figure:
    """Overdue staff per department, split by privileged role."""
    counts = (overdue.assign(kind=overdue["privileged"].map({True: "privileged role", False: "other"}))
              .groupby(["department", "kind"]).size().rename("staff").reset_index())
    fig = go.Figure([go.Bar(name=kind, x=g["department"], y=g["staff"],
                            marker_color="#b71c1c" if kind == "privileged role" else "#ef9a9a")
                     for kind, g in counts.groupby("kind", sort=True)])
    fig.update_layout(barmode="stack", title=_title(t("appx.fig_overdue"), simulated),
                      xaxis_title="department", yaxis_title=t("appx.overdue_staff"))
    return fig
