"""Names of the region for synthetic populations: lists, patronymics and Latin spellings.

Names are kept in their native Cyrillic (Uzbek ``ҳ қ ғ ў``, Kazakh ``ә ұ ү і ң``, Tajik ``ҷ ӣ ӯ``);
``russify`` gives the form a Russian-language form would hold, and ``latin`` the spellings that
people actually carry: passport (ICAO 9303), English, informal, official Uzbek Latin and the
older ``j`` and German styles. All of it is invented data for benchmarks and matching tests.
"""

from __future__ import annotations

import functools
import re

NATIONALITIES = ("UZ", "TJ", "KG", "KZ", "RU")

# fmt: off
# Given names, native Cyrillic.
GIVEN_FEMALE: dict[str, tuple[str, ...]] = {
    "UZ": (
        "Шахноза", "Дилноза", "Гулнора", "Нодира", "Феруза", "Малика", "Зарина", "Мадина",
        "Мафтуна", "Дилфуза", "Гулчеҳра", "Нигора", "Моҳира", "Севара", "Умида", "Зулфия",
        "Барно", "Шоира", "Муниса", "Комила", "Дурдона", "Лола", "Юлдуз", "Наргиза",
    ),
    "TJ": (
        "Мадина", "Нигина", "Зарина", "Фарангис", "Шаҳло", "Меҳрангез", "Таҳмина", "Сурайё",
        "Гулбаҳор", "Манижа", "Парвина", "Зебо", "Шабнам", "Дилафрӯз", "Насиба", "Мавзуна",
        "Ситора", "Рухшона", "Фируза", "Гулноза",
    ),
    "KG": (
        "Айгүл", "Жылдыз", "Нургүл", "Бермет", "Асель", "Чолпон", "Айпери", "Гулзат",
        "Айзада", "Нуриза", "Бактыгүл", "Жибек", "Гулмира", "Айжамал", "Мээрим", "Назира",
        "Алтынай", "Бурулай", "Калыйча", "Элиза",
    ),
    "KZ": (
        "Айгерім", "Гүлнар", "Динара", "Сәуле", "Жанар", "Әсем", "Айжан", "Камила",
        "Меруерт", "Жансая", "Аружан", "Дана", "Гүлмира", "Айнұр", "Салтанат", "Жұлдыз",
        "Балжан", "Томирис", "Ақбота", "Индира",
    ),
    "RU": (
        "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана",
        "Екатерина", "Юлия", "Анастасия", "Дарья", "Ксения", "Виктория", "Алина", "Полина",
        "Евгения", "Людмила", "Валентина", "Кристина",
    ),
}
GIVEN_MALE: dict[str, tuple[str, ...]] = {
    "UZ": (
        "Баҳтиёр", "Жасур", "Сардор", "Отабек", "Рустам", "Дилшод", "Шуҳрат", "Улуғбек",
        "Фаррух", "Жамшид", "Азиз", "Шерзод", "Бобур", "Илҳом", "Равшан", "Темур",
        "Хуршид", "Акмал", "Ботир", "Нодир", "Санжар", "Ўткир", "Ғайрат", "Қаҳрамон",
    ),
    "TJ": (
        "Фаррух", "Далер", "Рустам", "Суҳроб", "Беҳруз", "Комрон", "Ҷамшед", "Фирдавс",
        "Шаҳром", "Манучеҳр", "Икром", "Абдулло", "Хуршед", "Наврӯз", "Парвиз", "Зафар",
        "Баҳром", "Умед", "Шерали", "Муҳаммад",
    ),
    "KG": (
        "Бакыт", "Нурлан", "Азамат", "Эрлан", "Айбек", "Талант", "Мирлан", "Улан",
        "Бектур", "Эрмек", "Нурбек", "Канат", "Темирлан", "Адилет", "Жоомарт", "Алмаз",
        "Бекжан", "Кубаныч", "Марат", "Эмиль",
    ),
    "KZ": (
        "Ерлан", "Нұрсұлтан", "Данияр", "Асхат", "Бауыржан", "Марат", "Ерболат", "Айдос",
        "Ержан", "Асылбек", "Жандос", "Қуаныш", "Серік", "Нұржан", "Талғат", "Арман",
        "Дархан", "Берік", "Мұрат", "Ғалым",
    ),
    "RU": (
        "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван",
        "Михаил", "Николай", "Владимир", "Артём", "Денис", "Павел", "Роман", "Игорь",
        "Юрий", "Олег", "Виктор", "Константин",
    ),
}
# Family names, masculine form, native Cyrillic; ``feminine`` derives the other form.
FAMILY: dict[str, tuple[str, ...]] = {
    "UZ": (
        "Юсупов", "Каримов", "Раҳимов", "Турсунов", "Саидов", "Назаров", "Абдуллаев", "Исмоилов",
        "Эргашев", "Ҳасанов", "Умаров", "Алимов", "Мирзаев", "Холматов", "Неъматов", "Йўлдошев",
        "Рашидов", "Усмонов", "Муҳаммадиев", "Жўраев", "Тошматов", "Худойбердиев", "Файзуллаев",
        "Шарипов", "Қодиров", "Ғуломов",
    ),
    "TJ": (
        "Раҳимов", "Назаров", "Саидов", "Шарипов", "Давлатов", "Холов", "Сафаров", "Каримов",
        "Раҷабов", "Мирзоев", "Шарифзода", "Раҳмонов", "Иброҳимов", "Нуралиев", "Ғафуров",
        "Бобоев", "Қурбонов", "Сангинов", "Юсуфзода", "Азимов", "Маҳмадов", "Ҷӯраев",
        "Одинаев", "Ҳакимов",
    ),
    "KG": (
        "Абдыкадыров", "Токтогулов", "Осмонов", "Жумабаев", "Мамытов", "Асанов", "Турдубаев",
        "Сыдыков", "Бакиев", "Молдокматов", "Садыров", "Эсенов", "Кадыров", "Муратбеков",
        "Токтосунов", "Абдыраев", "Жээнбеков", "Исаков", "Орозбаев", "Сатыбалдиев",
    ),
    "KZ": (
        "Ахметов", "Жұмабеков", "Нұрланов", "Ысқақов", "Омаров", "Сейтқазиев", "Қасымов",
        "Әбенов", "Төлегенов", "Сұлтанов", "Есенов", "Бекмұханов", "Жақыпов", "Кенжебаев",
        "Смағұлов", "Мұқашев", "Ибраев", "Оспанов", "Байжанов", "Садықов",
    ),
    "RU": (
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
        "Павлов", "Козлов", "Степанов", "Николаев",
    ),
}
# fmt: on

# --- Scripts.

# Letters of the Central Asian Cyrillic alphabets, as a Russian-language form writes them.
# fmt: off
_RUSSIFY = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ў": "у", "ҳ": "х", "ӣ": "и", "ӯ": "у", "ҷ": "дж",
}
# fmt: on
_RUSSIFY.update({k.upper(): v.capitalize() for k, v in list(_RUSSIFY.items())})
_RUSSIFY_TABLE = str.maketrans(_RUSSIFY)


@functools.lru_cache(maxsize=65536)
def russify(text: str) -> str:
    """The name as Russian-language documents write it: ``Ҳасанов`` -> ``Хасанов``."""
    return text.translate(_RUSSIFY_TABLE)


_VOWELS = set("аеёиоуыэюяәөұүіӯӣў")
# Words of a patronymic that stay in lower case: ``Rustam qizi``, ``Bakyt uulu``.
_PARTICLES = frozenset({"қизи", "ўғли", "кизи", "угли", "кызы", "уулу"})
# fmt: off
_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    "ў": "u", "ҳ": "kh", "ӣ": "i", "ӯ": "u", "ҷ": "dzh",
}
# Each scheme overrides the passport (ICAO 9303) table; "ye" marks е after a vowel or initially.
_SCHEMES: dict[str, dict[str, str]] = {
    "passport": {},
    "english": {
        "й": "y", "ю": "yu", "я": "ya", "ё": "yo", "ъ": "", "ye": "ye", "ий$": "iy", "дж": "dzh",
    },
    "informal": {
        "х": "h", "ҳ": "h", "ж": "j", "дж": "j", "ҷ": "j", "й": "y", "ю": "yu", "я": "ya",
        "ё": "yo", "ъ": "", "щ": "sch", "ий$": "y",
    },
    "uzbek": {
        "х": "x", "ҳ": "h", "ж": "j", "дж": "j", "ҷ": "j", "й": "y", "ю": "yu", "я": "ya",
        "ё": "yo", "ye": "ye", "ц": "s", "щ": "sh", "ы": "i", "ў": "o'", "қ": "q", "ғ": "g'",
        "ъ": "'", "ь": "", "ий$": "iy",
    },
    "j-style": {"й": "j", "ю": "ju", "я": "ja", "ё": "jo", "ye": "je", "ъ": "", "ий$": "ij"},
    "german": {
        "й": "j", "ю": "ju", "я": "ja", "ё": "jo", "ye": "je", "ж": "sh", "ш": "sch",
        "ч": "tsch", "х": "ch", "ҳ": "ch", "ц": "z", "щ": "schtsch", "в": "w", "з": "s",
        "ъ": "", "ий$": "ij",
    },
}
# fmt: on
SCHEMES = tuple(_SCHEMES)
# How often each spelling style is met for names of each nationality (weights).
SCHEME_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    "UZ": (
        ("uzbek", 0.4),
        ("passport", 0.25),
        ("informal", 0.2),
        ("english", 0.1),
        ("j-style", 0.05),
    ),
    "TJ": (("passport", 0.4), ("informal", 0.3), ("english", 0.25), ("j-style", 0.05)),
    "KG": (("passport", 0.45), ("english", 0.3), ("informal", 0.2), ("j-style", 0.05)),
    "KZ": (("passport", 0.5), ("english", 0.3), ("informal", 0.15), ("j-style", 0.05)),
    "RU": (("passport", 0.45), ("english", 0.35), ("german", 0.1), ("j-style", 0.1)),
}


def _word_latin(word: str, table: dict[str, str]) -> str:
    out: list[str] = []
    lower = word.lower()
    i = 0
    while i < len(lower):
        char = lower[i]
        rest = lower[i:]
        if rest.startswith("дж") and "дж" in table:
            out.append(table["дж"])
            i += 2
            continue
        if rest in ("ий", "ый") and "ий$" in table:
            out.append(table["ий$"] if rest == "ий" else "y")
            break
        if char == "е" and (i == 0 or lower[i - 1] in _VOWELS or lower[i - 1] in "ьъ"):
            out.append(table.get("ye", "e"))
        elif char in table:
            out.append(table[char])
        else:
            out.append(_BASE.get(char, char))
        i += 1
    text = "".join(out)
    return text if lower in _PARTICLES else text[:1].upper() + text[1:]


@functools.lru_cache(maxsize=65536)
def latin(text: str, scheme: str) -> str:
    """``text`` (Cyrillic) in the Latin spelling of ``scheme``, each word capitalized."""
    table = _SCHEMES[scheme]
    return re.sub(r"[^\s-]+", lambda m: _word_latin(m.group(0), table), text)


def latin_variants(text: str, nationality: str) -> list[str]:
    """Distinct Latin spellings of ``text`` met for ``nationality``, the commonest first."""
    seen: list[str] = []
    for scheme, _weight in SCHEME_WEIGHTS[nationality]:
        value = latin(text, scheme)
        if value not in seen:
            seen.append(value)
    return seen


# fmt: off
_UZ_LATIN_DIGRAPHS = (
    ("o‘", "ў"), ("o'", "ў"), ("oʻ", "ў"), ("o’", "ў"), ("g‘", "ғ"), ("g'", "ғ"), ("gʻ", "ғ"),
    ("g’", "ғ"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"), ("yu", "ю"), ("ya", "я"), ("ye", "е"),
)
_UZ_LATIN_LETTERS = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з", "’": "ъ", "'": "ъ", "ʼ": "ъ",
    "c": "с", "w": "в",
}
# fmt: on


def uzbek_cyrillic(text: str) -> str:
    """Uzbek Latin to Uzbek Cyrillic (for names that come in Latin): ``Sa’diya`` -> ``Саъдия``."""
    words = []
    for word in text.split():
        lower = word.lower()
        out: list[str] = []
        i = 0
        while i < len(lower):
            for latin_pair, cyrillic in _UZ_LATIN_DIGRAPHS:
                if lower.startswith(latin_pair, i):
                    out.append(cyrillic)
                    i += len(latin_pair)
                    break
            else:
                char = lower[i]
                out.append("э" if char == "e" and i == 0 else _UZ_LATIN_LETTERS.get(char, char))
                i += 1
        converted = "".join(out)
        words.append(converted[:1].upper() + converted[1:])
    return " ".join(words)


# --- Forms.


def feminine(family: str) -> str:
    """The feminine form of a family name: ``Юсупов`` -> ``Юсупова``; ``-зода`` stays."""
    if family.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return family + "а"
    if family.endswith("ский"):
        return family[:-2] + "ая"
    return family


def patronymic_russian(father: str, *, female: bool) -> str:
    """``Рустам`` -> ``Рустамович`` / ``Рустамовна``; ``Сергей`` -> ``Сергеевич``."""
    base = father
    lower = father.lower()
    if lower.endswith("ий"):
        # Юрий -> Юрьевич, but Дмитрий -> Дмитриевич after two consonants.
        base = father[:-2]
        suffix = "иев" if len(base) > 1 and base[-2].lower() not in _VOWELS else "ьев"
    elif lower.endswith(("й", "ь")):
        base, suffix = father[:-1], "ев"
    elif lower[-1:] in _VOWELS or lower[-1:] in "жшчщц":
        suffix = "ев"
    else:
        suffix = "ов"
    return base + suffix + ("на" if female else "ич")


def patronymic_native(father: str, nationality: str, *, female: bool) -> str:
    """The patronymic in the nationality's own form, where it has one.

    Uzbek ``Рустам қизи`` / ``Рустам ўғли``, Kazakh ``Серікқызы`` / ``Серікұлы``, Kyrgyz
    ``Бакыт кызы`` / ``Бакыт уулу``; Tajik and Russian names use the Russian form.
    """
    if nationality == "UZ":
        return f"{father} {'қизи' if female else 'ўғли'}"
    if nationality == "KZ":
        return father + ("қызы" if female else "ұлы")
    if nationality == "KG":
        return f"{father} {'кызы' if female else 'уулу'}"
    return patronymic_russian(father, female=female)


# --- Places, for addresses (native Cyrillic) and exploitation.

# fmt: off
CITIES: dict[str, tuple[str, ...]] = {
    "UZ": (
        "Тошкент", "Самарқанд", "Фарғона", "Андижон", "Наманган", "Бухоро", "Қарши", "Нукус",
        "Жиззах", "Термиз", "Урганч", "Навоий",
    ),
    "TJ": (
        "Душанбе", "Хуҷанд", "Кӯлоб", "Бохтар", "Истаравшан", "Панҷакент", "Турсунзода",
        "Ваҳдат",
    ),
    "KG": ("Бишкек", "Ош", "Жалал-Абад", "Каракол", "Токмок", "Нарын", "Талас", "Баткен", "Өзгөн"),
    "KZ": (
        "Алматы", "Астана", "Шымкент", "Қарағанды", "Ақтөбе", "Тараз", "Павлодар", "Түркістан",
        "Қызылорда", "Семей",
    ),
    "RU": ("Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань", "Самара"),
}
STREETS: dict[str, tuple[str, ...]] = {
    "UZ": ("Навоий", "Мустақиллик", "Амир Темур", "Бобур", "Улуғбек", "Бунёдкор", "Фурқат"),
    "TJ": ("Рӯдакӣ", "Исмоили Сомонӣ", "Айнӣ", "Шотемур", "Бохтар", "Сино", "Ҷомӣ"),
    "KG": ("Манас", "Чүй", "Токтогул", "Ахунбаев", "Айтматов", "Курманжан Датка", "Киев"),
    "KZ": ("Абай", "Төле би", "Достық", "Жамбыл", "Сәтпаев", "Райымбек", "Әуезов"),
    "RU": ("Ленина", "Мира", "Гагарина", "Садовая", "Пушкина", "Советская", "Лесная"),
}
# Cities where people are exploited, by country (plain statistical text, in English).
EXPLOITATION_CITIES: dict[str, tuple[str, ...]] = {
    "KZ": ("Almaty", "Astana", "Shymkent", "Aktau", "Atyrau", "Karaganda"),
    "RU": ("Moscow", "Saint Petersburg", "Yekaterinburg", "Novosibirsk", "Kazan", "Krasnodar"),
    "TR": ("Istanbul", "Antalya", "Ankara", "Izmir", "Bursa"),
    "AE": ("Dubai", "Abu Dhabi", "Sharjah", "Ajman"),
    "KR": ("Seoul", "Incheon", "Busan", "Ansan", "Hwaseong"),
}
# Mobile prefixes after the country code, so generated numbers are valid for their country.
PHONE_PREFIXES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "UZ": ("+998", ("90", "91", "93", "94", "95", "97", "98", "99", "33", "88"), 7),
    "TJ": ("+992", ("90", "91", "92", "93", "98", "88", "55", "50", "77"), 7),
    "KG": ("+996", ("700", "701", "705", "555", "557", "770", "777", "220", "500", "550"), 6),
    "KZ": ("+7", ("700", "701", "702", "705", "707", "747", "771", "775", "777", "778"), 7),
    "RU": ("+7", ("903", "905", "909", "915", "916", "925", "926", "965", "977", "985"), 7),
}
LANGUAGES = {"UZ": "uz", "TJ": "tg", "KG": "ky", "KZ": "kk", "RU": "ru"}
# fmt: on
