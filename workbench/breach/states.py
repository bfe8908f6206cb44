"""US state breach-notification laws applied to an exposure: who must be told in each state, by
when, and when the state's encryption safe harbour removes the duty. The rules are data in
``assessments/us_breach_laws.yaml`` (see :mod:`workbench.breach.statutes`)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .statutes import StateRule, load_states

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


def _hours(h: float | None) -> str:
    return "no fixed hour count" if h is None else f"{h:g} h"


def state_rows(exposure, laws, content: dict[str, list[str]]) -> tuple[list[dict], list[dict]]:
    """(obligations, exemptions) for the US residents of an exposure, one state at a time.

    A state's law is triggered when a name with an SSN / national id or an account or card
    number leaks unencrypted: here, when the exposure is high risk. When those identifiers were
    exposed only under field encryption, the state's safe harbour applies and the reason is
    recorded as an exemption."""
    rules = laws.states.states if laws.states else {}
    encrypted_ids = [c for c in exposure.encrypted_excluded if c.split(".")[-1] in SENSITIVE_COLUMNS]
    rows, exempt = [], []
    for code, n in sorted(exposure.by_state.items()):
        if n <= 0:
            continue
        rule: StateRule | None = rules.get(code)
        if rule is None:
            if exposure.high_risk:
                rows.append(_row(f"US-{code}", "affected US residents (state unknown)", None,
                                 "state not recorded: apply the strictest state rule (30 days, e.g. CA, CO, FL, NY, WA)",
                                 "US state breach laws (state unknown)", n, f"us-{code}-residents",
                                 f"{n:,} exposed US residents without a recorded state; identifiers exposed in plaintext: "
                                 f"{', '.join(exposure.sensitive_fields)}", content.get("default", [])))
            continue
        if not exposure.high_risk:
            if encrypted_ids and rule.encryption_safe_harbour:
                exempt.append(_row(f"US-{code}", f"affected {rule.name} residents", rule.deadline_hours, rule.deadline,
                                   rule.statute, n, f"us-{code.lower()}-residents",
                                   f"exempt: {rule.name}'s encryption safe harbour ({rule.statute}): "
                                   f"{', '.join(encrypted_ids)} exposed only under field encryption with keys held "
                                   "elsewhere; notice is owed if the key was also acquired", []))
            continue
        why = (f"{n:,} exposed {rule.name} residents; name with identifiers exposed in plaintext "
               f"({', '.join(exposure.sensitive_fields)}); deadline: {_hours(rule.deadline_hours)}")
        rows.append(_row(f"US-{code}", f"affected {rule.name} residents", rule.deadline_hours, rule.deadline,
                         rule.statute, n, f"us-{code.lower()}-residents", why,
                         content.get(code, content.get("default", []))))
        if rule.regulator and n >= rule.regulator_threshold:
            rows.append(_row(f"US-{code}", rule.regulator, rule.regulator_deadline_hours, rule.regulator_deadline,
                             rule.statute, n, f"us-{code.lower()}-regulator",
                             f"{n:,} {rule.name} residents notified >= the regulator threshold of "
                             f"{rule.regulator_threshold:,}", ["a copy or sample of the resident notice, the number of "
                                                              "residents notified and the timing of the notice"]))
    return rows, exempt


def _row(jurisdiction: str, to: str, hours: float | None, deadline: str, basis: str, records: int,
         oid: str, trigger: str, content: list[str]) -> dict:
    return {"jurisdiction": jurisdiction, "to": to, "deadline_hours": hours, "deadline": deadline,
            "basis": basis, "records": int(records), "trigger": trigger, "content": list(content), "obligation": oid}
