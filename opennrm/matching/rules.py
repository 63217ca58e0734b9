"""The folding rules, as data: each rule is a pattern, its replacement and an example the tests
check (``tests/matching/test_rules.py`` runs one test per rule).

Names reach us spelled by people: a passport officer (ICAO 9303), a press agency (BGN/PCGN), an
Uzbek or Kazakh clerk writing the Latin alphabet of their country, a case worker typing what she
heard. Folding maps the spellings of one sound to one form, so that these meet. The rules run in
order on lower-case Latin text without diacritics (``names.latin`` makes it).
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    pattern: str  # a regular expression over lower-case ASCII letters
    replacement: str
    example: tuple[str, str]  # two spellings that meet by this rule, and not without it
    why: str


# Letters with a meaning of their own, before diacritics are dropped (ž is zh, not z).
LETTERS: dict[str, str] = {
    "ž": "zh", "š": "sh", "ş": "sh", "č": "ch", "ç": "ch", "ğ": "gh", "ġ": "gh", "ı": "i",
    "ə": "a", "ä": "a", "ñ": "ng", "ŋ": "ng", "ß": "ss", "ł": "l", "ø": "o", "đ": "d",
    "â": "ya", "û": "yu",  # ISO 9 / ICU Cyrillic-Latin: я, ю
}  # fmt: skip

# Apostrophes and modifier letters: Uzbek oʻ gʻ (U+02BB) and the tutuq belgisi ʼ (U+02BC), and
# what people type for them.
MARKS = "ʻʼ'‘’`´ʹʺ″"

FOLDING: list[Rule] = [
    Rule(r"shch|sch", "sh", ("shchukina", "shukina"), "щ: BGN shch, German sch"),
    Rule(r"tsch|tch", "ch", ("tchaikovsky", "chaikovsky"), "ч in French or German spelling"),
    Rule(r"dzh|dj|zh", "j", ("dzhamila", "jamila"), "ж, дж: zh, dzh, dj and j"),
    Rule(r"kh|x", "h", ("rakhimova", "rahimova"), "х: kh (BGN), x (Uzbek Latin), h"),
    Rule(r"gh", "g", ("ghalia", "galia"), "ғ: gh (BGN), g"),
    Rule(r"q", "k", ("qayrat", "kayrat"), "қ: q (Kazakh, Uzbek Latin), k"),
    Rule(r"ck", "k", ("nick", "nik"), "ck is k"),
    Rule(r"ph", "f", ("iosiph", "iosif"), "ph is f"),
    Rule(r"w", "v", ("yusupowa", "yusupova"), "в: w in German and Polish spelling"),
    Rule(r"ts|tz|c(?!h)", "c", ("tsoy", "coy"), "ц: ts, tz and c"),
    Rule(
        r"(?<=[aeiou])[yj](?=[aeiou])",
        "",
        ("sarsenbayeva", "sarsenbaeva"),
        "й, я, е between vowels: y, j or nothing",
    ),  # fmt: skip
    Rule(r"^ye|^je", "e", ("yerlan", "erlan"), "initial е: ye or e"),
    Rule(r"^i(?=[aeou])", "y", ("iusupova", "yusupova"), "initial ю, я: iu, ia (ICAO) or yu, ya"),
    Rule(
        r"(?<=.)y",
        "i",
        ("tatyana", "tatiana"),
        "я, ю, й, ы inside a word: ya, yu, y (press, BGN) or ia, iu, i (ICAO, Kazakh Latin)",
    ),  # fmt: skip
    Rule(r"(.)\1+", r"\1", ("anna", "ana"), "doubled letters are written once or twice"),
]

# Sounds a coarser key merges: vowels after the first letter go, y and j meet, h goes.
PHONETIC: list[Rule] = [
    Rule(r"^[yji](?=[aeiou])", "j", ("yusupova", "jusupova"), "ю: yu, ju (German), iu"),
    Rule(r"z", "s", ("mehranges", "mehrangez"), "з: s in German spelling (Sarina, Mehranges)"),
    Rule(r"sch|sh", "j", ("schanar", "janar"), "ж: sch in German spelling (Schanar)"),
    Rule(
        r"(?<=.)[aeiouy](?!$)|(?<=.)[eiouy]$",
        "",
        ("sarsenbaeva", "sarsenbeva"),
        "vowels vary between spellings; a final a stays (it marks a woman: Yusupova, Yusupov)",
    ),  # fmt: skip
    Rule(
        r"(?<=.)ch(?![aeiou])",
        "h",
        ("rachmonov", "rahmonov"),
        "х: ch in German spelling, before a consonant or at the end (Rachmonow, Farruch)",
    ),  # fmt: skip
    Rule(r"(?<=.)h", "", ("rahimova", "raimova"), "х is often not written: Rahimova, Raimova"),
    Rule(
        r"(?<=[bcdfgklmnprstvz])j(?=[aeiou])",
        "",
        ("natalja", "natalya"),
        "ья, ья: ja in German spelling where others write ya, ia",
    ),  # fmt: skip
]

# Endings that mark sex or descent, not the person: the stem key leaves them out.
ENDINGS: list[Rule] = [
    Rule(r"(?:ovna|evna|ovich|evich|ovic|evic)$", "", ("ivanovna", "ivanov"), "patronymic"),
    Rule(
        r"(?:uly|uli|ulu|ugli|ogli|kizi|kyzy|kyzi)$",
        "",
        ("kairatkyzy", "kairatuly"),
        "Kazakh, Kyrgyz and Uzbek patronymic: -uly, -kyzy, -ulu, -qizi, -oʻgʻli",
    ),  # fmt: skip
    Rule(r"(?:ova|eva|ov|ev)$", "", ("yusupova", "yusupov"), "-ov/-ova, -ev/-eva, -bekov/-bek"),
    Rule(
        r"(?:ina|in|skaya|skii|skiy|ski|sky)$", "", ("ivanina", "ivanin"), "-in/-ina, -sky/-skaya"
    ),
]

# Endings that tell a woman's name from a man's (on folded words): two names that differ only
# there are of two people (a sister and a brother, a wife and a husband).
FEMALE = r"(?:ova|eva|ina|yna|aya|ovna|evna|ichna|kizi|kyzy)$"
MALE = r"(?:ov|ev|in|yn|ii|oi|ovich|evich|ich|uly|uli|ulu|ugli|ogli)$"

# Words that mark descent, written apart from the father's name: "Rustam oʻgʻli".
PARTICLES = frozenset({"uly", "uli", "ulu", "ugli", "ogli", "kizi", "kyzy", "kyzi", "kizy", "ibn"})
