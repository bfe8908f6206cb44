"""Notebook ``07_subject_request``: search one person and preview their records, masked.

:class:`SubjectSession` loads the dataset and decides where to search once; :meth:`find`,
:meth:`summary` and :meth:`preview` are plain functions (what papermill runs) and :meth:`widget`
is the interactive search box (a selector, a value, a button) that calls the same functions.
Everything shown is masked: identifiers by their category's rule, other text through the output
boundary. Only :meth:`export` writes raw data (the access package, 0600).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..boundary import safe_html, safe_message
from ..errors import InputError, WorkbenchError
from ..masking import mask
from .find import KINDS as MATCH_KINDS
from .find import Finding, find_subject, subject_rows
from .selector import KINDS, parse_selector

PREVIEW_ROWS = 20


class SubjectSession:
    """One dataset, searched for people."""

    def __init__(self, dataset: str | Path | Any, *, inventory: str = "", as_of: str | None = None,
                 engine: str | None = None) -> None:
        from ..dataset import load_dataset
        from .columns import from_inventory, from_sample

        self.ds = load_dataset(dataset, as_of=as_of, engine=engine) if isinstance(dataset, (str, Path)) else dataset
        self.columns = from_inventory(self.ds, inventory) if inventory else from_sample(self.ds)
        self.last: Finding | None = None

    def demo_identifier(self, kind: str = "email") -> str:
        """The first planted subject's identifier of ``kind`` when the dataset is a generated sample
        (its ``ground_truth.json`` names them), else ''."""
        truth = Path(self.ds.root) / "ground_truth.json"
        if not truth.is_file():
            return ""
        for s in json.loads(truth.read_text(encoding="utf-8")).get("subjects", []):
            if s["identifiers"].get(kind):
                return str(s["identifiers"][kind])
        return ""

    # plain functions: what papermill runs ------------------------------------------------
    def find(self, kind: str, value: str) -> Finding:
        if kind not in KINDS:
            raise InputError.of("error.subject.kind", value=safe_message(kind), known=", ".join(KINDS))
        self.last = find_subject(self.ds, parse_selector(**{kind: value}), self.columns)
        return self.last

    def summary(self, finding: Finding | None = None) -> pd.DataFrame:
        """Tables, rows (own, by key, mentions), categories, oldest and newest record: masked."""
        return (finding or self._last()).frame()

    def preview(self, finding: Finding | None = None, limit: int = PREVIEW_ROWS) -> pd.DataFrame:
        """Up to ``limit`` of the person's rows per table, every value masked."""
        f = finding or self._last()
        parts = []
        for tm in f.hits():
            shown = 0
            for df in subject_rows(self.ds, f, tm):
                for rec in df.to_dict("records"):
                    if shown >= limit:
                        break
                    mention = rec["__kind"] == "mention"
                    cols = [c for c in tm.mentions if rec.get(f"__m_{c}")] if mention else \
                        [c for c in self.ds.columns[tm.table] if c in rec and (tm.table, c) != ("customers", "jurisdiction")]
                    values = {c: self._masked(tm.table, c, rec[c]) for c in cols}
                    parts.append({"table": tm.table, "match": rec["__kind"],
                                  "record": "; ".join(f"{c}={v}" for c, v in values.items() if v != "")})
                    shown += 1
                if shown >= limit:
                    break
        return pd.DataFrame(parts, columns=["table", "match", "record"])

    def export(self, out: str, lang: str = "", finding: Finding | None = None) -> list[str]:
        """The access package into ``out`` (raw data, files 0600); nothing when ``out`` is empty."""
        if not out:
            return []
        from .export import write_access_package

        return [str(p) for p in write_access_package(self.ds, finding or self._last(), out, lang=lang or None)]

    def _last(self) -> Finding:
        if self.last is None:
            raise InputError.of("error.subject.no_search")
        return self.last

    def _masked(self, table: str, column: str, value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, pd.Timestamp):
            value = value.isoformat()
        cats = self.columns.categories.get((table, column), [])
        if column == "customer_id":
            return mask(value, "customer_id")
        if cats and (table, column) not in self.columns.free_text:
            return safe_message(mask(value, cats[0]))
        return safe_message(value)

    # the interactive search ---------------------------------------------------------------
    def widget(self, kind: str = "email") -> Any:
        """A selector, a value box and a Search button; the masked summary and preview appear below.
        The box starts empty: an identifier typed in stays in the browser, never in the notebook."""
        import ipywidgets as w

        pick = w.Dropdown(options=list(KINDS), value=kind if kind in KINDS else "email", description="identifier")
        text = w.Text(value="", placeholder="value as the person gave it", description="value")
        go = w.Button(description="Search", button_style="primary")
        out = w.HTML()

        def search(_: Any = None) -> None:
            try:
                f = self.find(pick.value, text.value)
            except WorkbenchError as e:
                out.value = f"<p><b>{safe_html(str(e))}</b></p>"
                return
            if not f.found:
                out.value = "<p>no records found</p>"
                return
            out.value = (self.summary(f).to_html(index=False, escape=True)
                         + self.preview(f).to_html(index=False, escape=True))

        go.on_click(search)
        return w.VBox([w.HBox([pick, text, go]), out])


__all__ = ["MATCH_KINDS", "PREVIEW_ROWS", "SubjectSession"]
