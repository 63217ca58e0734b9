"""Two records of one woman at Crisis Centre A, for the merge tests."""

from __future__ import annotations

from datetime import date

from opennrm.accounts.permissions import Actor
from opennrm.cases import services
from opennrm.cases.models import Case
from tests.cases.factories import DIANA_CASE, open_diana
from tests.conftest import World

# The same woman recorded again, from her passport, with another phone and a known birth date.
SECOND_PERSON = {
    "given_name": "Dilnoza",
    "family_name": "Karimova",
    "patronymic": "",
    "names": ["Dilya"],
    "birth_date": "1977-05-14",
    "documents": [{"type": "national_id", "number": "KZ778899", "country": "KZ"}],
    "phones": ["+7 701 555 12 34"],
    "gender": "Feminine",
    "citizenship": "KZ",
    "languages": ["kk", "ru"],
    "marital_status": "Divorced",
    "address": "Almaty, Abay 1",
}


def supervisor(world: World) -> Actor:
    return world.actor(world.a["supervisor"])


def first_case(world: World) -> Case:
    return world.once("first", lambda: open_diana(world.a["case_worker"]))


def second_case(world: World) -> Case:
    def make() -> Case:
        actor = world.actor(world.a["case_worker"])
        return services.case_open(
            actor=actor, person=dict(SECOND_PERSON), opened_on=date(2006, 2, 1), **DIANA_CASE
        )

    return world.once("second", make)


def case_of_b(world: World) -> Case:
    return world.once("of_b", lambda: open_diana(world.b["case_worker"]))
