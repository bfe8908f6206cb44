"""Masking used by every output of the project: no raw personal value leaves the dataset.

``mask(value, category)`` picks the rule for a category; unknown categories are masked
generically (first and last character kept). ``mask_text(text)`` masks every value the PII
detectors find inside free text.
"""
from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


def mask_email(v: str) -> str:
    local, _, domain = v.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_generic(v)


def mask_phone(v: str) -> str:
    raw = v.strip()
    digits = re.sub(r"\D", "", raw)
    intl = raw.startswith(("+", "00"))
    if len(digits) < 7:
        return "*" * len(digits)
    if intl and digits.startswith("86") and len(digits) == 13:  # +86 138****5678
        return f"+86 {digits[2:5]}****{digits[-4:]}"
    if not intl and len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":  # 138****5678
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{'+' if intl else ''}{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"


def mask_card(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    return "**** **** **** " + digits[-4:] if len(digits) >= 12 else "*" * len(digits)


def mask_national_id(v: str) -> str:
    s = re.sub(r"[\s-]", "", v)
    if len(s) == 18:  # China resident id: 4201**********1234
        return s[:4] + "*" * 10 + s[-4:]
    return "*" * max(len(s) - 4, 0) + s[-4:]


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
    if len(v) <= 2:
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


_RULES = {
    "email": mask_email, "phone": mask_phone, "card_number": mask_card, "national_id": mask_national_id,
    "iban": mask_iban, "person_name": mask_name, "ip_address": mask_ip, "birth_date": mask_date,
    "address": mask_address,
}


def mask(value: object, category: str | None = None) -> str:
    """Mask ``value`` by the rule of ``category`` (generic when ``None`` or unknown)."""
    if value is None:
        return ""
    return _RULES.get(category or "", mask_generic)(str(value))


_URL_SECRET = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]+)@", re.I)
_QUERY_SECRET = re.compile(r"(?P<key>[?&;](?:password|passwd|pwd|token|access_token|api_key|apikey|secret|key)=)[^&;\s]+", re.I)


def redact_url(text: str) -> str:
    """Passwords and tokens in URLs (``scheme://user:pw@host``, ``?token=...``) replaced by ``***``."""
    text = _URL_SECRET.sub(lambda m: f"{m['scheme']}{m['user']}:***@", str(text))
    return _QUERY_SECRET.sub(lambda m: f"{m['key']}***", text)
