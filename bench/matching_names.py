"""Cross-script names: does a name as recorded in one place find the same person recorded
elsewhere, among many others? (issue 11, "Must show" 2)

A development set of true persons (Russian, Kazakh, Kyrgyz, Uzbek and Tajik names, from the lists
in bench/data/*.txt and Faker's ru_RU and uz_UZ name lists), each recorded once in Cyrillic or in
a Latin spelling and searched for by another spelling of the same name: passport (ICAO 9303),
BGN/PCGN (ICU), the Uzbek and Kazakh (2021) Latin alphabets, English press and German press
spellings, typos, order swaps, plus hand-written pairs (bench/data/pairs.tsv). The true records
hide among a generated population (deterministic seed) indexed the same way. The search is the
product's: keys and weights of ``matching.names``, the best ``CANDIDATES`` by shared key weight,
scored by ``compare_name`` (``matching.index.NameIndex``). A true record tied with others is
counted after them (ties go against it): a namesake spelled the same way is indistinguishable by
name alone, which is why recall@1 is low; birth date and the other attributes break such ties in
the product, not here.

Figures: recall of the true record in the top 1 and top 10, the share found among the candidates
at all, the data sizes and the median and 95th percentile time per query.

Run from the repository root:
    .venv/bin/python bench/matching_names.py [--population 100000] [--persons 400] [--seed 2026]
        [--pairs FILE.tsv] [--output FILE] [--misses N]

``--pairs FILE.tsv``: two tab-separated columns, a header row first (a name as recorded in one
place; the same person's name as recorded elsewhere): recall@1 and recall@10 of column 2 given
column 1, against all of column 2 (one record per distinct text) plus the generated population,
each name indexed as one text.
"""

from __future__ import annotations

import argparse
import csv
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from opennrm.matching.index import CANDIDATES, NameIndex, Names  # noqa: E402

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
SEED = 2026
LANGUAGES = {"ru": 0.35, "kk": 0.2, "uz": 0.2, "ky": 0.1, "tg": 0.15}
TARGET_RECALL_10 = 0.95


# --- Name lists


@dataclass
class Pool:
    female: list[str]
    male: list[str]
    family: list[str]  # male forms


def read_list(path: Path) -> Pool:
    sections: dict[str, list[str]] = {"female": [], "male": [], "family": []}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections[current].append(line)
    return Pool(**sections)


def pools() -> dict[str, Pool]:
    """The hand-written lists, widened by Faker's ru_RU and uz_UZ lists where Faker has them
    (uz_UZ is in Latin letters: put in Cyrillic by ICU's uz_Latn-uz_Cyrl)."""
    import icu
    from faker import Faker

    out = {lang: read_list(DATA / f"{lang}.txt") for lang in LANGUAGES}
    ru = Faker("ru_RU").provider("faker.providers.person")
    out["ru"].female += list(ru.first_names_female)  # type: ignore[attr-defined]
    out["ru"].male += list(ru.first_names_male)  # type: ignore[attr-defined]
    out["ru"].family += list(ru.last_names_male)  # type: ignore[attr-defined]
    uz = Faker("uz_UZ").provider("faker.providers.person")
    cyrl = icu.Transliterator.createInstance("uz_Latn-uz_Cyrl")
    out["uz"].female += [cyrl.transliterate(n) for n in uz.first_names_female]  # type: ignore[attr-defined]
    out["uz"].male += [cyrl.transliterate(n) for n in uz.first_names_male]  # type: ignore[attr-defined]
    out["uz"].family += [cyrl.transliterate(n) for n in uz.last_names_male]  # type: ignore[attr-defined]
    for lang, pool in out.items():
        if lang != "ru":  # most Central Asian family names are a forefather's name + -ов/-ев
            pool.family += [derived_family(n) for n in pool.male]
        if lang == "tg":  # and Tajik ones also + -зода ("son of"), since the 1990s
            pool.family += [n + "зода" for n in pool.male if n[-1] not in "аоуэиы"]
        pool.female = sorted(set(pool.female))
        pool.male = sorted(set(pool.male))
        pool.family = sorted(set(pool.family))
    return out


def derived_family(given: str) -> str:
    """A family name made from a man's given name, as most Central Asian ones were: -ов after
    a hard consonant, -ев after a soft one or a vowel (Нурлан → Нурланов, Алӣ → Алиев)."""
    if given[-1] in "йь":
        return given[:-1] + "ев"
    if given[-1] in "аеёиоуыэюяӣӯ":
        return given.rstrip("аеёиоуыэюяӣӯ") + "иев" if given[-1] in "иӣ" else given + "ев"
    return given + "ов"


def female_family(name: str) -> str:
    """The female form of a family name: -ов/-ев/-ин take -а, -ский becomes -ская; Ukrainian
    -енко, -чук, -вич and Tajik -зода do not change."""
    if name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return name + "а"
    if name.endswith("ий"):
        return name[:-2] + "ая"
    return name


PATRONYMIC = {
    "ru": ("ович", "овна", "евич", "евна"),
    "kk": (" ұлы", " қызы", " ұлы", " қызы"),
    "ky": (" уулу", " кызы", " уулу", " кызы"),
    "uz": (" ўғли", " қизи", " ўғли", " қизи"),
}


def patronymic(father: str, *, female: bool, language: str) -> str:
    if language not in PATRONYMIC:
        return ""
    masc, fem, masc_soft, fem_soft = PATRONYMIC[language]
    if language == "ru":
        soft = father[-1] in "йь"
        stem = father[:-1] if soft else father
        if father.endswith("ия"):  # Илья
            return father[:-1] + ("инична" if female else "ич")
        return stem + ((fem_soft if female else masc_soft) if soft else (fem if female else masc))
    return father + (fem if female else masc)


@dataclass(frozen=True)
class Person:
    language: str
    given: str
    family: str
    patronymic: str


def people(rng: random.Random, count: int, lists: dict[str, Pool]) -> Iterator[Person]:
    languages = list(LANGUAGES)
    shares = list(LANGUAGES.values())
    for _ in range(count):
        language = rng.choices(languages, shares)[0]
        pool = lists[language]
        female = rng.random() < 0.6  # most persons in the product's records are women
        given = rng.choice(pool.female if female else pool.male)
        family = rng.choice(pool.family)
        if female:
            family = female_family(family)
        middle = ""
        if language == "ru" or rng.random() < 0.3:
            middle = patronymic(rng.choice(pool.male), female=female, language=language)
        yield Person(language, given, family, middle)


# --- Spellings, by documented rules


def _table(pairs: str) -> dict[str, str]:
    out = {}
    for item in pairs.split():
        cyr, lat = item.split("=")
        out[cyr] = lat
    return out


# ICAO 9303 (Part 3, Section 6, table for Cyrillic), as printed in Russian, Kazakh, Kyrgyz and
# Uzbek machine-readable zones; the letters of the other alphabets as their passports print them.
ICAO = _table(
    "а=a б=b в=v г=g д=d е=e ё=e ж=zh з=z и=i й=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u "
    "ф=f х=kh ц=ts ч=ch ш=sh щ=shch ъ=ie ы=y ь= э=e ю=iu я=ia "
    "ә=a ғ=g қ=k ң=n ө=o ұ=u ү=u һ=h і=i ў=u ҳ=kh ҷ=j ӯ=u ӣ=i"
)
# English press: zh kh ts ch sh shch, ya yu yo, y for й and ы, ye for е after a vowel.
PRESS = _table(
    "а=a б=b в=v г=g д=d е=e ё=yo ж=zh з=z и=i й=y к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u "
    "ф=f х=kh ц=ts ч=ch ш=sh щ=shch ъ= ы=y ь= э=e ю=yu я=ya "
    "ә=a ғ=gh қ=k ң=ng ө=o ұ=u ү=u һ=h і=i ў=u ҳ=h ҷ=j ӯ=u ӣ=i"
)
# German press (Duden): sch for ш and ж, tsch for ч, ch for х, z for ц, w for в, s for з, ss for
# с between vowels, j for й, ю, я.
GERMAN = _table(
    "а=a б=b в=w г=g д=d е=e ё=jo ж=sch з=s и=i й=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u "
    "ф=f х=ch ц=z ч=tsch ш=sch щ=schtsch ъ= ы=y ь= э=e ю=ju я=ja "
    "ә=a ғ=g қ=k ң=ng ө=ö ұ=u ү=ü һ=h і=i ў=u ҳ=h ҷ=dsch ӯ=u ӣ=i"
)
# Kazakh Latin alphabet of 2021: ä ğ q ñ ö ū ü ı, ş and ç (or sh and ch where typed on an
# ordinary keyboard), i for и and й.
KAZAKH_2021 = _table(
    "а=a ә=ä б=b в=v г=g ғ=ğ д=d е=e ё=io ж=j з=z и=i й=i к=k қ=q л=l м=m н=n ң=ñ о=o ө=ö п=p "
    "р=r с=s т=t у=u ұ=ū ү=ü ф=f х=h һ=h ц=c ч=ç ш=ş щ=şş ъ= ы=y і=ı ь= э=e ю=iu я=ia"
)
VOWELS = set("аәеёиоөуұүыіэюяўӯӣ")


def spell(text: str, table: dict[str, str], *, iotated_e: str = "") -> str:
    """``text`` letter by letter through ``table``; е at the start of a word or after a vowel
    or a sign is spelled ``iotated_e`` where the scheme says so (press: Yerlan, Sarsenbayeva)."""
    out = []
    previous = " "
    for char in text:
        lower = char.lower()
        if lower in table:
            latin = table[lower]
            if iotated_e and lower == "е" and (previous in VOWELS or previous in " ъь-"):
                latin = iotated_e
            if lower == "ж" and table is GERMAN and previous == " ":
                latin = "sch"
            if char != lower and latin:
                latin = latin[0].upper() + latin[1:]
            out.append(latin)
        else:
            out.append(char)
        previous = lower
    word = "".join(out)
    if table is PRESS:  # -ий, -ый are -y in the press: Dmitry, Vishnevsky
        word = " ".join(w[:-2] + "y" if w.endswith(("iy", "yy")) else w for w in word.split(" "))
    if table is GERMAN:  # с between vowels is ss: Jussupowa
        word = _german_ss(word)
    return word


def _german_ss(word: str) -> str:
    vowels = set("aeiouyäöüAEIOUY")
    out = []
    for i, c in enumerate(word):
        if (
            c == "s"
            and 0 < i < len(word) - 1
            and word[i - 1] in vowels
            and word[i + 1] in vowels
            and word[i - 1 : i + 1] != "ss"
        ):
            out.append("ss")
        else:
            out.append(c)
    return "".join(out)


def icu_latin(text: str, language: str) -> str:
    """BGN/PCGN through ICU (the transforms matching.translit uses), or the Uzbek Latin
    alphabet for Uzbek names."""
    from opennrm.matching.translit import TAJIK, _transform

    if language == "tg":
        text = "".join(TAJIK.get(c, c) for c in text)
        language = "ru"
    return " ".join(str(_transform(language).transliterate(w)) for w in text.split(" "))


QWERTY = "qwertyuiop asdfghjkl zxcvbnm"
JCUKEN = "йцукенгшщзхъ фывапролджэ ячсмитьбю"


def _neighbours(char: str) -> str:
    for rows in (QWERTY, JCUKEN):
        lower = char.lower()
        for row in rows.split():
            i = row.find(lower)
            if i >= 0:
                return row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
    return ""


def typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard in the longest word: a letter dropped, doubled, swapped with
    the next or replaced by a neighbouring key."""
    parts = text.split(" ")
    i = max(range(len(parts)), key=lambda k: len(parts[k]))
    w = parts[i]
    if len(w) < 4:
        return text
    pos = rng.randrange(1, len(w) - 1)  # the first letter is rarely wrong
    kind = rng.choice(("drop", "double", "swap", "key"))
    if kind == "drop":
        w = w[:pos] + w[pos + 1 :]
    elif kind == "double":
        w = w[:pos] + w[pos] + w[pos:]
    elif kind == "swap":
        w = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2 :]
    else:
        near = _neighbours(w[pos])
        if near:
            w = w[:pos] + rng.choice(near) + w[pos + 1 :]
    parts[i] = w
    return " ".join(parts)


def spellings(language: str) -> dict[str, Callable[[str], str]]:
    out: dict[str, Callable[[str], str]] = {
        "icao": lambda t: spell(t, ICAO).upper(),
        "bgn": lambda t: icu_latin(t, language),
        "press": lambda t: spell(t, PRESS, iotated_e="ye"),
        "german": lambda t: spell(t, GERMAN, iotated_e="je"),
    }
    if language == "kk":
        out["kazakh-2021"] = lambda t: spell(t, KAZAKH_2021)
        out["kazakh-2021-typed"] = lambda t: (
            spell(t, KAZAKH_2021).replace("ş", "sh").replace("ç", "ch")
        )
    if language == "uz":
        out["uzbek-latin"] = lambda t: icu_latin(t, "uz")
    return out


# --- The development set


@dataclass(frozen=True)
class Pair:
    query: str
    target: Names
    how: str  # how the query is spelled, for the misses


def full(names: Names, order: str) -> str:
    if order == "family given":
        words = [names.family, names.given]
    elif order == "family given patronymic":
        words = [names.family, names.given, names.patronymic]
    else:
        words = [names.given, names.family]
    return " ".join(w for w in words if w)


def recorded(person: Person, spelling: Callable[[str], str] | None) -> Names:
    f = spelling or (lambda t: t)
    return Names(
        given=f(person.given),
        family=f(person.family),
        patronymic=f(person.patronymic) if person.patronymic else "",
    )


def development_set(rng: random.Random, count: int, lists: dict[str, Pool]) -> list[Pair]:
    pairs: list[Pair] = []
    for person in people(rng, count, lists):
        schemes = spellings(person.language)
        name = rng.choice(sorted(schemes))
        spelling = schemes[name]
        cyrillic = recorded(person, None)
        latin = recorded(person, spelling)
        order = rng.choices(
            ["given family", "family given", "family given patronymic"], [0.5, 0.35, 0.15]
        )[0]
        if rng.random() < 0.7:  # recorded in Cyrillic, searched in Latin letters
            target, query, how = cyrillic, full(latin, order), f"{name}→cyrillic"
        else:  # recorded from a passport or a foreign form, searched in Cyrillic
            target, query, how = latin, full(cyrillic, order), f"cyrillic→{name}"
        if rng.random() < 0.15:
            query, how = typo(query, rng), how + "+typo"
        pairs.append(Pair(query, target, f"{person.language} {how} ({order})"))
    return pairs


def read_pairs(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            print(f"{path}: row {number} skipped (two non-empty columns expected)", file=sys.stderr)
            continue
        out.append((row[0].strip(), row[1].strip()))
    return out


def population(
    rng: random.Random, count: int, lists: dict[str, Pool], *, as_text: bool
) -> Iterator[Names]:
    """Others: most recorded in Cyrillic, a fifth in a Latin spelling. ``as_text``: each as one
    text (the ``--pairs`` mode, where a name is a text, not parts)."""
    for person in people(rng, count, lists):
        spelling = None
        if rng.random() < 0.2:
            schemes = spellings(person.language)
            spelling = schemes[rng.choice(sorted(schemes))]
        names = recorded(person, spelling)
        if as_text:
            order = rng.choice(["given family", "family given", "family given patronymic"])
            yield Names(family=full(names, order))
        else:
            yield names


# --- Measuring


@dataclass
class Figures:
    queries: int = 0
    top1: int = 0
    top10: int = 0
    candidates: int = 0
    tied: int = 0  # another record scored exactly as high as the true one (a namesake)

    def line(self, label: str) -> str:
        q = max(self.queries, 1)
        return (
            f"{label}: {self.queries} queries, recall@1 {self.top1 / q:.3f}, "
            f"recall@10 {self.top10 / q:.3f}, among the {CANDIDATES} candidates "
            f"{self.candidates / q:.3f}, tied with a namesake {self.tied / q:.3f}"
        )


def measure(
    index: NameIndex, queries: list[tuple[str, int, str]], misses: int, out: Callable[[str], None]
) -> tuple[Figures, dict[str, Figures], list[float]]:
    total = Figures()
    by_kind: dict[str, Figures] = {}
    timings: list[float] = []
    shown = 0
    for query, target, kind in queries:
        start = time.perf_counter()
        found = index.search(query)
        timings.append((time.perf_counter() - start) * 1000)
        rank = next((i for i, f in enumerate(found) if f.person == target), None)
        tied = False
        if rank is not None:
            # Ties go against the true record: count those scored as high and ranked after it.
            score = found[rank].match.score
            tied = any(i != rank and f.match.score == score for i, f in enumerate(found))
            rank += sum(1 for f in found[rank + 1 :] if f.match.score >= score)
        figures = by_kind.setdefault(kind, Figures())
        for f in (total, figures):
            f.queries += 1
            f.candidates += rank is not None
            f.top1 += rank is not None and rank < 1
            f.top10 += rank is not None and rank < 10
            f.tied += tied
        if (rank is None or rank >= 10) and shown < misses:
            shown += 1
            best = f"{index.names(found[0].person)} {found[0].match.score:.3f}" if found else "-"
            out(f"  miss: {query!r} ({kind}) → rank {rank}; best {best}")
    return total, by_kind, timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--population", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=400, help="true persons (generated)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--pairs", type=Path, help="a TSV of labelled pairs (header row first)")
    parser.add_argument("--output", type=Path, help="also write the figures to this file")
    parser.add_argument("--misses", type=int, default=0, help="print up to N missed queries")
    args = parser.parse_args(argv)

    lines: list[str] = []

    def out(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    command = "bench/matching_names.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    out(f"# Cross-script names: recall among {args.population:,} others (seed {args.seed})")
    out(f"command: .venv/bin/python {command.strip()}")
    rng = random.Random(args.seed)
    lists = pools()
    out(
        "name lists: "
        + ", ".join(
            f"{lang} {len(p.female)} female, {len(p.male)} male, {len(p.family)} family"
            for lang, p in lists.items()
        )
    )
    index = NameIndex()
    started = time.perf_counter()
    for person, names in enumerate(
        population(rng, args.population, lists, as_text=args.pairs is not None)
    ):
        index.add(person, names)
    queries: list[tuple[str, int, str]] = []
    next_id = args.population  # true records after the others: ties by id go against them
    targets: dict[str, int] = {}  # one record per distinct text of column 2

    def target_of(text: str) -> int:
        nonlocal next_id
        if text not in targets:
            index.add(next_id, Names(family=text))
            targets[text] = next_id
            next_id += 1
        return targets[text]

    if args.pairs:
        labelled = read_pairs(args.pairs)
        for query, target in labelled:
            queries.append((query, target_of(target), "labelled"))
        out(f"labelled pairs: {len(labelled)} from {args.pairs} ({len(targets)} distinct records)")
    else:
        dev = development_set(random.Random(args.seed + 1), args.persons, lists)
        for pair in dev:
            index.add(next_id, pair.target)
            queries.append((pair.query, next_id, pair.how.split(" (")[0].split("+")[0]))
            next_id += 1
        hand = read_pairs(DATA / "pairs.tsv")
        for query, target in hand:
            queries.append((query, target_of(target), "hand-written"))
        out(f"development set: {len(dev)} generated pairs + {len(hand)} hand-written pairs")
    out(f"index: {len(index):,} persons, built in {time.perf_counter() - started:.1f} s")
    total, by_kind, timings = measure(index, queries, args.misses, out)
    out(total.line("all"))
    if not args.pairs:
        for kind in sorted(by_kind):
            out("  " + by_kind[kind].line(kind))
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
    out(
        f"time per query (search and scoring, in memory): median {statistics.median(timings):.1f}"
        f" ms, p95 {p95:.1f} ms"
    )
    recall10 = total.top10 / max(total.queries, 1)
    verdict = "met" if recall10 >= TARGET_RECALL_10 else "NOT met"
    out(f"goal recall@10 ≥ {TARGET_RECALL_10}: {verdict}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
