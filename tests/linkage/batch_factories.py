"""Persons and runs for the tests of the batch duplicate search."""

from __future__ import annotations

from datetime import date

from opennrm.accounts.models import Membership, Organization
from opennrm.accounts.permissions import Actor
from opennrm.cases import services
from opennrm.cases.models import Case
from opennrm.linkage.batch import linkage_run_execute, linkage_run_open
from opennrm.linkage.models_batch import LinkageRun, LinkageScope

# Юсупова Жанар, recorded twice in org A (once in Cyrillic, once as in her passport), and
# people who only share a part of her name.
ZHANAR_CYRILLIC = {"given_name": "Жанар", "family_name": "Юсупова", "birth_year": 1990}
ZHANAR_LATIN = {"given_name": "Zhanar", "family_name": "Yusupova", "birth_year": 1990}
OTHERS = [
    {"given_name": "Дильноза", "family_name": "Юсупова", "birth_year": 1975},
    {"given_name": "Zhanar", "family_name": "Akhmetova", "birth_year": 1988},
    {"given_name": "Диана", "family_name": "Каримова", "birth_year": 1977},
]
NAMES = ["Жанар", "Юсупова", "Zhanar", "Yusupova", "Дильноза", "Akhmetova", "Диана", "Каримова"]


def open_case(membership: Membership, person: dict) -> Case:
    actor = Actor.of(membership.user, membership)
    person = {"gender": "Feminine", "citizenship": "KZ", **person}
    return services.case_open(actor=actor, person=person, opened_on=date(2025, 3, 1))


def finished_run(organization: Organization, scope: str = LinkageScope.ORGANIZATION) -> LinkageRun:
    run = linkage_run_open(organization=organization, scope=scope)
    return linkage_run_execute(run_id=run.uuid)


def make_coordinator(organization: Organization) -> Organization:
    organization.national_coordinator = True
    organization.save(update_fields=["national_coordinator"])
    return organization
