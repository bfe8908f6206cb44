"""Text encodings of CSV exports: verify, detect, transcode — streaming, never a whole-file decode.

The engines read UTF-8. A file is checked in chunks; one that is not UTF-8 is identified by
charset-normalizer on a sample of its non-ASCII lines, among the encodings CRM exports are written
in (CP1252 from Western European exports, GB18030/GBK from Chinese ones, UTF-16 by its BOM), and
only when the decoded text reads as that encoding's script and transcoded chunk by chunk into a UTF-8
copy in the engine's temp folder. A guess the detector is not confident about is refused with a
hint to declare ``encoding:``: silently mangled names are worse than a stop.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DatasetError

CHUNK = 16 * 2**20
SAMPLE_BYTES = 2 * 2**20      # non-ASCII lines handed to the detector
MAX_CHAOS = 0.20              # charset-normalizer's mess ratio above which a guess is refused (its default)
UTF8_NAMES = {"utf-8", "utf_8", "utf8", "ascii", "us-ascii"}
# What a detected legacy single-byte codec is read as: CP1252 is the superset Windows writes
# (Latin-1 lacks the curly quotes and the euro sign in 0x80-0x9F).
PREFER = {"latin_1": "cp1252", "iso8859_1": "cp1252", "iso8859_15": "cp1252", "gb2312": "gb18030",
          "gbk": "gb18030"}


def _line_of(path: Path, offset: int) -> int:
    line, done = 1, 0
    with path.open("rb") as fh:
        while done < offset:
            block = fh.read(min(CHUNK, offset - done))
            if not block:
                break
            line += block.count(b"\n")
            done += len(block)
    return line


def _decodes(path: Path, enc: str) -> tuple[int, int] | None:
    """None when the whole file decodes as ``enc``; else (offset, byte) of the first bad byte."""
    dec = codecs.getincrementaldecoder(enc)("strict")
    offset = 0
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK)
            pending = dec.getstate()[0]  # bytes of a sequence split across chunks
            try:
                dec.decode(block, final=not block)
            except UnicodeDecodeError as e:
                data = pending + block
                return offset - len(pending) + e.start, data[e.start] if e.start < len(data) else 0
            if not block:
                return None
            offset += len(block)


def _sample(path: Path) -> bytes:
    """Lines holding non-ASCII bytes (what tells encodings apart), up to SAMPLE_BYTES."""
    out: list[bytes] = []
    size = 0
    with path.open("rb") as fh:
        for line in fh:
            if any(b > 0x7F for b in line):
                out.append(line)
                size += len(line)
                if size >= SAMPLE_BYTES:
                    break
    return b"".join(out)


# What CRM exports are written in (issue 20): detection looks at these only, so that a CP1252 file
# with a few umlauts is never read as a rarer code page that happens to decode it (cp775, cp852).
# Listed in order of preference where the evidence ties: CP1252 before the rarer single-byte CP1251.
ALLOWED = ("cp1252", "latin_1", "gb18030", "big5", "shift_jis", "euc_kr", "cp1251", "utf_16_le", "utf_16_be")
CHAOS_TIE = 0.02              # candidates this close to the cleanest decode are equally clean
MIN_FIT = 0.9                 # share of non-ASCII characters that must read as the encoding's script

# Characters each encoding's own text is made of: a file read in the wrong code page turns into
# characters of another script, or into symbols no one types (¯ ³ ¤), or into letters of one
# script glued inside words of Latin letters (Jьrgen).
_LATIN = r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
_WESTERN_SYMBOLS = "\u00a0\u20ac\u00a3\u00a5\u00a7\u00b0\u00a9\u00ae\u2122\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e" \
                   "\u2026\u2022\u00b7\u00ab\u00bb\u00bf\u00a1\u00ba\u00aa\u00d7\u00b1\u00b2\u00b5\u00bd\u00b4"
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e"
_SCRIPT = {
    "cp1252": rf"[{_LATIN}{_WESTERN_SYMBOLS}]",
    "latin_1": rf"[{_LATIN}{_WESTERN_SYMBOLS}]",
    "cp1251": r"[\u0400-\u045f\u2116\u00ab\u00bb\u2013\u2014\u20ac\u00a0\u201c\u201d\u201e\u00b0\u00b1\u00b7\u00a7\u00a9\u00ae\u2026]",
    "gb18030": rf"[{_CJK}]",
    "big5": rf"[{_CJK}]",
    "shift_jis": rf"[{_CJK}\u3040-\u30ff]",
    "euc_kr": r"[\uac00-\ud7a3\u3000-\u303f\u3131-\u318e\uff01-\uff5e]",
}


def _fit(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are its encoding's script and not glued
    into a word of ASCII letters when that script is not Latin (UTF-16: every letter counts)."""
    non_ascii = re.sub(r"[\x00-\x7f]+", "", text)
    if not non_ascii:
        return 1.0
    rx = _SCRIPT.get(encoding)
    if rx is None:
        return sum(c.isalpha() for c in non_ascii) / len(non_ascii)
    good = len(re.findall(rx, non_ascii))
    if encoding == "cp1251":      # a Cyrillic letter touching a Latin one: a misread Western word
        good -= len(re.findall(rf"(?<=[A-Za-z]){rx}|{rx}(?=[A-Za-z])", text))
    elif encoding not in ("cp1252", "latin_1"):   # CJK inside a Latin word ("VIP客户" is fine)
        good -= len(re.findall(rf"(?<=[A-Za-z]){rx}(?=[A-Za-z])", text))
    return max(good, 0) / len(non_ascii)


@dataclass(frozen=True)
class Candidate:
    encoding: str
    chaos: float
    coherence: float
    fit: float


def candidates(sample: bytes) -> list[Candidate]:
    """The allowed encodings charset-normalizer finds clean enough for ``sample``, best first:
    cleanest decode (within :data:`CHAOS_TIE`), then language coherence, then script fit, then
    :data:`ALLOWED` order (CP1252 before CP1251). Those that read as another script are left out."""
    from charset_normalizer import from_bytes

    found = [m for m in from_bytes(sample, cp_isolation=list(ALLOWED)) if m.chaos <= MAX_CHAOS]
    out = []
    for m in found:
        fit = _fit(sample.decode(m.encoding, errors="replace"), m.encoding)
        if fit >= MIN_FIT:
            out.append(Candidate(m.encoding, m.chaos, m.coherence, fit))
    if not out:
        return []
    floor = min(c.chaos for c in out)
    rank = {e: i for i, e in enumerate(ALLOWED)}
    return sorted(out, key=lambda c: (c.chaos > floor + CHAOS_TIE, -round(c.coherence, 2), -round(c.fit, 2),
                                      rank.get(c.encoding, len(ALLOWED))))


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def detect(path: Path) -> str:
    """The codec to read ``path`` with (``utf-8`` when it already is), or raise."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = "utf-8"
    bad = _decodes(path, enc)
    if bad is None:
        return enc
    if enc != "utf-8":
        raise DatasetError.of("error.encoding.bom", path=path, line=_line_of(path, bad[0]), byte=f"{bad[1]:02x}", enc=enc)
    sample = _sample(path)
    lines = sample.splitlines()
    if sum(_is_utf8(x) for x in lines) * 2 >= len(lines):
        # most non-ASCII lines are good UTF-8: a corrupted UTF-8 file, not a legacy encoding
        raise DatasetError.of("error.encoding.bad_line", path=path, line=_line_of(path, bad[0]), byte=f"{bad[1]:02x}")
    for cand in candidates(sample):
        guess = PREFER.get(cand.encoding, cand.encoding)
        if _decodes(path, guess) is None:
            return guess
    raise DatasetError.of("error.encoding.unknown", path=path, line=_line_of(path, bad[0]), byte=f"{bad[1]:02x}")


def check_declared(path: Path, declared: str) -> str:
    """The codec for a declared ``encoding:`` (BOM-aware for UTF-8), verified over the whole file."""
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise DatasetError.of("error.encoding.no_codec", path=path, declared=declared) from None
    with path.open("rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
    enc = "utf-8-sig" if codec == "utf-8" and bom else declared
    bad = _decodes(path, enc)
    if bad is not None:
        raise DatasetError.of("error.encoding.declared", path=path, line=_line_of(path, bad[0]), byte=f"{bad[1]:02x}",
                              declared=declared)
    return enc


def utf8_copy(path: Path, enc: str, workdir: Path) -> Path:
    """``path`` itself when the engine can read it as is, else a streamed UTF-8 transcode in ``workdir``."""
    if codecs.lookup(enc).name in UTF8_NAMES or enc == "utf-8-sig":
        return path  # the engines skip a UTF-8 BOM themselves
    out = workdir / f"{path.stem}.{abs(hash(str(path)))}.utf8{path.suffix}"
    dec = codecs.getincrementaldecoder(enc)("strict")
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while True:
            block = src.read(CHUNK)
            dst.write(dec.decode(block, final=not block))
            if not block:
                break
    return out
