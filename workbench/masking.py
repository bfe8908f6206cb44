"""Masking used by every output of the project: no raw personal value leaves the dataset.

``mask(value, category)`` picks the rule for a category; unknown categories are masked
generically (first and last character kept; values of up to :data:`SHORT` characters entirely).
``mask_text(text)`` masks every value the PII detectors find inside free text. Phones keep at
most their last four digits. The rules for detected categories, markup escaping, secret
redaction and value shapes live in the output boundary (:mod:`workbench.boundary`, the package's
bottom layer) and are re-exported here; this module adds the two rules that need the local
pseudonym key (staff and customer ids).
"""
from __future__ import annotations

from .boundary import (RULES, SHORT, escape, mask_address, mask_card, mask_date, mask_email, mask_generic, mask_iban,
                       mask_ip, mask_name, mask_national_id, mask_phone, mask_text, md, md_code, output_mode,
                       redact_data, redact_notebook, redact_secrets, safe_frame, safe_html, safe_message, strip_control,
                       value_shape)
from .pseudonyms import pseudonym, staff_ids_in_full


def mask_staff_id(v: str) -> str:
    """A staff account id: in full by default (the reader must act on that account), masked when
    ``WORKBENCH_STAFF_IDS=masked`` (:mod:`workbench.pseudonyms`)."""
    return str(v) if staff_ids_in_full() else mask_generic(v)


def mask_customer_id(v: str) -> str:
    """A customer id as its stable keyed pseudonym (``C-…``), resolvable only with the local key."""
    return pseudonym(v, "customer_id")


_RULES = {**RULES, "staff_id": mask_staff_id, "customer_id": mask_customer_id}


__all__ = ["SHORT", "escape", "mask", "mask_address", "mask_card", "mask_date", "mask_email", "mask_generic",
           "mask_customer_id", "mask_iban", "mask_ip", "mask_name", "mask_national_id", "mask_phone", "mask_staff_id",
           "mask_text", "md", "md_code", "output_mode", "redact_data", "redact_notebook", "redact_secrets",
           "redact_url", "safe_frame", "safe_html", "safe_message", "strip_control", "value_shape"]


def mask(value: object, category: str | None = None) -> str:
    """Mask ``value`` by the rule of ``category`` (generic when ``None`` or unknown)."""
    if value is None:
        return ""
    return _RULES.get(category or "", mask_generic)(str(value))


def redact_url(text: str) -> str:
    """Passwords and tokens in URLs replaced by ``***`` — the boundary's :func:`redact_secrets`
    (one implementation for every output)."""
    return redact_secrets(text)
