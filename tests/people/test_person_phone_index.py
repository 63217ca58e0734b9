"""The phone index of persons: kept by the case services, backfilled by the migration."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from opennrm.cases import services as case_services
from opennrm.crypto.keyring import blind_index
from opennrm.people.models import PersonPhone
from tests.cases.factories import open_diana


def _tokens(person) -> set[str]:
    return set(PersonPhone.objects.filter(person=person).values_list("token", flat=True))


def test_opening_a_case_indexes_the_person_s_phones(world):
    case = open_diana(world.a["case_worker"])
    assert _tokens(case.person) == {blind_index("+998901234567", purpose="phone")}
    assert PersonPhone.objects.get().organization == world.org_a


def test_changing_only_the_phones_reindexes_them(world):
    case = open_diana(world.a["case_worker"])
    case_services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        version=case.person.version,
        phones=["+7 701 555 01 42", "+7 (701) 555-01-42", "+998 90 765 43 21"],
    )
    assert _tokens(case.person) == {
        blind_index("+77015550142", purpose="phone"),
        blind_index("+998907654321", purpose="phone"),
    }


def test_the_migration_backfills_existing_persons(world):
    first = open_diana(world.a["case_worker"])
    second = open_diana(world.b["case_worker"])
    PersonPhone.objects.all().delete()  # as before the migration
    migration = import_module("opennrm.people.migrations.0002_person_phone")
    migration.backfill_phone_tokens(apps, None)
    token = blind_index("+998901234567", purpose="phone")
    assert _tokens(first.person) == {token} and _tokens(second.person) == {token}
    assert set(PersonPhone.objects.values_list("organization_id", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }
