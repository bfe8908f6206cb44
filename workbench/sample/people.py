"""Synthetic customers and transactions, with privacy problems planted in known numbers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import vocab
from .ids import cn_resident_ids, luhn_numbers, us_ssns

DAY = np.timedelta64(1, "D")


def _pick(rng: np.random.Generator, items: list, idx_or_n) -> np.ndarray:
    arr = np.array(items, dtype=object)
    return arr[idx_or_n] if isinstance(idx_or_n, np.ndarray) else arr[rng.integers(0, len(arr), idx_or_n)]


def _num(rng: np.random.Generator, n: int, lo: int, hi: int, width: int = 0) -> np.ndarray:
    s = rng.integers(lo, hi, n).astype(str)
    return np.strings.zfill(s, width) if width else s


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation in C (numpy.strings), returned as an object array."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.strings.add(out, p if isinstance(p, str) else np.asarray(p).astype(str))
    return out.astype(object)


def seq_ids(prefix: str, n: int, width: int, first: int = 1) -> np.ndarray:
    """``prefix`` + zero-padded first..first+n-1, e.g. C0000001."""
    return np.strings.add(prefix, np.strings.zfill(np.arange(first, first + n).astype(str), width)).astype(object)


def _times(rng: np.random.Generator, now: np.datetime64, lo_days: float, hi_days: float, n: int) -> np.ndarray:
    """Random timestamps between ``hi_days`` and ``lo_days`` before ``now`` (second precision)."""
    secs = rng.uniform(lo_days * 86400, hi_days * 86400, n).astype(np.int64)
    return now - secs.astype("timedelta64[s]")


def make_customers(rng: np.random.Generator, n: int, as_of: np.datetime64, counts: dict[str, int],
                   retention_days: int, erasure_deadline_days: int, first_id: int = 1) -> tuple[pd.DataFrame, dict]:
    """Return the customers table and what was planted in it (row positions in ``planted_rows``);
    ids are numbered from ``first_id``, so that shards of one dataset continue each other."""
    now = as_of + np.timedelta64(12, "h")
    region = rng.choice(np.array(["EU", "CN", "US-CA", "US-NY"]), n, p=[0.40, 0.35, 0.20, 0.05])
    cn, eu, ca, ny = (region == r for r in ("CN", "EU", "US-CA", "US-NY"))
    us = ca | ny
    full_name = np.empty(n, dtype=object)
    email_local = np.empty(n, dtype=object)
    phone = np.empty(n, dtype=object)
    address = np.empty(n, dtype=object)
    city = np.empty(n, dtype=object)
    state = np.full(n, None, dtype=object)
    country = np.empty(n, dtype=object)
    national_id = np.full(n, None, dtype=object)
    birth = _times(rng, now, 18 * 365, 75 * 365, n).astype("datetime64[D]")
    birth_str = np.datetime_as_string(birth).astype(object)

    k = int(cn.sum())
    sur = rng.integers(0, len(vocab.CN_SURNAMES), k)
    giv = rng.integers(0, len(vocab.CN_GIVEN), k)
    full_name[cn] = _cat(_pick(rng, [s[0] for s in vocab.CN_SURNAMES], sur), _pick(rng, [g[0] for g in vocab.CN_GIVEN], giv))
    email_local[cn] = _cat(_pick(rng, [g[1] for g in vocab.CN_GIVEN], giv), ".",
                           _pick(rng, [s[1] for s in vocab.CN_SURNAMES], sur))
    phone[cn] = _cat(_pick(rng, vocab.CN_PHONE_PREFIXES, k), _num(rng, k, 0, 10**8, 8))
    ci = rng.integers(0, len(vocab.CN_CITIES), k)
    cities = np.array([c[0] for c in vocab.CN_CITIES], dtype=object)
    address[cn] = _cat(cities[ci], np.array([c[1] for c in vocab.CN_CITIES], dtype=object)[ci],
                       np.array([c[2] for c in vocab.CN_CITIES], dtype=object)[ci], _num(rng, k, 1, 300), "号")
    city[cn] = cities[ci]
    country[cn] = "CN"
    area = np.array(vocab.CN_AREA_CODES)[ci]
    national_id[cn] = cn_resident_ids(rng, area, np.strings.replace(birth[cn].astype(str), "-", ""))

    k = int(eu.sum())
    fi = rng.integers(0, len(vocab.EU_FIRST), k)
    li = rng.integers(0, len(vocab.EU_LAST), k)
    first = np.array(vocab.EU_FIRST, dtype=object)[fi]
    last = np.array(vocab.EU_LAST, dtype=object)[li]
    full_name[eu] = _cat(first, " ", last)
    email_local[eu] = _cat(np.strings.lower(first.astype(str)).astype(object), ".",
                           np.strings.lower(np.strings.replace(np.strings.replace(np.strings.replace(
                               last.astype(str), " ", ""), "ü", "ue"), "í", "i")).astype(object))
    pi = rng.integers(0, len(vocab.EU_PLACES), k)
    cc = np.array([p[0] for p in vocab.EU_PLACES], dtype=object)[pi]
    country[eu] = cc
    ecity = np.array([p[1][0] for p in vocab.EU_PLACES], dtype=object)[pi]
    street = np.array([p[2][0] for p in vocab.EU_PLACES], dtype=object)[pi]
    pc = np.array([p[3] for p in vocab.EU_PLACES])[pi]
    postcode = np.where(pc == 5, _num(rng, k, 10000, 99999), np.where(pc == 4, _cat(_num(rng, k, 1000, 9999), " AB"), "D02"))
    address[eu] = _cat(street, " ", _num(rng, k, 1, 120), ", ", postcode.astype(object), " ", ecity)
    city[eu] = ecity
    phone[eu] = _cat(np.array([vocab.EU_PHONE_CC[c] for c in cc], dtype=object), " ", _num(rng, k, 20, 90), " ",
                     _num(rng, k, 1000000, 9999999))

    k = int(us.sum())
    first = _pick(rng, vocab.US_FIRST, k)
    last = _pick(rng, vocab.US_LAST, k)
    full_name[us] = _cat(first, " ", last)
    email_local[us] = _cat(np.strings.lower(first.astype(str)).astype(object), np.strings.lower(last.astype(str)).astype(object))
    is_ca = ca[us]
    cities_ca = vocab.US_CA_CITIES
    cities_ny = vocab.US_NY_CITIES
    i_ca = rng.integers(0, len(cities_ca), k)
    i_ny = rng.integers(0, len(cities_ny), k)
    ucity = np.where(is_ca, np.array([c[0] for c in cities_ca], dtype=object)[i_ca], np.array([c[0] for c in cities_ny], dtype=object)[i_ny])
    area_code = np.where(is_ca, np.array([c[1] for c in cities_ca], dtype=object)[i_ca], np.array([c[1] for c in cities_ny], dtype=object)[i_ny])
    zip3 = np.where(is_ca, np.array([c[2] for c in cities_ca], dtype=object)[i_ca], np.array([c[2] for c in cities_ny], dtype=object)[i_ny])
    st = np.where(is_ca, "CA", "NY").astype(object)
    address[us] = _cat(_num(rng, k, 10, 9999), " ", _pick(rng, vocab.US_STREETS, k), ", ", ucity, ", ", st, " ", zip3, _num(rng, k, 10, 99))
    city[us] = ucity
    state[us] = st
    country[us] = "US"
    # 555-01XX is the range reserved for fiction.
    phone[us] = _cat("+1 ", area_code, "-555-01", _num(rng, k, 0, 100, 2))
    has_ssn = rng.random(k) < 0.5
    ssn = np.full(k, None, dtype=object)
    ssn[has_ssn] = us_ssns(rng, int(has_ssn.sum()))
    national_id[us] = ssn

    email = _cat(email_local, _num(rng, n, 1, 999), "@", _pick(rng, vocab.EMAIL_DOMAINS, n))

    created = _times(rng, now, 60, 6 * 365, n)
    # Clean customers were active within the retention period.
    recent_days = np.minimum((now - created) / DAY, retention_days - 60)
    last_activity = now - (rng.uniform(0, 1, n) * recent_days * 86400).astype("timedelta64[s]")
    consent = rng.random(n) < 0.6
    consent_at = np.where(consent, created + np.timedelta64(600, "s"), np.datetime64("NaT"))

    planted: dict[str, list[int]] = {}
    free = np.ones(n, dtype=bool)  # customers not yet used by a plant, so plants stay disjoint

    def take(mask: np.ndarray, k: int) -> np.ndarray:
        cand = np.flatnonzero(mask & free)
        idx = np.sort(rng.choice(cand, size=min(k, len(cand)), replace=False))
        free[idx] = False
        return idx

    # PRV-001: EU/CN subjects flagged for marketing with no consent_at.
    idx = take(eu | cn, counts["PRV-001"])
    consent[idx] = True
    consent_at[idx] = np.datetime64("NaT")
    planted["PRV-001"] = idx.tolist()
    # Hard negative: US subjects (opt-out regime) marketed without a consent date do not count.
    idx = take(us, counts["PRV-001-us-negative"])
    consent[idx] = True
    consent_at[idx] = np.datetime64("NaT")

    # PRV-002: inactive longer than the retention period, still held.
    idx = take(np.ones(n, dtype=bool), counts["PRV-002"])
    last_activity[idx] = _times(rng, now, retention_days + 30, retention_days + 700, len(idx))
    created[idx] = last_activity[idx] - (rng.uniform(30, 400, len(idx)) * 86400).astype("timedelta64[s]")
    consent_at[idx] = np.where(consent[idx], created[idx] + np.timedelta64(600, "s"), np.datetime64("NaT"))
    planted["PRV-002"] = idx.tolist()

    erasure_req = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    erased = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    # PRV-003: erasure requested well past the deadline and not done.
    idx = take(np.ones(n, dtype=bool), counts["PRV-003"])
    erasure_req[idx] = _times(rng, now, erasure_deadline_days + 15, erasure_deadline_days + 200, len(idx))
    planted["PRV-003"] = idx.tolist()
    # Clean: recent requests still within the deadline, and requests already carried out.
    idx = take(np.ones(n, dtype=bool), counts["PRV-003-pending-ok"])
    erasure_req[idx] = _times(rng, now, 1, erasure_deadline_days - 10, len(idx))
    done = take(np.ones(n, dtype=bool), counts["PRV-003-done"])
    erasure_req[done] = _times(rng, now, 40, 300, len(done))
    erased[done] = erasure_req[done] + (rng.uniform(1, 20, len(done)) * 86400).astype("timedelta64[s]")
    created[done] = np.minimum(created[done], erasure_req[done] - np.timedelta64(30, "D"))
    last_activity[done] = erasure_req[done] - np.timedelta64(1, "D")
    for col in (full_name, email, phone, national_id, address):
        col[done] = None
    consent[done] = False
    consent_at[done] = np.datetime64("NaT")

    # Notes: clean text in both languages, a few harmless numbers, and planted personal data.
    notes = np.full(n, None, dtype=object)
    has_note = rng.random(n) < 0.7
    zh_note = cn | (rng.random(n) < 0.1)
    notes[has_note & zh_note] = _pick(rng, vocab.NOTES_ZH, int((has_note & zh_note).sum()))
    notes[has_note & ~zh_note] = _pick(rng, vocab.NOTES_EN, int((has_note & ~zh_note).sum()))
    neg = has_note & (rng.random(n) < 0.05)
    notes[neg] = _pick(rng, vocab.NOTES_NEGATIVE, int(neg.sum()))
    notes[done] = None
    by_cat: dict[str, int] = {}
    pii_rows: list[int] = []
    note_values: dict[str, tuple[list[int], list[str]]] = {}  # category -> (rows, value planted in the note)
    for cat in ("phone", "email", "card_number", "national_id"):
        idx = take(np.ones(n, dtype=bool), counts[f"PII-001-{cat}"])
        if cat == "phone":
            vals = _cat(_pick(rng, vocab.CN_PHONE_PREFIXES, len(idx)), _num(rng, len(idx), 0, 10**8, 8))
        elif cat == "email":
            vals = _cat("backup.", _num(rng, len(idx), 100, 999), "@", _pick(rng, vocab.EMAIL_DOMAINS, len(idx)))
        elif cat == "card_number":
            raw = luhn_numbers(rng, len(idx))
            vals = np.array([" ".join(c[i:i + 4] for i in range(0, 16, 4)) for c in raw], dtype=object)
        else:
            vals = cn_resident_ids(rng, _pick(rng, vocab.CN_AREA_CODES, len(idx)).astype(str),
                                   np.strings.replace(_times(rng, now, 20 * 365, 60 * 365, len(idx)).astype("datetime64[D]").astype(str), "-", ""))
        tmpl = _pick(rng, vocab.NOTES_PII[cat], len(idx))
        notes[idx] = [t.replace("{v}", str(v)) for t, v in zip(tmpl, vals)]
        by_cat[cat] = len(idx)
        pii_rows += idx.tolist()
        note_values[cat] = (idx.tolist(), [str(v) for v in vals])
    planted["PII-001"] = sorted(pii_rows)

    df = pd.DataFrame({
        "customer_id": seq_ids("C", n, 7, first_id),
        "full_name": full_name, "email": email, "phone": phone, "national_id": national_id,
        "birth_date": birth_str, "address": address, "city": city, "state": state, "country": country,
        "created_at": created, "last_activity_at": last_activity, "consent_marketing": consent,
        "consent_at": consent_at, "erasure_requested_at": erasure_req, "erased_at": erased, "notes": notes,
    })
    df.loc[done, "email"] = None
    df.loc[done, "birth_date"] = None
    # unplanted: rows no plant touched (workbench.sample.subjects picks its people among them)
    return df, {"planted_rows": planted, "pii_by_category": by_cat, "note_values": note_values, "unplanted": free.copy()}


def make_transactions(rng: np.random.Generator, customers: pd.DataFrame, as_of: np.datetime64, per_customer: float = 3.0,
                      first_id: int = 1) -> pd.DataFrame:
    """``per_customer`` purchases per customer of ``customers``, ids numbered from ``first_id`` in time order."""
    n = int(len(customers) * per_customer)
    cust = rng.integers(0, len(customers), n)
    created = customers["created_at"].to_numpy()[cust]
    last = customers["last_activity_at"].to_numpy()[cust]
    span = (last - created) / np.timedelta64(1, "s")
    ts = created + (rng.uniform(0, 1, n) * span).astype("timedelta64[s]")
    cur = np.where(customers["country"].to_numpy()[cust] == "CN", "CNY",
                   np.where(customers["country"].to_numpy()[cust] == "US", "USD", "EUR"))
    amount = np.round(rng.lognormal(4.0, 0.9, n), 2)
    cards = luhn_numbers(rng, n)
    order = np.argsort(ts, kind="stable")  # ids follow time, as in a real ledger
    return pd.DataFrame({
        "transaction_id": seq_ids("T", n, 8, first_id),
        "customer_id": customers["customer_id"].to_numpy()[cust][order],
        "amount": amount[order], "currency": cur[order], "created_at": ts[order], "card_number": cards[order],
    })
