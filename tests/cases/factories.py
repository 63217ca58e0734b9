"""Diana's case from the scenario, through the services, for tests of every channel."""

from __future__ import annotations

from datetime import date

from opennrm.accounts.models import Membership
from opennrm.accounts.permissions import Actor
from opennrm.cases import services
from opennrm.cases.models import Case

# Why a consent is withdrawn, in the tests that withdraw one (the reason is required).
REASON = "The person no longer wants the details shared."

DIANA_PERSON = {
    "given_name": "Диана",
    "family_name": "Каримова",
    "patronymic": "Рустамовна",
    "names": ["Diana Karimova", "Dilnoza"],
    "birth_year": 1977,
    "documents": [{"type": "passport", "number": "AA1234567", "country": "UZ"}],
    "phones": ["+998 90 123 45 67"],
    "gender": "Feminine",
    "citizenship": "UZ",
    "languages": ["uz", "ru"],
}
DIANA_CASE = {
    "exploitation_types": ["SexualExploitation"],
    "sex_exploitation_types": ["Prostitution"],
    "methods_of_control": [
        "FalsePromises",
        "WithholdsDocuments",
        "PhysicalAbuse",
        "TakesEarnings",
        "RestrictsMovement",
    ],
    "recruitment_methods": ["ThroughFriendsOrSocialEvents"],
    "relationship_to_trafficker": "Acquainted",
    "perpetrator_roles": ["RecruiterOrIntermediary", "Exploiter", "Transporter"],
    "country_of_origin": "UZ",
    "country_of_exploitation": "KZ",
    "city_of_exploitation": "Almaty",
    "recruited_on": date(2005, 3, 1),
    "exploitation_began_on": date(2005, 3, 20),
    "exited_on": date(2005, 9, 1),
    "age_when_trafficked": 28,
}


def open_diana(membership: Membership, **overrides) -> Case:
    actor = Actor.of(membership.user, membership)
    case_fields = {**DIANA_CASE, **overrides}
    return services.case_open(
        actor=actor, person=dict(DIANA_PERSON), opened_on=date(2005, 10, 3), **case_fields
    )
