"""Phone numbers written in national formats, validated with Google's libphonenumber metadata
(the ``phonenumbers`` package) instead of a digit count.

* ``nanp_phone``: North-American ``(415) 555-0132`` / ``415-555-0132``. Valid iff the 10 digits
  match a number-type pattern of a NANP region's metadata (exactly what ``is_valid_number`` checks
  for country code 1); the same regex runs vectorised in Polars, so a 1M-row column costs one
  regex pass, not a million ``parse`` calls. An unassigned area code (a UK NHS number such as
  ``221 395 1837``) is not a phone.
* ``national_phone``: numbers with a trunk prefix and separators (``0917 123 4567``,
  ``0532 123 45 67``, ``090-1234-5678``, ``06 12 34 56 78``), valid iff ``is_valid_number`` holds
  in one of :data:`PHONE_REGIONS` (the countries a CRM's customers are usually in; a number that
  is valid in none of them is not called a phone).
"""
from __future__ import annotations

import functools
import re

import numpy as np
import phonenumbers
import polars as pl

# Regions tried for a national-format number (trunk prefix 0). Why these: the jurisdictions this
# workbench reports on (EU member states, UK, CN) and the markets named in issue 12.
PHONE_REGIONS = ("GB", "DE", "FR", "ES", "IT", "NL", "BE", "AT", "PL", "SE", "IE", "PT", "CH", "DK", "FI", "CZ",
                 "CN", "JP", "KR", "TW", "PH", "TR", "IN", "AU", "NZ", "BR", "AR", "ZA", "TH", "ID", "MY", "VN")
_TYPES = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip", "pager",
          "uan", "voicemail")
_NON_DIGIT = re.compile(r"[^0-9]")
_DATE_LIKE = re.compile(r"^[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}$")
# 2026 05 06 / 06 05 2026: a date written with spaces; 250 000 000: a round amount
_SPACED_DATE = re.compile(r"^(?:(?:19|20)[0-9]{2} [01]?[0-9] [0-3]?[0-9]|[0-3]?[0-9] [01]?[0-9] (?:19|20)[0-9]{2})$")
_ROUND_AMOUNT = re.compile(r"^[1-9][0-9]{0,2}(?: 000)+$")


@functools.lru_cache(maxsize=1)
def nanp_pattern() -> str:
    """One regex over 10 digits: every number type of every NANP region's metadata (US, CA, PR,
    the Caribbean; ``\\d`` → ``[0-9]``)."""
    parts: list[str] = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for t in _TYPES:
            desc = getattr(meta, t)
            if desc is not None and desc.national_number_pattern:
                parts.append(desc.national_number_pattern.replace(r"\d", "[0-9]"))
    return "^(?:" + "|".join(f"(?:{p})" for p in dict.fromkeys(parts)) + ")$"


@functools.lru_cache(maxsize=1)
def _nanp_rx() -> re.Pattern[str]:
    return re.compile(nanp_pattern())


def _nanp_digits(v: str) -> str:
    d = _NON_DIGIT.sub("", v)
    return d[1:] if len(d) == 11 and d[0] == "1" else d


def nanp_phone(v: str) -> bool:
    """A North-American number valid in the numbering plan of a NANP region (US, CA, PR, ...)."""
    d = _nanp_digits(v)
    return len(d) == 10 and bool(_nanp_rx().match(d))


def nanp_phone_many(values: pl.Series) -> np.ndarray:
    d = values.str.replace_all("[^0-9]", "")
    d = pl.Series(np.where(((d.str.len_bytes() == 11) & d.str.starts_with("1")).fill_null(False).to_numpy(),
                           d.str.slice(1).to_numpy(), d.to_numpy()), dtype=pl.String)
    return ((d.str.len_bytes() == 10) & d.str.contains(nanp_pattern())).fill_null(False).to_numpy()


def _phone_shaped(s: str) -> bool:
    """8–13 digits, not a date, not one or two repeated digits: worth asking libphonenumber."""
    digits = _NON_DIGIT.sub("", s)
    return 8 <= len(digits) <= 13 and not _DATE_LIKE.match(s) and not _SPACED_DATE.match(s) and len(set(digits)) >= 3


@functools.lru_cache(maxsize=65536)
def national_phone(v: str) -> bool:
    """A trunk-prefixed national number valid in one of :data:`PHONE_REGIONS` (not a date)."""
    s = v.strip()
    if not _phone_shaped(s):
        return False
    for region in PHONE_REGIONS:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(s, region)):
                return True
        except phonenumbers.NumberParseException:
            return False
    return False


# what CRMs write in a country column that is not ISO 3166 alpha-2: the EU's 'EL' for Greece, 'UK'
_REGION_ALIASES = {"EL": "GR", "UK": "GB"}


def region_code(country: str | None) -> str:
    """libphonenumber's region for a customer's ``country`` value (ISO alpha-2), or '' if it has none."""
    c = (country or "").strip().upper()
    c = _REGION_ALIASES.get(c, c)
    return c if c in phonenumbers.SUPPORTED_REGIONS else ""


def region_codes(countries: pl.Series) -> np.ndarray:
    """:func:`region_code` of every value of a country column (object array, '' where unknown).

    Mapped once per distinct value, then broadcast by index: a 1M-row column costs milliseconds."""
    c = countries.cast(pl.String)
    uniq = c.drop_nulls().unique().sort().to_list()
    table = np.array(["", *(region_code(u) for u in uniq)], dtype=object)
    codes = c.replace_strict(uniq, list(range(1, len(uniq) + 1)), default=0, return_dtype=pl.UInt32)
    return table[codes.to_numpy()]


@functools.lru_cache(maxsize=65536)
def phone_in_region(v: str, region: str) -> bool:
    """Is ``v`` a valid phone number when read in ``region`` (a customer's country, ISO alpha-2)?

    The shape guards of :func:`national_phone`, and no round amount (250 000 000)."""
    s = v.strip()
    if not region or not _phone_shaped(s) or _ROUND_AMOUNT.match(s):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(s, region.upper()))
    except phonenumbers.NumberParseException:
        return False


def region_phone_many(values: pl.Series, regions: np.ndarray) -> np.ndarray:
    """:func:`phone_in_region` per (value, region) pair; each distinct pair is parsed once."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    pairs = pl.DataFrame({"v": values, "r": pl.Series(regions, dtype=pl.String)})
    uniq = pairs.unique(maintain_order=True)
    ok = [bool(v) and phone_in_region(v, r) for v, r in zip(uniq["v"].to_list(), uniq["r"].to_list())]
    verdict = uniq.with_columns(ok=pl.Series(ok, dtype=pl.Boolean))
    return pairs.join(verdict, on=["v", "r"], how="left", nulls_equal=True,
                      maintain_order="left")["ok"].fill_null(False).to_numpy()
