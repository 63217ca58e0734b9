"""Names in any script: their words, folded spellings, blocking keys and how alike two are.

The one place that decides how names are compared (decision 0021). A name is split into words;
each word is put in Latin letters (``translit``), then folded (``rules``): "Сарсенбаева",
"Sarsenbayeva" and "Sarsenbaeva" fold to one form. Three keys per word are stored as keyed blind
indexes (``index_keys``), so encrypted names are found without decrypting a table:

- ``exact``: the word as written, normalized (as before this app);
- ``fold``: the folded spelling;
- ``sound``: a coarser key (first letter and consonants), for spellings folding does not reach;
- ``stem``: the sound of the word without a gendered or patronymic ending (Yusupov, Yusupova);
- ``near``: the sound with one letter left out, each, so one slip of the keyboard still shares a
  key (Lebedeva, Lebwdeva); long sounds only, a short one would share keys with half the names.

And two keys per pair of a person's words (``pair_values``): both words' stems (or sounds), and
both folded spellings. A pair is shared by the few persons bearing both names, where each word's
own keys are shared by thousands in a large register ("Sydykova" 4,661 times in a million): a
search reads the pairs first and the words only when the pairs find too few (``Lookup``).

Words in scripts that are not transliterated (Arabic, Chinese, Georgian...) get the exact key
only: they are found as written, and scored conservatively.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA, JaroWinkler

from opennrm.crypto.keyring import blind_index

from . import rules
from .translit import to_latin

MAX_WORDS = 8  # of one name: a longer text is not a name, and would flood the keys
OTHER_SEX = 0.84  # at most, the score of a name that differs by its sex's ending: below the band
MIN_KEYED = 2  # letters: a single letter (an initial) is too common to be a key

# The blind-index purpose of each kind of key; "name" is the exact key stored before folding.
PURPOSES = {
    "exact": "name",
    "fold": "name-fold",
    "sound": "name-sound",
    "stem": "name-stem",
    "near": "name-near",
    "pair": "name-pair",
    "pair-fold": "name-pair-fold",
}
# How much a key of each kind says when it is shared (ranks candidates before scoring). The kinds
# nest (a word with the same fold has the same sound and stem), so a word's weight is the sum of
# the kinds it shares: 15 written alike, 14 folded alike, 12 sounding alike, 8 with another
# ending. Any word shared in a coarser form outweighs the steps between finer ones, so a person
# sharing two words loosely comes before one sharing a single word exactly.
# A pair outweighs all of one word's keys together (15, and near ones), so persons sharing two
# words come first, those sharing them folded alike before those sharing them by sound.
WEIGHTS = {"exact": 1, "fold": 2, "sound": 4, "stem": 8, "near": 1, "pair": 32, "pair-fold": 16}
PAIRED = 6  # distinct words of a name paired at most (15 pairs): a name has three or four
# A searched word's near keys are looked up only when fewer persons than this share its sound: a
# sound many share is a name spelled as people spell it, and its one-letter-less forms would bring
# every name that sounds like another one (at 1,000,000 persons, two thirds of the rows read).
NEAR_WHEN_FEWER = 5
NEAR_MIN = 4  # letters of a sound key from which its one-letter-less forms are keys ("near")
NEAR_MAX = 12  # and up to which: a longer word is not a name a person would have

_SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek"}
_SPLIT = re.compile(r"[\s\-‐‑‒–—_/,.;:()\[\]{}\"«»„“”!?&+*=<>|\\@#$%^~0-9]+")
_MARKS = str.maketrans("", "", rules.MARKS)
_FOLDING = [(re.compile(r.pattern), r.replacement) for r in rules.FOLDING]
_PHONETIC = [(re.compile(r.pattern), r.replacement) for r in rules.PHONETIC]
_ENDINGS = [(re.compile(r.pattern), r.replacement) for r in rules.ENDINGS]
_VOWELS = next(r.pattern for r in rules.PHONETIC if "vowels" in r.why)
_FEMALE = re.compile(rules.FEMALE)
_MALE = re.compile(rules.MALE)


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
    text = unicodedata.normalize("NFC", to_latin(written)).translate(_MARKS).lower()
    if text.startswith("ë"):  # an initial ё is yo in every spelling (Ёқубова, Yoqubova)
        text = "yo" + text[1:]
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
    return [item for text in texts for item in _text_words(text)]


@lru_cache(maxsize=16384)
def _text_words(text: str) -> tuple[Word, ...]:
    # A check scores one probe against many candidates sharing words: parse each text once.
    return tuple(item for item in map(word, words(text)) if item.fold not in rules.PARTICLES)


@lru_cache(maxsize=65536)
def initial(item: Word) -> bool:
    """A single letter (Ю is two in Latin, yu, and still one letter): too common to be a key."""
    letters = sum(1 for c in item.written if c.isalpha())
    return letters < MIN_KEYED or len(item.fold) < MIN_KEYED


def word_keys(item: Word) -> dict[str, str]:
    """The keys of one word by kind, before blind indexing (``near`` ones: ``near_keys``)."""
    keys = {"exact": item.written}
    if not initial(item):
        keys["fold"] = item.fold
        keys["sound"] = item.sound
        if item.stem:
            keys["stem"] = item.stem
    return keys


def near_keys(item: Word) -> set[str]:
    """The word's sound with one letter left out, for each letter but the first (a slip of the
    keyboard rarely hits the first letter): two sounds one slip apart share one of them."""
    sound = item.sound
    if initial(item) or not NEAR_MIN - 1 <= len(sound) <= NEAR_MAX:
        return set()
    near = {sound}  # the sound itself meets the other's with one letter more
    if len(sound) >= NEAR_MIN:
        near |= {sound[:i] + sound[i + 1 :] for i in range(1, len(sound))}
    return near


def pair_values(items: list[Word]) -> dict[tuple[str, str], int]:
    """(purpose, value) of each pair of the words' keys, with its weight: both stems (or sounds,
    for a word without an ending), and both folded spellings; in alphabetical order, so the
    order of the words does not count. Initials and words not folded are not paired."""
    keyed = [item for item in items if item.fold and not initial(item)]
    coarse = list(dict.fromkeys(item.stem or item.sound for item in keyed))[:PAIRED]
    folded = list(dict.fromkeys(item.fold for item in keyed))[:PAIRED]
    values: dict[tuple[str, str], int] = {}
    for kind, forms in (("pair", coarse), ("pair-fold", folded)):
        for i, a in enumerate(forms):
            for b in forms[i + 1 :]:
                values[(PURPOSES[kind], " ".join(sorted((a, b))))] = WEIGHTS[kind]
    return values


def index_values(
    *, given: str, family: str, patronymic: str, others: list[str]
) -> set[tuple[str, str]]:
    """(purpose, value) of each key of a person's names, before blind indexing: each word's keys,
    the pairs of its words, the full name in both orders and each other name as written (exact
    search, as before). ``index_keys`` stores their blind indexes; ``index.NameIndex`` keeps them
    in memory."""
    parts = [p for p in (given, family, patronymic) if p.strip()]
    exact = set(parts) | {v for v in others if v.strip()}
    if given.strip() and family.strip():
        exact |= {f"{given} {family}", f"{family} {given}"}
    values = {(PURPOSES["exact"], v) for v in exact}
    items = name_words(*parts, *others)
    for item in items:
        for kind, value in word_keys(item).items():
            values.add((PURPOSES[kind], value))
        values |= {(PURPOSES["near"], value) for value in near_keys(item)}
    values |= set(pair_values(items))
    return values


def index_keys(*, given: str, family: str, patronymic: str, others: list[str]) -> set[str]:
    """The blind-index tokens to store for a person's names (see ``index_values``)."""
    values = index_values(given=given, family=family, patronymic=patronymic, others=others)
    return {blind_index(value, purpose=purpose) for purpose, value in values}


@dataclass(frozen=True)
class Lookup:
    """What a search for a name looks up, each key with its weight; keys are (purpose, value)
    before blind indexing (``query_lookup``), tokens after (``query_tokens``).

    ``pairs`` first: the whole name as written and the pairs of its words. When they bring as
    many persons as a search keeps, those are the candidates. Else ``words`` too, each word's own
    keys, and a word's ``near`` keys when fewer than ``NEAR_WHEN_FEWER`` persons share its sound
    key (a slip of the keyboard, or a rare name); the candidates are then ranked by all the
    weight they share (``people.search.persons_by_name``; ``index.NameIndex`` in memory).
    """

    pairs: dict[Any, int] = field(default_factory=dict)
    words: dict[Any, int] = field(default_factory=dict)
    near: tuple[tuple[Any, dict[Any, int]], ...] = ()  # (a word's sound key, its near keys)

    def everything(self) -> dict[Any, int]:
        """Every key that may be looked up, with its weight (the highest where keys repeat)."""
        merged: dict[Any, int] = {}
        for keys in (self.pairs, self.words, *(near for _sound, near in self.near)):
            for key, weight in keys.items():
                merged[key] = max(merged.get(key, 0), weight)
        return merged


def query_lookup(text: str) -> Lookup:
    """The keys to look up for a searched name, before blind indexing (see ``Lookup``)."""
    pairs: dict[tuple[str, str], int] = {}
    if text.strip():
        pairs[(PURPOSES["exact"], text)] = WEIGHTS["stem"] * 2  # the whole name
    items = name_words(text)
    pairs.update(pair_values(items))
    keys: dict[tuple[str, str], int] = {}
    near: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
    for item in items:
        kinds = word_keys(item)
        for kind, value in kinds.items():
            weight = WEIGHTS[kind]
            if kind == "sound" and "stem" not in kinds:  # a word without an ending: its sound
                weight += WEIGHTS["stem"]  # is its stem, and weighs as much as another's
            key = (PURPOSES[kind], value)
            keys[key] = max(keys.get(key, 0), weight)
        if values := near_keys(item):
            near[(PURPOSES["sound"], item.sound)] = {
                (PURPOSES["near"], value): WEIGHTS["near"] for value in values
            }
    return Lookup(pairs, keys, tuple(near.items()))


def query_tokens(text: str) -> Lookup:
    """``query_lookup`` with each key as its blind-index token."""
    lookup = query_lookup(text)

    def tokens(keys: dict[tuple[str, str], int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for (purpose, value), weight in keys.items():
            token = blind_index(value, purpose=purpose)
            out[token] = max(out.get(token, 0), weight)
        return out

    return Lookup(
        tokens(lookup.pairs),
        tokens(lookup.words),
        tuple((blind_index(s[1], purpose=s[0]), tokens(near)) for s, near in lookup.near),
    )


def query_values(text: str) -> dict[tuple[str, str], int]:
    """(purpose, value) of every key a search for ``text`` may look up, with its weight."""
    return query_lookup(text).everything()


def query_keys(text: str) -> dict[str, int]:
    """The blind-index tokens a search for ``text`` may look up, each with its weight."""
    return query_tokens(text).everything()


# --- How alike: decrypted in memory only, never stored.


@dataclass(frozen=True)
class WordMatch:
    similarity: float  # 0..1
    how: str  # "exact", "transliterated", "spelling", "sound", "ending", "similar", ""


@lru_cache(maxsize=65536)
def compare_words(a: Word, b: Word) -> WordMatch:
    """How alike two words are, and why."""
    if a.written.casefold() == b.written.casefold():
        return WordMatch(1.0, "exact")
    if not a.fold or not b.fold:  # a script we do not fold: only the written form counts
        return WordMatch(0.0, "")
    if initial(a) or initial(b):
        same = a.fold[:1] == b.fold[:1]
        return WordMatch(0.5 if same else 0.0, "similar" if same else "")
    if a.fold == b.fold:
        return WordMatch(0.97, "transliterated" if a.script != b.script else "spelling")
    similarity = spelling_similarity(a.fold, b.fold)
    if a.sound == b.sound and not other_sex(a, b):
        if consonants(a.fold) == consonants(b.fold):  # only how a sound is written differs
            return WordMatch(max(0.92, similarity), "sound")
        return WordMatch(similarity, "sound")  # the vowels differ: Marat, Murat
    stems = {a.stem or a.sound, b.stem or b.sound}
    if len(stems) == 1:  # one name with another ending: of the other sex, or a patronymic form
        return WordMatch(0.8 if other_sex(a, b) else max(0.8, min(similarity, 0.88)), "ending")
    if other_sex(a, b):
        similarity = min(similarity, 0.8)
    return WordMatch(similarity, "similar" if similarity >= 0.85 else "")


def consonants(folded: str) -> str:
    """The word through the phonetic rules except the one that drops vowels."""
    for pattern, replacement in _PHONETIC:
        if pattern.pattern != _VOWELS:
            folded = pattern.sub(replacement, folded)
    return folded


def spelling_similarity(a: str, b: str) -> float:
    """Mostly the edit distance counting a swap of two letters as one slip (one slip in a long
    name stays in the band, in a short one it does not: Marat, Murat), a little Jaro-Winkler (kind
    to a shared beginning)."""
    return 0.8 * OSA.normalized_similarity(a, b) + 0.2 * JaroWinkler.similarity(a, b)


def sex_of(item: Word) -> str:
    """ "f" or "m" when the word's ending tells (-ova, -ovna, -kyzy; -ov, -ovich, -uly), else ""."""
    if _FEMALE.search(item.fold):
        return "f"
    if _MALE.search(item.fold):
        return "m"
    return ""


def other_sex(a: Word, b: Word) -> bool:
    """The two words' endings are of a woman's and a man's name (Yusupova, Yusupov)."""
    sexes = {sex_of(a), sex_of(b)}
    return sexes == {"f", "m"}


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
    other = False  # a word is the same name with the other sex's ending: another person
    for item in asked:
        best_part, best, best_word = "", WordMatch(0.0, ""), item
        for part, candidate in theirs:
            m = compare_words(item, candidate)
            if m.similarity > best.similarity:
                best_part, best, best_word = part, m, candidate
        other = other or (best.how == "ending" and other_sex(item, best_word))
        # A long name counts more than a short one; an initial as much as a short name, so that
        # a wrong or missing given name is not hidden behind a long family name.
        weight = min(max(len(item.fold or item.written), 4), 8)
        total += best.similarity * weight
        weight_sum += weight
        if best.how and best_part not in result.parts:
            result.parts[best_part] = best.how
            order.append(best_part)
    result.score = total / weight_sum if weight_sum else 0.0
    if other:
        result.score = min(result.score, OTHER_SEX)
    # Swapped: the words were asked in the other order than the person's given, family.
    if "given" in order and "family" in order:
        result.swapped = order.index("family") < order.index("given")
    return result
