"""Issue 20 item 5: a Turkish IBAN is found; IPv6 never reports a fragment of a longer token.
The column engine (``text_hits``) must agree with ``find`` on every case."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.pii import find, text_hits


def _got(text: str) -> list[tuple[str, str]]:
    return [(m.category, text[m.start:m.end]) for m in find(text)]


@pytest.mark.parametrize("text,value", [
    ("TR33 0006 1005 1978 6457 8413 26", "TR33 0006 1005 1978 6457 8413 26"),
    ("TR330006100519786457841326", "TR330006100519786457841326"),
    ("Havale: TR33 0006 1005 1978 6457 8413 26 TL 500", "TR33 0006 1005 1978 6457 8413 26"),
])
def test_turkish_iban_is_found(text: str, value: str) -> None:
    assert _got(text) == [("iban", value)]
    assert _got(text.replace("TR33", "TR34")) == []   # mod-97 still decides


GLUED = ["fe80::1text", "text2001:db8::1", "2001:db8::256.1.1.1", "x2001:db8::1", "2001:db8::1x", "12001:db8::1",
         "2001:db8::1234567", "fe80::1_a", "2001:db8::1.2.3"]


@pytest.mark.parametrize("text", GLUED)
def test_ipv6_glued_to_letters_or_digits_is_no_address(text: str) -> None:
    assert _got(text) == []
    assert _got(f"login from {text} failed") == []


@pytest.mark.parametrize("text,value", [
    ("login from 2001:db8::1 failed", "2001:db8::1"),
    ("host fe80::1 ok", "fe80::1"),
    ("seen at 2001:db8::1.", "2001:db8::1"),                  # a full stop ends the sentence, not the address
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("IP:2001:db8::1", "2001:db8::1"),                        # a label before a colon is no part of it
    ("IPv6: fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
    ("mapped ::ffff:192.0.2.1 here", "::ffff:192.0.2.1"),
    ("dead:beef::1", "dead:beef::1"),
    ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
])
def test_ipv6_whole_tokens_are_found(text: str, value: str) -> None:
    assert _got(text) == [("ip_address", value)]


def test_column_engine_agrees_with_find() -> None:
    texts = (GLUED + [f"login from {t} failed" for t in GLUED] + ["host fe80::1 ok", "IP:2001:db8::1",
             "TR33 0006 1005 1978 6457 8413 26", "TR330006100519786457841326", "12:30:45", "00:1A:2B:3C:4D:5E"])
    hits = text_hits(pd.Series(texts))
    for i, t in enumerate(texts):
        cats = {m.category for m in find(t)}
        for c in hits.columns:
            assert bool(hits[c].iloc[i]) == (c in cats), (t, c)
