"""One formatting layer for everything a reader sees: values, tables and the chart theme.

Every notebook table goes through :func:`show`, which renders an HTML table whose every value is
formatted (money with its currency, percentages, counts, dates, deadlines) and escaped — a
department called ``<img src=x onerror=…>`` prints as text. No index column, no ``NaN``/``NaT``/
``None``, no Python reprs, no paths: missing values print as "—", lists as "a, b", mappings as
"k: v". An empty table says why it is empty. Figures share one plotly template (:data:`TEMPLATE`).
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

import pandas as pd

from . import i18n
from .boundary import md, strip_control

MISSING = "—"
# Column names that hold these kinds of values (matched on the lower-cased name with "_" as " ").
_PERCENT = re.compile(r"\b(share|coverage|completion|rate|probability|correct|chance)\b")
_MONEY = re.compile(r"\b(mean|p50|p90|p95|p99|loss|reduction|change|cost|response|productivity|notification|"
                    r"lost business|fines|primary|secondary)\b")
_DATE = re.compile(r"(\b(date|due|expires|expiry|day)\b|\bat\b$|_at$| at$)")
_DEADLINE = re.compile(r"deadline")
_TOKEN = re.compile(r"^[\w.:/@+*#-]{1,24}$")  # ids, dates, short codes: never broken across lines
SEVERITY_CLASSES = {"critical", "high", "medium", "low", "red", "amber", "green", "fail", "pass", "overdue",
                    "expired", "persisting"}


# ---------------------------------------------------------------- values
def missing(v: Any) -> bool:
    """``None``, NaN, NaT and pandas' NA all count as missing."""
    if v is None:
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, tuple, set, dict, str, bytes)) else False
    except (TypeError, ValueError):
        return False


def count(v: Any) -> str:
    """A whole number with thousands separators: ``2,988``."""
    return MISSING if missing(v) else i18n.fmt_count(float(v))


def number(v: Any, digits: int = 1) -> str:
    """A decimal with ``digits`` places (trailing ``.0`` kept off whole numbers)."""
    if missing(v):
        return MISSING
    f = float(v)
    return f"{f:,.0f}" if f == int(f) and abs(f) >= 1 else f"{f:,.{digits}f}"


def score(v: Any) -> str:
    """A 0–100 score, one decimal, the same everywhere (header, tables, charts)."""
    return MISSING if missing(v) else f"{float(v):.1f}"


def money(v: Any, currency: str = "", *, signed: bool = False) -> str:
    """``1,234,568 EUR`` (no cents: these are estimates); ``signed`` adds + or −."""
    if missing(v):
        return MISSING
    f = float(v)
    sign = ("+" if f > 0 else "−" if f < 0 else "±") if signed else ("−" if f < 0 else "")
    return sign + i18n.fmt_money(abs(f), currency)


def percent(v: Any, digits: int = 0) -> str:
    """A share 0–1 as ``14%`` (``digits`` decimals; tiny non-zero shares never print as 0%)."""
    if missing(v):
        return MISSING
    f = 100 * float(v)
    if 0 < abs(f) < 10 ** -digits / 2:
        return f"<{10 ** -digits:g}%"
    return f"{f:.{digits}f}%"


def date(v: Any) -> str:
    """``YYYY-MM-DD`` from a date, datetime, Timestamp or ISO string."""
    if missing(v) or v == "":
        return MISSING
    if isinstance(v, (dt.date, pd.Timestamp)):
        return i18n.fmt_date(dt.date(v.year, v.month, v.day))
    text = str(v)
    return i18n.fmt_date_text(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else text


def deadline(hours: Any, text: str = "") -> str:
    """A legal clock: "immediately", "without undue delay", "72 h", "30 days".

    ``hours`` None means the law sets no number of hours; ``text`` (the law's own wording, or the
    trigger) then decides between "immediately" and "without undue delay"."""
    if missing(hours):
        return i18n.t("deadline.immediately") if "immediate" in str(text).lower() else i18n.t("deadline.undue_delay")
    h = float(hours)
    if h <= 0:
        return i18n.t("deadline.immediately")
    if h > 72 and h % 24 == 0:
        return i18n.t("deadline.days", n=f"{h / 24:.0f}")
    return i18n.t("deadline.hours", n=f"{h:g}")


def cell(v: Any) -> str:
    """Any value as text a reader understands (no reprs)."""
    if isinstance(v, str):
        return v
    if missing(v):
        return MISSING
    if isinstance(v, bool):
        return i18n.t("value.yes") if v else i18n.t("value.no")
    if isinstance(v, PurePath):
        return v.name  # never a host path
    if isinstance(v, (dt.date, pd.Timestamp)):
        return date(v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {cell(x)}" for k, x in v.items()) or MISSING
    if isinstance(v, (list, tuple, set)):
        return ", ".join(cell(x) for x in v) or MISSING
    if isinstance(v, (int,)) or (isinstance(v, float) and math.isfinite(v) and v == int(v)):
        return count(v)
    if isinstance(v, float):
        return number(v, 2 if abs(v) < 1 else 1)
    return str(v)


# ---------------------------------------------------------------- tables
def kind_of(name: str, values: pd.Series, currency: str | None) -> str:
    """How a column is formatted: percent, money, deadline, date, count, number or text."""
    label = str(name).lower().replace("_", " ")
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_bool_dtype(values):
        return "text"
    numeric = pd.to_numeric(values, errors="coerce")
    is_num = bool(len(values)) and numeric.notna().sum() == values.map(lambda x: not missing(x)).sum() \
        and not values.map(lambda x: isinstance(x, (str, bool))).any()
    if not is_num:
        return "date" if _DATE.search(label) else "text"
    if _DEADLINE.search(label):
        return "deadline"
    if _PERCENT.search(label) and (numeric.dropna().between(0, 1).all()):
        return "percent"
    if currency is not None and _MONEY.search(label):
        return "money"
    whole = bool(((numeric.dropna() % 1) == 0).all())
    return "count" if whole or numeric.abs().max() >= 1000 else "number"


def _fmt(kind: str, v: Any, currency: str | None, row: Mapping[str, Any]) -> str:
    if kind == "percent":
        return percent(v, 1)
    if kind == "money":
        return money(v, currency or "")
    if kind == "count":
        return count(v)
    if kind == "number":  # two decimals only where one would lose the value (0.04), else one
        return MISSING if missing(v) else number(v, 2 if 0 < abs(float(v)) < 1 else 1)
    if kind == "score":
        return score(v)
    if kind == "date":
        return date(v)
    if kind == "deadline":
        return deadline(v, str(row.get("deadline", "")) + " " + str(row.get("trigger", "")))
    return cell(v)


class Table:
    """A formatted, escaped HTML table (what a notebook cell shows); ``frame`` holds its text."""

    def __init__(self, frame: pd.DataFrame, kinds: dict[str, str], caption: str = "", empty: str = "") -> None:
        self.frame, self.kinds, self.caption, self.empty = frame, kinds, caption, empty

    def __len__(self) -> int:
        return len(self.frame)

    def _repr_html_(self) -> str:
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        if self.frame.empty:
            return f'<p class="wb-empty">{html.escape(self.caption + ": " if self.caption else "")}' \
                   f"{html.escape(self.empty or i18n.t('common.nothing'))}</p>"
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        body = []
        for row in self.frame.itertuples(index=False):
            tds = []
            for c, v in zip(self.frame.columns, row):
                cls = ["num"] if self.kinds.get(c) in ("percent", "money", "count", "number", "score") else []
                if _TOKEN.match(v) and self.kinds.get(c) != "text" or _TOKEN.match(v) and len(v) <= 12:
                    cls.append("tok")
                sev = _severity_class(v)
                if sev:
                    cls.append(f"sev-{sev}")
                attr = f' class="{" ".join(cls)}"' if cls else ""
                tds.append(f"<td{attr}>{html.escape(strip_control(v))}</td>")
            body.append("<tr>" + "".join(tds) + "</tr>")
        short = " short" if len(self.frame) <= 15 else ""  # short tables are not split across pages
        return (f'<table class="wb{short}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')

    def __repr__(self) -> str:  # plain-text output (terminals, logs): still formatted
        return self.caption + ("\n" if self.caption else "") + (self.frame.to_string(index=False)
                                                                if not self.frame.empty else self.empty)


def show(data: Any, *, currency: str | None = None, empty: str = "nothing to show", caption: str = "",
         kinds: Mapping[str, str] | None = None, hide: Iterable[str] = ()) -> Table:
    """Format ``data`` (DataFrame, pandas Styler, list of dicts or mapping) for a reader.

    A meaningful index becomes the first column; a 0..n-1 index is dropped. Column names lose
    their underscores. ``currency`` turns loss-like columns into money; ``kinds`` overrides the
    guessed kind of a column ("percent", "money", "count", "number", "date", "deadline", "text")."""
    if hasattr(data, "data") and hasattr(data, "hide"):  # a pandas Styler: its frame and caption
        caption = caption or str(getattr(data, "caption", "") or "")
        data = data.data
    if isinstance(data, Mapping):
        data = pd.DataFrame([{"item": k, "value": v} for k, v in data.items()])
    df = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data or []))
    if df.index.name is not None or not pd.api.types.is_integer_dtype(df.index):
        df = df.reset_index()  # a meaningful index (named, or labels): keep it as a column
    else:
        df = df.reset_index(drop=True)  # row numbers (even shuffled by a sort) mean nothing to a reader
    df = df.drop(columns=[c for c in hide if c in df.columns])
    found = {str(c): (dict(kinds or {}).get(str(c)) or kind_of(str(c), df[c], currency)) for c in df.columns}
    rows = df.to_dict("records")
    text = pd.DataFrame([{str(c): _fmt(found[str(c)], r[c], currency, r) for c in df.columns} for r in rows],
                        columns=[str(c) for c in df.columns])
    names = {c: c.replace("_", " ") for c in text.columns}
    for c, k in found.items():  # "deadline_hours" now reads "72 h" or "immediately": call it a deadline
        if k == "deadline" and "deadline" not in names.values():
            names[c] = "deadline"
    for c, k in found.items():  # vocabulary (severity, status, change) in the reader's language
        if k == "text":
            text[c] = text[c].map(lambda v: i18n.term("value", v) if i18n.has(_value_key(v)) else v)
    names = {c: i18n.term("column", n) for c, n in names.items()}
    empty = i18n.term("value", empty) if i18n.has(_value_key(empty)) else empty   # "why it is empty", translated
    return Table(text.rename(columns=names), {names[c]: k for c, k in found.items()}, caption, empty)


def _value_key(v: str) -> str:
    return "value." + str(v).strip().lower().replace(" ", "_")


def _severity_class(v: str) -> str | None:
    """The CSS class word of a cell (English vocabulary, also when the cell is translated)."""
    low = v.lower()
    if low in SEVERITY_CLASSES:
        return low
    return {i18n.t(f"value.{k}"): k for k in SEVERITY_CLASSES if i18n.has(f"value.{k}")}.get(v)


def text(value: Any) -> str:
    """A value for Markdown prose: formatted, then through the output boundary's :func:`md`
    (markup and Markdown punctuation escaped, control characters stripped, personal data masked)."""
    return md(cell(value))


# ---------------------------------------------------------------- chart theme
COLOURS = ["#1f4f82", "#e07b39", "#3c8d5a", "#b8404a", "#7a5ea8", "#4c9bb0", "#9fb3c8", "#c9a227"]
RAG = {"green": "#2f855a", "amber": "#d69e2e", "red": "#c53030"}
TEMPLATE = "workbench"


def register_theme() -> None:
    """Register the plotly template every workbench chart uses (one look across the report)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    if TEMPLATE in pio.templates:
        return
    pio.templates[TEMPLATE] = go.layout.Template(layout=go.Layout(
        colorway=COLOURS, font=dict(family="Helvetica, Arial, 'Noto Sans CJK SC', sans-serif", size=12,
                                    color="#1f2933"),
        title=dict(font=dict(size=15, color="#102a43"), x=0, xanchor="left"),
        margin=dict(l=70, r=40, t=60, b=60), legend=dict(orientation="h", y=-0.18, yanchor="top"),
        # long category labels (scenario ids, departments) grow the margin instead of being cut off
        xaxis=dict(automargin=True), yaxis=dict(automargin=True),
        paper_bgcolor="white", plot_bgcolor="white", hoverlabel=dict(font_size=11)))


def theme(fig: Any) -> Any:
    """Apply the template to ``fig`` (figures built outside a notebook set-up get it too)."""
    register_theme()
    fig.update_layout(template=f"plotly_white+{TEMPLATE}")
    return fig
