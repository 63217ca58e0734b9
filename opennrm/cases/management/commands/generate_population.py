"""Synthetic persons with one case each, for benchmarks and for matching tests.

``manage.py generate_population --persons N --seed S [--organizations K] [--duplicate-share 0.05]
[--truth-file var/population-truth.csv] [--batch 5000] [--workers W]``

Names are Russian, Kazakh, Uzbek, Kyrgyz and Tajik, in Cyrillic and in the Latin spellings people
carry (``opennrm.cases.population_names``). A known share of persons are the same person recorded
again at another organization, spelt differently or with fields missing: ``--duplicate-share``
of the records (exactly round(share x batch) per batch) are further records of a person recorded
in the same batch. The truth file (CSV: person_uuid, identity_id, organization_uuid) maps each
person's UUID to the identity it stands for. The same seed gives the same people, whatever the
number of processes; UUIDs are random, as for any person.

This is a bulk loader of invented data, not user work: it bypasses the per-row services and
inserts prepared rows (``executemany``) in one transaction per batch, with one audit event per
batch. The stored values are the ones the services would store: each column's value prepared as
its model field prepares it (encrypted with the configured keys by the encrypted fields' own
code), and the blind-index tokens of names and phones as ``person_reindex`` makes them. Before
anything is written, a sample is checked against ``person_apply`` and ``person_reindex``, and
its rows against what each field's ``get_db_prep_save`` gives (``_check_rows``).
Organizations and users are made through the account services, by a platform actor.

Speed, on the shared 2-core machine: see bench/results/generation-2026-11-29.txt.
"""

from __future__ import annotations

import bisect
import collections
import csv
import functools
import itertools
import multiprocessing
import os
import random
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, models, transaction
from django.utils import timezone

from opennrm.accounts import services as account_services
from opennrm.accounts.models import Membership, Organization, OrganizationType, Role, User
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases import population_names as pn
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
from opennrm.cases.fields import MultiChoiceField
from opennrm.cases.models import Case, CaseNumberSequence
from opennrm.crypto.fields import EncryptedTextField
from opennrm.crypto.keyring import keyring
from opennrm.people.models import Gender, Person, PersonName, PersonPhone
from opennrm.people.names import name_tokens, script_of
from opennrm.people.services import age_band_for, person_apply, phone_token

PLATFORM_EMAIL = "population-loader@synthetic.invalid"
CASE_WORKERS_PER_ORGANIZATION = 10
# (name, type, country, city): invented organizations, marked as such by their names.
ORGANIZATIONS = (
    ("Synthetic Almaty Shelter", OrganizationType.NGO, "KZ", "Almaty"),
    ("Synthetic Tashkent Rehabilitation Centre", OrganizationType.NGO, "UZ", "Tashkent"),
    ("Synthetic Moscow Migrant Helpline", OrganizationType.HOTLINE, "RU", "Moscow"),
    ("Synthetic Bishkek Safe House", OrganizationType.NGO, "KG", "Bishkek"),
    ("Synthetic Dushanbe Reintegration Centre", OrganizationType.NGO, "TJ", "Dushanbe"),
    ("Synthetic Astana Crisis Centre", OrganizationType.NGO, "KZ", "Astana"),
    ("Synthetic Samarkand Women's Centre", OrganizationType.NGO, "UZ", "Samarkand"),
    ("Synthetic Osh Legal Aid Clinic", OrganizationType.LEGAL, "KG", "Osh"),
    ("Synthetic Khujand Return Support", OrganizationType.NGO, "TJ", "Khujand"),
    ("Synthetic Shymkent Outreach Team", OrganizationType.NGO, "KZ", "Shymkent"),
    ("Synthetic Fergana Valley Hotline", OrganizationType.HOTLINE, "UZ", "Fergana"),
    ("Synthetic Saint Petersburg Migrant Aid", OrganizationType.NGO, "RU", "Saint Petersburg"),
)

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


def _prefix(name: str) -> str:
    """The case-number prefix, as ``opennrm.cases.services._case_number`` makes it."""
    words = re.findall(r"[A-Za-z]+", name)
    return "".join(w[0] for w in words[:4]).upper() or "C"


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
    data = {k: v for k, v in stored.items() if k not in ("age_band", "is_minor")}
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
        documents = [{"type": "passport", "number": who.passport, "country": who.nationality}]
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
    person = {
        "given_name": given,
        "family_name": family,
        "patronymic": patronymic,
        "names": [{"value": v, "script": _script_of(v)} for v in others],
        "birth_date": birth_date,
        "birth_year": birth_year,
        "approximate_age": approximate_age,
        "documents": documents,
        "phones": phones,
        "address": address,
        "gender": who.gender if rng.random() < 0.99 else Gender.UNKNOWN.value,
        "citizenship": who.nationality if rng.random() < 0.98 else "",
        "languages": list(who.languages) if keep(0.8) else [],
        "marital_status": who.marital_status if keep(0.6) else "",
        "education": who.education if keep(0.5) else "",
        "number_of_children": who.children if keep(0.5) else None,
        "age_band": age_band_for(age),
        "is_minor": age is not None and age < 18,
    }
    tokens = sorted(name_tokens(given=given, family=family, patronymic=patronymic, others=others))
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


@dataclass
class _Organization:
    organization: Organization
    prefix: str
    supervisor: User
    case_workers: list[User]


# --- Writing: in the main process, or in each of the pool's processes with its own connection.


@dataclass(frozen=True)
class Target:
    """Where a batch goes, by primary key (picklable, for the pool's processes)."""

    platform_user: int
    organizations: tuple[int, ...]
    prefixes: tuple[str, ...]
    case_workers: tuple[tuple[int, ...], ...]


def _reserve_numbers(case_years: list[tuple[int, int]]) -> dict[tuple[int, int], Iterator[int]]:
    """Reserve case numbers per (organization, year) in a short transaction of their own.

    Later real cases continue from the sequence, so they never collide; numbers of a batch that
    fails afterwards stay unused (a gap, never a duplicate).
    """
    wanted: dict[tuple[int, int], int] = {}
    for key in case_years:  # (organization id, year)
        wanted[key] = wanted.get(key, 0) + 1
    with transaction.atomic():
        CaseNumberSequence.objects.bulk_create(
            [CaseNumberSequence(organization_id=o, year=y, last=0) for o, y in wanted],
            ignore_conflicts=True,
        )
        locked = CaseNumberSequence.objects.select_for_update().filter(
            organization_id__in={o for o, _ in wanted}, year__in={y for _, y in wanted}
        )
        sequences = [s for s in locked.order_by("pk") if (s.organization_id, s.year) in wanted]
        numbers = {}
        for s in sequences:
            numbers[s.organization_id, s.year] = itertools.count(s.last + 1)
            s.last += wanted[s.organization_id, s.year]
        CaseNumberSequence.objects.bulk_update(sequences, ["last"])
    return numbers


_platform_user: dict[int, User] = {}

# Plain columns whose stored value is the value itself (get_db_prep_save returns it unchanged for
# the str, int, bool and None values the generator makes; keys skip the integer adapters). Matched
# by exact class: a subclass may prepare its values its own way, and then goes through the
# field's own get_db_prep_save.
_AS_IS = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.BooleanField,
        models.CharField,
        models.ForeignKey,
        models.TextField,
    }
)
_INTEGERS = frozenset(
    {
        models.BigIntegerField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
    }
)


def _preparation(model_field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How ``model_field`` turns a value into what goes to the database (None: unchanged).

    Each is what the field's ``get_db_prep_save`` does, without going through it for every one
    of millions of values: the encrypted and multi-choice fields' own ``get_prep_value`` (the
    encryption itself), the backend's adapters for integers, dates and JSON, ``UUID.hex`` where the
    database has no UUID type. Any other field uses its own ``get_db_prep_save``.
    """
    if isinstance(model_field, EncryptedTextField | MultiChoiceField):
        return model_field.get_prep_value
    kind = type(model_field)
    ops = connection.ops
    if kind in _AS_IS:
        return None
    if kind in _INTEGERS:  # psycopg 3 is told the integer's size (Int2, Int4, Int8)
        return functools.partial(
            ops.adapt_integerfield_value, internal_type=model_field.get_internal_type()
        )
    if kind is models.DateField:
        return ops.adapt_datefield_value
    if kind is models.DateTimeField:
        return ops.adapt_datetimefield_value
    if kind is models.UUIDField:
        return None if connection.features.has_native_uuid_field else _uuid_hex
    if kind is models.JSONField:
        encoder = model_field.encoder
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    return functools.partial(model_field.get_db_prep_save, connection=connection)


def _uuid_hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


class _Table:
    """Rows of one model, prepared as its fields prepare them, written with ``executemany``.

    ``bulk_create`` spent three quarters of the time of a batch making model instances and
    compiling the same INSERT again for every few hundred rows; the values it sent are the ones
    made here (``Command._check_rows`` compares them on a sample before anything is written).
    Fields missing from a row take their default, and ``auto_now`` fields the batch's time.
    """

    def __init__(self, model: type[models.Model], *, with_pk: bool) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}
        self._prepare = [(f.attname, _preparation(f)) for f in self.fields]
        qn = connection.ops.quote_name
        # Names from the model, quoted; values only as parameters.
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608

    def defaults(self, given: Iterable[str], now: datetime) -> dict[str, Any]:
        """Values of the fields a row leaves out, as ``Model()`` and ``pre_save`` set them."""
        result = {}
        for f in self.fields:
            if f.attname in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                result[f.attname] = now
            elif f.primary_key or callable(f.default):
                # A key or a default made anew for each row (a UUID) cannot be shared.
                raise CommandError(f"the loader sets no value for {self.model.__name__}.{f.name}")
            else:
                result[f.attname] = f.get_default()
        return result

    def rows(self, values: list[dict[str, Any]], now: datetime) -> list[list[Any]]:
        if not values:
            return []
        defaults = self.defaults(values[0].keys(), now)
        # (attname, preparation, prepared default, whether the default is used), per column.
        plan = [
            (a, p, v if p is None else p(v), True) if a in defaults else (a, p, None, False)
            for a, p in self._prepare
            for v in (defaults.get(a),)
        ]
        return [
            [c if d else row[a] if p is None else p(row[a]) for a, p, c, d in plan]
            for row in values
        ]

    def insert(self, cursor: Any, rows: list[list[Any]]) -> None:
        if rows:
            cursor.executemany(self.sql, rows)


def _reserve_ids(cursor: Any, model: type[models.Model], count: int) -> Sequence[int]:
    """``count`` new primary keys of ``model``, inside the writing transaction."""
    table, pk = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        # Numbers taken from the sequence, as an INSERT would take them (other writers may
        # take theirs in between: the numbers need not follow each other).
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        # The transaction holds the write lock (IMMEDIATE): nobody else inserts meanwhile.
        # AUTOINCREMENT continues after the larger of the table's largest key and its
        # sqlite_sequence entry, which SQLite moves past the keys given here.
        qn = connection.ops.quote_name
        counter = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        largest = f"SELECT MAX({qn(pk)}) FROM {qn(table)}"  # noqa: S608
        cursor.execute(f"SELECT MAX(COALESCE(({counter}), 0), COALESCE(({largest}), 0))", [table])
        start = cursor.fetchone()[0] + 1
        return range(start, start + count)
    raise CommandError(f"generate_population does not write to {connection.vendor}.")


def _tables() -> dict[str, _Table]:
    return {
        "persons": _Table(Person, with_pk=True),
        "names": _Table(PersonName, with_pk=False),
        "phones": _Table(PersonPhone, with_pk=False),
        "cases": _Table(Case, with_pk=True),
        "team": _Table(Case.team.through, with_pk=False),
    }


def _row_values(target: Target, records: list[Record]) -> tuple[list[dict[str, Any]], ...]:
    """Each table's field values by attname, but for keys and case numbers.

    ``id``, ``person_id`` and ``case_id`` hold the record's index in the batch until the keys
    are reserved, and ``number`` is left empty until the numbers are.
    """
    persons, names, phones, cases, team = [], [], [], [], []
    for i, r in enumerate(records):
        organization = target.organizations[r.organization]
        workers = target.case_workers[r.organization]
        owner = workers[r.owner]
        persons.append(
            {
                **r.person,
                "id": i,
                "uuid": r.person_uuid,
                "organization_id": organization,
                "created_by_id": owner,
                "version": 1,
            }
        )
        names.extend(
            {"person_id": i, "organization_id": organization, "token": t} for t in r.tokens
        )
        phones.extend(
            {"person_id": i, "organization_id": organization, "token": t} for t in r.phone_tokens
        )
        cases.append(
            {
                **r.case,
                "id": i,
                "uuid": uuid.uuid4(),
                "organization_id": organization,
                "person_id": i,
                "owner_id": owner,
                "number": "",
                "version": 1,
            }
        )
        if r.team is not None:
            team.append({"case_id": i, "user_id": workers[r.team]})
    return persons, names, phones, cases, team


@dataclass
class PreparedBatch:
    """One batch's rows as they go to the database (picklable: made in another process)."""

    rows: dict[str, list[list[Any]]]  # by table, as _tables() names them
    case_years: list[tuple[int, int]]  # (organization id, year opened) of each case
    truth: list[tuple[str, str, int]]  # (person UUID, identity, organization index)


def generate_and_prepare(target: Target, plan: BatchPlan) -> PreparedBatch:
    """Generate one batch and prepare its rows: encrypted, tokens made, keys still to fill."""
    records = generate_batch(plan)
    tables = _tables()
    now = timezone.now()  # one time for the batch, as one bulk_create per table would nearly give
    values = _row_values(target, records)
    return PreparedBatch(
        rows={name: tables[name].rows(v, now) for name, v in zip(tables, values, strict=True)},
        case_years=[
            (target.organizations[r.organization], r.case["opened_on"].year) for r in records
        ],
        truth=[(str(r.person_uuid), r.identity, r.organization) for r in records],
    )


def _check_rows(target: Target, records: list[Record]) -> None:
    """Raise CommandError unless the prepared rows hold what ``bulk_create`` would send.

    Each row is compared with the values of a model instance made from the same field values,
    prepared by each field's ``get_db_prep_save``; encrypted values (fresh nonces every time)
    are compared decrypted, with the column's own key and context.
    """
    now = timezone.now()
    tables = _tables()
    for name, values in zip(tables, _row_values(target, records), strict=True):
        table = tables[name]
        for row, given in zip(table.rows(values, now), values, strict=True):
            instance = table.model(**{**table.defaults(given.keys(), now), **given})
            for f, ours in zip(table.fields, row, strict=True):
                theirs = f.get_db_prep_save(getattr(instance, f.attname), connection)
                if isinstance(f, EncryptedTextField):
                    ours, theirs = (
                        keyring().decrypt(v, context=f.context) if v else v for v in (ours, theirs)
                    )
                if type(ours) is not type(theirs) or _plain(ours) != _plain(theirs):
                    raise CommandError(
                        f"the loader would store {table.model.__name__}.{f.name} differently"
                    )


def _plain(value: Any) -> Any:
    """A driver's wrapper (psycopg's Jsonb) compared by what it wraps."""
    return getattr(value, "obj", value)


def write_batch(target: Target, batch: PreparedBatch) -> list[tuple[str, str, int]]:
    """Write one batch of persons, their name and phone tokens, cases and team rows, with one
    audit event; return its truth rows."""
    if connection.vendor == "sqlite":
        # A page cache as large as a 1,000,000-person database (about 2.5 GiB) keeps the random
        # inserts into the UUID and name-token indexes in memory; pages are taken as used.
        # Checkpoints less often: a page changed by several batches is copied back once.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -4194304")  # KiB: at most 4 GiB
            cursor.execute("PRAGMA wal_autocheckpoint = 131072")  # pages: 512 MiB of log
    if target.platform_user not in _platform_user:
        _platform_user[target.platform_user] = User.objects.get(pk=target.platform_user)
    tables, rows = _tables(), batch.rows
    persons, cases, team = rows["persons"], rows["cases"], rows["team"]
    # Everything but the inserts happens before the transaction: on SQLite it holds the one lock.
    numbers = _reserve_numbers(batch.case_years)
    prefixes = dict(zip(target.organizations, target.prefixes, strict=True))
    number = tables["cases"].position["number"]
    for row, (organization, year) in zip(cases, batch.case_years, strict=True):
        row[number] = f"{prefixes[organization]}-{year}-{next(numbers[organization, year]):05d}"
    person_id = tables["persons"].position["id"]
    name_person = tables["names"].position["person_id"]
    phone_person = tables["phones"].position["person_id"]
    case_id, case_person = tables["cases"].position["id"], tables["cases"].position["person_id"]
    team_case = tables["team"].position["case_id"]
    with transaction.atomic(), connection.cursor() as cursor:
        person_ids = _reserve_ids(cursor, Person, len(persons))
        case_ids = _reserve_ids(cursor, Case, len(cases))
        for row in persons:
            row[person_id] = person_ids[row[person_id]]
        for row in rows["names"]:
            row[name_person] = person_ids[row[name_person]]
        for row in rows["phones"]:
            row[phone_person] = person_ids[row[phone_person]]
        for row in cases:
            row[case_id] = case_ids[row[case_id]]
            row[case_person] = person_ids[row[case_person]]
        for row in team:
            row[team_case] = case_ids[row[team_case]]
        for name, table in tables.items():
            table.insert(cursor, rows[name])
        # One event per batch; like every event it names fields, never values.
        audit_record(
            actor=_platform_user[target.platform_user],
            organization=None,
            action="population.generate",
            object_type="people.person",
            fields=["count"],
        )
    return batch.truth


def generate_and_write(target: Target, plan: BatchPlan) -> list[tuple[str, str, int]]:
    """Generate and write one batch; return its truth rows (person UUID, identity, org index)."""
    return write_batch(target, generate_and_prepare(target, plan))


def _run(
    target: Target, plans: list[BatchPlan], processes: int
) -> Iterator[list[tuple[str, str, int]]]:
    """Each batch's truth rows, in batch order.

    PostgreSQL: ``processes`` generate and write batches side by side (measured on the 2-core
    machine with batches of 5,000: 2 writers beat 1 by 1.8 times). SQLite lets one writer in at
    a time, and a writer's page cache goes cold whenever another commits: this process writes
    every batch, while ``processes`` (if any) generate and prepare the next ones. That is not the
    default: measured at 100,000 persons, 1 such process took 23-24 s instead of 27-29 s when the
    machine was otherwise quiet, but 34-51 s instead of 29-38 s when other work kept both cores
    busy (the two cores share their execution units, and it costs 10% more CPU time in all).
    """
    if processes <= 0 or any(c.in_atomic_block for c in connections.all()):
        # One process (or a test, whose transaction other processes would not see).
        for plan in plans:
            yield generate_and_write(target, plan)
        return
    sqlite = connection.vendor == "sqlite"
    connections.close_all()  # forked processes open their own connections
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        work = generate_and_prepare if sqlite else generate_and_write
        ahead = processes + 1  # batches submitted and not yet written: bounds the memory
        futures: collections.deque[Future[Any]] = collections.deque()
        pending = iter(plans)
        try:
            for plan in itertools.islice(pending, ahead):
                futures.append(pool.submit(work, target, plan))
            while futures:
                result = futures.popleft().result()
                for plan in itertools.islice(pending, 1):
                    futures.append(pool.submit(work, target, plan))
                yield write_batch(target, result) if sqlite else result
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


class Command(BaseCommand):
    help = "Generate synthetic persons with one case each (invented data, for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--organizations", type=int, default=10)
        parser.add_argument("--duplicate-share", type=float, default=0.05)
        parser.add_argument("--truth-file", default="var/population-truth.csv")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="PostgreSQL: processes that generate and write batches side by side, each with "
            "its own connection (default: one per core). SQLite: processes that generate and "
            "prepare the next batches while this process writes (default: none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        persons: int = options["persons"]
        batch: int = options["batch"]
        share: float = options["duplicate_share"]
        if persons < 1 or batch < 1 or options["organizations"] < 1:
            raise CommandError("--persons, --batch and --organizations must be positive.")
        if not 0 <= share <= 0.5:
            raise CommandError("--duplicate-share must be between 0 and 0.5.")
        batches = (persons + batch - 1) // batch
        workers = options["workers"]
        if workers is None:
            sqlite = connection.vendor == "sqlite"
            workers = 0 if batches == 1 or sqlite else min(batches, os.cpu_count() or 1)
        started = time.perf_counter()
        platform = self._platform_actor()
        organizations = self._organizations(platform, options["organizations"])
        setup_seconds = time.perf_counter() - started
        self.stdout.write(
            f"{len(organizations)} organizations with {CASE_WORKERS_PER_ORGANIZATION} case "
            f"workers each ready in {setup_seconds:.1f} s; writing {persons:,} persons in "
            f"{batches:,} batches of {batch:,} with {workers or 'no'} worker process(es)"
        )
        today = timezone.localdate()
        org_plans = tuple(
            OrganizationPlan(
                country=o.organization.country,
                weight=1 / (i + 1) ** 0.7,  # a few large organizations, many smaller ones
                case_workers=len(o.case_workers),
            )
            for i, o in enumerate(organizations)
        )
        plans = [
            BatchPlan(
                seed=options["seed"],
                index=i,
                size=min(batch, persons - i * batch),
                duplicate_share=share,
                organizations=org_plans,
                today=today,
            )
            for i in range(batches)
        ]
        target = Target(
            platform_user=platform.user.pk,
            organizations=tuple(o.organization.pk for o in organizations),
            prefixes=tuple(o.prefix for o in organizations),
            case_workers=tuple(tuple(u.pk for u in o.case_workers) for o in organizations),
        )
        self._check_sample(plans[0], organizations, target)
        org_uuids = [str(o.organization.uuid) for o in organizations]
        truth_path = Path(options["truth_file"])
        if not truth_path.is_absolute():
            truth_path = Path(settings.BASE_DIR) / truth_path
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        writing_started = time.perf_counter()
        with truth_path.open("w", newline="", encoding="utf-8") as handle:
            truth = csv.writer(handle)
            truth.writerow(["person_uuid", "identity_id", "organization_uuid"])
            for index, rows in enumerate(_run(target, plans, workers)):
                truth.writerows((uuid_, identity, org_uuids[org]) for uuid_, identity, org in rows)
                handle.flush()
                written += len(rows)
                elapsed = time.perf_counter() - writing_started
                if index % 10 == 9 or written == persons:
                    self.stdout.write(
                        f"  {written:>10,} / {persons:,} persons  {elapsed:7.1f} s  "
                        f"{written / elapsed:7,.0f} persons/s"
                    )
        total = time.perf_counter() - started
        writing = time.perf_counter() - writing_started
        self.stdout.write(f"truth file: {truth_path}")
        self.stdout.write(
            f"generated {written:,} persons and {written:,} cases in {total:.1f} s "
            f"(setup {setup_seconds:.1f} s, writing {writing:.1f} s): "
            f"{written / total:,.0f} persons/second"
        )

    # --- Setup through the account services.

    def _platform_actor(self) -> Actor:
        admin = User.objects.filter(email=PLATFORM_EMAIL).first()
        if admin is None:
            admin = account_services.platform_admin_create(
                email=PLATFORM_EMAIL,
                password=secrets.token_urlsafe(24),
                full_name="Synthetic population loader",
            )
        return Actor.of(admin, None)

    def _organizations(self, platform: Actor, count: int) -> list[_Organization]:
        result = []
        for i in range(count):
            name, org_type, country, city = ORGANIZATIONS[i % len(ORGANIZATIONS)]
            if i >= len(ORGANIZATIONS):
                name = f"{name} {i // len(ORGANIZATIONS) + 1}"
            organization = Organization.objects.filter(name=name, country=country).first()
            if organization is None:
                organization = account_services.organization_create(
                    actor=platform, name=name, org_type=org_type, country=country, city=city
                )
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower().removeprefix("synthetic ")).strip("-")
            supervisor = self._member(platform, organization, f"supervisor.{slug}", Role.SUPERVISOR)
            case_workers = [
                self._member(platform, organization, f"caseworker{n:02d}.{slug}", Role.CASE_WORKER)
                for n in range(1, CASE_WORKERS_PER_ORGANIZATION + 1)
            ]
            result.append(_Organization(organization, _prefix(name), supervisor, case_workers))
        return result

    def _member(self, platform: Actor, organization: Organization, local: str, role: str) -> User:
        email = f"{local}@synthetic.invalid"
        membership = (
            Membership.objects.filter(organization=organization, user__email=email)
            .select_related("user")
            .first()
        )
        if membership is None:
            membership = account_services.membership_create(
                actor=platform,
                organization=organization,
                email=email,
                full_name=local.split(".")[0].capitalize(),
                role=role,
                # Nobody signs in with it; a password avoids the e-mail that invites to set one.
                password=secrets.token_urlsafe(24),
            )
        return membership.user

    # --- Validation: the generated values are what the services would store.

    def _check_sample(
        self, plan: BatchPlan, organizations: list[_Organization], target: Target
    ) -> None:
        """Raise CommandError unless 100 generated persons pass person_apply unchanged, and
        their rows are the values the models' fields would send to the database."""
        sample = generate_batch(plan)[:100]
        _check_rows(target, sample)
        for record in sample:
            org = organizations[record.organization]
            person = Person(organization=org.organization, created_by=org.case_workers[0])
            opened_on = record.case["opened_on"]
            try:
                person_apply(person, person_input(record.person), identified_on=opened_on)
            except ValueError as exc:
                errors = getattr(exc, "errors", {})
                raise CommandError(f"a generated person is invalid: {sorted(errors)}") from None
            for name, value in record.person.items():
                if getattr(person, name) != value:
                    raise CommandError(f"a generated person differs from person_apply in {name}")
            expected = name_tokens(
                given=person.given_name,
                family=person.family_name,
                patronymic=person.patronymic,
                others=[n["value"] for n in person.names],
            )
            if expected != set(record.tokens):
                raise CommandError("generated name tokens differ from person_reindex's")
            if sorted({phone_token(p) for p in person.phones}) != record.phone_tokens:
                raise CommandError("generated phone tokens differ from person_reindex's")
            case = Case(
                organization=org.organization,
                person=person,
                owner=org.case_workers[0],
                number="X",
                **record.case,
            )
            case.full_clean(exclude=["person", "organization", "owner", "number"])
            dates = [case.recruited_on, case.exploitation_began_on, case.exited_on, opened_on]
            known = [d for d in dates if d]
            if known != sorted(known) or known[-1] > plan.today:
                raise CommandError("generated case dates are out of order")
