"""Cyrillic to Latin through ICU's transforms, chosen per word by the letters it holds.

A Russian-language form often holds Kazakh letters (ұ ү қ ғ ң ә ө і һ), so the language is decided
for each word, not for the record. ICU has transforms for Russian, Kazakh, Kyrgyz and Uzbek; it
has none for Tajik, whose letters are the small table below (the Tajik Latin of 1928–1940, close
to what Tajik passports print today). The ``interscript`` package (PyPI, 0.1.0, offline, pure
Python) has BGN/PCGN 1994 and ODNI 2015 maps for Tajik; their letters ғ қ ҳ ҷ ӯ ӣ agree with this
table (gh q h j u/ŭ i/í), so six letters did not earn a dependency.
"""

from __future__ import annotations

import threading
import unicodedata

import icu

# The ICU transform of each language, by its BCP 47 code.
TRANSFORMS = {
    "ru": "Russian-Latin/BGN",
    "kk": "Kazakh-Latin/BGN",
    "ky": "Kirghiz-Latin/BGN",
    "uz": "uz_Cyrl-uz_Latn",
}

# Tajik Cyrillic letters ICU has no transform for; the rest of a Tajik word goes through the
# Russian transform.
TAJIK = {
    "ғ": "gh", "ӣ": "i", "қ": "q", "ӯ": "u", "ҳ": "h", "ҷ": "j",
    "Ғ": "Gh", "Ӣ": "I", "Қ": "Q", "Ӯ": "U", "Ҳ": "H", "Ҷ": "J",
}  # fmt: skip

# Letters that tell the language of a Cyrillic word, strongest first.
_TAJIK_ONLY = set("ӣӯҷӢӮҶ")
_UZBEK_ONLY = set("ўЎ")
_KAZAKH_ONLY = set("әұіһӘҰІҺ")
_UZBEK_OR_TAJIK = set("ҳҲ")
_KAZAKH_OR_UZBEK = set("ғқҒҚ")
_KYRGYZ_OR_KAZAKH = set("ңөүҢӨҮ")

_local = threading.local()  # ICU transliterators are not safe to share between threads


def _transform(language: str) -> icu.Transliterator:
    cache = _local.__dict__.setdefault("transforms", {})
    if language not in cache:
        cache[language] = icu.Transliterator.createInstance(TRANSFORMS[language])
    return cache[language]


def is_cyrillic(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CYRILLIC")


def language_of(word: str) -> str:
    """The language whose alphabet a Cyrillic word is written in, by its letters ("ru" if none
    tells)."""
    letters = set(word)
    if letters & _TAJIK_ONLY:
        return "tg"
    if letters & _UZBEK_ONLY:
        return "uz"
    if letters & _KAZAKH_ONLY:
        return "kk"
    if letters & _UZBEK_OR_TAJIK:
        return "uz"
    if letters & _KAZAKH_OR_UZBEK:
        return "kk"
    if letters & _KYRGYZ_OR_KAZAKH:
        return "ky"
    return "ru"


def to_latin(word: str) -> str:
    """A word in Latin letters: Cyrillic through the transform of its language, the rest as is."""
    if not any(is_cyrillic(c) for c in word):
        return word
    language = language_of(word)
    if language == "tg":
        word = "".join(TAJIK.get(c, c) for c in word)
        language = "ru"
    return str(_transform(language).transliterate(word))
