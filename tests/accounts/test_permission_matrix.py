"""Every page and API endpoint: anonymous, every role of two organizations, the platform admin.

Refusals: anonymous pages redirect to sign-in (the API answers 401); a role without the permission
gets 403; an object of another organization (or another user's) is 404, as if it did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from opennrm.accounts import services
from opennrm.accounts.models import Role
from tests.conftest import World, sign_in

ROLE_KEYS = [r.value for r in Role]
PRINCIPALS = ["anonymous", "platform"] + [f"{o}:{r}" for o in "ab" for r in ROLE_KEYS]


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[World], str]
    # Who succeeds: "platform" and role names. The object (if any) belongs to organization A:
    # members of B holding an allowed role get 404 when `scoped`, else succeed in their own B.
    allowed: frozenset[str]
    ok: int = 200
    scoped: bool = False
    api: bool = False
    data: Callable[[World], dict] | None = None
    # The object is one principal's own (a token): everyone else allowed the action gets 404.
    owner: str | None = None

    def expected(self, principal: str) -> int:
        if principal == "anonymous":
            return 401 if self.api else 302
        org, _, role = principal.rpartition(":")
        if role not in self.allowed:
            return 403
        if self.owner is not None:
            return self.ok if principal == self.owner else 404
        return 404 if self.scoped and org == "b" else self.ok


def _token_of_a_case_worker(world: World) -> str:
    token, _raw = services.api_token_create(
        actor=world.actor(world.a["case_worker"]), name="sync", days=5
    )
    return f"/tokens/{token.uuid}/revoke/"


EVERY_MEMBER = frozenset(ROLE_KEYS)
PLATFORM = frozenset({"platform"})
MEMBER_VIEWERS = frozenset({"supervisor", "organization_admin"})
MEMBER_MANAGERS = frozenset({"organization_admin"})


def _member(world: World) -> str:
    return f"/members/{world.a['case_worker'].uuid}/"


ENDPOINTS = [
    Endpoint("home", "get", lambda w: "/", EVERY_MEMBER | PLATFORM),
    Endpoint("members", "get", lambda w: "/members/", MEMBER_VIEWERS),
    Endpoint(
        "member add",
        "post",
        lambda w: "/members/",
        MEMBER_MANAGERS,
        ok=302,
        data=lambda w: {
            "email": "new@example.org",
            "full_name": "New Person",
            "role": "case_worker",
        },
    ),
    Endpoint("member detail", "get", _member, MEMBER_VIEWERS, scoped=True),
    Endpoint(
        "member role",
        "post",
        lambda w: _member(w) + "role/",
        MEMBER_MANAGERS,
        ok=302,
        scoped=True,
        data=lambda w: {"role": "supervisor"},
    ),
    Endpoint(
        "member deactivate",
        "post",
        lambda w: _member(w) + "deactivate/",
        MEMBER_MANAGERS,
        ok=302,
        scoped=True,
    ),
    Endpoint("refused access", "get", lambda w: "/access-denials/", MEMBER_MANAGERS),
    Endpoint("tokens", "get", lambda w: "/tokens/", EVERY_MEMBER),
    Endpoint(
        "token create",
        "post",
        lambda w: "/tokens/",
        EVERY_MEMBER,
        data=lambda w: {"name": "laptop", "days": 10},
    ),
    # Only the owner may revoke a token; everyone else who manages tokens gets 404.
    Endpoint(
        "token revoke",
        "post",
        _token_of_a_case_worker,
        EVERY_MEMBER,
        ok=302,
        owner="a:case_worker",
    ),
    Endpoint("organizations", "get", lambda w: "/platform/organizations/", PLATFORM),
    Endpoint(
        "organization create",
        "post",
        lambda w: "/platform/organizations/",
        PLATFORM,
        ok=302,
        data=lambda w: {"name": "Shelter C", "org_type": "NGO", "country": "KG", "city": "Osh"},
    ),
    Endpoint(
        "organization edit",
        "get",
        lambda w: f"/platform/organizations/{w.org_a.uuid}/",
        PLATFORM,
    ),
    Endpoint(
        "organization save",
        "post",
        lambda w: f"/platform/organizations/{w.org_a.uuid}/",
        PLATFORM,
        ok=302,
        data=lambda w: {
            "name": "Crisis Centre A2",
            "org_type": "NGO",
            "country": "KZ",
            "version": w.org_a.version,
        },
    ),
    Endpoint("api me", "get", lambda w: "/api/v1/me", EVERY_MEMBER | PLATFORM, api=True),
    Endpoint("api organizations", "get", lambda w: "/api/v1/organizations", PLATFORM, api=True),
    Endpoint(
        "api organization create",
        "post",
        lambda w: "/api/v1/organizations",
        PLATFORM,
        ok=201,
        api=True,
        data=lambda w: {"name": "Shelter C", "org_type": "NGO", "country": "KG"},
    ),
    Endpoint(
        "api organization get",
        "get",
        lambda w: f"/api/v1/organizations/{w.org_a.uuid}",
        PLATFORM,
        api=True,
    ),
    Endpoint(
        "api organization patch",
        "patch",
        lambda w: f"/api/v1/organizations/{w.org_a.uuid}",
        PLATFORM,
        api=True,
        data=lambda w: {"version": w.org_a.version, "city": "Astana"},
    ),
]


def client_for(world: World, principal: str) -> Client:
    if principal == "anonymous":
        return Client()
    if principal == "platform":
        return sign_in(Client(), world.platform_admin)
    org, role = principal.split(":")
    membership = getattr(world, org)[role]
    return sign_in(Client(), membership.user, membership)


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: Endpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    data = endpoint.data(world) if endpoint.data else None
    if endpoint.api and data is not None:
        response = getattr(client, endpoint.method)(
            url, data=json.dumps(data), content_type="application/json"
        )
    else:
        response = getattr(client, endpoint.method)(url, data=data)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous" and not endpoint.api:
        assert response["Location"].startswith("/accounts/login/")
