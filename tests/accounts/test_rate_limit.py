"""Name searches and sign-in are limited per user and per address, answered with a clear 429."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opennrm.accounts import ratelimit, services
from tests.conftest import PASSWORD


def _bearer(world, membership) -> dict:
    _token, raw = services.api_token_create(actor=world.actor(membership), name="t", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_every_limited_route_still_exists():
    for (_method, name), scope in ratelimit.LIMITED_ROUTES.items():
        assert reverse(name)
        assert scope in ratelimit.DEFAULT_LIMITS


def test_the_case_list_name_search_answers_429_past_the_limit(world, signed_in, settings):
    settings.OPENNRM_RATE_LIMITS = {"name_search": {"per_user": 3}}
    member = world.a["case_worker"]
    client = signed_in(member.user, member)
    for _ in range(3):
        assert client.post("/cases/", {"q": "Aigerim"}).status_code == 200
    refused = client.post("/cases/", {"q": "Aigerim"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Too many requests" in refused.content.decode()
    assert "Aigerim" not in refused.content.decode()
    # The list itself (a GET, no name) is not a search.
    assert client.get("/cases/").status_code == 200
    # Another user is counted apart.
    other = world.a["supervisor"]
    assert signed_in(other.user, other).post("/cases/", {"q": "Aigerim"}).status_code == 200


def test_the_api_name_search_answers_problem_json_429(world, settings):
    settings.OPENNRM_RATE_LIMITS = {"name_search": {"per_user": 300}}
    member = world.a["case_worker"]
    headers = _bearer(world, member)
    client = Client()
    for _ in range(300):
        response = client.post(
            "/api/v1/cases/search", {"q": "Aigerim"}, content_type="application/json", **headers
        )
        assert response.status_code == 200
    # The 301st search in the window.
    response = client.post(
        "/api/v1/cases/search", {"q": "Aigerim"}, content_type="application/json", **headers
    )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    # A second token of the same user does not start a new count.
    response = client.post(
        "/api/v1/cases/search",
        {"q": "Aigerim"},
        content_type="application/json",
        **_bearer(world, member),
    )
    assert response.status_code == 429


def test_the_limit_holds_per_address_across_users(world, signed_in, settings):
    settings.OPENNRM_RATE_LIMITS = {"name_search": {"per_user": 100, "per_address": 2}}
    first, second = world.a["case_worker"], world.a["supervisor"]
    assert signed_in(first.user, first).post("/cases/", {"q": "x"}).status_code == 200
    assert signed_in(second.user, second).post("/cases/", {"q": "x"}).status_code == 200
    assert signed_in(second.user, second).post("/cases/", {"q": "x"}).status_code == 429
    # From another address the same user is answered.
    other_address = signed_in(second.user, second)
    other_address.defaults["REMOTE_ADDR"] = "203.0.113.9"
    assert other_address.post("/cases/", {"q": "x"}).status_code == 200


def test_sign_in_is_limited_per_account_even_with_the_right_password(world, settings):
    settings.OPENNRM_RATE_LIMITS = {"sign_in": {"per_user": 2}}
    email = world.a["data_analyst"].user.email
    for _ in range(2):
        response = Client().post("/accounts/login/", {"username": email, "password": PASSWORD})
        assert response.status_code == 302
    refused = Client().post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert refused.status_code == 429
    assert "Retry-After" in refused
    # Another account from the same address signs in.
    other = world.a["hotline_operator"].user.email
    response = Client().post("/accounts/login/", {"username": other, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("count", [3])
def test_unknown_bearer_tokens_are_limited_per_address(world, settings, count):
    settings.OPENNRM_RATE_LIMITS = {"token_failure": {"per_address": count}}
    client = Client()
    for _ in range(count):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer onrm_guess")
        assert response.status_code == 401
    # Past the limit even a good token from that address waits.
    response = client.get("/api/v1/me", **_bearer(world, world.a["case_worker"]))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
