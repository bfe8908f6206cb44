"""US state breach-notification laws applied to an exposure: who must be told in each state, by
when, and when the state's encryption safe harbour removes the duty. The rules are data in
``assessments/us_breach_laws.yaml`` (see :mod:`workbench.breach.statutes`)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .statutes import StateRule, load_states
from .text import Joined, Phrase, Quote, Term, Text, state_word

SENSITIVE_COLUMNS = ("national_id", "card_number")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    rules = load_states().states
    out = {code: code for code in rules}
    out.update({r.name.upper(): code for code, r in rules.items()})
    return out


def state_code(value) -> str | None:
    """USPS code of a state given as a code or a full name (``None`` when empty or unknown)."""
    if value is None or pd.isna(value) or str(value).strip() == "":
        return None
    return _names().get(str(value).strip().upper())


def _hours(h: float | None) -> Text:
    return Text("lawword.no_fixed") if h is None else Text("lawtext.us_hours", h=f"{h:g}")


_WORDS = {"name": "lawword.name", "gov_id": "lawword.us_gov_id", "card": "lawword.account_card",
          "access_code": "lawword.its_code"}


def _combos(rule: StateRule) -> Phrase:
    """"name + SSN / driver's licence / state id / passport or name + account or card number + its access code"."""
    return _combos_of(tuple(tuple(c) for c in rule.elements))


@lru_cache(maxsize=None)
def _combos_of(elements: tuple[tuple[str, ...], ...]) -> Phrase:
    return Joined([Joined([Text(_WORDS[e]) for e in c], " + ") for c in elements], Text("lawword.or"))


def _note(rule: StateRule) -> Quote:
    return Quote(rule.elements_note, {"zh": rule.elements_note_zh})


def state_rows(exposure, laws, content: dict[str, list[str]]) -> tuple[list[dict], list[dict]]:
    """(obligations, exemptions) for the US residents of an exposure, one state at a time.

    A resident counts when *their own* exposed elements meet one of the state's element
    combinations (``elements`` in us_breach_laws.yaml, e.g. California §1798.82(h): name + SSN /
    driver's licence / state id / passport, or name + account or card number *with* its access
    code). The regulator threshold compares with the residents who count. When identifiers
    were exposed only under field encryption, the state's safe harbour is recorded as an
    exemption."""
    rules = laws.states.states if laws.states else {}
    encrypted_ids = [c for c in exposure.encrypted_excluded if c.split(".")[-1] in SENSITIVE_COLUMNS]
    rows, exempt = [], []
    default_combos = [["name", "gov_id"], ["name", "card", "access_code"]]
    for code, total in sorted(exposure.by_state.items()):
        if total <= 0:
            continue
        rule: StateRule | None = rules.get(code)
        combos = rule.elements if rule else default_combos
        n = exposure.count(combos, state=code)
        card_only = exposure.count([["name", "card"]], state=code) - exposure.count([["name", "card", "access_code"]], state=code)
        if rule is None:
            if n:
                rows.append({**_row(f"US-{code}", Text("lawword.us_unknown_to"), None,
                                    Text("deadline_text.state_not_recorded:_apply_the_strictest_state_rule_(30_days,_e.g._ca,"
                                         "_co,_fl,_ny,_wa)"),
                                    Text("lawword.us_laws_unknown"), n, f"us-{code}-residents",
                                    Text("lawtext.us_unknown", n=f"{n:,}", total=f"{total:,}"),
                                    content.get("default", [])),
                             "content_note": Text("lawtext.state_unknown_content"), "good_practice": [],
                             "content_confidence": None})
            continue
        state = state_word(rule.name)
        affected = Text("lawtext.us_affected", state=state)
        if not n:
            if encrypted_ids and rule.encryption_safe_harbour:
                exempt.append(_row(f"US-{code}", affected, rule.deadline_hours, rule.deadline,
                                   rule.statute, total, f"us-{code.lower()}-residents",
                                   Joined([Text("lawtext.us_safe_harbour", state=state, statute=Term(rule.statute),
                                                ids=", ".join(encrypted_ids)), Text("lawtext.us_key_acquired")]), []))
            elif card_only:
                why = [Text("lawtext.us_card_only", c=f"{card_only:,}", total=f"{total:,}", state=state,
                            statute=Term(rule.statute), combos=_combos(rule))]
                exempt.append(_row(f"US-{code}", affected, rule.deadline_hours, rule.deadline,
                                   rule.statute, 0, f"us-{code.lower()}-residents",
                                   Joined(why + ([_note(rule)] if rule.elements_note else [])), []))
            continue
        why = [Text("lawtext.us_count", n=f"{n:,}", total=f"{total:,}", state=state, combos=_combos(rule)),
               Text("lawtext.us_deadline", hours=_hours(rule.deadline_hours))]
        if card_only:
            why.append(Text("lawtext.us_more_note", c=f"{card_only:,}", note=_note(rule)) if rule.elements_note
                       else Text("lawtext.us_more", c=f"{card_only:,}"))
        items = list(rule.content or [])   # the statute's own list (each item cites its subsection)
        items += [Text("lawtext.must_not", item=Quote(f, {"zh": z}))   # *_zh: one per item, checked on load
                  for f, z in zip(rule.forbidden_content, rule.forbidden_content_zh)]
        ssn = exposure.count([["name", "gov_id"]], state=code)
        if rule.credit_monitoring_months and ssn:
            items.append(Text("lawtext.credit_monitoring", m=f"{rule.credit_monitoring_months}", n=f"{ssn:,}"))
        rows.append({**_row(f"US-{code}", affected, rule.deadline_hours, rule.deadline,
                            rule.statute, n, f"us-{code.lower()}-residents", Joined(why), items),
                     **notice_content(rule, content)})
        if rule.regulator and n >= rule.regulator_threshold:
            rows.append(_row(f"US-{code}", rule.regulator, rule.regulator_deadline_hours, rule.regulator_deadline,
                             rule.statute, n, f"us-{code.lower()}-regulator",
                             Text("lawtext.us_regulator", n=f"{n:,}", state=state, thr=f"{rule.regulator_threshold:,}"),
                             [Text("lawtext.regulator_copy")]))
        elif rule.regulator:
            exempt.append(_row(f"US-{code}", rule.regulator, rule.regulator_deadline_hours, rule.regulator_deadline,
                               rule.statute, n, f"us-{code.lower()}-regulator",
                               Text("lawtext.us_no_regulator", n=f"{n:,}", state=state, thr=f"{rule.regulator_threshold:,}",
                                    total=f"{total:,}"), []))
    return rows, exempt


def notice_content(rule: StateRule, content: dict[str, list[str]]) -> dict:
    """What a state resident row adds beside ``content`` (the statute's own items): the note on
    the list (e.g. "the statute prescribes no content ..."), ``good_practice`` (the default list,
    when the statute prescribes none or only a partial list: good practice, not a requirement)
    and ``content_confidence`` (how sure the compiler of us_breach_laws.yaml is; nothing reviewed)."""
    return {"content_note": rule.content_note,
            "good_practice": list(content.get("default", [])) if rule.shows_good_practice else [],
            "content_confidence": rule.content_confidence}


def _row(jurisdiction: str, to: str, hours: float | None, deadline: str, basis: str, records: int,
         oid: str, trigger: Phrase, content: list[str]) -> dict:
    return {"jurisdiction": jurisdiction, "to": to, "deadline_hours": hours, "deadline": deadline,
            "basis": basis, "records": int(records), "trigger": trigger, "content": list(content), "obligation": oid}
