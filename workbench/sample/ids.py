"""Vectorised identifiers with valid check digits (China resident id, Luhn cards, US SSN)."""
from __future__ import annotations

import numpy as np

from ..pii.validators import (  # the ISO 7064 MOD 11-2 constants, defined once
    CN_ID_CHECK_DIGITS,
    CN_ID_WEIGHTS,
)

CN_ID_CHECK = np.array(list(CN_ID_CHECK_DIGITS))


def digits_to_str(d: np.ndarray) -> np.ndarray:
    """Rows of digits (n, k) → array of k-character strings."""
    return (d.astype(np.uint8) + ord("0")).view(f"S{d.shape[1]}").ravel().astype(str) if d.size else np.array([], dtype=str)


def cn_resident_ids(rng: np.random.Generator, area: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """18-character ids: area code (6) + birth date YYYYMMDD + sequence (3) + ISO 7064 MOD 11-2 check."""
    n = len(area)
    body = np.strings.add(np.strings.add(area.astype(str), birth.astype(str)),
                       np.strings.zfill(rng.integers(0, 1000, n).astype(str), 3))
    d = np.frombuffer("".join(body).encode(), dtype=np.uint8).reshape(n, 17) - ord("0")
    check = CN_ID_CHECK[(d * CN_ID_WEIGHTS).sum(axis=1) % 11]
    return np.strings.add(body, check)


def luhn_numbers(rng: np.random.Generator, n: int, prefix_digit: np.ndarray | None = None, length: int = 16) -> np.ndarray:
    """``n`` Luhn-valid card numbers of ``length`` digits (first digit 4 or 5 unless given)."""
    d = rng.integers(0, 10, (n, length), dtype=np.int8)
    d[:, 0] = prefix_digit if prefix_digit is not None else rng.choice(np.array([4, 5], dtype=np.int8), n)
    d[:, -1] = 0
    # Double every second digit from the right, starting with the one left of the check digit.
    w = d[:, :-1][:, ::-1].copy()
    w[:, 0::2] *= 2
    w[w > 9] -= 9
    d[:, -1] = (10 - w.sum(axis=1, dtype=np.int32) % 10) % 10
    return digits_to_str(d)


def us_ssns(rng: np.random.Generator, n: int) -> np.ndarray:
    """SSNs outside the invalid ranges (area 000, 666, 900–999; group 00; serial 0000)."""
    area = rng.integers(1, 900, n)
    area[area == 666] = 667
    group = rng.integers(1, 100, n)
    serial = rng.integers(1, 10000, n)
    return np.strings.add(np.strings.add(np.strings.add(np.strings.zfill(area.astype(str), 3), "-"),
                                   np.strings.add(np.strings.zfill(group.astype(str), 2), "-")),
                       np.strings.zfill(serial.astype(str), 4))
