"""Issue 20: a labelled corpus of person names in free text and in columns, built from public name
lists that the detector does not use.

Source of the names: Faker's per-locale person lists (en_US, en_GB, de_DE, fr_FR, es_ES, pt_BR,
it_IT, nl_NL, pl_PL, zh_CN; first names, last names; benchmark-only dependency, see
benchmarks/requirements.txt). The detector's evidence is gender-guesser's first-name dictionary and
workbench/pii/names.yaml (written from the national surname ranking, not from Faker), so the
evaluation names are a different source; :func:`coverage` reports how many of them the detector's
lists hold at all. Hard negatives are Faker's company names, job titles and cities in the same
locales, plus region, title, status and product values a CRM holds.

Held out: every name of those lists falls, by a hash of its spelling, into a ``dev`` half or a
``test`` half. Detector changes were made looking at ``dev`` misses only; the recorded figures are
on ``test`` names, which the detector's lists never took anything from.

Forms: Title Case, UPPER CASE, ``LAST, FIRST`` (columns), first-name and last-name columns under
their headers, Chinese names (two and three characters) with and without a name header, Chinese
nicknames under a name header; free-text sentences in English and Chinese.
"""
from __future__ import annotations

import functools
import hashlib
import importlib

import sys
from pathlib import Path

import numpy as np

LATIN = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pt_BR", "it_IT", "nl_NL", "pl_PL"]
Record = tuple[str, list[tuple[str, int, int]]]
Column = tuple[str, list[str], bool]          # header, values, holds person names?

EN_TEXT = ["Customer {n} asked for a refund.", "Please call {n} tomorrow about the invoice.",
           "Spoke with {n}; she wants a callback.", "{n} confirmed the delivery address.",
           "Escalated by {n} to the team lead.", "Contact: {n}", "Meeting with {n} moved to Friday.",
           "Refund approved for {n} after review."]
ZH_TEXT = ["客户{n}来电咨询订单。", "请与{n}联系确认地址。", "{n}女士反馈包裹破损。", "已通知{n}，明天送达。",
           "收件人：{n}", "联系人{n}表示满意。", "{n}先生要求退款。", "已转告{n}，等待回复。"]
NEG_TEXT = ["Our {x} team will call back.", "Shipped via {x} on Monday.", "The {x} office is closed today.",
            "Invoice sent to {x}.", "Please update the {x} record.", "{x} approved the discount."]
ZH_NEG_TEXT = ["{x}的订单已发货。", "请联系{x}客服。", "{x}地区销售额增长。", "{x}发来合同。"]
NON_NAMES = ["Western Europe", "Eastern Europe", "North America", "Sales Representative", "Sales Manager",
             "Vice President", "Inside Sales", "Customer Service", "Head Office", "Gold Member", "Premium Plan",
             "Marketing Department", "Main Street", "Central Station", "Summer Sale", "New Year", "Black Friday",
             "Purchasing Manager", "Accounting Manager", "Order Administrator", "Marketing Assistant",
             "Owner/Marketing Assistant", "Sales Associate", "Sales Agent"]
ZH_NON_NAMES = ["华东", "华南", "华北", "西南", "总部", "财务部", "客服中心", "销售经理", "高效团队", "金额", "周末",
                "市场部", "技术支持", "黄金会员", "白金卡", "江南分公司", "海外事业部"]
STATUS = ["Active", "Closed", "Pending", "On Hold", "Cancelled"]
PRODUCTS = ["Chai", "Chang", "Aniseed Syrup", "Chef Anton's Cajun Seasoning", "Grandma's Boysenberry Spread",
            "Uncle Bob's Organic Dried Pears", "Northwoods Cranberry Sauce", "Mishi Kobe Niku", "Ikura",
            "Queso Cabrales", "Konbu", "Tofu", "Genen Shouyu", "Pavlova", "Alice Mutton", "Carnarvon Tigers"]


def _fakers() -> dict[str, object]:
    """Faker per locale, seeded: for the negatives (companies, jobs, cities, streets)."""
    from faker import Faker

    out = {}
    for i, loc in enumerate(LATIN + ["zh_CN"]):
        f = Faker(loc)
        f.seed_instance(100 + i)
        out[loc] = f
    return out


def half(name: str) -> str:
    """``dev`` or ``test``: a stable split of the name lists by a hash of the spelling."""
    return "dev" if hashlib.md5(name.encode("utf-8")).digest()[0] % 2 == 0 else "test"


@functools.lru_cache(maxsize=64)
def names_of(loc: str, kind: str, split: str) -> tuple[str, ...]:
    """Faker's ``first_names`` or ``last_names`` of a locale, only the ``split`` half."""
    provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
    items: set[str] = set()
    for attr in (kind, f"{kind}_male", f"{kind}_female", "unisex_last_names" if kind == "last_names" else ""):  # pl_PL: by gender
        src = (getattr(provider, attr, None) if attr else None) or ()
        items |= {n for n in (src.keys() if isinstance(src, dict) else src) if isinstance(n, str) and n != "Doe"}
    items = sorted(items)
    return tuple(n for n in items if half(n) == split)


class Names:
    """Names drawn from one half of the lists."""

    def __init__(self, rng: np.random.Generator, split: str) -> None:
        self.rng, self.split = rng, split

    def first(self, loc: str) -> str:
        return str(self.rng.choice(names_of(loc, "first_names", self.split)))

    def last(self, loc: str) -> str:
        return str(self.rng.choice(names_of(loc, "last_names", self.split)))

    def latin(self, loc: str, form: str) -> str:
        first, last = self.first(loc), self.last(loc)
        if form == "upper":
            return f"{first} {last}".upper()
        if form == "last_first":
            return f"{last}, {first}"
        return f"{first} {last}"

    def zh(self) -> str:
        return self.last("zh_CN") + self.first("zh_CN")


def free_text(n: int, seed: int = 20, split: str = "test") -> list[Record]:
    """``n`` sentences per group: Latin Title Case, Latin UPPER CASE, Chinese; and as many negatives."""
    rng = np.random.default_rng(seed)
    fk = _fakers()
    nm = Names(rng, split)
    recs: list[Record] = []
    for form in ("title", "upper"):
        for _ in range(n):
            name = nm.latin(str(rng.choice(LATIN)), form)
            text = str(rng.choice(EN_TEXT)).replace("{n}", name)
            start = text.index(name)
            recs.append((text, [("person_name", start, start + len(name))]))
    zh = fk["zh_CN"]
    for _ in range(n):
        name = nm.zh()
        text = str(rng.choice(ZH_TEXT)).replace("{n}", name)
        start = text.index(name)
        recs.append((text, [("person_name", start, start + len(name))]))
    for _ in range(n):
        f = fk[str(rng.choice(LATIN))]
        x = str(rng.choice([f.company(), f.job().split(",")[0].title(), f.city(), str(rng.choice(NON_NAMES)),
                            str(rng.choice(NON_NAMES)).upper(), str(rng.choice(PRODUCTS))]))
        recs.append((str(rng.choice(NEG_TEXT)).replace("{x}", x), []))
        xz = str(rng.choice([zh.company(), zh.job(), zh.city(), str(rng.choice(ZH_NON_NAMES))]))
        recs.append((str(rng.choice(ZH_NEG_TEXT)).replace("{x}", xz), []))
    return recs


def columns(rows: int = 60, seed: int = 21, split: str = "test") -> list[Column]:
    """Labelled columns (header, values, is_person_name) in the shapes real exports have."""
    rng = np.random.default_rng(seed)
    fk = _fakers()
    zh = fk["zh_CN"]
    nm = Names(rng, split)
    cols: list[Column] = []
    for loc in LATIN:
        f = fk[loc]
        for form, header in (("title", "ContactName"), ("title", "Field3"), ("upper", "CUSTOMER"),
                             ("upper", "Field4"), ("last_first", "Field5")):
            cols.append((header, [nm.latin(loc, form) for _ in range(rows)], True))
        cols.append(("FirstName", [nm.first(loc) for _ in range(rows)], True))
        cols.append(("LAST_NAME", [nm.last(loc).upper() for _ in range(rows)], True))
        cols.append(("surname", [nm.last(loc) for _ in range(rows)], True))
        # negatives of the same locale: companies, job titles, cities (also under a City header), streets
        cols.append(("CompanyName", [f.company() for _ in range(rows)], False))
        cols.append(("Field6", [f.company() for _ in range(rows)], False))
        cols.append(("Title", [f.job().split(",")[0].title() for _ in range(rows)], False))
        cols.append(("Field7", [f.city() for _ in range(rows)], False))
        cols.append(("ShipCity", [f.city() for _ in range(rows)], False))
        cols.append(("Field8", [f.street_name() for _ in range(rows)], False))
    for header in ("姓名", "Field1", "收件人", "CUSTOMER_NAME"):
        cols.append((header, [nm.zh() for _ in range(rows)], True))
    cols.append(("姓名", [str(rng.choice(["小", "老", "大", "阿"])) + nm.first("zh_CN")[0] for _ in range(rows)], True))
    cols.append(("联系人", [str(rng.choice(["小", "老"])) + nm.last("zh_CN") for _ in range(rows)], True))
    for header in ("公司名称", "Field2"):
        cols.append((header, [zh.company() for _ in range(rows)], False))
    cols.append(("城市", [zh.city() for _ in range(rows)], False))
    cols.append(("Field9", [zh.city() for _ in range(rows)], False))
    cols.append(("职位", [zh.job() for _ in range(rows)], False))
    cols.append(("region", [str(rng.choice(ZH_NON_NAMES)) for _ in range(rows)], False))
    cols.append(("RegionDescription", [str(rng.choice(NON_NAMES[:3])) for _ in range(rows)], False))
    cols.append(("Title", [str(rng.choice(NON_NAMES[3:])) for _ in range(rows)], False))
    cols.append(("Field10", [str(rng.choice(NON_NAMES)) for _ in range(rows)], False))
    cols.append(("Status", [str(rng.choice(STATUS)) for _ in range(rows)], False))
    cols.append(("ProductName", [str(rng.choice(PRODUCTS)) for _ in range(rows)], False))
    cols.append(("Field11", [str(rng.choice(PRODUCTS)) for _ in range(rows)], False))
    return cols


def coverage(split: str = "test") -> dict[str, float]:
    """Share of the evaluation's first names (Latin) and given names' first characters (Chinese)
    that the detector's own lists hold: how far the corpus is from the detector's source."""
    from workbench.pii.names import given_names, load_names

    g = given_names()
    firsts = {n.lower() for loc in LATIN for n in names_of(loc, "first_names", split)}
    zh_first = {n[0] for n in names_of("zh_CN", "first_names", split)}
    zh_last = set(names_of("zh_CN", "last_names", split))
    lists = load_names()
    return {"latin_first_names": len(firsts), "latin_in_gender_guesser": sum(n in g for n in firsts) / len(firsts),
            "zh_given_first_chars": len(zh_first),
            "zh_given_in_names_yaml": sum(c in lists.zh_given_chars for c in zh_first) / len(zh_first),
            "zh_surnames": len(zh_last),
            "zh_surnames_in_names_yaml": sum(bool(__import__("re").fullmatch(lists.zh_surname_alt, n)) for n in zh_last)
            / len(zh_last)}


def evaluate(n_text: int = 300, rows: int = 60, split: str = "test") -> dict[str, dict[str, float]]:
    """Precision and recall of person names: in free text (``find``, span overlap) and per column
    (``classify_column`` says person_name or not), with the time each took."""
    import time

    import pandas as pd

    from workbench.pii import classify_column, find

    out: dict[str, dict[str, float]] = {}
    t = time.perf_counter()
    recs = free_text(n_text, split=split)
    groups = {"free text, Latin Title Case": range(0, n_text), "free text, Latin UPPER CASE": range(n_text, 2 * n_text),
              "free text, Chinese": range(2 * n_text, 3 * n_text)}
    tp = {g: 0 for g in groups}
    fn = {g: 0 for g in groups}
    fp = 0
    for i, (text, gold) in enumerate(recs):
        pred = [(m.start, m.end) for m in find(text) if m.category == "person_name"]
        hit = [any(s < ge and gs < e for s, e in pred) for _, gs, ge in gold]
        fp += sum(not any(s < ge and gs < e for _, gs, ge in gold) for s, e in pred)
        for g, idx in groups.items():
            if i in idx:
                tp[g] += sum(hit)
                fn[g] += len(hit) - sum(hit)
    for g in groups:
        out[g] = {"tp": tp[g], "fn": fn[g], "recall": tp[g] / (tp[g] + fn[g])}
    all_tp, all_fn = sum(tp.values()), sum(fn.values())
    out["free text, all"] = {"tp": all_tp, "fp": fp, "fn": all_fn, "precision": all_tp / (all_tp + fp),
                             "recall": all_tp / (all_tp + all_fn), "negatives": len(recs) - 3 * n_text,
                             "seconds": time.perf_counter() - t}
    t = time.perf_counter()
    cols = columns(rows, split=split)
    res = [("person_name" in classify_column(pd.Series(v), h), lab) for h, v, lab in cols]
    ctp = sum(g and lab for g, lab in res)
    cfp = sum(g and not lab for g, lab in res)
    cfn = sum(lab and not g for g, lab in res)
    out["columns"] = {"tp": ctp, "fp": cfp, "fn": cfn, "precision": ctp / (ctp + cfp) if ctp + cfp else float("nan"),
                      "recall": ctp / (ctp + cfn), "positives": sum(lab for _, _, lab in cols),
                      "negatives": sum(not lab for _, _, lab in cols), "seconds": time.perf_counter() - t,
                      "wrong": [h for (h, _, lab), (g, _) in zip(cols, res) if g != lab]}
    return out


NAMES_TITLE = "## Person names by evidence (issue 20)"


def names_section(n_text: int, rows: int, baseline: str | None) -> list[str]:
    """Issue 20: person names in free text and columns on names from other lists than the
    detector's (benchmarks/pii_corpus_names.py, held-out 'test' half), optionally next to the code
    of another checkout (``baseline``: its path, e.g. main before the issue) on the same corpus."""
    import json
    import os
    import subprocess

    runs = {"workbench (this branch)": evaluate(n_text, rows)}
    if baseline:
        here = str(Path(__file__).resolve().parent)
        code = (f"import sys, json; sys.path.insert(0, {here!r}); import pii_corpus_names as N; "
                f"print(json.dumps(N.evaluate({n_text}, {rows})))")
        env = {**os.environ, "PYTHONPATH": baseline}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=baseline)
        runs[f"baseline ({baseline}, before the change)"] = json.loads(out.stdout.strip().splitlines()[-1])
    cov = coverage()
    lines = [NAMES_TITLE, "",
             f"Corpus (benchmarks/pii_corpus_names.py): {3 * n_text:,} free-text sentences with one name each (Latin "
             f"Title Case, Latin UPPER CASE, Chinese; {n_text} each) and {2 * n_text:,} without (company names, job "
             f"titles, cities, region/title/product values in English and Chinese); {len(columns(rows)):,} columns "
             f"of {rows} values (full names in three forms, first-name and last-name columns under their headers, "
             "Chinese names with and without a name header, nicknames under one; companies, job titles, cities, "
             "streets, regions, titles, statuses, products).", "",
             "Where the names come from: Faker's person lists of nine Latin-script locales and zh_CN — not the "
             "detector's sources (gender-guesser's first names, names.yaml's surnames and given-name characters). "
             "Each list is split by a hash of the spelling into a dev half and a test half; the detector was tuned "
             "looking at dev misses only (its lists gained the Hundred Family Surnames and some given-name "
             "characters), and the figures below are on test names. Test names are unseen strings, though Chinese "
             "ones share characters with dev. Coverage of the test half by the detector's lists: "
             f"{cov['latin_in_gender_guesser']:.1%} of {cov['latin_first_names']:,} Latin first names are in "
             f"gender-guesser; {cov['zh_surnames_in_names_yaml']:.1%} of {cov['zh_surnames']} Chinese surnames and "
             f"{cov['zh_given_in_names_yaml']:.1%} of {cov['zh_given_first_chars']} given-name first characters are "
             "in names.yaml.", "",
             "Free text: a prediction is right when it is person_name and overlaps the labelled span. Columns: "
             "`classify_column(values, header)` reports person_name or not. The s column is the wall time of one run "
             "each, one after the other on a shared machine: not a cost comparison (benchmarks/results/pii_scan_cli.md "
             "has that, alternated, through the CLI).", "",
             "| run | free-text P | free-text R | Title R | UPPER R | Chinese R | FP (of negatives) | columns P | columns R | "
             "column errors | s |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for k, r in runs.items():
        ft, col = r["free text, all"], r["columns"]
        lines.append(f"| {k} | {ft['precision']:.3f} | {ft['recall']:.3f} | {r['free text, Latin Title Case']['recall']:.3f} | "
                     f"{r['free text, Latin UPPER CASE']['recall']:.3f} | {r['free text, Chinese']['recall']:.3f} | "
                     f"{ft['fp']} ({ft['negatives']}) | {col['precision']:.3f} | {col['recall']:.3f} | "
                     f"{col['fp']} FP, {col['fn']} FN | {ft['seconds'] + col['seconds']:.1f} |")
    ours = runs["workbench (this branch)"]
    combined_tp = ours["free text, all"]["tp"] + ours["columns"]["tp"]
    combined_fp = ours["free text, all"]["fp"] + ours["columns"]["fp"]
    combined_fn = ours["free text, all"]["fn"] + ours["columns"]["fn"]
    lines += ["", f"Free text and columns together (this branch): precision {combined_tp / (combined_tp + combined_fp):.3f}, "
              f"recall {combined_tp / (combined_tp + combined_fn):.3f}. Command: `python benchmarks/pii_accuracy.py "
              f"--names-only --names-text {n_text} --names-rows {rows}"
              + (" --baseline PATH`" if baseline else "`") + ".", "",
              "Misses are mostly first names that gender-guesser does not list (Brazilian, Polish and Dutch forms: "
              "Gabrielly, Ksawery, Senna) and rare Chinese surnames outside the Hundred Family Surnames; a name "
              "whose first word is a place in the stop list (Virginia, Chelsea) is missed on purpose. False "
              "positives are product and company names made of a given name and a word (Alice Mutton)."]
    return lines


def write_names_section(lines: list[str]) -> None:
    """Put the issue-20 section into benchmarks/results/pii_accuracy.md (replacing an older one)."""
    path = Path(__file__).resolve().parent / "results" / "pii_accuracy.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# PII detection accuracy\n"
    head, _, rest = text.partition(NAMES_TITLE)
    tail = rest[rest.find("\n## "):] if rest and "\n## " in rest else ""
    path.write_text(head.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n" + tail, encoding="utf-8")
