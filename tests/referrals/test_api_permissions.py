"""Every referrals API endpoint: anonymous, every role of two organizations, the platform admin.

The same rules as the pages (tests/referrals/test_page_permissions.py), answered as the API
answers: 401 without credentials, 403 without the permission, 404 for a referral one may not
see, and 422 naming ``case_id`` when the case in the body is not one the caller sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from opennrm.api.api import api
from opennrm.audit.models import AuditEvent
from tests.accounts.test_permission_matrix import PRINCIPALS, client_for
from tests.conftest import World
from tests.referrals.factories import UNSHARED_VALUES
from tests.referrals.test_page_permissions import (
    A_SEES,
    B_SEES,
    CHANGES,
    RESPOND,
    STATS,
    SUPERVISOR,
    VIEW,
    accepted,
    diana,
    referral,
)

CASE_VIEWERS = frozenset({"hotline_operator", "case_worker", "supervisor"})


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    sees: frozenset[str] | None = None
    needs: frozenset[str] | None = None
    ok: int = 200
    data: Callable[[World], dict] | None = None
    hidden: int = 404  # the answer for an object the caller may not see

    def expected(self, principal: str) -> int:
        if principal == "anonymous":
            return 401
        role = principal.rpartition(":")[2]
        if role not in self.allowed:
            return 403
        if self.sees is not None and principal not in self.sees:
            return self.hidden
        if self.needs is not None and role not in self.needs:
            return 403
        return self.ok


def at(suffix: str = "", of=referral) -> Callable[[World], str]:
    return lambda w: f"/api/v1/referrals/{of(w).uuid}{suffix}"


def listing(suffix: str = "") -> Callable[[World], str]:
    def url(world: World) -> str:
        referral(world)
        return f"/api/v1/referrals{suffix}"

    return url


def send_body(world: World) -> dict:
    return {
        "case_id": str(diana(world).uuid),
        "to_organization_id": str(world.org_b.uuid),
        "reason": "AdditionalServicesRequired",
        "services_requested": ["Medical"],
        "shared_fields": ["given_name", "gender"],
    }


ENDPOINTS = [
    Endpoint("inbox", "get", listing(), VIEW),
    Endpoint("outbox", "get", listing("?box=outbox"), VIEW),
    Endpoint("attention", "get", listing("?box=attention"), SUPERVISOR),
    Endpoint("stats", "get", listing("/stats"), STATS),
    # The case is named in the body: a case the caller cannot see is a 422 on case_id.
    Endpoint(
        "send", "post", listing(), CASE_VIEWERS, sees=A_SEES, ok=201, data=send_body, hidden=422
    ),
    Endpoint("get", "get", at(), VIEW, sees=A_SEES | B_SEES),
    Endpoint("history", "get", at("/history"), VIEW, sees=A_SEES | B_SEES),
    Endpoint("accept", "post", at("/accept"), VIEW, sees=B_SEES, needs=RESPOND),
    Endpoint(
        "decline",
        "post",
        at("/decline"),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        data=lambda w: {"reason": "No capacity."},
    ),
    Endpoint(
        "complete",
        "post",
        at("/complete", of=accepted),
        VIEW,
        sees=B_SEES,
        needs=RESPOND,
        data=lambda w: {"outcome": "Done."},
    ),
    Endpoint("withdraw", "post", at("/withdraw"), VIEW, sees=A_SEES),
]


def test_every_referrals_operation_is_in_the_matrix() -> None:
    operations = {
        (method.lower(), path)
        for path, item in api.get_openapi_schema()["paths"].items()
        if path.startswith("/api/v1/referrals")
        for method in item
    }
    covered = {
        ("get", "/api/v1/referrals"),
        ("post", "/api/v1/referrals"),
        ("get", "/api/v1/referrals/stats"),
        ("get", "/api/v1/referrals/{referral_id}"),
        ("get", "/api/v1/referrals/{referral_id}/history"),
        ("post", "/api/v1/referrals/{referral_id}/accept"),
        ("post", "/api/v1/referrals/{referral_id}/decline"),
        ("post", "/api/v1/referrals/{referral_id}/complete"),
        ("post", "/api/v1/referrals/{referral_id}/withdraw"),
    }
    assert operations == covered
    assert {(e.method, e.name) for e in ENDPOINTS} >= {("post", "send"), ("get", "get")}


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: Endpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    changes = AuditEvent.objects.filter(action__regex=CHANGES).count()
    if endpoint.method == "post":
        body = json.dumps(endpoint.data(world) if endpoint.data else {})
        response = client.post(url, data=body, content_type="application/json")
    else:
        response = client.get(url)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}: "
        f"{response.content[:300]!r}"
    )
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        if endpoint.method == "post":
            assert AuditEvent.objects.filter(action__regex=CHANGES).count() == changes
    if expected == 422:
        assert [e["field"] for e in response.json()["errors"]] == ["case_id"]
    if expected == 200 and principal.startswith("b:"):
        text = response.content.decode()
        for secret in UNSHARED_VALUES:
            assert secret not in text
        assert str(diana(world).uuid) not in text and diana(world).number not in text
