"""Tables and plotly figures of an assessment, for notebooks and the report.

Each function takes an :class:`~workbench.assess.Assessment` (or what it holds) and returns one
DataFrame, Styler or plotly figure; notebooks call one per cell.
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from ..scoring import DOMAINS, penalty, points
from ..i18n import current, fmt_date_text, t, term
from .catalog import FRAMEWORKS, control_text

if TYPE_CHECKING:
    from ..assess import Assessment

SEVERITY_COLOURS = {"critical": "#7f1d1d", "high": "#dc2626", "medium": "#f59e0b", "low": "#65a30d"}
STATUS_COLOURS = {"fail": "#fee2e2", "pass": "#dcfce7", "not_applicable": "#f3f4f6"}


def _score_colour(v: float) -> str:
    return "#16a34a" if v >= 80 else "#f59e0b" if v >= 60 else "#dc2626"


def score_bars(a: "Assessment") -> go.Figure:
    """Overall and domain scores 0–100 as bars (green ≥ 80, amber ≥ 60, red below). The overall
    score is its own first bar with a dark outline, not a reference line: a line across the chart
    struck through the value labels of the bars it crossed."""
    doms = (["overall"] if a.scores.get("overall") is not None else []) + [d for d in DOMAINS if a.scores.get(d) is not None]
    vals = [a.scores[d] for d in doms]
    fig = go.Figure(go.Bar(x=[term("domain", d) for d in doms], y=vals, marker_color=[_score_colour(v) for v in vals],
                           marker_line=dict(color=["#1f2937" if d == "overall" else "rgba(0,0,0,0)" for d in doms],
                                            width=[3 if d == "overall" else 0 for d in doms]),
                           text=[f"{v:.1f}" for v in vals], textposition="outside", cliponaxis=False))
    fig.update_layout(title=t("figure.posture_scores", as_of=fmt_date_text(str(a.as_of))),
                      yaxis=dict(range=[0, 110], title=t("column.score")),
                      xaxis_title=t("column.domain"), height=380, margin=dict(t=60, b=40, r=40))
    return fig


def findings_frame(a: "Assessment") -> pd.DataFrame:
    """One row per finding, worst first (points lost), with share and points lost."""
    rows = []
    for f in a.findings:
        rows.append({"id": f.id, "domain": f.domain, "severity": f.severity, "status": f.status, "affected": f.affected,
                     "total": f.total, "unit": f.unit, "share": None if f.total in (None, 0) else round(f.affected / f.total, 4),
                     "points_lost": round(penalty(vars(f)), 1), "of_points": round(points(vars(f)), 1),
                     "title": control_text(f.id, "title", current()) or f.title})
    df = pd.DataFrame(rows)
    order = {"fail": 0, "pass": 1, "not_applicable": 2}
    df = df.sort_values(["status", "points_lost", "id"], key=lambda s: s.map(order) if s.name == "status" else s,
                        ascending=[True, False, True], kind="mergesort").reset_index(drop=True)
    df["total"] = df["total"].astype("Int64")
    return df


def findings_table(a: "Assessment"):
    """:func:`findings_frame` coloured by severity and status (a pandas Styler)."""
    df = findings_frame(a)
    return (df.style.hide(axis="index")
            .map(lambda v: f"background-color: {SEVERITY_COLOURS.get(v, '')}; color: white; font-weight: bold"
                 if v in SEVERITY_COLOURS else "", subset=["severity"])
            .map(lambda v: f"background-color: {STATUS_COLOURS.get(v, '')}", subset=["status"])
            .format({"share": lambda v: "" if pd.isna(v) else f"{v:.1%}", "points_lost": "{:.1f}", "of_points": "{:.1f}"}))


def risk_heatmap(a: "Assessment") -> go.Figure:
    """Likelihood × impact grid of the risk register: count per cell, check ids as labels."""
    reg = a.register
    z = [[0] * 5 for _ in range(5)]
    labels = [[""] * 5 for _ in range(5)]
    for r in reg.itertuples(index=False):
        z[r.impact - 1][r.likelihood - 1] += 1
        labels[r.impact - 1][r.likelihood - 1] += ("<br>" if labels[r.impact - 1][r.likelihood - 1] else "") + r.id
    risk = [[(i + 1) * (j + 1) for j in range(5)] for i in range(5)]
    fig = go.Figure(go.Heatmap(z=risk, x=[1, 2, 3, 4, 5], y=[1, 2, 3, 4, 5], text=labels, texttemplate="%{text}",
                               customdata=z, hovertemplate=t("figure.heatmap_hover") + "<extra></extra>",
                               colorscale=[[0, "#dcfce7"], [0.35, "#fef3c7"], [0.65, "#fdba74"], [1, "#ef4444"]],
                               zmin=1, zmax=25, showscale=False))
    fig.update_layout(title=t("figure.heatmap", n=len(reg)),
                      xaxis=dict(title=t("figure.heatmap_x"), dtick=1),
                      yaxis=dict(title=t("figure.heatmap_y"), dtick=1), height=460)
    return fig


def register_table(a: "Assessment") -> pd.DataFrame:
    """The risk register as a reader sees it: check titles and owners in the run's language."""
    from .catalog import owner_text

    reg = a.register[["id", "title", "likelihood", "impact", "rating", "level", "owner", "due_date"]].copy()
    lang = current()
    reg["title"] = [control_text(str(i), "title", lang) or x for i, x in zip(reg["id"], reg["title"])]
    reg["owner"] = [owner_text(str(o), lang) for o in reg["owner"]]
    return reg


def framework_coverage(a: "Assessment") -> pd.DataFrame:
    """Per framework: applicable checks mapped to it and the share of them passing (``coverage``);
    also its references (e.g. GDPR "Art. 32(1)(a)"), passing when every applicable check mapped to
    the reference passes, and the failing references."""
    rows = []
    for fw in FRAMEWORKS:
        mapped = [f for f in a.findings if f.status != "not_applicable" and f.mappings.get(fw)]
        refs: dict[str, list[str]] = {}
        for f in mapped:
            for ref in f.mappings[fw]:
                refs.setdefault(ref, []).append(f.status)
        ok = sum(f.status == "pass" for f in mapped)
        rows.append({"framework": fw, "controls": len(mapped), "controls_passing": ok,
                     "coverage": round(ok / len(mapped), 4) if mapped else None,
                     "references": len(refs), "references_passing": sum(all(s == "pass" for s in v) for v in refs.values()),
                     "failing_references": ", ".join(sorted(r for r, v in refs.items() if "fail" in v))})
    return pd.DataFrame(rows)


def coverage_bars(a: "Assessment") -> go.Figure:
    """Share of the applicable checks mapped to each framework that pass."""
    df = framework_coverage(a).dropna(subset=["coverage"])
    fig = go.Figure(go.Bar(x=df["framework"], y=df["coverage"] * 100,
                           text=[t("figure.coverage_label", passing=p, total=n) for p, n in zip(df["controls_passing"], df["controls"])],
                           textposition="outside", marker_color=[_score_colour(v * 100) for v in df["coverage"]]))
    fig.update_layout(title=t("figure.coverage"), yaxis=dict(range=[0, 110], title=t("figure.coverage_y")), height=380)
    return fig


def worst(a: "Assessment", n: int = 5) -> pd.DataFrame:
    """The ``n`` failed findings that cost the most points, with their remediation."""
    df = findings_frame(a)
    df = df[df["status"] == "fail"].head(n)
    rem = {f.id: control_text(f.id, "remediation", current()) or f.remediation for f in a.findings}
    return df.assign(remediation=df["id"].map(rem))[["id", "title", "severity", "affected", "total", "unit",
                                                     "points_lost", "remediation"]].reset_index(drop=True)


def drilldown(a: "Assessment", rank: int = 1):
    """Masked evidence of the ``rank``-th worst failed finding (a Styler with a caption)."""
    w = worst(a, rank)
    if len(w) < rank:
        return pd.DataFrame({"message": [f"fewer than {rank} failed findings"]})
    f = a.finding(w.loc[rank - 1, "id"])
    cap = t("figure.drilldown", rank=rank, id=f.id, title=control_text(f.id, "title", current()) or f.title,
            affected=f"{f.affected:,}", total="?" if f.total is None else f"{f.total:,}",
            unit=term("dpia.unit", f.unit.replace(" ", "_")))
    ev = f.evidence if len(f.evidence) else pd.DataFrame({"note": [f.note or "no evidence rows"]})
    # evidence cells are data values: escaped (output boundary) so that markup never goes live
    return (ev.style.format(escape="html").format_index(escape="html", axis=1)
            .set_caption(html.escape(cap)).hide(axis="index"))
