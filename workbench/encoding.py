"""Text encodings of CSV exports: verify, detect, transcode — streaming, never a whole-file decode.

The engines read UTF-8. A file is checked in chunks; one that is not UTF-8 is identified by
charset-normalizer on a sample of its non-ASCII lines (CP1252 from Western European exports,
GB18030/GBK from Chinese ones, UTF-16 by its BOM) and transcoded chunk by chunk into a UTF-8
copy in the engine's temp folder. A guess the detector is not confident about is refused with a
hint to declare ``encoding:``: silently mangled names are worse than a stop.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from .errors import DatasetError

CHUNK = 16 * 2**20
SAMPLE_BYTES = 2 * 2**20      # non-ASCII lines handed to the detector
MAX_CHAOS = 0.10              # charset-normalizer's mess ratio above which a guess is refused
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


# the encodings exports are most often in, when the detector finds several equally good
COMMON = ("cp1252", "gb18030", "utf_16", "cp1250", "big5", "shift_jis", "euc_kr")


def _choose(matches):
    """Of the candidates as clean as the best (chaos within 0.01), the most coherent (language
    fit), then the most common export encoding: CP1252 and CP1250 decode Western text with equal
    chaos, and only coherence tells French from Czech."""
    if not len(matches):
        return None
    floor = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= floor + 0.01]
    rank = {e: i for i, e in enumerate(COMMON)}
    return max(near, key=lambda m: (round(m.coherence, 3), -rank.get(m.encoding, len(COMMON))))


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
        raise DatasetError(f"{path}: line {_line_of(path, bad[0])}: byte 0x{bad[1]:02x} cannot be decoded as {enc} (its byte-order mark says so)",
                           "re-export the file, or declare its 'encoding:' in dataset.yaml")
    sample = _sample(path)
    lines = sample.splitlines()
    if sum(_is_utf8(x) for x in lines) * 2 >= len(lines):
        # most non-ASCII lines are good UTF-8: a corrupted UTF-8 file, not a legacy encoding
        raise DatasetError(f"{path}: line {_line_of(path, bad[0])}: byte 0x{bad[1]:02x} is not UTF-8 (the rest of the file is)",
                           "fix or remove that line and re-export the file as UTF-8, or declare its 'encoding:' in dataset.yaml")
    from charset_normalizer import from_bytes

    best = _choose(from_bytes(sample))
    guess = PREFER.get(best.encoding, best.encoding) if best is not None else None
    if best is None or best.chaos > MAX_CHAOS or guess is None or _decodes(path, guess) is not None:
        raise DatasetError(f"{path}: line {_line_of(path, bad[0])}: byte 0x{bad[1]:02x} is not UTF-8 and the file's encoding "
                           "cannot be identified with confidence",
                           "declare it under tables.<table>.encoding in dataset.yaml (e.g. cp1252 for Western European, "
                           "gb18030 for Chinese exports) or re-export as UTF-8")
    return guess


def check_declared(path: Path, declared: str) -> str:
    """The codec for a declared ``encoding:`` (BOM-aware for UTF-8), verified over the whole file."""
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        raise DatasetError(f"{path}: unknown encoding '{declared}'",
                           "use a Python codec name such as utf-8, utf-8-sig, cp1252 or gb18030") from None
    with path.open("rb") as fh:
        bom = fh.read(3) == codecs.BOM_UTF8
    enc = "utf-8-sig" if codec == "utf-8" and bom else declared
    bad = _decodes(path, enc)
    if bad is not None:
        raise DatasetError(f"{path}: line {_line_of(path, bad[0])}: byte 0x{bad[1]:02x} cannot be decoded as declared encoding '{declared}'",
                           "fix 'encoding:' in dataset.yaml (Chinese exports are often gb18030, Western European cp1252) "
                           "or remove it to auto-detect")
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
