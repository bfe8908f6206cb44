"""Validators that turn a pattern match into a proof: checksums and plausibility rules.

Each validator exists twice with the same meaning: a scalar ``str -> bool`` (used by
:func:`workbench.pii.find` and for small candidate sets) and, where it pays, a vectorised
``list[str] -> numpy bool array`` used by the column engine on large candidate sets.
Tests check that both agree.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from .identifiers import IDENTIFIER_VALIDATORS, IIN_PATTERNS, card_iin
from .names import latin_person_name, zh_person_name
from .phones import nanp_phone, nanp_phone_many, national_phone, phone_in_region, region_phone_many

_NON_DIGIT = re.compile(r"[^0-9]")
CN_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CN_ID_CHECK_DIGITS = "10X98765432"
_IBAN_DIGITS = {ord(c): str(int(c, 36)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _digits(v: str) -> str:
    return _NON_DIGIT.sub("", v)


def luhn(v: str) -> bool:
    """Payment card: 13–19 digits whose Luhn checksum is 0 (separators ignored)."""
    d = _digits(v)
    if not 13 <= len(d) <= 19 or len(set(d)) == 1:
        return False
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = ord(ch) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def payment_card(v: str) -> bool:
    """Payment card: a real issuer prefix (IIN range) for its length, then Luhn."""
    d = _digits(v)
    return card_iin(d) and luhn(d)


def _ymd_ok(y: int, m: int, d: int, max_year: int) -> bool:
    if not (1900 <= y <= max_year and 1 <= m <= 12 and d >= 1):
        return False
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    return d <= int(_DAYS[m]) - (m == 2 and not leap)


def _plausible_ymd(y: np.ndarray, m: np.ndarray, d: np.ndarray, max_year: int) -> np.ndarray:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    ok_m = (m >= 1) & (m <= 12)
    dim = _DAYS[np.clip(m, 0, 12)] - ((np.clip(m, 0, 12) == 2) & ~leap)
    return (y >= 1900) & (y <= max_year) & ok_m & (d >= 1) & (d <= dim)


def cn_resident_id(v: str) -> bool:
    """China resident identity card (GB 11643): 18 chars, real birth date, ISO 7064 MOD 11-2 check."""
    s = v.strip().upper()
    if len(s) != 18 or not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        return False
    if not _ymd_ok(int(s[6:10]), int(s[10:12]), int(s[12:14]), dt.date.today().year):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], CN_ID_WEIGHTS.tolist()))
    return CN_ID_CHECK_DIGITS[total % 11] == s[17]


def us_ssn(v: str) -> bool:
    """US social security number: area not 000/666/9xx, group not 00, serial not 0000."""
    d = _digits(v)
    if len(d) != 9:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return d not in ("123456789", "078051120", "219099999")  # advertising / specimen numbers


def iban(v: str) -> bool:
    """IBAN: 15–34 characters, country + 2 check digits, ISO 13616 mod-97 == 1."""
    s = re.sub(r"[ -]", "", v).upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    return int((s[4:] + s[:4]).translate(_IBAN_DIGITS)) % 97 == 1


def ipv4(v: str) -> bool:
    """IPv4 dotted quad: four octets 0–255 without leading zeros, first octet not 0."""
    parts = v.strip().split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p.isdigit() or (len(p) > 1 and p[0] == "0") or int(p) > 255:
            return False
    return parts[0] != "0"


def phone_digits(v: str) -> bool:
    """Phone: 8–15 digits (E.164 allows at most 15), not all the same digit."""
    d = _digits(v)
    return 8 <= len(d) <= 15 and len(set(d)) > 1


_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def phone_number(v: str, region: str = "") -> bool:
    """Any phone pattern's match: ``+`` international and CN mobile by digit count (:func:`phone_digits`),
    trunk-prefixed national numbers and North-American numbers by libphonenumber; with ``region``
    (the customer's country) also any number valid in that country's numbering plan."""
    return _phone_number(v) or bool(region) and phone_in_region(v, region)


def phone_in_customer_region(v: str, region: str = "") -> bool:
    """A number valid in the customer's own country (``region``); never without one."""
    return bool(region) and phone_in_region(v, region)


# validators that also read the country of the customer a value belongs to, and those of them that
# accept nothing without one (their detectors are skipped where no row has a country)
REGIONAL = frozenset({"phone_number", "phone_in_customer_region"})
NEEDS_REGION = frozenset({"phone_in_customer_region"})


def _phone_number(v: str) -> bool:
    s = v.strip()
    if s.startswith("+") or (s.startswith("1") and _CN_MOBILE.fullmatch(_digits(s))):
        return phone_digits(s)
    if not s.startswith("0") and len(_digits(s)) == 10:   # North-American shape: its plan decides
        return nanp_phone(s)
    return national_phone(s)


_DATE_RX = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})|([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")


def plausible_birth_date(v: str) -> bool:
    """A real calendar date between 1900 and this year (Y-M-D, Y年M月D日, D/M/Y or M/D/Y)."""
    m = _DATE_RX.search(v)
    if not m:
        return False
    if m.group(1):
        cands = [(int(m.group(1)), int(m.group(2)), int(m.group(3)))]
    else:  # D/M/Y (most of the world) or M/D/Y (US): either reading may be the real one
        a, b, y = int(m.group(4)), int(m.group(5)), int(m.group(6))
        cands = [(y, b, a), (y, a, b)]
    year = dt.date.today().year
    return any(_ymd_ok(y, mo, d, year) for y, mo, d in cands)


# ---------------------------------------------------------------- vectorised versions
# Each takes a Polars string series of candidates and returns a numpy bool array (same meaning
# as the scalar validator of the same name; tests compare them on random and edge inputs).

def _matrix(values: pl.Series, width: int) -> np.ndarray:
    """Digits of equal-width ASCII digit strings as a (n, width) uint8 matrix, without a Python list
    (one joined string: on a 3M-row card column the list cost more than the checksum)."""
    if not len(values):
        return np.zeros((0, width), dtype=np.uint8)
    joined = values.str.join("").item()
    return np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, width) - np.uint8(48)


def _not_all_same(digits: pl.Series) -> np.ndarray:
    return ~digits.str.contains(r"^(?:0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)?$").fill_null(True).to_numpy()


_LUHN_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.uint8)  # 2d, minus 9 above 9


def _luhn_fixed(digits: pl.Series, width: int) -> np.ndarray:
    """Luhn checksum of digit strings all ``width`` long."""
    mat = _matrix(digits, width)[:, ::-1]
    total = mat[:, 0::2].sum(axis=1, dtype=np.int32) + _LUHN_DOUBLE[mat[:, 1::2]].sum(axis=1, dtype=np.int32)
    return total % 10 == 0


def luhn_many(values: pl.Series) -> np.ndarray:
    digits = values.str.replace_all("[^0-9]", "")
    lengths = digits.str.len_bytes().fill_null(0).to_numpy()
    out = np.zeros(len(values), dtype=bool)
    for width in range(13, 20):
        idx = np.flatnonzero(lengths == width)
        if len(idx):
            out[idx] = _luhn_fixed(digits.gather(idx), width)
    return out & _not_all_same(digits)


def payment_card_many(values: pl.Series) -> np.ndarray:
    """Issuer prefix valid for the length, then Luhn: each test only on the rows that passed the last."""
    digits = values.str.replace_all("[^0-9]", "")
    lengths = digits.str.len_bytes().fill_null(0).to_numpy()
    out = np.zeros(len(values), dtype=bool)
    for width, rx in IIN_PATTERNS.items():
        idx = np.flatnonzero(lengths == width)
        if not len(idx):
            continue
        sub = digits.gather(idx)
        iin = sub.str.contains(rx).fill_null(False).to_numpy()
        idx, sub = idx[iin], sub.filter(pl.Series(iin))
        out[idx] = _luhn_fixed(sub, width) & _not_all_same(sub)
    return out


def cn_resident_id_many(values: pl.Series) -> np.ndarray:
    vals = values.str.strip_chars().str.to_uppercase()
    shaped = vals.str.contains(r"^[0-9]{17}[0-9X]$").fill_null(False).to_numpy()
    out = np.zeros(len(vals), dtype=bool)
    idx = np.flatnonzero(shaped)
    if not len(idx):
        return out
    sub = vals.gather(idx)
    body = _matrix(sub.str.slice(0, 17), 17).astype(np.int64)
    y = body[:, 6] * 1000 + body[:, 7] * 100 + body[:, 8] * 10 + body[:, 9]
    m = body[:, 10] * 10 + body[:, 11]
    d = body[:, 12] * 10 + body[:, 13]
    ok = _plausible_ymd(y, m, d, dt.date.today().year)
    check = np.array(list(CN_ID_CHECK_DIGITS))[(body * CN_ID_WEIGHTS).sum(axis=1) % 11]
    out[idx] = ok & (check == sub.str.slice(17, 1).to_numpy())
    return out


def phone_number_many(values: pl.Series, regions: np.ndarray | None = None) -> np.ndarray:
    """:func:`phone_number` of every value; ``regions``: each value's customer country ('' = none)."""
    out = _phone_number_many(values)
    if regions is not None:
        rest = ~out & (regions != "")
        if rest.any():
            out[rest] = region_phone_many(values.filter(pl.Series(rest)), regions[rest])
    return out


def _phone_number_many(values: pl.Series) -> np.ndarray:
    s = values.str.strip_chars()
    digits = s.str.replace_all("[^0-9]", "")
    by_count = (s.str.starts_with("+") | (s.str.starts_with("1") & digits.str.contains(r"^1[3-9][0-9]{9}$")))
    by_count = by_count.fill_null(False).to_numpy()
    zero = s.str.starts_with("0").fill_null(False).to_numpy() & ~by_count
    out = np.zeros(len(values), dtype=bool)
    if by_count.any():
        out[by_count] = phone_digits_many(s.filter(pl.Series(by_count)))
    present = s.is_not_null().to_numpy()
    nanp = ~by_count & ~zero & present & (digits.str.len_bytes() == 10).fill_null(False).to_numpy()
    if nanp.any():
        out[nanp] = nanp_phone_many(s.filter(pl.Series(nanp)))
    national = ~by_count & ~nanp & present   # trunk 0, or another national shape: libphonenumber
    if national.any():
        sub = s.filter(pl.Series(national))
        uniq = sub.unique()
        good = uniq.filter(pl.Series([national_phone(u) for u in uniq.to_list()], dtype=pl.Boolean))
        out[national] = sub.is_in(good.implode()).to_numpy()
    return out


def pl_pesel_many(values: pl.Series) -> np.ndarray:
    """:func:`workbench.pii.identifiers.pl_pesel`, vectorised (CN mobile numbers are PESEL-shaped: many candidates)."""
    d = values.str.strip_chars().str.replace_all(r"[ \-.()/]", "")
    out = np.zeros(len(values), dtype=bool)
    idx = np.flatnonzero(d.str.contains(r"^[0-9]{11}$").fill_null(False).to_numpy())
    if not len(idx):
        return out
    m = _matrix(d.gather(idx), 11).astype(np.int64)
    yy, mm, dd = m[:, 0] * 10 + m[:, 1], m[:, 2] * 10 + m[:, 3], m[:, 4] * 10 + m[:, 5]
    y = np.array([1900, 2000, 2100, 2200, 1800])[np.clip(mm // 20, 0, 4)] + yy
    month = mm % 20
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    dim = _DAYS[np.clip(month, 0, 12)] - ((month == 2) & ~leap)
    ok = (month >= 1) & (month <= 12) & (dd >= 1) & (dd <= dim)
    check = (10 - (m[:, :10] * np.array([1, 3, 7, 9, 1, 3, 7, 9, 1, 3])).sum(axis=1) % 10) % 10
    out[idx] = ok & (check == m[:, 10])
    return out


def phone_digits_many(values: pl.Series) -> np.ndarray:
    digits = values.str.replace_all("[^0-9]", "")
    n = digits.str.len_bytes().fill_null(0).to_numpy()
    return (n >= 8) & (n <= 15) & _not_all_same(digits)


# four octets 0-255 without leading zeros, the first not 0: the ranges in the regex itself (one pass)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
_IPV4_RX = rf"^(?:25[0-5]|2[0-4][0-9]|1[0-9]{{2}}|[1-9][0-9]|[1-9])(?:\.{_OCTET}){{3}}$"


def ipv4_many(values: pl.Series) -> np.ndarray:
    return values.str.strip_chars().str.contains(_IPV4_RX).fill_null(False).to_numpy()


def us_ssn_many(values: pl.Series) -> np.ndarray:
    d = values.str.replace_all("[^0-9]", "")
    ok = d.str.len_bytes().fill_null(0).to_numpy() == 9
    area, group, serial = d.str.slice(0, 3), d.str.slice(3, 2), d.str.slice(5, 4)
    ok &= ~area.is_in(["000", "666"]).fill_null(True).to_numpy()
    ok &= ~area.str.starts_with("9").fill_null(True).to_numpy()
    ok &= (group != "00").fill_null(False).to_numpy() & (serial != "0000").fill_null(False).to_numpy()
    ok &= ~d.is_in(["123456789", "078051120", "219099999"]).fill_null(True).to_numpy()
    return ok


Scalar = Callable[[str], bool]
Vector = Callable[[pl.Series], np.ndarray]

VALIDATORS: dict[str, Scalar] = {
    "luhn": luhn, "cn_resident_id": cn_resident_id, "us_ssn": us_ssn, "iban": iban, "ipv4": ipv4,
    "phone_digits": phone_digits, "plausible_birth_date": plausible_birth_date, "payment_card": payment_card,
    "nanp_phone": nanp_phone, "national_phone": national_phone, "phone_number": phone_number,
    "latin_person_name": latin_person_name, "zh_person_name": zh_person_name,
    "phone_in_customer_region": phone_in_customer_region,
    **IDENTIFIER_VALIDATORS,
}
VECTORISED: dict[str, Vector] = {"luhn": luhn_many, "payment_card": payment_card_many, "cn_resident_id": cn_resident_id_many,
                                 "phone_digits": phone_digits_many, "ipv4": ipv4_many, "us_ssn": us_ssn_many,
                                 "nanp_phone": nanp_phone_many, "pl_pesel": pl_pesel_many,
                                 "phone_number": phone_number_many}


def validate_many(name: str, values: pl.Series | Sequence[str], regions: np.ndarray | None = None) -> np.ndarray:
    """Apply validator ``name`` to every value (vectorised when it has a vectorised form).

    ``regions`` (phone numbers only): the country of the customer each value belongs to."""
    if not isinstance(values, pl.Series):
        values = pl.Series(list(values), dtype=pl.String)
    if name == "phone_in_customer_region":
        return np.zeros(len(values), dtype=bool) if regions is None else region_phone_many(values, regions)
    if regions is not None and name == "phone_number":
        return phone_number_many(values, regions)
    if name in VECTORISED and len(values) > 64:
        return VECTORISED[name](values)
    fn = VALIDATORS[name]
    return np.fromiter((fn(v) for v in values.to_list()), dtype=bool, count=len(values))
