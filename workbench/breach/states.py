"""US state breach-notification laws applied to an exposure: who must be told in each state, by
when, and when the state's encryption safe harbour removes the duty. The rules are data in
``assessments/us_breach_laws.yaml`` (see :mod:`workbench.breach.statutes`)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .statutes import StateRule, load_states

SENSITIVE_COLUMNS = ("national_id", "card_number")
# matched by lawtext.state_unknown_content in the catalogue (rendered in the reader's language)
UNKNOWN_NOTE = ("the state is not recorded: the list above is good practice, not any state's legal requirement "
                "(once the state is known, its own list in us_breach_laws.yaml applies)")


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


def _hours(h: float | None) -> str:
    return "no fixed hour count" if h is None else f"{h:g} h"


def _combos(rule: StateRule) -> str:
    words = {"name": "name", "gov_id": "SSN / driver's licence / state id / passport", "card": "account or card number",
             "access_code": "its access code"}
    return " or ".join(" + ".join(words[e] for e in c) for c in rule.elements)


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
                rows.append({**_row(f"US-{code}", "affected US residents (state unknown)", None,
                                    "state not recorded: apply the strictest state rule (30 days, e.g. CA, CO, FL, NY, WA)",
                                    "US state breach laws (state unknown)", n, f"us-{code}-residents",
                                    f"{n:,} of {total:,} exposed US residents without a recorded state carry a name "
                                    "with an SSN or government id (or a card number with its code) in their own record",
                                    content.get("default", [])),
                             "content_note": UNKNOWN_NOTE, "good_practice": [],
                             "content_confidence": None})
            continue
        if not n:
            if encrypted_ids and rule.encryption_safe_harbour:
                exempt.append(_row(f"US-{code}", f"affected {rule.name} residents", rule.deadline_hours, rule.deadline,
                                   rule.statute, total, f"us-{code.lower()}-residents",
                                   f"exempt: {rule.name}'s encryption safe harbour ({rule.statute}): "
                                   f"{', '.join(encrypted_ids)} exposed only under field encryption with keys held "
                                   "elsewhere; notice is owed if the key was also acquired", []))
            elif card_only:
                exempt.append(_row(f"US-{code}", f"affected {rule.name} residents", rule.deadline_hours, rule.deadline,
                                   rule.statute, 0, f"us-{code.lower()}-residents",
                                   f"not owed: {card_only:,} of {total:,} exposed {rule.name} residents have a card or "
                                   f"account number without its access code, which {rule.statute} does not count "
                                   f"(counted: {_combos(rule)})" + (f"; {rule.elements_note}" if rule.elements_note else ""),
                                   []))
            continue
        why = (f"{n:,} of {total:,} exposed {rule.name} residents count, judged per person from their own exposed "
               f"elements ({_combos(rule)}); deadline: {_hours(rule.deadline_hours)}")
        if card_only:
            why += (f"; {card_only:,} more have a card number without its access code, not counted"
                    + (f" ({rule.elements_note})" if rule.elements_note else ""))
        items = list(rule.content or [])   # the statute's own list (each item cites its subsection)
        items += [f"must NOT contain: {f}" for f in rule.forbidden_content]
        ssn = exposure.count([["name", "gov_id"]], state=code)
        if rule.credit_monitoring_months and ssn:
            items.append(f"offer at least {rule.credit_monitoring_months} months of free credit monitoring or identity "
                         f"theft protection ({ssn:,} residents' SSNs or government ids exposed)")
        rows.append({**_row(f"US-{code}", f"affected {rule.name} residents", rule.deadline_hours, rule.deadline,
                            rule.statute, n, f"us-{code.lower()}-residents", why, items),
                     **notice_content(rule, content)})
        if rule.regulator and n >= rule.regulator_threshold:
            rows.append(_row(f"US-{code}", rule.regulator, rule.regulator_deadline_hours, rule.regulator_deadline,
                             rule.statute, n, f"us-{code.lower()}-regulator",
                             f"{n:,} {rule.name} residents notified ≥ the regulator threshold of "
                             f"{rule.regulator_threshold:,}", ["a copy or sample of the resident notice, the number of "
                                                              "residents notified and the timing of the notice"]))
        elif rule.regulator:
            exempt.append(_row(f"US-{code}", rule.regulator, rule.regulator_deadline_hours, rule.regulator_deadline,
                               rule.statute, n, f"us-{code.lower()}-regulator",
                               f"not owed: {n:,} {rule.name} residents to notify < the regulator threshold of "
                               f"{rule.regulator_threshold:,} (of {total:,} exposed, only those whose own elements "
                               "trigger the law count)", []))
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
         oid: str, trigger: str, content: list[str]) -> dict:
    return {"jurisdiction": jurisdiction, "to": to, "deadline_hours": hours, "deadline": deadline,
            "basis": basis, "records": int(records), "trigger": trigger, "content": list(content), "obligation": oid}
