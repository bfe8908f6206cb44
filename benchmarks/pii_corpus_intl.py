"""Labelled values for the identifiers, phones, names and addresses added in issue 12 (seeded).

Validity comes from independent implementations where one exists: python-stdnum (national ids,
ABA routing numbers; benchmark-only dependency) and libphonenumber (phone numbers). Hong Kong,
Taiwan and Singapore ids are built with their published check-digit rules here. Names come from
hand-made lists that are *not* the workbench's name source, so recall is measured honestly.
"""
from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable

import numpy as np

Gen = Callable[[np.random.Generator], str]
D = "0123456789"
U = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digits(r: np.random.Generator, n: int) -> str:
    return "".join(r.choice(list(D), n))


def _until(r: np.random.Generator, make: Gen, ok: Callable[[str], bool]) -> str:
    for _ in range(10_000):
        v = make(r)
        if ok(v):
            return v
    raise RuntimeError("no valid value generated")


# ------------------------------------------------------------------ national ids (stdnum as oracle)

def national_ids() -> dict[str, tuple[Gen, str]]:
    """kind -> (generator, context prefix that a CRM note would carry)."""
    from stdnum.de import idnr
    from stdnum.es import dni, nie
    from stdnum.fr import nir
    from stdnum.gb import nhs
    from stdnum.in_ import aadhaar, pan
    from stdnum.it import codicefiscale
    from stdnum.kr import rrn
    from stdnum.nl import bsn
    from stdnum.pl import pesel
    from stdnum.se import personnummer
    from stdnum.us import itin

    def date6(r: np.random.Generator) -> str:
        return f"{int(r.integers(40, 100)):02d}{int(r.integers(1, 13)):02d}{int(r.integers(1, 29)):02d}"

    def cf(r: np.random.Generator) -> str:
        body = "".join(r.choice(list(U), 6)) + f"{int(r.integers(40, 99))}" + str(r.choice(list("ABCDEHLMPRST"))) \
            + f"{int(r.integers(1, 29)):02d}" + str(r.choice(list(U))) + _digits(r, 3)
        return body + codicefiscale.calc_check_digit(body)

    def nino(r: np.random.Generator) -> str:
        a = str(r.choice(list("ABCEGHJKLMNOPRSTWXYZ"))) + str(r.choice(list("ABCEGHJKLMNPRSTWXYZ")))
        a = "AB" if a in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ") else a
        d = _digits(r, 6)
        return f"{a} {d[:2]} {d[2:4]} {d[4:]} {r.choice(list('ABCD'))}"

    return {
        "uk_nino": (nino, "NI number "),
        "uk_nhs": (lambda r: (lambda v: f"{v[:3]} {v[3:6]} {v[6:]}")(_until(r, lambda q: _digits(q, 10), nhs.is_valid)), "NHS number "),
        "fr_nir": (lambda r: _until(r, lambda q: str(q.choice(["1", "2"])) + date6(q)[:2] + f"{int(q.integers(1, 13)):02d}"
                                     + str(q.choice(["75", "13", "69", "33"])) + _digits(q, 6) + _digits(q, 2), nir.is_valid), "NIR "),
        "de_steuer_id": (lambda r: _until(r, lambda q: str(q.integers(1, 10)) + _digits(q, 10), idnr.is_valid), "Steuer-ID "),
        "es_dni": (lambda r: (lambda n: n + dni.calc_check_digit(n))(_digits(r, 8)), "DNI "),
        "es_nie": (lambda r: (lambda n: n + nie.calc_check_digit(n))(str(r.choice(list("XYZ"))) + _digits(r, 7)), "NIE "),
        "it_codice_fiscale": (cf, "codice fiscale "),
        "pl_pesel": (lambda r: (lambda n: n + pesel.calc_check_digit(n))(date6(r) + _digits(r, 4)), "PESEL "),
        "se_personnummer": (lambda r: _until(r, lambda q: date6(q) + "-" + _digits(q, 4), personnummer.is_valid), "personnummer "),
        "nl_bsn": (lambda r: _until(r, lambda q: _digits(q, 9), bsn.is_valid), "BSN "),
        "in_aadhaar": (lambda r: (lambda v: f"{v[:4]} {v[4:8]} {v[8:]}")(
            _until(r, lambda q: str(q.integers(2, 10)) + _digits(q, 11), aadhaar.is_valid)), "Aadhaar "),
        "in_pan": (lambda r: _until(r, lambda q: "".join(q.choice(list(U), 3)) + "P" + str(q.choice(list(U)))
                                     + _digits(q, 4) + str(q.choice(list(U))), pan.is_valid), "PAN "),
        "kr_rrn": (lambda r: _until(r, lambda q: date6(q) + "-" + str(q.choice(list("12"))) + _digits(q, 6), rrn.is_valid), "주민등록번호 "),
        "us_itin": (lambda r: _until(r, lambda q: "9" + _digits(q, 2) + "-" + str(q.choice(["70", "78", "88", "94"])) + "-"
                                      + _digits(q, 4), itin.is_valid), "ITIN "),
        "sg_nric": (_sg_nric, "NRIC "),
        "hk_id": (_hk_id, "HKID "),
        "tw_id": (_tw_id, "身分證字號"),
    }


def _sg_nric(r: np.random.Generator) -> str:
    d = _digits(r, 7)
    total = sum(int(c) * w for c, w in zip(d, (2, 7, 6, 5, 4, 3, 2)))
    return "S" + d + "JZIHGFEDCBA"[total % 11]


def _hk_id(r: np.random.Generator) -> str:
    letter, d = str(r.choice(list(U))), _digits(r, 6)
    total = 36 * 9 + (ord(letter) - 55) * 8 + sum(int(c) * w for c, w in zip(d, range(7, 1, -1)))
    c = (11 - total % 11) % 11
    return f"{letter}{d}({'A' if c == 10 else c})"


def _tw_id(r: np.random.Generator) -> str:
    codes = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36)))
    letter, body = str(r.choice(list("ABCDEFGHJKLMNPQRSTUVXYWZ"))), str(r.choice(["1", "2"])) + _digits(r, 7)
    n = codes[letter]
    total = n // 10 + (n % 10) * 9 + sum(int(c) * w for c, w in zip(body, range(8, 0, -1)))
    return letter + body + str((10 - total % 10) % 10)


# ------------------------------------------------------------------ phones, network, money

def national_phone(r: np.random.Generator) -> str:
    import phonenumbers as P

    region = str(r.choice(["GB", "DE", "FR", "PH", "TR", "JP", "ES", "IT", "US"]))
    base = P.example_number_for_type(region, P.PhoneNumberType.MOBILE)
    for _ in range(100):
        nn = int(str(base.national_number)[:-3] + _digits(r, 3))
        num = P.PhoneNumber(country_code=base.country_code, national_number=nn)
        if P.is_valid_number(num):
            return P.format_number(num, P.PhoneNumberFormat.NATIONAL)
    return P.format_number(base, P.PhoneNumberFormat.NATIONAL)


def ipv6(r: np.random.Generator) -> str:
    raw = bytes([0x20, 0x01, 0x0D, 0xB8]) + bytes(int(x) for x in r.integers(0, 256, 12))
    if r.random() < 0.5:
        raw = raw[:8] + bytes(6) + raw[14:]
    return str(ipaddress.IPv6Address(raw))


def mac(r: np.random.Generator) -> str:
    sep = str(r.choice([":", "-"]))
    return sep.join(f"{int(x):02X}" for x in r.integers(0, 256, 6))


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _b58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, k = divmod(n, 58)
        out = _B58[k] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def _bech32(hrp: str, prog: bytes) -> str:
    from workbench.pii.identifiers import _bech32_polymod  # the polymod is the BIP-173 reference loop

    acc, bits, data = 0, 0, [0]
    for b in prog:
        acc, bits = (acc << 8) | b, bits + 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    pm = _bech32_polymod(values + [0] * 6) ^ 1
    return hrp + "1" + "".join(_BECH[d] for d in data + [(pm >> 5 * (5 - i)) & 31 for i in range(6)])


def wallet(r: np.random.Generator) -> str:
    body = bytes(int(x) for x in r.integers(0, 256, 20))
    k = int(r.integers(0, 3))
    if k == 0:
        return _b58check(bytes([int(r.choice([0, 5]))]) + body)
    if k == 1:
        return _bech32("bc", body)
    from workbench.pii.identifiers import keccak256

    h = body.hex()
    digest = keccak256(h.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(h))


def routing(r: np.random.Generator) -> str:
    from stdnum.us import rtn

    body = str(r.choice(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "26", "31"])) + _digits(r, 6)
    return body + rtn.calc_check_digit(body)


def passport(r: np.random.Generator) -> str:
    return str(r.choice(list(U))) + _digits(r, 8)


def licence(r: np.random.Generator) -> str:
    return str(r.choice(list(U))) + _digits(r, 4) + "-" + _digits(r, 5)


# ------------------------------------------------------------------ names and addresses

EN_FIRST = ["Oliver", "Amelia", "Noah", "Isla", "George", "Ava", "Leo", "Mia", "Harper", "Lucas", "Chloe", "Ethan",
            "Grace", "Mateo", "Zoe", "Aarav", "Priya", "Kenji", "Yuki", "Fatima", "Omar", "Ingrid", "Lars", "Giulia",
            "Marco", "Camille", "Hugo", "Lucía", "Diego", "João", "Beatriz", "Katarzyna", "Piotr", "Sven", "Elena"]
EN_LAST = ["Thompson", "Walker", "Robinson", "Okafor", "Nakamura", "Kowalski", "Lindqvist", "Fernández", "Moreau",
           "Bianchi", "Schneider", "Hoffmann", "O'Brien", "Van Dijk", "Patel", "Sharma", "Kim", "Nguyen", "Haddad",
           "Silva", "Costa", "Novak", "Horvat", "Andersen", "Fischer", "Lefebvre", "Romano", "Carter", "Hughes"]
ZH_SUR = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董")
ZH_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
            "秀英", "桂英", "建华", "志强", "晓明", "海燕", "子涵", "浩然", "欣怡", "宇轩", "雨桐"]
EN_NAME_TPL = ["Customer {v} called about the delivery.", "Spoke with {v} regarding the refund.",
               "{v} asked to update the billing address.", "Please call back {v} tomorrow.", "Met {v} at the fair."]
EN_TITLE_TPL = ["Spoke with Mr. {l} about the invoice.", "Mrs {l} requested a callback.", "Dr. {l} confirmed the order."]
ZH_NAME_TPL = ["客户{v}来电要求退款。", "联系人{v}确认了收货地址。", "{v}先生希望晚上联系。", "{v}女士投诉物流太慢。",
               "{v}昨天来电询问会员积分。", "已与{v}沟通续费事宜。"]
STREETS_EN = ["Baker Street", "Elm Road", "Maple Avenue", "Church Lane", "Station Road"]
STREETS_DE = ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerplatz", "Lindenallee"]
STREETS_FR = ["rue de la Paix", "avenue Victor Hugo", "boulevard Saint-Michel", "place de la République"]
STREETS_ES = ["Calle Mayor", "Avenida de la Constitución", "Plaza de España", "Paseo del Prado"]
ZH_ROADS = ["北京市朝阳区建国路", "上海市浦东新区世纪大道", "武汉市洪山区珞喻路", "成都市武侯区人民南路"]


def person_name_en(r: np.random.Generator) -> tuple[str, str]:
    if r.random() < 0.25:
        last = str(r.choice(EN_LAST))
        return str(r.choice(EN_TITLE_TPL)).replace("{l}", last), last
    v = f"{r.choice(EN_FIRST)} {r.choice(EN_LAST)}"
    return str(r.choice(EN_NAME_TPL)).replace("{v}", v), v


def person_name_zh(r: np.random.Generator) -> tuple[str, str]:
    v = str(r.choice(ZH_SUR)) + str(r.choice(ZH_GIVEN))
    return str(r.choice(ZH_NAME_TPL)).replace("{v}", v), v


def address(r: np.random.Generator) -> str:
    k = int(r.integers(0, 5))
    if k == 0:
        return f"{int(r.integers(1, 999))} {r.choice(STREETS_EN)}"
    if k == 1:
        return f"{r.choice(STREETS_DE)} {int(r.integers(1, 200))}"
    if k == 2:
        return f"{int(r.integers(1, 200))} {r.choice(STREETS_FR)}"
    if k == 3:
        return f"{r.choice(STREETS_ES)} {int(r.integers(1, 200))}"
    return f"{r.choice(ZH_ROADS)}{int(r.integers(1, 500))}号"


# ------------------------------------------------------------------ hard negatives

def luhn_ids_of_other_countries(r: np.random.Generator) -> str:
    """Luhn-valid numbers that are not cards: South African ids, IMEIs, Canadian SINs, Swedish ids."""
    from stdnum import luhn

    k = int(r.integers(0, 4))
    if k == 0:   # South Africa: YYMMDD SSSS C A Z, Luhn
        body = f"{int(r.integers(0, 100)):02d}{int(r.integers(1, 13)):02d}{int(r.integers(1, 29)):02d}{_digits(r, 4)}08"
        return f"South African ID {body + luhn.calc_check_digit(body)}"
    if k == 1:   # IMEI: 8-digit TAC + 6 serial + Luhn
        body = str(r.choice(["35", "86", "49", "01"])) + _digits(r, 12)
        return f"IMEI {body + luhn.calc_check_digit(body)}"
    if k == 2:
        body = str(r.integers(1, 8)) + _digits(r, 7)
        v = body + luhn.calc_check_digit(body)
        return f"SIN {v[:3]} {v[3:6]} {v[6:]}"
    body = _digits(r, 9)
    return f"Swedish org {body + luhn.calc_check_digit(body)}"


BRAND_AND_PLACE = ["Visit New York and San Francisco next May.", "The Apple Store on Main Street is closed.",
                   "Paris Saint-Germain won; Real Madrid lost.", "Order shipped via Royal Mail to Hong Kong.",
                   "Meeting at Grand Central with the Oracle team.", "Summer Sale: Black Friday deals at Best Buy.",
                   "Jordan Brand shoes restocked in Santa Clara.", "Customer Service will reply by Monday.",
                   "客户服务中心位于北京。", "王府井百货今天打折。", "张江高科技园区的活动取消了。", "黄金周期间物流延迟。",
                   "Product code SKU-AB12345 and ref X1234567 (no passport).", "Git commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f.",
                   "Tx 0x3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f3f2a9c1e8b7d6a5f4e3d2c1b built.",
                   "Build 2026.05.01-1234 at 12:30:45 on host db-01.", "Room 3-101, floor 12, badge 4521."]
