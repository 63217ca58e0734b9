"""Every hotline API endpoint: anonymous, every role of two organizations, the platform admin.

The signals belong to Crisis Centre A. Callers holding ``signals.view`` reach A's signals only
from A: Hotline B's members get 404 for them and an own, empty list. The figures need
``hotline.stats`` and count the caller's organization only. Anonymous callers get 401.
"""

from __future__ import annotations

import json
import re

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.hotline import services
from tests.accounts.test_permission_matrix import PRINCIPALS, Endpoint, client_for
from tests.conftest import World
from tests.hotline.test_signal_page_permissions import (
    SIGNAL_ROLES,
    STATS_ROLES,
    signal_of_a,
)


def at(suffix: str = ""):
    return lambda w: f"/api/v1/signals/{signal_of_a(w).uuid}{suffix}"


def signals(suffix: str = ""):
    def url(world: World) -> str:
        signal_of_a(world)
        return f"/api/v1/signals{suffix}"

    return url


def tip_of_a(world: World) -> str:
    tip = services.web_tip_receive(organization=world.org_a, reason="job_offer_check")
    return f"/api/v1/signals/{tip.uuid}/take"


ENDPOINTS = [
    Endpoint("list", "get", signals(), SIGNAL_ROLES, api=True),
    Endpoint(
        "record",
        "post",
        signals(),
        SIGNAL_ROLES,
        ok=201,
        api=True,
        data=lambda w: {"caller_type": "friend", "reason": "safe_migration"},
    ),
    Endpoint("stats", "get", signals("/stats"), STATS_ROLES, api=True),
    Endpoint("get", "get", at(), SIGNAL_ROLES, api=True, scoped=True),
    Endpoint(
        "patch",
        "patch",
        at(),
        SIGNAL_ROLES,
        api=True,
        scoped=True,
        data=lambda w: {"version": 1, "notes": "Changed"},
    ),
    Endpoint("take", "post", tip_of_a, SIGNAL_ROLES, api=True, scoped=True),
    Endpoint(
        "open case",
        "post",
        at("/open-case"),
        SIGNAL_ROLES,
        ok=201,
        api=True,
        scoped=True,
        data=lambda w: {"version": 1, "person": {"given_name": "Dilnoza"}},
    ),
]


def test_every_signal_route_is_in_the_matrix(world: World) -> None:
    from opennrm.api.hotline import router

    routes = {
        (method.lower(), re.sub(r"\{\w+\}", "{}", path))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    covered = {
        (e.method, re.sub(uuid, "{}", e.url(world)).removeprefix("/api/v1/signals"))
        for e in ENDPOINTS
    }
    assert covered == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: Endpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    changes = AuditEvent.objects.filter(action__regex=r"^(signal|case|person)\.").count()
    if endpoint.data is not None:
        response = getattr(client, endpoint.method)(
            url, data=json.dumps(endpoint.data(world)), content_type="application/json"
        )
    else:
        response = getattr(client, endpoint.method)(url)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        if endpoint.method != "get":
            refused = AuditEvent.objects.filter(action__regex=r"^(signal|case|person)\.")
            assert refused.count() == changes
    text = response.content.decode()
    if principal.startswith("b:"):
        # Hotline B never sees Crisis Centre A's signals, nor counts them.
        assert str(signal_of_a(world).uuid) not in text and "Secret of A" not in text
    if expected == 200 and endpoint.name == "list":
        assert "998901234567" not in text and "Secret of A" not in text
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
    if expected == 200 and endpoint.name == "stats":
        assert response.json()["totals"]["total"] == (1 if principal.startswith("a:") else 0)
