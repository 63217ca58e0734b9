"""Invented people: who they are, their stories, and the records organizations made of them.

Functions of (seed, batch index) alone, so any process makes the same batch: a batch's persons
are ``generate_batch(plan)``. Names are Russian, Kazakh, Uzbek, Kyrgyz and Tajik, in Cyrillic and
in the Latin spellings people carry (``population_names``); a known share of the records are
further records of a person of the same batch, spelt differently or with fields missing.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from opennrm.cases.choices import (
    CaseStatus,
    DecisionMakingOrganization,
    ExploitationType,
    ForcedLabourIndustry,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    RelationshipToTrafficker,
    SexExploitationType,
    TraffickingStatus,
)
from opennrm.matching.names import index_keys, script_of
from opennrm.people.models import Gender
from opennrm.people.services import age_band_for, phone_token

from . import population_names as pn

# --- Statistics of the population (weights, not probabilities: they need not add up to 1).


class Weighted:
    """A weighted choice, prepared once: ``Weighted((value, weight), ...).pick(rng)``."""

    def __init__(self, *pairs: tuple[Any, float]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))
        self.last = len(self.values) - 1

    def pick(self, rng: random.Random) -> Any:
        point = rng.random() * self.cumulative[-1]
        return self.values[min(bisect.bisect_right(self.cumulative, point), self.last)]


FIRST_YEAR = 2004
CITIZENSHIP = Weighted(("UZ", 34), ("TJ", 20), ("KG", 18), ("KZ", 16), ("RU", 12))
SCHEMES = {nationality: Weighted(*pairs) for nationality, pairs in pn.SCHEME_WEIGHTS.items()}
FAKER_SHARE = {"RU": 0.5, "UZ": 0.3}  # names from Faker's lists, for a longer tail of names
LATIN_SHARE = {"UZ": 0.65}  # records written in Latin, by the organization's country
LATIN_SHARE_ELSEWHERE = 0.3
# Mostly women for sexual exploitation, men for forced labour in construction and agriculture.
WOMEN_EXPLOITED_IN = Weighted(("RU", 25), ("KZ", 25), ("TR", 25), ("AE", 20), ("KR", 5))
MEN_EXPLOITED_IN = Weighted(("RU", 45), ("KZ", 30), ("KR", 15), ("TR", 7), ("AE", 3))
WOMEN_EXPLOITATION = Weighted(
    (ExploitationType.SEXUAL, 60),
    (ExploitationType.FORCED_LABOUR, 25),
    (ExploitationType.FORCED_MARRIAGE, 5),
    (ExploitationType.SERVITUDE, 5),
    (ExploitationType.FORCED_BEGGING, 3),
    (ExploitationType.OTHER, 2),
)
MEN_EXPLOITATION = Weighted(
    (ExploitationType.FORCED_LABOUR, 85),
    (ExploitationType.SERVITUDE, 5),
    (ExploitationType.FORCED_BEGGING, 4),
    (ExploitationType.SEXUAL, 3),
    (ExploitationType.OTHER, 3),
)
WOMEN_INDUSTRY = Weighted(
    (ForcedLabourIndustry.T, 40),
    (ForcedLabourIndustry.A, 25),
    (ForcedLabourIndustry.I, 20),
    (ForcedLabourIndustry.C, 15),
)
MEN_INDUSTRY = Weighted(
    (ForcedLabourIndustry.F, 55),
    (ForcedLabourIndustry.A, 25),
    (ForcedLabourIndustry.C, 10),
    (ForcedLabourIndustry.H, 5),
    (ForcedLabourIndustry.G, 5),
)
SEX_EXPLOITATION = Weighted(
    (SexExploitationType.PROSTITUTION, 80),
    (SexExploitationType.PRIVATE, 10),
    (SexExploitationType.REMOTE, 6),
    (SexExploitationType.PORNOGRAPHY, 4),
)
ONLINE_RECRUITMENT = Weighted(
    (RecruitmentMethod.SOCIAL_NETWORKS, 60), (RecruitmentMethod.ONLINE_ADVERT, 40)
)
OFFLINE_RECRUITMENT = Weighted(
    (RecruitmentMethod.FRIENDS, 40),
    (RecruitmentMethod.FAMILY, 20),
    (RecruitmentMethod.PLACE_OF_BUSINESS, 15),
    (RecruitmentMethod.NEWSPAPER, 10),
    (RecruitmentMethod.AT_WORK, 10),
    (RecruitmentMethod.OTHER, 5),
)
PLATFORMS = [
    str(p)
    for p in (
        RecruitmentPlatform.TELEGRAM,
        RecruitmentPlatform.WHATSAPP,
        RecruitmentPlatform.INSTAGRAM,
        RecruitmentPlatform.FACEBOOK,
        RecruitmentPlatform.TIKTOK,
        RecruitmentPlatform.OTHER,
    )
]
RELATIONSHIP = Weighted(
    (RelationshipToTrafficker.ACQUAINTED, 55),
    (RelationshipToTrafficker.UNACQUAINTED, 35),
    (RelationshipToTrafficker.FAMILIAL, 10),
)
CONTROLS = list(MethodOfControl.values)
PERPETRATOR_ROLES = list(PerpetratorRole.values)
# Case status by how long ago the case was opened: more than 2 years, 1-2 years, this year.
STATUS_OLD = Weighted(
    (CaseStatus.CLOSED, 70),
    (CaseStatus.CLOSED_REFERRED, 15),
    (CaseStatus.FOLLOW_UP, 10),
    (CaseStatus.ACTIVE, 5),
)
STATUS_LAST_YEAR = Weighted(
    (CaseStatus.CLOSED, 40),
    (CaseStatus.CLOSED_REFERRED, 10),
    (CaseStatus.FOLLOW_UP, 30),
    (CaseStatus.ACTIVE, 20),
)
STATUS_RECENT = Weighted(
    (CaseStatus.ACTIVE, 60), (CaseStatus.FOLLOW_UP, 25), (CaseStatus.CLOSED, 15)
)
CLOSED = frozenset({CaseStatus.CLOSED.value, CaseStatus.CLOSED_REFERRED.value})
TRAFFICKING_STATUS = Weighted(
    (TraffickingStatus.ACTUAL, 50),
    (TraffickingStatus.POSSIBLE, 40),
    (TraffickingStatus.NOT_A_VICTIM, 10),
)
DECIDED_BY = Weighted(
    (DecisionMakingOrganization.POLICE, 40),
    (DecisionMakingOrganization.NGO, 30),
    (DecisionMakingOrganization.GOVERNMENT, 20),
    (DecisionMakingOrganization.COURT, 10),
)
ADULT_MARITAL_STATUS = Weighted(
    ("Single", 35), ("Married", 30), ("Divorced", 20), ("Widowed", 8), ("Separated", 7)
)
ADULT_EDUCATION = Weighted(
    ("PrimaryEducation", 10),
    ("LowerSecondaryEducation", 25),
    ("UpperSecondaryEducation", 40),
    ("PostSecondaryNonTertiaryEducation", 15),
    ("BachelorsOrEquivalentLevel", 10),
)
CLOSURE_REASONS = (
    "Reintegrated in the home country",
    "Returned home; follow-up by a partner organization",
    "Referred to a shelter in the home country",
    "Contact lost",
    "The person declined further assistance",
    "Support plan completed",
)


@dataclass(frozen=True)
class OrganizationPlan:
    """What a worker process needs of an organization (ids stay in the main process)."""

    country: str
    weight: float
    case_workers: int


@dataclass(frozen=True)
class BatchPlan:
    seed: int
    index: int
    size: int
    duplicate_share: float
    organizations: tuple[OrganizationPlan, ...]
    today: date


class Record(NamedTuple):
    """One generated person and its case, as the services would store them."""

    person_uuid: uuid.UUID
    identity: str
    organization: int  # index into the plan's organizations
    owner: int  # index among the organization's case workers
    team: int | None
    person: dict[str, Any]  # the Person field values as stored
    tokens: list[str]  # name tokens
    phone_tokens: list[str]
    case: dict[str, Any]


def person_input(stored: dict[str, Any]) -> dict[str, Any]:
    """The input ``person_apply`` takes for a generated person's stored values."""
    data = {k: v for k, v in stored.items() if k not in ("age_band", "is_minor", "held_under")}
    data["names"] = [n["value"] for n in stored["names"]]
    return data


@dataclass
class _Identity:
    """The true person behind one or more records."""

    key: str
    nationality: str
    gender: str
    female: bool
    given: str
    family: str
    patronymic_russian: str
    patronymic_native: str
    birth: date
    phone: str
    passport: str
    address: tuple[str, str, int]
    address_ru: str
    languages: list[str]
    marital_status: str
    education: str
    children: int | None
    first_opened: date
    story: dict[str, Any] = field(default_factory=dict)


# --- Generation: functions of (seed, batch index) alone, run in worker processes.

_faker: Any = None


def _faker_for(seed: int) -> Any:
    global _faker
    if _faker is None:
        from faker import Faker

        _faker = Faker(["ru_RU", "uz_UZ"])
    _faker.seed_instance(seed)
    return _faker


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randrange(10**count)).zfill(count)


def _phone(rng: random.Random, country: str) -> str:
    code, prefixes, digits = pn.PHONE_PREFIXES[country]
    return code + rng.choice(prefixes) + _digits(rng, digits)


def _passport(rng: random.Random, country: str) -> str:
    digits = _digits(rng, 7)
    if country == "UZ":
        return rng.choice(("AA", "AB", "AC", "AD", "FA")) + digits
    if country == "KG":
        return rng.choice(("AC", "AN", "ID")) + digits
    if country == "KZ":
        return "N" + _digits(rng, 8)
    if country == "TJ":
        return rng.choice(("40", "50")) + digits
    return rng.choice(("72", "75", "76")) + digits


def _years(today: date) -> Weighted:
    """Opening years 2004 to this year, more cases in later years; this year in part."""
    pairs = []
    for year in range(FIRST_YEAR, today.year + 1):
        weight = 1 + 0.12 * (year - FIRST_YEAR)
        if year == today.year:
            weight *= today.timetuple().tm_yday / 365
        pairs.append((year, weight))
    return Weighted(*pairs)


def _day_in(rng: random.Random, year: int, today: date) -> date:
    start = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    return start + timedelta(days=rng.randint(0, (last - start).days))


def _name_parts(rng: random.Random, fake: Any, nationality: str, female: bool) -> tuple[str, ...]:
    """(given, family, father's given name, Russian-form patronymic), native Cyrillic."""
    use_faker = rng.random() < FAKER_SHARE.get(nationality, 0)
    father = rng.choice(pn.GIVEN_MALE[nationality])
    if use_faker and nationality == "RU":
        ru = fake["ru_RU"]
        given = ru.first_name_female() if female else ru.first_name_male()
        family = ru.last_name_female() if female else ru.last_name_male()
        patronymic = ru.middle_name_female() if female else ru.middle_name_male()
        return given, family, father, patronymic
    if use_faker and nationality == "UZ":
        uz = fake["uz_UZ"]
        given = pn.uzbek_cyrillic(uz.first_name_female() if female else uz.first_name_male())
        family = pn.uzbek_cyrillic(uz.last_name_male())
    else:
        given = rng.choice((pn.GIVEN_FEMALE if female else pn.GIVEN_MALE)[nationality])
        family = rng.choice(pn.FAMILY[nationality])
    if female:
        family = pn.feminine(family)
    return given, family, father, pn.patronymic_russian(father, female=female)


def _identity(rng: random.Random, fake: Any, key: str, years: Weighted, today: date) -> _Identity:
    nationality = CITIZENSHIP.pick(rng)
    roll = rng.random()
    gender = "Feminine" if roll < 0.58 else "Masculine" if roll < 0.995 else Gender.UNKNOWN.value
    female = gender == "Feminine" or (gender == Gender.UNKNOWN and rng.random() < 0.5)
    given, family, father, patronymic_russian = _name_parts(rng, fake, nationality, female)
    patronymic_native = pn.patronymic_native(father, nationality, female=female)
    if nationality in ("KZ", "KG") and rng.random() < 0.1:
        # A family name made of the father's name (Серікқызы, Бакыт уулу), and no patronymic.
        family, patronymic_russian, patronymic_native = patronymic_native, "", ""
    opened = _day_in(rng, years.pick(rng), today)
    roll = rng.random()
    if roll < 0.02:
        age = rng.randint(8, 11)
    elif roll < 0.09:
        age = rng.randint(12, 17)
    else:
        age = int(rng.triangular(18, 56, 23))
    birth = opened - timedelta(days=age * 365 + rng.randint(1, 364))
    native_language = pn.LANGUAGES[nationality]
    if nationality == "RU":
        languages = ["ru"]
    else:
        languages = [native_language, "ru"] if rng.random() < 0.8 else [native_language]
    adult = age >= 18
    address_ru = fake["ru_RU"].address().replace("\n", ", ") if nationality == "RU" else ""
    return _Identity(
        key=key,
        nationality=nationality,
        gender=gender,
        female=female,
        given=given,
        family=family,
        patronymic_russian=patronymic_russian,
        patronymic_native=patronymic_native,
        birth=birth,
        phone=_phone(rng, nationality),
        passport=_passport(rng, nationality),
        address=(
            rng.choice(pn.CITIES[nationality]),
            rng.choice(pn.STREETS[nationality]),
            rng.randint(1, 120),
        ),
        address_ru=address_ru,
        languages=languages,
        marital_status=ADULT_MARITAL_STATUS.pick(rng) if adult else "Single",
        education=(
            ADULT_EDUCATION.pick(rng)
            if adult
            else rng.choice(("PrimaryEducation", "LowerSecondaryEducation"))
        ),
        children=min(8, int(rng.expovariate(0.8))) if adult else 0,
        first_opened=opened,
    )


def _story(rng: random.Random, who: _Identity) -> dict[str, Any]:
    """What happened to the person: the same in every record of them."""
    minor = (who.first_opened - who.birth).days < 18 * 365
    main = (WOMEN_EXPLOITATION if who.female else MEN_EXPLOITATION).pick(rng)
    types = [str(main)]
    industry = ""
    sex: list[str] = []
    if main == ExploitationType.FORCED_LABOUR:
        industry = str((WOMEN_INDUSTRY if who.female else MEN_INDUSTRY).pick(rng))
        if rng.random() < 0.15:
            types.append(ExploitationType.SERVITUDE.value)
    elif main == ExploitationType.SEXUAL:
        sex = [str(SEX_EXPLOITATION.pick(rng) if who.female else SexExploitationType.PROSTITUTION)]
    if minor and rng.random() < 0.5:
        types.insert(0, ExploitationType.CHILD_LABOUR.value)
    country = (WOMEN_EXPLOITED_IN if who.female else MEN_EXPLOITED_IN).pick(rng)
    transit: list[str] = []
    if rng.random() < 0.25:
        transit = [
            rng.choice([c for c in ("KZ", "RU", "KG") if c not in (who.nationality, country)])
        ]
    exited = who.first_opened - timedelta(days=rng.randint(0, 120))
    began = exited - timedelta(days=rng.randint(20, 900))
    recruited = began - timedelta(days=rng.randint(2, 60))
    online = rng.random() < 0.35
    method = (ONLINE_RECRUITMENT if online else OFFLINE_RECRUITMENT).pick(rng)
    return {
        "exploitation_types": types,
        "forced_labour_industry": industry,
        "sex_exploitation_types": sex,
        "methods_of_control": rng.sample(CONTROLS, rng.randint(2, 5)),
        "recruitment_methods": [str(method)],
        "recruitment_platforms": rng.sample(PLATFORMS, rng.randint(1, 2)) if online else [],
        "relationship_to_trafficker": str(RELATIONSHIP.pick(rng)) if rng.random() < 0.8 else "",
        "perpetrator_roles": rng.sample(PERPETRATOR_ROLES, rng.randint(1, 3)),
        "country_of_origin": who.nationality,
        "transit_countries": transit,
        "country_of_exploitation": country,
        "city_of_exploitation": rng.choice(pn.EXPLOITATION_CITIES[country]),
        "recruited_on": recruited,
        "exploitation_began_on": began,
        "exited_on": exited,
        "age_when_trafficked": (recruited - who.birth).days // 365,
    }


# Names repeat: their script is looked up once.
_script_of = functools.lru_cache(maxsize=65536)(script_of)


def _render(text: str, script: str, scheme: str) -> str:
    if not text:
        return ""
    if script == "Latn":
        return pn.latin(text, scheme)
    return text if scheme == "native" else pn.russify(text)


def _record(
    rng: random.Random,
    who: _Identity,
    *,
    nth: int,
    organization: int,
    plan: BatchPlan,
    opened_on: date,
    previous_script: str,
) -> Record:
    """One registration of ``who`` at an organization: its own script, spelling and gaps."""
    org = plan.organizations[organization]
    latin_share = LATIN_SHARE.get(org.country, LATIN_SHARE_ELSEWHERE)
    script = "Latn" if rng.random() < latin_share else "Cyrl"
    if nth and rng.random() < 0.5:
        script = "Cyrl" if previous_script == "Latn" else "Latn"
    if script == "Latn":
        scheme = SCHEMES[who.nationality].pick(rng)
    else:
        scheme = "native" if (org.country == who.nationality and rng.random() < 0.6) else "ru"
    # A later record of a person is thinner: taken in a hurry, or told from memory.
    gap = 0.15 if nth else 0.0

    def keep(p: float) -> bool:
        return rng.random() < p - gap

    given = _render(who.given, script, scheme)
    family = _render(who.family, script, scheme)
    patronymic = ""
    if who.patronymic_russian and keep(0.7 if script == "Cyrl" else 0.45):
        native_form = who.nationality in ("UZ", "KZ", "KG") and rng.random() < 0.5
        source = who.patronymic_native if native_form else who.patronymic_russian
        patronymic = _render(source, script, scheme)
    others: list[str] = []
    if script == "Cyrl" and rng.random() < 0.5:
        style = "uzbek" if who.nationality == "UZ" else "passport"
        others.append(f"{pn.latin(who.given, style)} {pn.latin(who.family, style)}")
    elif script == "Latn" and rng.random() < 0.35:
        others.append(f"{pn.russify(who.given)} {pn.russify(who.family)}")
    born = who.birth
    age_on_opening = (
        opened_on.year - born.year - ((opened_on.month, opened_on.day) < (born.month, born.day))
    )
    roll = rng.random()
    birth_date = birth_year = approximate_age = ""
    age: int | None = None
    if roll < 0.55 - gap:
        birth_date, age = born.isoformat(), age_on_opening
    elif roll < 0.80 - gap:
        birth_year, age = str(born.year), opened_on.year - born.year
    elif roll < 0.92:
        age = max(1, age_on_opening + rng.choice((-2, -1, 0, 0, 0, 1, 2)))
        approximate_age = str(age)
    documents = []
    if keep(0.55):
        documents = [
            {
                "type": "passport",
                "number": who.passport,
                "country": who.nationality,
                "status": "held_by_person",
            }
        ]
    phones: list[str] = []
    if keep(0.6):
        phones.append(who.phone if rng.random() < 0.7 else _phone(rng, who.nationality))
        if rng.random() < 0.1:
            phones.append(_phone(rng, who.nationality))
    address = ""
    if keep(0.5):
        if who.address_ru:
            address = who.address_ru if script == "Cyrl" else pn.latin(who.address_ru, "english")
        else:
            city, street, number = who.address
            if script == "Latn":
                address = f"{pn.latin(city, scheme)}, {pn.latin(street, scheme)} str., {number}"
            else:
                address = f"г. {city}, ул. {street}, д. {number}"
    person: dict[str, Any] = {
        "given_name": given,
        "family_name": family,
        "patronymic": patronymic,
        "names": [{"value": v, "script": _script_of(v)} for v in others],
        "birth_date": birth_date,
        "birth_year": birth_year,
        "approximate_age": approximate_age,
        "documents": documents,
        "phones": phones,
        "phone_kinds": {},  # a generated number has no kind, as many hand-typed ones have none
        "address": address,
        "address_parts": {},  # the generated address is one line, as hand-typed ones are
        "gender": who.gender if rng.random() < 0.99 else Gender.UNKNOWN.value,
        "citizenship": who.nationality if rng.random() < 0.98 else "",
        "other_citizenships": [],
        "languages": list(who.languages) if keep(0.8) else [],
        "marital_status": who.marital_status if keep(0.6) else "",
        "education": who.education if keep(0.5) else "",
        "number_of_children": who.children if keep(0.5) else None,
        "age_band": age_band_for(age),
        "is_minor": age is not None and age < 18,
        "held_under": {},  # the organization's own record: nothing came through a referral
    }
    tokens = sorted(index_keys(given=given, family=family, patronymic=patronymic, others=others))
    case = dict(who.story) if not nth else _thinner_story(rng, who.story)
    case.update(_case_state(rng, opened_on, plan.today))
    owner = _owners(org.case_workers).pick(rng)
    team = None
    if org.case_workers > 1 and rng.random() < 0.1:
        team = (owner + rng.randint(1, org.case_workers - 1)) % org.case_workers
    phone_tokens = sorted({phone_token(p) for p in phones})
    return Record(
        uuid.uuid4(), who.key, organization, owner, team, person, tokens, phone_tokens, case
    )


_OWNERS: dict[int, Weighted] = {}


def _owners(count: int) -> Weighted:
    """Case workers carry unequal case loads: the first the most."""
    if count not in _OWNERS:
        _OWNERS[count] = Weighted(*((i, 1 / (i + 1) ** 0.5) for i in range(count)))
    return _OWNERS[count]


def _thinner_story(rng: random.Random, story: dict[str, Any]) -> dict[str, Any]:
    """A later record of the same person: the same events, told with fewer details."""
    thinner = dict(story)
    if rng.random() < 0.4:
        thinner.update(recruited_on=None, exploitation_began_on=None, age_when_trafficked=None)
    if rng.random() < 0.4:
        thinner["exited_on"] = None
    for name in ("methods_of_control", "recruitment_platforms", "transit_countries"):
        if rng.random() < 0.4:
            thinner[name] = []
    if rng.random() < 0.4:
        thinner["city_of_exploitation"] = ""
    return thinner


def _case_state(rng: random.Random, opened_on: date, today: date) -> dict[str, Any]:
    age_days = (today - opened_on).days
    table = STATUS_OLD if age_days > 730 else STATUS_LAST_YEAR if age_days > 365 else STATUS_RECENT
    status = str(table.pick(rng))
    closed = status in CLOSED
    trafficking = str(TRAFFICKING_STATUS.pick(rng))
    decided_by = str(DECIDED_BY.pick(rng)) if trafficking != TraffickingStatus.POSSIBLE else ""
    return {
        "opened_on": opened_on,
        "status": status,
        "closed_on": opened_on + timedelta(days=rng.randint(0, min(age_days, 900)))
        if closed
        else None,
        "closure_reason": rng.choice(CLOSURE_REASONS) if closed else "",
        "trafficking_status": trafficking,
        "trafficking_status_decided_by": decided_by,
    }


def _group_sizes(rng: random.Random, size: int, duplicate_share: float) -> list[int]:
    """How many records each identity of the batch gets; extra records = round(share * size)."""
    extras = round(size * duplicate_share)
    groups: list[int] = []
    while extras > 0:
        k = 3 if extras >= 2 and rng.random() < 0.2 else 2
        groups.append(k)
        extras -= k - 1
    singles = size - sum(groups)
    if singles < 0:
        raise ValueError("the duplicate share is too high for the batch size")
    sizes = groups + [1] * singles
    rng.shuffle(sizes)
    return sizes


def generate_batch(plan: BatchPlan) -> list[Record]:
    """The records of one batch: a function of (seed, batch index) alone, in any process."""
    rng = random.Random(f"opennrm-population:{plan.seed}:{plan.index}")  # noqa: S311 - invented
    fake = _faker_for(rng.getrandbits(64))
    years = _years(plan.today)
    where = Weighted(*((i, o.weight) for i, o in enumerate(plan.organizations)))
    records: list[Record] = []
    for number, count in enumerate(_group_sizes(rng, plan.size, plan.duplicate_share)):
        who = _identity(rng, fake, f"{plan.seed}-{plan.index}-{number}", years, plan.today)
        who.story = _story(rng, who)
        first = where.pick(rng)
        others = [i for i in range(len(plan.organizations)) if i != first]
        places = [first, *rng.sample(others, min(count - 1, len(others)))]
        places += [first] * (count - len(places))
        opened_on = who.first_opened
        script = ""
        for nth, organization in enumerate(places):
            if nth:
                opened_on = min(plan.today, opened_on + timedelta(days=rng.randint(20, 1200)))
            record = _record(
                rng,
                who,
                nth=nth,
                organization=organization,
                plan=plan,
                opened_on=opened_on,
                previous_script=script,
            )
            script = _script_of(record.person["family_name"])
            records.append(record)
    rng.shuffle(records)
    return records
