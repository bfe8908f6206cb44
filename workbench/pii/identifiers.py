"""Check-digit validators of national identifiers, payment cards, bank routing numbers and
crypto-wallet addresses (scalar ``str -> bool``; registered in :mod:`workbench.pii.validators`).

Each function states the rule it checks. A pattern in ``detectors.yaml`` finds the shape; the
validator proves it, so a look-alike number from another country or an order number is rejected.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re

_SEP = re.compile(r"[ \-.()/]")


def _clean(v: str) -> str:
    return _SEP.sub("", v.strip()).upper()


def _date_ok(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------ payment cards (IIN + Luhn)

# Issuer identification number ranges per card length (ISO/IEC 7812; card schemes' published
# ranges). Lengths 12-13 (old Visa, some Maestro) are left out on purpose: 13-digit Luhn-valid
# national ids (South Africa, ...) are far more common in a CRM than such cards.
_IIN = {
    14: r"3(?:0[0-5]|095|6|[89])",
    15: r"3[47]|1",
    16: r"4|5|2(?:22[1-9]|2[3-9]|[3-6]|7[01]|720)|220[0-4]|35(?:2[89]|[3-8])|3(?:0[0-5]|095|6|[89])|6|8[12]|9792",
    17: r"5[06-9]|6|35(?:2[89]|[3-8])|3(?:0[0-5]|095|6|[89])|220[0-4]|8[12]",
    18: r"5[06-9]|6|35(?:2[89]|[3-8])|3(?:0[0-5]|095|6|[89])|220[0-4]|8[12]",
    19: r"4|5[06-9]|6|35(?:2[89]|[3-8])|3(?:0[0-5]|095|6|[89])|220[0-4]|8[12]",
}
IIN_PATTERNS = {n: f"^(?:{p})" for n, p in _IIN.items()}
_IIN_RX = {n: re.compile(p) for n, p in IIN_PATTERNS.items()}


def card_iin(digits: str) -> bool:
    """A card number's issuer prefix is a real one for its length."""
    rx = _IIN_RX.get(len(digits))
    return bool(rx and rx.match(digits))


# ------------------------------------------------------------------ United States

def us_itin(v: str) -> bool:
    """US ITIN: 9 digits, first 9, group 50-65, 70-88, 90-92 or 94-99."""
    d = _clean(v)
    if len(d) != 9 or not d.isdigit() or d[0] != "9":
        return False
    g = int(d[3:5])
    return 50 <= g <= 65 or 70 <= g <= 88 or 90 <= g <= 92 or 94 <= g <= 99


def aba_routing(v: str) -> bool:
    """ABA routing transit number: 9 digits, 3-7-1 weighted sum divisible by 10, valid Fed district."""
    d = _clean(v)
    if len(d) != 9 or not d.isdigit() or len(set(d)) == 1:
        return False
    if int(d[:2]) not in (*range(0, 13), *range(21, 33), *range(61, 73), 80):
        return False
    return sum(int(c) * w for c, w in zip(d, (3, 7, 1) * 3)) % 10 == 0


def document_number(v: str) -> bool:
    """Passport / driver's licence number after its context word: 5-16 letters and digits, with ≥ 2 digits."""
    s = _clean(v)
    return 5 <= len(s) <= 16 and s.isalnum() and sum(c.isdigit() for c in s) >= 2


def kr_brn(v: str) -> bool:
    """Korea business registration number: 10 digits, weights 1,3,7,1,3,7,1,3,5 plus ⌊5·d9/10⌋, mod 10."""
    d = _clean(v)
    if len(d) != 10 or not d.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(d[:9], (1, 3, 7, 1, 3, 7, 1, 3, 5))) + int(d[8]) * 5 // 10
    return (10 - total % 10) % 10 == int(d[9])


# ------------------------------------------------------------------ Europe

_NINO_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def uk_nino(v: str) -> bool:
    """UK National Insurance number: two letters (not D, F, I, Q, U, V; second not O; no BG, GB, NK, KN, NT, TN, ZZ), 6 digits, A-D."""
    s = _clean(v)
    return bool(re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]", s)) and s[:2] not in _NINO_BAD_PREFIX


def uk_nhs(v: str) -> bool:
    """UK NHS number: 10 digits, mod 11 check (weights 10..2; 11 → 0, 10 → invalid)."""
    d = _clean(v)
    if len(d) != 10 or not d.isdigit() or len(set(d)) == 1:
        return False
    r = 11 - sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1))) % 11
    check = 0 if r == 11 else r
    return check != 10 and check == int(d[9])


def fr_nir(v: str) -> bool:
    """France NIR (social security number): 13 characters + key = 97 - (number mod 97); Corsica 2A/2B."""
    s = _clean(v)
    if len(s) != 15 or s[0] not in "12":
        return False
    body = s[:13].replace("2A", "19").replace("2B", "18") if s[5:7] in ("2A", "2B") else s[:13]
    if not body.isdigit() or not s[13:].isdigit():
        return False
    month = int(s[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 99):
        return False
    return 97 - int(body) % 97 == int(s[13:])


def de_steuer_id(v: str) -> bool:
    """German tax id (Steuer-IdNr): 11 digits, not starting 0, ISO 7064 MOD 11,10 check; one digit repeats 2-3 times in the first 10."""
    d = _clean(v)
    if len(d) != 11 or not d.isdigit() or d[0] == "0":
        return False
    counts = sorted((d[:10].count(c) for c in set(d[:10])), reverse=True)
    if counts[0] not in (2, 3) or counts[1] > 1:
        return False
    product = 10
    for c in d[:10]:
        total = (int(c) + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10 == int(d[10])


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_dni(v: str) -> bool:
    """Spain DNI (8 digits + control letter) or NIE (X/Y/Z + 7 digits + letter): letter = table[number mod 23]."""
    s = _clean(v)
    if re.fullmatch(r"[XYZ][0-9]{7}[A-Z]", s):
        s = str("XYZ".index(s[0])) + s[1:]
    if not re.fullmatch(r"[0-9]{8}[A-Z]", s):
        return False
    return _DNI_LETTERS[int(s[:8]) % 23] == s[8]


_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                    12, 14, 16, 10, 22, 25, 24, 23]))


def it_codice_fiscale(v: str) -> bool:
    """Italy codice fiscale: 16 characters, check letter from the odd/even position tables mod 26."""
    s = _clean(v)
    if not re.fullmatch(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]", s):
        return False
    day = int("".join(str("LMNPQRSTUV".index(c)) if c.isalpha() else c for c in s[9:11]))
    if not (1 <= day <= 31 or 41 <= day <= 71):  # women: day + 40
        return False
    total = 0
    for i, c in enumerate(s[:15]):
        total += _CF_ODD[c] if i % 2 == 0 else (int(c) if c.isdigit() else ord(c) - 65)
    return chr(65 + total % 26) == s[15]


def pl_pesel(v: str) -> bool:
    """Poland PESEL: 11 digits, real birth date (century in the month), weights 1-3-7-9 check."""
    d = _clean(v)
    if len(d) != 11 or not d.isdigit():
        return False
    y, m, day = int(d[:2]), int(d[2:4]), int(d[4:6])
    century = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}[m // 20]
    if not _date_ok(century + y, m % 20, day):
        return False
    total = sum(int(c) * w for c, w in zip(d[:10], (1, 3, 7, 9) * 3))
    return (10 - total % 10) % 10 == int(d[10])


def _luhn_ok(d: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def se_personnummer(v: str) -> bool:
    """Sweden personnummer / samordningsnummer: (CC)YYMMDD-NNNC, real date (day + 60 allowed), Luhn on 10 digits."""
    s = v.strip()
    d = re.sub(r"[-+ ]", "", s)
    if len(d) == 12:
        d = d[2:]
    if len(d) != 10 or not d.isdigit():
        return False
    m, day = int(d[2:4]), int(d[4:6])
    day = day - 60 if day > 60 else day
    return 1 <= m <= 12 and _date_ok(2000, m, day) and _luhn_ok(d)


def nl_bsn(v: str) -> bool:
    """Netherlands BSN: 9 digits, 11-proof (weights 9..2 and -1)."""
    d = _clean(v)
    if len(d) != 9 or not d.isdigit() or len(set(d)) == 1:
        return False
    total = sum(int(c) * w for c, w in zip(d, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 == 0


# ------------------------------------------------------------------ Asia

_VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
       [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
       [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VP = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
       [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
       [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]


def in_aadhaar(v: str) -> bool:
    """India Aadhaar: 12 digits, first 2-9, not a palindrome, Verhoeff check digit."""
    d = _clean(v)
    if len(d) != 12 or not d.isdigit() or d[0] in "01" or d == d[::-1]:
        return False
    c = 0
    for i, ch in enumerate(reversed(d)):
        c = _VD[c][_VP[i % 8][int(ch)]]
    return c == 0


def in_pan(v: str) -> bool:
    """India PAN: 5 letters (4th = holder type), 4 digits (not 0000), 1 letter."""
    s = _clean(v)
    return bool(re.fullmatch(r"[A-Z]{3}[ABCFGHJKLPT][A-Z][0-9]{4}[A-Z]", s)) and s[5:9] != "0000"


def sg_nric(v: str) -> bool:
    """Singapore NRIC/FIN: prefix S/T/F/G/M, 7 digits, check letter (weights 2765432)."""
    s = _clean(v)
    if not re.fullmatch(r"[STFGM][0-9]{7}[A-Z]", s):
        return False
    total = sum(int(c) * w for c, w in zip(s[1:8], (2, 7, 6, 5, 4, 3, 2)))
    total += {"S": 0, "T": 4, "F": 0, "G": 4, "M": 3}[s[0]]
    table = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK", "M": "XWUTRQPNJLK"}[s[0]]
    return table[total % 11] == s[8]


def kr_rrn(v: str) -> bool:
    """Korea resident registration number YYMMDD-GNNNNNN: real date, gender/century digit 1-8
    (numbers issued since Oct 2020 carry no check digit, so the old mod 11 check is not required)."""
    d = _clean(v)
    if len(d) != 13 or not d.isdigit() or d[6] not in "12345678":
        return False
    century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000, "8": 2000}[d[6]]
    return _date_ok(century + int(d[:2]), int(d[2:4]), int(d[4:6]))


def hk_id(v: str) -> bool:
    """Hong Kong identity card: 1-2 letters, 6 digits, check digit or A (mod 11, space = 36)."""
    s = _clean(v)
    m = re.fullmatch(r"([A-Z]{1,2})([0-9]{6})([0-9A])", s)
    if not m:
        return False
    letters = m.group(1).rjust(2, " ")
    vals = [36 if c == " " else ord(c) - 55 for c in letters] + [int(c) for c in m.group(2)]
    total = sum(x * w for x, w in zip(vals, range(9, 1, -1)))
    r = (11 - total % 11) % 11
    return ("A" if r == 10 else str(r)) == m.group(3)


_TW_LETTERS = {c: n for c, n in zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36))}


def tw_id(v: str) -> bool:
    """Taiwan national id / resident certificate: letter + 1/2 (or 8/9) + 8 digits, weighted mod 10."""
    s = _clean(v)
    if not re.fullmatch(r"[A-Z][1289][0-9]{8}", s):
        return False
    n = _TW_LETTERS[s[0]]
    total = n // 10 + (n % 10) * 9 + sum(int(c) * w for c, w in zip(s[1:9], range(8, 0, -1))) + int(s[9])
    return total % 10 == 0


# ------------------------------------------------------------------ network and crypto

def ipv6(v: str) -> bool:
    """IPv6 address (full or ::-compressed), not the unspecified address, at least 3 groups or a '::'."""
    s = v.strip()
    if s.count(":") < 2:
        return False
    try:
        a = ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return not a.is_unspecified and ("::" in s or s.count(":") == 7)


def mac_address(v: str) -> bool:
    """MAC address (EUI-48) not all zeros or all ones."""
    h = re.sub(r"[:.\-]", "", v.strip()).lower()
    return len(h) == 12 and h not in ("000000000000", "ffffffffffff")


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58check(s: str) -> bytes | None:
    n = 0
    for c in s:
        i = _B58.find(c)
        if i < 0:
            return None
        n = n * 58 + i
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(s) - len(s.lstrip("1"))) + raw
    if len(raw) < 5:
        return None
    body, check = raw[:-4], raw[-4:]
    return body if hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == check else None


_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _bech32_ok(s: str) -> bool:
    s = s.lower()
    hrp, _, data = s.rpartition("1")
    if not hrp or len(data) < 6 or any(c not in _BECH for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [_BECH.index(c) for c in data]
    return _bech32_polymod(values) in (1, 0x2BC830A3)  # bech32 or bech32m


_RC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
       0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
       0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
       0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
       0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
_M64 = (1 << 64) - 1


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (original padding 0x01, not SHA3's 0x06; hashlib has only SHA3)."""
    rate = 136
    msg = bytearray(data) + b"\x01" + b"\0" * ((rate - (len(data) + 1) % rate) % rate)
    msg[-1] |= 0x80
    st = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            st[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i: off + 8 * i + 8], "little")
        for rc in _RC:
            c = [st[x][0] ^ st[x][1] ^ st[x][2] ^ st[x][3] ^ st[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ ((c[(x + 1) % 5] << 1 | c[(x + 1) % 5] >> 63) & _M64) for x in range(5)]
            st = [[st[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    r = _ROT[x][y]
                    b[y][(2 * x + 3 * y) % 5] = (st[x][y] << r | st[x][y] >> (64 - r)) & _M64 if r else st[x][y]
            st = [[b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
            st[0][0] ^= rc
    return b"".join(st[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def crypto_wallet(v: str) -> bool:
    """Bitcoin base58check (version 0x00/0x05) or bech32/bech32m (bc1/tb1), or Ethereum 0x + 40 hex
    (EIP-55 checksum enforced when mixed case)."""
    s = v.strip()
    if s[:2] in ("0x", "0X") and len(s) == 42:
        h = s[2:]
        if not re.fullmatch(r"[0-9a-fA-F]{40}", h) or len(set(h.lower())) < 4:
            return False
        if h == h.lower() or h == h.upper():
            return True
        digest = keccak256(h.lower().encode()).hex()
        return all(c.upper() == c if int(digest[i], 16) >= 8 else c.lower() == c
                   for i, c in enumerate(h) if c.isalpha())
    if s[:3].lower() in ("bc1", "tb1"):
        return s in (s.lower(), s.upper()) and _bech32_ok(s)
    body = _base58check(s)
    return body is not None and len(body) == 21 and body[0] in (0x00, 0x05)


IDENTIFIER_VALIDATORS = {
    "us_itin": us_itin, "kr_brn": kr_brn, "aba_routing": aba_routing, "document_number": document_number,
    "uk_nino": uk_nino, "uk_nhs": uk_nhs, "fr_nir": fr_nir, "de_steuer_id": de_steuer_id, "es_dni": es_dni,
    "it_codice_fiscale": it_codice_fiscale, "pl_pesel": pl_pesel, "se_personnummer": se_personnummer,
    "nl_bsn": nl_bsn, "in_aadhaar": in_aadhaar, "in_pan": in_pan, "sg_nric": sg_nric, "kr_rrn": kr_rrn,
    "hk_id": hk_id, "tw_id": tw_id, "ipv6": ipv6, "mac_address": mac_address, "crypto_wallet": crypto_wallet,
}
