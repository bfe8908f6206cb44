"""A module as ipywidgets: lesson pages, one question per page, a final score, an en/zh switch, and a
per-trainee seeded order (optionally N of M questions). Finishing records the attempt.

Two modes (issue 16 / issue 11 item 7). ``exam``: no feedback until the final submit, then the
result with every answer explained; that attempt is the one that can be the score of record.
``practice``: instant feedback per question; recorded as practice, never as a score. Retrying the
missed questions after an exam shows answers, so the retry is practice. ``max_attempts`` caps exam
attempts per trainee and module (further sessions are practice). A failed write keeps the answers
and offers "Save again".

Under papermill nothing clicks: headless grading goes through :func:`workbench.training.grade`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from ..boundary import escape  # the output boundary: every value in widget HTML
from ..i18n import DEFAULT, LANGS, t as message
from .content import Module, Question, load_module
from .exam import arrange, trainee_rng
from .grading import Answer, Result, grade, is_correct, normalise
from .handout import format_answer, markdown_to_html
from .identity import Identity, identify
from .ui import labels



class TrainingApp:
    """Interactive runner of one module. ``app.widget`` is the root widget (displayed by Jupyter/Voilà).

    Tests drive it like a trainee: set ``app.choice.value`` (single/true_false) or
    ``app.choice_boxes[id].value`` (multiple/spot), then ``app.check_button.click()``,
    ``app.next_button.click()`` …; the last question's next button finishes and records.
    """

    def __init__(self, module: Module | str, *, lang: str = "en", trainee: str = "", department: str | None = None,
                 store: str | None = None, seed: int | None = None, shuffle: bool = True, record: bool = True,
                 clock: Callable[[], dt.datetime] | None = None, mode: str = "exam", draw: int | None = None,
                 max_attempts: int | None = None, roster: Mapping[str, Mapping[str, Any]] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.module = load_module(module) if isinstance(module, str) else module
        self.lang = lang if lang in LANGS else DEFAULT
        if mode not in ("exam", "practice"):
            raise ValueError(f"mode must be 'exam' or 'practice', not {mode!r}")
        self.department, self.store, self.record = department, store, record
        self.roster, self.env, self.seed, self.shuffle = roster, env, seed, shuffle
        self.draw = draw if draw is not None else self.module.draw
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.started_at = self._clock()
        self.identity: Identity | None = identify(trainee, env=env, roster=roster, department=department)
        self.mode, self.notice, self.max_attempts = mode, "", max_attempts
        self._check_cap(self.identity)
        self.responses: dict[str, Answer] = {}
        self.checked: set[str] = set()
        self.results: list[Result] = []
        self.attempt_ids: list[int] = []
        self.pending: tuple[Result, str] | None = None  # graded but not saved yet (no id, or the store failed)
        self.round = 1
        self._arranged_for: str | None = None
        self._arrange()
        self.page = 0
        self._build(trainee if self.identity is None or self.identity.self_declared else "")
        self.render()

    def _check_cap(self, ident: Identity | None) -> None:
        """An exam whose trainee has used ``max_attempts`` becomes practice from the start (the store
        enforces the cap again when the attempt is saved, for a second tab or a late-typed id)."""
        if self.mode == "exam" and self.max_attempts is not None and self.record and ident is not None:
            from .store import exam_attempts_count

            if exam_attempts_count(self.store, ident.trainee_id, self.module.id) >= self.max_attempts:
                self.mode, self.notice = "practice", "capped"

    def _arrange(self) -> None:
        """Seed the question/option order (and pool draw) for the trainee known at start."""
        self._arrange_for(self.identity.trainee_id if self.identity else "")

    # ---------------------------------------------------------------- widgets
    def _build(self, trainee: str) -> None:
        full = w.Layout(width="100%")
        self.lang_toggle = w.ToggleButtons(options=[(message(f"language.{x}", x), x) for x in LANGS], value=self.lang)
        self.lang_toggle.observe(self._on_lang, names="value")
        self.trainee_input = w.Text(value=trainee or "", description="", placeholder="U00001",
                                    layout=w.Layout(width="14em"))
        self.trainee_label = w.HTML()
        self.progress = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="60%"))
        self.progress_label = w.HTML()
        self.title = w.HTML(layout=full)
        self.body = w.HTML(layout=full)
        self.answer_box = w.VBox(layout=full)
        self.feedback = w.HTML(layout=full)
        self.check_button = w.Button(button_style="info", icon="check")
        self.back_button = w.Button(icon="arrow-left")
        self.next_button = w.Button(button_style="primary")
        self.retry_button = w.Button(button_style="warning", icon="repeat")
        self.save_button = w.Button(button_style="danger", icon="save")
        self.save_button.on_click(lambda _b: self.save())
        self.mode_note = w.HTML(layout=full)
        self.check_button.on_click(lambda _b: self.check())
        self.back_button.on_click(lambda _b: self.back())
        self.next_button.on_click(lambda _b: self.next())
        self.retry_button.on_click(lambda _b: self.retry())
        self.choice: w.RadioButtons | None = None
        self.choice_boxes: dict[str, w.Checkbox] = {}
        header = w.HBox([self.lang_toggle, self.trainee_label, self.trainee_input])
        if self.identity is not None and not self.identity.self_declared:
            self.trainee_input.layout.display = "none"  # the platform says who this is: nothing to type
        nav = w.HBox([self.back_button, self.check_button, self.next_button, self.retry_button, self.save_button])
        self.widget = w.VBox([header, self.mode_note, w.HBox([self.progress, self.progress_label]), self.title, self.body,
                              self.answer_box, self.feedback, nav], layout=full)
        self.widget.add_class("workbench-training")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def t(self) -> dict[str, str]:
        return labels(self.lang)

    @property
    def trainee(self) -> str:
        """The trainee id that will be recorded (platform user, else the typed id, normalised)."""
        ident = self._identity()
        return ident.trainee_id if ident else ""

    def _identity(self) -> Identity | None:
        if self.identity is not None and not self.identity.self_declared:
            return self.identity
        return identify(self.trainee_input.value, env={}, roster=self.roster, department=self.department)

    @property
    def practising(self) -> bool:
        """True when this round shows answers as it goes (practice mode, or a retry after an exam)."""
        return self.mode == "practice" or self.round > 1

    @property
    def current_question(self) -> Question | None:
        kind, ref = self.pages[self.page]
        return self.module.question(ref) if kind == "question" else None

    # ---------------------------------------------------------------- rendering
    def render(self) -> None:
        t = self.t
        kind, ref = self.pages[self.page]
        ident = self.identity
        if ident is not None and not ident.self_declared:
            self.trainee_label.value = f"<b>{t['signed_in']}:</b> {escape(ident.trainee_id)} ({escape(ident.source)})"
        else:
            self.trainee_label.value = f"<b>{t['trainee']}</b> ({t['self_declared']}):"
        note = t["practice_note"] if self.practising else t["exam_note"]
        if self.notice == "capped":
            note = t["capped"].format(n=self.max_attempts) + " " + note
        self.mode_note.value = f"<p class='workbench-mode {'practice' if self.practising else 'exam'}'><i>{escape(note)}</i></p>"
        self.save_button.description = t["save_again"]
        self.save_button.layout.display = None if (self.pending and kind == "result") else "none"
        self.progress.max = max(len(self.pages) - 1, 1)
        self.progress.value = self.page
        n_lessons = sum(1 for k, _ in self.pages if k == "lesson")
        n_questions = sum(1 for k, _ in self.pages if k == "question")
        round_note = f" · {t['round'].format(n=self.round - 1)}" if self.round > 1 else ""
        self.back_button.description = t["back"]
        self.back_button.disabled = self.page == 0 or kind == "result"
        self.check_button.description = t["check"]
        self.retry_button.description = t["retry"]
        self.retry_button.layout.display = "none"
        self.feedback.value = ""
        self.choice, self.choice_boxes = None, {}
        self.answer_box.children = ()
        module_title = escape(self.module.title.get(self.lang))
        if kind == "lesson":
            lesson = self.module.lessons[ref]
            self.progress_label.value = f"{t['lesson']} {ref + 1} {t['of']} {n_lessons}"
            self.title.value = f"<h2>{module_title}</h2><h3>{escape(lesson.title.get(self.lang))}</h3>"
            self.body.value = markdown_to_html(lesson.body.get(self.lang))
            self.check_button.layout.display = "none"
            self.next_button.description, self.next_button.icon = t["next"], "arrow-right"
            self.next_button.layout.display = None
        elif kind == "question":
            q = self.module.question(ref)
            number = [r for k, r in self.pages if k == "question"].index(ref) + 1
            self.progress_label.value = f"{t['question']} {number} {t['of']} {n_questions}{round_note}"
            self.title.value = f"<h3>{t['question']} {number}</h3>"
            record = f"<pre>{escape(q.record)}</pre>" if q.record else ""
            hint = f"<p><i>{t['select_all']}</i></p>" if q.multi else ""
            self.body.value = f"<p>{escape(q.prompt.get(self.lang))}</p>{record}{hint}"
            self._build_answer(q)
            self.check_button.layout.display = None if self.practising else "none"  # exam: no answers before Finish
            self.check_button.disabled = q.id in self.checked
            last = number == n_questions
            self.next_button.description = t["finish"] if last else t["next"]
            self.next_button.icon = "flag-checkered" if last else "arrow-right"
            self.next_button.layout.display = None
            if q.id in self.checked:
                self.feedback.value = self._feedback_html(q, self.responses.get(q.id))
        else:
            self.progress_label.value = t["result"]
            self.title.value = f"<h2>{module_title}</h2>"
            self.body.value = self._result_html()
            self.check_button.layout.display = "none"
            self.next_button.layout.display = "none"
            wrong = self.results[-1].wrong if self.results else []
            self.retry_button.layout.display = None if wrong and not self.pending else "none"

    def _label(self, q: Question, option_id: str) -> str:
        return q.option(option_id).text.get(self.lang)

    def _build_answer(self, q: Question) -> None:
        locked = q.id in self.checked
        previous = self.responses.get(q.id)
        ids = self.option_order[q.id]
        if q.multi:
            chosen = set(previous) if isinstance(previous, list) else set()
            self.choice_boxes = {i: w.Checkbox(value=i in chosen, description=self._label(q, i), indent=False,
                                               disabled=locked, layout=w.Layout(width="100%")) for i in ids}
            self.answer_box.children = tuple(self.choice_boxes[i] for i in ids)
        else:
            value = ("true" if previous else "false") if isinstance(previous, bool) else previous
            self.choice = w.RadioButtons(options=[(self._label(q, i), i) for i in ids], value=value,
                                         disabled=locked, layout=w.Layout(width="100%"))
            self.answer_box.children = (self.choice,)

    def _selection(self) -> Any:
        if self.choice_boxes:
            return [i for i, box in self.choice_boxes.items() if box.value]
        return self.choice.value if self.choice is not None else None

    def _feedback_html(self, q: Question, answer: Answer | None) -> str:
        t = self.t
        ok = is_correct(q, answer)
        chosen = (["true" if answer else "false"] if isinstance(answer, bool)
                  else (answer if isinstance(answer, list) else ([answer] if answer else [])))
        notes = [f"<li><b>{escape(self._label(q, i))}</b>: {escape(q.option(i).feedback.get(self.lang))}</li>"
                 for i in chosen if q.option(i).feedback]
        parts = [f"<p class='workbench-feedback {'ok' if ok else 'ko'}' style='color:{'#1a7f37' if ok else '#b42318'}'>"
                 f"<b>{t['correct'] if ok else t['wrong']}</b></p>"]
        if notes:
            parts.append(f"<ul>{''.join(notes)}</ul>")
        if not ok:
            parts.append(f"<p><b>{t['answer_is']}:</b> {escape(format_answer(q, q.answer, self.lang, with_ids=False))}</p>")
        parts.append(f"<p><b>{t['why']}:</b> {escape(q.explanation.get(self.lang))}</p>"
                     f"<p><i>{t['ref']}: {escape(q.reference)}</i></p>")
        return "".join(parts)

    def _result_html(self) -> str:
        t = self.t
        if not self.results:
            return ""
        r = self.results[-1]
        verdict = t["passed"] if r.passed else t["failed"]
        colour = "#1a7f37" if r.passed else "#b42318"
        out = [f"<h3 class='workbench-score'>{t['score']}: {r.score:.0%} — "
               f"<span style='color:{colour}'>{verdict}</span></h3>",
               f"<p>{t['pass_mark']}: {self.module.pass_mark:.0%}</p>"]
        if r.wrong:
            items = "".join(f"<li>{escape(self.module.question(qid).prompt.get(self.lang))}</li>" for qid in r.wrong)
            out.append(f"<p><b>{t['missed']}:</b></p><ul>{items}</ul>")
        else:
            out.append(f"<p>{t['all_right']}</p>")
        out.append(f"<p class='workbench-record'>{self._record_note}</p>")
        if self.round == 1 and self.mode == "exam":  # the exam is submitted: now the answers may be shown
            items = []
            for q in self.questions:
                answer = self.responses.get(q.id)
                mine = format_answer(q, answer, self.lang, with_ids=False) if answer is not None else "—"
                items.append(f"<li><p>{escape(q.prompt.get(self.lang))}</p><p>{t['your_answer']}: {escape(mine)}"
                             f"</p>{self._feedback_html(q, answer)}</li>")
            out.append(f"<details class='workbench-review'><summary>{t['review']}</summary><ol>{''.join(items)}</ol></details>")
        return "".join(out)

    # ---------------------------------------------------------------- actions
    def _on_lang(self, change: dict[str, Any]) -> None:
        self._capture()
        self.lang = change["new"]
        self.render()

    def _capture(self) -> None:
        """Keep an unchecked selection when the trainee leaves the page or switches language."""
        q = self.current_question
        if q is None or q.id in self.checked:
            return
        value = normalise(q, self._selection(), "widget")
        if value is None:
            self.responses.pop(q.id, None)
        else:
            self.responses[q.id] = value

    def check(self) -> bool | None:
        """Check the current answer and show feedback; returns whether it was correct."""
        q = self.current_question
        if q is None or q.id in self.checked or not self.practising:  # exam: no answer before the final submit
            return None
        value = normalise(q, self._selection(), "widget")
        if value is None:
            self.feedback.value = f"<p style='color:#b54708'>{self.t['choose']}</p>"
            return None
        self.responses[q.id] = value
        self.checked.add(q.id)
        self.render()
        return is_correct(q, value)

    def back(self) -> None:
        if self.page > 0 and self.pages[self.page][0] != "result":
            self._capture()
            self.page -= 1
            self.render()

    def next(self) -> None:
        kind, _ = self.pages[self.page]
        if kind == "result":
            return
        self._capture()
        if self.pages[self.page + 1][0] == "result":
            self.finish()
            return
        if kind == "lesson" and self.pages[self.page + 1][0] == "question" and self.round == 1 and not self.responses:
            ident = self._identity()  # the quiz starts: seed it for the trainee typed by now
            if ident is not None and ident.trainee_id != self._arranged_for:
                self.identity = ident if not ident.self_declared else self.identity
                self._check_cap(ident)  # an id typed into the page counts against the cap too
                page = self.page
                self._arrange_for(ident.trainee_id)
                self.page = page
        self.page += 1
        self.render()

    def _arrange_for(self, trainee: str) -> None:
        """Questions (a pool draw when set), their order and option orders, seeded per trainee × module."""
        rng = trainee_rng(self.seed, trainee, self.module.id)
        self.questions, self.option_order = arrange(self.module, rng, shuffle=self.shuffle, draw=self.draw)
        self._arranged_for = trainee
        self.pages: list[tuple[str, Any]] = ([("lesson", i) for i in range(len(self.module.lessons))]
                      + [("question", q.id) for q in self.questions] + [("result", None)])

    _record_note = ""

    def finish(self) -> Result:
        """Grade the questions asked this round, record the attempt and show the result page."""
        self._capture()
        # a retry grades the whole quiz again, but as practice: it is never a score of record
        result = grade(self.module, self.responses, questions=[q.id for q in self.questions], where="widget")
        self.results.append(result)
        self.pending = (result, "practice" if self.practising else "exam") if self.record else None
        self._record_note = ""
        self.page = len(self.pages) - 1
        self.save()
        return result

    def save(self) -> int | None:
        """Write the pending attempt; on failure keep it, say why and offer "Save again"."""
        if self.pending is None:
            self.render()
            return None
        result, mode = self.pending
        ident = self._identity()
        attempt_id = None
        if ident is None:
            self._record_note = escape(self.t["not_recorded"])
        elif ident.on_roster is False and ident.self_declared:
            self._record_note = escape(self.t["not_on_roster"].format(id=ident.trainee_id))
        else:
            from .store import save_attempt
            try:
                saved = save_attempt(self.store, trainee=ident.trainee_id, department=ident.department,
                                     module=self.module, result=result, started_at=self.started_at,
                                     finished_at=self._clock(), lang=self.lang, source="widget", mode=mode,
                                     identity=ident.source, max_attempts=self.max_attempts)
                attempt_id = saved.attempt_id
            except Exception as e:  # noqa: BLE001 - whatever broke, the trainee must keep the answers
                from ..errors import WorkbenchError

                reason = str(e) if isinstance(e, WorkbenchError) else type(e).__name__
                self._record_note = escape(self.t["store_error"].format(err=reason))
            else:
                self.attempt_ids.append(attempt_id)
                self.pending = None
                capped = saved.mode != mode  # the cap was met meanwhile (another tab, a typed id)
                key = "practice_recorded" if saved.mode == "practice" and (self.mode == "exam" or capped) else "recorded"
                self._record_note = escape((self.t["capped"].format(n=self.max_attempts) + " " if capped else "")
                                                + self.t[key].format(id=attempt_id))
        if self.pages[self.page][0] == "result":
            self.render()
        return attempt_id

    def retry(self) -> None:
        """Start a round with only the questions missed in the last result."""
        if not self.results or not self.results[-1].wrong:
            return
        missed = set(self.results[-1].wrong)
        for qid in missed:
            self.responses.pop(qid, None)
            self.checked.discard(qid)
        self.round += 1
        self.started_at = self._clock()
        self.pages = [("question", q.id) for q in self.questions if q.id in missed] + [("result", None)]
        self.page = 0
        self.render()


def training_app(module: Module | str, **kwargs: Any) -> TrainingApp:
    """Build the interactive app for ``module`` (see :class:`TrainingApp` for options)."""
    return TrainingApp(module, **kwargs)
