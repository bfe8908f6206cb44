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


def _atoms(dataset, where: str, candidates: dict[tuple[str, str], tuple[str, ...]], cache: dict) -> list[tuple]:
    """People per (jurisdiction, country, state, atoms) for the people ``where`` selects, counted
    in the engine once per ``where``; an atom is one source of an element in one column
    (``name``, ``nid`` = customers.national_id, ``tx:card_number`` = a transaction card,
    ``code:customers.cvv``, ``gov:customers.notes`` / ``card:customers.notes`` = a validated id
    or card in that person's text). Which atoms count is decided per exposure in Python."""
    key = ("atoms", where, tuple(sorted(candidates.items())))
    if key in cache:
        return cache[key]
    ccols = [str(c) for c in dataset.columns["customers"]]
    tx_cols = [str(c) for c in dataset.columns.get("transactions", [])]
    has_tx = "transactions" in dataset.columns and "customer_id" in tx_cols
    joins: list[str] = []
    atoms: dict[str, str] = {}

    def member(sql: str) -> str:
        """A flag: the person's id is among the keys ``sql`` returns (a LEFT JOIN on distinct keys,
        not an IN subquery in the projection, which Spark cannot analyse)."""
        alias = f"m{len(joins)}"
        joins.append(f"LEFT JOIN (SELECT DISTINCT k FROM ({sql}) s) {alias} ON CAST(c.customer_id AS VARCHAR) = {alias}.k")
        return f"({alias}.k IS NOT NULL)"

    def in_tx(cond: str) -> str:
        return member(f"SELECT CAST(customer_id AS VARCHAR) AS k FROM transactions WHERE {cond}")

    if "full_name" in ccols:
        atoms["name"] = _nonempty("full_name", "c")
    if "national_id" in ccols:
        atoms["nid"] = _nonempty("national_id", "c")
    if has_tx and "card_number" in tx_cols:
        atoms["tx:card_number"] = in_tx(_nonempty("card_number"))
    for col in _access_columns(dataset, "customers", ccols):
        atoms[f"code:customers.{col}"] = _nonempty(col, "c")
    if has_tx:
        for col in _access_columns(dataset, "transactions", tx_cols):
            atoms[f"code:transactions.{col}"] = in_tx(_nonempty(col))
    for (table, col), cats in sorted(candidates.items()):
        if table == "transactions" and not has_tx:
            continue
        rel = _text_flags(dataset, table, col, cats, cache)
        if rel is None:
            continue
        if any(c in cats for c in GOV_CATEGORIES):
            atoms[f"gov:{table}.{col}"] = member(f"SELECT customer_id AS k FROM {q(rel)} WHERE gov")
        if any(c in cats for c in CARD_CATEGORIES):
            atoms[f"card:{table}.{col}"] = member(f"SELECT customer_id AS k FROM {q(rel)} WHERE card")
    names = list(atoms)
    j = "coalesce(CAST(c.jurisdiction AS VARCHAR), 'unknown')" if "jurisdiction" in ccols else "'unknown'"
    country = "upper(trim(CAST(c.country AS VARCHAR)))" if "country" in ccols else "CAST(NULL AS VARCHAR)"
    state = "CAST(c.state AS VARCHAR)" if "state" in ccols else "CAST(NULL AS VARCHAR)"
    where_c = where.replace("erased_at", "c.erased_at").replace("customer_id IN", "c.customer_id IN")
    flags = "".join(f", {expr} AS a{i}" for i, expr in enumerate(atoms.values()))
    group = ", ".join(["j", "country", "state"] + [f"a{i}" for i in range(len(names))])
    df = dataset.sql(f"SELECT {group}, count(*) AS n FROM (SELECT {j} AS j, {country} AS country, {state} AS state{flags} "
                     f"FROM customers c {' '.join(joins)} WHERE {where_c}) t GROUP BY {group}")
    from .states import state_code

    out = []
    for row in df.itertuples(index=False):
        ctry = None if row.country is None or str(row.country) in ("", "nan", "None", "<NA>") else str(row.country)
        st = ("PR" if ctry == "PR" else (state_code(row.state) or "unknown")) if ctry in ("US", "PR") else None
        on = frozenset(n for i, n in enumerate(names) if bool(getattr(row, f"a{i}")))
        out.append((str(row.j), ctry, st, on, int(row.n)))
    cache[key] = out
    return out


def profile(dataset, cols: dict[str, list[str]], where: str | None, text_hits: dict[tuple[str, str], tuple[str, ...]],
            cache: dict, candidates: dict[tuple[str, str], tuple[str, ...]] | None = None) -> list[Group]:
    """Exposed people per jurisdiction × country × US state × element set.

    ``cols``: exposed columns per table (after encryption); ``where``: the condition on
    ``customers`` selecting the people the exposure reveals (see ``exposure._held_where``);
    ``text_hits``: (table, column) → sensitive categories the detector found in that exposed,
    unredacted text column; ``candidates``: every text column with hits (exposed or not), so that
    one engine count serves every exposure of the same people (what-if included)."""
    if where is None:
        return []
    cust, tx = set(cols.get("customers", [])), set(cols.get("transactions", []))
    on: set[str] = set()
    if "full_name" in cust:
        on.add("name")
    if "national_id" in cust:
        on.add("nid")
    if "card_number" in tx:
        on.add("tx:card_number")
    on |= {f"code:customers.{c}" for c in cust} | {f"code:transactions.{c}" for c in tx}
    for (table, col), cats in text_hits.items():
        on |= {f"gov:{table}.{col}", f"card:{table}.{col}"}
    element_of = {"name": "name", "nid": "gov_id", "tx": "card", "code": "access_code", "gov": "gov_id", "card": "card"}
    merged: dict[tuple, int] = {}
    for j, ctry, st, atoms, n in _atoms(dataset, where, {**(candidates or {}), **text_hits}, cache):
        els = frozenset(element_of[a.split(":")[0]] for a in atoms if a in on)
        k = (j, ctry, st, els)
        merged[k] = merged.get(k, 0) + n
    return [Group(*k, n=v) for k, v in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or "",
                                                                                   sorted(kv[0][3])))]


def satisfies(elements: frozenset[str], combos: list[list[str]]) -> bool:
    """Whether a person's exposed elements meet one of a law's element combinations (each an AND)."""
    return any(all(e in elements for e in combo) for combo in combos)
