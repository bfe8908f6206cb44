"""Map a data subject's country (ISO alpha-2) and state to the regime that protects them."""
from __future__ import annotations

import pandas as pd

# EU member states plus the EEA three (Iceland, Liechtenstein, Norway): GDPR applies to all.
EU_EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)


def subject_jurisdiction(country: str | None, state: str | None = None) -> str | None:
    """Return ``EU``, ``US-CA``, ``CN``, ``US`` or the country code itself (``None`` if unknown)."""
    if country is None or (isinstance(country, float) and pd.isna(country)) or country == "":
        return None
    c = str(country).strip().upper()
    if c in EU_EEA or c == "EL":  # EL is the EU's own code for Greece
        return "EU"
    if c == "CN":
        return "CN"
    if c == "US":
        s = "" if state is None or (isinstance(state, float) and pd.isna(state)) else str(state).strip().upper()
        return "US-CA" if s in {"CA", "CALIFORNIA"} else "US"
    return c
