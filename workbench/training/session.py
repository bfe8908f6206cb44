"""Parameter handling for the training notebooks (04 trainee, 05 dashboard), so that the notebooks
stay one call per cell. Voilà cannot pass papermill parameters, so an empty parameter falls back to
the page's query string (``/?module=ID&lang=zh``, which Voilà hands the kernel as ``$QUERY_STRING``;
``workbench serve``), then an environment variable (``WORKBENCH_TRAINING_<NAME>``), then a default.

The trainee path (``session``/``run_session``) imports no pandas or plotly: every trainee page of
``workbench serve`` starts a kernel, and those imports were most of its start-up time and memory."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from ..errors import InputError
from ..i18n import DEFAULT, LANGS, t
from .content import CONTENT_DIR, Module, load_module
from .grading import Result, grade, load_answers
from .handout import handout_markdown

if TYPE_CHECKING:
    import pandas as pd

REPO = CONTENT_DIR.parent
DEFAULT_MODULE = "privacy-law-basics"


QUERY_PARAMS = ("module", "lang")  # what a trainee's URL may choose; never the store, trainee or mode


def _query(name: str) -> str:
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get(name) if name in QUERY_PARAMS else None
    return values[-1].strip() if values else ""


def _param(value: Any, name: str, default: Any = "") -> Any:
    if value not in (None, ""):
        return value
    return _query(name) or os.environ.get(f"WORKBENCH_TRAINING_{name.upper()}") or default


def _int_param(value: Any, name: str) -> int | None:
    raw = _param(value, name, "")
    if raw in (None, ""):
        return None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise InputError.of("error.session.not_int", "error.session.int_hint", name=name, value=raw) from None
    if number <= 0:
        raise InputError.of("error.session.not_positive", "error.session.int_hint", name=name, value=number)
    return number


@dataclass
class Session:
    """A validated trainee session (notebook 04)."""

    module: Module
    lang: str
    trainee: str
    department: str | None
    store: str
    answers: Path | None
    seed: int
    mode: str = "exam"
    max_attempts: int | None = None
    draw: int | None = None
    picker: bool = False  # served without ?module=: show the module picker

    @property
    def headless(self) -> bool:
        return self.answers is not None


def session(module: str = "", lang: str = "", trainee: str = "", department: str = "", store: str = "",
            answers: str = "", seed: Any = 7, mode: str = "", max_attempts: Any = "", draw: Any = "") -> Session:
    """Validate notebook 04's parameters (empty → ``?module=&lang=`` → ``$WORKBENCH_TRAINING_*`` → default).

    In a kernel of ``workbench serve``'s pre-started pool this first waits for the trainee's request."""
    from .preheat import await_request

    await_request()
    mode = str(_param(mode, "mode", "exam"))
    if mode not in ("exam", "practice"):
        raise InputError.of("error.session.mode", value=mode)
    module_id = str(_param(module, "module", ""))
    picker = not module_id and os.environ.get("WORKBENCH_TRAINING_PICKER") == "1"
    lang = str(_param(lang, "lang", "en"))
    if lang not in ("en", "zh"):
        raise InputError.of("error.session.lang", value=lang)
    try:
        seed_value = int(_param(seed, "seed", 7))
    except (TypeError, ValueError):
        raise InputError.of("error.session.not_int", "error.session.seed_hint", name="seed", value=seed) from None
    answers_path = _param(answers, "answers", "")
    return Session(module=load_module(module_id or DEFAULT_MODULE), lang=lang,
                   trainee=str(_param(trainee, "trainee", "")).strip(),
                   department=str(_param(department, "department", "")).strip() or None,
                   store=str(_param(store, "store", REPO / "training_results.db")),
                   answers=Path(answers_path).resolve() if answers_path else None, seed=seed_value, mode=mode,
                   max_attempts=_int_param(max_attempts, "max_attempts"), draw=_int_param(draw, "draw"), picker=picker)


@dataclass
class Outcome:
    """What notebook 04 displays: the widget app (interactive) or the graded handout (headless)."""

    session: Session
    app: Any = None
    result: Result | None = None
    attempt_id: int | None = None
    handout: str = ""

    @property
    def interactive(self) -> bool:
        return self.app is not None

    @property
    def picker(self) -> bool:
        """The module picker page (served without ?module=): nothing graded, nothing recorded."""
        return self.app is None and self.result is None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.app is not None:
            return self.app._repr_mimebundle_(**kwargs)
        return {"text/markdown": self.handout, "text/plain": self.handout}


def picker_markdown(lang: str = "en") -> str:
    """The module picker of ``workbench serve``: one link per module (``?module=ID``)."""
    from .content import load_all

    head = t("training.picker.title", lang if lang in LANGS else DEFAULT)
    items = [f"- [{m.title.get(lang)}](?module={m.id}&lang={lang}) · {m.estimated_minutes} min" for m in load_all()]
    return "\n".join([head, "", *items])


def run_session(s: Session) -> Outcome:
    """Interactive: build the widget app (or the module picker). Headless (``answers`` given): grade,
    record, render handout."""
    if s.picker and not s.headless:
        return Outcome(s, handout=picker_markdown(s.lang))
    if not s.headless:
        from .identity import load_roster
        from .widgets import TrainingApp

        return Outcome(s, app=TrainingApp(s.module, lang=s.lang, trainee=s.trainee, department=s.department,
                                          store=s.store, seed=s.seed, mode=s.mode, max_attempts=s.max_attempts,
                                          draw=s.draw, roster=load_roster()))
    from .store import save_attempt

    started = dt.datetime.now(dt.timezone.utc)
    result = grade(s.module, load_answers(s.answers), where=str(s.answers))
    attempt_id = None
    if s.trainee:
        attempt_id = save_attempt(s.store, trainee=s.trainee, department=s.department, module=s.module,
                                  result=result, started_at=started, lang=s.lang, source="notebook",
                                  mode=s.mode, max_attempts=s.max_attempts).attempt_id
    return Outcome(s, result=result, attempt_id=attempt_id,
                   handout=handout_markdown(s.module, s.lang, result=result, trainee=s.trainee or None))


@dataclass
class DashboardConfig:
    """Validated parameters of notebook 05."""

    store: str
    simulated: bool
    as_of: dt.date
    users: pd.DataFrame | None
    privileged: list[str] = field(default_factory=list)
    dataset_name: str = ""
    origin: str = "store"  # where the records come from: store | dataset | none
    note: str = ""
    rows: int = 0  # training records read from the dataset (origin "dataset")

    def banner(self) -> Any:
        from IPython.display import Markdown

        from ..boundary import md, md_code, redact_secrets  # Markdown: md escapes links, emphasis and markup

        if self.origin == "none":
            return Markdown(f"> **No training records.** {md(self.note)}. Staff of *{md(self.dataset_name)}* "
                            f"(as of {md(self.as_of)}); the figures below are empty.")
        if self.origin == "dataset":
            from ..i18n import markdown, t
            return markdown("appx.training_banner", note=t("appx.note_dataset", rows=self.rows),
                            roster=self.dataset_name, as_of=self.as_of)
        return Markdown(f"Results store: {md_code(Path(redact_secrets(self.store).split('///')[-1]).name)} · "
                        f"staff roster: *{md(self.dataset_name)}* · as of {md(self.as_of)}")


def dashboard_config(store: str = "", dataset: str = "", as_of: str = "") -> DashboardConfig:
    """Load the roster, resolve ``as_of`` and pick the training records: the store if given, else
    the dataset's ``training_results`` table, else none (every figure then says so; nothing is simulated)."""
    from ..dataset import load_dataset
    from .dashboard import privileged_roles
    from .records import NO_DATA, empty_store, training_source

    ds = load_dataset(_param(dataset, "dataset", REPO / "data" / "samples" / "acme_retail"), as_of=as_of or None)
    src = training_source(ds, str(_param(store, "store", "")) or None)
    return DashboardConfig(store=src.store or empty_store(ds), simulated=False, as_of=ds.as_of,
                           users=ds.tables.get("users"), privileged=privileged_roles(ds), dataset_name=ds.name,
                           origin=src.origin, note=src.note if src.origin != "none" else NO_DATA, rows=src.rows)


def headline(summary: dict[str, Any]) -> "pd.DataFrame":
    """The key figures of :func:`summary` as a two-column table."""
    import pandas as pd

    completion = summary.get("completion") or {}
    overdue = summary.get("overdue") or {}
    from ..presentation import cell, date, percent

    rows = [("as of", date(summary["as_of"])), ("simulated data", "yes" if summary["simulated"] else "no"),
            ("attempts (window)", cell(summary["attempts"])), ("trainees", cell(summary.get("trainees"))),
            ("mean score", percent(summary["mean_score"], 1)), ("pass rate", percent(summary["pass_rate"], 1)),
            ("active staff", cell(completion.get("staff"))), ("completion", percent(completion.get("overall"), 1)),
            ("overdue staff", cell(overdue.get("count"))),
            ("overdue with privileged roles", cell(overdue.get("privileged")))]
    return pd.DataFrame(rows, columns=["figure", "value"]).astype({"value": "string"})
