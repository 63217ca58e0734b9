"""A person's address in parts (street, city, region, postal code, country) and several
citizenships: checked, named by field when bad, shown on the person tab."""

from __future__ import annotations

import pytest

from opennrm.cases import services
from opennrm.errors import ValidationFailed
from tests.cases.factories import open_diana


def _update(world, case, **changes):
    return services.person_update(
        actor=world.actor(world.a["case_worker"]),
        case=case,
        version=case.person.version,
        **changes,
    )


def test_the_parts_are_kept_and_empty_ones_left_out(world):
    case = open_diana(world.a["case_worker"])
    person = _update(
        world,
        case,
        address_parts={"city": " Almaty ", "state": "", "postal_code": "050000", "country": "KZ"},
    )
    assert person.address_parts == {"city": "Almaty", "postal_code": "050000", "country": "KZ"}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"address_parts": {"country": "XX"}}, "address_parts.country"),
        ({"address_parts": {"city": "x" * 101}}, "address_parts.city"),
        ({"address_parts": {"street": "Abai 1"}}, "address_parts.street"),
        ({"address_parts": "Almaty"}, "address_parts"),
        ({"other_citizenships": ["KZ", "ZZ"]}, "other_citizenships[1]"),
    ],
)
def test_bad_parts_are_named_and_nothing_is_saved(world, changes, field):
    case = open_diana(world.a["case_worker"])
    version = case.person.version
    with pytest.raises(ValidationFailed) as refused:
        _update(world, case, **changes)
    assert f"person.{field}" in refused.value.errors
    case.person.refresh_from_db()
    assert case.person.version == version and case.person.address_parts == {}


def test_the_person_tab_shows_them(world, client):
    from tests.conftest import sign_in

    case = open_diana(world.a["case_worker"])
    _update(
        world,
        case,
        address="Abai 1",
        address_parts={"city": "Almaty", "country": "KZ"},
        other_citizenships=["RU"],
    )
    membership = world.a["case_worker"]
    page = sign_in(client, membership.user, membership).get(f"/cases/{case.uuid}/person/")
    html = page.content.decode()
    assert "Abai 1" in html and "Almaty" in html and "Kazakhstan" in html and "Russia" in html
