"""Synthetic personal values and CRM-like tables for the PII benchmarks (seeded, no real people).

Used by ``pii_scan.py`` (1M-row table) and ``pii_accuracy.py`` (labelled corpus).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CN_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CN_C = "10X98765432"
FIRST = ["John", "Mary", "Anna", "Peter", "Lukas", "Sofia", "James", "Emma", "Liam", "Olivia", "Marie", "Jan"]
LAST = ["Smith", "Müller", "Garcia", "Rossi", "Dubois", "Novak", "Jansen", "Wilson", "Brown", "Nowak"]
CN_SUR = list("王李张刘陈杨黄赵吴周")
CN_GIVEN = list("伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚")
STREETS = ["Main Street", "Oak Ave", "High Street", "Park Road", "Elm Lane"]
CN_ROADS = ["北京市朝阳区建国路", "上海市浦东新区世纪大道", "武汉市洪山区珞喻路", "广州市天河区天河路"]


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return body + str((10 - total % 10) % 10)


def card(rng: np.random.Generator, sep: str = " ") -> str:
    prefix = str(rng.choice(["4", "51", "52", "37", "6011"]))
    length = 15 if prefix == "37" else 16
    body = prefix + "".join(rng.choice(list("0123456789"), length - 1 - len(prefix)))
    d = luhn_complete(body)
    if length == 15:
        return f"{d[:4]}{sep}{d[4:10]}{sep}{d[10:]}" if sep else d
    return sep.join(d[i:i + 4] for i in range(0, 16, 4)) if sep else d


def bad_luhn(rng: np.random.Generator) -> str:
    d = card(rng, "")
    return d[:-1] + str((int(d[-1]) + 1 + int(rng.integers(0, 8))) % 10)


def cn_id(rng: np.random.Generator) -> str:
    area = str(rng.choice(["110101", "310104", "420106", "440305", "510107", "320102"]))
    y, m, d = int(rng.integers(1950, 2008)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    body = f"{area}{y:04d}{m:02d}{d:02d}{int(rng.integers(0, 1000)):03d}"
    return body + CN_C[sum(int(c) * w for c, w in zip(body, CN_W)) % 11]


def bad_cn_id(rng: np.random.Generator) -> str:
    good = cn_id(rng)
    wrong = [c for c in "0123456789X" if c != good[-1]]
    return good[:-1] + str(rng.choice(wrong))


def ssn(rng: np.random.Generator) -> str:
    area = int(rng.integers(1, 900))
    while area == 666:
        area = int(rng.integers(1, 900))
    return f"{area:03d}-{int(rng.integers(1, 100)):02d}-{int(rng.integers(1, 10000)):04d}"


def iban(rng: np.random.Generator) -> str:
    country, n = [("DE", 18), ("FR", 23), ("NL", 14), ("ES", 20)][int(rng.integers(0, 4))]
    if country == "NL":
        bban = "ABNA" + "".join(rng.choice(list("0123456789"), 10))
    elif country == "FR":
        bban = "".join(rng.choice(list("0123456789"), 21)) + "AB"
    else:
        bban = "".join(rng.choice(list("0123456789"), n))
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(num) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def phone(rng: np.random.Generator) -> str:
    k = int(rng.integers(0, 5))
    if k == 0:
        return f"1{rng.choice(list('3456789'))}{int(rng.integers(0, 10**9)):09d}"
    if k == 1:
        return f"+86 1{rng.choice(list('3589'))}{int(rng.integers(0, 10))} {int(rng.integers(0, 10**4)):04d} {int(rng.integers(0, 10**4)):04d}"
    if k == 2:
        return f"+1 {int(rng.integers(201, 990))}-555-{int(rng.integers(0, 10**4)):04d}"
    if k == 3:
        return f"+49 30 {int(rng.integers(10**6, 10**8))}"
    import phonenumbers  # an area code and exchange in use: invented ones are no phone numbers (issue 12)

    while True:
        v = f"({int(rng.integers(201, 990))}) {int(rng.integers(200, 999))}-{int(rng.integers(0, 10**4)):04d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(v, "US")):
            return v


def email(rng: np.random.Generator) -> str:
    f, last = str(rng.choice(FIRST)).lower(), str(rng.choice(["smith", "garcia", "wang", "li", "rossi"]))
    return f"{f}.{last}{int(rng.integers(1, 999))}@{rng.choice(['example.com', 'mail.example.cn', 'example.org'])}"


def ip(rng: np.random.Generator) -> str:
    return ".".join(str(int(x)) for x in [rng.integers(1, 224), *rng.integers(0, 256, 3)])


GENERATORS = {"email": email, "phone": phone, "card_number": card, "national_id": cn_id, "iban": iban,
              "ip_address": ip}

FILLER = [
    "Customer called about the order status and asked for an update.",
    "Complained about late delivery; voucher offered to keep them happy.",
    "Interested in the premium plan, follow up next quarter with pricing.",
    "客户希望晚上通过邮件联系，并询问会员积分的使用规则和有效期。",
    "VIP customer, handle with care and escalate any issue.",
    "Refund approved by the team lead after review.",
]
NEGATIVES = [
    "Order {order} shipped on 2026-03-14, amount EUR 1,234.56.",
    "Invoice INV-2026-{inv} paid; version 2.14.3 of the app installed.",
    "Tracking number {order} updated, total 4,299.00 CNY.",
    "订单号{order}已发货，金额￥3,280.00。",
]


def pools(rng: np.random.Generator, size: int) -> dict[str, list[str]]:
    """Pools of distinct-ish values per category (sampled into the 1M rows)."""
    out = {c: [g(rng) for _ in range(size)] for c, g in GENERATORS.items()}
    out["national_id"] += [ssn(rng) for _ in range(size // 4)]
    out["bad_luhn"] = [bad_luhn(rng) for _ in range(size)]
    return out


def _cn_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n valid China resident ids, vectorised (area, birth date, sequence, MOD 11-2 check)."""
    area = np.array(["110101", "310104", "420106", "440305", "510107", "320102"])[rng.integers(0, 6, n)]
    y, m, d = rng.integers(1945, 2008, n), rng.integers(1, 13, n), rng.integers(1, 29, n)
    seq = rng.integers(0, 1000, n)
    body = np.char.add(np.char.add(area, np.char.zfill(y.astype(str), 4)),
                       np.char.add(np.char.add(np.char.zfill(m.astype(str), 2), np.char.zfill(d.astype(str), 2)),
                                   np.char.zfill(seq.astype(str), 3)))
    digits = np.frombuffer("".join(body.tolist()).encode(), dtype=np.uint8).reshape(n, 17).astype(np.int64) - 48
    check = np.array(list(CN_C))[(digits * np.array(CN_W)).sum(axis=1) % 11]
    return np.char.add(body, check)


def crm_table(n: int, seed: int = 7) -> pd.DataFrame:
    """A CRM-like customers table: 8 columns, notes 50–200 chars, 30% embedding one personal value.

    Structured columns hold distinct values (as a real CRM does); notes draw their embedded
    values and hard negatives (Luhn-failing order numbers, dates, amounts, versions) from pools.
    """
    rng = np.random.default_rng(seed)
    P = pools(rng, 20_000)
    cn = rng.random(n) < 0.35
    latin = np.char.add(np.char.add(np.array(FIRST)[rng.integers(0, len(FIRST), n)], " "),
                        np.array(LAST)[rng.integers(0, len(LAST), n)])
    chinese = np.char.add(np.array(CN_SUR)[rng.integers(0, len(CN_SUR), n)],
                          np.array(CN_GIVEN)[rng.integers(0, len(CN_GIVEN), n)])
    idx = np.arange(n).astype(str)
    emails = np.char.add(np.char.add(np.char.add(np.char.lower(np.array(FIRST)[rng.integers(0, len(FIRST), n)]), "."), idx),
                         np.array(["@example.com", "@mail.example.cn", "@example.org"])[rng.integers(0, 3, n)])
    mobile = np.char.add(np.array(["13", "15", "18", "19"])[rng.integers(0, 4, n)], np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9))
    intl = np.char.add("+1 415-555-", np.char.zfill(rng.integers(0, 10**4, n).astype(str), 4))
    ssn_area = rng.integers(1, 666, n)
    ssns = np.char.add(np.char.add(np.char.zfill(ssn_area.astype(str), 3), "-"),
                       np.char.add(np.char.add(np.char.zfill(rng.integers(1, 100, n).astype(str), 2), "-"),
                                   np.char.zfill(rng.integers(1, 10**4, n).astype(str), 4)))
    years = rng.integers(1940, 2008, n)
    births = np.char.add(np.char.add(years.astype(str), "-"),
                         np.char.add(np.char.add(np.char.zfill(rng.integers(1, 13, n).astype(str), 2), "-"),
                                     np.char.zfill(rng.integers(1, 29, n).astype(str), 2)))
    addr = np.where(cn, np.char.add(np.array(CN_ROADS)[rng.integers(0, 4, n)], np.char.add(rng.integers(1, 300, n).astype(str), "号")),
                    np.char.add(np.char.add(rng.integers(1, 9999, n).astype(str), " "), np.array(STREETS)[rng.integers(0, 5, n)]))
    f1 = np.array(FILLER, dtype=object)[rng.integers(0, len(FILLER), n)]
    f2 = np.array(FILLER, dtype=object)[rng.integers(0, len(FILLER), n)]
    kind = rng.random(n)
    cats = ["email", "phone", "card_number", "national_id", "iban", "ip_address"]
    cat_idx = rng.integers(0, len(cats), n)
    pick = rng.integers(0, 20_000, n)
    notes = []
    for i in range(n):
        base = f"{f1[i]} {f2[i]}"
        if kind[i] < 0.30:
            pool = P[cats[cat_idx[i]]]
            notes.append(f"{base} Contact: {pool[pick[i] % len(pool)]}, please verify.")
        elif kind[i] < 0.50:
            tpl = NEGATIVES[pick[i] % len(NEGATIVES)]
            notes.append(f"{base} " + tpl.format(order=P["bad_luhn"][pick[i]], inv=pick[i]))
        else:
            notes.append(base)
    return pd.DataFrame({
        "customer_id": np.char.add("C", np.char.zfill(idx, 8)).astype(object),
        "full_name": np.where(cn, chinese, latin).astype(object),
        "email": emails.astype(object),
        "phone": np.where(cn, mobile, intl).astype(object),
        "national_id": np.where(cn, _cn_ids(rng, n), ssns).astype(object),
        "birth_date": births.astype(object),
        "address": addr.astype(object),
        "notes": notes,
    })
