"""The cases behind the figures of the demo scenario (../shared/reference/scenario.md).

Every case is opened through the services, so the audit log holds the demo like real work.
Names are invented; the figures are the report's.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from opennrm.accounts.demo import DemoWorld
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor

from . import needs, perpetrators, services
from .choices import IdentificationStage

_WOMEN = {
    "UZ": ["Dilnoza", "Shakhnoza", "Gulnora", "Nodira", "Feruza", "Malika", "Zarina", "Madina"],
    "TJ": ["Мадина", "Нигина", "Зарина", "Фарангис", "Шахло", "Мехрангез", "Тахмина", "Сурайё"],
    "KG": ["Айгуль", "Жылдыз", "Нургуль", "Бермет", "Асель", "Чолпон", "Айпери", "Гулзат"],
    "KZ": ["Айгерим", "Гульнар", "Динара", "Сауле", "Жанар", "Асем", "Айжан", "Камила"],
}
_MEN = {
    "UZ": ["Bakhtiyor", "Jasur", "Sardor", "Otabek", "Rustam", "Dilshod"],
    "TJ": ["Фаррух", "Далер", "Рустам", "Сухроб", "Бехруз", "Комрон"],
    "KG": ["Бакыт", "Нурлан", "Азамат", "Эрлан", "Айбек", "Талант"],
    "KZ": ["Ерлан", "Нурсултан", "Данияр", "Асхат", "Бауыржан", "Марат"],
}
_FAMILY = {
    "UZ": ["Karimova", "Yusupova", "Rakhimova", "Tursunova", "Saidova", "Nazarova"],
    "TJ": ["Рахимова", "Назарова", "Саидова", "Шарипова", "Давлатова", "Холова"],
    "KG": ["Абдыкадырова", "Токтогулова", "Осмонова", "Жумабаева", "Мамытова", "Асанова"],
    "KZ": ["Ахметова", "Жумабекова", "Сериккызы", "Нурланова", "Искакова", "Омарова"],
}


def _person(rng: random.Random, citizenship: str, gender: str, year: int) -> dict:
    women = gender == "Feminine"
    names = (_WOMEN if women else _MEN)[citizenship]
    family = rng.choice(_FAMILY[citizenship])
    if not women:
        family = family[:-1] if family.endswith(("a", "а")) else family
    return {
        "given_name": rng.choice(names),
        "family_name": family,
        "birth_year": year - rng.randint(16, 40),
        "gender": gender,
        "citizenship": citizenship,
        "languages": ["ru"] if citizenship != "UZ" else ["uz", "ru"],
    }


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 360))


def _open(actor: Actor, rng: random.Random, *, citizenship: str, gender: str, year: int, **case):
    """One case of the report's figures; the person consented to anonymous statistics, so the
    case counts in the national view of the organizations that share theirs."""
    opened_on = _day(rng, year)
    opened = services.case_open(
        actor=actor,
        person=_person(rng, citizenship, gender, opened_on.year),
        opened_on=opened_on,
        **case,
    )
    services.consent_record(
        actor=actor,
        case=opened,
        purpose="statistics",
        method="verbal",
        given_on=opened_on,
        guardian_name="Mother (demo)" if opened.person.is_minor else "",
    )
    return opened


# Who opens the scenario's cases, by organization key; the supervisor approves Diana's.
CASE_OWNERS = {
    "iom-almaty": "caseworker@demo.opennrm.org",
    "crisis": "caseworker@demo.opennrm.org",
    "iom-turkey": "turkey@demo.opennrm.org",
    "tajik-ngo": "tajik@demo.opennrm.org",
}
SUPERVISOR = ("crisis", "supervisor@demo.opennrm.org")


def load_demo(world: DemoWorld) -> dict[str, int]:
    """Open the scenario's cases; returns how many per figure."""
    actors = {key: world.actor(key, email) for key, email in CASE_OWNERS.items()}
    organizations = world.organizations
    supervisor = world.actor(*SUPERVISOR)
    rng = random.Random(2005)  # noqa: S311 - invented demo data, not a secret
    counts: dict[str, int] = {}

    # IOM Almaty assisted 49 people in 2005: 38 women, 16 trafficked from Uzbekistan.
    iom = actors["iom-almaty"]
    origins = ["UZ"] * 16 + ["KG"] * 14 + ["TJ"] * 11 + ["KZ"] * 8
    genders = ["Feminine"] * 38 + ["Masculine"] * 11
    rng.shuffle(genders)
    for citizenship, gender in zip(origins, genders, strict=True):
        women = gender == "Feminine"
        case = _open(
            iom,
            rng,
            citizenship=citizenship,
            gender=gender,
            year=2005,
            exploitation_types=["SexualExploitation"] if women else ["ForcedLabour"],
            forced_labour_industry="" if women else "F_Construction",
            country_of_origin=citizenship,
            country_of_exploitation="KZ",
        )
        services.service_add(
            actor=iom,
            case=case,
            service_type=rng.choice(["Legal", "Medical", "Psychological"]),
            status="completed",
            started_on=case.opened_on,
        )
    counts["IOM Almaty assisted in 2005"] = 49

    # Tajikistan: 41 cases in 2004, 93 in 2005; 90 of 2005's are women, sexual exploitation.
    tajik = actors["tajik-ngo"]
    for year, total, women_sexual in ((2004, 41, 38), (2005, 93, 90)):
        for i in range(total):
            sexual = i < women_sexual
            _open(
                tajik,
                rng,
                citizenship="TJ",
                gender="Feminine" if sexual else "Masculine",
                year=year,
                exploitation_types=["SexualExploitation"] if sexual else ["ForcedLabour"],
                country_of_origin="TJ",
                country_of_exploitation=rng.choice(["AE", "RU", "KZ", "TR"]),
            )
    counts["Tajikistan cases 2004"] = 41
    counts["Tajikistan cases 2005"] = 93

    # IOM Turkey helped 220 people return home in 2005, about 40 of them to Central Asia.
    turkey = actors["iom-turkey"]
    returns = ["UZ"] * 13 + ["KZ"] * 11 + ["KG"] * 9 + ["TM"] * 7
    returns += [rng.choice(["MD", "UA", "RU", "GE", "AZ", "RO"]) for _ in range(180)]
    for country in returns:
        case = _open(
            turkey,
            rng,
            citizenship=country if country in _WOMEN else "UZ",
            gender="Feminine",
            year=2005,
            exploitation_types=["SexualExploitation"],
            country_of_origin=country,
            country_of_exploitation="TR",
        )
        services.service_add(
            actor=turkey,
            case=case,
            service_type="ReturnTravel",
            status="completed",
            started_on=case.opened_on,
            destination_country=country,
        )
    counts["IOM Turkey returns 2005"] = len(returns)

    # 17 Uzbek women, detained in raids, registered at the Almaty HIV/AIDS dispensary.
    crisis = actors["crisis"]
    for _ in range(17):
        case = _open(
            crisis,
            rng,
            citizenship="UZ",
            gender="Feminine",
            year=2005,
            exploitation_types=["SexualExploitation"],
            country_of_origin="UZ",
            country_of_exploitation="KZ",
        )
        services.service_add(
            actor=crisis,
            case=case,
            service_type="Medical",
            provider=organizations["dispensary"],
            status="in_progress",
            started_on=case.opened_on,
        )
        services.note_add(
            actor=crisis, case=case, body="Detained in a police raid; referred by police."
        )
    counts["Uzbek women at the HIV/AIDS dispensary"] = 17

    _diana(crisis, supervisor, organizations)
    counts["Diana"] = 1
    return counts


def _diana(worker: Actor, supervisor: Actor, organizations: dict[str, Organization]) -> None:
    """Diana's case, filled in fully: the typical story of the scenario."""
    case = services.case_open(
        actor=worker,
        person={
            "given_name": "Диана",
            "family_name": "Рахимова",
            "names": ["Diana Rakhimova", "Diana Rahimova"],
            "birth_year": 1977,
            "documents": [
                {
                    "type": "passport",
                    "number": "CA7731904",
                    "country": "UZ",
                    "status": "taken_by_trafficker",
                }
            ],
            "phones": ["+7 701 555 0142"],
            "phone_kinds": {"+7 701 555 0142": "mobile"},
            "gender": "Feminine",
            "citizenship": "UZ",
            "languages": ["uz", "ru"],
            "marital_status": "Married",
            "education": "UpperSecondaryEducation",
            "number_of_children": 0,
        },
        opened_on=date(2005, 10, 3),
        trafficking_status="PossibleVictimOfTrafficking",
        exploitation_types=["SexualExploitation"],
        sex_exploitation_types=["Prostitution"],
        methods_of_control=[
            "FalsePromises",
            "WithholdsDocuments",
            "PhysicalAbuse",
            "TakesEarnings",
            "RestrictsMovement",
        ],
        recruitment_methods=["ThroughFriendsOrSocialEvents"],
        relationship_to_trafficker="Acquainted",
        perpetrator_roles=["RecruiterOrIntermediary", "Exploiter", "Transporter"],
        age_when_trafficked=28,
        country_of_origin="UZ",
        country_of_exploitation="KZ",
        city_of_exploitation="Almaty",
        recruited_on=date(2005, 2, 14),
        exploitation_began_on=date(2005, 3, 2),
        exited_on=date(2005, 9, 20),
    )
    for event_type, on, country, city, text in [
        (
            "Recruitment",
            date(2005, 2, 14),
            "UZ",
            "Tashkent",
            "A female acquaintance offered work as a cosmetics sales manager, $100-200 a month.",
        ),
        ("Transit", date(2005, 3, 1), "KZ", "Shymkent", "Travelled by bus with a friend."),
        (
            "Exploitation",
            date(2005, 3, 2),
            "KZ",
            "Almaty",
            "Passports taken on arrival; forced into prostitution; beaten with a hose; "
            "earnings taken; taxi drivers controlled her movement.",
        ),
    ]:
        services.historic_event_add(
            actor=worker,
            case=case,
            event_type=event_type,
            occurred_on=on,
            country=country,
            city=city,
            description=text,
        )
    consents: list[tuple[str, dict[str, Any]]] = [
        ("assistance", {}),
        ("statistics", {}),
        ("referral", {"recipient_organization": organizations["iom-almaty"]}),
        ("referral", {"recipient_type": "HealthServiceOrganisation"}),
    ]
    for purpose, extra in consents:
        services.consent_record(
            actor=worker,
            case=case,
            purpose=purpose,
            method="written",
            given_on=date(2005, 10, 3),
            **extra,
        )
    health = services.support_plan_create(
        actor=worker, case=case, plan_type="Health", objectives="Medical check-up and care."
    )
    legal = services.support_plan_create(
        actor=worker, case=case, plan_type="Legal", objectives="Restore her passport."
    )
    services.service_add(
        actor=worker,
        case=case,
        plan=health,
        service_type="Medical",
        provider=organizations["iom-almaty"],  # IOM pays for the doctor
        status="completed",
        started_on=date(2005, 10, 5),
        ended_on=date(2005, 10, 20),
    )
    services.service_add(
        actor=worker,
        case=case,
        plan=health,
        service_type="Psychological",
        status="in_progress",
        started_on=date(2005, 10, 6),
    )
    services.service_add(
        actor=worker,
        case=case,
        plan=legal,
        service_type="Legal",
        provider=organizations["legal"],
        status="in_progress",
        started_on=date(2005, 10, 10),
    )
    services.service_add(
        actor=worker,
        case=case,
        service_type="Shelter",
        status="completed",
        started_on=date(2005, 10, 3),
        ended_on=date(2005, 11, 15),
    )
    presumed = services.identification_propose(
        actor=worker,
        case=case,
        stage=IdentificationStage.PRESUMED,
        grounds="Deceptive recruitment by an acquaintance; passport confiscated; violence; "
        "earnings withheld; movement controlled.",
        decided_by_type="NGO",
    )
    services.identification_review(actor=supervisor, decision=presumed, approve=True)
    identified = services.identification_propose(
        actor=worker,
        case=case,
        stage=IdentificationStage.IDENTIFIED,
        grounds="Interview confirms all three elements: act, means, purpose.",
        decided_by_type="NGO",
        # Diana asked for the decision before the end of her reflection period.
        requested_early=True,
    )
    services.identification_review(actor=supervisor, decision=identified, approve=True)
    services.note_add(
        actor=worker,
        case=case,
        body="Diana escaped and came to the centre. She wishes to stay in Kazakhstan.",
    )
    _diana_story(worker, case)


def _diana_story(worker: Actor, case: Any) -> None:
    """Who did it, the needs and risks, and Diana's own account (decision 0017)."""
    for record in [
        {
            "name": "Lola, an acquaintance from Tashkent",
            "roles": ["RecruiterOrIntermediary"],
            "relationship": "Acquainted",
            "sex": "Feminine",
            "nationality": "UZ",
            "phones": ["+998 90 111 22 33"],
            "places": ["Tashkent, Chilanzar bazaar"],
            "actions": "Offered the job in Almaty and bought the bus ticket.",
        },
        {
            "name": "Marat, the owner of the flat",
            "roles": ["Exploiter", "ControlledIndividual", "ReceivedIndividual"],
            "relationship": "Unaquainted",
            "sex": "Masculine",
            "nationality": "KZ",
            "phones": ["+7 777 123 45 67"],
            "places": ["Almaty, a flat near the Zelyony bazaar"],
            "actions": "Took the passports on arrival, beat the women, kept the earnings.",
        },
        {
            "name": "Two taxi drivers working for Marat",
            "roles": ["Transporter", "ControlledIndividual"],
            "relationship": "Unaquainted",
            "sex": "Masculine",
            "vehicles": ["white Daewoo Nexia, 123 ABC 02"],
            "actions": "Drove the women to clients and back and reported where they went.",
        },
    ]:
        perpetrators.perpetrator_add(actor=worker, case=case, **record)
    needs.assessment_record(
        actor=worker,
        case=case,
        assessed_on=date(2005, 10, 4),
        contact_safety="with_care",
        contact_channels=["in_person"],
        contact_when="Tuesdays at the centre",
        contact_warning="Do not call back: the phone is checked by the traffickers.",
        trafficker_risk="high",
        trafficker_risk_details="Lola knows the address of the family in Tashkent.",
        health_needs="Gynaecologist; HIV test.",
        children_count=0,
        accommodation_need="emergency",
        other_needs="A new passport.",
        interpreter_needed=False,
    )
    needs.account_record(
        actor=worker,
        case=case,
        told_on=date(2005, 10, 5),
        language="ru",
        before="Worked at a market stall; debts after the husband left.",
        recruitment="Lola promised work as a cosmetics sales manager, 100-200 dollars a month.",
        journey="By bus from Tashkent through Shymkent, with a friend.",
        exploitation="In Almaty the passports were taken; forced into prostitution; beaten.",
        ending="Escaped while the driver was away and came to the centre.",
        wishes="To stay in Kazakhstan, get a new passport and work legally.",
    )
