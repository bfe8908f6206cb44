"""Planted data subjects: a few known people whose records a subject-access request must find.

Three customers are picked among those no other plant touched (each with purchases and an e-mail
and phone no one else has):

* ``S1`` (EU) also has a second customer account, opened with the same e-mail in other letter
  case and the same phone written another way (``+49-30-1234567`` for ``+49 30 1234567``); another customer's note
  mentions the e-mail in capitals;
* ``S2`` (CN) is mentioned in two other customers' notes: the phone as ``+86 180 5395 3072``, the
  resident id as it is;
* ``S3`` (US) is mentioned by e-mail in another customer's note (US phones of the sample share the
  fictional 555-01XX range, so a phone finds several people: it is no selector for S3).

The mentions replace the value of notes that already carry a planted e-mail, phone or id
(PII-001), so every other count of the ground truth stays as it was. ``ground_truth.json`` lists,
per subject and per identifier a request could give, every row a correct search returns:
``rows`` by table (customers and transactions by their ids) and ``mentions`` (table, key, column).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

_NON_DIGIT = re.compile(r"[^0-9]")


def _digits(v: object) -> str:
    return _NON_DIGIT.sub("", str(v)) if v is not None and v == v else ""


def _spaced_cn(phone: str) -> str:
    return f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"


def plant_subjects(rng: np.random.Generator, cust: pd.DataFrame, tx: pd.DataFrame, facts: dict) -> list[dict]:
    """Plant the subjects in ``cust`` (changed in place) and return their ground truth."""
    free = np.asarray(facts["unplanted"], dtype=bool)
    emails = cust["email"].str.lower().fillna("")
    phones = cust["phone"].map(_digits)
    notes = "\n".join(str(n) for n in cust["notes"].dropna())
    note_digits = _digits(notes)
    buyers = set(tx["customer_id"])
    ok = (free & cust["email"].notna().to_numpy() & cust["phone"].notna().to_numpy()
          & ~emails.duplicated(keep=False).to_numpy() & cust["customer_id"].isin(buyers).to_numpy())
    own_phone = ~phones.duplicated(keep=False).to_numpy()  # US phones share the 555-01XX range: not for S3
    country = cust["country"].to_numpy()
    lower_notes = notes.lower()

    def pick(mask: np.ndarray, k: int = 1, phone: bool = True) -> list[int]:
        """``k`` of ``mask``'s rows in a random order, skipping any whose e-mail (or phone) a note holds."""
        out: list[int] = []
        for i in rng.permutation(np.flatnonzero(mask)):
            if emails.iat[i] not in lower_notes and not (phone and phones.iat[i] in note_digits):
                out.append(int(i))
                if len(out) == k:
                    return out
        raise ValueError("no customer fit to be a planted subject")

    s1, dup = pick(ok & own_phone & ~np.isin(country, ["CN", "US"]), 2)
    (s2,) = pick(ok & own_phone & (country == "CN") & cust["national_id"].notna().to_numpy())
    (s3,) = pick(ok & (country == "US"), phone=False)
    rows, values = facts["note_values"]["email"]
    at = cust.columns.get_loc

    # S1's second account
    cust.iat[dup, at("full_name")] = cust.iat[s1, at("full_name")]
    local, _, domain = str(cust.iat[s1, at("email")]).partition("@")
    cust.iat[dup, at("email")] = f"{local.title()}@{domain.capitalize()}"
    # the same number with hyphens (+34-32-5021413 for +34 32 5021413): still a phone to the detectors
    cust.iat[dup, at("phone")] = str(cust.iat[s1, at("phone")]).replace(" ", "-")

    def mention(row: int, old: str, new: str) -> dict:
        cust.iat[row, at("notes")] = str(cust.iat[row, at("notes")]).replace(old, new)
        return {"table": "customers", "key": str(cust.iat[row, at("customer_id")]), "column": "notes"}

    m1 = mention(rows[0], values[0], str(cust.iat[s1, at("email")]).upper())
    # a small sample has one planted e-mail note only: S3 is then mentioned nowhere
    m3 = [mention(rows[1], values[1], str(cust.iat[s3, at("email")]))] if len(rows) > 1 else []
    p_row, p_val = facts["note_values"]["phone"][0][0], facts["note_values"]["phone"][1][0]
    m2p = mention(p_row, p_val, _spaced_cn(str(cust.iat[s2, at("phone")])))
    n_row, n_val = facts["note_values"]["national_id"][0][0], facts["note_values"]["national_id"][1][0]
    m2n = mention(n_row, n_val, str(cust.iat[s2, at("national_id")]))

    def rows_of(*idx: int) -> dict:
        ids = sorted(str(cust.iat[i, at("customer_id")]) for i in idx)
        return {"customers": ids, "transactions": sorted(tx.loc[tx["customer_id"].isin(ids), "transaction_id"].astype(str))}

    def ident(i: int) -> dict:
        return {k: (None if pd.isna(cust.iat[i, at(k)]) else str(cust.iat[i, at(k)]))
                for k in ("customer_id", "email", "phone", "national_id")}

    return [
        {"id": "S1", "identifiers": ident(s1), "also": ident(dup), "expected": {
            "email": {"rows": rows_of(s1, dup), "mentions": [m1]},
            "phone": {"rows": rows_of(s1, dup), "mentions": []},
            "customer_id": {"rows": rows_of(s1), "mentions": []}}},
        {"id": "S2", "identifiers": ident(s2), "expected": {
            "national_id": {"rows": rows_of(s2), "mentions": [m2n]},
            "phone": {"rows": rows_of(s2), "mentions": [m2p]},
            "customer_id": {"rows": rows_of(s2), "mentions": []}}},
        {"id": "S3", "identifiers": ident(s3), "expected": {
            "email": {"rows": rows_of(s3), "mentions": m3},
            "customer_id": {"rows": rows_of(s3), "mentions": []},
            # half the US customers have a social security number
            **({"national_id": {"rows": rows_of(s3), "mentions": []}} if ident(s3)["national_id"] else {})}},
    ]
