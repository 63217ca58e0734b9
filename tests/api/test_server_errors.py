"""Inputs that used to answer 500 (and a traceback in demo mode) answer 4xx problem+json.

Each test runs twice: with the test settings (as production: DEBUG off) and as the demo runs
(``make run``: DEBUG on, OPENNRM_DEMO_MODE on), where Django and django-ninja print tracebacks.
"""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from PIL import Image

from opennrm.accounts.services import api_token_create
from opennrm.cases.attachments import Attachment
from opennrm.cases.models import Note
from tests.cases.factories import open_diana
from tests.conftest import World

PROBLEM = "application/problem+json"


@pytest.fixture(params=["production", "demo"])
def mode(request, settings) -> str:
    if request.param == "demo":
        settings.DEBUG = True
        settings.DEMO_MODE = True
    return request.param


@pytest.fixture
def client(world: World, mode: str) -> Client:
    """A case worker's bearer token; exceptions answered as a server would, not re-raised."""
    member = world.a["case_worker"]
    _, raw = api_token_create(actor=world.actor(member), name="errors", days=1)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")


def assert_problem(response, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM
    text = response.content.decode()
    assert "Traceback" not in text and 'File "' not in text
    body = json.loads(text)
    assert body["status"] == response.status_code
    assert body["code"] and body["title"]
    return body


def test_offset_beyond_64_bits_is_a_field_error(client):
    response = client.get("/api/v1/cases?offset=99999999999999999999")
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["offset"]


def test_offset_at_the_largest_integer_is_a_field_error_too(client):
    response = client.get(f"/api/v1/cases?offset={2**63 - 1}")
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["offset"]


def test_body_over_the_upload_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"q": "x" * 20_000})
    response = client.post("/api/v1/cases/search", data=body, content_type="application/json")
    assert_problem(response, 413)


def test_body_over_the_upload_limit_of_a_list_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.generic(
        "POST", "/api/v1/cases", "x" * 20_000, content_type="application/json"
    )
    assert_problem(response, 413)


def test_filename_of_5000_characters_is_refused(world, client):
    case = open_diana(world.a["case_worker"])
    # Written by hand: Django's own upload classes cut a name to 255 characters before sending.
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{"a" * 4996}.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + _png()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.generic(
        "POST",
        f"/api/v1/cases/{case.uuid}/attachments",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert_problem(response, 400)
    assert Attachment.objects.count() == 0


def test_lone_surrogate_in_json_text_is_refused(world, client):
    case = open_diana(world.a["case_worker"])
    # JSON allows the escape; Python decodes it to a lone surrogate no encoder can write.
    raw = '{"body": "x\\ud800y"}'
    response = client.post(
        f"/api/v1/cases/{case.uuid}/notes", data=raw, content_type="application/json"
    )
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["body"]
    assert Note.objects.count() == 0


def test_lone_surrogate_in_a_nested_field_names_the_field(client):
    raw = '{"person": {"given_name": "\\udc00"}, "opened_on": "2020-01-01"}'
    response = client.post("/api/v1/cases", data=raw, content_type="application/json")
    body = assert_problem(response, 422)
    assert "person.given_name" in {e["field"] for e in body["errors"]}


def test_integer_beyond_64_bits_in_a_body_names_the_field(world, client):
    case = open_diana(world.a["case_worker"])
    raw = json.dumps({"version": 2**70, "city_of_exploitation": "Almaty"})
    response = client.patch(f"/api/v1/cases/{case.uuid}", data=raw, content_type="application/json")
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["version"]


def test_unknown_api_url_is_a_problem(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_a_problem(client):
    assert_problem(client.delete("/api/v1/me"), 405)


def test_malformed_json_is_a_problem(client):
    response = client.post("/api/v1/cases/search", data="{", content_type="application/json")
    assert_problem(response, (400, 422))


def test_unauthenticated_unknown_url_is_a_problem(mode):
    response = Client(raise_request_exception=False).get("/api/v1/nowhere/at/all")
    assert_problem(response, (401, 404))


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def test_a_server_error_is_a_problem_without_the_traceback(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug with a secret inside")

    monkeypatch.setattr("opennrm.cases.selectors.case_list", broken)
    response = client.get("/api/v1/cases")
    body = assert_problem(response, 500)
    assert body["code"] == "server_error"
    assert "secret" not in response.content.decode()
