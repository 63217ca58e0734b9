"""Directory pages: search, an organization's page, the forms with errors beside the fields."""

from __future__ import annotations

import pytest

from opennrm.directory.models import DirectoryEntry, HotlineNumber
from tests.conftest import World, sign_in
from tests.directory.factories import entry, hotline


@pytest.fixture
def manager(world: World, client):
    return sign_in(client, world.b["supervisor"].user, world.b["supervisor"])


def test_search_page_filters_and_shows_hotlines(world: World, manager) -> None:
    entry(world.a["supervisor"], description="Almaty shelter")
    entry(
        world.b["supervisor"],
        service_type="Reintegration",
        description="Tashkent reintegration",
        languages=["uz"],
        countries=["UZ"],
        contact_phone="+998 71 200 00 00",
    )
    hotline(world.b["supervisor"], country="UZ", number="+998 71 200 00 00")
    html = manager.get("/directory/").content.decode()
    assert "Almaty shelter" in html and "Tashkent reintegration" in html
    assert "+998 71 200 00 00" in html  # shown as written, not as E.164
    html = manager.get("/directory/", {"language": "uz", "country": "UZ"}).content.decode()
    assert "Tashkent reintegration" in html and "Almaty shelter" not in html
    html = manager.get("/directory/", {"service_type": "Shelter"}).content.decode()
    assert "Almaty shelter" in html and "Tashkent reintegration" not in html
    nav = manager.get("/directory/").context["navigation"]
    assert any(item["url"] == "/directory/" and item["current"] for item in nav)


def test_a_manager_lists_a_service_with_errors_beside_the_fields(world: World, manager) -> None:
    response = manager.post(
        "/directory/services/new/",
        {"service_type": "Legal", "languages": ["ru", "qq9"], "countries": ["UZ", "XX"]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "languages" in form.errors and "countries" in form.errors
    assert not DirectoryEntry.objects.exists()
    response = manager.post(
        "/directory/services/new/",
        {
            "service_type": "Legal",
            "languages": ["uz", "ru"],
            "countries": ["UZ"],
            "contact_phone": "71 200 00 00",
            "capacity_free": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/directory/organizations/{world.org_b.uuid}/"
    created = DirectoryEntry.objects.get()
    assert created.contact_phone == "+998712000000"  # read in the organization's country


def test_edit_withdraw_and_relist(world: World, manager) -> None:
    shelter = entry(world.b["supervisor"], countries=["UZ"], contact_phone="+998 71 200 00 00")
    form = manager.get(f"/directory/services/{shelter.uuid}/edit/").context["form"]
    data = {k: v if v is not None else "" for k, v in form.initial.items()}
    data["capacity_free"] = 0
    assert manager.post(f"/directory/services/{shelter.uuid}/edit/", data).status_code == 302
    shelter.refresh_from_db()
    assert shelter.capacity_free == 0 and shelter.version == 2
    stale = manager.post(f"/directory/services/{shelter.uuid}/edit/", data)
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    manager.post(f"/directory/services/{shelter.uuid}/withdraw/")
    shelter.refresh_from_db()
    assert not shelter.is_active
    worker = sign_in(type(manager)(), world.a["case_worker"].user, world.a["case_worker"])
    assert "Shelter for women" not in worker.get("/directory/").content.decode()
    own = manager.get(f"/directory/organizations/{world.org_b.uuid}/").content.decode()
    assert "not listed" in own
    manager.post(f"/directory/services/{shelter.uuid}/relist/")
    assert "Shelter for women" in worker.get("/directory/").content.decode()


def test_hotline_form_refuses_a_number_of_another_country(world: World, manager) -> None:
    response = manager.post(
        "/directory/hotlines/new/", {"country": "TJ", "number": "+998 71 200 00 00"}
    )
    assert response.status_code == 200 and "number" in response.context["form"].errors
    response = manager.post(
        "/directory/hotlines/new/",
        {"country": "UZ", "number": "+998 71 200 00 00", "free_of_charge": "on"},
    )
    assert response.status_code == 302
    assert HotlineNumber.objects.get().free_of_charge


def test_api_422_names_the_field(world: World, manager) -> None:
    response = manager.post(
        "/api/v1/directory/services",
        {"service_type": "Legal", "countries": ["UZ", "ZZ"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["countries[1]"]
    response = manager.post(
        "/api/v1/directory/services",
        {"service_type": "Legal", "unknown": 1},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "unknown"
