"""Persons of the duplicate check: Zhanar Yusupova at organization B, in Cyrillic."""

from __future__ import annotations

from datetime import date

from opennrm.accounts.permissions import Actor
from opennrm.cases import services
from opennrm.cases.models import Case
from opennrm.linkage import intake
from opennrm.linkage.models_intake import ContactRequest, MatchHint

ZHANAR = {
    "given_name": "Жанар",
    "family_name": "Юсупова",
    "patronymic": "Бахтиёровна",
    "birth_date": date(1990, 4, 2),
    "gender": "Feminine",
    "citizenship": "UZ",
    "phones": ["+998 90 765 43 21"],
}
# What must never reach another organization: B's values as stored and shown.
SECRETS = ("Жанар", "Юсупова", "Бахтиёровна", "1990-04-02", "02.04.1990", "765 43 21", "7654321")


def open_case(membership, person: dict) -> Case:
    actor = Actor.of(membership.user, membership)
    return services.case_open(actor=actor, person=dict(person), opened_on=date(2026, 11, 2))


def zhanar_at_b(world) -> Case:
    return world.once("zhanar_b", lambda: open_case(world.b["case_worker"], ZHANAR))


def secrets_of(case: Case) -> list[str]:
    return [*SECRETS, case.number, str(case.uuid), str(case.person.uuid)]


def hint_for_a(world) -> MatchHint:
    """The hint A's case worker is shown when typing "Yusupova"."""

    def make() -> MatchHint:
        zhanar_at_b(world)
        actor = world.actor(world.a["case_worker"])
        found = intake.possible_matches(actor=actor, data={"family_name": "Yusupova"})
        return MatchHint.objects.get(uuid=found.hints[0].uuid)

    return world.once("hint_a", make)


def request_from_a(world) -> ContactRequest:
    def make() -> ContactRequest:
        hint = hint_for_a(world)
        actor = world.actor(world.a["case_worker"])
        return intake.contact_request_send(actor=actor, hint_id=hint.uuid, message="Call us")

    return world.once("request_a", make)
