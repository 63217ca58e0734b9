"""Every notifications page and endpoint: anonymous, every role of two organizations, the
platform admin. Every member has a notifications page; a notification is its recipient's alone:
anyone else (the same organization or the other one) gets 404 for it.
"""

from __future__ import annotations

import re

import pytest

from opennrm.notifications.urls import urlpatterns
from tests.accounts.test_permission_matrix import PRINCIPALS, ROLE_KEYS, Endpoint, client_for
from tests.conftest import World
from tests.notifications.factories import latest_for, send

EVERY_MEMBER = frozenset(ROLE_KEYS)
SECRET = "Referral R-2005-0001 from Crisis Centre A"


def of_a_case_worker(world: World):
    notification = getattr(world, "_notification", None)
    if notification is None:
        send(world.org_a, message=SECRET)
        notification = latest_for(world.a["case_worker"])
        world._notification = notification  # type: ignore[attr-defined]
    return notification


def page(suffix: str = ""):
    def url(world: World) -> str:
        of_a_case_worker(world)
        return f"/notifications/{suffix}"

    return url


def api(suffix: str = ""):
    def url(world: World) -> str:
        of_a_case_worker(world)
        return f"/api/v1/notifications{suffix}"

    return url


PAGES = [
    Endpoint("list", "get", page(), EVERY_MEMBER),
    Endpoint("list unread", "get", page("?show=unread"), EVERY_MEMBER),
    Endpoint("read all", "post", page("read-all/"), EVERY_MEMBER, ok=302),
    Endpoint(
        "read",
        "post",
        lambda w: f"/notifications/{of_a_case_worker(w).uuid}/read/",
        EVERY_MEMBER,
        ok=302,
        owner="a:case_worker",
    ),
]
ENDPOINTS = [
    Endpoint("api list", "get", api(), EVERY_MEMBER, api=True),
    Endpoint("api unread count", "get", api("/unread-count"), EVERY_MEMBER, api=True),
    Endpoint("api read all", "post", api("/read-all"), EVERY_MEMBER, api=True),
    Endpoint(
        "api read",
        "post",
        lambda w: f"/api/v1/notifications/{of_a_case_worker(w).uuid}/read",
        EVERY_MEMBER,
        api=True,
        owner="a:case_worker",
    ),
]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_every_page_and_route_is_in_the_matrix(world: World) -> None:
    from opennrm.api.notifications import router

    pages = {str(p.pattern) for p in urlpatterns}
    covered = {
        re.sub(UUID, "<uuid:notification_id>", e.url(world).split("?")[0]).removeprefix("/")
        for e in PAGES
    }
    assert covered == pages
    routes = {
        (method.lower(), re.sub(r"\{\w+\}", "{}", path))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    covered_routes = {
        (e.method, re.sub(UUID, "{}", e.url(world)).removeprefix("/api/v1/notifications"))
        for e in ENDPOINTS
    }
    assert covered_routes == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", PAGES + ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: Endpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    if endpoint.api and endpoint.method == "post":
        response = client.post(url, data="{}", content_type="application/json")
    else:
        response = getattr(client, endpoint.method)(url)
    expected = endpoint.expected(principal)
    assert response.status_code == expected, (
        f"{endpoint.name} as {principal}: {response.status_code}, expected {expected}"
    )
    if principal == "anonymous" and not endpoint.api:
        assert response["Location"].startswith("/accounts/login/")
    if endpoint.api and expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    notification = of_a_case_worker(world)
    notification.refresh_from_db()
    if endpoint.name.endswith("read") and principal != "a:case_worker":
        assert notification.read_at is None  # nobody else marks it read
    if endpoint.name.endswith("read all") and principal != "a:case_worker":
        assert notification.read_at is None
    if expected == 200 and endpoint.name in ("list", "api list"):
        text = response.content.decode()
        # Each member sees their own copy: never another user's notification.
        assert str(notification.uuid) not in text or principal == "a:case_worker"
        assert (SECRET in text) == principal.startswith("a:")
    if expected == 200 and endpoint.name == "api list":
        assert len(response.json()["items"]) == (1 if principal.startswith("a:") else 0)
    if expected == 200 and endpoint.name == "api unread count":
        assert response.json()["unread"] == (1 if principal.startswith("a:") else 0)
