"""Person names by evidence, not capitalisation (issue 20).

Evidence that a value is a person's name:

* Latin script, any case (``Mary Smith``, ``MARY SMITH``, ``Smith, Mary``): one of its words is a
  known given name — the ``gender-guesser`` package's dictionary (≈ 45,000 first names from
  Europe, the Americas and Asia, shipped inside the package, nothing downloaded at run time) —
  and none is a place, job, business or status word (``names.yaml``: ``Western Europe``,
  ``Sales Representative`` and ``Acme Trading Ltd`` are no names);
* Chinese: a surname (``names.yaml``: the common single and the compound ones) followed by one or
  two characters of which the first is common in given names (王伟, 欧阳明); under a name header
  also a nickname (小李, 老王, 大梨) or a surname with any given name.

Why this and not a model: it is a set look-up per distinct value, so the column engine keeps its
speed, and benchmarks/pii_accuracy.py measures it (precision and recall on names from other
lists than these).
"""
from __future__ import annotations

from ..errors import KeyedValueError

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, field_validator

from ..files import load_yaml_mapping, validate_model

DEFAULT_PATH = Path(__file__).with_name("names.yaml")
_HAN = re.compile(r"^[\u3400-\u9fff]+$")

# Words that the name dictionary also lists as given names but that start ordinary phrases in CRM
# notes (function words, months, days, places, business words). A privacy officer may extend it.
COMMON_WORDS = frozenset("""
the a an and or but if of in on at to for from by with as is are was were be been this that these those
it its he she we they you your our their his her my me us them not no yes all any some each every many much
more most other such only own same so than too very can will just should now may might must shall would
could also then there here when where why how what which who whom new old good great best dear hello hi
thanks thank please regards kind sincerely happy merry customer client contact order invoice account
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
north south east west central upper lower great little saint san santa los las el la le les de del der die
das den van von da di du city town county state province street road avenue lane park hill bay lake river
mount port fort beach valley spring summer autumn winter christmas easter
paris london berlin madrid rome vienna sydney victoria florence jordan georgia india china chad israel
virginia carolina dakota washington lincoln houston austin dallas phoenix denver orlando chelsea
bank group team support service services sales office company limited ltd inc corp gmbh
apple amazon google microsoft oracle tesla visa express premium gold silver platinum vip
en na em no do ao al il lo el y e um una un
""".split())
SURNAME_STOP = frozenset("""
street st road rd avenue ave lane ln boulevard blvd drive dr way court ct place pl square sq
viaduct forge forges lodge meadow mount rest heights crossing gardens grove glen falls harbor haven isle junction
knoll landing manor orchard pass path pike plains point prairie ranch ridge shoal shores skyway spur stream summit
trace tunnel turnpike valley view vista walk extension expressway freeway corner creek crest cove causeway canyon
bluff bend bayou arcade loop motorway overpass ramp rapids underpass plaza parkway terrace
bank group team support service services office company limited ltd inc corp gmbh plc llc
university college school hospital clinic hotel airport station center centre store shop mall
card account order invoice payment refund mail post express airways airlines bank kong york angeles francisco
island islands city
""".split())
PARTICLES = frozenset("van von de da del der di le la du dos das".split())
_TOKEN = re.compile(r"[^A-Za-zÀ-ÿĀ-ſ'’-]+")
_WORDS = re.compile(r"[^\W\d_]+")      # words of a value (hyphen and apostrophe split them)
_LATIN_SHAPE = re.compile(r"^[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f'’.,\- ]+$")


class _NameFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    zh_surnames: str
    zh_compound_surnames: list[str]
    zh_given_chars: str
    zh_not_names: list[str]
    zh_nickname_prefixes: list[str]
    not_name_words: str
    not_name_headers: list[str]

    @field_validator("zh_surnames", "zh_given_chars")
    @classmethod
    def _han(cls, v: str) -> str:
        v = "".join(v.split())
        if not _HAN.match(v):
            raise KeyedValueError("error.validator.chinese_only")
        return v

    @field_validator("zh_compound_surnames", "zh_nickname_prefixes", "zh_not_names")
    @classmethod
    def _han_items(cls, v: list[str]) -> list[str]:
        for s in v:
            if not _HAN.match(s) or len(s) > 4:
                raise KeyedValueError("error.validator.chinese_name", text=s)
        return v

    @field_validator("not_name_words")
    @classmethod
    def _lower(cls, v: str) -> str:
        bad = [w for w in v.split() if w != w.lower() or not w.isalpha()]
        if bad:
            raise KeyedValueError("error.validator.lowercase", word=bad[0])
        return v


@dataclass(frozen=True)
class NameLists:
    """``names.yaml``, compiled: regexes for Polars (Rust) and Python with the same meaning."""

    zh_full: str          # surname + common given-name character (+ any one)
    zh_loose: str         # under a name header: surname + any one or two, or a nickname
    zh_given_chars: frozenset[str]
    zh_surname_alt: str
    zh_not_names: frozenset[str]
    not_words: frozenset[str]
    not_headers: tuple[str, ...]


def _alt(compound: list[str], single: str) -> str:
    return "(?:" + "|".join(compound) + f"|[{single}])"


@functools.lru_cache(maxsize=4)
def load_names(path: str | None = None) -> NameLists:
    """Read and validate ``names.yaml`` (default: the bundled one)."""
    p = Path(path) if path else DEFAULT_PATH
    raw = load_yaml_mapping(p, "name list file", missing_hint="pass an existing names.yaml")
    spec = validate_model(raw, _NameFile, p, p.name)
    given = "".join(sorted(set(spec.zh_given_chars)))
    surname = _alt(spec.zh_compound_surnames, "".join(sorted(set(spec.zh_surnames))))
    nick = "[" + "".join(spec.zh_nickname_prefixes) + "]"
    return NameLists(
        zh_full=f"^{surname}[{given}][\u3400-\u9fff]?$",
        zh_loose=f"^(?:{surname}[\u3400-\u9fff]{{1,2}}|{nick}[\u3400-\u9fff])$",
        zh_given_chars=frozenset(given), zh_surname_alt=surname,
        zh_not_names=frozenset(spec.zh_not_names),
        not_words=frozenset(spec.not_name_words.split()), not_headers=tuple(spec.not_name_headers))


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-cased given names from gender-guesser's dictionary, without :data:`COMMON_WORDS`."""
    names = {n for n in _dictionary_names() if len(n) >= 2 and " " not in n}
    names |= {_plain(n) for n in names if not n.isascii()}   # Émile is written Emile too, and the other way round
    return frozenset(names - COMMON_WORDS)


def _dictionary_names() -> set[str]:
    """The lower-cased keys of ``gender_guesser.detector.Detector(case_sensitive=False).names``.

    Read straight from the package's ``nam_dict.txt`` (column 2 of each data line; ``+`` joins
    the parts of a compound name, written together, spaced or hyphenated), because the Detector also
    parses every line's per-country frequencies, which costs 0.5 s in every process that
    classifies a column (each report kernel, each CLI run). A test holds the two equal."""
    import gender_guesser

    out: set[str] = set()
    path = Path(gender_guesser.__file__).with_name("data") / "nam_dict.txt"
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#=":
                continue
            name = line.split(None, 2)[1].lower()
            out.update({name.replace("+", j) for j in ("", " ", "-")} if "+" in name else (name,))
    return out


def _plain(word: str) -> str:
    """``word`` without diacritics (émile → emile; ł and ø have no decomposition and stay)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def latin_person_name(v: str) -> bool:
    """Words holding ``First Last`` in any case: a known given name followed by a word that is no
    street, business or common word ("Customer Anna Smith", "MARY SMITH" → yes, "Main Street" → no)."""
    words = [w.lower().strip("'’-") for w in _TOKEN.split(v.strip()) if w]
    words = [w.split("-")[0] if "-" in w and w not in given_names() else w for w in words]   # Hans-Ludwig
    words = [w for w in words if w not in PARTICLES]   # "George van Dijk": the particle joins, it is no word
    names = given_names()
    stop = load_names().not_words
    return any((first in names or _plain(first) in names) and first not in stop and len(last) >= 2
               and last not in SURNAME_STOP and last not in stop for first, last in zip(words, words[1:]))


def zh_person_name(v: str) -> bool:
    """A Chinese name found by its context words: a surname (alone before an honorific: 王先生),
    then a character common in given names (王伟, not 高效)."""
    lists = load_names()
    m = re.match(lists.zh_surname_alt, v)
    if not m:
        return False
    if len(v) == m.end():      # 王先生: the surname alone, before an honorific
        return True
    return v[m.end()] in lists.zh_given_chars and v[:m.end() + 1] not in lists.zh_not_names


def hinted_header(name: str, words: tuple[str, ...] | list[str]) -> bool:
    """The header names a person (``contact_name``, ``姓名``) and not a thing (``CompanyName``)."""
    from .engine import name_hint

    return name_hint(name, words) and not name_hint(name, load_names().not_headers)


def name_evidence(values: pl.Series, hinted: bool) -> np.ndarray:
    """Per value: is there dictionary evidence that it is a person's name? (Run on a column's
    sample: one look-up per distinct value.)

    Latin script: 2-4 words, one a known given name, none a place/job/business word; a single
    given name counts only under a name header. Chinese: surname + a common given-name character;
    under a name header any surname + one or two characters, or a nickname (小李, 大梨)."""
    lists = load_names()
    zh = re.compile(lists.zh_loose if hinted else lists.zh_full)
    given, stop = given_names(), lists.not_words
    min_words = 1 if hinted else 2

    def one(v: str | None) -> bool:
        v = (v or "").strip()
        if zh.match(v):
            return hinted or v not in lists.zh_not_names
        if not _LATIN_SHAPE.match(v):
            return False
        words = _WORDS.findall(v.lower())
        plain = [_plain(w) for w in words]
        return (min_words <= len(words) <= 4 and any(p in given for p in plain)
                and not any(w in stop or p in stop for w, p in zip(words, plain)))

    uniq = values.cast(pl.String).unique(maintain_order=True)
    good = uniq.filter(pl.Series([one(v) for v in uniq.to_list()], dtype=pl.Boolean))
    return values.cast(pl.String).is_in(good.implode()).fill_null(False).to_numpy()
