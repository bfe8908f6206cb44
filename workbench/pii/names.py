"""Person names in free text (Latin script): a capitalised word pair whose first word is a known
given name. The given names come from the ``gender-guesser`` package's name dictionary (≈ 45,000
first names from Europe, the Americas, Asia; shipped inside the package, nothing downloaded at run
time). Chinese names are found by the surname-plus-context patterns in ``detectors.yaml``.

Why this and not a model: it runs as one regex plus a set look-up per distinct candidate, so the
column engine keeps its speed, and benchmarks/pii_accuracy.py measures it against the
alternatives (honorific context only, jieba ``nr`` tags) on a labelled set.
"""
from __future__ import annotations

import functools
import re

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
""".split())
SURNAME_STOP = frozenset("""
street st road rd avenue ave lane ln boulevard blvd drive dr way court ct place pl square sq
bank group team support service services office company limited ltd inc corp gmbh plc llc
university college school hospital clinic hotel airport station center centre store shop mall
card account order invoice payment refund mail post express airways airlines bank kong york angeles francisco
island islands city
""".split())
PARTICLES = frozenset("van von de da del der di le la du dos das".split())
_TOKEN = re.compile(r"[^A-Za-zÀ-ÿ'’-]+")


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-cased given names from gender-guesser's dictionary, without :data:`COMMON_WORDS`."""
    from gender_guesser.detector import Detector

    names = {n.lower() for n in Detector(case_sensitive=False).names if len(n) >= 2 and " " not in n and "+" not in n}
    return frozenset(names - COMMON_WORDS)


def latin_person_name(v: str) -> bool:
    """Capitalised words holding ``First Last``: a known given name followed by a word that is no
    street, business or common word ("Customer Anna Smith" → yes, "Main Street" → no)."""
    words = [w.lower().strip("'’-") for w in _TOKEN.split(v.strip()) if w]
    words = [w for w in words if w not in PARTICLES]   # "George van Dijk": the particle joins, it is no word
    names = given_names()
    return any(first in names and len(last) >= 2 and last not in SURNAME_STOP and last not in COMMON_WORDS
               for first, last in zip(words, words[1:]))
