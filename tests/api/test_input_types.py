"""Bodies and query strings take values of their JSON type only: no conversions a client did
not mean (found by the fuzzing of tests/api/test_fuzz.py)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from opennrm.accounts.services import api_token_create
from opennrm.cases.models import Case
from tests.api.test_case_api import diana_body
from tests.conftest import World


@pytest.fixture
def client(world: World) -> Client:
    member = world.a["case_worker"]
    _, raw = api_token_create(actor=world.actor(member), name="types", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _fields(response) -> set[str]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize("value", ["0", "1700000000", "yesterday"])
def test_a_date_in_a_query_is_iso_only(client, value):
    assert _fields(client.get("/api/v1/cases", {"opened_to": value})) == {"opened_to"}


def test_an_iso_date_in_a_query_is_taken(client):
    assert client.get("/api/v1/cases", {"opened_to": "2020-01-31"}).status_code == 200


@pytest.mark.parametrize(
    ("person", "case", "field"),
    [
        ({"number_of_children": False}, {}, "person.number_of_children"),
        ({"number_of_children": "3"}, {}, "person.number_of_children"),
        ({"birth_date": 0}, {}, "person.birth_date"),
        ({}, {"opened_on": 1700000000}, "opened_on"),
        ({}, {"age_when_trafficked": 17.0}, "age_when_trafficked"),
    ],
)
def test_a_body_value_of_another_type_is_refused(client, person, case, field):
    body = diana_body(**case)
    body["person"].update(person)
    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert field in _fields(response)
    assert not Case.objects.exists()
