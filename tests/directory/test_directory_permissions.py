"""Every directory page and endpoint: anonymous, every role of two organizations, the platform
admin. Every member reads the directory (A's listed services and hotline numbers included);
organization admins and supervisors (``directory.manage``) change their own organization's
entries only: those of Crisis Centre A are 404 to Hotline B's managers. Others get 403.
"""

from __future__ import annotations

import json
import re

import pytest

from opennrm.audit.models import AuditEvent
from opennrm.directory.urls import urlpatterns
from tests.accounts.test_permission_matrix import PRINCIPALS, ROLE_KEYS, Endpoint, client_for
from tests.conftest import World
from tests.directory.factories import entry, hotline

EVERY_MEMBER = frozenset(ROLE_KEYS)
MANAGERS = frozenset({"supervisor", "organization_admin"})
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def entry_of_a(world: World):
    made = getattr(world, "_entry", None)
    if made is None:
        made = entry(world.a["supervisor"], description="Listed by A")
        world._entry = made  # type: ignore[attr-defined]
        world._hotline = hotline(world.a["supervisor"])  # type: ignore[attr-defined]
    return made


def hotline_of_a(world: World):
    entry_of_a(world)
    return world._hotline  # type: ignore[attr-defined]


def page(path: str):
    def url(world: World) -> str:
        entry_of_a(world)
        return path

    return url


def entry_form(world: World) -> dict:
    return {"service_type": "Legal", "languages": "ru", "countries": "KZ", "version": 1}


def hotline_form(world: World) -> dict:
    return {"country": "KZ", "number": "+7 727 300 00 01", "version": 1}


PAGES = [
    Endpoint("search", "get", page("/directory/"), EVERY_MEMBER),
    Endpoint(
        "search filtered",
        "get",
        page("/directory/?service_type=Shelter&country=KZ&city=Almaty&language=ru"),
        EVERY_MEMBER,
    ),
    Endpoint(
        "organization",
        "get",
        lambda w: f"/directory/organizations/{entry_of_a(w).organization.uuid}/",
        EVERY_MEMBER,
    ),
    Endpoint("entry new form", "get", page("/directory/services/new/"), MANAGERS),
    Endpoint(
        "entry new", "post", page("/directory/services/new/"), MANAGERS, ok=302, data=entry_form
    ),
    Endpoint(
        "entry edit form",
        "get",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/edit/",
        MANAGERS,
        scoped=True,
    ),
    Endpoint(
        "entry edit",
        "post",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/edit/",
        MANAGERS,
        ok=302,
        scoped=True,
        data=entry_form,
    ),
    Endpoint(
        "entry withdraw",
        "post",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/withdraw/",
        MANAGERS,
        ok=302,
        scoped=True,
    ),
    Endpoint(
        "entry relist",
        "post",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/relist/",
        MANAGERS,
        ok=302,
        scoped=True,
    ),
    Endpoint("hotline new form", "get", page("/directory/hotlines/new/"), MANAGERS),
    Endpoint(
        "hotline new",
        "post",
        page("/directory/hotlines/new/"),
        MANAGERS,
        ok=302,
        data=hotline_form,
    ),
    Endpoint(
        "hotline edit form",
        "get",
        lambda w: f"/directory/hotlines/{hotline_of_a(w).uuid}/edit/",
        MANAGERS,
        scoped=True,
    ),
    Endpoint(
        "hotline edit",
        "post",
        lambda w: f"/directory/hotlines/{hotline_of_a(w).uuid}/edit/",
        MANAGERS,
        ok=302,
        scoped=True,
        data=hotline_form,
    ),
    Endpoint(
        "hotline withdraw",
        "post",
        lambda w: f"/directory/hotlines/{hotline_of_a(w).uuid}/withdraw/",
        MANAGERS,
        ok=302,
        scoped=True,
    ),
]


def api(path: str):
    def url(world: World) -> str:
        entry_of_a(world)
        return "/api/v1/directory" + path

    return url


ENDPOINTS = [
    Endpoint("api services", "get", api("/services"), EVERY_MEMBER, api=True),
    Endpoint(
        "api service create",
        "post",
        api("/services"),
        MANAGERS,
        ok=201,
        api=True,
        data=lambda w: {"service_type": "Medical", "languages": ["ru"]},
    ),
    Endpoint(
        "api service",
        "get",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}",
        EVERY_MEMBER,
        api=True,
    ),
    Endpoint(
        "api service patch",
        "patch",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}",
        MANAGERS,
        api=True,
        scoped=True,
        data=lambda w: {"version": 1, "capacity_free": 0},
    ),
    Endpoint(
        "api service withdraw",
        "post",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}/withdraw",
        MANAGERS,
        api=True,
        scoped=True,
        data=lambda w: {},
    ),
    Endpoint(
        "api service relist",
        "post",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}/relist",
        MANAGERS,
        api=True,
        scoped=True,
        data=lambda w: {},
    ),
    Endpoint("api hotlines", "get", api("/hotlines?country=KZ"), EVERY_MEMBER, api=True),
    Endpoint(
        "api hotline create",
        "post",
        api("/hotlines"),
        MANAGERS,
        ok=201,
        api=True,
        data=lambda w: {"country": "UZ", "number": "+998 71 200 00 00", "languages": ["uz"]},
    ),
    Endpoint(
        "api hotline",
        "get",
        lambda w: f"/api/v1/directory/hotlines/{hotline_of_a(w).uuid}",
        EVERY_MEMBER,
        api=True,
    ),
    Endpoint(
        "api hotline patch",
        "patch",
        lambda w: f"/api/v1/directory/hotlines/{hotline_of_a(w).uuid}",
        MANAGERS,
        api=True,
        scoped=True,
        data=lambda w: {"version": 1, "hours": "Mon-Fri 9-18"},
    ),
    Endpoint(
        "api hotline withdraw",
        "post",
        lambda w: f"/api/v1/directory/hotlines/{hotline_of_a(w).uuid}/withdraw",
        MANAGERS,
        api=True,
        scoped=True,
        data=lambda w: {},
    ),
]


def test_every_page_and_route_is_in_the_matrix(world: World) -> None:
    from opennrm.api.directory import router

    def as_pattern(url: str) -> str:
        url = url.split("?")[0]
        url = re.sub(rf"organizations/{UUID}", "organizations/<uuid:organization_id>", url)
        url = re.sub(rf"services/{UUID}", "services/<uuid:entry_id>", url)
        return re.sub(rf"hotlines/{UUID}", "hotlines/<uuid:hotline_id>", url).removeprefix("/")

    assert {as_pattern(e.url(world)) for e in PAGES} == {str(p.pattern) for p in urlpatterns}
    routes = {
        (method.lower(), re.sub(r"\{\w+\}", "{}", path))
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    covered = {
        (e.method, re.sub(UUID, "{}", e.url(world).split("?")[0]).removeprefix("/api/v1/directory"))
        for e in ENDPOINTS
    }
    assert covered == routes


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("endpoint", PAGES + ENDPOINTS, ids=lambda e: e.name)
def test_access(world: World, endpoint: Endpoint, principal: str) -> None:
    url = endpoint.url(world)
    client = client_for(world, principal)
    data = endpoint.data(world) if endpoint.data else None
    writes = AuditEvent.objects.filter(action__regex=r"^(directory_entry|hotline_number)\.")
    before = writes.count()
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
    if endpoint.api and expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if expected != endpoint.ok and endpoint.method != "get":
        assert writes.count() == before  # a refusal changes nothing
    if expected == 200 and endpoint.name in ("search", "organization", "api services"):
        # Every member reads A's listed service, whichever organization they are in.
        assert "Listed by A" in response.content.decode()
