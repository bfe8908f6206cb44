"""Notebook ``06_dpia``: each pre-filled answer with its evidence, and widgets to confirm it,
override it (with a reason) or complete it; Save writes a new version of the answers file.

Under papermill nothing clicks: :class:`DpiaSession` works the same from an answers file
(``session.document()``, ``session.write(...)``, ``session.save(...)``) and the editor is only
displayed.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd

from ..boundary import escape, safe_html
from ..errors import InputError, WorkbenchError
from ..i18n import t
from .answers import Answers, Entry, load_answers, save_answers
from .content import LANGS, LEVEL_FIELDS, load_content
from .document import build
from .evidence import Evidence, gather
from .run import write_dpia

ACTIONS = ("keep", "confirm", "override", "complete")  # the choices on a row, in this order (dpia.widget.*)
UI = ("save", "analyst", "value", "reason", "saved", "need", "evidence")


def _labels(lang: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The row choices and the editor's labels in ``lang``, from the catalogue."""
    return tuple(t(f"dpia.widget.{k}", lang) for k in ACTIONS), {k: t(f"dpia.widget.{k}", lang) for k in UI}


def _level(field: str, lang: str) -> str:
    """A risk level's name (``severity_after`` → "severity, after planned measures") in ``lang``."""
    base, _, after = field.partition("_")
    word = t(f"dpia.label.{base}", lang)
    return t("dpia.widget.level_after", lang, level=word) if after else word


class DpiaSession:
    """Evidence gathered once; answers edited in memory; documents rebuilt on demand."""

    def __init__(self, dataset: str | Path, *, answers: str = "", lang: str = "en", as_of: str | None = None,
                 trials: int = 20_000, seed: int = 7, evidence: Evidence | None = None, progress=None) -> None:
        if lang not in LANGS:
            raise InputError.of("error.dpia.lang", value=lang, known=", ".join(LANGS))
        from ..dataset import load_dataset

        self.lang, self.trials, self.seed = lang, int(trials), int(seed)
        self.content = load_content()
        self.answers_path = str(answers or "")
        self.answers = load_answers(self.answers_path or None, self.content)
        self._saved = copy.deepcopy(self.answers)
        self.evidence = evidence or gather(load_dataset(dataset, as_of=as_of), trials=self.trials, seed=self.seed,
                                           progress=progress)

    # plain functions: what papermill runs ------------------------------------------------
    def document(self) -> dict[str, Any]:
        return build(self.evidence, self.content, self.answers, lang=self.lang, trials=self.trials, seed=self.seed)

    def screening_table(self) -> pd.DataFrame:
        s = self.document()["screening"]
        return pd.DataFrame([{"criterion": c["id"], "law": c["law"], "met": c["met"], "origin": c["origin"], "reason": c["reason"]}
                             for c in s["criteria"]])

    def verdict(self) -> str:
        return " / ".join(self.document()["screening"]["reasons"])

    def risk_table(self) -> pd.DataFrame:
        return pd.DataFrame([{"risk": r["id"], "severity": r["severity"], "likelihood": r["likelihood"],
                              "severity_after": r["severity_after"], "likelihood_after": r["likelihood_after"],
                              "origin": ", ".join(sorted(set(r["origin"].values()))), "evidence": ", ".join(r["evidence"]["scenarios"])}
                             for r in self.document()["risks"]])

    def derivation(self) -> pd.DataFrame:
        rows = [{"risk": r["id"], "level": k, "step": i + 1, "how": s}
                for r in self.document()["risks"] for k, steps in r["derivation"].items() for i, s in enumerate(steps)]
        return pd.DataFrame(rows)

    def write(self, out_dir: str | Path, *, pdf: bool = False) -> dict[str, Path]:
        return write_dpia(self.document(), out_dir, pdf=pdf)

    def set_answer(self, key: str, value: Any = None, reason: str | None = None, confirmed: bool = False) -> None:
        if key not in self.content.answer_ids():
            raise InputError.of("error.dpia.widget_unknown", answer=key)
        self.answers.data.answers[key] = Entry(value=value, reason=reason or None, confirmed=confirmed)

    def save(self, path: str | Path | None = None, *, by: str, at: str | None = None, note: str = "") -> Path:
        """Write a new version of the answers file (who, when, what changed)."""
        target = Path(path or self.answers_path)
        if not str(target) or str(target) == ".":
            raise InputError.of("error.dpia.no_save_to")
        doc = self.document()  # validates every answer (an override without reason stops here)
        self.answers.data.dataset = self.answers.data.dataset or self.evidence.dataset
        prev = self._saved if self.answers_path and Path(self.answers_path).resolve() == target.resolve() else None
        written = save_answers(self.answers, target, by=by, at=at, note=note, evidence=doc["fingerprint"], previous=prev)
        self.answers = load_answers(written, self.content)
        self.answers_path, self._saved = str(written), copy.deepcopy(self.answers)
        return written

    # the interactive editor -------------------------------------------------------------
    def editor(self):
        """Widgets: one row per question, criterion and risk level; Save at the bottom."""
        import ipywidgets as w

        doc, (acts, ui) = self.document(), _labels(self.lang)
        rows: list[Any] = []
        items: list[tuple[str, str, Any, str]] = []  # key, label, prefilled, kind
        for c in doc["screening"]["criteria"]:
            items.append((f"screening.{c['id']}", c["text"], c["derived"], "bool"))
        for sec in ("context", "principles", "measures", "validation"):
            block = doc[sec] if sec != "validation" else doc["validation"]["questions"]
            for q in block["answers"]:
                items.append((q["id"], q["question"], q["prefilled"], q["kind"]))
        for r in doc["risks"]:
            for f in LEVEL_FIELDS:
                items.append((f"risks.{r['id']}.{f}", f"{r['title']} — {_level(f, self.lang)}", r["derived"][f], "level"))
        status = w.HTML()
        for key, label, pre, kind in items:
            rows.append(self._row(w, key, label, pre, kind, acts, ui))
        who = w.Text(description=ui["analyst"], value="")
        path = w.Text(description="file", value=self.answers_path, layout=w.Layout(width="60%"))
        button = w.Button(description=ui["save"], button_style="primary")

        def on_save(_b: Any) -> None:
            if not who.value.strip() or not path.value.strip():
                status.value = f"<b>{escape(ui['need'])}</b>"
                return
            try:
                p = self.save(path.value.strip(), by=who.value.strip())
                status.value = escape(t("dpia.widget.saved", self.lang, version=self.answers.version, path=p.name))
            except WorkbenchError as e:  # bad answer: say which, keep the editor open
                status.value = f"<b>{safe_html(e)}</b>"

        button.on_click(on_save)
        return w.VBox([*rows, w.HBox([who, path, button]), status])

    def _row(self, w: Any, key: str, label: str, pre: Any, kind: str, acts: tuple[str, ...], ui: dict[str, str]):
        entry = self.answers.get(key)
        shown = "; ".join(pre) if isinstance(pre, list) else ("" if pre is None else str(pre))
        head = w.HTML(f"<b>{escape(label)}</b> <code>{escape(key)}</code><br>"
                      f"<small>{escape(ui['evidence'])}: {safe_html(shown or '—')}</small>")
        action = w.Dropdown(options=list(acts), value=acts[1] if entry is not None and entry.confirmed else
                            acts[2] if entry is not None and entry.reason else acts[3] if entry is not None else acts[0],
                            layout=w.Layout(width="16rem"))
        current = None if entry is None else entry.value
        if kind == "level":
            value = w.Dropdown(options=[1, 2, 3, 4], value=current if current in (1, 2, 3, 4) else (pre or 1), layout=w.Layout(width="5rem"))
        elif kind == "bool":
            value = w.Dropdown(options=[(t("dpia.label.yes", self.lang), True), (t("dpia.label.no", self.lang), False)], value=bool(current if current is not None else pre),
                               layout=w.Layout(width="6rem"))
        else:
            text = "\n".join(current) if isinstance(current, list) else (current or "")
            value = w.Textarea(value=str(text), placeholder=ui["value"], layout=w.Layout(width="40%"))
        reason = w.Text(value=(entry.reason or "") if entry else "", placeholder=ui["reason"], layout=w.Layout(width="25%"))

        def changed(_c: Any = None) -> None:
            i = acts.index(action.value)
            if i == 0:
                self.answers.data.answers.pop(key, None)
                return
            v = value.value
            if kind == "list":
                v = [x for x in str(v).splitlines() if x.strip()]
            self.answers.data.answers[key] = Entry(value=None if i == 1 else v, reason=reason.value or None, confirmed=i == 1)

        for wd in (action, value, reason):
            wd.observe(changed, names="value")
        return w.VBox([head, w.HBox([action, value, reason])], layout=w.Layout(border_bottom="1px solid #ddd", padding="4px"))
