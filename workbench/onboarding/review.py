"""Review a draft in a notebook (``notebooks/00_onboarding.ipynb``): the guesses as a table, one
dropdown per canonical column to confirm or change the mapping, the resulting dataset.yaml, and
saving it. Under papermill nothing is clicked: the dropdowns start at the guesses, so a headless
run writes exactly what ``workbench init`` would.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..boundary import md_fence, safe_html
from .draft import Draft, render, write_draft

UNMAPPED = "(not mapped)"


def guesses_frame(d: Draft) -> pd.DataFrame:
    """One row per guess: table, canonical column (blank for the table itself), source, evidence."""
    return pd.DataFrame([{"table": g.table, "column": g.column or "", "source": g.source, "evidence": g.evidence}
                         for g in d.guesses], columns=["table", "column", "source", "evidence"])


@dataclass
class MappingEditor:
    """The dropdowns (``widget`` to display) and their current choices."""

    draft: Draft
    dropdowns: dict[tuple[str, str], Any] = field(default_factory=dict)
    widget: Any = None

    def choices(self) -> dict[str, dict[str, str]]:
        """table -> canonical column -> source column, as currently chosen."""
        out: dict[str, dict[str, str]] = {t: {} for t in self.draft.tables}
        for (t, canon), dd in self.dropdowns.items():
            if dd.value != UNMAPPED:
                out[t][canon] = dd.value
        return out

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:  # display(editor) shows the widgets
        return self.widget._repr_mimebundle_(**kwargs)


def mapping_editor(d: Draft) -> MappingEditor:
    """A dropdown per canonical column of every recognised table, preset to the guess."""
    import ipywidgets as w

    from ..schema import CANONICAL

    ed = MappingEditor(d)
    sections = []
    for t, src in d.tables.items():
        options = [UNMAPPED, *[str(c) for c in src.sample.columns]]
        # a table or file label comes from the export: through the output boundary, as text
        rows = [w.HTML(f"<b>{safe_html(t)}</b> &larr; {safe_html(src.label)}")]
        for canon in CANONICAL[t]:
            dd = w.Dropdown(options=options, value=d.columns[t].get(canon, UNMAPPED), description=canon,
                            style={"description_width": "160px"}, layout=w.Layout(width="420px"))
            ed.dropdowns[(t, canon)] = dd
            rows.append(dd)
        sections.append(w.VBox(rows))
    ed.widget = w.VBox(sections)
    return ed


def apply(ed: MappingEditor) -> Draft:
    """The draft with the editor's choices as its column mappings (a source column used once per table)."""
    for t, chosen in ed.choices().items():
        used = [c for c in chosen.values()]
        dup = sorted({c for c in used if used.count(c) > 1})
        if dup:
            from ..errors import InputError

            raise InputError.of("error.init.chosen_twice", table=t, column=dup[0])
        ed.draft.columns[t] = chosen
    return ed.draft


def preview(ed: MappingEditor) -> str:
    """dataset.yaml as it would be written with the current choices."""
    return render(apply(ed), ed.draft.folder)["dataset.yaml"]


def preview_markdown(ed: MappingEditor) -> Any:
    """:func:`preview` as a YAML code block for the notebook (header names from the export cannot
    close the fence or carry markup out of it)."""
    from IPython.display import Markdown

    return Markdown(md_fence(preview(ed), "yaml"))


def save(ed: MappingEditor, out_dir: str | Path) -> str:
    """Write the three files into ``out_dir`` (never overwriting); an empty ``out_dir`` writes nothing."""
    if not str(out_dir):
        return "not written: set out_dir to write dataset.yaml, permissions.yaml and posture.yaml"
    paths = write_draft(apply(ed), out_dir)
    return "wrote " + ", ".join(p.name for p in paths) + f" into {Path(out_dir)}; now run: workbench validate {out_dir}"
