"""What the person reads: the wordings the translation review found wrong never come back, every
Yes/No question is asked positively, and the child questionnaire speaks to a child.

Checked on the newest version of each questionnaire (the one a new screening uses) and on the
self-answer screens. Older versions stay as they were: they are what past screenings asked.
"""

from __future__ import annotations

import re

import pytest

from opennrm.screening.loader import LANGUAGES, person_texts, read_definitions
from tests.screening.helpers import ADULT_LABOUR, ADULT_SEXUAL, CHILD_LABOUR, FORCED_LABOUR

CODES = (ADULT_LABOUR, ADULT_SEXUAL, CHILD_LABOUR, FORCED_LABOUR)


def newest() -> list[dict]:
    by_code: dict[str, dict] = {}
    for _name, data, _hash in read_definitions():
        if data["version"] > by_code.get(data["code"], {}).get("version", 0):
            by_code[data["code"]] = data
    assert set(by_code) == set(CODES)
    return list(by_code.values())


def questions(language: str, code: str | None = None) -> list[tuple[str, str]]:
    """(where, text) of every question in ``language`` of the newest versions."""
    return [
        (f"{data['code']} v{data['version']} {item['code']}", item["question"][language])
        for data in newest()
        if code is None or data["code"] == code
        for item in data["indicators"]
    ]


def everything(language: str) -> list[tuple[str, str]]:
    """Every text in ``language`` a person or a worker reads: questions, indicator names,
    dimension titles, titles and notes of the newest versions, and the self-answer screens."""
    texts = []
    for data in newest():
        where = f"{data['code']} v{data['version']}"
        texts += [(f"{where} title", data["title"][language])]
        texts += [(f"{where} note", data["note"][language])]
        texts += [(f"{where} {d['code']}", d["title"][language]) for d in data["dimensions"]]
        for item in data["indicators"]:
            texts.append((f"{where} {item['code']} label", item["label"][language]))
            texts.append((f"{where} {item['code']}", item["question"][language]))
    texts += [(f"screen {key}", value[language]) for key, value in person_texts().items()]
    return texts


# --- Wordings the review found wrong.

# Everywhere in the language: offensive or wrong words.
FORBIDDEN_EVERYWHERE = {
    "kk": [r"Рақмет", r"Жолсерік", r"Зорлықшы"],
    # «hokimiyat» is "the authorities" of a province (the hokim's office): use «davlat idoralari».
    "uz-latn": [r"(?i)hokimiyat", r"(?i)fohishaboz"],
    "ru": [r"Насильник", r"Высшее полученное"],
}
# In what the person reads (questions and screens): «вербовать» sounds like enlisting a spy or a
# soldier; the person was offered a job («предлагать работу»).
FORBIDDEN_FOR_THE_PERSON = {"ru": [r"(?i)вербов"]}


@pytest.mark.parametrize("language", sorted(FORBIDDEN_EVERYWHERE))
def test_no_forbidden_wording_in_any_text(language: str) -> None:
    found = [
        (where, pattern)
        for where, text in everything(language)
        for pattern in FORBIDDEN_EVERYWHERE[language]
        if re.search(pattern, text)
    ]
    assert not found, found


def test_no_forbidden_wording_in_what_the_person_reads() -> None:
    screens = [(f"screen {k}", v["ru"]) for k, v in person_texts().items()]
    found = [
        (where, text)
        for where, text in [*questions("ru"), *screens]
        for pattern in FORBIDDEN_FOR_THE_PERSON["ru"]
        if re.search(pattern, text)
    ]
    assert not found, found


def test_the_person_is_offered_a_job_and_fears_the_state_bodies() -> None:
    """The replacements the review asked for are where the old words were."""
    ru = dict(questions("ru", ADULT_LABOUR))
    assert "предложил вам работу" in ru[f"{ADULT_LABOUR} v2 d3_beliefs"]
    assert "Когда вам предлагали работу" in ru[f"{ADULT_LABOUR} v2 d2_violence"]
    uz = dict(questions("uz-latn", ADULT_LABOUR))
    assert "davlat idoralari" in uz[f"{ADULT_LABOUR} v2 d6_authorities"]
    assert person_texts()["done_title"]["kk"] == "Рахмет"


# --- Yes/No questions asked positively.

# A question the person answers Yes or No must not be negative ("Were you not able to…?"):
# "No" to a negative question is ambiguous. Subordinate clauses may still say "not".
NEGATIVE = {
    "en": [
        r"^(?:\w+\s+){0,3}(?:did|were|was|could|do|are|have|had|can)\s+you\s+not\b",
        r"\b(?:didn't|wasn't|weren't|couldn't|can't|don't|haven't|hadn't)\b",
        r"\b(?:unable|not able)\b",
        r"\b(?:it|you|they)\s+did\s+not\?$",
        r"\bdid not happen\b",
        r"\bwas it not\b",
    ],
    "ru": [
        r"^(?:[\w-]+,?\s+){0,3}не\s",  # «Вы не могли…», «Из-за работы вам не давали…»
        r"\bне\s+\w+\s+ли\b",  # «не могли ли вы…»
        r"\b(?:а|но)\s+(?:этого|её|его|их)\s+не\b",  # «…, а этого не случилось?»
        r",\s*не\s+(?:давали|разрешали|пускали|платили)\b",  # «…, не давали общаться…»
        r"\bили\s+не\s+(?:платили|давали|разрешали|выплачивали)\b",
        r"\bне\s+такими\b",
    ],
    # A negated verb (-ма/-ме/-ба/-бе/-па/-пе) asked with the question particle, or "unable".
    "kk": [
        r"\w+(?:ма|ме|ба|бе|па|пе)(?:ды|ді|дыңыз|діңіз|дың|дің)\s+(?:ма|ме|ба|бе|па|пе)\b",
        r"\bалмай\b",
        r"\bемес\s+еді\?",
        r"\bболмай\s+шықты\b",
    ],
    # A negated past verb asked with -mi, "unable" (olmay), "was it not" (emasmidi), "is there no".
    "uz-latn": [
        r"\w+madi\w*mi\b",
        r"\bolmay\b",
        r"\bemasmidi\b",
        r"\byoʻqmi(?:di)?\b",
    ],
}

# What the review found, in each language: the patterns must catch them.
FOUND_BY_THE_REVIEW = {
    "en": [
        "Could you not arrange the trip yourself (papers, tickets, money)?",
        "Did you not know the place or the language there?",
        "Were you unable to see a doctor or get health care when you needed it?",
        "Were you promised a chance to study, and it did not happen?",
    ],
    "ru": [
        "Вы не могли сами организовать поездку?",
        "Вам обещали возможность учиться, а её не оказалось?",
        "Из-за работы вам не давали ходить в школу или на курсы?",
        "Вас запирали, не разрешали выходить без сопровождения?",
        "Вам платили очень мало или не платили совсем?",
    ],
    "kk": [
        "Қажет кезде дәрігерге бара алмадыңыз ба?",
        "Сапарды өзіңіз ұйымдастыра алмай, жалдаушыға тәуелді болдыңыз ба?",
        "Сізге оқу мүмкіндігі уәде етіліп, ол болмады ма?",
        "Жұмысқа байланысты мектепке бара алмадыңыз ба?",
    ],
    "uz-latn": [
        "Kerak boʻlganda shifokorga bora olmadingizmi?",
        "Sizga oʻqish imkoniyati vaʼda qilinib, u boʻlmadimi?",
        "Safarni oʻzingiz tashkil qila olmay, yollovchiga qaram boʻlib qoldingizmi?",
        "Yoʻlda boshqa odamlar bilan gaplashishingizga yoʻl qoʻyishmadimi?",
    ],
}


def negative(language: str, text: str) -> list[str]:
    return [p for p in NEGATIVE[language] if re.search(p, text, re.IGNORECASE)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_patterns_catch_what_the_review_found(language: str) -> None:
    assert all(negative(language, text) for text in FOUND_BY_THE_REVIEW[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_yes_no_question_is_asked_positively(language: str) -> None:
    found = [(where, text) for where, text in questions(language) if negative(language, text)]
    assert not found, "\n".join(f"{where}: {text}" for where, text in found)


# --- The child questionnaire speaks to a child.

# Adult matters that have no place in questions to a child.
ADULT_TOPICS = {
    "en": [
        r"\bvisas?\b",
        r"\bwork permit",
        r"\bregistration\b",
        r"\bdebts?\b",
        r"\bowe[ds]?\b",
        r"\bspouse",
        r"\bhusband",
        r"\bwife\b",
        r"\bpartner",
        r"\bcontract",
        r"\binsurance",
        r"\blabour law",
        r"\blegal status",
        r"\bpregnan",
        r"\bprison",
        r"\bclients?\b",
        r"\brecruit",
        r"\bemployer",
        r"\bdeport",
    ],
    "ru": [
        r"\bвиз[аыу]?\b",
        r"разрешени[ея] на работу",
        r"регистрац",
        r"\bдолг(?:и|а|ов|ом|у)?\b",
        r"задолж",
        r"супруг",
        r"\bмуж(?:а|ем|у)?\b",
        r"\bжен(?:а|ой|у|ы)\b",
        r"партн[её]р",
        r"\bдоговор(?:а|ом|у)?\b",
        r"страхов",
        r"правов",
        r"беремен",
        r"тюрьм",
        r"клиент",
        r"вербов",
        r"работодател",
        r"депортац",
    ],
    "kk": [
        r"виза",
        r"жұмысқа рұқсат",
        r"тіркеу",
        r"қарыз",
        r"жұбай",
        r"күйеу",
        r"серіктес",
        r"шарт",
        r"сақтандыру",
        r"мәртебе",
        r"жүкті",
        r"түрме",
        r"клиент",
        r"жалда",
        r"жұмыс беруші",
        r"депорт",
    ],
    "uz-latn": [
        r"viza",
        r"ruxsatnoma",
        r"roʻyxatdan",
        r"qarz",
        r"turmush oʻrtogʻ",
        r"xotin",
        r"shartnoma",
        r"sugʻurta",
        r"maqom",
        r"homilador",
        r"qamoq",
        r"mijoz",
        r"yolla",
        r"ish beruvchi",
        r"deport",
    ],
}
# The child is spoken to as "ты" / "сен" / "sen", never as "вы" / "сіз" / "siz".
FORMAL = {
    "ru": r"\b(?:вы|вас|вам|вами|ваш\w*)\b",
    "kk": r"\b[Сс]із\w*|\w+(?:ыңыз|іңіз)\w*",
    "uz-latn": r"\b[Ss]iz\w*|\w+ingiz\w*",
}
# A "you" pronoun, a word with the informal "your" (kk -ың, uz -ing) before its case ending, or
# (Uzbek) a verb in the informal second person.
INFORMAL = {
    "ru": r"\b(?:ты|тебя|тебе|тобой|тво[йяеёи]\w*)\b",
    "kk": r"\b(?:сен|сені|саған|сенің|сенен|сенімен)\b"
    r"|\w+(?:ың|ің|ң)(?:ды|ді|ға|ге|да|де|дан|ден|нан|нен|мен|ны|ні|а|е|нда|нде)?\b",
    "uz-latn": r"\b(?:sen|seni|senga|sening|sendan)\b|\w+(?:ing|ng)(?:ni|ga|da|dan|ning)?\b"
    r"|\w+(?:ding|sang|san)(?:mi)?\b",  # and the informal verb: bording, qolsang, borasan
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_child_questionnaire_leaves_out_adult_matters(language: str) -> None:
    found = [
        (where, pattern)
        for where, text in questions(language, CHILD_LABOUR)
        for pattern in ADULT_TOPICS[language]
        if re.search(pattern, text, re.IGNORECASE)
    ]
    assert not found, found


@pytest.mark.parametrize("language", sorted(FORMAL))
def test_the_child_questionnaire_speaks_to_the_child_informally(language: str) -> None:
    for where, text in questions(language, CHILD_LABOUR):
        assert not re.search(FORMAL[language], text), (where, text)
        assert re.search(INFORMAL[language], text, re.IGNORECASE), (where, text)
    # And so do the screens around the questions.
    for key in ("title", "intro", "done", "stopped"):
        text = person_texts()[f"{key}.child"][language]
        assert not re.search(FORMAL[language], text), (key, text)


def test_the_child_questionnaire_still_covers_every_child_indicator() -> None:
    """Simpler words, the same 65 ILO/EC child indicators: debt bondage, documents, forced
    marriage and the rest are asked about in a child's words."""
    (child,) = [data for data in newest() if data["code"] == CHILD_LABOUR]
    assert len(child["indicators"]) == 65
    en = {item["code"]: item["question"]["en"] for item in child["indicators"]}
    assert "pay them back" in en["d2_debt"] and "pay someone back" in en["d5_debt"]
    assert "passport" in en["d5_documents"] and "married" in en["d2_abduction"]
    assert "school" in en["d4_no_education"]
