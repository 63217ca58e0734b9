"""The REST API: OpenAPI, personal tokens, problem details, optimistic locking, CSRF."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from opennrm.accounts import services
from opennrm.accounts.models import ApiToken, Organization
from tests.conftest import sign_in


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_document_lists_the_endpoints():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me" in paths and "/api/v1/organizations" in paths


def test_token_acts_through_its_one_membership(world):
    member = world.a["case_worker"]
    services.membership_create(
        actor=world.platform,
        organization=world.org_b,
        email=member.user.email,
        full_name="",
        role="supervisor",
    )
    token, raw = services.api_token_create(actor=world.actor(member), name="sync", days=5)
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["active_membership"]["organization_id"] == str(world.org_a.uuid)
    assert [m["organization_id"] for m in body["memberships"]] == [str(world.org_a.uuid)]
    assert "members.view" not in body["permissions"]  # the B supervisor role is not in reach
    # Only the digest is stored.
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert token.prefix == raw[:12]


def test_expired_revoked_unknown_or_deactivated_tokens_are_refused(world):
    member = world.a["hotline_operator"]
    actor = world.actor(member)
    expired, expired_raw = services.api_token_create(actor=actor, name="old", days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_raw = services.api_token_create(actor=actor, name="revoked", days=1)
    services.api_token_revoke(actor=actor, token=revoked)
    _, live_raw = services.api_token_create(actor=actor, name="live", days=1)
    for raw in (expired_raw, revoked_raw, "onrm_not-a-token"):
        response = Client().get("/api/v1/me", **bearer(raw))
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
    assert Client().get("/api/v1/me", **bearer(live_raw)).status_code == 200
    services.membership_deactivate(
        actor=world.actor(world.a["organization_admin"]), membership=member
    )
    assert Client().get("/api/v1/me", **bearer(live_raw)).status_code == 401


def test_token_lifetime_is_bounded(world, settings):
    actor = world.actor(world.a["case_worker"])
    try:
        services.api_token_create(actor=actor, name="forever", days=settings.API_TOKEN_MAX_DAYS + 1)
    except services.ValidationFailed as exc:
        assert "days" in exc.errors
    else:
        raise AssertionError("a token longer than the maximum was created")


def test_token_creation_page_shows_the_token_once(world):
    member = world.a["case_worker"]
    client = sign_in(Client(), member.user, member)
    page = client.post("/tokens/", {"name": "laptop", "days": 7}).content.decode()
    raw = re.search(r"<code>(onrm_[A-Za-z0-9_-]{40,})</code>", page).group(1)
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 200
    assert raw not in client.get("/tokens/").content.decode()


def test_invalid_body_gives_problem_details_with_field_paths_and_saves_nothing(world):
    client = sign_in(Client(), world.platform_admin)
    before = Organization.objects.count()
    response = client.post(
        "/api/v1/organizations",
        data=json.dumps({"org_type": "NGO", "country": "XX", "phone": "12"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_failed"
    assert {e["field"] for e in body["errors"]} == {"name"}

    response = client.post(
        "/api/v1/organizations",
        data=json.dumps({"name": "Shelter", "org_type": "Castle", "country": "XX", "phone": "12"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) == {"org_type", "country", "phone"}
    assert "XX" in fields["country"]
    assert Organization.objects.count() == before


def test_stale_version_is_refused_with_409(world):
    client = sign_in(Client(), world.platform_admin)
    url = f"/api/v1/organizations/{world.org_a.uuid}"
    first = client.patch(
        url, data=json.dumps({"version": 1, "city": "Astana"}), content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        url, data=json.dumps({"version": 1, "city": "Shymkent"}), content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert Organization.objects.get(pk=world.org_a.pk).city == "Astana"


def test_stale_edit_on_the_page_is_refused_with_a_message(world):
    client = sign_in(Client(), world.platform_admin)
    url = f"/platform/organizations/{world.org_a.uuid}/"
    services.organization_update(
        actor=world.platform, organization=world.org_a, version=1, city="Astana"
    )
    response = client.post(
        url, {"name": "Renamed", "org_type": "NGO", "country": "KZ", "version": 1}
    )
    assert response.status_code == 200
    assert "Someone else changed this organization" in response.content.decode()
    assert Organization.objects.get(pk=world.org_a.pk).name == "Crisis Centre A"


def test_bad_form_input_is_shown_beside_the_field(world):
    client = sign_in(Client(), world.platform_admin)
    response = client.post(
        "/platform/organizations/", {"name": "Shelter", "org_type": "NGO", "country": "ZZ"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_country-error"' in page and "ZZ" in page
    assert not Organization.objects.filter(name="Shelter").exists()


def test_session_writes_need_the_csrf_token(world):
    client = sign_in(Client(enforce_csrf_checks=True), world.platform_admin)
    response = client.post(
        "/api/v1/organizations",
        data=json.dumps({"name": "Shelter", "org_type": "NGO", "country": "KG"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="Shelter").exists()
