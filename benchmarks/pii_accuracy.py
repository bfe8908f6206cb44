"""Benchmark: precision and recall per category on a labelled corpus — workbench vs Presidio.

    .venv/bin/python benchmarks/pii_accuracy.py [--per-category 300]
    .venv/bin/python benchmarks/pii_accuracy.py --names-only --baseline /path/to/main   # issue 20: names only

The corpus mixes generated personal values embedded in English and Chinese sentences (glued to
Chinese characters too: 身份证420106…) with hard negatives: Luhn-failing order numbers,
wrong-check-digit ids, invalid SSN ranges, IBANs failing mod-97, dates outside a birth context,
amounts, version strings, invalid IPs, tracking numbers and timestamps. Scoring is span based: a
prediction is a true positive when its category matches and it overlaps a labelled span.

Presidio (benchmark-only dependency, see benchmarks/requirements.txt) runs with its regex/checksum
recognizers only (no spaCy model). Writes benchmarks/results/pii_accuracy.md.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import pii_corpus as C  # noqa: E402
import pii_corpus_intl as X  # noqa: E402
from pii_corpus_names import names_section, write_names_section  # noqa: E402

BASE_CATS = ["email", "phone", "card_number", "national_id", "iban", "ip_address", "birth_date"]
CATS = ["email", "phone", "card_number", "national_id", "iban", "ip_address", "birth_date", "person_name", "address",
        "bank_account", "passport", "drivers_licence", "mac_address", "crypto_wallet"]
Record = tuple[str, list[tuple[str, int, int]]]   # text, [(category, start, end)]

EN = ["Customer {v} asked for a refund.", "Please contact {v} tomorrow.", "Updated record: {v}; verified by phone.",
      "({v})", "value={v}"]
ZH = ["客户信息{v}，请核实。", "联系方式：{v}", "已登记{v}并回访。"]
CTX = {"email": ["email ", "邮箱", ""], "phone": ["tel ", "手机", "电话："], "card_number": ["card ", "卡号", ""],
       "national_id": ["ID ", "身份证", "SSN "], "iban": ["IBAN ", "账户 ", ""], "ip_address": ["from ", "IP地址", ""],
       "birth_date": ["DOB: ", "出生日期", "born on "], "address": ["ship to ", "地址：", "address: "],
       "bank_account": ["routing number ", "ABA ", "RTN: "], "passport": ["passport no. ", "护照号码", "Passport: "],
       "drivers_licence": ["driver's licence ", "DL ", "驾驶证"], "mac_address": ["device ", "MAC ", ""],
       "crypto_wallet": ["wallet ", "BTC/ETH ", ""]}

HARD_NEGATIVES = [
    "Order 1234567812345678 shipped on 2026-03-14, amount EUR 1,234.56.",
    "Invoice INV-2026-00042 paid; app version 2.14.3 installed on build 20240501.",
    "订单号2024050112345678已发货，金额￥3,280.00。",
    "Tracking 1Z999AA10123456784 updated at 2026-05-01T10:22:33Z.",
    "Meeting on 12/05/2026 at 14:30, room 3-101.",
    "Reference 000-00-0000 is a placeholder, not an SSN.",
    "Software v10.0.19041.1 and firmware 1.2.3 rolled out.",
    "Price went from 19.99 to 24.99 (20% up), stock 1,000,000 units.",
    "Call center ticket #4521-8890-1123 closed.",
    "温度36.5度，体重70.2公斤，身高175厘米。",
    "Batch 2026-Q3-0001 exported 15,000 rows in 3.2 s.",
    "The year 1990 was good; 2005-2010 sales doubled.",
    "Serial 9780306406157 (ISBN) and EAN 4006381333931.",
    "Contact the support desk, not a person.",
]


def _record(rng: np.random.Generator, cat: str, value: str) -> Record:
    tpl = str(rng.choice(ZH if rng.random() < 0.4 else EN))
    prefix = str(rng.choice(CTX[cat]))
    if cat == "birth_date" and not prefix:
        prefix = "DOB "
    head, _, tail = tpl.partition("{v}")
    start = len(head) + len(prefix)
    return head + prefix + value + tail, [(cat, start, start + len(value))]


def corpus(n: int, seed: int = 5) -> list[Record]:
    rng = np.random.default_rng(seed)
    gens = dict(C.GENERATORS)
    gens["national_id"] = lambda r: C.cn_id(r) if r.random() < 0.7 else C.ssn(r)
    gens["card_number"] = lambda r: C.card(r, str(r.choice([" ", "-", ""])))
    gens["birth_date"] = lambda r: (f"{int(r.integers(1940, 2008))}-{int(r.integers(1, 13)):02d}-{int(r.integers(1, 29)):02d}"
                                    if r.random() < 0.5 else f"{int(r.integers(1950, 2005))}年{int(r.integers(1, 13))}月{int(r.integers(1, 29))}日")
    recs: list[Record] = []
    for cat in BASE_CATS:
        for _ in range(n):
            recs.append(_record(rng, cat, gens[cat](rng)))
    # generated hard negatives: checksum failures and look-alikes
    for _ in range(n):
        recs.append((f"Order {C.bad_luhn(rng)} shipped, total {int(rng.integers(1, 9999))}.{int(rng.integers(0, 99)):02d} EUR.", []))
        recs.append((f"证件号{C.bad_cn_id(rng)}有误，请重新录入。", []))
        recs.append((f"Reference {int(rng.integers(900, 1000))}-{int(rng.integers(10, 99))}-{int(rng.integers(1000, 9999))} and "
                     f"666-{int(rng.integers(10, 99))}-{int(rng.integers(1000, 9999))}.", []))
        iban = C.iban(rng)
        bad = f"{iban[:2]}{(int(iban[2:4]) + 1) % 100:02d}{iban[4:]}"  # wrong check digits
        recs.append((f"Account {bad} rejected.", []))
        recs.append((f"Delivered {int(rng.integers(2015, 2027))}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}, "
                     f"version {int(rng.integers(1, 20))}.{int(rng.integers(0, 20))}.{int(rng.integers(0, 99))}", []))
        recs.append((f"Host {int(rng.integers(256, 999))}.{int(rng.integers(0, 255))}.1.1 unreachable.", []))
    recs += [(t, []) for t in HARD_NEGATIVES]
    return recs + corpus_intl(n, seed)


def corpus_intl(n: int, seed: int = 5) -> list[Record]:
    """Issue 12: national ids of 17 countries, national phone formats, IPv6, MAC, wallets, bank
    routing, passport and licence numbers, names and addresses in free text, and hard negatives
    (other countries' Luhn-valid ids, brand and place names, product codes, hashes)."""
    rng = np.random.default_rng(seed + 1)
    recs: list[Record] = []
    ids = X.national_ids()
    kinds = sorted(ids)
    for i in range(n):
        make, prefix = ids[kinds[i % len(kinds)]]
        recs.append(_record_with(rng, "national_id", make(rng), prefix))
    gens = {"phone": X.national_phone, "ip_address": X.ipv6, "mac_address": X.mac, "crypto_wallet": X.wallet,
            "bank_account": X.routing, "passport": X.passport, "drivers_licence": X.licence, "address": X.address}
    for cat, make in gens.items():
        for _ in range(n):
            recs.append(_record(rng, cat, make(rng)))
    for make in (X.person_name_en, X.person_name_zh):
        for _ in range(n):
            text, name = make(rng)
            start = text.index(name)
            recs.append((text, [("person_name", start, start + len(name))]))
    for _ in range(n):
        recs.append((X.luhn_ids_of_other_countries(rng), []))
        recs.append((str(rng.choice(X.BRAND_AND_PLACE)), []))
    return recs


def _record_with(rng: np.random.Generator, cat: str, value: str, prefix: str) -> Record:
    tpl = str(rng.choice(ZH if rng.random() < 0.3 else EN))
    head, _, tail = tpl.partition("{v}")
    start = len(head) + len(prefix)
    return head + prefix + value + tail, [(cat, start, start + len(value))]


def workbench_predict(texts: list[str]) -> list[list[tuple[str, int, int]]]:
    from workbench.pii import find

    return [[(m.category, m.start, m.end) for m in find(t) if m.category in CATS] for t in texts]


PRESIDIO_MAP = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "card_number", "US_SSN": "national_id",
                "IBAN_CODE": "iban", "IP_ADDRESS": "ip_address", "DATE_TIME": "birth_date",
                "PERSON": "person_name", "LOCATION": "address", "US_ITIN": "national_id", "UK_NHS": "national_id",
                "UK_NINO": "national_id", "ES_NIF": "national_id", "ES_NIE": "national_id", "IT_FISCAL_CODE": "national_id",
                "PL_PESEL": "national_id", "SG_NRIC_FIN": "national_id", "IN_PAN": "national_id",
                "IN_AADHAAR": "national_id", "KR_RRN": "national_id", "FI_PERSONAL_IDENTITY_CODE": "national_id",
                "US_BANK_NUMBER": "bank_account", "ABA_ROUTING_NUMBER": "bank_account", "US_PASSPORT": "passport",
                "IN_PASSPORT": "passport", "IT_PASSPORT": "passport", "US_DRIVER_LICENSE": "drivers_licence",
                "IT_DRIVER_LICENSE": "drivers_licence", "MAC_ADDRESS": "mac_address", "CRYPTO": "crypto_wallet"}


def presidio_predict(texts: list[str]) -> list[list[tuple[str, int, int]]]:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngine

    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    nlp: NlpEngine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "noop"}])
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
    known = set(engine.get_supported_entities(language="en"))
    out = []
    for t in texts:
        res = engine.analyze(text=t, language="en", entities=[e for e in PRESIDIO_MAP if e in known])
        out.append([(PRESIDIO_MAP[r.entity_type], r.start, r.end) for r in res if r.score >= 0.3])
    return out


def score(recs: list[Record], preds: list[list[tuple[str, int, int]]]) -> dict[str, dict[str, float]]:
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    for (_, gold), pred in zip(recs, preds):
        used = set()
        for c, s, e in pred:
            hit = next((i for i, (gc, gs, ge) in enumerate(gold) if gc == c and i not in used and s < ge and gs < e), None)
            if hit is None:
                fp[c] += 1
            else:
                used.add(hit)
                tp[c] += 1
        for i, (gc, _, _) in enumerate(gold):
            if i not in used:
                fn[gc] += 1
    res = {}
    for c in CATS:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else float("nan")
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else float("nan")
        res[c] = {"tp": tp[c], "fp": fp[c], "fn": fn[c], "precision": p, "recall": r}
    return res


CONTEXT_ONLY = {"person_name_title", "person_name_zh", "person_name_zh_title"}


def name_candidates(texts: list[str]) -> dict[str, list[list[tuple[str, int, int]]]]:
    """Person names in free text, by candidate method (spans labelled person_name)."""
    import re

    import jieba
    import jieba.posseg as pseg
    from workbench.pii import find

    jieba.setLogLevel(60)
    sur = "".join(X.ZH_SUR)   # only for the 'surname list alone' candidate
    rx_sur = re.compile(f"[{sur}][\u4e00-\u9fff]{{1,2}}")
    out: dict[str, list[list[tuple[str, int, int]]]] = {k: [] for k in (
        "context words only (workbench patterns)", "workbench (context + given-name list)",
        "jieba POS nr", "jieba nr + workbench", "Chinese surname list alone")}
    for t in texts:
        wb = [m for m in find(t) if m.category == "person_name"]
        ctx = [("person_name", m.start, m.end) for m in wb if m.detector in CONTEXT_ONLY]
        full = [("person_name", m.start, m.end) for m in wb]
        jb, pos = [], 0
        if re.search("[\u4e00-\u9fff]", t):
            for w in pseg.cut(t):
                if w.flag == "nr" and len(w.word) >= 2:
                    jb.append(("person_name", pos, pos + len(w.word)))
                pos += len(w.word)
        out["context words only (workbench patterns)"].append(ctx)
        out["workbench (context + given-name list)"].append(full)
        out["jieba POS nr"].append(jb)
        out["jieba nr + workbench"].append(full + [s for s in jb if not any(s[1] < e and b < s[2] for _, b, e in full)])
        out["Chinese surname list alone"].append([("person_name", m.start(), m.end()) for m in rx_sur.finditer(t)])
    return out


def _by_language(recs: list[Record], preds: list[list[tuple[str, int, int]]], zh: bool) -> dict[str, float]:
    import re

    keep = [i for i, (t, _) in enumerate(recs) if bool(re.search("[\u4e00-\u9fff]", t)) == zh]
    return score([recs[i] for i in keep], [preds[i] for i in keep])["person_name"]


# Hard negatives for phones read in a customer's country: numbers a CRM note holds that are no phone.
REGION_NEGATIVES = ["Paid EUR 250 000 000 in three tranches.", "Visit on 2026 05 06 at 10 30.", "Visit on 06 05 2026.",
                    "Order 4711 0815 2231 shipped.", "Invoice 2026-000123 settled.", "Postcode 10115, house 12 3 4.",
                    "Stock 1 250 000 units, batch 77 12.", "Ticket 5521-88 closed after 3 calls.",
                    "Account ref 12 34 56 78 90 12 34 (not a phone).", "Weight 72.5 kg, height 1.80 m.",
                    "Tracking 9400 1000 0000 0000 0000 00.", "Serial 3-1415-9265-35."]


def customer_region_phones(seed: int = 5) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
    """(text, customer country, labels): every libphonenumber region's example mobile and fixed-line
    numbers plus two valid variants each, written in the national format, and the hard negatives
    above under random countries. Ground truth for a positive: valid per libphonenumber in its region."""
    import phonenumbers as P

    rng = np.random.default_rng(seed)
    out: list[tuple[str, str, list[tuple[str, int, int]]]] = []
    regions = sorted(P.SUPPORTED_REGIONS)
    for region in regions:
        for kind in (P.PhoneNumberType.MOBILE, P.PhoneNumberType.FIXED_LINE):
            base = P.example_number_for_type(region, kind)
            if base is None:
                continue
            nums = [base]
            for _ in range(40):
                if len(nums) == 3:
                    break
                nn = str(base.national_number)
                num = P.PhoneNumber(country_code=base.country_code,
                                    national_number=int(nn[:-2] + "".join(str(d) for d in rng.integers(0, 10, 2))))
                if P.is_valid_number_for_region(num, region) and num not in nums:
                    nums.append(num)
            for num in nums:
                v = P.format_number(num, P.PhoneNumberFormat.NATIONAL)
                tpl = str(rng.choice(["Call {v} after 5pm.", "Customer asked us to ring {v}.", "New number: {v}"]))
                text = tpl.replace("{v}", v)
                start = text.index(v)
                out.append((text, region, [("phone", start, start + len(v))]))
    for text in REGION_NEGATIVES:
        for region in rng.choice(regions, 20, replace=False):
            out.append((text, str(region), []))
    return out


def region_phone_scores(recs: list[tuple[str, str, list[tuple[str, int, int]]]]) -> dict[str, dict[str, float]]:
    """Phone precision/recall of find() without and with each record's customer country."""
    from workbench.pii import find

    plain = [(t, g) for t, _, g in recs]
    out = {}
    for how in ("without country", "with country"):
        preds = [[(m.category, m.start, m.end) for m in find(t, {"phone"}, region=r if how == "with country" else "")]
                 for t, r, _ in recs]
        out[how] = score(plain, preds)["phone"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-category", type=int, default=300)
    ap.add_argument("--names-only", action="store_true", help="only the issue-20 names section (no Presidio, no jieba)")
    ap.add_argument("--names-text", type=int, default=300)
    ap.add_argument("--names-rows", type=int, default=60)
    ap.add_argument("--baseline", help="checkout of the code to compare with (run with its own PYTHONPATH)")
    a = ap.parse_args()
    if a.names_only:
        lines = names_section(a.names_text, a.names_rows, a.baseline)
        write_names_section(lines)
        print("\n".join(lines))
        return
    recs = corpus(a.per_category)
    texts = [t for t, _ in recs]
    results = {}
    t = time.perf_counter()
    results["workbench"] = (score(recs, workbench_predict(texts)), time.perf_counter() - t)
    presidio_note = ""
    try:
        t = time.perf_counter()
        results["presidio"] = (score(recs, presidio_predict(texts)), time.perf_counter() - t)
    except Exception as e:  # noqa: BLE001 - record why Presidio could not run
        presidio_note = f"Presidio did not run here: {type(e).__name__}: {e}"
    lines = ["# PII detection accuracy", "",
             f"Corpus: {len(recs):,} records ({a.per_category} generated positives per original category in English and "
             "Chinese sentences, ids glued to Chinese text; issue 12 adds per category national ids of 17 countries "
             "(valid per python-stdnum), national phone formats (valid per libphonenumber), IPv6, MAC, crypto wallets, "
             "ABA routing, passport and licence numbers, addresses (EN/DE/FR/ES/ZH) and person names (EN + ZH); hard "
             "negatives: Luhn-failing order numbers, wrong id check digits, invalid SSN ranges, IBANs failing mod-97, "
             "dates outside a birth context, amounts, versions, invalid IPs, ISBN/EAN, tracking numbers, other "
             "countries' Luhn-valid ids (South Africa, IMEI, Canada SIN, Sweden), brand and place names, product codes, "
             "hashes).",
             "Scoring: span overlap with the same category. Command: "
             f"`.venv/bin/python benchmarks/pii_accuracy.py --per-category {a.per_category}`", ""]
    header = "| category | " + " | ".join(f"{k} P | {k} R | {k} FP | {k} FN" for k in results) + " |"
    lines += [header, "|---|" + "---|" * (4 * len(results))]
    for c in CATS:
        cells = []
        for k, (res, _) in results.items():
            r = res[c]
            cells += [f"{r['precision']:.3f}", f"{r['recall']:.3f}", str(r["fp"]), str(r["fn"])]
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    lines.append("")
    for k, (_, secs) in results.items():
        how = "find() per record" if k == "workbench" else "AnalyzerEngine.analyze() per record"
        lines.append(f"- {k}: {secs:.2f} s for {len(recs):,} records ({len(recs) / secs:,.0f} records/s, one core, {how})")
    lines += ["", "Caveat: the positives are generated in formats the workbench detectors were written for, and the "
              "issue-12 detectors were tuned on this corpus (name templates, street names, context words), so the "
              "1.000s are an upper bound, not a field measurement; the hard negatives are what this benchmark really "
              "tests. Known gaps: a Chinese name with no role word, honorific or verb next to it, an English name "
              "whose first name is not in the given-name list (Aarav above), national formats that neither "
              "libphonenumber's regions list nor the patterns cover.",
              "", "Presidio ran with its pattern and checksum recognizers only (NoOpNlpEngine): its PERSON and "
              "LOCATION recognizers need a spaCy model, which cannot be installed offline on this machine, so its "
              "person_name/address recall of 0 says nothing about its NER. Recognizers registered for other "
              "languages than 'en' (ES_NIF, IT_FISCAL_CODE, PL_PESEL...) do not run on an 'en' analysis.",
              "", "Notes: Presidio has no recognizer for China resident ids, so its national_id recall counts only SSNs; "
              "its DATE_TIME recognizer is mapped to birth_date (it has no birth-date context), which is why its "
              "precision there is low. Presidio uses Unicode word boundaries, so values glued to Chinese text "
              "(身份证420106…, 手机138…) are missed."]
    if presidio_note:
        lines += ["", presidio_note]
    t = time.perf_counter()
    cands = name_candidates(texts)
    lines += ["", "## Person names in free text: candidate methods", "",
              f"Same corpus ({sum(1 for _, g in recs for c, *_ in g if c == 'person_name'):,} labelled names: English "
              "with first+last name or an honorific, Chinese with a role word, an honorific or bare; names drawn from "
              "hand-made lists that are not the workbench's name source). English = records without CJK characters.",
              "", "| method | EN P | EN R | ZH P | ZH R |", "|---|---|---|---|---|"]
    for k, preds in cands.items():
        en, zh = _by_language(recs, preds, False), _by_language(recs, preds, True)
        lines.append(f"| {k} | {en['precision']:.3f} | {en['recall']:.3f} | {zh['precision']:.3f} | {zh['recall']:.3f} |")
    lines += ["", f"({time.perf_counter() - t:.1f} s for all candidates.) jieba (and its dictionary) ships inside its "
              "package; nothing is downloaded. The workbench keeps the method in its detectors (context words + "
              "gender-guesser's given-name list); see the verdict in the issue report."]
    regional = customer_region_phones()
    t = time.perf_counter()
    rs = region_phone_scores(regional)
    n_pos = sum(1 for _, _, g in regional if g)
    lines += ["", "## Phones read in the customer's own country", "",
              f"{n_pos:,} phone numbers in national format (every one of libphonenumber's "
              f"{len({r for _, r, g in regional if g})} regions: its example mobile and fixed-line numbers and two valid "
              f"variants of each) in English sentences, and {len(regional) - n_pos:,} hard negatives (amounts, dates "
              "and references written with spaces, order and tracking numbers) each under 20 random countries. "
              "`find(text, region=country)` is what the scan does for a table with a `country` column.", "",
              "| | phone P | phone R | FP | FN |", "|---|---|---|---|---|"]
    for how, r in rs.items():
        lines.append(f"| {how} | {r['precision']:.3f} | {r['recall']:.3f} | {r['fp']} | {r['fn']} |")
    lines += ["", f"({time.perf_counter() - t:.1f} s.) Misses with the country are national numbers of fewer than 8 "
              "digits (small numbering plans: Andorra, Aruba, the Cook Islands...), which the detector leaves out "
              "on purpose: too many other numbers have that shape."]
    lines += [""] + names_section(a.names_text, a.names_rows, a.baseline)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "pii_accuracy.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
