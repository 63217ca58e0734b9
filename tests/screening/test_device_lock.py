"""The device lock of the self-answer mode: once the person's pages are shown, the session reaches
nothing else (pages, API, other screenings) until the worker gives their own password."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.factories import open_diana
from tests.conftest import PASSWORD, World, sign_in
from tests.screening.test_page_permissions import draft


@pytest.fixture
def handed_over(world: World) -> tuple[Client, str]:
    worker = world.a["case_worker"]
    client = sign_in(Client(), worker.user, worker)
    screening = draft(world, open_diana(worker))
    assert client.get(f"/screenings/{screening.uuid}/self/").status_code == 200
    return client, str(screening.uuid)


@pytest.mark.parametrize(
    "path", ["/", "/cases/", "/cases/new/", "/api/v1/me", "/api/v1/cases", "/members/"]
)
def test_a_locked_device_reaches_only_the_questions(handed_over, path):
    client, screening = handed_over
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/screenings/{screening}/self/question/"


def test_the_worker_pages_of_the_same_screening_are_locked_too(handed_over):
    client, screening = handed_over
    for path in (f"/screenings/{screening}/", f"/screenings/{screening}/answer/D1/"):
        assert client.get(path)["Location"] == f"/screenings/{screening}/self/question/"
    assert client.get(f"/screenings/{screening}/self/question/").status_code == 200
    assert client.get(f"/screenings/{screening}/self/done/").status_code == 200


def test_a_wrong_password_keeps_the_lock_the_right_one_lifts_it(handed_over):
    client, screening = handed_over
    wrong = client.post(f"/screenings/{screening}/self/unlock/", {"password": "guess"})
    assert wrong.status_code == 200 and b"unlock-error" in wrong.content
    assert client.get("/cases/").status_code == 302
    right = client.post(f"/screenings/{screening}/self/unlock/", {"password": PASSWORD})
    assert right["Location"] == f"/screenings/{screening}/"
    assert client.get("/cases/").status_code == 200


def test_signing_out_is_always_possible(handed_over):
    client, _screening = handed_over
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and "/self/" not in response["Location"]
