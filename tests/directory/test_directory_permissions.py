"""Every directory page and endpoint: anonymous, every role of two organizations, the platform
admin. Every member reads the directory (A's listed services and hotline numbers included);
organization admins and supervisors (``directory.manage``) change their own organization's
entries only: those of Crisis Centre A are 404 to Hotline B's managers. Others get 403.
The rules, problem+json, and that a refusal changes nothing: tests/support/matrix.py.
"""

from __future__ import annotations

from tests.conftest import World
from tests.directory.factories import entry, hotline
from tests.support.matrix import EVERY_MEMBER, IN_A, Route, check, each

MANAGERS = frozenset({"supervisor", "organization_admin"})


def entry_of_a(world: World):
    def make():
        made = entry(world.a["supervisor"], description="Listed by A")
        world.made["hotline"] = hotline(world.a["supervisor"])
        return made

    return world.once("entry", make)


def hotline_of_a(world: World):
    entry_of_a(world)
    return world.made["hotline"]


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
    Route("search", "get", page("/directory/"), EVERY_MEMBER),
    Route(
        "search filtered",
        "get",
        page("/directory/?service_type=Shelter&country=KZ&city=Almaty&language=ru"),
        EVERY_MEMBER,
    ),
    Route(
        "organization",
        "get",
        lambda w: f"/directory/organizations/{entry_of_a(w).organization.uuid}/",
        EVERY_MEMBER,
    ),
    Route("entry new form", "get", page("/directory/services/new/"), MANAGERS),
    Route("entry new", "post", page("/directory/services/new/"), MANAGERS, ok=302, data=entry_form),
    Route(
        "entry edit form",
        "get",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/edit/",
        MANAGERS,
        sees=IN_A,
    ),
    Route(
        "entry edit",
        "post",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/edit/",
        MANAGERS,
        ok=302,
        sees=IN_A,
        data=entry_form,
    ),
    Route(
        "entry withdraw",
        "post",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/withdraw/",
        MANAGERS,
        ok=302,
        sees=IN_A,
    ),
    Route(
        "entry relist",
        "post",
        lambda w: f"/directory/services/{entry_of_a(w).uuid}/relist/",
        MANAGERS,
        ok=302,
        sees=IN_A,
    ),
    Route("hotline new form", "get", page("/directory/hotlines/new/"), MANAGERS),
    Route(
        "hotline new",
        "post",
        page("/directory/hotlines/new/"),
        MANAGERS,
        ok=302,
        data=hotline_form,
    ),
    Route(
        "hotline edit form",
        "get",
        lambda w: f"/directory/hotlines/{hotline_of_a(w).uuid}/edit/",
        MANAGERS,
        sees=IN_A,
    ),
    Route(
        "hotline edit",
        "post",
        lambda w: f"/directory/hotlines/{hotline_of_a(w).uuid}/edit/",
        MANAGERS,
        ok=302,
        sees=IN_A,
        data=hotline_form,
    ),
    Route(
        "hotline withdraw",
        "post",
        lambda w: f"/directory/hotlines/{hotline_of_a(w).uuid}/withdraw/",
        MANAGERS,
        ok=302,
        sees=IN_A,
    ),
]


def api(path: str):
    def url(world: World) -> str:
        entry_of_a(world)
        return "/api/v1/directory" + path

    return url


ENDPOINTS = [
    Route("api services", "get", api("/services"), EVERY_MEMBER),
    Route(
        "api service create",
        "post",
        api("/services"),
        MANAGERS,
        ok=201,
        data=lambda w: {"service_type": "Medical", "languages": ["ru"]},
    ),
    Route(
        "api service",
        "get",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}",
        EVERY_MEMBER,
    ),
    Route(
        "api service patch",
        "patch",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}",
        MANAGERS,
        sees=IN_A,
        data=lambda w: {"version": 1, "capacity_free": 0},
    ),
    Route(
        "api service withdraw",
        "post",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}/withdraw",
        MANAGERS,
        sees=IN_A,
        data=lambda w: {},
    ),
    Route(
        "api service relist",
        "post",
        lambda w: f"/api/v1/directory/services/{entry_of_a(w).uuid}/relist",
        MANAGERS,
        sees=IN_A,
        data=lambda w: {},
    ),
    Route("api hotlines", "get", api("/hotlines?country=KZ"), EVERY_MEMBER),
    Route(
        "api hotline create",
        "post",
        api("/hotlines"),
        MANAGERS,
        ok=201,
        data=lambda w: {"country": "UZ", "number": "+998 71 200 00 00", "languages": ["uz"]},
    ),
    Route(
        "api hotline",
        "get",
        lambda w: f"/api/v1/directory/hotlines/{hotline_of_a(w).uuid}",
        EVERY_MEMBER,
    ),
    Route(
        "api hotline patch",
        "patch",
        lambda w: f"/api/v1/directory/hotlines/{hotline_of_a(w).uuid}",
        MANAGERS,
        sees=IN_A,
        data=lambda w: {"version": 1, "hours": "Mon-Fri 9-18"},
    ),
    Route(
        "api hotline withdraw",
        "post",
        lambda w: f"/api/v1/directory/hotlines/{hotline_of_a(w).uuid}/withdraw",
        MANAGERS,
        sees=IN_A,
        data=lambda w: {},
    ),
]


@each(PAGES + ENDPOINTS)
def test_access(world: World, route: Route, principal: str) -> None:
    response = check(world, route, principal)
    if response.status_code == 200 and route.name in ("search", "organization", "api services"):
        # Every member reads A's listed service, whichever organization they are in.
        assert "Listed by A" in response.content.decode()
