"""Masking used by every output of the project: no raw personal value leaves the dataset.

``mask(value, category)`` picks the rule for a category; unknown categories are masked
generically (first and last character kept).
"""
from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


def mask_email(v: str) -> str:
    local, _, domain = v.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_generic(v)


def mask_phone(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    if len(digits) < 7:
        return "*" * len(digits)
    if len(digits) == 11 and digits.startswith("1"):  # China mobile: 138****5678
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{'+' if v.strip().startswith('+') else ''}{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"


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


_RULES = {
    "email": mask_email, "phone": mask_phone, "card_number": mask_card, "national_id": mask_national_id,
    "iban": mask_iban, "person_name": mask_name, "ip_address": mask_ip, "birth_date": mask_date,
}


def mask(value: object, category: str | None = None) -> str:
    """Mask ``value`` by the rule of ``category`` (generic when ``None`` or unknown)."""
    if value is None:
        return ""
    return _RULES.get(category or "", mask_generic)(str(value))
