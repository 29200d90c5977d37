"""Snowball stemming as ArangoSearch's ``text`` and ``stem`` analyzers apply it.

ArangoDB 3.12 links libstemmer from Snowball 2.x and picks the algorithm by the language part
of the analyzer's locale (``de_CH.UTF-8`` -> ``de``); languages Snowball 2.x lacks, and
``zh``, are left unstemmed. Every language but English comes from the ``snowballstemmer``
library. That library carries Snowball 3, whose English algorithm changed (``added`` ->
``add`` where Snowball 2 gives ``ad``, new ``inter-``/``past``/``univers`` exceptions), and
whose ``dutch`` is a new algorithm (Snowball 2's is ``dutch_porter`` there). English therefore
keeps the compact Porter2 below, which gives Snowball 2's tokens.
"""

from __future__ import annotations

import functools
import importlib
import re
import threading
from pathlib import Path
from typing import Any

# ISO 639-1 codes of the languages ArangoDB 3.12 documents as stemmed, with the algorithm
LANGUAGES: dict[str, str] = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "da": "danish",
    "nl": "dutch_porter",
    "en": "english",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
_LOCAL = threading.local()


def language(locale: str) -> str:
    """The language code of an ICU-style locale (``en_US.UTF-8@x`` -> ``en``)."""
    for sep in ("_", "-", ".", "@"):
        locale = locale.split(sep, 1)[0]
    return locale.lower()


@functools.lru_cache(maxsize=64)
def stopword_files(path: str, locale: str) -> frozenset[str] | None:
    """The words in ``path/<language>/*`` (first word of each line), or None if unreadable.

    ArangoDB's ``text`` analyzer reads ``stopwordsPath`` this way (iresearch
    ``get_stopwords``): a missing language directory refuses the analyzer, an empty one
    gives no stop words.
    """
    folder = Path(path) / language(locale)
    try:
        files = [f for f in sorted(folder.iterdir()) if f.is_file()]
        words: set[str] = set()
        for file in files:
            for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
                # the word runs to the first whitespace; lines starting with one are skipped
                word = re.split(r"[ \t\n\v\f\r]", line, maxsplit=1)[0]
                if word:
                    words.add(word)
    except OSError:
        return None
    return frozenset(words)


def _stemmer(algorithm: str) -> Any:
    """One stemmer per algorithm and thread (Snowball stemmers keep state while they work)."""
    cache: dict[str, Any] | None = getattr(_LOCAL, "stemmers", None)
    if cache is None:
        cache = _LOCAL.stemmers = {}
    found = cache.get(algorithm)
    if found is None:
        # the library (some 8,000 objects of tables) loads when a test first stems a word
        library = importlib.import_module("snowballstemmer")
        found = cache[algorithm] = library.stemmer(algorithm)
    return found


def stem(word: str, locale: str = "en") -> str:
    """``word`` stemmed by the Snowball algorithm of ``locale``'s language (or unchanged)."""
    algorithm = LANGUAGES.get(language(locale))
    if algorithm is None or not word:
        return word
    if algorithm == "english":
        return _porter2(word)
    return str(_stemmer(algorithm).stemWord(word))


# ----------------------------------------------------------------- English (Snowball 2 Porter2)
_VOWELS = "aeiouy"
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
_LI_ENDING = "cdeghkmnrt"
_EXCEPTIONS = {
    "skis": "ski",
    "skies": "sky",
    "dying": "die",
    "lying": "lie",
    "tying": "tie",
    "idly": "idl",
    "gently": "gentl",
    "ugly": "ugli",
    "early": "earli",
    "only": "onli",
    "singly": "singl",
    "sky": "sky",
    "news": "news",
    "howe": "howe",
    "atlas": "atlas",
    "cosmos": "cosmos",
    "bias": "bias",
    "andes": "andes",
}
_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("abli", "able"),
    ("entli", "ent"),
    ("izer", "ize"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("aliti", "al"),
    ("alli", "al"),
    ("fulness", "ful"),
    ("ousli", "ous"),
    ("ousness", "ous"),
    ("iveness", "ive"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("bli", "ble"),
    ("fulli", "ful"),
    ("lessli", "less"),
)
_STEP3 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("alize", "al"),
    ("icate", "ic"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = (
    "ement",
    "ance",
    "ence",
    "able",
    "ible",
    "ment",
    "ant",
    "ent",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
    "ion",
    "al",
    "er",
    "ic",
)


def _is_short_syllable(w: str, i: int) -> bool:
    """Whether the syllable ending at index ``i`` (inclusive) is short."""
    if i == 1:
        return w[0] in _VOWELS and w[1] not in _VOWELS
    if i < 2:
        return False
    return w[i - 2] not in _VOWELS and w[i - 1] in _VOWELS and w[i] not in _VOWELS + "wx"


def _regions(w: str) -> tuple[int, int]:
    def after_vc(start: int) -> int:
        for i in range(start + 1, len(w)):
            if w[i] not in _VOWELS and w[i - 1] in _VOWELS:
                return i + 1
        return len(w)

    r1 = 5 if w.startswith(("gener", "arsen")) else 6 if w.startswith("commun") else after_vc(0)
    return r1, after_vc(r1)


def _porter2(word: str) -> str:
    if len(word) <= 2 or not word.isalpha() or not word.isascii():
        return word
    w = word
    if w in _EXCEPTIONS:
        return _EXCEPTIONS[w]
    if w[0] == "y":
        w = "Y" + w[1:]
    w = "".join("Y" if c == "y" and i > 0 and w[i - 1] in _VOWELS else c for i, c in enumerate(w))
    r1, r2 = _regions(w)
    # step 0
    for suf in ("'s'", "'s", "'"):
        if w.endswith(suf):
            w = w[: -len(suf)]
            break
    # step 1a
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ied", "ies")):
        w = w[:-2] if len(w) > 4 else w[:-1]
    elif w.endswith(("us", "ss")):
        pass
    elif w.endswith("s") and any(c in _VOWELS for c in w[:-2]):
        w = w[:-1]
    if w in ("inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"):
        return w
    # step 1b
    if w.endswith(("eedly", "eed")):
        suf = "eedly" if w.endswith("eedly") else "eed"
        if len(w) - len(suf) >= r1:
            w = w[: -len(suf)] + "ee"
    else:
        for suf in ("ingly", "edly", "ing", "ed"):
            if w.endswith(suf):
                stem_part = w[: -len(suf)]
                if any(c in _VOWELS for c in stem_part):
                    w = stem_part
                    if w.endswith(("at", "bl", "iz")):
                        w += "e"
                    elif w.endswith(_DOUBLES):
                        w = w[:-1]
                    elif len(w) <= r1 and len(w) >= 2 and _is_short_syllable(w, len(w) - 1):
                        w += "e"
                break
    # step 1c
    if len(w) > 2 and w[-1] in "yY" and w[-2] not in _VOWELS:
        w = w[:-1] + "i"
    # step 2
    for suf, rep in _STEP2:
        if w.endswith(suf):
            if len(w) - len(suf) >= r1:
                w = w[: -len(suf)] + rep
            break
    else:
        if w.endswith("ogi") and len(w) - 3 >= r1 and w[-4:-3] == "l":
            w = w[:-1]
        elif w.endswith("li") and len(w) - 2 >= r1 and w[-3:-2] in tuple(_LI_ENDING):
            w = w[:-2]
    # step 3
    for suf, rep in _STEP3:
        if w.endswith(suf):
            if len(w) - len(suf) >= r1:
                w = w[: -len(suf)] + rep
            break
    else:
        if w.endswith("ative") and len(w) - 5 >= r2:
            w = w[:-5]
    # step 4
    for suf in _STEP4:
        if w.endswith(suf):
            if len(w) - len(suf) >= r2 and (suf != "ion" or w[-4:-3] in ("s", "t")):
                w = w[: -len(suf)]
            break
    # step 5
    if w.endswith("e"):
        base = w[:-1]
        if len(base) >= r2 or (len(base) >= r1 and not _is_short_syllable(base, len(base) - 1)):
            w = base
    elif w.endswith("ll") and len(w) - 1 >= r2:
        w = w[:-1]
    return w.replace("Y", "y")
