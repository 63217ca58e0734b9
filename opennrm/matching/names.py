"""Names in any script: their words, folded spellings, blocking keys and how alike two are.

The one place that decides how names are compared (decision 0021). A name is split into words;
each word is put in Latin letters (``translit``), then folded (``rules``): "Сарсенбаева",
"Sarsenbayeva" and "Sarsenbaeva" fold to one form. Three keys per word are stored as keyed blind
indexes (``index_keys``), so encrypted names are found without decrypting a table:

- ``exact``: the word as written, normalized (as before this app);
- ``fold``: the folded spelling;
- ``sound``: a coarser key (first letter and consonants), for spellings folding does not reach;
- ``stem``: the sound of the word without a gendered or patronymic ending (Yusupov, Yusupova).

Words in scripts that are not transliterated (Arabic, Chinese, Georgian...) get the exact key
only: they are found as written, and scored conservatively.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from opennrm.crypto.keyring import blind_index

from . import rules
from .translit import to_latin

MAX_WORDS = 8  # of one name: a longer text is not a name, and would flood the keys
MIN_KEYED = 2  # letters: a single letter (an initial) is too common to be a key

# The blind-index purpose of each kind of key; "name" is the exact key stored before folding.
PURPOSES = {"exact": "name", "fold": "name-fold", "sound": "name-sound", "stem": "name-stem"}
# How much a key of each kind says when it is shared (ranks candidates before scoring).
WEIGHTS = {"exact": 4, "fold": 3, "sound": 2, "stem": 1}

_SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek"}
_SPLIT = re.compile(r"[\s\-‐‑‒–—_/,.;:()\[\]{}\"«»„“”!?&+*=<>|\\@#$%^~0-9]+")
_MARKS = str.maketrans("", "", rules.MARKS)
_FOLDING = [(re.compile(r.pattern), r.replacement) for r in rules.FOLDING]
_PHONETIC = [(re.compile(r.pattern), r.replacement) for r in rules.PHONETIC]
_ENDINGS = [(re.compile(r.pattern), r.replacement) for r in rules.ENDINGS]


def script_of_char(char: str) -> str:
    name = unicodedata.name(char, "")
    return _SCRIPTS.get(name.split(" ")[0], "Zzzz") if name else "Zzzz"


def script_of(text: str) -> str:
    """The ISO 15924 code of the script most letters of ``text`` are in ("Zyyy" if none)."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = script_of_char(char)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "Zyyy"


def words(text: str) -> list[str]:
    """The words of a name, as written (case and marks kept), at most ``MAX_WORDS``."""
    text = unicodedata.normalize("NFC", text or "")
    return [w for w in _SPLIT.split(text) if any(c.isalpha() for c in w)][:MAX_WORDS]


@dataclass(frozen=True)
class Word:
    """One word of a name and its forms; ``fold`` is empty for a script we do not fold."""

    written: str
    script: str
    fold: str
    sound: str
    stem: str  # the sound without an ending; "" when the word has none


@lru_cache(maxsize=65536)
def word(written: str) -> Word:
    script = script_of(written)
    latin = latin_letters(written)
    if not latin:
        return Word(written, script, "", "", "")
    folded = fold(latin)
    sound = phonetic(folded)
    stemmed = folded
    for pattern, replacement in _ENDINGS:
        stemmed = pattern.sub(replacement, stemmed)
    stem = phonetic(stemmed) if stemmed != folded and len(stemmed) >= 3 else ""
    return Word(written, script, folded, sound, stem)


def latin_letters(written: str) -> str:
    """The word in lower-case ASCII letters, or "" if it holds letters of a script we do not
    transliterate (then it is compared as written)."""
    text = to_latin(written).translate(_MARKS).lower()
    text = "".join(rules.LETTERS.get(c, c) for c in text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if any(c.isalpha() and not ("a" <= c <= "z") for c in text):
        return ""
    return "".join(c for c in text if "a" <= c <= "z")


def fold(latin: str) -> str:
    for pattern, replacement in _FOLDING:
        latin = pattern.sub(replacement, latin)
    return latin


def phonetic(folded: str) -> str:
    for pattern, replacement in _PHONETIC:
        folded = pattern.sub(replacement, folded)
    return folded


def name_words(*texts: str) -> list[Word]:
    """The words of several name texts, particles ("uly", "qizi") left out."""
    out: list[Word] = []
    for text in texts:
        for w in words(text):
            item = word(w)
            if item.fold not in rules.PARTICLES:
                out.append(item)
    return out


def word_keys(item: Word) -> dict[str, str]:
    """The keys of one word by kind, before blind indexing."""
    keys = {"exact": item.written}
    if len(item.fold) >= MIN_KEYED:
        keys["fold"] = item.fold
        keys["sound"] = item.sound
        if item.stem:
            keys["stem"] = item.stem
    return keys


def index_keys(*, given: str, family: str, patronymic: str, others: list[str]) -> set[str]:
    """The blind-index tokens to store for a person's names: each word's keys, the full name in
    both orders and each other name as written (exact search, as before)."""
    parts = [p for p in (given, family, patronymic) if p.strip()]
    exact = set(parts) | {v for v in others if v.strip()}
    if given.strip() and family.strip():
        exact |= {f"{given} {family}", f"{family} {given}"}
    tokens = {blind_index(v, purpose="name") for v in exact}
    for item in name_words(*parts, *others):
        for kind, value in word_keys(item).items():
            tokens.add(blind_index(value, purpose=PURPOSES[kind]))
    return tokens


def query_keys(text: str) -> dict[str, int]:
    """The blind-index tokens to look up for a searched name, each with its weight."""
    keys: dict[str, int] = {}
    if text.strip():
        keys[blind_index(text, purpose="name")] = WEIGHTS["exact"] * 2  # the whole name
    for item in name_words(text):
        for kind, value in word_keys(item).items():
            token = blind_index(value, purpose=PURPOSES[kind])
            keys[token] = max(keys.get(token, 0), WEIGHTS[kind])
    return keys


# --- How alike: decrypted in memory only, never stored.


@dataclass(frozen=True)
class WordMatch:
    similarity: float  # 0..1
    how: str  # "exact", "transliterated", "spelling", "sound", "ending", "similar", ""


def compare_words(a: Word, b: Word) -> WordMatch:
    """How alike two words are, and why."""
    if a.written.casefold() == b.written.casefold():
        return WordMatch(1.0, "exact")
    if not a.fold or not b.fold:  # a script we do not fold: only the written form counts
        return WordMatch(0.0, "")
    if len(a.fold) < MIN_KEYED or len(b.fold) < MIN_KEYED:  # an initial
        same = a.fold[:1] == b.fold[:1]
        return WordMatch(0.5 if same else 0.0, "similar" if same else "")
    if a.fold == b.fold:
        return WordMatch(0.97, "transliterated" if a.script != b.script else "spelling")
    similarity = JaroWinkler.similarity(a.fold, b.fold)
    if a.sound == b.sound:
        return WordMatch(max(0.92, similarity), "sound")
    stems = {a.stem or a.sound, b.stem or b.sound}
    if len(stems) == 1:
        return WordMatch(max(0.8, min(similarity, 0.88)), "ending")
    return WordMatch(similarity, "similar" if similarity >= 0.85 else "")


@dataclass
class NameMatch:
    """How alike a searched name is to a person's names: 0..1 and, per part, how."""

    score: float = 0.0
    parts: dict[str, str] = field(default_factory=dict)  # part ("family", ...) -> how
    swapped: bool = False


def compare_name(query: str, *, given: str, family: str, patronymic: str, others: list[str]):
    """Score a searched name (free text, any order) against a person's names.

    Each searched word is matched to the person's word most like it; the score is the mean,
    weighted by the words' lengths, so a long family name counts more than an initial. A word
    found nowhere pulls the score down, so "Yusupova Zhanar" is closer to Yusupova Zhanar
    than to Yusupova Dilnoza.
    """
    asked = name_words(query)
    if not asked:
        return NameMatch()
    theirs: list[tuple[str, Word]] = []
    for part, text in (("given", given), ("family", family), ("patronymic", patronymic)):
        theirs.extend((part, w) for w in name_words(text))
    for text in others:
        theirs.extend(("other", w) for w in name_words(text))
    if not theirs:
        return NameMatch()
    total = weight_sum = 0.0
    result = NameMatch()
    order: list[str] = []
    for item in asked:
        best_part, best = "", WordMatch(0.0, "")
        for part, candidate in theirs:
            m = compare_words(item, candidate)
            if m.similarity > best.similarity:
                best_part, best = part, m
        weight = min(max(len(item.fold or item.written), 1), 8)
        total += best.similarity * weight
        weight_sum += weight
        if best.how and best_part not in result.parts:
            result.parts[best_part] = best.how
            order.append(best_part)
    result.score = total / weight_sum if weight_sum else 0.0
    # Swapped: the words were asked in the other order than the person's given, family.
    if "given" in order and "family" in order:
        result.swapped = order.index("family") > order.index("given")
    return result
