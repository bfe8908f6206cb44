"""Exposure per data subject: which elements of *each person's own row* a scenario exposes,
counted in the engine per jurisdiction × country × state × element combination.

Breach laws trigger per person (issue 22): a California resident counts under Cal. Civ. Code
§1798.82(h) only when their own record exposes a name with an SSN / driver's licence / state ID /
passport number, or an account or card number *with* its access code; GDPR Art. 34 high risk is
judged from the subject's own exposed elements. The query below returns one row per combination
of elements (a few dozen rows at most), never the people themselves.

Elements (the names the law files use):

* ``name``: ``customers.full_name`` exposed and not empty;
* ``gov_id``: ``customers.national_id`` exposed and not empty, or a validated national id found
  in that person's exposed free-text / non-canonical column (``workbench.pii`` with its check
  digits); for US residents the canonical id is an SSN or state id;
* ``card``: a card number of that person exposed: ``transactions.card_number`` of one of their
  transactions, or a validated card number (Luhn, issuer prefix) in their free text;
* ``access_code``: a security code, PIN or password of that person exposed (a non-canonical
  column named as in :data:`ACCESS_CODE_HINTS`; the canonical schema has none).

Free text is flagged per row by streaming ``customer_id`` and the column in bounded Arrow
batches through the PII detector; only the ids with a hit go back into the engine as a small
relation that the counting query joins.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..engine import q

ELEMENTS = ("name", "gov_id", "card", "access_code")
GOV_CATEGORIES = ("national_id",)
CARD_CATEGORIES = ("card_number",)
ACCESS_CODE_HINTS = ("cvv", "cvc", "cvv2", "cid", "security_code", "card_code", "pin", "access_code",
                     "password", "passcode", "安全码", "密码")
_COUNTER = itertools.count()


@dataclass(frozen=True)
class Group:
    """``n`` exposed people of one jurisdiction / country / US state sharing one element set."""

    jurisdiction: str
    country: str | None
    state: str | None
    elements: frozenset[str]
    n: int


def _nonempty(col: str, alias: str = "") -> str:
    a = f"{alias}." if alias else ""
    return f"(nullif(trim(CAST({a}{q(col)} AS VARCHAR)), '') IS NOT NULL)"


def _access_columns(dataset, table: str, exposed: list[str]) -> list[str]:
    from ..schema import CANONICAL

    canon = CANONICAL.get(table, {})
    return [c for c in exposed if c not in canon and any(h == c.lower() or c.lower().endswith("_" + h)
                                                         or h in c.lower() and not h.isascii()
                                                         for h in ACCESS_CODE_HINTS)]


def _text_flags(dataset, table: str, col: str, categories: tuple[str, ...], cache: dict) -> str | None:
    """Name of an engine relation ``(customer_id, gov, card)`` of the people whose ``table.col``
    holds a validated identifier (None when nobody's does). Computed once per dataset."""
    key = ("rowflags", table, col)
    if key in cache:
        return cache[key]
    import numpy as np
    import polars as pl
    import pyarrow as pa

    from ..pii.engine import polars_hits

    cats = tuple(GOV_CATEGORIES + CARD_CATEGORIES)
    ids, gov, card = [], [], []
    sql = (f"SELECT CAST(customer_id AS VARCHAR) AS id, CAST({q(col)} AS VARCHAR) AS v FROM {q(table)} "
           f"WHERE {q(col)} IS NOT NULL AND customer_id IS NOT NULL")
    for batch in dataset.engine.batches(sql):
        hits = polars_hits(pl.from_arrow(batch.column(1)).cast(pl.String), cats)
        g = np.zeros(batch.num_rows, dtype=bool)
        k = np.zeros(batch.num_rows, dtype=bool)
        for c in GOV_CATEGORIES:
            if c in categories:
                g |= hits[c]
        for c in CARD_CATEGORIES:
            if c in categories:
                k |= hits[c]
        rows = np.flatnonzero(g | k)
        if rows.size:
            ids += pl.from_arrow(batch.column(0)).gather(rows).to_list()
            gov += g[rows].tolist()
            card += k[rows].tolist()
    name = None
    if ids:
        name = f"_wb_breach_flags_{next(_COUNTER)}"
        dataset.engine.register_arrow(name, pa.table({"customer_id": pa.array(ids, pa.string()),
                                                      "gov": pa.array(gov, pa.bool_()),
                                                      "card": pa.array(card, pa.bool_())}))
    cache[key] = name
    return name


def profile(dataset, cols: dict[str, list[str]], where: str | None, text_hits: dict[tuple[str, str], tuple[str, ...]],
            cache: dict) -> list[Group]:
    """Exposed people per jurisdiction × country × US state × element set (counted in the engine).

    ``cols``: exposed columns per table (after encryption); ``where``: the condition on
    ``customers`` selecting the people the exposure reveals (see ``exposure._held_where``);
    ``text_hits``: (table, column) → sensitive categories the detector found in that exposed,
    unredacted text column."""
    if where is None:
        return []
    from .states import state_code

    ccols = [str(c) for c in dataset.columns["customers"]]
    cust = cols.get("customers", [])
    tx = cols.get("transactions", [])
    tx_cols = [str(c) for c in dataset.columns.get("transactions", [])]
    has_tx = "transactions" in dataset.columns and "customer_id" in tx_cols

    def in_tx(cond: str) -> str:
        return f"CAST(c.customer_id AS VARCHAR) IN (SELECT CAST(customer_id AS VARCHAR) FROM transactions WHERE {cond})"

    name = _nonempty("full_name", "c") if "full_name" in cust else "FALSE"
    gov = [_nonempty("national_id", "c")] if "national_id" in cust else []
    card = [in_tx(_nonempty("card_number"))] if has_tx and "card_number" in tx else []
    code = [_nonempty(c, "c") for c in _access_columns(dataset, "customers", cust)]
    if has_tx:
        code += [in_tx(_nonempty(c)) for c in _access_columns(dataset, "transactions", tx)]
    for (table, col), cats in sorted(text_hits.items()):
        if table not in ("customers", "transactions") or not cats:
            continue
        if table == "transactions" and not has_tx:
            continue
        rel = _text_flags(dataset, table, col, cats, cache)
        if rel is None:
            continue
        sel = f"CAST(c.customer_id AS VARCHAR) IN (SELECT customer_id FROM {q(rel)} WHERE {{}})"
        if any(c in cats for c in GOV_CATEGORIES):
            gov.append(sel.format("gov"))
        if any(c in cats for c in CARD_CATEGORIES):
            card.append(sel.format("card"))

    def anyof(xs: list[str]) -> str:
        return "(" + " OR ".join(xs) + ")" if xs else "FALSE"

    j = "coalesce(CAST(c.jurisdiction AS VARCHAR), 'unknown')" if "jurisdiction" in ccols else "'unknown'"
    country = "upper(trim(CAST(c.country AS VARCHAR)))" if "country" in ccols else "NULL"
    state = "CAST(c.state AS VARCHAR)" if "state" in ccols else "NULL"
    where_c = where.replace("erased_at", "c.erased_at").replace("customer_id IN", "c.customer_id IN")
    df = dataset.sql(
        f"SELECT j, country, state, name, gov, card, code, count(*) AS n FROM ("
        f"SELECT {j} AS j, {country} AS country, {state} AS state, {name} AS name, {anyof(gov)} AS gov, "
        f"{anyof(card)} AS card, {anyof(code)} AS code FROM customers c WHERE {where_c}) t "
        "GROUP BY j, country, state, name, gov, card, code")
    merged: dict[tuple, int] = {}
    for row in df.itertuples(index=False):
        els = frozenset(e for e, flag in zip(ELEMENTS, (row.name, row.gov, row.card, row.code)) if bool(flag))
        ctry = None if row.country is None or str(row.country) in ("", "nan", "None", "<NA>") else str(row.country)
        st = None
        if ctry in ("US", "PR"):
            st = "PR" if ctry == "PR" else (state_code(row.state) or "unknown")
        k = (str(row.j), ctry, st, els)
        merged[k] = merged.get(k, 0) + int(row.n)
    return [Group(*k, n=v) for k, v in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or "",
                                                                                   sorted(kv[0][3])))]


def satisfies(elements: frozenset[str], combos: list[list[str]]) -> bool:
    """Whether a person's exposed elements meet one of a law's element combinations (each an AND)."""
    return any(all(e in elements for e in combo) for combo in combos)
