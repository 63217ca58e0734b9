"""Directory services and search: validation naming the field, own organization only, search by
service type, place and language, withdrawal, audit without values."""

from __future__ import annotations

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.directory import selectors, services
from opennrm.directory.models import DirectoryEntry
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.conftest import World
from tests.directory.factories import entry, hotline


def test_an_entry_is_stored_normalized_and_audited_without_values(world: World) -> None:
    shelter = entry(world.a["supervisor"], languages="RU, kk", countries=["kz", "UZ"])
    assert shelter.languages == ["ru", "kk"] and shelter.countries == ["KZ", "UZ"]
    assert shelter.contact_phone == "+77273000000"
    event = AuditEvent.objects.get(action="directory_entry.create")
    assert event.object_id == shelter.uuid and "contact_phone" in event.fields
    assert "+77273000000" not in str(event.fields)


@pytest.mark.parametrize(
    "fields, bad",
    [
        ({"service_type": "Spa"}, "service_type"),
        ({"service_type": ""}, "service_type"),
        ({"languages": ["ru", "xx1"]}, "languages[1]"),
        ({"countries": ["KZ", "XX"]}, "countries[1]"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"capacity_free": -1}, "capacity_free"),
        ({"capacity_free": "many"}, "capacity_free"),
        ({"capacity_free": 13, "capacity_total": 12}, "capacity_free"),
        ({"hours": "x" * 201}, "hours"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world: World, fields, bad) -> None:
    with pytest.raises(ValidationFailed) as refused:
        entry(world.a["supervisor"], **fields)
    assert bad in refused.value.errors
    assert not DirectoryEntry.objects.exists()


def test_only_managers_write_and_only_their_own_organizations_entries(world: World) -> None:
    with pytest.raises(PermissionDenied):
        entry(world.a["case_worker"])
    shelter = entry(world.a["organization_admin"])
    other = world.actor(world.b["supervisor"])
    with pytest.raises(NotFound):
        services.directory_entry_update(actor=other, entry=shelter, version=1, hours="9-18")
    with pytest.raises(NotFound):
        services.directory_entry_withdraw(actor=other, entry=shelter)
    with pytest.raises(NotFound):
        selectors.directory_entry_own(actor=other, entry_id=shelter.uuid)
    mine = world.actor(world.a["supervisor"])
    services.directory_entry_update(actor=mine, entry=shelter, version=1, capacity_free=0)
    with pytest.raises(Conflict):
        services.directory_entry_update(actor=mine, entry=shelter, version=1, capacity_free=2)


def test_search_by_service_place_and_language(world: World) -> None:
    entry(world.a["supervisor"])  # a shelter in Almaty, ru/kk, serving KZ
    entry(
        world.b["supervisor"],
        service_type="Reintegration",
        languages=["uz", "ru"],
        countries=["UZ"],
        region="Tashkent region",
        capacity_free=None,
        capacity_total=None,
        contact_phone="+998 71 200 00 00",
    )
    legal = entry(
        world.b["supervisor"], service_type="Legal", countries=[], languages=["uz"], region=""
    )
    viewer = world.actor(world.a["data_analyst"])

    def found(**filters) -> set[str]:
        rows = selectors.directory_entry_list(
            actor=viewer, filters=selectors.DirectoryFilters(**filters)
        )
        return {row.service_type for row in rows}

    assert found() == {"Shelter", "Reintegration", "Legal"}
    assert found(service_type="Shelter") == {"Shelter"}
    assert found(country="UZ") == {"Reintegration", "Legal"}  # Legal: Hotline B's country
    assert found(country="kz") == {"Shelter"}
    assert found(city="tashkent") == {"Reintegration", "Legal"}  # region, or the org's city
    assert found(city="Almaty") == {"Shelter"}
    assert found(language="uz") == {"Reintegration", "Legal"}
    assert found(language="kk", country="KZ", service_type="Shelter") == {"Shelter"}
    assert found(language="tg") == set()
    services.directory_entry_withdraw(actor=world.actor(world.b["supervisor"]), entry=legal)
    assert found(country="UZ") == {"Reintegration"}
    offering = selectors.organizations_offering(actor=viewer, service_type="Reintegration")
    assert list(offering) == [world.org_b]


def test_hotline_numbers_validated_for_their_country(world: World) -> None:
    number = hotline(world.b["organization_admin"], country="uz", number="+998 71 200 00 00")
    assert number.country == "UZ" and number.number == "+998712000000"
    for fields, bad in [
        ({"country": "ZZ"}, "country"),
        ({"country": "TJ", "number": "+998 71 200 00 01"}, "number"),  # an Uzbek number
        ({"number": "not a number"}, "number"),
        ({"number": ""}, "number"),
        ({"number": "+998 71 200 00 00", "country": "UZ"}, "number"),  # already listed
        ({"languages": ["english"]}, "languages[0]"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            hotline(world.b["organization_admin"], **fields)
        assert bad in refused.value.errors, fields
    short = hotline(world.a["supervisor"], country="KZ", number="112")
    assert short.number == "112"
    listed = selectors.hotline_number_list(
        actor=world.actor(world.a["service_provider"]),
        filters=selectors.HotlineFilters(country="UZ"),
    )
    assert list(listed) == [number]
    assert list(selectors.hotline_number_public_list(country="UZ")) == [number]
