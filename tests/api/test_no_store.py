"""API answers carry personal data: no browser, proxy or shared cache may keep a copy."""

from __future__ import annotations

from django.test import Client

from opennrm.accounts.services import api_token_create
from tests.cases.factories import open_diana
from tests.conftest import World


def _client(world: World) -> Client:
    member = world.a["case_worker"]
    _, raw = api_token_create(actor=world.actor(member), name="cache", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_case_read_is_not_stored(world):
    case = open_diana(world.a["case_worker"])
    client = _client(world)
    for url in (f"/api/v1/cases/{case.uuid}", f"/api/v1/cases/{case.uuid}/person", "/api/v1/me"):
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert response["Cache-Control"] == "no-store", url


def test_errors_and_lists_are_not_stored_either(world):
    client = _client(world)
    assert client.get("/api/v1/cases")["Cache-Control"] == "no-store"
    assert client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000")["Cache-Control"] == (
        "no-store"
    )
    assert Client().get("/api/v1/me")["Cache-Control"] == "no-store"
