"""Masking used by every output of the project: no raw personal value leaves the dataset.

``mask(value, category)`` picks the rule for a category; unknown categories are masked
generically (first and last character kept; values of up to :data:`SHORT` characters entirely).
``mask_text(text)`` masks every value the PII detectors find inside free text. Phones keep at
most their last four digits. The rest of the output boundary (markup escaping, secret
redaction, value shapes) lives in :mod:`workbench.boundary` and is re-exported here.
"""
from __future__ import annotations

import re

from .boundary import (escape, output_mode, redact_data, redact_notebook, redact_secrets, safe_frame, safe_html,
                       safe_message, value_shape)

_DIGITS = re.compile(r"\d")
SHORT = 4  # a value this short is masked entirely: keeping two of four characters reveals too much


def mask_email(v: str) -> str:
    local, _, domain = v.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_generic(v)


def mask_phone(v: str) -> str:
    # At most the last four digits survive: a prefix plus a suffix (55*0132) would leave a
    # seven-digit number guessable in ten tries.
    raw = v.strip()
    digits = re.sub(r"\D", "", raw)
    intl = raw.startswith(("+", "00"))
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{'+' if intl else ''}{'*' * (len(digits) - 4)}{digits[-4:]}"


def mask_card(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    return "**** **** **** " + digits[-4:] if len(digits) >= 12 else "*" * len(digits)


def mask_national_id(v: str) -> str:
    s = re.sub(r"[\s-]", "", v)
    if len(s) == 18:  # China resident id: 4201**********1234
        return s[:4] + "*" * 10 + s[-4:]
    if len(s) <= 8:  # the last four of a short id are most of it
        return "*" * len(s)
    return "*" * (len(s) - 4) + s[-4:]


def mask_iban(v: str) -> str:
    s = re.sub(r"\s", "", v)
    return s[:2] + "*" * (len(s) - 6) + s[-4:] if len(s) > 8 else "*" * len(s)


def mask_name(v: str) -> str:
    parts = v.split()
    if len(parts) == 1 and re.search(r"[\u3400-\u9fff]", v):  # 王小明 → 王**
        return v[:1] + "*" * (len(v) - 1)
    return " ".join(p[:1] + "*" * (len(p) - 1) for p in parts)


def mask_ip(v: str) -> str:
    if "." in v:
        a = v.split(".")
        return ".".join(a[:2] + ["*"] * (len(a) - 2))
    return v.split(":")[0] + ":****"


def mask_generic(v: str) -> str:
    v = str(v)
    if len(v) <= SHORT:
        return "*" * len(v)
    return v[0] + "*" * (len(v) - 2) + v[-1]


def mask_date(v: str) -> str:
    # Birth dates identify people: keep the shape, drop every digit.
    return _DIGITS.sub("*", str(v))


def mask_address(v: str) -> str:
    """Keep the first character and the punctuation; hide every letter, digit and CJK character."""
    v = str(v)
    return v[:1] + re.sub(r"[0-9A-Za-z\u00c0-\u024f\u3400-\u9fff]", "*", v[1:])


def mask_text(text: str) -> str:
    """Free text with every personal value :func:`workbench.pii.find` detects replaced by its mask."""
    if not text:
        return "" if text is None else str(text)
    from .pii import find  # local import: the detectors import nothing from here

    text = str(text)
    parts, last = [], 0
    for m in find(text):
        parts.append(text[last:m.start])
        parts.append(mask(text[m.start:m.end], m.category))
        last = m.end
    parts.append(text[last:])
    return "".join(parts)


def mask_staff_id(v: str) -> str:
    """A staff account id: in full by default (the reader must act on that account), masked when
    ``WORKBENCH_STAFF_IDS=masked`` (:mod:`workbench.pseudonyms`)."""
    from .pseudonyms import staff_ids_in_full

    return str(v) if staff_ids_in_full() else mask_generic(v)


def mask_customer_id(v: str) -> str:
    """A customer id as its stable keyed pseudonym (``C-…``), resolvable only with the local key."""
    from .pseudonyms import pseudonym

    return pseudonym(v, "customer_id")


_RULES = {
    "email": mask_email, "phone": mask_phone, "card_number": mask_card, "national_id": mask_national_id,
    "iban": mask_iban, "person_name": mask_name, "ip_address": mask_ip, "birth_date": mask_date,
    "address": mask_address, "staff_id": mask_staff_id, "customer_id": mask_customer_id,
}


__all__ = ["SHORT", "escape", "mask", "mask_address", "mask_card", "mask_date", "mask_email", "mask_generic",
           "mask_customer_id", "mask_iban", "mask_ip", "mask_name", "mask_national_id", "mask_phone", "mask_staff_id",
           "mask_text", "output_mode", "redact_data", "redact_notebook", "redact_secrets", "redact_url", "safe_frame",
           "safe_html", "safe_message", "value_shape"]


def mask(value: object, category: str | None = None) -> str:
    """Mask ``value`` by the rule of ``category`` (generic when ``None`` or unknown)."""
    if value is None:
        return ""
    return _RULES.get(category or "", mask_generic)(str(value))


def redact_url(text: str) -> str:
    """Passwords and tokens in URLs replaced by ``***`` — the boundary's :func:`redact_secrets`
    (one implementation for every output)."""
    return redact_secrets(text)
