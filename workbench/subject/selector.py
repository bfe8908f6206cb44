"""Who is asked about: one identifier given by the requester, validated and normalised, and the SQL
(DuckDB dialect, no backslashes, so that it transpiles to Spark unchanged) that matches it.

* e-mail: case-insensitive, surrounding blanks ignored;
* phone: digits only, compared in every written form of the same number (``+49 30 1234567``,
  ``0049 30 1234567``, ``030 1234567``, ``(030) 123-4567``); a number given without its country code
  is also matched with the code of every country where libphonenumber says it is valid;
* national id: upper case, blanks and hyphens ignored;
* customer id: exact.

Free text is matched with a regular expression that requires a boundary on both sides (no digit
before or after a phone, no letter or digit around an id), so ``C0000017`` is not found in
``C00000170`` and a phone is not found inside a longer number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..boundary import value_shape
from ..engine import lit
from ..errors import InputError
from ..masking import mask

KINDS = ("email", "phone", "customer_id", "national_id")
_EMAIL = re.compile(r"^[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")
_NATIONAL = re.compile(r"^[0-9A-Z]{5,30}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# between two digits of a phone written in free text: blanks, brackets, dots, slashes, hyphens
_SEP = "[ ()./-]{0,2}"


def _cls(ch: str) -> str:
    """One character as a regex atom without a backslash (alphanumerics as they are)."""
    return ch if ch.isalnum() else f"[{ch}]"


@dataclass(frozen=True)
class Selector:
    """A validated identifier: ``kind`` (email | phone | customer_id | national_id) and ``value``
    (normalised). ``variants`` lists the digit strings a phone may be stored as."""

    kind: str
    value: str
    raw: str = field(repr=False, default="")
    variants: tuple[str, ...] = ()

    @property
    def category(self) -> str | None:
        """The inventory category whose columns hold this kind of value (None for customer ids)."""
        return None if self.kind == "customer_id" else self.kind

    def masked(self) -> str:
        return mask(self.value, self.kind)

    # -- SQL ---------------------------------------------------------------------------------
    def column_match(self, col: str) -> str:
        """SQL: the column (quoted identifier) holds this value."""
        text = f"CAST({col} AS VARCHAR)"
        if self.kind == "email":
            return f"lower(trim({text})) = {lit(self.value)}"
        if self.kind == "phone":
            digits = f"ltrim(regexp_replace({text}, '[^0-9]', '', 'g'), '0')"
            return f"{digits} IN ({', '.join(lit(v.lstrip('0')) for v in self.variants)})"
        if self.kind == "national_id":
            return f"upper(regexp_replace({text}, '[ -]', '', 'g')) = {lit(self.value)}"
        return f"trim({text}) = {lit(self.value)}"

    def text_match(self, col: str) -> str | None:
        """SQL: free text in the column mentions this value (a cheap substring test first, then the
        bounded pattern); None when the value cannot be searched for safely in text."""
        text = f"CAST({col} AS VARCHAR)"
        pattern = self.pattern()
        if pattern is None:
            return None
        if self.kind == "email":
            return f"(strpos(lower({text}), {lit(self.value)}) > 0 AND regexp_matches(lower({text}), {lit(pattern)}))"
        if self.kind == "phone":
            core = min(self.variants, key=len).lstrip("0")
            return (f"(strpos(regexp_replace({text}, '[^0-9]', '', 'g'), {lit(core)}) > 0 "
                    f"AND regexp_matches({text}, {lit(pattern)}))")
        if self.kind == "national_id":
            return (f"(strpos(upper(regexp_replace({text}, '[ -]', '', 'g')), {lit(self.value)}) > 0 "
                    f"AND regexp_matches(upper({text}), {lit(pattern)}))")
        return f"(strpos({text}, {lit(self.value)}) > 0 AND regexp_matches({text}, {lit(pattern)}))"

    def pattern(self) -> str | None:
        """The bounded regular expression (RE2, Java and Python alike) of a mention in free text;
        group 2 is the mention itself (e-mails against lower-case, national ids against upper-case text)."""
        if self.kind == "email":
            body = "".join(_cls(c) for c in self.value)
            return f"(^|[^a-z0-9._%+-])({body})($|[^a-z0-9_.-]|[.]($|[^a-z0-9]))"
        if self.kind == "phone":
            alts = "|".join(_SEP.join(v) for v in sorted(set(self.variants), key=lambda v: (-len(v), v)))
            return f"(^|[^0-9])({alts})($|[^0-9])"
        if self.kind == "national_id":
            body = "[ -]?".join(self.value)
            return f"(^|[^0-9A-Z])({body})($|[^0-9A-Z])"
        if any(c in self.value for c in "]\\^[") or not self.value:
            return None
        body = "".join(_cls(c) for c in self.value)
        return f"(^|[^0-9A-Za-z_])({body})($|[^0-9A-Za-z_])"


    def mentioned(self, text: str) -> list[str]:
        """The mentions in ``text`` exactly as written there (for a reviewable UPDATE)."""
        pattern = self.pattern()
        if pattern is None or not text:
            return []
        flags = re.IGNORECASE if self.kind in ("email", "national_id") else 0
        return list(dict.fromkeys(m.group(2) for m in re.finditer(pattern, text, flags)))


def _bad(kind: str, raw: str, why: str) -> InputError:
    """``why``: what the value should be, a key under ``error.subject.not_``."""
    return InputError.of(f"error.subject.not_{why}", "error.subject.value_hint", option=kind.replace("_", "-"),
                         shape=value_shape(raw))


def phone_variants(raw: str) -> tuple[str, ...]:
    """Every digit string the number may be stored as (see the module docstring)."""
    import phonenumbers

    s = raw.strip()
    digits = re.sub(r"[^0-9]", "", s)
    out: set[str] = set()
    international = s.startswith("+") or digits.startswith("00")
    if international:
        try:
            num = phonenumbers.parse("+" + digits[2:] if digits.startswith("00") and not s.startswith("+") else s, None)
            pairs = [(str(num.country_code), phonenumbers.national_significant_number(num))]
        except phonenumbers.NumberParseException:
            pairs = []
    else:
        nsn = digits.lstrip("0") if digits.startswith("0") else digits
        out |= {digits, nsn, "0" + nsn}
        pairs = []
        for region in sorted(phonenumbers.SUPPORTED_REGIONS):
            try:
                num = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(num):
                pairs.append((str(num.country_code), phonenumbers.national_significant_number(num)))
    for cc, nsn in pairs:
        out |= {nsn, "0" + nsn, cc + nsn, "00" + cc + nsn, cc + "0" + nsn, "00" + cc + "0" + nsn}
    if not out:
        out = {digits}
    return tuple(sorted(out))


def parse_selector(**given: str | None) -> Selector:
    """The one selector among ``email``, ``phone``, ``customer_id``, ``national_id`` that is set.

    Raises :class:`InputError` (exit 2) when none or several are given, or the value is malformed;
    the message shows the value's shape only (it is personal data)."""
    chosen = [(k, v) for k, v in given.items() if k in KINDS and v is not None]
    if len(chosen) != 1:
        raise InputError.of("error.subject.one_selector", n=len(chosen))
    kind, raw = chosen[0]
    raw = str(raw)
    if _CONTROL.search(raw) or len(raw) > 254:
        raise _bad(kind, raw, "line")
    value = raw.strip()
    if kind == "email":
        value = value.lower()
        if not _EMAIL.match(value):
            raise _bad(kind, raw, "email")
        return Selector(kind, value, raw)
    if kind == "phone":
        digits = re.sub(r"[^0-9]", "", value)
        if not _PHONE.match(value) or not 6 <= len(digits) <= 15:
            raise _bad(kind, raw, "phone")
        return Selector(kind, digits, raw, phone_variants(value))
    if kind == "national_id":
        value = re.sub(r"[ -]", "", value).upper()
        if not _NATIONAL.match(value):
            raise _bad(kind, raw, "national_id")
        return Selector(kind, value, raw)
    if not value:
        raise _bad(kind, raw, "customer_id")
    return Selector(kind, value, raw)
